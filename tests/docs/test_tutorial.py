"""The tutorial runs: its Python blocks print what they show, its commands answer as shown.

Conventions of docs/tutorial.md: the ``python`` blocks run in order in one namespace, in an empty
folder; in a block, the lines that start with ``# `` are what the block prints. In a ``console``
block, a line starting with ``$ `` is a ``qualcode`` command and the lines up to the next command
are its output (stdout and stderr, as a terminal shows them).
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import attrs
import pytest
from typer.testing import CliRunner

from qualcode.cli import make_app

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@attrs.frozen
class Block:
    language: str
    code: str
    line: int

    def label(self) -> str:
        return f"docs/tutorial.md line {self.line} ({self.language})"


def blocks() -> list[Block]:
    source = TUTORIAL.read_text(encoding="utf-8")
    return [
        Block(match.group(1), match.group(2), source.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(source)
    ]


def shown_output(code: str) -> list[str]:
    """The ``# `` comment lines of a Python block: what it prints."""
    return [line[2:] for line in code.splitlines() if line.startswith("# ")]


def commands(code: str) -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"console output before any command: {line!r}")
    return found


def run_python(block: Block, namespace: dict[str, object]) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.code, block.label(), "exec"), namespace)
    assert printed.getvalue().splitlines() == shown_output(block.code), block.label()


def run_console(block: Block) -> None:
    runner = CliRunner()
    for command, expected in commands(block.code):
        program, *arguments = shlex.split(command)
        assert program == "qualcode", f"{block.label()}: only qualcode commands can run"
        result = runner.invoke(make_app(), arguments)
        assert result.exit_code == 0, f"{block.label()}: {command}\n{result.output}"
        actual = [line.rstrip() for line in result.output.splitlines()]
        assert actual == [line.rstrip() for line in expected], f"{block.label()}: {command}"


def test_the_tutorial_has_python_and_commands() -> None:
    languages = [block.language for block in blocks()]
    assert languages.count("python") >= 8
    assert "console" in languages
    assert set(languages) <= {"python", "console"}, "every block must be one that runs"


def test_the_tutorial_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for block in blocks():
        if block.language == "python":
            run_python(block, namespace)
        else:
            run_console(block)
    assert (tmp_path / "study.qualcode.json").is_file()
