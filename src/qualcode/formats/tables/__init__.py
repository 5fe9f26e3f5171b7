"""Tables out of a project for Excel, R and papers: CSV and XLSX writers, coded segments,
code presence and counts, and codebooks.

The library calls::

    from qualcode.formats.tables import write_table, write_tables
    write_table(analysis.crosstab(project), "codes-by-case.csv")   # or .xlsx
    write_tables([table1, table2], "analysis.xlsx")                 # one sheet per table

The exporters (``segments-csv``, ``workbook-xlsx``, ``codebook-md``, ...) are registered by
:mod:`qualcode.formats.tables.plugin`. How cells are escaped: :mod:`.cells`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcode.analysis.table import Table
from qualcode.errors import OptionError
from qualcode.formats.tables.cells import Formulas, escape_formula, unescape_formula
from qualcode.formats.tables.codebook_export import (
    codebook_entries,
    codebook_markdown,
    codebook_table,
)
from qualcode.formats.tables.csv_tables import write_csv
from qualcode.formats.tables.segments import counts_table, presence_table, segments_table
from qualcode.formats.tables.xlsx_tables import write_xlsx
from qualcode.losses import LossReport

TABLE_EXTENSIONS = (".csv", ".xlsx")


def write_table(table: Table, path: str | Path, *, formulas: Formulas = "escape") -> LossReport:
    """Write one table to ``path``: CSV or an XLSX sheet, by the file name's extension.

    Returns what could not be written as it is (see :mod:`qualcode.formats.tables.cells`).
    ``formulas`` applies to CSV only. Raises :class:`~qualcode.errors.OptionError` for another
    extension or an XLSX without openpyxl, :class:`~qualcode.errors.OutputError` when the path
    cannot be written (nothing is left half-written).
    """
    suffix = _suffix(path)
    if suffix == ".csv":
        return write_csv(table, path, formulas=formulas)
    return write_xlsx([table], path)


def write_tables(
    tables: Sequence[Table], path: str | Path, *, names: Sequence[str] | None = None
) -> LossReport:
    """Write several tables to one XLSX workbook, one sheet per table, named after their titles
    (or ``names``; made valid and distinct for Excel). A ``.csv`` path takes exactly one table."""
    suffix = _suffix(path)
    if suffix == ".csv":
        if len(tables) != 1:
            raise OptionError(
                f"a CSV file holds one table, not {len(tables)}",
                path=path,
                hint="write to .xlsx (one sheet per table) or one .csv per table",
            )
        return write_csv(tables[0], path)
    return write_xlsx(tables, path, names=names)


def _suffix(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_EXTENSIONS:
        raise OptionError(
            f"tables are written as .csv or .xlsx, not {suffix or 'a name without extension'}",
            path=path,
        )
    return suffix


__all__ = [
    "TABLE_EXTENSIONS",
    "codebook_entries",
    "codebook_markdown",
    "codebook_table",
    "counts_table",
    "escape_formula",
    "presence_table",
    "segments_table",
    "unescape_formula",
    "write_csv",
    "write_table",
    "write_tables",
    "write_xlsx",
]
