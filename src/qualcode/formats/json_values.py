"""Model values as JSON data and back: the codec shared by the JSON format and REFI-QDA extras.

Tagged objects stand for what JSON has no type of its own for: ``{"datetime": ...}``,
``{"date": ...}``, ``{"base64": ...}`` (bytes), ``{"map": {...}}`` (mappings) and
``{"region": "pdf", ...}`` (regions). Decoding is guided by the model's type hints.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import functools
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Union

import attrs

from qualcode.model import (
    FrozenMap,
    MediaRange,
    Paragraph,
    PdfRegion,
    PictureRegion,
    Provenance,
    SourceFile,
    SpeakerTurn,
    SyncPoint,
    TextOrigin,
)

REGION_CLASSES: dict[str, type[Any]] = {
    "pdf": PdfRegion,
    "picture": PictureRegion,
    "media": MediaRange,
}
_REGION_TAGS = {cls: tag for tag, cls in REGION_CLASSES.items()}
_STRUCTS = (Paragraph, SpeakerTurn, SyncPoint, SourceFile, TextOrigin, Provenance)


def encode_value(value: Any) -> Any:
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
        return {"map": {str(k): encode_value(v) for k, v in value.items()}}
    if isinstance(value, tuple | list):
        return [encode_value(v) for v in value]
    if type(value) in _REGION_TAGS:
        return {"region": _REGION_TAGS[type(value)], **encode_struct(value)}
    if isinstance(value, _STRUCTS):
        return encode_struct(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_struct(entity: Any) -> dict[str, Any]:
    """An attrs instance's fields that differ from their defaults, encoded (small, readable)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(entity)):
        value = getattr(entity, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if default is not attrs.NOTHING and value == default:
            continue
        out[field.name] = encode_value(value)
    return out


class BadValueError(ValueError):
    """A JSON value that does not fit the model field it is for.

    ``field`` names the field as a path within its entity (``start``, ``source_file.name``,
    ``paragraphs[2].end``; empty for the entity itself), and ``problem`` says what is wrong,
    with ``{field}`` where the field's name goes; ``detail`` is more to say after that (such as
    the list of known fields). ``str()`` is the filled-in message and the detail.
    """

    def __init__(self, field: str, problem: str, detail: str = "") -> None:
        self.field = field
        self.problem = problem
        self.detail = detail
        super().__init__(self.message + detail)

    @property
    def message(self) -> str:
        if "{field}" in self.problem:
            return self.problem.replace("{field}", self.field or "the value")
        return f"{self.field} {self.problem}" if self.field else self.problem

    def within(self, outer: str | int) -> BadValueError:
        """The same problem, its field named from one level further out."""
        step = f"[{outer}]" if isinstance(outer, int) else outer
        if not self.field:
            field = step
        elif self.field.startswith("["):
            field = step + self.field
        else:
            field = f"{step}.{self.field}" if step else self.field
        return BadValueError(field, self.problem, self.detail)

    def __str__(self) -> str:
        return self.message + self.detail


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a string decoded from JSON holds one only where an escape such as
``\\ud800`` stood alone (a pair of escapes decodes to one character)."""


def lone_surrogate(text: str) -> tuple[int, str] | None:
    """``(offset, character)`` of the first lone surrogate in ``text``, if it holds one.

    Constant time for ASCII text (:meth:`str.isascii` reads a flag), one C scan otherwise.
    """
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return None if found is None else (found.start(), found.group())


def surrogate_problem(offset: int, character: str) -> str:
    """The message for a lone surrogate at ``offset`` (counted from 0; shown from 1)."""
    return f"holds a lone surrogate (U+{ord(character):04X}) at character {offset + 1}"


def find_lone_surrogate(value: Any) -> BadValueError | None:
    """The first string in JSON data ``value`` (keys included) holding a lone surrogate, as a
    :class:`BadValueError` naming its place (``text``, ``attributes.map``, ``examples[2]``)."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:  # depth first, in the order the data is written
        item, where = stack.pop()
        if isinstance(item, str):
            found = lone_surrogate(item)
            if found is not None:
                return BadValueError(where, surrogate_problem(*found))
        elif isinstance(item, dict):
            inside: list[tuple[Any, str]] = []
            for key, inner in item.items():
                found = lone_surrogate(key)
                if found is not None:
                    problem = "has a member name that " + surrogate_problem(*found)
                    return BadValueError(where, problem)
                inside.append((inner, f"{where}.{key}" if where else key))
            stack.extend(reversed(inside))
        elif isinstance(item, list):
            inside = [(inner, f"{where}[{index}]") for index, inner in enumerate(item)]
            stack.extend(reversed(inside))
    return None


def one_line(text: str) -> str:
    """``text`` with anything unprintable (a line break, a lone surrogate) as an escape, so that
    an error message naming a member or an id from a file stays one printable line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def show(raw: Any, limit: int = 40) -> str:
    """JSON data as it would be written, cut to about ``limit`` characters, for messages."""
    try:
        text = json.dumps(raw, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(raw)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(hint: Any) -> str:
    """What a value of type ``hint`` looks like in JSON, for messages ("a whole number")."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if all(option in _REGION_TAGS for option in options):
            text = 'a region {"region": ..., ...}'
        else:
            text = " or ".join(describe(option) for option in options)
        return text + (" or null" if len(options) < len(typing.get_args(hint)) else "")
    if origin is tuple:
        return "an array"
    if origin is FrozenMap or hint is FrozenMap:
        return 'an object {"map": {...}}'
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    if hint is bool:
        return "true or false"
    if hint is str:
        return "a string"
    if hint is bytes:
        return 'base64 data {"base64": "..."}'
    if hint is dt.datetime:
        return 'an ISO 8601 date-time {"datetime": "..."}'
    if hint is dt.date:
        return 'an ISO 8601 date {"date": "..."}'
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "one of " + ", ".join(repr(member.value) for member in hint)
    if isinstance(hint, type) and attrs.has(hint):
        return "an object"
    return "a JSON value"


def _wrong(raw: Any, hint: Any) -> BadValueError:
    return BadValueError("", f"must be {describe(hint)}, not {show(raw)}")


def decode_value(raw: Any, hint: Any) -> Any:
    """JSON data back to a model value of the type ``hint``.

    Strict: a value that does not fit (a float, string, ``true`` or ``null`` where a whole
    number belongs, an unknown field of a structure) raises :class:`BadValueError`, which says what
    was expected. ``Any`` takes any JSON value, tagged ones decoded.
    """
    if hint is Any:
        return _decode_any(raw)
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _decode_union(raw, hint)
    if raw is None:
        raise _wrong(raw, hint)
    kind = type(raw)
    if hint is int:
        if kind is int:
            return raw
        raise _wrong(raw, hint)
    if hint is str or hint is bool:
        if kind is hint:
            return raw
        raise _wrong(raw, hint)
    if hint is float:
        if kind is float or kind is int:
            return raw
        raise _wrong(raw, hint)
    if origin is tuple:
        if kind is not list:
            raise _wrong(raw, hint)
        item_type = typing.get_args(hint)[0]
        items = []
        for index, item in enumerate(raw):
            try:
                items.append(decode_value(item, item_type))
            except BadValueError as error:
                raise error.within(index) from None
        return tuple(items)
    if isinstance(hint, type) and attrs.has(hint):
        return decode_struct(raw, hint)
    if origin is FrozenMap or hint is FrozenMap:
        if kind is not dict:
            raise _wrong(raw, hint)
        inner = raw["map"] if set(raw) == {"map"} and isinstance(raw["map"], dict) else raw
        return FrozenMap(_decode_items(inner))
    if hint is bytes or hint is dt.datetime or hint is dt.date:
        value = _decode_any(raw) if kind is dict else _decode_any({_TAGS[hint]: raw})
        if type(value) is hint:
            return value
        raise _wrong(raw, hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(raw)
        except (ValueError, TypeError):
            raise _wrong(raw, hint) from None
    return _decode_any(raw)


_TAGS: dict[Any, str] = {bytes: "base64", dt.datetime: "datetime", dt.date: "date"}


def _decode_union(raw: Any, hint: Any) -> Any:
    """A value of an optional type, or of one of several structures (a region)."""
    options = typing.get_args(hint)
    if raw is None:
        if type(None) in options:
            return None
        raise _wrong(raw, hint)
    wanted = [a for a in options if a is not type(None)]
    if len(wanted) == 1:
        try:
            return decode_value(raw, wanted[0])
        except BadValueError as error:
            if error.field or not error.problem.startswith("must be "):
                raise
            raise _wrong(raw, hint) from None  # say that null would do too
    value = _decode_any(raw)
    if isinstance(value, tuple(typing.get_origin(a) or a for a in wanted)):
        return value
    raise _wrong(raw, hint)


def _decode_items(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    items = []
    for key, value in raw.items():
        try:
            items.append((key, _decode_any(value)))
        except BadValueError as error:
            raise error.within(key) from None
    return items


def _decode_any(raw: Any) -> Any:
    """Any JSON value: tagged objects decoded, arrays as tuples, the rest as it is."""
    if isinstance(raw, list):
        return tuple(_decode_any(v) for v in raw)
    if not isinstance(raw, dict):
        return raw
    try:
        if "datetime" in raw:
            return dt.datetime.fromisoformat(raw["datetime"])
        if "date" in raw:
            return dt.date.fromisoformat(raw["date"])
        if "base64" in raw:
            return base64.b64decode(raw["base64"], validate=True)
    except (TypeError, ValueError) as error:  # binascii.Error is a ValueError
        tag = next(t for t in ("datetime", "date", "base64") if t in raw)
        wanted = {"datetime": dt.datetime, "date": dt.date, "base64": bytes}[tag]
        raise _wrong(raw, wanted) from error
    if "map" in raw:
        inner = raw["map"]
        if not isinstance(inner, dict):
            raise BadValueError("", f'must be an object {{"map": {{...}}}}, not {show(raw)}')
        return FrozenMap(_decode_items(inner))
    if "region" in raw:
        tag = raw["region"]
        cls = REGION_CLASSES.get(tag) if isinstance(tag, str) else None
        if cls is None:
            known = ", ".join(repr(t) for t in REGION_CLASSES)
            raise BadValueError("region", f"must be one of {known}, not {show(tag)}")
        return decode_struct({k: v for k, v in raw.items() if k != "region"}, cls)
    return raw


@functools.cache
def field_types(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _required(cls: type[Any]) -> tuple[str, ...]:
    """The fields of ``cls`` that have no default."""
    return tuple(f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING)


def unknown_field(key: str, known: Iterable[str]) -> BadValueError:
    """The problem of a member ``key`` that is not among the ``known`` fields."""
    return BadValueError(
        key, "unknown field '{field}'", f"; the known fields are: {', '.join(known)}"
    )


def missing_field(name: str) -> BadValueError:
    return BadValueError(name, "'{field}' is missing")


def decode_struct(raw: dict[str, Any], cls: type[Any]) -> Any:
    """An attrs instance of ``cls`` from its JSON object; :class:`BadValueError` if it does not
    fit (a member that is not a field, a field missing, a value of the wrong type)."""
    if type(raw) is not dict:
        raise _wrong(raw, cls)
    hints = field_types(cls)  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        hint = hints.get(key)
        if hint is None:
            raise unknown_field(key, (field.name for field in attrs.fields(cls)))
        try:
            values[key] = decode_value(value, hint)
        except BadValueError as error:
            raise error.within(key) from None
    for name in _required(cls):  # type: ignore[arg-type]
        if name not in values:
            raise missing_field(name)
    return cls(**values)
