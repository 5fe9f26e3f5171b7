"""qualcode's native JSON format: the whole model, losslessly, versioned.

The layout is documented in ``docs/formats/json.md``. In short: one object with ``"format":
"qualcode"``, ``"version"``, ``"project"`` (the project's own fields) and one array per kind of
entity. Field names are those of the model classes; dates and times are ISO 8601 strings; bytes
are base64; enumerations are their string values; variable values that JSON cannot type
(dates) are tagged objects. Codings refer to a shared ``provenances`` table by index to stay small.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

import attrs

from qualcode.errors import ParseError, QualcodeError
from qualcode.fileio import atomic_output, read_bytes
from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.hookspecs import hookimpl
from qualcode.model import (
    MANUAL,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    FrozenMap,
    Link,
    MediaRange,
    Memo,
    Paragraph,
    PdfRegion,
    PictureRegion,
    Provenance,
    ProvenanceMethod,
    Set,
    SourceFile,
    SpeakerTurn,
    SyncPoint,
    TextOrigin,
    Theme,
    Variable,
)
from qualcode.project import Project
from qualcode.reports import LossReport

FORMAT_NAME = "qualcode"
FORMAT_VERSION = 1

_REGIONS: dict[str, type[Any]] = {"pdf": PdfRegion, "picture": PictureRegion, "media": MediaRange}
_REGION_TAGS = {cls: tag for tag, cls in _REGIONS.items()}
_STRUCTS = (Paragraph, SpeakerTurn, SyncPoint, SourceFile, TextOrigin)

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


def _encode_value(value: Any) -> Any:
    """A model value as JSON data (tagged where JSON has no type of its own)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, FrozenMap | Mapping):
        return {"map": {str(k): _encode_value(v) for k, v in value.items()}}
    if isinstance(value, tuple | list):
        return [_encode_value(v) for v in value]
    if type(value) in _REGION_TAGS:
        return {"region": _REGION_TAGS[type(value)], **_encode_struct(value)}
    if isinstance(value, _STRUCTS):
        return _encode_struct(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _encode_struct(value: Any) -> dict[str, Any]:
    return {
        field.name: _encode_value(getattr(value, field.name))
        for field in attrs.fields(type(value))
        if getattr(value, field.name) != field.default or field.default is attrs.NOTHING
    }


def _encode_entity(entity: Any) -> dict[str, Any]:
    """Fields that differ from their defaults (so files stay small and readable)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(entity)):
        value = getattr(entity, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if default is not attrs.NOTHING and value == default:
            continue
        out[field.name] = _encode_value(value)
    return out


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
            item["region"] = _encode_value(coding.region)
        codings.append(item)
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "project": {
            "name": project.name,
            "description": project.description,
            "origin": project.origin,
            "created_by": project.created_by,
            "created_at": _encode_value(project.created_at),
            "modified_by": project.modified_by,
            "modified_at": _encode_value(project.modified_at),
        },
        "provenances": [_encode_entity(p) for p in provenances],
    }
    for section, _cls in _SECTIONS:
        if section == "codings":
            data[section] = codings
        else:
            data[section] = [_encode_entity(e) for e in getattr(project, section)]
    return data


# -- decoding ---------------------------------------------------------------------------------


def _decode_value(raw: Any, hint: Any) -> Any:
    """JSON data back to a model value of the type ``hint``."""
    if raw is None:
        return None
    if isinstance(hint, type) and attrs.has(hint):
        return _decode_struct(raw, hint)
    if isinstance(raw, dict):
        if "datetime" in raw:
            return dt.datetime.fromisoformat(raw["datetime"])
        if "date" in raw:
            return dt.date.fromisoformat(raw["date"])
        if "base64" in raw:
            return base64.b64decode(raw["base64"], validate=True)
        if "map" in raw:
            return FrozenMap((k, _decode_value(v, Any)) for k, v in raw["map"].items())
        if "region" in raw:
            cls = _REGIONS[raw["region"]]
            return cls(**{k: v for k, v in raw.items() if k != "region"})
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode_value(raw, options[0] if len(options) == 1 else Any)
    if origin is tuple:
        (item_type, *_rest) = typing.get_args(hint)
        return tuple(_decode_value(v, item_type) for v in raw)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return hint(raw)
        if hint is dt.datetime:
            return dt.datetime.fromisoformat(raw)
    if isinstance(raw, list):
        return tuple(_decode_value(v, Any) for v in raw)
    return raw


@functools.cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_struct(raw: dict[str, Any], cls: type[Any]) -> Any:
    hints = _hints(cls)  # type: ignore[arg-type]
    return cls(**{key: _decode_value(value, hints[key]) for key, value in raw.items()})


def _decode_coding(raw: dict[str, Any], provenances: list[Provenance]) -> Coding:
    created = raw.get("created")
    region = raw.get("region")
    return Coding(
        id=raw["id"],
        document_id=raw["document_id"],
        code_id=raw["code_id"],
        start=raw["start"],
        end=raw["end"],
        coder_id=raw.get("coder_id"),
        created=dt.datetime.fromisoformat(created) if created is not None else None,
        provenance=provenances[raw.get("provenance", 0)],
        region=_decode_value(region, Any) if region is not None else None,
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
            created_at=_decode_value(head.get("created_at"), dt.datetime),
            modified_by=head.get("modified_by"),
            modified_at=_decode_value(head.get("modified_at"), dt.datetime),
        )
        provenances = [_decode_struct(p, Provenance) for p in data.get("provenances", [])] or [
            MANUAL
        ]
        if provenances[0] != MANUAL or provenances[0].method is not ProvenanceMethod.MANUAL:
            raise ParseError("the first provenance must be the manual one", path=path)
        provenances[0] = MANUAL
        late_cases: list[Case] = []
        for section, cls in _SECTIONS:
            items = data.get(section, [])
            if section == "codings":
                project.add_codings(_decode_coding(raw, provenances) for raw in items)
                continue
            for raw in items:
                entity = _decode_struct(raw, cls)
                if isinstance(entity, Case) and entity.coding_ids:
                    late_cases.append(entity)
                    entity = attrs.evolve(entity, coding_ids=())
                project.add(entity)
        for case in late_cases:
            project.add_case(case, replace=True)
    except QualcodeError as error:
        error.path = error.path or (str(path) if path else None)
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
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
