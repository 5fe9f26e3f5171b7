"""The one error tree of qualcode.

Every error a user can cause (a bad file, a missing reference, an unknown format) is a
:class:`QualcodeError`. Each carries structured fields so that programs can react to it, and its
``str()`` is one line that names the place and says what the user can do. The CLI prints that line
and exits with code 1; anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.losses import LossReport

_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""What :meth:`str.splitlines` takes for a line break."""
_BREAK = re.compile(f"[{_BREAKS}]+")


class QualcodeError(Exception):
    """Base class of all errors qualcode raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        element: str | None = None,
        guid: str | None = None,
        hint: str | None = None,
    ) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.element = element
        self.guid = guid
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        text = where + self.message
        if self.element is not None:
            text += f" (element {self.element})"
        if self.guid is not None:
            text += f" (guid {self.guid})"
        if self.hint:
            text += f"; {self.hint}"
        return one_line(text)


def one_line(text: str) -> str:
    """``text`` on one line: every line break (a parser's message often carries one, and a file
    name may) becomes a single space, and the lines keep their words."""
    if text.isprintable() or not any(ch in text for ch in _BREAKS):
        return text
    return " ".join(part.strip() for part in _BREAK.split(text) if part.strip())


class InputNotFoundError(QualcodeError):
    """An input file or folder does not exist or cannot be read."""


class UnknownNameError(QualcodeError, KeyError):
    """A name or id that was looked up is not known.

    Also a :class:`KeyError`, so ``except KeyError`` catches every failed lookup, as it would for
    a dict.
    """


class UnknownFormatError(UnknownNameError):
    """No importer or exporter matches the name, extension or content."""


class UnknownStrategyError(UnknownNameError):
    """No coding strategy is registered under the name asked for."""


class UnknownRunnerError(UnknownNameError):
    """No runner is registered under the name asked for."""


class ParseError(QualcodeError):
    """A file is corrupt, truncated or not in the format it claims to be."""


class TextEncodingError(ParseError):
    """A text file could not be decoded with any supported encoding."""


class UnsafeInputError(ParseError):
    """An input tried something dangerous (external entities, path traversal, a bomb)."""


class IntegrityError(QualcodeError):
    """The project would break one of the model's rules."""


class MissingReferenceError(IntegrityError, KeyError):
    """An id that does not exist in the project: looked up (``project.codes[id]``, also a
    :class:`KeyError`) or referred to by an entity."""


class DuplicateIdError(IntegrityError):
    """Two entities would share one id."""


class SpanError(IntegrityError):
    """A coding's span does not lie inside its document's text."""


class CycleError(IntegrityError):
    """The code tree (or theme tree) would contain a cycle."""


class ValueTypeError(IntegrityError):
    """A variable value does not match the variable's type."""


class PluginError(QualcodeError):
    """A plugin is broken, or two plugins claim the same name."""


class OptionError(QualcodeError):
    """An option given to an importer, exporter or strategy is not valid."""


class EmptyCorpusError(QualcodeError):
    """A coding strategy was given no text to work on."""


class LossError(QualcodeError):
    """``--strict`` was asked for and something would be lost."""

    report: LossReport | None = None
    """What would be lost (set by :func:`qualcode.convert`)."""


class OutputError(QualcodeError):
    """An output could not be written (nothing was left half-written)."""


class OutputIsInputError(OutputError):
    """The output would replace the input: every command and library call refuses that before
    reading anything."""


@contextlib.contextmanager
def about_file(path: str | Path) -> Iterator[None]:
    """Name ``path`` in any :class:`QualcodeError` raised inside that names no file (e.g. a bad
    option of the format that reads or writes it)."""
    try:
        yield
    except QualcodeError as error:
        if error.path is None:
            error.path = str(path)
        raise
