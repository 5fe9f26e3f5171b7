"""qualcode's own strategies give identical results through the serial, process and Dask runners,
and the command line reports an unreachable scheduler without writing anything."""

from __future__ import annotations

import random
import socket
from pathlib import Path
from typing import Any

import pytest
from qualcode_dask import DaskRunner
from qualcode_dask.runner import TIMEOUT_VARIABLE

from qualcode.model import Code, Document, DocumentKind
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.project import Project
from qualcode.strategies.base import Runner, SerialRunner, StrategyResult
from qualcode.strategies.runners import ProcessPoolRunner

CODES = {
    "Trust": ["trust*", "rely on", "believ*"],
    "Training": ["train*", "induction", "course?"],
    "Stigma": ["judg*", "stigma", "wary"],
}

PHRASES = (
    "I trust the team now",
    "nobody would rely on us at first",
    "the induction was two days of policies",
    "they sent me on a training course",
    "the nurses were wary of me",
    "people judge you for your past",
    "the stigma never really goes away",
    "we talked about naloxone and safer use",
    "some days are hard in recovery",
    "我们 信任 团队",
    "الثقة بالفريق مهمة",
)
QUESTIONS = (
    "How did you come into the role?",
    "What was the preparation like?",
    "How did the team treat you?",
    "What would you change?",
)


def make_project(documents: int, seed: int = 17) -> Project:
    """Interview transcripts with speaker labels, built from a fixed seed, and a codebook."""
    chooser = random.Random(seed)
    project = Project(name="runner study")
    for index, name in enumerate(CODES):
        project.add_code(Code(id=f"00000000-0000-4000-8000-{index:012d}", name=name))
    for number in range(documents):
        participant = f"PN{number % 7 + 1}"
        lines = []
        for question in chooser.sample(QUESTIONS, k=len(QUESTIONS)):
            lines.append(f"Interviewer: {question}")
            answer = ". ".join(chooser.choices(PHRASES, k=chooser.randint(2, 6)))
            lines.append(f"{participant}: {answer.capitalize()}.")
        project.add_document(
            Document(
                id=f"10000000-0000-4000-8000-{number:012d}",
                name=f"{participant}_interview_{number}",
                text="\n".join(lines) + "\n",
                kind=DocumentKind.INTERVIEW,
                time_point=number % 3 + 1,
            )
        )
    return project


def write_rules(folder: Path) -> Path:
    rules = folder / "rules.toml"
    lines = ['[settings]\nunit = "sentence"\n']
    for code, terms in CODES.items():
        quoted = ", ".join(f'"{term}"' for term in terms)
        lines.append(f'[[rule]]\ncode = "{code}"\nterms = [{quoted}]\n')
    rules.write_text("\n".join(lines), encoding="utf-8")
    return rules


def run_strategy(name: str, runner: Runner, project: Project, **options: Any) -> StrategyResult:
    strategy = Plugins(get_plugin_manager(load_entrypoints=False)).strategies.get(name)
    try:
        return strategy().run(project, runner, **options)
    finally:
        runner.close()


def same_result(first: StrategyResult, second: StrategyResult) -> bool:
    return (first.coder, first.codes, first.codings) == (second.coder, second.codes, second.codings)


def strategy_cases(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("keywords", {"rules": write_rules(folder)}),
        ("structure", {"by": "speaker"}),
        ("inductive", {"method": "both", "compare": "time_point", "code_all": True}),
    ]


@pytest.mark.parametrize("strategy", ["keywords", "structure", "inductive"])
def test_strategy_gives_identical_results_through_every_runner(
    strategy: str, scheduler_address: str, tmp_path: Path
) -> None:
    options = dict(strategy_cases(tmp_path))[strategy]
    project = make_project(80)
    known = Plugins(get_plugin_manager(load_entrypoints=False)).strategies
    if strategy not in known:
        pytest.skip(f"the {strategy} strategy is not installed")

    serial = run_strategy(strategy, SerialRunner(), project, **options)
    processes = run_strategy(strategy, ProcessPoolRunner(jobs=2), project, **options)
    dask = run_strategy(strategy, DaskRunner(scheduler=scheduler_address), project, **options)

    assert same_result(dask, serial)
    assert same_result(processes, serial)
    assert project.codings.ids() == []  # running a strategy changes nothing
    assert len(serial.codings) > len(project.documents)
    if strategy == "inductive":
        assert serial.codes  # suggestions were made, so their order was compared too
    else:
        assert {coding.document_id for coding in serial.codings} == set(project.documents.ids())


def test_keywords_hits_are_the_rule_terms(scheduler_address: str, tmp_path: Path) -> None:
    project = make_project(30, seed=4)
    result = run_strategy(
        "keywords",
        DaskRunner(scheduler=scheduler_address),
        project,
        rules=write_rules(tmp_path),
    )
    names = {code.id: code.name for code in project.codes}
    assert {names[coding.code_id] for coding in result.codings} == set(CODES)
    for coding in result.codings[:200]:
        quote = project.documents[coding.document_id].text[coding.start : coding.end].lower()
        stems = [term.rstrip("*?").lower() for term in CODES[names[coding.code_id]]]
        assert any(stem in quote for stem in stems)


# -- the command line ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def cli() -> tuple[Any, Any]:
    """Typer's test runner and the ``qualcode`` app with every installed command."""
    from typer.testing import CliRunner

    from qualcode.cli import make_app

    app = make_app()
    if "code" not in {
        command.name or command.callback.__name__ for command in app.registered_commands
    }:
        pytest.skip("the code command is not installed")
    return CliRunner(), app


def save_project(project: Project, path: Path) -> None:
    from qualcode.api import save

    save(project, path)


def test_cli_codes_with_dask_like_serial(scheduler_address: str, tmp_path: Path) -> None:
    runner, app = cli()
    source = tmp_path / "study.qualcode.json"
    save_project(make_project(20), source)
    rules = write_rules(tmp_path)
    outputs = {}
    for name, extra in (
        ("serial", ["--runner", "serial"]),
        ("dask", ["--runner", "dask", "--scheduler", scheduler_address]),
    ):
        out = tmp_path / f"{name}.qualcode.json"
        result = runner.invoke(
            app,
            [
                "code",
                str(source),
                str(out),
                "--strategy",
                "keywords",
                "--rules",
                str(rules),
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
        outputs[name] = out.read_text(encoding="utf-8")

    assert outputs["dask"] == outputs["serial"]
    assert '"keywords"' in outputs["serial"]


def test_cli_unreachable_scheduler_is_one_clear_line_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TIMEOUT_VARIABLE, "1.5")
    runner, app = cli()
    source = tmp_path / "study.qualcode.json"
    save_project(make_project(3), source)
    before = source.read_bytes()
    out = tmp_path / "coded.qualcode.json"
    address = f"tcp://127.0.0.1:{free_port()}"

    result = runner.invoke(
        app,
        ["code", str(source), str(out), "--strategy", "structure", "--scheduler", address],
    )

    assert result.exit_code == 1
    assert f"cannot reach the Dask scheduler at {address} within 1.5 s" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.qualcode.json"]
    assert source.read_bytes() == before
