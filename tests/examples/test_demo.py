"""The bundled example study builds into the project the README promises."""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import qualcode
from qualcode import DocumentKind, analysis

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "examples" / "peer-workers"

Demo = tuple[subprocess.CompletedProcess[str], Path]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``examples/demo.py`` run once, as ``make demo`` runs it: what it printed and its folder."""
    out = tmp_path_factory.mktemp("out")
    completed = subprocess.run(
        [sys.executable, str(REPO / "examples" / "demo.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed, out


def test_demo_builds_the_peer_workers_project(demo: Demo) -> None:
    completed, tmp_path = demo
    project = qualcode.load(tmp_path / "peer-workers.qualcode.json")

    interviews = [d for d in project.documents if d.kind is DocumentKind.INTERVIEW]
    diaries = [d for d in project.documents if d.kind is DocumentKind.DIARY]
    assert len(interviews) == 12  # three workers at four time points
    assert len(diaries) == 9
    assert sorted(c.name for c in project.cases) == ["PN1", "PN2", "PN3"]
    for case in project.cases:
        waves = {d.time_point for d in project.case_documents(case.id) if d.kind == "interview"}
        assert waves == {1, 2, 3, 4}
    assert {c.name for c in project.codes if c.origin == "deductive"} >= {
        "Training and preparation",
        "Organisational culture",
        "Advocating harm reduction",
        "Relationships with clients",
        "Relationships with professionals",
        "Boundaries and self-care",
        "Career progression",
    }
    with (STUDY / "themes.toml").open("rb") as stream:
        planned = tomllib.load(stream)["theme"]
    themes = {t.name: t for t in project.themes}
    assert set(themes) == {entry["name"] for entry in planned}
    for entry in planned:
        theme = themes[entry["name"]]
        assert sorted(project.codes[i].name for i in theme.code_ids) == sorted(entry["codes"])
        parent = themes.get(entry.get("parent", ""))
        assert theme.parent_id == (parent.id if parent else None)

    first = next(d for d in interviews if d.name == "PN1_T1")
    assert first.text.startswith("I1: Thanks for talking to me.")
    assert "PN1" in completed.stdout


def test_demo_keeps_the_two_researchers_word_comments_as_codings(demo: Demo) -> None:
    _, tmp_path = demo
    project = qualcode.load(tmp_path / "peer-workers.qualcode.json")
    coders = {c.name: c.id for c in project.coders if not c.machine}
    assert set(coders) == {"Researcher One", "Researcher Two"}
    labels = {"I1": "Researcher One", "I2": "Researcher Two"}

    with (STUDY / "word-coding.csv").open(encoding="utf-8", newline="") as stream:
        expected = sorted(
            (row["interview"], labels[row["coder"]], row["code"], row["quote"])
            for row in csv.DictReader(stream)
        )
    names = {c.id: c.name for c in project.coders}
    found = sorted(
        (
            project.documents[c.document_id].name,
            names[c.coder_id or ""],
            project.codes[c.code_id].name,
            project.quote(c),
        )
        for c in project.codings
        if c.coder_id in coders.values()
    )
    assert found == expected
    # the comments landed on the codebook's own codes, not on copies of them
    deductive = {c.id for c in project.codes if c.origin == "deductive"}
    assert all(c.code_id in deductive for c in project.codings if c.coder_id in coders.values())


def test_demo_prints_the_researchers_agreement_and_codes_by_time_point(demo: Demo) -> None:
    completed, tmp_path = demo
    project = qualcode.load(tmp_path / "peer-workers.qualcode.json")
    pooled = analysis.compare_coders(project, "Researcher One", "Researcher Two").pooled()
    lines = completed.stdout.splitlines()
    assert "Agreement of Researcher One and Researcher Two (by character, 4 interviews)" in lines
    (total,) = [line for line in lines if line.strip().startswith("(all codes)")]
    assert total.split()[2] == f"{pooled.agreement:.1%}"
    assert total.split()[-1] == f"{pooled.kappa:.3f}"
    header = lines[lines.index("Codings by time point") + 1].split()
    assert header == ["code", "T1", "T2", "T3", "T4"]
    table = analysis.crosstab(project, rows="time", cols="code")
    training = [line for line in lines if line.strip().startswith("Training and preparation")]
    counts = [int(n) for n in training[-1].split()[-4:]]
    assert counts == table.column("Training and preparation")


def test_demo_writes_the_files_co_authors_open(demo: Demo) -> None:
    completed, tmp_path = demo
    for name in ("peer-workers-nvivo.qdpx", "peer-workers.xlsx", "peer-workers-report.html"):
        assert f"demo: wrote {tmp_path / name}" in completed.stderr
    openpyxl = __import__("openpyxl")
    workbook = openpyxl.load_workbook(tmp_path / "peer-workers.xlsx")
    project = qualcode.load(tmp_path / "peer-workers.qualcode.json")
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    segments = next(sheet for title, sheet in sheets.items() if "segment" in title.lower())
    assert segments.max_row == len(project.codings) + 1  # a header, then one row per coding
    page = (tmp_path / "peer-workers-report.html").read_text(encoding="utf-8")
    assert "Peer workers study" in page
    assert "Researcher One" in page and "Researcher Two" in page
