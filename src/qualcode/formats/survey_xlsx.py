"""Reading the first (or a named) sheet of an .xlsx survey table, whatever the file holds.

openpyxl does the reading; before it runs, the archive is checked here: an OLE container (a
legacy .xls or a password-protected workbook) is named as such, the parts may not unpack to more
than :data:`XLSX_MAX_UNCOMPRESSED` bytes, every part must be extractable (a compression method
Python lacks, an encrypted or damaged part is a :class:`ParseError`), and no XML part may hold a
tag, attribute or text longer than :data:`XLSX_MAX_XML_ITEM` bytes. That last bound is about
time: the XML parser under openpyxl rescans an unfinished item each time it is given more bytes,
so one 100 MB attribute took longer than five minutes; no spreadsheet program writes an item
near the bound (a cell holds at most 32,767 characters). The sheet's declared dimensions are
not trusted (a tiny file could claim every row and column of Excel), and a sheet claiming rows
past Excel's last row is refused. Anything openpyxl or its parsers raise on a damaged file
becomes a :class:`ParseError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import importlib
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from qualcode.errors import OptionError, ParseError, QualcodeError, UnsafeInputError
from qualcode.formats.xlsx_formulas import unsaved_formula_cells
from qualcode.losses import LossReport

Cell = str | bool | int | float | dt.date | dt.datetime | dt.time | None
"""A raw cell: always ``str`` from CSV, typed from XLSX."""

Rows = tuple[tuple[str, ...], list[tuple[Cell, ...]], list[int]]
"""A header, the rows of cells, and the sheet row where each row is."""

XLSX_MAX_UNCOMPRESSED = 1 << 30
"""The largest total uncompressed size of an .xlsx file's parts that we open (1 GiB)."""

XLSX_MAX_XML_ITEM = 256 * 1024
"""The longest run of bytes between two ``<`` in an XML part of an .xlsx (a tag with its
attributes, or a text), in bytes."""

EXCEL_MAX_ROWS = 1_048_576
"""The last row of an Excel sheet."""

_CHUNK = 1 << 20

_HINT = "open it in a spreadsheet program and save it again as .xlsx (or as CSV UTF-8)"


def _openpyxl() -> Any:
    try:
        return importlib.import_module("openpyxl")
    except ModuleNotFoundError:
        raise OptionError(
            "reading .xlsx needs the openpyxl package",
            hint="install the extra: pip install 'qualcode[xlsx]' (or save the sheet as CSV)",
        ) from None


def read_xlsx_rows(path: Path, options: dict[str, Any], report: LossReport) -> Rows:
    """The header and rows of the chosen sheet (option ``sheet``, else the first)."""
    check_xlsx_archive(path)
    openpyxl = _openpyxl()
    try:
        header, rows, numbers, title = _read_sheet(openpyxl, path, options.get("sheet"))
    except (QualcodeError, MemoryError):
        raise
    except Exception as error:  # openpyxl and the parsers under it raise many kinds
        raise ParseError(
            f"not a readable .xlsx workbook ({type(error).__name__}: {error})",
            path=path,
            hint=_HINT,
        ) from None
    unsaved = unsaved_formula_cells(path, title)
    if header is None:
        if unsaved:
            raise ParseError(
                f"sheet {title!r} holds only formulas whose results were never saved in the file",
                path=path,
                hint="open and save the workbook in a spreadsheet program to store the results",
            )
        raise ParseError("the sheet is empty", path=path, hint="put a header row in the first row")
    if unsaved:
        shown = ", ".join(unsaved[:5]) + (
            f" and {len(unsaved) - 5} more" if len(unsaved) > 5 else ""
        )
        report.add(
            f"formula results never saved in the file, read as empty ({shown}; open and save the"
            " workbook in a spreadsheet program to store them)",
            f"{path.name}, sheet {title!r}",
            len(unsaved),
        )
    return header, rows, numbers


def _read_sheet(
    openpyxl: Any, path: Path, sheet_name: object
) -> tuple[tuple[str, ...] | None, list[tuple[Cell, ...]], list[int], str]:
    """The header (None for an empty sheet), rows, their row numbers and the sheet's title."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet_name is not None:
            if sheet_name not in workbook.sheetnames:
                raise OptionError(
                    f"no sheet {sheet_name!r}; sheets are: {', '.join(workbook.sheetnames)}",
                    path=path,
                )
            sheet = workbook[sheet_name]
        else:
            sheet = workbook.worksheets[0]
        title = str(sheet.title)
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # a declared size is not trusted: rows are read as found
        rows_iter: Iterable[tuple[Cell, ...]] = sheet.iter_rows(values_only=True)
        header: tuple[str, ...] | None = None
        rows: list[tuple[Cell, ...]] = []
        numbers: list[int] = []
        for number, row in enumerate(rows_iter, start=1):
            if number > EXCEL_MAX_ROWS:
                raise ParseError(
                    f"sheet {title!r} claims rows past Excel's last row ({EXCEL_MAX_ROWS})",
                    path=path,
                    hint=_HINT,
                )
            if header is None:
                if any(cell not in (None, "") for cell in row):
                    header = tuple("" if cell is None else str(cell) for cell in row)
                continue
            if any(cell not in (None, "") for cell in row):
                rows.append(tuple(row))
                numbers.append(number)
    finally:
        workbook.close()
    return header, rows, numbers, title


def check_xlsx_archive(path: Path) -> None:
    """Refuse, with a :class:`ParseError`, a workbook that is not a ZIP, unpacks to too much,
    holds a part Python cannot extract or an XML item longer than :data:`XLSX_MAX_XML_ITEM`."""
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError(
            "this is a legacy .xls workbook or a password-protected one (an OLE container)",
            path=path,
            hint="remove the password, or save it as .xlsx (or as CSV UTF-8), and import that",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > XLSX_MAX_UNCOMPRESSED:
                raise UnsafeInputError("the workbook unpacks to more than 1 GiB", path=path)
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        _check_xml_items(part, path, member.filename)
    except QualcodeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, UnicodeDecodeError):
        raise ParseError(
            "not a readable .xlsx workbook (not a ZIP archive, or a damaged one)",
            path=path,
            hint="an .xls from old Excel must be saved as .xlsx (or as CSV UTF-8) first",
        ) from None
    except Exception as error:  # lzma, zlib, an unsupported method or encryption
        raise ParseError(
            f"not a readable .xlsx workbook (a part cannot be extracted: {error})",
            path=path,
            hint=_HINT,
        ) from None


def _check_xml_items(part: IO[bytes], path: Path, name: str) -> None:
    """Stream one XML part, refusing a run of bytes without ``<`` over the bound."""
    run = 0
    while chunk := part.read(_CHUNK):
        pieces = chunk.split(b"<")
        run += len(pieces[0])
        if len(pieces) > 1:
            run = max(run, max(map(len, pieces[1:-1]), default=0))
            if run > XLSX_MAX_XML_ITEM:
                break
            run = len(pieces[-1])
        if run > XLSX_MAX_XML_ITEM:
            break
    if run > XLSX_MAX_XML_ITEM:
        raise UnsafeInputError(
            f"part {name} holds a tag, attribute or text longer than {XLSX_MAX_XML_ITEM} bytes, "
            "which no spreadsheet program writes",
            path=path,
            hint=_HINT,
        )
