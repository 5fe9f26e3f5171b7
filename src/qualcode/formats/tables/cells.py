"""How a value becomes a table cell that Excel, R and pandas read back exactly.

The rules, for every text cell the table exports write:

- **Formulas (CSV)**: Excel opening a CSV file evaluates a cell that starts with ``=``, ``+``,
  ``-`` or ``@`` (and some programs also a tab or carriage return) as a formula. Such a cell is
  written with one apostrophe in front: ``=SUM(A1)`` becomes ``'=SUM(A1)``. So that the rule can
  be undone exactly, a text made of apostrophes followed by one of those characters also gains
  one: ``'=x`` is written ``''=x``. Reading back: a cell that starts with an apostrophe followed
  by apostrophes and then one of ``= + - @ tab CR`` loses its first apostrophe
  (:func:`unescape_formula`); every other cell is read as it is. Numbers (positions, counts)
  are never escaped. The exporters' ``formulas=keep`` option writes the texts unchanged for
  programs that never evaluate cells (R, pandas).
- **Formulas (XLSX)**: cells are written as typed text, which Excel never evaluates, so nothing
  is escaped.
- **Characters**: a CSV cannot carry a NUL character to R or Excel, nor a lone surrogate in
  UTF-8; an XLSX cannot hold the control characters XML 1.0 forbids (U+0000-U+0008, U+000B,
  U+000C, U+000E-U+001F), lone surrogates, U+FFFE or U+FFFF. Each is replaced by U+FFFD and the
  cells affected are counted in the loss report.
- **Length (XLSX)**: Excel holds at most 32,767 characters in a cell; a longer text is cut there
  and counted in the loss report.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Container
from typing import Any, Literal

from qualcode.losses import LossReport

FORMULA_STARTS = "=+-@\t\r"
"""The first characters that make Excel read a CSV cell as a formula."""

EXCEL_CELL_LIMIT = 32_767
"""The most characters an Excel cell holds."""

REPLACEMENT = "\ufffd"

Formulas = Literal["escape", "keep"]

_MAY_ESCAPE = frozenset(FORMULA_STARTS + "'")


class _AnyStart(Container[str]):
    """Holds every first character: an XLSX quote may always be too long."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY_START = _AnyStart()
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")
CSV_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters a CSV for R and Excel cannot carry: NUL, and lone surrogates (not UTF-8)."""
XML_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 (and so an .xlsx or .docx) cannot hold."""

CSV_REPLACED = "characters a CSV cannot carry (NUL, lone surrogates) replaced by U+FFFD"
XML_REPLACED = "characters an XLSX cannot hold (control characters) replaced by U+FFFD"
TRUNCATED = f"texts longer than Excel's {EXCEL_CELL_LIMIT:,} characters per cell, cut there"


def escape_formula(text: str) -> str:
    """``text`` as a CSV cell Excel will not evaluate (see the module's rule)."""
    if text[:1] in _MAY_ESCAPE and _NEEDS_ESCAPE.match(text):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """The text a cell written by :func:`escape_formula` stood for."""
    if text[:1] == "'" and _NEEDS_ESCAPE.match(text, 1):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A value as the text a CSV cell holds: ``None`` empty, numbers as Python writes them,
    ``True``/``False``, dates and times in ISO 8601, enumerations by their value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class CellCleaner:
    """Makes values safe for one kind of output and counts what it had to change.

    ``kind`` is ``"csv"`` or ``"xlsx"``; ``where`` names the table in the loss report.
    """

    def __init__(
        self,
        kind: Literal["csv", "xlsx"],
        report: LossReport,
        where: str = "",
        formulas: Formulas = "escape",
    ) -> None:
        self.kind = kind
        self.report = report
        self.where = where
        self.escape = kind == "csv" and formulas == "escape"
        self._unwritable = CSV_UNWRITABLE if kind == "csv" else XML_UNWRITABLE
        self.replaced = 0
        self.truncated = 0

    def text(self, value: str) -> str:
        """A text made safe: characters replaced, cut to Excel's limit, formulas escaped."""
        if self._unwritable.search(value):
            self.replaced += 1
            value = self._unwritable.sub(REPLACEMENT, value)
        if self.kind == "xlsx" and len(value) > EXCEL_CELL_LIMIT:
            self.truncated += 1
            value = value[:EXCEL_CELL_LIMIT]
        if self.escape and value[:1] in _MAY_ESCAPE and _NEEDS_ESCAPE.match(value):
            value = "'" + value
        return value

    @property
    def quick_starts(self) -> Container[str]:
        """The first characters of a clean text for which :meth:`quick` may change it (CSV:
        those that start a formula); for XLSX every text (it may be too long)."""
        if self.kind == "xlsx":
            return _ANY_START
        return _MAY_ESCAPE if self.escape else frozenset()

    def unwritable_in(self, text: str) -> bool:
        """Whether ``text`` holds characters this output cannot carry."""
        return self._unwritable.search(text) is not None

    def quick(self, value: str) -> str:
        """:meth:`text` for a part of a text already known to hold no unwritable character."""
        if self.kind == "xlsx" and len(value) > EXCEL_CELL_LIMIT:
            self.truncated += 1
            value = value[:EXCEL_CELL_LIMIT]
        if self.escape and value[:1] in _MAY_ESCAPE and _NEEDS_ESCAPE.match(value):
            value = "'" + value
        return value

    def csv_cell(self, value: Any) -> str:
        """Any value as a safe CSV cell (text cells escaped, numbers as they are)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool | int | float) or value is None:
            return cell_text(value)
        return self.text(cell_text(value))

    def xlsx_cell(self, value: Any) -> Any:
        """Any value as something openpyxl writes as a typed cell: texts made safe; numbers,
        booleans and naive dates as they are; anything else as its text."""
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, dt.datetime | dt.time):
            return value if value.tzinfo is None else value.isoformat()
        if isinstance(value, dt.date):
            return value
        return self.text(cell_text(value))

    def finish(self) -> None:
        """Add what was changed to the loss report."""
        if self.replaced:
            what = CSV_REPLACED if self.kind == "csv" else XML_REPLACED
            self.report.add(what, self.where, self.replaced)
        if self.truncated:
            self.report.add(TRUNCATED, self.where, self.truncated)
        self.replaced = self.truncated = 0
