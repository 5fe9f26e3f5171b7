"""XLSX exports read back with openpyxl: every cell, the frozen header, widths, wrapping, losses."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from qualcode.analysis.table import Table
from qualcode.errors import OptionError
from qualcode.formats.tables import segments_table, write_tables
from qualcode.formats.tables.xlsx_tables import sheet_names
from qualcode.plugins import default_plugins
from qualcode.project import Project

openpyxl = pytest.importorskip("openpyxl")


def sheet_cells(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_written(table: Table) -> list[list[Any]]:
    """What openpyxl reads back: an empty text is an empty cell."""
    return [list(table.columns)] + [
        [None if value == "" else value for value in row] for row in table.rows
    ]


def test_segments_sheet_holds_every_cell(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "segments.xlsx"
    report = default_plugins().exporters.get("segments-xlsx")().write(small_project, out)
    assert report.lines() == []
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Coded segments"]
    sheet = workbook["Coded segments"]
    assert sheet_cells(sheet) == as_written(segments_table(small_project))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    # formula-looking texts are text cells, never formulas (nothing escaped)
    role = sheet.cell(row=2, column=4)
    assert (role.value, role.data_type) == ("=peer worker", "s")
    quote = sheet.cell(row=2, column=sheet.max_column)
    assert quote.value.startswith("=SUM(A1)") and quote.data_type == "s"
    assert quote.alignment.wrap_text  # a long quote is wrapped
    short = sheet.cell(row=3, column=sheet.max_column)
    assert short.value == "I laughed" and not short.alignment.wrap_text
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "B", "Q")}
    assert widths["A"] == len("Anna, interview 1") + 2
    assert widths["B"] == len("document_kind") + 2
    assert widths["Q"] == 60  # the quotes: capped, and wrapped instead


def test_workbook_has_a_sheet_per_table(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.xlsx"
    plugins = default_plugins()
    assert plugins.exporter_for(out) == "workbook-xlsx"
    plugins.exporters.get("workbook-xlsx")().write(small_project, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == [
        "Coded segments",
        "Codebook",
        "Code frequencies",
        "Code presence by case",
        "Code counts by case",
        "Code presence by document",
        "Code counts by document",
    ]
    assert sheet_cells(workbook["Code presence by case"]) == [
        ["case", "Work", "Work/Humour", "Clients, contact"],
        ["Anna", 1, 1, 1],
        ["Ben", 1, 0, 0],
        ["(no case)", 0, 0, 0],
    ]
    assert sheet_cells(workbook["Code counts by document"])[1] == ["Anna, interview 1", 1, 2, 1]
    assert all(workbook[name].freeze_panes == "A2" for name in workbook.sheetnames)


def test_control_characters_and_overlong_texts_are_counted(tmp_path: Path) -> None:
    long_text = "x" * 40_000
    table = Table(
        ("text", "number"),
        [("bell\x07 and tab\t ok", 1), (long_text, 2), ("#N/A", 3), ("fine", None)],
        title="Odd texts",
    )
    out = tmp_path / "odd.xlsx"
    report = write_tables([table], out)
    assert report.lines() == [
        "lost: characters an XLSX cannot hold (control characters) replaced by U+FFFD in Odd texts",
        "lost: texts longer than Excel's 32,767 characters per cell, cut there in Odd texts",
    ]
    cells = sheet_cells(openpyxl.load_workbook(out)["Odd texts"])
    assert cells[1] == ["bell\ufffd and tab\t ok", 1]
    assert cells[2] == ["x" * 32_767, 2]
    assert cells[3] == ["#N/A", 3]  # a text, not Excel's error value
    assert cells[4] == ["fine", None]


def test_sheet_names_are_valid_and_distinct() -> None:
    assert sheet_names(["Codes by case", "Codes by case", "", "a/b: [x]?", "y" * 40]) == [
        "Codes by case",
        "Codes by case (2)",
        "Table 3",
        "a b x",
        "y" * 31,
    ]


def test_without_openpyxl_the_error_names_the_extra(
    small_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    out = tmp_path / "study.xlsx"
    for name in ("workbook-xlsx", "segments-xlsx", "codebook-xlsx"):
        with pytest.raises(OptionError, match=r"pip install 'qualcode\[xlsx\]'"):
            default_plugins().exporters.get(name)().write(small_project, out)
    with pytest.raises(OptionError, match="openpyxl"):
        write_tables([segments_table(small_project)], out)
    assert list(tmp_path.iterdir()) == []
