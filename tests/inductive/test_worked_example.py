"""docs/strategies/inductive.md's worked example holds: its commands run, and what it says they
suggest is what they suggest."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.plugins import default_plugins
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "strategies" / "inductive.md"
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def commands() -> list[list[str]]:
    """The ``qualcode`` commands of the page's console blocks (continued lines joined)."""
    found = []
    for block in CONSOLE.findall(PAGE.read_text(encoding="utf-8")):
        for command in block.replace("\\\n", " ").splitlines():
            if command.startswith("$ qualcode "):
                found.append(shlex.split(command[len("$ qualcode ") :]))
    return found


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's output folder (``make demo``) with the page's commands run in it."""
    folder = tmp_path_factory.mktemp("out")
    completed = subprocess.run(
        [sys.executable, str(REPO / "examples" / "demo.py"), "--out", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for command in commands():
        arguments = [str(folder / a[len("out/") :]) if a.startswith("out/") else a for a in command]
        if arguments[0] == "import":  # the page's shell expands the file patterns
            arguments = [
                "import",
                *(str(p) for a in arguments[1:-2] for p in sorted(REPO.glob(a))),
                *arguments[-2:],
            ]
        result = CliRunner().invoke(make_app(), arguments)
        assert result.exit_code == 0, (command, result.output)
    return folder


def suggestions(project: Project, branch: str) -> dict[str, set[str]]:
    """The candidate names under each code of ``branch`` of the suggestions."""
    found: dict[str, set[str]] = {}
    for code in project.codes:
        path = project.code_path(code.id)
        if len(path) == 3 and path[0] == "Inductive suggestions" and path[1].startswith(branch):
            found.setdefault(path[1], set()).add(path[2])
    return found


def test_the_page_has_the_commands_this_test_runs() -> None:
    names = [command[0] for command in commands()]
    assert names == ["code", "code", "import", "code"]


def test_the_demo_suggestions_are_those_the_page_names(out: Path) -> None:
    project = qualcode.load(out / "peer-workers.qualcode.json")
    terms = suggestions(project, "Distinctive for")
    assert terms == {
        "Distinctive for case PN2": {"senior", "van"},
        "Distinctive for case PN3": {"resident", "residents", "rota"},
    }
    groups = sorted(c.name for c in project.codes if c.name.startswith("Group "))
    assert len(groups) == 5
    assert {"Group 2: days, week, induction", "Group 5: experience, lived, paid"} <= set(groups)
    per_code = Counter(c.code_id for c in project.codings)
    sizes = sorted(per_code[c.id] for c in project.codes if c.name.startswith("Group "))
    assert sizes == [3, 5, 5, 5, 5]
    inductive = default_plugins().strategies.get("inductive")()
    inductive.run(project, SerialRunner(), speakers="PN*", keep_words="group").apply_to(project)
    assert "group" in suggestions(project, "Distinctive for")["Distinctive for case PN3"]


def test_the_waves_and_the_first_import_are_as_the_page_says(out: Path) -> None:
    over_time = suggestions(qualcode.load(out / "over-time.qualcode.json"), "Distinctive for time")
    assert over_time == {
        "Distinctive for time point 1": {"feel"},
        "Distinctive for time point 2": {"hostel", "overdose"},
        "Distinctive for time point 3": {"helps"},
    }
    project = qualcode.load(out / "peer-workers.qualcode.json")
    inductive = default_plugins().strategies.get("inductive")()
    inductive.run(
        project,
        SerialRunner(),
        speakers="PN*",
        method="keyness",
        compare="time_point",
        keep_words="want",
    ).apply_to(project)
    assert suggestions(project, "Distinctive for time")["Distinctive for time point 4"] == {"want"}
    first = qualcode.load(out / "first-suggested.qualcode.json")
    documents = suggestions(first, "Distinctive for document")
    assert "hostel" in documents["Distinctive for document PN2_T2"]
    assert "rota" in documents["Distinctive for document PN3_T1"]
    assert sum(1 for c in first.codes if c.name.startswith("Group ")) == 7
    assert len(first.codings) == 50
    text = PAGE.read_text(encoding="utf-8")
    assert "seven groups of similar\nsentences, with 50 codings in all" in text
