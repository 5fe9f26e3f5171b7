"""Writing tables as CSV that Excel, R and pandas open as they are.

The file is UTF-8 with a byte order mark (without it Excel takes the file for the local code
page and garbles every accented letter; R's readr, pandas and LibreOffice skip the mark), comma
separated, rows ended by CR LF (RFC 4180), and a cell is put in double quotes when it holds a
comma, a quote (doubled inside) or a line break. Text cells follow the rules of
:mod:`~qualcode.formats.tables.cells`. The rows are streamed, so a million rows never sit in
memory twice, and the file is written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qualcode.analysis.table import Table
from qualcode.fileio import atomic_output
from qualcode.formats.tables.cells import CellCleaner, Formulas
from qualcode.losses import LossReport

ENCODING = "utf-8-sig"
"""UTF-8 starting with the byte order mark, as Excel needs to recognise UTF-8."""


def write_csv(
    table: Table,
    path: str | Path,
    *,
    formulas: Formulas = "escape",
    report: LossReport | None = None,
) -> LossReport:
    """Write ``table`` to ``path`` as CSV (header row, then its rows); returns the loss report.

    ``formulas="keep"`` leaves texts that start like a formula as they are (for R or pandas
    only). Raises :class:`~qualcode.errors.OutputError` when ``path`` cannot be written; nothing
    is left half-written.
    """
    report = report if report is not None else LossReport()
    cleaner = CellCleaner("csv", report, table.title, formulas)
    clean = cleaner.csv_cell
    rows = ([clean(value) for value in row] for row in table.rows)
    write_csv_rows(path, [clean(name) for name in table.columns], rows)
    cleaner.finish()
    return report


def write_csv_rows(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows whose cells are already safe (see :class:`CellCleaner`)."""
    with atomic_output(path) as raw:
        stream = io.TextIOWrapper(raw, encoding=ENCODING, newline="", write_through=False)
        try:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
            stream.flush()
        finally:
            stream.detach()  # the raw file is closed (and moved into place) by atomic_output
