"""qualcode's native JSON format: the whole model, losslessly, versioned.

The layout is documented in ``docs/formats/json.md``. In short: one object with ``"format":
"qualcode"``, ``"version"``, ``"project"`` (the project's own fields) and one array per kind of
entity. Field names are those of the model classes; dates and times are ISO 8601 strings; bytes
are base64; enumerations are their string values; variable values that JSON cannot type
(dates) are tagged objects. Codings refer to a shared ``provenances`` table by index to stay small.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import ParseError, QualcodeError
from qualcode.fileio import atomic_output, read_bytes
from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.formats.json_values import decode_struct, decode_value, encode_struct, encode_value
from qualcode.hookspecs import hookimpl
from qualcode.model import (
    MANUAL,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Link,
    Memo,
    Provenance,
    ProvenanceMethod,
    Set,
    Theme,
    Variable,
)
from qualcode.project import Project
from qualcode.reports import LossReport

FORMAT_NAME = "qualcode"
FORMAT_VERSION = 1

# Entity kinds in the order they are written and read back (references point backwards).
_SECTIONS: tuple[tuple[str, type[Any]], ...] = (
    ("coders", Coder),
    ("variables", Variable),
    ("codes", Code),
    ("themes", Theme),
    ("cases", Case),
    ("documents", Document),
    ("codings", Coding),
    ("memos", Memo),
    ("sets", Set),
    ("links", Link),
)


# -- encoding ---------------------------------------------------------------------------------


def encode_project(project: Project) -> dict[str, Any]:
    """The whole project as JSON data."""
    provenances: dict[Provenance, int] = {MANUAL: 0}
    codings: list[dict[str, Any]] = []
    for coding in project.codings:
        index = provenances.setdefault(coding.provenance, len(provenances))
        item: dict[str, Any] = {
            "id": coding.id,
            "document_id": coding.document_id,
            "code_id": coding.code_id,
            "start": coding.start,
            "end": coding.end,
        }
        if coding.coder_id is not None:
            item["coder_id"] = coding.coder_id
        if coding.created is not None:
            item["created"] = coding.created.isoformat()
        if index:
            item["provenance"] = index
        if coding.region is not None:
            item["region"] = encode_value(coding.region)
        codings.append(item)
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "project": {
            "name": project.name,
            "description": project.description,
            "origin": project.origin,
            "created_by": project.created_by,
            "created_at": encode_value(project.created_at),
            "modified_by": project.modified_by,
            "modified_at": encode_value(project.modified_at),
        },
        "provenances": [encode_struct(p) for p in provenances],
    }
    for section, _cls in _SECTIONS:
        if section == "codings":
            data[section] = codings
        else:
            data[section] = [encode_struct(e) for e in getattr(project, section)]
    return data


# -- decoding ---------------------------------------------------------------------------------


def _decode_coding(
    raw: dict[str, Any], provenances: list[Provenance], shared: dict[str, str] | None = None
) -> Coding:
    """A coding; ``shared`` maps ids to the project's own id strings, so that a million codings
    share them instead of each holding copies."""
    created = raw.get("created")
    region = raw.get("region")
    shared = shared if shared is not None else {}
    document_id, code_id, coder_id = raw["document_id"], raw["code_id"], raw.get("coder_id")
    return Coding(
        id=raw["id"],
        document_id=shared.get(document_id, document_id),
        code_id=shared.get(code_id, code_id),
        start=raw["start"],
        end=raw["end"],
        coder_id=shared.get(coder_id, coder_id) if coder_id is not None else None,
        created=dt.datetime.fromisoformat(created) if created is not None else None,
        provenance=provenances[raw.get("provenance", 0)],
        region=decode_value(region, Any) if region is not None else None,
    )


def decode_project(data: Any, path: Path | None = None) -> Project:
    """A project from JSON data written by :func:`encode_project`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ParseError('not a qualcode JSON project (no "format": "qualcode")', path=path)
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise ParseError(
            f"qualcode JSON version {version!r} is not supported (this qualcode reads version "
            f"{FORMAT_VERSION})",
            path=path,
            hint="upgrade qualcode",
        )
    section = "project"
    try:
        head = data["project"]
        project = Project(
            name=head.get("name", "Untitled project"),
            description=head.get("description", ""),
            origin=head.get("origin", ""),
            created_by=head.get("created_by"),
            created_at=decode_value(head.get("created_at"), dt.datetime),
            modified_by=head.get("modified_by"),
            modified_at=decode_value(head.get("modified_at"), dt.datetime),
        )
        provenances = [decode_struct(p, Provenance) for p in data.get("provenances", [])] or [
            MANUAL
        ]
        if provenances[0] != MANUAL or provenances[0].method is not ProvenanceMethod.MANUAL:
            raise ParseError("the first provenance must be the manual one", path=path)
        provenances[0] = MANUAL
        # References may point forward within a group (a code to a parent listed after it, a
        # memo to a set), so each group is added at once; codings come between the entities
        # they refer to and those that refer to them.
        late_cases: list[Case] = []
        group: list[Any] = []
        for section, cls in _SECTIONS:
            items = data.get(section, [])
            if section == "codings":
                project.add_all(group)
                group = []
                shared = {
                    i: i
                    for ids in (project.documents.ids(), project.codes.ids(), project.coders.ids())
                    for i in ids
                }
                project.add_codings(_decode_coding(raw, provenances, shared) for raw in items)
                continue
            for raw in items:
                entity = decode_struct(raw, cls)
                if isinstance(entity, Case) and entity.coding_ids:
                    late_cases.append(entity)
                    entity = attrs.evolve(entity, coding_ids=())
                group.append(entity)
        section = "memos, sets and links"
        project.add_all(group)
        section = "cases"
        for case in late_cases:
            project.add_case(case, replace=True)
    except QualcodeError as error:
        error.path = error.path or (str(path) if path else None)
        raise
    except KeyError as error:
        raise ParseError(
            f"corrupt qualcode JSON project: {error.args[0]!r} is missing (in section {section!r})",
            path=path,
        ) from error
    except (TypeError, ValueError, AttributeError, IndexError) as error:
        raise ParseError(
            f"corrupt qualcode JSON project in section {section!r}: "
            f"{type(error).__name__}: {error}",
            path=path,
        ) from error
    return project


# -- the plugin -------------------------------------------------------------------------------


class JsonImporter(Importer):
    name = "json"
    extensions = (".qualcode.json", ".json")
    description = "qualcode's native JSON project (lossless)"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return head.lstrip().startswith(b"{") and b'"format": "qualcode"' in head

    def read(self, path: Path, **options: Any) -> ImportResult:
        raw = read_bytes(path)
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            line = getattr(error, "lineno", None)
            raise ParseError(f"not valid JSON: {error}", path=path, line=line) from error
        return ImportResult(decode_project(data, path))


class JsonExporter(Exporter):
    name = "json"
    extensions = (".qualcode.json", ".json")
    description = "qualcode's native JSON project (lossless)"
    options = {"indent": "indent nested levels by this many spaces (default: compact)"}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        indent = options.get("indent")
        data = encode_project(project)
        with atomic_output(path) as stream:
            text = json.dumps(data, ensure_ascii=False, indent=indent)
            stream.write(text.encode("utf-8"))
        return LossReport()

    def losses(self, project: Project, **options: Any) -> LossReport:
        return LossReport()


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [JsonImporter]


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return [JsonExporter]
