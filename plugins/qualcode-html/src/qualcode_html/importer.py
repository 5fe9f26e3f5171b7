"""The ``html`` importer: one .html/.htm file becomes one document with the text a reader sees."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from lxml import etree, html

from qualcode import (
    Document,
    DocumentKind,
    Importer,
    ImportResult,
    LossReport,
    Project,
    TextOrigin,
    new_id,
)
from qualcode.errors import OptionError, ParseError, TextEncodingError
from qualcode.fileio import read_bytes
from qualcode_html.render import render

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The encoding declared in a <meta> tag, looked for in the first 1024 bytes as HTML prescribes.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Labels that HTML reads as another encoding (WHATWG Encoding Standard): an ASCII-compatible page
# cannot be UTF-16, and Latin-1 and ASCII pages are read as windows-1252.
_READ_AS = {
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# Markup that only HTML has: a doctype, or an opening tag of an element.
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype\s+html|[a-z][a-z0-9]*)[\s/>]", re.I)


class HtmlImporter(Importer):
    name = "html"
    extensions = (".html", ".htm")
    description = "an HTML page as one document: the text a reader sees, headings as paragraphs"
    options = {
        "kind": "document kind: interview, diary, field_note, focus_group, survey_response, other",
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return start.startswith((b"<!doctype html", b"<html"))

    def read(self, path: Path, **options: Any) -> ImportResult:
        kind = _kind(options)
        text, origin = _decode(read_bytes(path), path)
        if "\x00" in text or not _LOOKS_LIKE_HTML.search(text):
            raise ParseError(
                "not an HTML file (no HTML markup found)",
                path=path,
                hint="check the file, or read it with --from text",
            )
        # The HTML parser knows only HTML's own named entities and never fetches anything.
        parser = html.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
        )
        try:
            root = html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (etree.ParserError, ValueError) as error:
            raise ParseError(f"cannot parse as HTML: {error}", path=path) from error
        rendered = render(root)
        report = LossReport()
        for tag, count in sorted(rendered.skipped.items()):
            report.add(f"<{tag}> content (not text)", where=path.name, count=count)
        project = Project(name=path.stem)
        project.add_document(
            Document(
                id=new_id(),
                name=path.stem,
                text=rendered.text,
                kind=kind,
                text_origin=origin,
                paragraphs=rendered.paragraphs,
            )
        )
        return ImportResult(project, report)


def _kind(options: dict[str, Any]) -> DocumentKind:
    name = str(options.get("kind", DocumentKind.OTHER.value))
    try:
        return DocumentKind(name)
    except ValueError:
        known = ", ".join(kind.value for kind in DocumentKind)
        raise OptionError(f"unknown document kind {name!r}; use one of: {known}") from None


def _decode(data: bytes, path: Path) -> tuple[str, TextOrigin]:
    """The file's text: by its byte order mark, else its <meta charset>, else UTF-8."""
    encoding, had_bom, body = "utf-8", False, data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, had_bom, body = name, True, data[len(bom) :]
            break
    else:
        declared = _META_CHARSET.search(data[:1024])
        if declared is not None:
            label = declared.group(1).decode("ascii").lower()
            encoding = _READ_AS.get(label, label)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise TextEncodingError(
            f"the page declares an unknown encoding {encoding!r}",
            path=path,
            hint="save the page as UTF-8 and try again",
        ) from None
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise TextEncodingError(
            f"cannot decode as {encoding}: bad byte at offset {error.start}",
            path=path,
            hint="save the page as UTF-8 (or fix its <meta charset>) and try again",
        ) from error
    return text, TextOrigin(encoding=encoding, had_bom=had_bom)
