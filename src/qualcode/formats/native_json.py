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
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import OptionError, OutputError, ParseError, QualcodeError
from qualcode.fileio import atomic_output, read_bytes
from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.formats.json_trees import tree_problem
from qualcode.formats.json_values import (
    BadValueError,
    decode_struct,
    decode_value,
    encode_struct,
    encode_value,
    find_lone_surrogate,
    missing_field,
    one_line,
    show,
    unknown_field,
)
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
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
    Region,
    Set,
    Theme,
    Variable,
)
from qualcode.project import Project

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
        if coding.selected_by is not None:
            item["selected_by"] = coding.selected_by
        if coding.selected_at is not None:
            item["selected_at"] = coding.selected_at.isoformat()
        if coding.modified_by is not None:
            item["modified_by"] = coding.modified_by
        if coding.modified_at is not None:
            item["modified_at"] = coding.modified_at.isoformat()
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

_SINGULAR = {
    "provenances": "provenance",
    "coders": "coder",
    "variables": "variable",
    "codes": "code",
    "themes": "theme",
    "cases": "case",
    "documents": "document",
    "codings": "coding",
    "memos": "memo",
    "sets": "set",
    "links": "link",
}
_HEAD: dict[str, Any] = {
    "name": str,
    "description": str,
    "origin": str,
    "created_by": str | None,
    "created_at": dt.datetime | None,
    "modified_by": str | None,
    "modified_at": dt.datetime | None,
}
"""The fields of ``project``, the top level's object of the project's own fields."""
_CODING_FIELDS: dict[str, Any] = {
    "id": str,
    "document_id": str,
    "code_id": str,
    "start": int,
    "end": int,
    "coder_id": str | None,
    "created": str | None,
    "provenance": int,
    "region": Region | None,
    "selected_by": str | None,
    "selected_at": str | None,
    "modified_by": str | None,
    "modified_at": str | None,
}
"""A coding's members in the compact layout (``created``, ``selected_at`` and ``modified_at`` are
plain ISO 8601 strings and ``provenance`` an index into the provenance table), in the order of
the fields of :class:`~qualcode.model.Coding` (a test checks it)."""


def entity_label(section: str, raw: Any, index: int) -> str:
    """How a message names an entity: ``document <id>``, else by its place in the file
    (``document at documents[3]``) when it has no usable id."""
    singular = _SINGULAR.get(section, section)
    ident = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(ident, str) and ident.strip() and ident.isprintable() and len(ident) <= 80:
        return f"{singular} {ident.strip()}"
    return f"{singular} at {section}[{index}]"


def _check_coding(raw: Any, provenances: int) -> None:
    """Raise :class:`BadValueError` for what is wrong with a coding, if anything is.

    Called only for codings that fail the quick checks of :func:`_decode_coding` (which may be
    fine, e.g. one that writes ``"coder_id": null``)."""
    if type(raw) is not dict:
        raise BadValueError("", f"must be an object, not {show(raw)}")
    found = find_lone_surrogate(raw)
    if found is not None:
        raise found
    for key, value in raw.items():
        hint = _CODING_FIELDS.get(key)
        if hint is None:
            raise unknown_field(key, _CODING_FIELDS)
        if key == "provenance":
            if type(value) is not int or not 0 <= value < provenances:
                wanted = f"an index into provenances (0 to {provenances - 1})"
                raise BadValueError(key, f"must be {wanted}, not {show(value)}")
        elif key in ("created", "selected_at", "modified_at"):
            if value is not None:
                _created(value, key)
        else:
            try:
                decode_value(value, hint)
            except BadValueError as error:
                raise error.within(key) from None
    for key in ("id", "document_id", "code_id", "start", "end"):
        if key not in raw:
            raise missing_field(key)


def _created(value: Any, key: str = "created") -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadValueError(
            key, f"must be an ISO 8601 date-time string, not {show(value)}"
        ) from None


def _decode_coding(
    raw: Any, provenances: list[Provenance], shared: dict[str, str] | None = None
) -> Coding:
    """A coding; ``shared`` maps ids to the project's own id strings, so that a million codings
    share them instead of each holding copies.

    A million codings is a normal size, so a well-formed coding is checked by a few quick tests
    on the way (its positions are whole numbers, its document, code and coder are among the ids
    in ``shared`` and so were checked already, its own id is ASCII and so holds no lone
    surrogate, it has no member beyond those read). A coding that fails one is examined field by
    field: :func:`_check_coding` raises for a bad one, and a good one (``"coder_id": null``, a
    reference to an id that does not exist, left for the integrity rules) is read plainly.
    """
    shared = shared if shared is not None else {}
    try:
        get = raw.get
        coding_id = raw["id"]
        start = raw["start"]
        end = raw["end"]
        document_id = shared.get(raw["document_id"])
        code_id = shared.get(raw["code_id"])
        coder_id = get("coder_id")
        created = get("created")
        region = get("region")
        index = get("provenance", 0)
        selected_by = get("selected_by")
        selected_at = get("selected_at")
        modified_by = get("modified_by")
        modified_at = get("modified_at")
        if (
            type(start) is not int
            or type(end) is not int
            or document_id is None
            or code_id is None
            or not coding_id.isascii()
            or type(index) is not int
            or index < 0
            or len(raw)
            != 5
            + (coder_id is not None)
            + (created is not None)
            + (region is not None)
            + ("provenance" in raw)
            + (selected_by is not None)
            + (selected_at is not None)
            + (modified_by is not None)
            + (modified_at is not None)
        ):
            raise _UnusualCodingError
        if coder_id is not None:
            coder_id = shared[coder_id]
        if selected_by is not None:
            selected_by = shared[selected_by]
        if modified_by is not None:
            modified_by = shared[modified_by]
        return Coding(  # by position, in the order of _CODING_FIELDS: faster than by name
            coding_id,
            document_id,
            code_id,
            start,
            end,
            coder_id,
            dt.datetime.fromisoformat(created) if created is not None else None,
            provenances[index],
            _decode_region(region) if region is not None else None,
            selected_by,
            dt.datetime.fromisoformat(selected_at) if selected_at is not None else None,
            modified_by,
            dt.datetime.fromisoformat(modified_at) if modified_at is not None else None,
        )
    except (_UnusualCodingError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        pass
    _check_coding(raw, len(provenances))
    return _decode_checked_coding(raw, provenances, shared)


class _UnusualCodingError(Exception):
    """A coding that the quick tests of :func:`_decode_coding` do not pass."""


def _decode_checked_coding(
    raw: dict[str, Any], provenances: list[Provenance], shared: dict[str, str]
) -> Coding:
    """A coding that :func:`_check_coding` found to be well formed."""
    get = raw.get
    document_id, code_id, coder_id = raw["document_id"], raw["code_id"], get("coder_id")
    created, region = get("created"), get("region")
    selected_by, selected_at = get("selected_by"), get("selected_at")
    modified_by, modified_at = get("modified_by"), get("modified_at")
    return Coding(
        id=raw["id"],
        document_id=shared.get(document_id, document_id),
        code_id=shared.get(code_id, code_id),
        start=raw["start"],
        end=raw["end"],
        coder_id=shared.get(coder_id, coder_id) if coder_id is not None else None,
        created=_created(created) if created is not None else None,
        provenance=provenances[get("provenance", 0)],
        region=_decode_region(region) if region is not None else None,
        selected_by=shared.get(selected_by, selected_by) if selected_by is not None else None,
        selected_at=_created(selected_at, "selected_at") if selected_at is not None else None,
        modified_by=shared.get(modified_by, modified_by) if modified_by is not None else None,
        modified_at=_created(modified_at, "modified_at") if modified_at is not None else None,
    )


def _decode_region(raw: Any) -> Any:
    try:
        return decode_value(raw, Region)
    except BadValueError as error:
        raise error.within("region") from None


def _labelled(
    error: BadValueError, label: str, path: Path | None, section: str | None = None
) -> ParseError:
    """The error for a bad value of the entity ``label`` names, in its ``section``."""
    where = f" (in section {section!r})" if section else ""
    return ParseError(one_line(f"{label}: {error.message}{where}{error.detail}"), path=path)


def _decode_codings(
    items: list[Any],
    provenances: list[Provenance],
    shared: dict[str, str],
    path: Path | None,
) -> Iterator[Coding]:
    for index, raw in enumerate(items):
        try:
            yield _decode_coding(raw, provenances, shared)
        except BadValueError as error:
            label = entity_label("codings", raw, index)
            raise _labelled(error, label, path, "codings") from None


def _decode_entity(raw: Any, cls: type[Any], section: str, index: int, path: Path | None) -> Any:
    """One entity of a section, its strings checked for lone surrogates first."""
    try:
        found = find_lone_surrogate(raw)
        if found is not None:
            raise found
        return decode_struct(raw, cls)
    except BadValueError as error:
        raise _labelled(error, entity_label(section, raw, index), path, section) from None


def _section(data: dict[str, Any], section: str, path: Path | None) -> list[Any]:
    items = data.get(section, [])
    if type(items) is not list:
        raise ParseError(f"{section!r} must be an array, not {show(items)}", path=path)
    return items


def _decode_head(head: Any, path: Path | None) -> Project:
    """The project's own fields."""
    if type(head) is not dict:
        raise ParseError(f"'project' must be an object, not {show(head)}", path=path)
    values: dict[str, Any] = {"name": "Untitled project"}
    try:
        found = find_lone_surrogate(head)
        if found is not None:
            raise found
        for key, raw in head.items():
            hint = _HEAD.get(key)
            if hint is None:
                raise unknown_field(key, _HEAD)
            try:
                values[key] = decode_value(raw, hint)
            except BadValueError as error:
                raise error.within(key) from None
    except BadValueError as error:
        raise _labelled(error, "project", path) from None
    return Project(**values)


def decode_project(data: Any, path: Path | None = None) -> Project:
    """A project from JSON data written by :func:`encode_project`.

    Every value must have its field's type (a whole number for a position, not ``6.5``,
    ``"6"``, ``true`` or ``null``), every member must be a field of its entity, required fields
    must be there, and no string may hold a lone surrogate (UTF-8 cannot encode one, so the
    project could never be saved again). Each problem is a :class:`ParseError` naming the
    entity and the field.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ParseError('not a qualcode JSON project (no "format": "qualcode")', path=path)
    version = data.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ParseError(
            f"qualcode JSON version {version!r} is not supported (this qualcode reads version "
            f"{FORMAT_VERSION})",
            path=path,
            hint="upgrade qualcode",
        )
    known = {"format", "version", "project", "provenances", *(name for name, _ in _SECTIONS)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ParseError(
            f"corrupt qualcode JSON project: unknown member(s) {', '.join(map(repr, unknown))} at"
            " the top level",
            path=path,
            hint=f"the members are {', '.join(sorted(known))}",
        )
    section = "project"
    try:
        if "project" not in data:
            raise ParseError("corrupt qualcode JSON project: 'project' is missing", path=path)
        project = _decode_head(data["project"], path)
        section = "provenances"
        provenances = [
            _decode_entity(raw, Provenance, section, index, path)
            for index, raw in enumerate(_section(data, section, path))
        ] or [MANUAL]
        if provenances[0] != MANUAL or provenances[0].method is not ProvenanceMethod.MANUAL:
            raise ParseError("the first provenance must be the manual one", path=path)
        provenances[0] = MANUAL
        # References may point forward within a group (a code to a parent listed after it, a
        # memo to a set), so each group is added at once; codings come between the entities
        # they refer to and those that refer to them.
        late_cases: list[Case] = []
        group: list[Any] = []
        for section, cls in _SECTIONS:
            items = _section(data, section, path)
            if section == "codings":
                problem = tree_problem(group)  # before the project walks every tree
                if problem is not None:
                    raise problem
                project.add_all(group)
                group = []
                shared = {
                    i: i
                    for ids in (project.documents.ids(), project.codes.ids(), project.coders.ids())
                    for i in ids
                }
                project.add_codings(_decode_codings(items, provenances, shared, path))
                continue
            for index, raw in enumerate(items):
                entity = _decode_entity(raw, cls, section, index, path)
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
    except (TypeError, ValueError, AttributeError, IndexError, KeyError) as error:  # a bug's net
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
            data = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            line = getattr(error, "lineno", None)
            raise ParseError(f"not valid JSON: {error}", path=path, line=line) from error
        except ValueError as error:  # a number JSON cannot hold, or one too long for Python
            message = str(error)
            if "Exceeds the limit" in message:  # Python's own guard, worded for programmers
                message = "a whole number has more than 4,300 digits"
            raise ParseError(f"not valid JSON: {message}", path=path) from error
        except RecursionError:
            raise ParseError("not valid JSON for a project: nested too deeply", path=path) from None
        return ImportResult(decode_project(data, path))


def _not_a_number(name: str) -> float:
    """``NaN``, ``Infinity``, ``-Infinity``: Python writes them, JSON (RFC 8259) has no such
    numbers and other programs refuse them."""
    raise ValueError(f"{name} is not a number JSON allows (RFC 8259)")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number (it would be infinite)")
    return value


class JsonExporter(Exporter):
    name = "json"
    extensions = (".qualcode.json", ".json")
    description = "qualcode's native JSON project (lossless)"
    options = {"indent": "indent nested levels by this many spaces (default: compact)"}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        indent = _indent(options.get("indent"))
        problem = tree_problem([*project.codes, *project.themes])
        if problem is not None:
            raise OutputError(problem.message, path=path, guid=problem.guid, hint=problem.hint)
        data = encode_project(project)
        try:
            text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
        except ValueError:
            raise OutputError(
                "a number is not finite (NaN or infinity), which JSON cannot hold",
                path=path,
                hint="check the numbers of regions and variable values made in Python",
            ) from None
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:
            raise _unwritable(data, path) from None
        with atomic_output(path) as stream:
            stream.write(encoded)
        return LossReport()

    def losses(self, project: Project, **options: Any) -> LossReport:
        return LossReport()


def _indent(value: object) -> int | None:
    """The ``indent`` option as a number of spaces (None: compact); given on the command line it
    is text."""
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not text.isascii() or int(text) > 16:
        raise OptionError(
            f"option 'indent' must be a whole number of spaces from 0 to 16, not {value!r}"
        )
    return int(text)


def _unwritable(data: dict[str, Any], path: Path) -> OutputError:
    """The error for a project holding a lone surrogate, which UTF-8 cannot encode."""
    problem = "a string holds a lone surrogate"
    for section in ("project", "provenances", *(name for name, _cls in _SECTIONS)):
        items = data[section] if section != "project" else [data[section]]
        for index, item in enumerate(items):
            found = find_lone_surrogate(item)
            if found is not None:
                label = "project" if section == "project" else entity_label(section, item, index)
                problem = one_line(f"{label}: {found}")
                break
        else:
            continue
        break
    return OutputError(
        f"{problem}, which UTF-8 (and so JSON) cannot hold; nothing was written",
        path=path,
        hint="replace the character (e.g. with U+FFFD) and save again",
    )


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [JsonImporter]


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return [JsonExporter]
