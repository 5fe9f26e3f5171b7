"""Every analysis table through write_table / write_tables, read back cell by cell."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from qualcode import analysis
from qualcode.analysis.table import Table
from qualcode.errors import OptionError
from qualcode.formats.tables import unescape_formula, write_table, write_tables
from qualcode.formats.tables.cells import cell_text
from qualcode.project import Project


def analysis_tables(project: Project) -> list[Table]:
    return [
        analysis.crosstab(project, rows="case", value="count"),
        analysis.crosstab(project, rows="time", cols="theme", value="characters"),
        analysis.cooccurrence(project, scope="document"),
        analysis.code_frequencies(project),
        analysis.compare_coders(project, "Researcher One", "keywords").to_table(),
        analysis.framework_matrix(project, rows="case", cols="theme").to_table(quotes=True),
        analysis.retrieve(project, analysis.code("Work")),
    ]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [[unescape_formula(cell) for cell in row] for row in csv.reader(stream)]


def test_each_analysis_table_round_trips_through_csv(
    small_project: Project, tmp_path: Path
) -> None:
    pandas = pytest.importorskip("pandas")
    for number, table in enumerate(analysis_tables(small_project)):
        assert table.rows, table.title  # each table has something to check
        out = tmp_path / f"table{number}.csv"
        assert write_table(table, out).lines() == []
        expected = [list(table.columns)] + [[cell_text(v) for v in row] for row in table.rows]
        assert read_csv(out) == expected, table.title
        frame = pandas.read_csv(out, dtype=str, keep_default_na=False)
        assert [list(frame.columns)] + [
            [unescape_formula(c) for c in row] for row in frame.itertuples(index=False)
        ] == expected


def test_analysis_tables_share_one_workbook(small_project: Project, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    tables = analysis_tables(small_project)
    out = tmp_path / "analysis.xlsx"
    assert write_tables(tables, out).lines() == []
    workbook = openpyxl.load_workbook(out)
    assert len(workbook.sheetnames) == len(tables)
    for table, name in zip(tables, workbook.sheetnames, strict=True):
        cells: list[list[Any]] = [[c.value for c in row] for row in workbook[name].iter_rows()]
        expected = [list(table.columns)] + [
            [None if value == "" else value for value in row] for row in table.rows
        ]
        assert cells == expected, table.title
        assert workbook[name].freeze_panes == "A2"


def test_one_table_to_xlsx_and_names_given(small_project: Project, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    table = analysis.code_frequencies(small_project)
    write_table(table, tmp_path / "one.xlsx")
    assert openpyxl.load_workbook(tmp_path / "one.xlsx").sheetnames == [
        "Code frequencies (with subcodes"
    ]  # 31 characters at most
    write_tables([table, table], tmp_path / "two.xlsx", names=["Freq", "Freq"])
    assert openpyxl.load_workbook(tmp_path / "two.xlsx").sheetnames == ["Freq", "Freq (2)"]


def test_values_of_every_type(tmp_path: Path) -> None:
    import datetime as dt

    openpyxl = pytest.importorskip("openpyxl")
    table = Table(
        ("text", "int", "float", "bool", "date", "none"),
        [("-3", -3, 0.25, False, dt.date(2026, 12, 8), None)],
        title="types",
    )
    write_table(table, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[1] == ["'-3", "-3", "0.25", "False", "2026-12-08", ""]  # only the text guarded
    write_table(table, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["types"]
    assert [c.value for c in sheet[2]] == ["-3", -3, 0.25, False, dt.datetime(2026, 12, 8), None]


def test_other_extensions_and_several_tables_in_a_csv_are_refused(
    small_project: Project, tmp_path: Path
) -> None:
    table = analysis.code_frequencies(small_project)
    with pytest.raises(OptionError, match=r"\.csv or \.xlsx, not \.txt"):
        write_table(table, tmp_path / "t.txt")
    with pytest.raises(OptionError, match="a CSV file holds one table, not 2"):
        write_tables([table, table], tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []
