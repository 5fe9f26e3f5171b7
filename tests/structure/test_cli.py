"""The ``structure`` and ``inductive`` strategies through ``qualcode code``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.model import Case, CodeStatus, Document
from qualcode.project import Project

INTERVIEWS = {
    "PN1": "I1: How did you become a peer worker?\nPN1: The needle exchange asked me to apply.\n"
    "I2: What support do you get?\nPN1: Supervision, but not enough supervision for me.\n",
    "PN2": "I1: How did you become a peer worker?\nPN2: A friend at the van told me about it.\n"
    "I2: What support do you get?\nPN2: My manager listens and the van team helps.\n",
}


def write_study(folder: Path) -> Path:
    project = Project(name="study")
    for name, text in INTERVIEWS.items():
        case = project.add_case(Case(id=qualcode.new_id(), name=name))
        project.add_document(Document(id=qualcode.new_id(), name=name, text=text, case_id=case.id))
    path = folder / "study.qualcode.json"
    qualcode.save(project, path)
    return path


def test_code_by_question_with_a_guide_file_and_two_processes(tmp_path: Path) -> None:
    source = write_study(tmp_path)
    before = source.read_bytes()
    guide = tmp_path / "guide.txt"
    guide.write_text("How did you become a peer worker?\nWhat support do you get?\n", "utf-8")
    out = tmp_path / "out.qualcode.json"
    result = CliRunner().invoke(
        make_app(),
        [
            "code",
            str(source),
            str(out),
            "--strategy",
            "structure",
            "--rules",
            str(guide),
            "-o",
            "by=question",
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    project = qualcode.load(out)
    paths = sorted("/".join(project.code_path(c.code_id)) for c in project.codings)
    assert paths == [
        "Interview guide/How did you become a peer worker?",
        "Interview guide/How did you become a peer worker?",
        "Interview guide/What support do you get?",
        "Interview guide/What support do you get?",
    ]
    assert source.read_bytes() == before  # the input is never modified


def test_inductive_suggestions_for_participants_only(tmp_path: Path) -> None:
    source = write_study(tmp_path)
    out = tmp_path / "out.qualcode.json"
    result = CliRunner().invoke(
        make_app(),
        [
            "code",
            str(source),
            str(out),
            "--strategy",
            "inductive",
            "--speaker",
            "PN*",
            "-o",
            "method=keyness",
            "-o",
            "min_frequency=2",
            "-o",
            "min_score=0",
        ],
    )
    assert result.exit_code == 0, result.output
    project = qualcode.load(out)
    candidates = {c.name for c in project.codes if c.status is CodeStatus.CANDIDATE}
    assert {"supervision", "van"} <= candidates
    assert "become" not in candidates  # the interviewers' words are left out


def test_an_unknown_option_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    source = write_study(tmp_path)
    out = tmp_path / "out.qualcode.json"
    result = CliRunner().invoke(
        make_app(),
        ["code", str(source), str(out), "--strategy", "structure", "-o", "by=chapter"],
    )
    assert result.exit_code == 1
    assert "one of heading, speaker, question" in result.output
    assert not out.exists()
