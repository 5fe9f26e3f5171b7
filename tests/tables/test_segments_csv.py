"""Coded segments as CSV: the golden file, and every cell read back by csv and by pandas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode.formats.tables import segments_table, unescape_formula
from qualcode.formats.tables.cells import cell_text
from qualcode.plugins import default_plugins
from qualcode.project import Project

GOLDEN = Path(__file__).parent / "golden"


def export(project: Project, name: str, path: Path, **options: object) -> list[str]:
    report = default_plugins().exporters.get(name)().write(project, path, **options)
    return report.lines()


def expected_cells(project: Project) -> list[list[str]]:
    """The table the export should hold, header first, each value as its text."""
    table = segments_table(project)
    return [list(table.columns)] + [[cell_text(v) for v in row] for row in table.rows]


def test_segments_csv_matches_the_golden_file(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "segments.csv"
    assert export(small_project, "segments-csv", out) == []
    assert out.read_bytes() == (GOLDEN / "segments.csv").read_bytes()


def test_every_cell_reads_back_with_the_csv_module(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "segments.csv"
    export(small_project, "segments-csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to see UTF-8
    assert raw.count(b"\r\n") == len(small_project.codings) + 1  # CRLF rows; LF inside quotes
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    read_back = [[unescape_formula(cell) for cell in row] for row in rows]
    assert read_back == expected_cells(small_project)
    # the formula-looking cells were guarded, and only those
    quotes = [row[-1] for row in rows[1:]]
    assert quotes[0].startswith("'=SUM(A1)")
    assert quotes[1] == "I laughed"
    assert quotes[-1] == "''=not a formula' in quotes"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_every_cell_reads_back_with_pandas(small_project: Project, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    out = tmp_path / "segments.csv"
    export(small_project, "segments-csv", out)
    frame = pandas.read_csv(out, dtype=str, keep_default_na=False)  # pandas drops the BOM
    cells = [list(frame.columns)] + [
        [unescape_formula(cell) for cell in row] for row in frame.itertuples(index=False)
    ]
    assert cells == expected_cells(small_project)
    typed = pandas.read_csv(out)  # and with its own type guessing, the numbers are numbers
    assert list(typed["start"]) == [c.start for c in small_project.codings]
    assert list(typed["years"].dropna()) == [3, 3, 3, 3]


def test_formulas_keep_writes_texts_unchanged(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "segments.csv"
    export(small_project, "segments-csv", out, formulas="keep")
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream)) == expected_cells(small_project)


def test_a_bad_formulas_option_is_refused(small_project: Project, tmp_path: Path) -> None:
    from qualcode.errors import OptionError

    with pytest.raises(OptionError, match="formulas must be escape or keep"):
        export(small_project, "segments-csv", tmp_path / "s.csv", formulas="maybe")
    assert not (tmp_path / "s.csv").exists()


def test_columns_name_each_case_attribute(small_project: Project) -> None:
    table = segments_table(small_project)
    assert table.columns[:7] == (
        "document",
        "document_kind",
        "case",
        "role",
        "years",
        "paid",
        "time_point",
    )
    first = dict(zip(table.columns, table.rows[0], strict=True))
    assert first["role"] == "=peer worker"
    assert first["years"] == 3 and first["paid"] is True
    assert first["themes"] == "Coping; Relationships"
    machine = dict(zip(table.columns, table.rows[1], strict=True))
    assert (machine["coder"], machine["method"], machine["strategy"]) == (
        "keywords",
        "rule",
        "keywords",
    )
    assert (machine["strategy_version"], machine["rule"]) == ("1.2", "laugh*")
    for row in table:
        document = next(d for d in small_project.documents if d.name == row["document"])
        assert document.text[row["start"] : row["end"]] == row["quote"]


def test_an_attribute_named_like_a_column_is_prefixed(small_project: Project) -> None:
    import attrs

    from qualcode.model import Variable

    clash = small_project.add_variable(
        Variable(id="00000000-0000-0000-0000-0000000000cc", name="code")
    )
    anna = small_project.cases.by_name("Anna")[0]
    attributes = {**anna.attributes, clash.id: "A-7"}
    small_project.add_case(attrs.evolve(anna, attributes=attributes), replace=True)
    table = segments_table(small_project)
    assert "case code" in table.columns and table.columns.count("code") == 1
    assert table.column("case code")[0] == "A-7"


def test_characters_a_csv_cannot_carry_are_replaced_and_counted(tmp_path: Path) -> None:
    from qualcode.model import Code, Coding, Document

    project = Project()
    document = project.add_document(Document(id="d", name="nul", text="a\x00b \ud800c\x01d"))
    code = project.add_code(Code(id="c", name="C"))
    project.add_coding(Coding(id="k1", document_id=document.id, code_id=code.id, start=0, end=3))
    project.add_coding(Coding(id="k2", document_id=document.id, code_id=code.id, start=4, end=8))
    out = tmp_path / "s.csv"
    lines = export(project, "segments-csv", out)
    assert lines == [
        "lost: characters a CSV cannot carry (NUL, lone surrogates) replaced by U+FFFD "
        "in coded segments (2x)"
    ]
    with out.open(encoding="utf-8-sig", newline="") as stream:
        quotes = [row[-1] for row in csv.reader(stream)][1:]
    assert quotes == ["a\ufffdb", "\ufffdc\x01d"]  # other control characters are carried


def test_large_project_shape(tmp_path: Path) -> None:
    """20,000 codings: one row each, every row as wide as the header, quotes where they belong."""
    from qualcode.model import Code, Coding, Document

    project = Project()
    text = "".join(f'line {n}, with = and "quotes"\n' for n in range(2000))
    for number in range(10):
        project.add_document(Document(id=f"d{number}", name=f"doc {number}", text=text))
    project.add_code(Code(id="c", name="C"))
    project.add_codings(
        Coding(id=f"k{n}", document_id=f"d{n % 10}", code_id="c", start=n % 500, end=n % 500 + 40)
        for n in range(20_000)
    )
    out = tmp_path / "big.csv"
    assert export(project, "segments-csv", out) == []
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) == 20_001
    assert {len(row) for row in rows} == {len(rows[0])}
    assert rows[1][-1] == text[0:40] and rows[-1][-1] == text[19_999 % 500 : 19_999 % 500 + 40]
    pandas = pytest.importorskip("pandas")
    assert pandas.read_csv(out).shape == (20_000, len(rows[0]))
