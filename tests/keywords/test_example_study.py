"""The example study's rules file against its codebook and transcripts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qualcode.model import Code, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.keywords import KeywordsStrategy, load_rules
from qualcode.text import speaker_turns

STUDY = Path(__file__).resolve().parents[2] / "examples" / "peer-workers"


@pytest.fixture
def study() -> Project:
    if not (STUDY / "rules.toml").is_file() or not (STUDY / "codebook.toml").is_file():
        pytest.skip("the example study is not present")
    project = Project(name="peer workers")
    codebook = tomllib.loads((STUDY / "codebook.toml").read_text(encoding="utf-8"))
    for number, entry in enumerate(codebook["code"]):
        project.add_code(Code(id=f"code-{number}", name=entry["name"]))
    for path in sorted((STUDY / "interviews").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        project.add_document(Document(id=path.stem, name=path.stem, text=text))
    return project


def test_every_rule_names_a_code_of_the_codebook(study: Project) -> None:
    rule_set = load_rules(STUDY / "rules.toml")
    names = {code.name for code in study.codes}
    assert {rule.label for rule in rule_set.rules} == names


def test_the_rules_code_only_the_peer_workers_answers(study: Project) -> None:
    result = KeywordsStrategy().run(study, SerialRunner(), rules=STUDY / "rules.toml")
    assert {c.code_id for c in result.codings} == set(study.codes.ids())
    for coding in result.codings:
        text = study.documents[coding.document_id].text
        turn = next(t for _, _, t in speaker_turns(text) if t.start <= coding.start < t.end)
        assert text[turn.start : turn.start + 2] == "PN"
