"""Writing tables to an Excel workbook, one sheet per table (needs the ``xlsx`` extra).

Each sheet has its table's columns as a bold header row, frozen so that it stays in view, column
widths fitted to the header and the first rows (between 8 and 60 characters), and long texts
(quotes, definitions) wrapped. Texts are typed text cells, so Excel never reads one as a formula
and nothing needs escaping; numbers, booleans and dates keep their types. Characters an XLSX
cannot hold and texts past Excel's limit are handled as :mod:`~qualcode.formats.tables.cells`
says and counted in the loss report. The workbook is written atomically.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qualcode.analysis.table import Table
from qualcode.errors import OptionError
from qualcode.fileio import check_output, write_bytes_atomically
from qualcode.formats.tables.cells import CellCleaner, cell_text
from qualcode.losses import LossReport

MIN_WIDTH = 8
MAX_WIDTH = 60
WRAP_AFTER = 50
"""Texts longer than this (or holding a line break) are wrapped in their cell."""
SAMPLE_ROWS = 1000
"""How many rows of a sheet its column widths are fitted to."""

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_LIMIT = 31


def openpyxl_module() -> Any:
    """The openpyxl module, or an error naming the extra that installs it."""
    try:
        return importlib.import_module("openpyxl")
    except ModuleNotFoundError:
        raise OptionError(
            "writing .xlsx needs the openpyxl package, which is not installed",
            hint="install the extra: pip install 'qualcode[xlsx]' (or write .csv)",
        ) from None


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Valid, distinct sheet names for tables of these titles: at most 31 characters, none of
    ``[ ] : * ? / \\``, not empty (``Table 1``, ...), a repeated name numbered ``(2)``."""
    names: list[str] = []
    taken: set[str] = set()
    for number, title in enumerate(titles, start=1):
        base = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip().strip("'") or f"Table {number}"
        base = " ".join(base.split())[:SHEET_NAME_LIMIT]
        name, copy = base, 2
        while name.lower() in taken or name.lower() == "history":
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
            copy += 1
        taken.add(name.lower())
        names.append(name)
    return names


def write_xlsx(
    tables: Sequence[Table],
    path: str | Path,
    *,
    names: Sequence[str] | None = None,
    report: LossReport | None = None,
) -> LossReport:
    """Write ``tables`` to one workbook at ``path``, one sheet per table, named after their
    titles (or ``names``); returns the loss report.

    Raises :class:`~qualcode.errors.OptionError` naming the ``xlsx`` extra when openpyxl is
    missing, and :class:`~qualcode.errors.OutputError` when ``path`` cannot be written.
    """
    openpyxl = openpyxl_module()
    check_output(path)  # a missing folder fails before any work
    report = report if report is not None else LossReport()
    titles = list(names) if names is not None else [table.title for table in tables]
    if len(titles) != len(tables):
        raise ValueError(f"{len(titles)} sheet names for {len(tables)} tables")
    workbook = openpyxl.Workbook(write_only=True)
    for table, name in zip(tables, sheet_names(titles), strict=True):
        _write_sheet(workbook, name, table.columns, table.rows, report)
    if not tables:
        workbook.create_sheet("Empty")
    buffer = io.BytesIO()  # finished in memory, so a failing output never leaves a sheet open
    workbook.save(buffer)
    write_bytes_atomically(path, buffer.getvalue())
    return report


def _write_sheet(
    workbook: Any,
    name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    report: LossReport,
) -> None:
    write_only_cell = importlib.import_module("openpyxl.cell").WriteOnlyCell
    styles = importlib.import_module("openpyxl.styles")
    get_column_letter = importlib.import_module("openpyxl.utils").get_column_letter

    sheet = workbook.create_sheet(name)
    cleaner = CellCleaner("xlsx", report, name)
    rows = list(rows) if not isinstance(rows, list | tuple) else rows
    widths = [len(column) for column in columns]
    for row in rows[:SAMPLE_ROWS]:
        for index, value in enumerate(row):
            longest = max((len(line) for line in cell_text(value).split("\n")), default=0)
            widths[index] = max(widths[index], longest)
    for index, width in enumerate(widths, start=1):
        fitted = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        sheet.column_dimensions[get_column_letter(index)].width = fitted
    sheet.freeze_panes = "A2"
    bold = styles.Font(bold=True)
    wrapped = styles.Alignment(wrap_text=True, vertical="top")
    header = []
    for column in columns:
        cell = write_only_cell(sheet, value=cleaner.xlsx_cell(column))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            safe = cleaner.xlsx_cell(value)
            if isinstance(safe, str):
                cell = write_only_cell(sheet, value=safe)
                cell.data_type = "s"  # never a formula or an error code, always text
                if len(safe) > WRAP_AFTER or "\n" in safe:
                    cell.alignment = wrapped
                cells.append(cell)
            else:
                cells.append(safe)
        sheet.append(cells)
    cleaner.finish()
