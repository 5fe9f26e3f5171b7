"""The ``inductive`` strategy through ``qualcode code``, as a new user runs it first."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.model import CodeStatus, Document
from qualcode.project import Project

EXAMPLE_STUDY = Path(__file__).resolve().parents[2] / "examples" / "peer-workers"
DIARIES = Path(__file__).resolve().parent / "diaries"


def save_documents(folder: Path, texts: dict[str, str]) -> Path:
    """A project of documents only, as a first import gives: no cases, no time points."""
    project = Project(name="first look")
    for name, text in texts.items():
        project.add_document(Document(id=qualcode.new_id(), name=name, text=text))
    path = folder / "first.qualcode.json"
    qualcode.save(project, path)
    return path


def code(source: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        make_app(), ["code", str(source), str(out), "--strategy", "inductive", *options]
    )
    return result.exit_code, result.output


def test_defaults_on_a_project_without_cases(tmp_path: Path) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLE_STUDY.glob("*/*.txt")}
    source = save_documents(tmp_path, texts)
    before = source.read_bytes()
    out = tmp_path / "suggested.qualcode.json"
    exit_code, output = code(source, out)
    assert exit_code == 0, output
    project = qualcode.load(out)
    candidates = [c for c in project.codes if c.status is CodeStatus.CANDIDATE]
    per_code = Counter(c.code_id for c in project.codings)
    assert any(c.name.startswith("Group ") for c in candidates)
    assert any(c.name == "Distinctive for document PN2_T2" for c in project.codes)
    assert 0 < max(per_code.values()) <= 5
    assert len(project.codings) <= 5 * len(candidates)
    assert source.read_bytes() == before


def test_one_document_gets_a_note_and_too_little_text_one_error_line(tmp_path: Path) -> None:
    english = (DIARIES / "en.txt").read_text(encoding="utf-8")
    source = save_documents(tmp_path, {"diary": english + english})
    out = tmp_path / "suggested.qualcode.json"
    exit_code, output = code(source, out)
    assert exit_code == 0, output
    assert "warning: no distinctive terms: there is only one document" in output
    short = save_documents(tmp_path, {"note": "We met. It rained."})
    exit_code, output = code(short, out)
    assert exit_code == 1
    assert [line for line in output.splitlines() if line.strip()][-1].startswith("error:")
    assert "only one document" in output and "too few sentences" in output


def test_terms_of_a_hungarian_and_an_english_diary_are_content_words(tmp_path: Path) -> None:
    texts = {
        language: (DIARIES / f"{language}.txt").read_text(encoding="utf-8")
        for language in ("en", "hu")
    }
    source = save_documents(tmp_path, texts)
    out = tmp_path / "suggested.qualcode.json"
    exit_code, output = code(source, out, "-o", "method=keyness", "-o", "min_score=3.84")
    assert exit_code == 0, output
    project = qualcode.load(out)
    terms = {
        c.name
        for c in project.codes
        if c.parent_id is not None and project.codes[c.parent_id].name.startswith("Distinctive for")
    }
    assert {"csoport", "orvos", "kezelés"} <= terms
    assert not terms & {"a", "az", "the", "and", "hogy", "volt", "nem", "de", "was"}
