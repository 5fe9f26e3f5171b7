"""The strategy through ``qualcode code`` and with the llm-echo plugin (llm's own test model)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from qualcode_llm import LlmStrategy
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.model import Code, Coder, Coding, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner


def small_project() -> Project:
    project = Project()
    text = "I felt alone after the move.\nThe group helped me."
    project.add_document(Document(id="d1", name="one", text=text))
    project.add_code(Code(id="c1", name="Isolation", definition="feeling alone"))
    project.add_coder(Coder(id="h1", name="Ana"))
    project.add_coding(Coding("k1", "d1", "c1", 0, 12, "h1"))
    return project


def test_code_command_runs_the_llm_strategy(calls: Any, tmp_path: Path) -> None:
    calls.script = lambda unit: (
        '{"codings": [{"code": "Isolation", "quote": "felt alone", "rationale": "alone"}]}'
        if "alone" in unit
        else '{"codings": [{"code": "Isolation", "quote": "I was lonely", "rationale": "x"}]}'
    )
    source, out = tmp_path / "in.qdpx", tmp_path / "out.qdpx"
    qualcode.save(small_project(), source)
    args = ["code", str(source), str(out), "--strategy", "llm", "-o", "model=fake-coder"]
    args += ["-o", f"cache_dir={tmp_path / 'cache'}"]
    result = CliRunner().invoke(make_app(), args)
    assert result.exit_code == 0, result.output
    assert "1 quotes of fake-coder are not in the text" in result.output
    coded = qualcode.load(out)
    machine = [c for c in coded.codings if coded.coders[c.coder_id or ""].machine]
    assert [coded.documents[c.document_id].text[c.start : c.end] for c in machine] == ["felt alone"]
    assert any(m.text == "alone" and m.target_ids == (machine[0].id,) for m in coded.memos)


def test_code_command_unknown_model_exits_1(calls: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.qdpx"
    qualcode.save(small_project(), source)
    args = ["code", str(source), str(tmp_path / "o.qdpx"), "--strategy", "llm"]
    result = CliRunner().invoke(
        make_app(), [*args, "-o", "model=nope", "-o", f"cache_dir={tmp_path}"]
    )
    assert result.exit_code == 1
    assert "no language model named 'nope'" in result.output


@pytest.mark.skipif(importlib.util.find_spec("llm_echo") is None, reason="llm-echo not installed")
def test_with_llm_echo_the_fallback_reads_an_answer_of_another_shape(tmp_path: Path) -> None:
    # echo has no structured output and answers with the prompt itself, as JSON without
    # "codings": the strategy asks it in text, reads nothing codable, and says so
    result = LlmStrategy(notify=lambda _: None).run(
        small_project(), SerialRunner(), model="echo", cache_dir=str(tmp_path)
    )
    assert result.codings == []
    assert any("no structured output" in w for w in result.warnings)
    assert any("2 answers of echo held no readable codings" in w for w in result.warnings)
