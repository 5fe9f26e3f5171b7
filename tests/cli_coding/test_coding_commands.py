"""``qualcode code`` and ``qualcode strategies`` through Typer's CliRunner."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode.cli import make_app
from qualcode.cli.coding_commands import ProgressRunner, choose_runner
from qualcode.model import Code, Coder, Coding, Document, ProvenanceMethod
from qualcode.plugins import default_plugins
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.runners import ProcessPoolRunner

cli = CliRunner()

TEXT = """\
Interviewer: Was there any training before you started?
PN1: Yes, an induction course. The team culture helped me.
Interviewer: And harm reduction?
PN1: I advocate for harm reduction every day.
"""

RULES = """\
[[rule]]
code = "Training and preparation"
terms = ["train*", "induction course"]

[[rule]]
code = "Organisational culture"
terms = ["culture"]

[[rule]]
code = "Advocating harm reduction"
terms = ["harm reduction"]
"""


def run(*args: str) -> Result:
    return cli.invoke(make_app(), list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_project(documents: int = 1) -> Project:
    project = Project(name="peer workers")
    for number, name in enumerate(
        ["Training and preparation", "Organisational culture", "Advocating harm reduction"], 1
    ):
        project.add_code(Code(id=f"code-{number}", name=name))
    for number in range(1, documents + 1):
        text = TEXT.replace("PN1", f"PN{number}")
        project.add_document(Document(id=f"doc-{number}", name=f"PN{number} T1", text=text))
    person = project.add_coder(Coder(id="person", name="A. Person"))
    project.add_coding(
        Coding(id="h1", document_id="doc-1", code_id="code-2", start=0, end=11, coder_id=person.id)
    )
    return project


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    """A project file and a rules file."""
    project_path = tmp_path / "study.qualcode.json"
    qualcode.save(build_project(), project_path)
    rules_path = tmp_path / "rules.toml"
    rules_path.write_text(RULES, encoding="utf-8")
    return project_path, rules_path


def test_code_writes_the_project_with_machine_codings(study: tuple[Path, Path], tmp_path: Path):
    source, rules = study
    before = digest(source)
    out = tmp_path / "coded.qualcode.json"
    result = run("code", str(source), str(out), "--strategy", "keywords", "--rules", str(rules))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # messages go to stderr
    assert "keywords: 5 codings in 1 document by qualcode keywords" in result.stderr
    assert digest(source) == before  # the input is never modified
    coded = qualcode.load(out)
    machine = [c for c in coded.codings if c.coder_id != "person"]
    quotes = [(coded.codes[c.code_id].name, coded.quote(c)) for c in machine]
    assert quotes == [
        ("Training and preparation", "Interviewer: Was there any training before you started?"),
        ("Training and preparation", "PN1: Yes, an induction course."),
        ("Organisational culture", "The team culture helped me."),
        ("Advocating harm reduction", "Interviewer: And harm reduction?"),
        ("Advocating harm reduction", "PN1: I advocate for harm reduction every day."),
    ]
    assert all(c.provenance.method is ProvenanceMethod.RULE for c in machine)
    assert coded.codings["h1"] == build_project().codings["h1"]  # the human coding is kept


def test_code_options_unit_speaker_and_option(study: tuple[Path, Path], tmp_path: Path) -> None:
    source, rules = study
    out = tmp_path / "coded.qualcode.json"
    result = run(
        "code", str(source), str(out), "-s", "keywords", "--rules", str(rules),
        "--unit", "hit", "--speaker", "PN*", "--option", "case_sensitive=true", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    coded = qualcode.load(out)
    quotes = [coded.quote(c) for c in coded.codings if c.coder_id != "person"]
    assert quotes == ["induction course", "culture", "harm reduction"]


def test_a_speaker_that_matches_nobody_is_reported(study: tuple[Path, Path], tmp_path: Path):
    source, rules = study
    out = tmp_path / "coded.qualcode.json"
    result = run(
        "code", str(source), str(out), "-s", "keywords", "--rules", str(rules),
        "--speaker", "ZZ*", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "keywords: warning: no speaker matches 'ZZ*' (speakers found: " in result.stderr


def test_code_with_processes_gives_the_same_file(study: tuple[Path, Path], tmp_path: Path) -> None:
    source = tmp_path / "many.qualcode.json"
    qualcode.save(build_project(documents=12), source)
    _, rules = study
    outputs = []
    for extra in ([], ["--jobs", "2"], ["--runner", "processes", "--jobs", "2"]):
        out = tmp_path / f"out{len(outputs)}.qualcode.json"
        args = ["code", str(source), str(out), "-s", "keywords", "--rules", str(rules), "-q"]
        result = run(*args, *extra)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(qualcode.load(tmp_path / "out0.qualcode.json").codings) == 1 + 12 * 5


def test_code_with_the_codebook_when_no_rules_are_given(tmp_path: Path) -> None:
    project = build_project()
    project.add_code(Code(id="code-9", name="Advocacy", examples=["advocate"]))
    source = tmp_path / "study.qualcode.json"
    qualcode.save(project, source)
    out = tmp_path / "coded.qualcode.json"
    result = run("code", str(source), str(out), "--strategy", "keywords", "--unit", "hit")
    assert result.exit_code == 0, result.output
    coded = qualcode.load(out)
    assert [coded.quote(c) for c in coded.codings if c.code_id == "code-9"] == ["advocate"]


@pytest.mark.parametrize(
    ("rules_text", "message"),
    [
        ('[[rule]]\ncode = "Training and preparation"\nterms = ["a"\n', "rules.toml:3"),
        ('[[rule]]\ncode = "Training and preparation"\nterms = ["a"]]\n', "rules.toml:3"),
        ('[[rule]]\ncode = "Nowhere"\nterms = ["a"]\n', "no code 'Nowhere'"),
        ('[[rule]]\ncode = "Organisational culture"\nregex = ["(a"]\n', "does not compile"),
    ],
)
def test_bad_rules_exit_1_and_write_nothing(
    study: tuple[Path, Path], tmp_path: Path, rules_text: str, message: str
) -> None:
    source, rules = study
    rules.write_text(rules_text, encoding="utf-8")
    out = tmp_path / "coded.qualcode.json"
    result = run("code", str(source), str(out), "-s", "keywords", "--rules", str(rules))
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert not out.exists()
    assert list(tmp_path.glob(".coded*")) == []


def test_an_empty_corpus_exits_1(tmp_path: Path, study: tuple[Path, Path]) -> None:
    _, rules = study
    project = build_project()
    project.remove("doc-1")
    source = tmp_path / "empty.qualcode.json"
    qualcode.save(project, source)
    out = tmp_path / "coded.qualcode.json"
    result = run("code", str(source), str(out), "-s", "keywords", "--rules", str(rules))
    assert result.exit_code == 1
    assert "no documents with text" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "nonesuch"], "unknown strategy 'nonesuch'; known strategies: "),
        (["-s", "keywords", "--unit", "chapter", "--rules", "RULES"], "option 'unit': 'chapter'"),
        (["-s", "keywords", "--option", "colour=red"], "no option 'colour'"),
        (["-s", "keywords", "--runner", "nonesuch"], "unknown runner 'nonesuch'"),
        (
            [
                "-s",
                "keywords",
                "--rules",
                "RULES",
                "--runner",
                "serial",
                "--scheduler",
                "tcp://h:1",
            ],
            "the serial runner does not use one",
        ),
        (["-s", "keywords", "--rules", "absent.toml"], "absent.toml"),
        (["-s", "keywords", "--within", "Nope", "--rules", "RULES"], "no code 'Nope'"),
    ],
)
def test_bad_options_exit_1(
    study: tuple[Path, Path], tmp_path: Path, args: list[str], message: str
):
    source, rules = study
    out = tmp_path / "coded.qualcode.json"
    args = [str(rules) if arg == "RULES" else arg for arg in args]
    result = run("code", str(source), str(out), *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert not out.exists()


def test_an_option_the_strategy_does_not_have_is_refused(study: tuple[Path, Path], tmp_path: Path):
    source, rules = study
    names = default_plugins().strategies.names()
    others = [name for name in names if name != "keywords"]
    if not others:
        pytest.skip("only the keywords strategy is installed")
    out = tmp_path / "coded.qualcode.json"
    result = run("code", str(source), str(out), "-s", others[0], "--rules", str(rules))
    assert result.exit_code == 1
    assert f"strategy {others[0]!r} has no option 'rules'" in result.stderr


def test_writing_over_the_input_is_refused(study: tuple[Path, Path]) -> None:
    source, rules = study
    before = digest(source)
    result = run("code", str(source), str(source), "-s", "keywords", "--rules", str(rules))
    assert result.exit_code == 1
    assert "replace the input" in result.stderr
    assert digest(source) == before


def test_a_missing_strategy_option_is_a_usage_error(study: tuple[Path, Path], tmp_path: Path):
    source, _ = study
    result = run("code", str(source), str(tmp_path / "x.qualcode.json"))
    assert result.exit_code == 2


def test_strategies_lists_strategies_options_and_runners() -> None:
    result = run("strategies")
    assert result.exit_code == 0, result.output
    assert "keywords 1.0: deductive coding" in result.stdout
    assert "      rules: a TOML rules file" in result.stdout
    for name in default_plugins().runners.names():
        assert f"  {name}: " in result.stdout


def test_strategies_as_json() -> None:
    result = run("strategies", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    plugins = default_plugins()
    assert [s["name"] for s in found["strategies"]] == plugins.strategies.names()
    assert [r["name"] for r in found["runners"]] == plugins.runners.names()
    keywords = next(s for s in found["strategies"] if s["name"] == "keywords")
    names = {option["name"] for option in keywords["options"]}
    assert names >= {"rules", "unit", "within", "speakers", "window"}


def test_the_coding_commands_have_help_for_every_option() -> None:
    for command in ("code", "strategies"):
        result = run(command, "--help")
        assert result.exit_code == 0
    text = run("code", "--help").stdout
    for option in ("--strategy", "--rules", "--unit", "--within", "--speaker", "--jobs",
                   "--runner", "--scheduler", "--option", "--quiet"):  # fmt: skip
        assert option in text


def test_choose_runner() -> None:
    assert choose_runner(None, None, None) == "serial"
    assert choose_runner(None, 1, None) == "serial"
    assert choose_runner(None, 4, None) == "processes"
    assert choose_runner(None, None, "tcp://host:8786") == "dask"
    assert choose_runner("serial", 4, None) == "serial"


def test_the_progress_runner_keeps_results_and_order() -> None:
    seen: list[tuple[int, int]] = []
    progress = ProgressRunner(SerialRunner(), lambda done, total: seen.append((done, total)))
    tasks = list(range(45))
    assert progress.map(abs, [-t for t in tasks]) == tasks
    assert seen[0] == (0, 45)
    assert seen[-1] == (45, 45)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert progress.map(abs, []) == []


def _dask_runner_installed() -> bool:
    return "dask" in default_plugins().runners


@pytest.mark.slow
def test_code_on_a_local_dask_cluster_gives_the_same_file(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    if not _dask_runner_installed():
        pytest.skip("the dask runner plugin is not installed")
    source = tmp_path / "many.qualcode.json"
    qualcode.save(build_project(documents=6), source)
    _, rules = study
    outputs = []
    for extra in ([], ["--runner", "dask", "--jobs", "2"]):
        out = tmp_path / f"out{len(outputs)}.qualcode.json"
        args = ["code", str(source), str(out), "-s", "keywords", "--rules", str(rules), "-q"]
        result = run(*args, *extra)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_an_unreachable_scheduler_exits_1_and_writes_nothing(
    study: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _dask_runner_installed():
        pytest.skip("the dask runner plugin is not installed")
    monkeypatch.setenv("QUALCODE_DASK_CONNECT_TIMEOUT", "1")
    source, rules = study
    out = tmp_path / "coded.qualcode.json"
    result = run(
        "code", str(source), str(out), "-s", "keywords", "--rules", str(rules),
        "--scheduler", "tcp://127.0.0.1:9",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "tcp://127.0.0.1:9" in result.stderr
    assert not out.exists()


def test_a_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from qualcode.cli.common import progress_bar as _progress

    with _progress(False, "coding") as advance:
        assert advance is None  # stderr is not a terminal under the test runner
    with _progress(True, "coding") as advance:
        assert advance is None
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    with _progress(False, "coding") as advance:
        assert advance is not None
        advance(0, 3)
        advance(3, 3)


def test_the_progress_bar_runs_no_thread_so_workers_can_be_forked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from rich.console import Console

    from qualcode.cli.common import progress_bar as _progress

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    before = threading.active_count()
    with _progress(False, "coding") as advance:
        assert advance is not None
        advance(1, 3)
        assert threading.active_count() == before
        done = ProgressRunner(ProcessPoolRunner(jobs=2), lambda d, t: advance(d, t)).map(
            abs, [-n for n in range(40)]
        )
    assert done == list(range(40))
