"""qualcode's own data inside a .qdpx, so that qualcode reads its export back unchanged.

REFI-QDA has no place for theme details, codebook fields, provenance, document kinds and time
points, coder types or text structure. Other tools see the nearest thing (themes as sets of
codes, codebook fields in descriptions, kinds and time points as variables); the exact values
travel in one note named :data:`NOTE_NAME` whose text is JSON, with a description that tells a
person what it is. A reader that does not know it shows it as an ordinary note; qualcode applies
it only to entities whose GUIDs still match.

The note is written only when it carries something the XML cannot say (see the writer's
``_needs_note``): a plain NVivo to NVivo conversion has none. What qualcode reads back from the
XML alone (a code's fields in its description, the project's origin in ``Project/@origin``, an
original file stored under the name it is read back with) is left out of it.
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from qualcode.formats.json_values import decode_value, encode_value, field_types
from qualcode.formats.refiqda import descriptions
from qualcode.model import (
    MANUAL,
    SourceKind,
)
from qualcode.project import Project

NOTE_NAME = "qualcode: details this program cannot show (safe to delete)"
"""The name of qualcode's note, as a person sees it in the program the file is for."""
OLD_NOTE_NAMES = frozenset({"qualcode data (read by qualcode; safe to delete elsewhere)"})
"""Names earlier versions gave the note; qualcode still reads them."""


def is_note_name(name: str) -> bool:
    """Whether a note's name is the name of qualcode's note (now or in earlier versions)."""
    return name == NOTE_NAME or name in OLD_NOTE_NAMES


def note_description(label: str) -> str:
    """The description of qualcode's note: what it is, for a person reading it in ``label``."""
    return (
        f"qualcode wrote this note for its own use. It keeps the details of this project that"
        f" {label} has no place for (such as theme details, how codings were made, the order of"
        " codes), so that qualcode can open the project again without losing them. You can"
        " delete it if you will not open the project in qualcode again."
    )


_WRITTEN_ORIGIN = re.compile(r"^qualcode \S+ \(target: [a-z]+\)(?: from (.*))?\Z", re.DOTALL)


def written_origin(version: str, target: str, origin: str) -> str:
    """``Project/@origin`` as qualcode writes it: itself, the target, and where the project
    came from (when known), which :func:`original_origin` gives back."""
    written = f"qualcode {version} (target: {target})"
    return f"{written} from {origin}" if origin else written


def original_origin(origin: str) -> str:
    """The project's own origin in a ``Project/@origin`` that :func:`written_origin` made
    ("" when it names none); any other origin as it is."""
    match = _WRITTEN_ORIGIN.match(origin)
    if match is None:
        return origin
    return match.group(1) or ""


FORMAT = "qualcode-refiqda"
VERSION = 2
"""Version 2 added ``shared``; version 1 notes (without it) read the same way."""
READABLE_VERSIONS = (1, 2)
SHARED = "$shared"
"""Key of a reference ``{"$shared": index}`` to a value stored once in the note's ``shared``."""
NAMESPACE = uuid.UUID("5c0d3a8e-7f41-4d5e-9a51-6b1c0e2f9d73")

KIND_VARIABLE = "Document kind"
TIME_POINT_VARIABLE = "Time point"

TEXT_TWIN = "_text_twin"
"""Key, in a PDF coding's entry, of the GUID of the ``PlainTextSelection`` in the PDF's text
``Representation`` that repeats the coding's span for other tools (see :mod:`.twins`)."""

_CODE_FIELDS = ("definition", "inclusion", "exclusion", "examples", "origin", "status")
_TIMES = ("created_by", "created_at", "modified_by", "modified_at")
_DOCUMENT_FIELDS = ("kind", "time_point", "text_origin", "paragraphs", "turns")


_NAMESPACE_BYTES = NAMESPACE.bytes


def derived_id(*parts: str) -> str:
    """A stable GUID derived from other ids (for selections, anchors, sync points).

    The name-based UUID (version 5) of the parts joined by ``/`` in :data:`NAMESPACE`, as
    :func:`uuid.uuid5` makes it, computed without building UUID objects (a project writes one
    per coding).
    """
    joined = "/".join(parts).encode("utf-8", "surrogatepass")  # a lone surrogate may be in a name
    h = hashlib.sha1(_NAMESPACE_BYTES + joined).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]  # the RFC 4122 variant bits, 10xx
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


_VARIANT_OF = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def derived_ids(ids: Iterable[str], suffix: str) -> list[str]:
    """``[derived_id(i, suffix) for i in ids]`` in one pass (one per coding on export)."""
    sha1, prefix, tail, variant = hashlib.sha1, _NAMESPACE_BYTES, "/" + suffix, _VARIANT_OF
    return [
        f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant[h[16]]}{h[17:20]}-{h[20:32]}"
        for h in (
            sha1(prefix + (i + tail).encode("utf-8", "surrogatepass")).hexdigest() for i in ids
        )
    ]


def _fields(entity: Any, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(entity, name)
        default: Any = attrs.fields_dict(type(entity))[name].default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if value != default:
            out[name] = encode_value(value)
    return out


@attrs.define
class Extras:
    """What the note carries: fields by entity id, and a few project-wide facts."""

    target: str = "spec"
    project: dict[str, Any] = attrs.field(factory=dict)
    entities: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    variables: dict[str, str] = attrs.field(factory=dict)
    """Role -> GUID of the variables standing for document kind and time point."""
    real_links: list[str] = attrs.field(factory=list)
    """Links that start at a note but are links, not a note's attachments."""
    order: dict[str, list[str]] = attrs.field(factory=dict)
    """Kind -> ids in the project's order, where the XML's nesting changes it (codes, codings)."""
    shared: list[Any] = attrs.field(factory=list)
    """Values that many entities hold (a strategy's provenance), each written once."""
    ids: dict[str, str] = attrs.field(factory=dict)
    """GUID written -> the project's id it stands for, where that id is not a GUID."""
    _shared_at: dict[str, int] = attrs.field(factory=dict, init=False, repr=False)

    def put(self, entity_id: str, values: dict[str, Any]) -> None:
        if values:
            self.entities.setdefault(entity_id, {}).update(values)

    def share(self, value: Any) -> dict[str, int]:
        """A reference to ``value`` (JSON data) stored once in :attr:`shared`: thousands of a
        strategy's codings share a few provenances, and the note stays small."""
        key = json.dumps(value, sort_keys=True, separators=(",", ":"))
        at = self._shared_at.get(key)
        if at is None:
            at = self._shared_at[key] = len(self.shared)
            self.shared.append(value)
        return {SHARED: at}

    def to_json(self) -> str:
        """The note's text: compact JSON, parts with nothing in them left out."""
        data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "target": self.target}
        for name in ("project", "variables", "real_links", "order", "entities", "shared", "ids"):
            value = getattr(self, name)
            if value:
                data[name] = value
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Extras | None:
        """The extras in a note's text, or None if it is not ours or not readable."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if data.get("version") not in READABLE_VERSIONS:
            return None
        try:
            shared = list(data.get("shared", []))
            return cls(
                target=str(data.get("target", "spec")),
                project=dict(data.get("project", {})),
                entities={
                    str(k): _resolved(dict(v), shared)
                    for k, v in dict(data.get("entities", {})).items()
                },
                variables={str(k): str(v) for k, v in dict(data.get("variables", {})).items()},
                real_links=[str(v) for v in data.get("real_links", [])],
                order={str(k): [str(i) for i in v] for k, v in dict(data.get("order", {})).items()},
                ids={str(k): str(v) for k, v in dict(data.get("ids", {})).items()},
            )
        except (TypeError, ValueError, AttributeError):
            return None


def _resolved(values: dict[str, Any], shared: list[Any]) -> dict[str, Any]:
    """``values`` with each reference to a shared value (see :meth:`Extras.share`) replaced by
    the value; a reference to nothing is left as it is (and is then reported as damaged)."""
    for name, value in values.items():
        if isinstance(value, dict) and len(value) == 1 and SHARED in value:
            at = value[SHARED]
            if isinstance(at, int) and not isinstance(at, bool) and 0 <= at < len(shared):
                values[name] = shared[at]
    return values


def is_guid(value: str | None) -> bool:
    if not value:
        return False
    try:
        uuid.UUID(value.strip().strip("{}"))
    except ValueError:
        return False
    return True


NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold."""


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot hold replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def _unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return NOT_XML.search(value) is not None
    if isinstance(value, tuple):
        return any(_unsafe(v) for v in value)
    if isinstance(value, Mapping):
        return any(_unsafe(v) for v in value.values())
    return False


def is_unsafe(value: Any) -> bool:
    """Whether a value holds characters XML cannot carry (the note keeps it exactly)."""
    return _unsafe(value)


def settle_code_fields(data: Extras, project: Project, description_of: dict[str, str]) -> None:
    """Leave out of the note the codebook fields of codes whose description, as written, gives
    every one of them back (an NVivo code's description is all definition, for instance); for
    the other codes with an entry, store all of them, so that none is taken from a description
    that reads as a field it is not (a definition with a line "Inclusion: ...")."""
    for code in project.codes:
        values = data.entities.get(code.id)
        if not values or "_description" not in values:
            continue
        text = description_of.get(code.id, "")
        parsed = descriptions.parse_code(text)
        if (
            "\r" not in text
            and not _unsafe(text)
            and all(getattr(parsed, name) == getattr(code, name) for name in _CODE_FIELDS)
        ):
            for name in (*_CODE_FIELDS, "_description"):
                values.pop(name, None)
            if not values:
                del data.entities[code.id]
            continue
        for name in _CODE_FIELDS:
            if name not in values and getattr(parsed, name) != getattr(code, name):
                values[name] = encode_value(getattr(code, name))


def _exact_strings(entity: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Fields holding characters XML cannot carry, stored exactly."""
    return {
        field.name: encode_value(getattr(entity, field.name))
        for field in attrs.fields(type(entity))
        if field.name not in skip and _unsafe(getattr(entity, field.name))
    }


def collect(
    project: Project, found: Extras, description_of: dict[str, str], *, inline_text: bool
) -> Extras:
    """Add to ``found`` what a project's REFI-QDA XML cannot say exactly.

    ``description_of`` maps code and theme ids to the description text written for them.
    """
    extras = found
    if project.origin:
        extras.project["origin"] = project.origin
    for name in ("created_by", "modified_by"):
        value = getattr(project, name)
        if value is not None and not is_guid(value):
            extras.project[name] = value
    for name in ("name", "description"):
        if _unsafe(getattr(project, name)):
            extras.project[name] = getattr(project, name)
    for coder in project.coders:
        extras.put(coder.id, _fields(coder, ("machine",)) | _exact_strings(coder))
    for code in project.codes:
        values = _fields(code, _CODE_FIELDS + _TIMES) | _exact_strings(code)
        if values:
            values["_description"] = xml_safe(description_of.get(code.id, ""))
        extras.put(code.id, values)
    for theme in project.themes:
        values = _fields(theme, ("definition", "narrative", "status", "parent_id", "code_ids"))
        values |= _exact_strings(theme)
        values["_theme"] = True
        values["_description"] = xml_safe(description_of.get(theme.id, ""))
        extras.put(theme.id, values)
    skip_text = () if inline_text else ("text",)
    for document in project.documents:
        values = _fields(document, _DOCUMENT_FIELDS) | _exact_strings(document, skip_text)
        values.pop("source_file", None)
        for name in _TIMES[0::2]:
            value = getattr(document, name)
            if value is not None and not is_guid(value):
                values[name] = encode_value(value)
        if document.source is not SourceKind.AUDIO and document.source is not SourceKind.VIDEO:
            values |= _fields(document, ("sync_points",))
        extras.put(document.id, values)
    references: dict[Any, dict[str, int]] = {}  # provenance -> its reference, encoded once
    for coding in project.codings:
        provenance = coding.provenance
        if provenance is not MANUAL and provenance != MANUAL:
            reference = references.get(provenance)
            if reference is None:
                reference = references[provenance] = extras.share(encode_value(provenance))
            extras.put(coding.id, {"provenance": reference})
    for memo in project.memos:
        values = _exact_strings(memo)
        if len(memo.target_ids) > 1:
            values["target_ids"] = list(memo.target_ids)
        for name in _TIMES[0::2]:
            value = getattr(memo, name)
            if value is not None and not is_guid(value):
                values[name] = encode_value(value)
        extras.put(memo.id, values)
    for group in project.sets:
        values = _exact_strings(group)
        if group.member_ids:
            values["member_ids"] = list(group.member_ids)
        extras.put(group.id, values)
    for entity in (*project.variables, *project.cases, *project.links):
        extras.put(entity.id, _exact_strings(entity))
    memo_ids = {m.id for m in project.memos}
    extras.real_links = [link.id for link in project.links if link.origin_id in memo_ids]
    return extras


def decode_fields(cls: type[Any], values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Stored values decoded to the field types of ``cls``, and the names that did not fit.

    Unknown names are skipped; a value of the wrong type (a damaged note) is left out and named.
    """
    hints = field_types(cls)  # type: ignore[arg-type]
    decoded: dict[str, Any] = {}
    bad: list[str] = []
    for name, raw in values.items():
        if name.startswith("_") or name not in hints:
            continue
        try:
            value = decode_value(raw, hints[name])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            bad.append(name)
            continue
        if fits(value, hints[name]):
            decoded[name] = value
        else:
            bad.append(name)
    return decoded, bad


def fits(value: Any, hint: Any) -> bool:
    """Whether a decoded value has the type a model field declares (checked deeply)."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, option) for option in typing.get_args(hint))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(fits(v, item) for v in value)
    if origin is not None:
        return isinstance(value, origin)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            return False
        field_hints = field_types(hint)
        return all(fits(getattr(value, f.name), field_hints[f.name]) for f in attrs.fields(hint))
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True
