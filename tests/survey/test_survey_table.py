"""Survey tables (CSV, TSV, XLSX): answers as documents, respondents as cases, typed attributes."""

from __future__ import annotations

import codecs
import datetime as dt
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import qualcode
from qualcode.errors import OptionError, ParseError, TextEncodingError
from qualcode.model import DocumentKind, VariableType
from qualcode.project import Project

CSV = (
    "respondent,age,score,member,joined,last_login,postcode,q1_experience,q2_wishes\n"
    'R1,34,3.5,yes,2024-01-02,2024-01-02T10:30:00,01234,"I liked it, mostly.\n'
    'Second line.",More evenings\n'
    "R2,41,4,no,2024-02-03,2024-02-03 08:00,02345,,\n"
    "R3,,2,Yes,2024-02-03,2024-03-01T00:00:00,10115,Fine,Nothing\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def attributes(project: Project, case_name: str) -> dict[str, Any]:
    (case,) = project.cases.by_name(case_name)
    return {project.variables[k].name: v for k, v in case.attributes.items()}


def answers(project: Project) -> dict[str, str]:
    return {d.name: d.text for d in project.documents}


def load_csv(tmp_path: Path, data: bytes, name: str = "survey.csv", **options: Any) -> Project:
    return qualcode.load(write(tmp_path, name, data), **options)


TEXT_COLUMNS = {"text_columns": "q1_experience,q2_wishes"}


def test_each_answer_becomes_a_survey_response_of_its_respondent(tmp_path: Path) -> None:
    project = load_csv(tmp_path, codecs.BOM_UTF8 + CSV.encode(), **TEXT_COLUMNS)
    assert answers(project) == {
        "R1: q1_experience": "I liked it, mostly.\nSecond line.",
        "R1: q2_wishes": "More evenings",
        "R3: q1_experience": "Fine",
        "R3: q2_wishes": "Nothing",
    }
    assert [c.name for c in project.cases] == ["R1", "R2", "R3"]
    for document in project.documents:
        assert document.kind is DocumentKind.SURVEY_RESPONSE
        case = project.cases[document.case_id or ""]
        assert document.name.startswith(case.name + ":")


def test_other_columns_become_typed_case_attributes(tmp_path: Path) -> None:
    project = load_csv(tmp_path, CSV.encode(), **TEXT_COLUMNS)
    types = {v.name: v.type for v in project.variables}
    assert types == {
        "age": VariableType.INTEGER,
        "score": VariableType.FLOAT,
        "member": VariableType.BOOLEAN,
        "joined": VariableType.DATE,
        "last_login": VariableType.DATETIME,
        "postcode": VariableType.TEXT,
    }
    assert attributes(project, "R1") == {
        "age": 34,
        "score": 3.5,
        "member": True,
        "joined": dt.date(2024, 1, 2),
        "last_login": dt.datetime(2024, 1, 2, 10, 30),
        "postcode": "01234",
    }
    # an empty cell gives no value; integers in a float column are floats
    assert attributes(project, "R3")["score"] == 2.0
    assert "age" not in attributes(project, "R3")
    assert attributes(project, "R2")["member"] is False


def test_utf16_with_bom_reads_like_utf8(tmp_path: Path) -> None:
    utf8 = load_csv(tmp_path, CSV.encode(), "a.csv", **TEXT_COLUMNS)
    utf16 = load_csv(
        tmp_path, codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"), "b.csv", **TEXT_COLUMNS
    )
    assert answers(utf16) == answers(utf8)
    assert attributes(utf16, "R1") == attributes(utf8, "R1")


def test_the_text_column_defaults_to_the_longest_answers(tmp_path: Path) -> None:
    result = qualcode.read(write(tmp_path, "survey.csv", CSV.encode()))
    assert {d.name for d in result.project.documents} == {"R1: q1_experience", "R3: q1_experience"}
    assert any("q1_experience" in warning for warning in result.report.warnings)
    # the unchosen text column became an attribute
    assert attributes(result.project, "R1")["q2_wishes"] == "More evenings"


def test_semicolons_tabs_and_repeated_respondents(tmp_path: Path) -> None:
    rows = "ID;wave;answer\nP1;1;Good start\nP1;2;Still good\nP2;1;Meh\n"
    project = load_csv(tmp_path, rows.encode(), text_columns="answer")
    assert [c.name for c in project.cases] == ["P1", "P2"]
    assert [d.text for d in project.case_documents(project.cases.by_name("P1")[0].id)] == [
        "Good start",
        "Still good",
    ]
    tsv = load_csv(tmp_path, rows.replace(";", "\t").encode(), "s.tsv", text_columns="answer")
    assert answers(tsv) == answers(project)


def test_without_an_id_column_cases_are_named_by_row(tmp_path: Path) -> None:
    project = load_csv(tmp_path, b"age,comment\n30,Hello there\n31,\n32,Bye\n")
    assert [c.name for c in project.cases] == ["row 2", "row 3", "row 4"]
    assert answers(project) == {"row 2: comment": "Hello there", "row 4: comment": "Bye"}


def test_id_and_attribute_columns_can_be_chosen(tmp_path: Path) -> None:
    project = load_csv(
        tmp_path,
        CSV.encode(),
        id_column="postcode",
        text_columns="q2_wishes",
        attribute_columns="age",
    )
    assert [c.name for c in project.cases] == ["01234", "02345", "10115"]
    assert [v.name for v in project.variables] == ["age"]


# -- bad input --------------------------------------------------------------------------------


def test_a_missing_text_column_names_the_file_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", CSV.encode())
    with pytest.raises(OptionError) as raised:
        qualcode.load(path, text_columns="q3_comments")
    assert raised.value.path == str(path)
    assert "q3_comments" in str(raised.value)
    assert "q1_experience" in str(raised.value)  # the columns there are


def test_mixed_encodings_name_the_file_line_and_column(tmp_path: Path) -> None:
    data = "id,answer\nR1,café ok\n".encode() + "R2,café bad\n".encode("cp1252")
    path = write(tmp_path, "mixed.csv", data)
    with pytest.raises(TextEncodingError) as raised:
        qualcode.load(path)
    error = raised.value
    assert error.path == str(path)
    assert error.line == 3
    assert "mixed encodings" in str(error)
    assert "'answer'" in str(error)
    assert path.read_bytes() == data


def test_a_legacy_encoding_can_be_named(tmp_path: Path) -> None:
    data = "id,answer\nR1,Grüße aus Köln\n".encode("cp1252")
    path = write(tmp_path, "legacy.csv", data)
    with pytest.raises(TextEncodingError, match="not UTF-8"):
        qualcode.load(path)
    project = qualcode.load(path, encoding="cp1252")
    assert answers(project) == {"R1: answer": "Grüße aus Köln"}


def test_utf16_without_bom_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "nobom.csv", b"id,answer\nR1,plain\n".decode().encode("utf-16-le"))
    with pytest.raises(TextEncodingError, match="UTF-16 without a byte order mark"):
        qualcode.load(path)


def test_an_empty_table_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="empty"):
        qualcode.load(write(tmp_path, "empty.csv", b"\n\n"))


def test_a_repeated_header_never_takes_the_name_of_another_column(tmp_path: Path) -> None:
    # the second "q" became "q (2)", and the file's own "q (2)" was renamed "q (2) (2)"
    data = b"id,q,q,q (2),column 4,\n1,a,b,c,d,e\n"
    result = qualcode.read(write(tmp_path, "dup.csv", data), text_columns="q (2)")
    assert answers(result.project) == {"1: q (2)": "c"}
    names = [variable.name for variable in result.project.variables]
    assert names == ["q", "q (3)", "column 4", "column 6"]
    assert result.report.warnings == ["dup.csv: column 'q' appears twice; the second is q (3)"]


def test_a_text_column_named_twice_gives_one_document(tmp_path: Path) -> None:
    project = load_csv(tmp_path, CSV.encode(), text_columns="q2_wishes,q2_wishes")
    assert [d.name for d in project.documents] == ["R1: q2_wishes", "R3: q2_wishes"]


# -- XLSX -------------------------------------------------------------------------------------


def make_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Responses") -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.create_sheet("Notes").append(["not the data"])
    workbook.save(path)
    return path


XLSX_ROWS: list[list[Any]] = [
    ["respondent", "age", "score", "member", "joined", "answer"],
    ["R1", 34, 3.5, True, dt.datetime(2024, 1, 2), "Café — “quoted” 👍"],
    ["R2", 41, 4, False, dt.datetime(2024, 2, 3), None],
    ["R3", None, 2.25, True, dt.datetime(2024, 2, 3, 9, 15), "Fine"],
]


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "survey.xlsx", XLSX_ROWS)
    project = qualcode.load(path, text_columns="answer")
    assert answers(project) == {"R1: answer": "Café — “quoted” 👍", "R3: answer": "Fine"}
    types = {v.name: v.type for v in project.variables}
    assert types == {
        "age": VariableType.INTEGER,
        "score": VariableType.FLOAT,
        "member": VariableType.BOOLEAN,
        "joined": VariableType.DATETIME,
    }
    assert attributes(project, "R1") == {
        "age": 34,
        "score": 3.5,
        "member": True,
        "joined": dt.datetime(2024, 1, 2),
    }


def test_xlsx_sheet_option(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "survey.xlsx", XLSX_ROWS)
    with pytest.raises(OptionError, match="no sheet 'Answers'"):
        qualcode.load(path, sheet="Answers")
    assert len(qualcode.load(path, sheet="Responses", text_columns="answer").documents) == 2


def _rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            archive.writestr(info, change(data) if info.filename == member else data)


def test_xlsx_formulas_without_a_saved_result_are_reported(tmp_path: Path) -> None:
    # openpyxl, like other libraries, writes a formula without its result: read values only,
    # the answer would be empty and dropped without a word
    rows: list[list[Any]] = [
        ["respondent", "answer", "length"],
        ["R1", "We could not pay the rent.", "=LEN(B2)"],
        ["R2", '="Said: "&A2', "=LEN(B3)"],
    ]
    path = make_xlsx(tmp_path / "survey.xlsx", rows)
    result = qualcode.read(path, text_columns="answer")
    assert answers(result.project) == {"R1: answer": "We could not pay the rent."}
    (loss,) = result.report.losses
    assert loss.count == 3
    assert "(C2, B3, C3;" in loss.what and "sheet 'Responses'" in loss.where
    assert "survey.xlsx" in loss.where

    # as a spreadsheet program saves it: each formula with its result, text results typed as
    # text, one of them empty (an empty text result is a value, not a missing one)
    def with_results(data: bytes) -> bytes:
        text = data.decode("utf-8")
        text = text.replace('<c r="C2"><f>LEN(B2)</f><v></v>', '<c r="C2"><f>LEN(B2)</f><v>26</v>')
        text = text.replace('<c r="C3"><f>LEN(B3)</f><v></v>', '<c r="C3" t="str"><f>""</f><v></v>')
        return text.replace(
            '<c r="B3"><f>"Said: "&amp;A2</f><v></v>',
            '<c r="B3" t="str"><f>"Said: "&amp;A2</f><v>Said: R2</v>',
        ).encode("utf-8")

    _rewrite_member(path, "xl/worksheets/sheet1.xml", with_results)
    result = qualcode.read(path, text_columns="answer")
    assert answers(result.project) == {
        "R1: answer": "We could not pay the rent.",
        "R2: answer": "Said: R2",
    }
    assert not result.report.losses


def test_a_formula_on_another_sheet_is_not_reported(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Responses"
    workbook.active.append(["respondent", "answer"])
    workbook.active.append(["R1", "Fine"])
    workbook.create_sheet("Sums").append(["=1+1"])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    result = qualcode.read(path, text_columns="answer")
    assert not result.report.losses
    with pytest.raises(ParseError, match="sheet 'Sums' holds only formulas whose results were"):
        qualcode.read(path, sheet="Sums")


def test_a_corrupt_xlsx_is_an_error_naming_it(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx", XLSX_ROWS).read_bytes()
    truncated = write(tmp_path, "truncated.xlsx", good[: len(good) // 2])
    with pytest.raises(ParseError) as raised:
        qualcode.load(truncated)
    assert raised.value.path == str(truncated)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
    with pytest.raises(ParseError, match=r"not a readable \.xlsx"):
        qualcode.load(broken)


def test_an_encrypted_or_legacy_workbook_is_an_error(tmp_path: Path) -> None:
    ole = write(tmp_path, "locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ParseError, match="password-protected") as raised:
        qualcode.load(ole)
    assert raised.value.hint is not None
    assert ".xlsx" in raised.value.hint


def test_without_openpyxl_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_xlsx(tmp_path / "survey.xlsx", XLSX_ROWS)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(OptionError) as raised:
        qualcode.load(path)
    assert "qualcode[xlsx]" in str(raised.value)
