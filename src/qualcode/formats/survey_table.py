"""Survey tables: CSV/TSV and XLSX exports of open survey questions.

Each row is a respondent. Each chosen text column of each row becomes a
:class:`~qualcode.model.Document` of kind ``survey_response`` (empty answers are skipped); the id
column names the respondent's :class:`~qualcode.model.Case` (one case per distinct id); every
other column becomes a typed case attribute, its :class:`~qualcode.model.Variable` type inferred
from the values (integer, float, boolean, date, datetime, else text).

CSV bytes are decoded with :func:`qualcode.text.decode` (UTF-8 with or without a BOM, UTF-16/32
with a BOM), or with the codec named by the ``encoding`` option. A file that is not in one
encoding is an error naming the row and column of the first bad cell. XLSX needs the ``xlsx``
extra (openpyxl), imported only when an .xlsx file is read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import OptionError, ParseError, TextEncodingError
from qualcode.fileio import read_bytes
from qualcode.formats.base import Importer, ImportResult
from qualcode.formats.survey_xlsx import Cell, read_xlsx_rows
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.model import Case, Document, DocumentKind, Value, Variable, VariableType, new_id
from qualcode.project import Project
from qualcode.text import decode

ID_COLUMN_NAMES = ("id", "respondent", "respondent_id", "respondentid", "participant", "case")
"""Column names (compared without case) taken as the id column when none is given."""

OPTIONS = {
    "text_columns": "the column(s) holding open answers, comma separated "
    "(default: the text column with the longest answers)",
    "id_column": "the column naming the respondent (default: a column called id, respondent, "
    "participant or case; else cases are named 'row N')",
    "attribute_columns": "the columns kept as case attributes, comma separated (default: all "
    "other columns)",
    "kind": "document kind (default survey_response)",
    "text_column": "the same as text_columns",
}


@attrs.frozen
class Table:
    """A header and rows of raw cells, with the line (CSV) or row (XLSX) where each row began."""

    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    row_numbers: list[int]


# -- reading CSV ------------------------------------------------------------------------------


def decode_table(data: bytes, path: Path, encoding: str | None = None) -> str:
    """The text of a CSV file, or a :class:`TextEncodingError` naming the first bad cell."""
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise OptionError(f"unknown encoding {encoding!r}", path=path) from None
        except UnicodeDecodeError as error:
            raise _encoding_error(data, path, error.start, f"not {encoding}") from None
        return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        text = decode(data, path).text
    except TextEncodingError as error:
        offset = _first_bad_byte(data)
        if offset is None:  # valid UTF-8 refused for another reason (NUL characters)
            raise
        raise _encoding_error(data, path, offset, "not UTF-8") from error
    if "\x00" in text:
        raise TextEncodingError(
            "the file holds NUL characters: probably UTF-16 without a byte order mark",
            path=path,
            hint="save it as UTF-8 (in Excel: 'CSV UTF-8'), or pass the option encoding=utf-16-le",
        )
    return text


def _first_bad_byte(data: bytes) -> int | None:
    """Where UTF-8 decoding of a file without a UTF-16/32 byte order mark fails, if it does."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return None


def _encoding_error(data: bytes, path: Path, offset: int, message: str) -> TextEncodingError:
    """An error naming the line and column of the byte at ``offset`` (a Latin-1 reading)."""
    good_non_ascii = _has_valid_utf8_beyond_ascii(data)
    text = data.decode("latin-1")
    line = text.count("\n", 0, offset) + 1
    column = _column_at(text, offset)
    where = f" in column {column!r}" if column else ""
    what = "mixed encodings: " if good_non_ascii else ""
    return TextEncodingError(
        f"{what}byte 0x{data[offset]:02x}{where} is {message}",
        path=path,
        line=line,
        hint="save the whole file as UTF-8 (in Excel: 'CSV UTF-8'), or pass the option "
        "encoding=cp1252 if it is all in one legacy encoding",
    )


def _has_valid_utf8_beyond_ascii(data: bytes) -> bool:
    decoded = data.decode("utf-8", errors="replace")
    return any(ord(char) > 127 and char != "\ufffd" for char in decoded)


def _column_at(text: str, offset: int) -> str:
    """The header name of the column holding character ``offset`` of ``text`` (best effort)."""
    try:
        header_line = text.split("\n", 1)[0]
        delimiter = guess_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter))
        line_start = text.rfind("\n", 0, offset) + 1
        if line_start == 0:
            return ""
        before = text[line_start:offset]
        cells = next(csv.reader([before + "x"], delimiter=delimiter))
        index = len(cells) - 1
        return header[index].strip() if index < len(header) else f"column {index + 1}"
    except (csv.Error, StopIteration):
        return ""


def guess_delimiter(header_line: str) -> str:
    """The most frequent of tab, comma, semicolon and bar in the header line (default comma)."""
    counts = {d: header_line.count(d) for d in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_table(data: bytes, path: Path, options: dict[str, Any], report: LossReport) -> Table:
    text = decode_table(data, path, options.get("encoding"))
    if not text.strip():
        raise ParseError(
            "the table is empty", path=path, hint="export the survey with a header row"
        )
    delimiter = options.get("delimiter")
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else guess_delimiter(text.split("\n")[0])
    delimiter = {"tab": "\t", "\\t": "\t"}.get(str(delimiter), str(delimiter))
    if len(delimiter) != 1:
        raise OptionError(f"delimiter must be one character, not {delimiter!r}", path=path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[Cell, ...]] = []
    numbers: list[int] = []
    try:
        header = next(reader)
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(tuple(row))
                numbers.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise ParseError(
            f"not a readable CSV table: {error}", path=path, line=reader.line_num
        ) from error
    return Table(tuple(header), rows, numbers)


# -- reading XLSX -----------------------------------------------------------------------------


def read_xlsx_table(path: Path, options: dict[str, Any], report: LossReport) -> Table:
    """The chosen sheet of an .xlsx workbook as a table (see :mod:`.survey_xlsx`)."""
    header, rows, numbers = read_xlsx_rows(path, options, report)
    return Table(header, rows, numbers)


# -- typing values ----------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?(0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_TRUE = frozenset({"true", "yes", "y"})
_FALSE = frozenset({"false", "no", "n"})


def _cell_type(cell: Cell) -> VariableType:
    """The narrowest type of one non-empty cell."""
    if isinstance(cell, bool):
        return VariableType.BOOLEAN
    if isinstance(cell, int):
        return VariableType.INTEGER
    if isinstance(cell, float):
        if not math.isfinite(cell):
            return VariableType.TEXT  # a JSON project cannot hold NaN or infinity
        return VariableType.INTEGER if cell.is_integer() else VariableType.FLOAT
    if isinstance(cell, dt.datetime):
        return VariableType.DATE if cell.time() == dt.time() else VariableType.DATETIME
    if isinstance(cell, dt.date):
        return VariableType.DATE
    text = str(cell).strip()
    if _LEADING_ZERO.match(text):
        return VariableType.TEXT  # codes such as postcodes or 007 keep their zeros
    lowered = text.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return VariableType.BOOLEAN
    if _INTEGER.fullmatch(text):
        return VariableType.INTEGER
    if _FLOAT.fullmatch(text):  # "1e999" reads as infinity: a text, as "nan" and "inf" are
        return VariableType.FLOAT if math.isfinite(float(text)) else VariableType.TEXT
    if _DATE.fullmatch(text) and _parses(dt.date.fromisoformat, text):
        return VariableType.DATE
    if _DATETIME.fullmatch(text) and _parses(dt.datetime.fromisoformat, text):
        return VariableType.DATETIME
    return VariableType.TEXT


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def infer_type(cells: Iterable[Cell]) -> VariableType:
    """The type that fits every non-empty cell: integer within float, date within datetime."""
    found: set[VariableType] = {_cell_type(c) for c in cells if not _is_empty(c)}
    if not found:
        return VariableType.TEXT
    if len(found) == 1:
        return found.pop()
    if found <= {VariableType.INTEGER, VariableType.FLOAT}:
        return VariableType.FLOAT
    if found <= {VariableType.DATE, VariableType.DATETIME}:
        return VariableType.DATETIME
    return VariableType.TEXT


def convert(cell: Cell, kind: VariableType) -> Value:
    """A non-empty cell as a value of ``kind`` (which :func:`infer_type` chose for it)."""
    if kind is VariableType.TEXT:
        return _as_text(cell)
    if kind is VariableType.BOOLEAN:
        return cell if isinstance(cell, bool) else str(cell).strip().lower() in _TRUE
    if kind is VariableType.INTEGER:
        return int(cell) if isinstance(cell, int | float) else int(str(cell).strip())
    if kind is VariableType.FLOAT:
        return float(cell) if isinstance(cell, int | float) else float(str(cell).strip())
    if kind is VariableType.DATE:
        if isinstance(cell, dt.datetime):
            return cell.date()
        return cell if isinstance(cell, dt.date) else dt.date.fromisoformat(str(cell).strip())
    if isinstance(cell, dt.datetime):
        return cell
    if isinstance(cell, dt.date):
        return dt.datetime(cell.year, cell.month, cell.day)
    return dt.datetime.fromisoformat(str(cell).strip().replace("Z", "+00:00"))


def _as_text(cell: Cell) -> str:
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return "" if cell is None else str(cell)


def _is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- building the project ---------------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name) for name in value]


def _unique_header(header: Sequence[str], report: LossReport, where: str) -> list[str]:
    """The column names, each its own: a repeated one gets " (2)", " (3)"... (never a name
    another column of the file already has), an empty one "column N". Linear in the columns."""
    stripped = [raw.strip().lstrip("\ufeff") for raw in header]
    used = set(stripped)  # every name of the file and every name given so far
    suffixes: dict[str, int] = {}  # for a name, the N below which every "name (N)" is used
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(stripped):
        name = raw or _free(f"column {index + 1}", used, suffixes)
        if name in seen:
            renamed = _free(name, used, suffixes)
            report.warn(f"{where}: column {name!r} appears twice; the second is {renamed}")
            name = renamed
        seen.add(name)
        used.add(name)
        names.append(name)
    return names


def _free(name: str, used: set[str], suffixes: dict[str, int]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... whichever is not in ``used``; ``suffixes``
    remembers where the search for ``name`` stopped, so that a name repeated in thousands of
    columns is not searched from 2 each time."""
    if name not in used:
        return name
    count = suffixes.get(name, 2)
    while f"{name} ({count})" in used:
        count += 1
    suffixes[name] = count + 1
    return f"{name} ({count})"


def _column(header: list[str], name: str, path: Path, role: str) -> int:
    if name in header:
        return header.index(name)
    lowered = [h.lower() for h in header]
    if name.lower() in lowered:
        return lowered.index(name.lower())
    raise OptionError(
        f"no {role} column {name!r}; the columns are: {', '.join(header)}",
        path=path,
        hint=f"name the {role} column exactly as in the header row",
    )


def build_project(table: Table, path: Path, options: dict[str, Any], report: LossReport) -> Project:
    """The survey's project: variables, one case per respondent, one document per answer."""
    where = path.name
    header = _unique_header(table.header, report, where)
    width = len(header)
    rows = table.rows
    long_rows = sum(1 for row in rows if len(row) > width and any(map(_filled, row[width:])))
    if long_rows:
        report.add("cells beyond the last header column", where, long_rows)

    def column_cells(index: int) -> list[Cell]:
        return [row[index] if index < len(row) else None for row in rows]

    id_index = _id_column(header, path, options)
    text_indexes = _text_columns(header, path, options, id_index, column_cells, report)
    if "attribute_columns" in options:
        attribute_indexes = [
            _column(header, name, path, "attribute")
            for name in _names(options["attribute_columns"])
        ]
    else:
        attribute_indexes = [i for i in range(width) if i != id_index and i not in text_indexes]
    kind_name = str(options.get("kind", DocumentKind.SURVEY_RESPONSE.value))
    try:
        kind = DocumentKind(kind_name)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise OptionError(f"unknown document kind {kind_name!r}; use one of: {known}") from None

    project = Project(name=path.stem)
    variables: list[tuple[int, Variable]] = []
    for index in attribute_indexes:
        variable = Variable(id=new_id(), name=header[index], type=infer_type(column_cells(index)))
        project.add_variable(variable)
        variables.append((index, variable))

    case_ids: dict[str, str] = {}
    case_values: dict[str, dict[str, Value]] = {}
    documents: list[Document] = []
    conflicts = 0
    for position, row in enumerate(rows):
        if id_index is not None and _filled(_cell(row, id_index)):
            case_name = _as_text(_cell(row, id_index)).strip()
        else:
            case_name = f"row {table.row_numbers[position]}"
        case_id = case_ids.get(case_name)
        if case_id is None:
            case_id = case_ids[case_name] = new_id()
            case_values[case_name] = {}
        values = case_values[case_name]
        for index, variable in variables:
            cell = _cell(row, index)
            if _is_empty(cell):
                continue
            value = convert(cell, variable.type)
            if variable.id in values and values[variable.id] != value:
                conflicts += 1
                continue
            values[variable.id] = value
        for index in text_indexes:
            answer = _as_text(_cell(row, index))
            if not answer.strip():
                continue
            answer = answer.replace("\r\n", "\n").replace("\r", "\n")
            documents.append(
                Document(
                    id=new_id(),
                    name=f"{case_name}: {header[index]}",
                    text=answer,
                    kind=kind,
                    case_id=case_id,
                    description=f"answer to {header[index]!r}, {where} row "
                    f"{table.row_numbers[position]}",
                )
            )
    if conflicts:
        report.warn(
            f"{where}: {conflicts} attribute value(s) differ between rows of the same respondent; "
            "the first value was kept"
        )
    for name, case_id in case_ids.items():
        project.add_case(Case(id=case_id, name=name, attributes=case_values[name]))
    for document in documents:
        project.add_document(document)
    if not documents:
        report.warn(
            f"{where}: no answers found in column(s) {', '.join(_picked(header, text_indexes))}"
        )
    return project


def _picked(header: list[str], indexes: Iterable[int]) -> list[str]:
    return [repr(header[i]) for i in indexes]


def _cell(row: tuple[Cell, ...], index: int) -> Cell:
    return row[index] if index < len(row) else None


def _filled(cell: Cell) -> bool:
    return not _is_empty(cell)


def _id_column(header: list[str], path: Path, options: dict[str, Any]) -> int | None:
    name = options.get("id_column")
    if name is not None and str(name).strip():
        return _column(header, str(name).strip(), path, "id")
    lowered = [h.lower() for h in header]
    for candidate in ID_COLUMN_NAMES:
        if candidate in lowered:
            return lowered.index(candidate)
    return None


def _text_columns(
    header: list[str],
    path: Path,
    options: dict[str, Any],
    id_index: int | None,
    column_cells: Callable[[int], list[Cell]],
    report: LossReport,
) -> list[int]:
    names = _names(options.get("text_columns", options.get("text_column")))
    if names:  # each column once, however often it is named
        return list(dict.fromkeys(_column(header, name, path, "text") for name in names))
    best: tuple[float, int] | None = None
    for index in range(len(header)):
        if index == id_index:
            continue
        cells = [c for c in column_cells(index) if _filled(c)]
        if not cells or infer_type(cells) is not VariableType.TEXT:
            continue
        mean = sum(len(_as_text(c)) for c in cells) / len(cells)
        if best is None or mean > best[0]:
            best = (mean, index)
    if best is None:
        raise OptionError(
            "no column of free text found",
            path=path,
            hint="name the answer column(s) with the option text_columns=NAME[,NAME...]",
        )
    report.warn(
        f"{path.name}: no text column given; using {header[best[1]]!r} (the longest answers)"
    )
    return [best[1]]


# -- importers --------------------------------------------------------------------------------


class CsvSurveyImporter(Importer):
    name = "csv"
    extensions = (".csv", ".tsv")
    description = "survey tables as CSV/TSV: answers become documents, rows cases with attributes"
    options = OPTIONS | {
        "delimiter": "the cell separator (default: guessed from the header; tab for .tsv)",
        "encoding": "read the file in this encoding instead of detecting UTF-8/UTF-16",
    }

    def read(self, path: Path, **options: Any) -> ImportResult:
        report = LossReport()
        table = read_csv_table(read_bytes(path), path, options, report)
        return ImportResult(build_project(table, path, options, report), report)


class XlsxSurveyImporter(Importer):
    name = "xlsx"
    extensions = (".xlsx",)
    description = "survey tables as Excel .xlsx (needs the xlsx extra: openpyxl)"
    options = OPTIONS | {"sheet": "the sheet to read (default: the first)"}

    def read(self, path: Path, **options: Any) -> ImportResult:
        report = LossReport()
        if not path.is_file():
            read_bytes(path)  # raises the clear "no such file" error
        table = read_xlsx_table(path, options, report)
        return ImportResult(build_project(table, path, options, report), report)


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [CsvSurveyImporter, XlsxSurveyImporter]
