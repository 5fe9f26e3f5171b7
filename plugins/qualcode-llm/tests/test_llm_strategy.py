"""The ``llm`` strategy end to end through llm's own model path, with scripted fake models."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from qualcode_llm import LlmStrategy
from qualcode_llm.prompts import template_digest

from qualcode.errors import EmptyCorpusError, OptionError, OutputError, QualcodeError
from qualcode.model import Code, Coder, Coding, Document, ProvenanceMethod
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, is_deterministic
from qualcode.strategies.runners import ProcessPoolRunner

TEXT = (
    "PN1: I felt completely alone after the move – nobody called.\n"
    "PN1: The “support group” helped me find work again.\n"
    "PN1: We talked about the weather. It rained."
)


def make_project() -> Project:
    project = Project()
    project.add_document(Document(id="d1", name="interview 1", text=TEXT))
    project.add_code(Code(id="c1", name="Isolation", definition="being or feeling alone"))
    project.add_code(
        Code(id="c2", name="Support", definition="help from others", exclusion="money")
    )
    project.add_code(Code(id="c3", name="Weather"))
    project.add_coder(Coder(id="h1", name="Ana"))
    isolation = TEXT.index("I felt completely alone after the move")
    support = TEXT.index("The “support group” helped me")
    project.add_coding(
        Coding(
            "k1",
            "d1",
            "c1",
            isolation,
            isolation + len("I felt completely alone after the move"),
            "h1",
        )
    )
    project.add_coding(
        Coding("k2", "d1", "c2", support, support + len("The “support group” helped me"), "h1")
    )
    return project


def answer(*codings: tuple[str, str, str]) -> str:
    return json.dumps({"codings": [{"code": c, "quote": q, "rationale": r} for c, q, r in codings]})


def good_script(unit: str) -> str:
    if "alone" in unit:
        # retyped: a hyphen for the en dash, and no "PN1:" label
        return answer(("Isolation", "alone after the move - nobody called", "feels alone"))
    if "support" in unit:
        # retyped: straight quotes for curly ones
        return answer(("Support", 'The "support group" helped me', "help from a group"))
    return answer()


def run(project: Project, cache_dir: Path, notes: list[str] | None = None, **options: Any) -> Any:
    strategy = LlmStrategy(notify=(notes.append if notes is not None else lambda _: None))
    options.setdefault("model", "fake-coder")
    options.setdefault("retry_wait", 0)
    return strategy.run(project, SerialRunner(), cache_dir=str(cache_dir), **options)


def test_codes_units_with_anchored_quotes_provenance_and_rationale(
    calls: Any, tmp_path: Path
) -> None:
    calls.script = good_script
    project = make_project()
    result = run(project, tmp_path)
    quotes = {(project.codes[c.code_id].name, TEXT[c.start : c.end]) for c in result.codings}
    assert quotes == {
        ("Isolation", "alone after the move – nobody called"),
        ("Support", "The “support group” helped me"),
    }
    assert len(calls.prompts) == 3  # one per paragraph
    assert calls.schemas[0] is not None and "codings" in calls.schemas[0]["properties"]
    assert calls.temperatures == [0.0, 0.0, 0.0]
    assert "Definition: help from others" in calls.systems[0]
    assert "Exclude: money" in calls.systems[0]
    coding = next(c for c in result.codings if c.code_id == "c2")
    provenance = coding.provenance
    assert provenance.method is ProvenanceMethod.MODEL
    assert provenance.name == "fake-coder"
    assert provenance.parameters["temperature"] == 0.0
    assert provenance.parameters["prompt_template_sha256"] == template_digest()
    assert len(provenance.parameters["codebook_sha256"]) == 64
    assert provenance.parameters["llm_version"]
    memo = next(m for m in result.memos if m.target_ids == (coding.id,))
    assert memo.text == "help from a group"
    assert result.coder.machine
    assert any("Weather" in w and "no definition" in w for w in result.warnings)
    result.apply_to(project)
    assert project.memos[memo.id].text == "help from a group"


def test_invented_quotes_and_unknown_codes_are_rejected_and_counted(
    calls: Any, tmp_path: Path
) -> None:
    calls.script = lambda unit: answer(
        ("Isolation", "I was so lonely in the new town", "paraphrased"),
        ("Support", unit[5:20], "real quote"),
        ("Hope", unit[5:20], "not a code"),
    )
    result = run(make_project(), tmp_path)
    assert {c.code_id for c in result.codings} == {"c2"}
    assert len(result.codings) == 3
    assert any("3 quotes" in w and "not in the text" in w for w in result.warnings)
    assert any("Hope" in w for w in result.warnings)


def test_a_rerun_asks_nothing_and_gives_identical_codings(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    first = run(make_project(), tmp_path)
    asked = len(calls.prompts)
    calls.script = lambda unit: RuntimeError("the model must not be asked again")
    second = run(make_project(), tmp_path)
    assert len(calls.prompts) == asked
    assert second.codings == first.codings
    assert second.memos == first.memos


def test_changed_options_are_not_served_from_the_cache(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    run(make_project(), tmp_path)
    run(make_project(), tmp_path, temperature=0.7)
    assert len(calls.prompts) == 6


def test_an_interrupted_run_resumes_where_it_stopped(calls: Any, tmp_path: Path) -> None:
    def fails_on_weather(unit: str) -> str | BaseException:
        return ValueError("connection reset") if "weather" in unit else good_script(unit)

    calls.script = fails_on_weather
    partial = run(make_project(), tmp_path)
    assert any("1 units got no answer" in w for w in partial.warnings)
    calls.script = good_script
    calls.prompts.clear()
    complete = run(make_project(), tmp_path)
    assert calls.prompts == ["PASSAGE\nPN1: We talked about the weather. It rained.\n"]
    assert complete.codings == partial.codings  # the weather paragraph has no codes


def test_without_cache_the_strategy_warns(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    result = run(make_project(), tmp_path / "unused", cache=False)
    assert any("cache is off" in w for w in result.warnings)
    assert not (tmp_path / "unused").exists()


def test_a_cache_folder_that_cannot_be_written_is_a_clear_error(calls: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cache folder cannot be written"):
        run(make_project(), blocker / "cache")
    assert calls.prompts == []


def test_model_without_schema_support_answers_in_text(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    result = run(make_project(), tmp_path, model="fake-text")
    assert len(result.codings) == 2
    assert calls.schemas == [None, None, None]
    assert "Answer with one JSON object" in (calls.systems[0] or "")
    assert any("no structured output" in w for w in result.warnings)


def test_malformed_answers_are_counted_not_coded(calls: Any, tmp_path: Path) -> None:
    calls.script = lambda unit: '{"codings": [{"code": "Isolation", "quote": '
    result = run(make_project(), tmp_path)
    assert result.codings == []
    assert any("3 answers" in w and "no readable codings" in w for w in result.warnings)


def test_rate_limits_and_timeouts_are_retried(calls: Any, tmp_path: Path) -> None:
    class RateLimitError(Exception):
        status_code = 429  # as hosted models' clients say it

    failures: list[BaseException] = [RateLimitError("slow down"), TimeoutError("timed out")]

    def flaky(unit: str) -> str | BaseException:
        return failures.pop() if failures else good_script(unit)

    calls.script = flaky
    result = run(make_project(), tmp_path)
    assert len(result.codings) == 2
    assert len(calls.prompts) == 5


def test_a_model_that_answers_nothing_is_an_error(calls: Any, tmp_path: Path) -> None:
    calls.script = lambda unit: PermissionError("invalid key")
    with pytest.raises(QualcodeError, match="answered none of 3 units: PermissionError"):
        run(make_project(), tmp_path)


def test_unknown_model_lists_installed_models(calls: Any, tmp_path: Path) -> None:
    with pytest.raises(OptionError) as error:
        run(make_project(), tmp_path, model="no-such-model")
    assert "fake-coder" in str(error.value)
    assert "llm install" in str(error.value)


def test_empty_codebook_is_a_clear_error(calls: Any, tmp_path: Path) -> None:
    project = Project()
    project.add_document(Document(id="d1", name="one", text=TEXT))
    with pytest.raises(OptionError, match="no codes"):
        run(project, tmp_path)


def test_a_project_without_text_is_a_clear_error(calls: Any, tmp_path: Path) -> None:
    project = Project()
    project.add_code(Code(id="c1", name="Isolation", definition="alone"))
    with pytest.raises(EmptyCorpusError):
        run(project, tmp_path)


def test_options_are_checked(calls: Any, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="unit"):
        run(make_project(), tmp_path, unit="chapter")
    with pytest.raises(OptionError, match="no option 'modle'"):
        run(make_project(), tmp_path, modle="fake")


def test_units_sentence_turn_and_window(calls: Any, tmp_path: Path) -> None:
    run(make_project(), tmp_path, unit="sentence")
    assert len(calls.prompts) == 4  # the last paragraph has two sentences
    calls.prompts.clear()
    run(make_project(), tmp_path, unit="window", window=2)
    assert len(calls.prompts) == 2
    calls.prompts.clear()
    run(make_project(), tmp_path, unit="turn")
    assert calls.prompts[0] == "PASSAGE\nI felt completely alone after the move – nobody called.\n"


def test_alias_limit_and_jobs(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    serial = run(make_project(), tmp_path / "a", model="fake")
    threaded = run(make_project(), tmp_path / "b", model="fake", jobs=3)
    assert serial.codings == threaded.codings
    limited = run(make_project(), tmp_path / "c", limit=1)
    assert [TEXT[c.start : c.end] for c in limited.codings] == [
        "alone after the move – nobody called"
    ]


def test_hosted_models_are_named_once_and_refused_when_local_only(
    calls: Any, tmp_path: Path
) -> None:
    calls.script = good_script
    with pytest.raises(OptionError, match="local_only"):
        run(make_project(), tmp_path, model="fake-cloud", local_only=True)
    assert calls.prompts == []
    notes: list[str] = []
    run(make_project(), tmp_path, notes, model="fake-cloud")
    sent = [n for n in notes if "sending" in n]
    characters = sum(len(line.strip()) for line in TEXT.split("\n"))
    assert sent == [
        f"llm: sending {characters} characters of text (3 units) to model fake-cloud at "
        "the fakecloud service"
    ]
    notes.clear()
    run(make_project(), tmp_path, notes, model="fake-cloud")  # all cached: nothing is sent
    assert not [n for n in notes if "sending" in n]
    local: list[str] = []
    run(make_project(), tmp_path, local, model="fake-coder", local_only=True)
    assert not [n for n in local if "sending" in n]


def test_nothing_is_logged_to_llms_database(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    run(make_project(), tmp_path)
    assert not (Path(os.environ["LLM_USER_PATH"]) / "logs.db").exists()


def test_sample_prints_agreement_with_the_people(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    notes: list[str] = []
    result = run(make_project(), tmp_path, notes, sample=2)
    assert len(calls.prompts) == 2
    table = next(n for n in notes if "against Ana" in n)
    lines = table.splitlines()
    assert lines[1].split() == ["code", "precision", "recall", "F1", "kappa"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    # the model's "alone after the move – nobody called" (36 characters) against Ana's
    # "I felt completely alone after the move" (38): "alone after the move" (20) in common
    assert rows["Isolation"][:3] == [f"{20 / 36:.2f}", f"{20 / 38:.2f}", f"{2 * 20 / 74:.2f}"]
    assert rows["Support"] == ["1.00", "1.00", "1.00", "1.00"]  # kappa too: the same span
    assert -1 <= float(rows["Isolation"][3]) < 1
    assert {c.code_id for c in result.codings} == {"c1", "c2"}
    # the whole run then asks only for the unit the sample left out
    calls.prompts.clear()
    run(make_project(), tmp_path)
    assert calls.prompts == ["PASSAGE\nPN1: We talked about the weather. It rained.\n"]


def test_the_strategy_declares_itself_not_deterministic() -> None:
    assert LlmStrategy.deterministic is False
    assert set(LlmStrategy.options) >= {"model", "unit", "cache", "cache_dir", "local_only"}


def test_process_pool_runs_nondeterministic_work_once_in_this_process() -> None:
    from qualcode.strategies.base import nondeterministic

    def where(task: int) -> int:
        return os.getpid()

    runner = ProcessPoolRunner(jobs=2)
    marked = nondeterministic(lambda task: os.getpid())
    assert not is_deterministic(marked) and is_deterministic(where)
    assert set(runner.map(marked, list(range(8)))) == {os.getpid()}
    runner.close()


def test_a_lasting_rate_limit_is_retried_then_given_up(calls: Any, tmp_path: Path) -> None:
    calls.script = lambda unit: (
        TimeoutError("timed out") if "weather" in unit else good_script(unit)
    )
    result = run(make_project(), tmp_path, retries=2)
    weather = [p for p in calls.prompts if "weather" in p]
    assert len(weather) == 3  # the first try and two retries
    assert any(
        "1 units got no answer (ModelFailure" in w or "1 units got no answer" in w
        for w in result.warnings
    )
    assert len(result.codings) == 2


def test_an_answer_cut_short_by_a_crash_is_asked_again(calls: Any, tmp_path: Path) -> None:
    calls.script = good_script
    first = run(make_project(), tmp_path)
    log = tmp_path / "answers.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 3
    log.write_text("".join(lines[:2]) + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    calls.prompts.clear()
    again = run(make_project(), tmp_path)
    assert len(calls.prompts) == 1
    assert again.codings == first.codings
    calls.prompts.clear()
    assert run(make_project(), tmp_path).codings == first.codings  # the new answer was kept
    assert calls.prompts == []
