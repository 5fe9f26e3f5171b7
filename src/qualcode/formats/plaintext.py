"""Plain text import (.txt, .md): one document per file.

Decoding: UTF-8 with or without a BOM, UTF-16 or UTF-32 with a BOM; anything else is an error that
names the file. Line ends become LF; the original line end and encoding are recorded in the
document's :class:`~qualcode.model.TextOrigin`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualcode.errors import OptionError
from qualcode.fileio import read_bytes
from qualcode.formats.base import Importer, ImportResult
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.model import Document, DocumentKind, new_id
from qualcode.project import Project
from qualcode.text import decode


class PlainTextImporter(Importer):
    name = "text"
    extensions = (".txt", ".md", ".markdown", ".text")
    description = "plain text, one document per file (UTF-8, or UTF-16/32 with a BOM)"
    options = {
        "kind": "document kind: interview, diary, field_note, focus_group, survey_response, other",
    }

    def read(self, path: Path, **options: Any) -> ImportResult:
        kind_name = str(options.get("kind", DocumentKind.OTHER.value))
        try:
            kind = DocumentKind(kind_name)
        except ValueError:
            known = ", ".join(k.value for k in DocumentKind)
            raise OptionError(f"unknown document kind {kind_name!r}; use one of: {known}") from None
        decoded = decode(read_bytes(path), path)
        project = Project(name=path.stem)
        project.add_document(
            Document(
                id=new_id(),
                name=path.stem,
                text=decoded.text,
                kind=kind,
                text_origin=decoded.origin,
            )
        )
        report = LossReport()
        if not decoded.text.strip():
            report.warn(f"{path.name}: the file holds no text (an empty document was made)")
        return ImportResult(project, report)


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [PlainTextImporter]
