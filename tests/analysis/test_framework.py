"""Framework matrices: rows and columns, quotes, summaries as memos, a CSV round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import qualcode
from qualcode import Case, Code, Coding, Document, Project, Theme, new_id
from qualcode.analysis.framework import (
    framework_matrix,
    read_summaries,
    set_summary,
    summaries,
)
from qualcode.analysis.names import AnalysisInputError
from qualcode.errors import ParseError

TEXT = "My manager listened. Training came late. I felt alone at night."


def study() -> Project:
    p = Project(name="Peer workers")
    p.add_case(Case(id="pn1", name="PN1"))
    p.add_case(Case(id="pn2", name="PN2"))
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="iso", name="Isolation"))
    p.add_theme(Theme(id="held", name="Being held", code_ids=("sup",)))
    p.add_theme(Theme(id="alone", name="Alone with it", code_ids=("iso",)))
    for case in ("pn1", "pn2"):
        for wave in (1, 2):
            p.add_document(
                Document(
                    id=f"{case}-{wave}",
                    name=f"{case}_T{wave}",
                    text=TEXT,
                    case_id=case,
                    time_point=wave,
                )
            )
    return p


def mark(p: Project, doc: str, code_id: str, quote: str) -> Coding:
    start = TEXT.index(quote)
    return p.add_coding(Coding(new_id(), doc, code_id, start, start + len(quote)))


def test_rows_columns_and_quotes() -> None:
    p = study()
    mark(p, "pn1-2", "sup", "My manager listened.")
    mark(p, "pn1-1", "sup", "Training came late.")
    mark(p, "pn2-1", "iso", "I felt alone at night.")
    matrix = framework_matrix(p)
    assert matrix.rows == ("PN1", "PN2")
    assert matrix.columns == ("Being held", "Alone with it")
    assert matrix.quotes("PN1", "Being held") == ["Training came late.", "My manager listened."]
    table = matrix.to_table(quotes=True)
    assert table.rows[0] == ("PN1", "Training came late.\n\nMy manager listened.", "")
    assert matrix.to_table().rows[0] == ("PN1", "", "")
    by_time = framework_matrix(p, rows="case-time", cols="code")
    assert by_time.rows == ("PN1 / T1", "PN1 / T2", "PN2 / T1", "PN2 / T2")
    assert by_time.columns == ("Support", "Isolation")


def test_a_summary_is_a_memo_on_the_case_the_theme_and_the_codings() -> None:
    p = study()
    coding = mark(p, "pn1-1", "sup", "My manager listened.")
    matrix = framework_matrix(p)
    memo = set_summary(matrix, "PN1", "Being held", "Held by the manager early on.")
    assert memo.name == "Framework: PN1 | Being held"
    assert memo.target_ids == ("pn1", "held", coding.id)
    again = set_summary(matrix, "PN1", "Being held", "Held, then less so.")
    assert again.id == memo.id and len(p.memos) == 1
    assert framework_matrix(p).summary("PN1", "Being held") == "Held, then less so."
    assert list(summaries(matrix)) == [("PN1", "Being held", "Held, then less so.")]
    with pytest.raises(AnalysisInputError, match="no row 'PN9'; its rows: PN1, PN2"):
        set_summary(matrix, "PN9", "Being held", "x")
    with pytest.raises(AnalysisInputError, match="no column 'Joy'"):
        set_summary(matrix, "PN1", "Joy", "x")


def test_summaries_survive_native_json(tmp_path: Path) -> None:
    p = study()
    mark(p, "pn2-2", "iso", "I felt alone at night.")
    set_summary(framework_matrix(p), "PN2", "Alone with it", "Nights are hard.")
    path = tmp_path / "study.qualcode.json"
    qualcode.save(p, path)
    back = qualcode.load(path)
    assert framework_matrix(back).summary("PN2", "Alone with it") == "Nights are hard."


def test_summaries_come_back_from_a_csv_of_the_matrix(tmp_path: Path) -> None:
    p = study()
    mark(p, "pn1-1", "sup", "My manager listened.")
    matrix = framework_matrix(p)
    path = tmp_path / "matrix.csv"
    table = matrix.to_table(quotes=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.columns)
        writer.writerows(table.rows)
    with path.open(encoding="utf-8", newline="") as stream:
        lines = list(csv.reader(stream))
    lines[2][2] = "PN2 keeps going alone."  # a summary typed in a spreadsheet
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(lines)
    assert read_summaries(matrix, path) == 1  # the pre-filled quote cell is left alone
    assert matrix.summary("PN2", "Alone with it") == "PN2 keeps going alone."
    assert matrix.summary("PN1", "Being held") == ""


def test_a_csv_that_does_not_fit_the_matrix_is_named(tmp_path: Path) -> None:
    matrix = framework_matrix(study())
    bad = tmp_path / "bad.csv"
    bad.write_text("row,Joy\nPN1,x\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.csv: columns 'Joy' are not in matrix"):
        read_summaries(matrix, bad)
    bad.write_text("row,Being held\nPN7,x\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.csv:2: row 'PN7' is not in matrix"):
        read_summaries(matrix, bad)
