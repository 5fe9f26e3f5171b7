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
import types
import typing
from collections.abc import Mapping
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


def decode_value(raw: Any, hint: Any) -> Any:
    """JSON data back to a model value of the type ``hint``."""
    if raw is None:
        return None
    if isinstance(hint, type) and attrs.has(hint):
        return decode_struct(raw, hint)
    if isinstance(raw, dict):
        if "datetime" in raw:
            return dt.datetime.fromisoformat(raw["datetime"])
        if "date" in raw:
            return dt.date.fromisoformat(raw["date"])
        if "base64" in raw:
            return base64.b64decode(raw["base64"], validate=True)
        if "map" in raw:
            return FrozenMap((k, decode_value(v, Any)) for k, v in raw["map"].items())
        if "region" in raw:
            cls = REGION_CLASSES[raw["region"]]
            return cls(**{k: v for k, v in raw.items() if k != "region"})
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return decode_value(raw, options[0] if len(options) == 1 else Any)
    if origin is tuple:
        (item_type, *_rest) = typing.get_args(hint)
        return tuple(decode_value(v, item_type) for v in raw)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return hint(raw)
        if hint is dt.datetime:
            return dt.datetime.fromisoformat(raw)
    if isinstance(raw, list):
        return tuple(decode_value(v, Any) for v in raw)
    return raw


@functools.cache
def field_types(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode_struct(raw: dict[str, Any], cls: type[Any]) -> Any:
    hints = field_types(cls)  # type: ignore[arg-type]
    return cls(**{key: decode_value(value, hints[key]) for key, value in raw.items()})
