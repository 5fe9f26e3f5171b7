"""When the ``structure`` strategy finds nothing, its result says why and what to try."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.errors import OptionError
from qualcode.model import Document, Paragraph
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.keywords import KeywordsStrategy
from qualcode.strategies.structure import StructureStrategy

INTERVIEW = "Interviewer: How did you start?\nPN1: As a client of the service.\n"
UNLABELLED = "I> How did you start?\nR1> As a client of the service.\n"


def project_of(**texts: str) -> Project:
    project = Project()
    for name, text in texts.items():
        project.add_document(Document(id=f"doc-{name}", name=name, text=text))
    return project


def run(project: Project, **options: object) -> StrategyResult:
    return StructureStrategy().run(project, SerialRunner(), **options)


def test_no_speaker_turns_says_why_and_what_to_try() -> None:
    project = project_of(R1=UNLABELLED)

    result = run(project, by="speaker")

    assert result.codings == []
    (hint,) = result.hints
    assert hint.startswith("no speaker turns found in the document")
    assert "the first line of R1 reads 'I> How did you start?'" in hint
    assert "'Name  0:03' (Otter.ai, Microsoft Teams)" in hint
    assert "speaker_pattern" in hint
    # and the option it names works
    found = run(project, by="speaker", speaker_pattern=r"^(?P<speaker>[A-Z]+\d*)> ", label="no")
    assert [project.quote(c) for c in found.codings] == [
        "How did you start?",
        "As a client of the service.",
    ]
    assert found.hints == []


def test_some_documents_without_turns_are_named() -> None:
    project = project_of(PN1=INTERVIEW, PN2=UNLABELLED, PN3=UNLABELLED)

    result = run(project, by="speaker")

    assert len(result.codings) == 2
    (hint,) = result.hints
    assert hint.startswith("no speaker turns found in 2 of 3 documents: PN2, PN3 (")


def test_speakers_and_roles_that_match_nobody() -> None:
    project = project_of(PN1=INTERVIEW)

    (hint,) = run(project, by="speaker", speakers="ZZ*").hints
    assert hint == "no speaker matches speakers=ZZ*; speakers found: Interviewer, PN1"

    (hint,) = run(project, by="speaker", roles="R*=respondent").hints
    assert hint.startswith("no speaker has a role in roles (R*=respondent); speakers found:")


def test_headings_missing_or_empty() -> None:
    (hint,) = run(project_of(notes="We met at the gate.\nIt rained.\n")).hints
    assert hint.startswith("no headings found in the document: a heading is a paragraph in one")
    assert "by=speaker" in hint

    text = "Part 1\nPart 2"
    project = Project()
    project.add_document(
        Document(
            id="d",
            name="d",
            text=text,
            paragraphs=(Paragraph(0, 6, heading_level=1), Paragraph(7, 13, heading_level=1)),
        )
    )
    (hint,) = run(project).hints
    assert hint.startswith("the headings found have no text under them")


def test_question_mode_without_turns_explains_labels_not_interviewers() -> None:
    result = run(project_of(R1=UNLABELLED), by="question", guide=["How did you start?"])

    assert result.codings == []
    assert result.warnings == []  # not "no speaker matches the interviewers; speakers found: none"
    (hint,) = result.hints
    assert hint.startswith("no speaker turns found in the document")


def test_a_second_run_says_everything_is_there_already() -> None:
    project = project_of(PN1=INTERVIEW)
    run(project, by="speaker").apply_to(project)

    again = run(project, by="speaker")

    assert again.codings == []
    (hint,) = again.hints
    assert hint.startswith("every coding found is in the project already")


def test_a_run_that_finds_something_everywhere_has_no_hint() -> None:
    assert run(project_of(PN1=INTERVIEW, PN2=INTERVIEW), by="speaker").hints == []


def test_bad_speaker_patterns_are_option_errors() -> None:
    project = project_of(PN1=INTERVIEW)
    with pytest.raises(OptionError, match="not a valid regular expression"):
        run(project, by="speaker", speaker_pattern="^(")
    with pytest.raises(OptionError, match="no group named 'speaker'"):
        run(project, by="speaker", speaker_pattern=r"^\w+: ")


def test_keywords_that_match_nothing_say_what_to_check() -> None:
    project = project_of(PN1=INTERVIEW)
    project.add_code(qualcode.Code(id="c", name="Cost", examples=("price*",)))

    result = KeywordsStrategy().run(project, SerialRunner())

    assert result.codings == []
    (hint,) = result.hints
    assert hint.startswith("no term of the 1 rule(s) matched in the document")


def test_the_code_command_prints_the_hint_after_zero_codings(tmp_path: Path) -> None:
    source = tmp_path / "otter-as-typed.qualcode.json"
    qualcode.save(project_of(R1=UNLABELLED), source)
    out = tmp_path / "out.qualcode.json"

    result = CliRunner().invoke(
        make_app(), ["code", str(source), str(out), "--strategy", "structure", "-o", "by=speaker"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "structure: 0 codings in 0 documents by qualcode structure 1.0" in lines
    (hint,) = [line for line in lines if line.startswith("structure: hint: ")]
    assert hint.startswith("structure: hint: no speaker turns found in the document")
    assert "speaker_pattern" in hint
