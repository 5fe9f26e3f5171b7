"""One options contract for importers, exporters, strategies and runners.

A plugin class declares its options once, as a tuple of :class:`Option`::

    class MyImporter(Importer):
        options = (
            Option("encoding", "the text encoding", default="utf-8"),
            Option("limit", "at most this many documents", kind="integer", minimum=1),
        )

:func:`check_options` validates what a user gave, from Python keyword arguments or from the
command line's ``-o KEY=VALUE`` strings alike, with one wording for unknown, missing and
ill-typed options, and returns the values parsed to their kinds with the defaults filled in.
The older form, a mapping of option name to help text, is still accepted: such options take any
value, as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, get_args

import attrs

from qualcode.errors import OptionError, PluginError

OptionKind = Literal["any", "string", "integer", "number", "boolean", "strings", "mapping"]
"""What an option's value is. ``strings`` is a list (or a comma-separated string), ``mapping``
is a mapping of names to names (or ``"key=value,key=value"``); ``any`` is passed on as given."""

OPTION_KINDS: tuple[str, ...] = get_args(OptionKind)

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@attrs.frozen
class Option:
    """One option a plugin class accepts: its name, what it means, its kind and its bounds."""

    name: str
    help: str
    kind: OptionKind = "any"
    default: Any = None
    """The value when the option is not given (None: not given means absent)."""
    choices: tuple[str, ...] = ()
    """For ``string`` options: the only values allowed (empty: any string)."""
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False

    def describe(self) -> dict[str, Any]:
        """A plain mapping of this declaration, for ``--json`` listings and the docs."""
        described: dict[str, Any] = {"name": self.name, "kind": self.kind, "help": self.help}
        if self.default is not None:
            described["default"] = self.default
        if self.choices:
            described["choices"] = list(self.choices)
        if self.minimum is not None:
            described["minimum"] = self.minimum
        if self.maximum is not None:
            described["maximum"] = self.maximum
        if self.required:
            described["required"] = True
        return described


OptionsDeclaration = Sequence[Option] | Mapping[str, str]
"""What a plugin class's ``options`` attribute holds: :class:`Option` declarations, or (the
older form) a mapping of option name to help text."""


def declared_options(cls: type[Any]) -> tuple[Option, ...]:
    """The options a plugin class declares, as :class:`Option` objects.

    A malformed declaration is a :class:`~qualcode.errors.PluginError` naming the class, so it
    is caught when the plugin registers rather than when a user first passes an option.
    """
    where = f"{cls.__module__}.{cls.__qualname__}"
    raw = getattr(cls, "options", ())
    if isinstance(raw, Mapping):  # the older form: name -> help text
        options = []
        for name, help_text in raw.items():
            if not isinstance(name, str) or not isinstance(help_text, str):
                raise _malformed(where, "its options mapping must map names to help texts")
            options.append(Option(name, help_text))
        return _unique(where, options)
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise _malformed(where, "`options` must be a tuple of qualcode.options.Option")
    for option in raw:
        if not isinstance(option, Option):
            raise _malformed(
                where, f"`options` holds {option!r}, which is not a qualcode.options.Option"
            )
        if option.kind not in OPTION_KINDS:
            raise _malformed(
                where,
                f"option {option.name!r} has kind {option.kind!r}; "
                f"kinds: {', '.join(OPTION_KINDS)}",
            )
    return _unique(where, list(raw))


def _unique(where: str, options: list[Option]) -> tuple[Option, ...]:
    seen: set[str] = set()
    for option in options:
        if not option.name or not option.name.isidentifier():
            raise _malformed(where, f"option name {option.name!r} is not a valid name")
        if option.name in seen:
            raise _malformed(where, f"option {option.name!r} is declared twice")
        seen.add(option.name)
    return tuple(options)


def _malformed(where: str, problem: str) -> PluginError:
    return PluginError(
        f"{where} declares its options wrongly: {problem}",
        hint="see 'Options' in the plugin author's guide",
    )


def option_names(cls: type[Any]) -> tuple[str, ...]:
    """The names of the options a plugin class declares."""
    return tuple(option.name for option in declared_options(cls))


def check_plugin_options(cls: type[Any], given: Mapping[str, Any], *, owner: str) -> dict[str, Any]:
    """:func:`check_options` against what plugin class ``cls`` declares."""
    return check_options(declared_options(cls), given, owner=owner)


def check_options(
    options: Sequence[Option], given: Mapping[str, Any], *, owner: str
) -> dict[str, Any]:
    """``given`` checked against ``options`` and parsed: unknown, missing and ill-typed values
    are one :class:`~qualcode.errors.OptionError` each, worded the same for every plugin.

    ``owner`` names whose options these are, e.g. ``"strategy 'keywords'"``. A value of None
    counts as not given. Defaults fill in options not given (those without a default are left
    out, so ``name in result`` says whether the user gave it).
    """
    values = {name: value for name, value in given.items() if value is not None}
    known = {option.name: option for option in options}
    unknown = sorted(set(values) - set(known))
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        plural = "s" if len(unknown) > 1 else ""
        hint = f"its options are: {', '.join(known)}" if known else "it takes no options"
        raise OptionError(f"{owner} has no option{plural} {names}", hint=hint)
    parsed: dict[str, Any] = {}
    for option in options:
        if option.name in values:
            parsed[option.name] = parse_value(option, values[option.name], owner=owner)
        elif option.required:
            raise OptionError(
                f"{owner} needs the option {option.name!r} ({option.help})",
                hint=f"give it as -o {option.name}=VALUE",
            )
        elif option.default is not None:
            parsed[option.name] = option.default
    return parsed


def parse_value(option: Option, value: Any, *, owner: str) -> Any:
    """One option's value parsed to its kind, or an :class:`OptionError` saying what it must be."""
    parser = _PARSERS[option.kind]
    return parser(option, value, owner)


def _error(option: Option, value: Any, owner: str, wanted: str) -> OptionError:
    return OptionError(f"option {option.name!r} of {owner} must be {wanted}, not {value!r}")


def _any(option: Option, value: Any, owner: str) -> Any:
    return value


def _string(option: Option, value: Any, owner: str) -> str:
    if not isinstance(value, str):
        raise _error(option, value, owner, "a string")
    if option.choices and value not in option.choices:
        raise _error(option, value, owner, "one of " + ", ".join(option.choices))
    return value


def _bounds(option: Option, whole: bool) -> str:
    noun = "a whole number" if whole else "a number"
    if option.minimum is not None and option.maximum is not None:
        return f"{noun} from {_figure(option.minimum)} to {_figure(option.maximum)}"
    if option.minimum is not None:
        return f"{noun} of at least {_figure(option.minimum)}"
    if option.maximum is not None:
        return f"{noun} of at most {_figure(option.maximum)}"
    return noun


def _figure(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _in_bounds(option: Option, number: float) -> bool:
    if option.minimum is not None and number < option.minimum:
        return False
    return option.maximum is None or number <= option.maximum


def _integer(option: Option, value: Any, owner: str) -> int:
    wanted = _bounds(option, whole=True)
    if isinstance(value, bool | float):
        raise _error(option, value, owner, wanted)
    try:
        number = int(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _error(option, value, owner, wanted) from None
    if not _in_bounds(option, number):
        raise _error(option, value, owner, wanted)
    return number


def _number(option: Option, value: Any, owner: str) -> float:
    wanted = _bounds(option, whole=False)
    if isinstance(value, bool):
        raise _error(option, value, owner, wanted)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise _error(option, value, owner, wanted) from None
    if not math.isfinite(number) or not _in_bounds(option, number):
        raise _error(option, value, owner, wanted)
    return number


def parse_boolean(value: Any) -> bool | None:
    """True or False from a bool or a word (``true/yes/on/1``, ``false/no/off/0``), else None.

    The one place qualcode reads a yes-or-no from text.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _boolean(option: Option, value: Any, owner: str) -> bool:
    parsed = parse_boolean(value)
    if parsed is None:
        raise _error(option, value, owner, "true or false")
    return parsed


def _strings(option: Option, value: Any, owner: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = tuple(value)
        if all(isinstance(item, str) for item in items):
            return items
    raise _error(option, value, owner, "a list of strings or a comma-separated string")


def _mapping(option: Option, value: Any, owner: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    if isinstance(value, str):
        for part in value.split(","):
            if not part.strip():
                continue
            key, sep, item = part.partition("=")
            if not sep or not key.strip() or not item.strip():
                raise _error(option, value, owner, "pairs like 'key=value,key=value'")
            pairs.append((key.strip(), item.strip()))
        return tuple(pairs)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, str):
                raise _error(option, value, owner, "a mapping of strings to strings")
            if not key.strip() or not item.strip():
                raise _error(option, value, owner, "a mapping of names to names, none empty")
            pairs.append((key.strip(), item.strip()))
        return tuple(pairs)
    raise _error(option, value, owner, "a mapping or pairs like 'key=value,key=value'")


_PARSERS = {
    "any": _any,
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "strings": _strings,
    "mapping": _mapping,
}


def parse_assignments(items: Iterable[str], *, flag: str = "--option") -> dict[str, str]:
    """``["a=1", "b=x"]`` (the command line's repeated ``-o KEY=VALUE``) as a mapping.

    A later value of the same key replaces an earlier one; an item without ``=`` or with an
    empty key is an :class:`OptionError`.
    """
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise OptionError(f"{flag} expects KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    return values
