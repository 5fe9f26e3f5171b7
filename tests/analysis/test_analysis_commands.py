"""The analysis commands: agreement, codes, query, matrix, cooccurrence, merge, split."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode import Case, Code, Coder, Coding, Document, Project, Theme, new_id
from qualcode.cli import make_app

TEXT = "Support came late. My manager listened. Training was hard but useful."


def study() -> Project:
    p = Project(name="Peer workers")
    p.add_coder(Coder(id="ar", name="Alice"))
    p.add_coder(Coder(id="br", name="Bob"))
    p.add_case(Case(id="pn1", name="PN1"))
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="trn", name="Training"))
    p.add_theme(Theme(id="held", name="Being held", code_ids=("sup",)))
    for wave in (1, 2):
        p.add_document(
            Document(id=f"d{wave}", name=f"PN1_T{wave}", text=TEXT, case_id="pn1", time_point=wave)
        )
    return p


def mark(p: Project, doc: str, coder: str, code: str, quote: str) -> None:
    start = TEXT.index(quote)
    p.add_coding(Coding(new_id(), doc, code, start, start + len(quote), coder_id=coder))


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    p = study()
    mark(p, "d1", "ar", "sup", "Support came late.")
    mark(p, "d1", "br", "sup", "Support came late.")
    mark(p, "d1", "ar", "trn", "Training was hard")
    mark(p, "d2", "br", "trn", "Training was hard but useful.")
    mark(p, "d2", "ar", "trn", "Training was hard but useful.")
    path = tmp_path / "study.qualcode.json"
    qualcode.save(p, path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_agreement_by_character_as_json(project_file: Path) -> None:
    code, out, err = run("agreement", str(project_file), "-c", "Alice", "-c", "Bob", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [row["code"] for row in rows] == ["Support", "Training", "(all)"]
    assert rows[0]["agreement %"] == 100.0


def test_agreement_by_segment_and_with_three_coders(project_file: Path) -> None:
    code, out, _ = run(
        "agreement", str(project_file), "-c", "Alice", "-c", "Bob", "--unit", "segment", "-f", "csv"
    )
    assert code == 0
    lines = list(csv.reader(io.StringIO(out)))
    assert lines[0] == ["code", "agreements", "disagreements", "total", "percentage"]
    code, _, err = run("agreement", str(project_file), "-c", "Alice", "-c", "Bob", "-c", "Carol")
    assert code == 1
    assert err.startswith("error: three coders or more are compared by sentence")


def test_agreement_of_three_coders_by_sentence(tmp_path: Path) -> None:
    p = study()
    p.add_coder(Coder(id="cr", name="Carol"))
    for coder in ("ar", "br", "cr"):
        mark(p, "d1", coder, "sup", "Support came late.")
    mark(p, "d1", "cr", "trn", "Training was hard")
    path = tmp_path / "three.qualcode.json"
    qualcode.save(p, path)
    code, out, err = run(
        "agreement",
        str(path),
        "-c",
        "Alice",
        "-c",
        "Bob",
        "-c",
        "Carol",
        "--unit",
        "sentence",
        "--json",
    )
    assert code == 0, err
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["Support"]["alpha"] == 1.0
    assert rows["Training"]["alpha"] is not None and rows["Training"]["alpha"] < 1


def test_agreement_needs_two_known_coders(project_file: Path) -> None:
    code, _, err = run("agreement", str(project_file), "-c", "Alice")
    assert code == 1
    assert err.startswith("error: name two coders")
    code, _, err = run("agreement", str(project_file), "-c", "Alice", "-c", "Zed")
    assert code == 1
    assert "no coder 'Zed'; its coders: Alice, Bob" in err


def test_codes_query_matrix_cooccurrence(project_file: Path) -> None:
    code, out, _ = run("codes", str(project_file), "--json")
    assert code == 0
    assert [row["codings"] for row in json.loads(out)] == [2, 3]
    code, out, _ = run("query", str(project_file), "--code", "Training", "--time", "2", "--json")
    assert code == 0
    assert [row["quote"] for row in json.loads(out)] == ["Training was hard but useful."]
    code, out, _ = run("matrix", str(project_file), "--rows", "time", "--json")
    assert json.loads(out) == [
        {"time": "T1", "Support": 2, "Training": 1},
        {"time": "T2", "Support": 0, "Training": 2},
    ]
    code, out, _ = run("matrix", str(project_file), "--cols", "theme", "--quotes", "--json")
    assert json.loads(out) == [
        {"row": "PN1", "Being held": "Support came late.\n\nSupport came late."}
    ]
    code, out, _ = run("cooccurrence", str(project_file), "--scope", "document", "--json")
    assert json.loads(out)[0]["count"] == 1
    code, out, _ = run("matrix", str(project_file), "--rows", "role")
    assert code == 1


def test_a_table_in_the_terminal(project_file: Path) -> None:
    code, out, _ = run("codes", str(project_file))
    assert code == 0
    assert "Support" in out and "Training" in out and "codings" in out


def test_split_then_merge(project_file: Path, tmp_path: Path) -> None:
    code, _, err = run("split", str(project_file), "--out", str(tmp_path / "blind"))
    assert code == 0, err
    alice = tmp_path / "blind" / "study-Alice.qualcode.json"
    bob = tmp_path / "blind" / "study-Bob.qualcode.json"
    assert len(qualcode.load(alice).codings) == 3
    assert len(qualcode.load(bob).codings) == 2
    merged = tmp_path / "merged.qualcode.json"
    code, _, err = run("merge", str(alice), str(bob), "-o", str(merged))
    assert code == 0, err
    assert "merged 2 codings" in err
    assert len(qualcode.load(merged).codings) == 5
