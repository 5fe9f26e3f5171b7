"""Survey tables that once escaped, hung or could not be saved: each is read or refused with a
one-line ParseError, and what is read can be saved."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import qualcode
from qualcode.errors import ParseError, UnsafeInputError
from qualcode.formats import survey_table, survey_xlsx
from qualcode.losses import LossReport
from qualcode.model import VariableType

from ..fuzz.zips import rewrite_zip, with_lzma_member, with_unknown_method


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf", "NaN", "1e999", "-1e400"])
def test_a_cell_that_is_not_a_finite_number_is_text_and_the_project_saves(
    tmp_path: Path, cell: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"id,score,answer\n1,1.5,Fine\n2,{cell},Good\n", encoding="utf-8")
    project = qualcode.load(path, text_columns="answer")
    (variable,) = project.variables
    assert variable.type is VariableType.TEXT
    out = tmp_path / "t.json"
    qualcode.save(project, out)
    values = {c.name: dict(c.attributes) for c in qualcode.load(out).cases}
    assert values["2"] == {variable.id: cell}


def test_an_xlsx_number_that_is_not_finite_is_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "score", "answer"])
    sheet.append([1, 1.5, "Fine"])
    sheet.append([2, float("nan"), "Good"])
    sheet.append([3, float("inf"), "Bad"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    assert survey_table.infer_type([1.5, float("nan"), float("inf")]) is VariableType.TEXT
    project = qualcode.load(path)
    qualcode.save(project, tmp_path / "t.json")


def _lines_run(function: Any, *args: Any) -> int:
    """How many lines of survey_table.py run while ``function(*args)`` runs (a count of work
    that does not depend on the machine's speed)."""
    count = 0
    source = survey_table.__file__

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if frame.f_code.co_filename != source:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    return count


def test_naming_repeated_columns_is_linear_in_the_columns() -> None:
    # a header of 100,000 columns took over two minutes: each name was searched from (2)
    def name(columns: int) -> list[str]:
        return survey_table._unique_header(["a"] * columns + [""] * columns, LossReport(), "t")

    small, large = _lines_run(name, 500), _lines_run(name, 2000)
    assert large < 5 * small  # four times the columns, about four times the work
    names = name(2000)
    assert len(set(names)) == 4000
    assert names[:3] == ["a", "a (2)", "a (3)"] and names[1999] == "a (2000)"
    assert names[2000] == "column 2001"


def test_a_header_of_many_columns_reads(tmp_path: Path) -> None:
    columns = 20_000
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(["q"] * columns) + "\n" + ",".join(["some words"] * columns) + "\n",
        encoding="utf-8",
    )
    project = qualcode.load(path)
    assert len(project.variables) == columns - 1


# -- XLSX -------------------------------------------------------------------------------------


@pytest.fixture
def workbook_bytes() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "age", "answer"])
    sheet.append([1, 2.5, "hello there"])
    sheet.append([2, 3.5, "more words"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_edit(old: bytes, new: bytes) -> Any:
    def edit(name: str, data: bytes) -> bytes:
        return data.replace(old, new, 1) if name == "xl/worksheets/sheet1.xml" else data

    return edit


@pytest.mark.parametrize(
    "damage",
    [
        # a repeated attribute: the XML parser's own ParseError escaped
        _sheet_edit(b"<sheetFormatPr ", b'<sheetFormatPr baseColWidth="1e9" '),
        # a cell reference past column ZZZ: ValueError
        _sheet_edit(b'r="B2"', b'r="ZZZZZ2"'),
        # a bad encoding declaration
        _sheet_edit(b"<worksheet", b'<?xml version="1.0" encoding="klingon"?><worksheet'),
    ],
)
def test_a_damaged_sheet_is_a_one_line_parse_error(
    tmp_path: Path, workbook_bytes: bytes, damage: Any
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(rewrite_zip(workbook_bytes, damage))
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    assert str(caught.value).startswith(str(path)) and len(str(caught.value).splitlines()) == 1


def test_a_relationship_to_a_missing_sheet_is_a_parse_error(
    tmp_path: Path, workbook_bytes: bytes
) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"worksheets/sheet1.xml", b"worksheets/missing.xml")
        return data

    path = tmp_path / "bad.xlsx"
    path.write_bytes(rewrite_zip(workbook_bytes, edit))
    with pytest.raises(ParseError):
        qualcode.load(path)


@pytest.mark.parametrize("damage", ["lzma", "method"])
def test_a_part_that_cannot_be_extracted_is_a_parse_error(
    tmp_path: Path, workbook_bytes: bytes, damage: str
) -> None:
    member = "xl/worksheets/sheet1.xml"
    path = tmp_path / "bad.xlsx"
    if damage == "lzma":
        path.write_bytes(with_lzma_member(workbook_bytes, member))
    else:
        path.write_bytes(with_unknown_method(workbook_bytes, member))
    with pytest.raises(ParseError, match=r"cannot be extracted|not a readable"):
        qualcode.load(path)


def test_an_lzma_workbook_is_read(tmp_path: Path, workbook_bytes: bytes) -> None:
    path = tmp_path / "lzma.xlsx"
    path.write_bytes(rewrite_zip(workbook_bytes, method=lambda name: zipfile.ZIP_LZMA))
    assert len(qualcode.load(path).documents) == 2


def test_an_attribute_longer_than_the_bound_is_refused_before_parsing(
    tmp_path: Path, workbook_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a 100 MB attribute ran past five minutes (the parser rescans an unfinished item)
    long = b"a" * (survey_xlsx.XLSX_MAX_XML_ITEM + 1)
    path = tmp_path / "long.xlsx"
    path.write_bytes(
        rewrite_zip(workbook_bytes, _sheet_edit(b'<c r="C2"', b'<c x="' + long + b'" r="C2"'))
    )

    def no_openpyxl() -> Any:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(survey_xlsx, "_openpyxl", no_openpyxl)
    with pytest.raises(UnsafeInputError, match="longer than"):
        survey_xlsx.check_xlsx_archive(path)
    with pytest.raises(UnsafeInputError):
        survey_table.read_xlsx_table(path, {}, LossReport())


def test_a_cell_of_excels_longest_text_is_read(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    answer = "&<\"' é" * (32_767 // 6)  # escaping makes it longer in the file
    workbook.active.append(["id", "answer"])
    workbook.active.append([1, answer])
    path = tmp_path / "long.xlsx"
    workbook.save(path)
    (document,) = qualcode.load(path).documents
    assert document.text == answer


def test_a_sheet_claiming_rows_past_excels_last_is_refused(
    tmp_path: Path, workbook_bytes: bytes
) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(rewrite_zip(workbook_bytes, _sheet_edit(b'<row r="3"', b'<row r="2000000"')))
    with pytest.raises(ParseError, match="last row"):
        qualcode.load(path)


def test_declared_dimensions_are_not_trusted(tmp_path: Path, workbook_bytes: bytes) -> None:
    huge = _sheet_edit(b'<dimension ref="A1:C3"/>', b'<dimension ref="A1:XFD1048576"/>')
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(rewrite_zip(workbook_bytes, huge))
    table = survey_table.read_xlsx_table(path, {}, LossReport())
    assert table.header == ("id", "age", "answer")
    assert [len(row) for row in table.rows] == [3, 3]
