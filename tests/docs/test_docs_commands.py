"""Every ``qualcode`` command printed in the docs runs, in a folder holding the example study.

The commands are taken from the shell blocks (``sh``, ``bash``, ``shell``, ``console``) of
README.md, docs/**/*.md and the example study's README: in a ``console`` block the lines that
start with ``$ `` (the lines after one are its output, which must appear in what it prints), in
the others every line; a line ending with ``\\`` continues on the next. Those whose program is
``qualcode`` (or ``.venv/bin/qualcode``) run through Typer's CliRunner, the commands of a block
in order, each block in its own copy of a folder prepared once: the example study built by
examples/demo.py in ``out/`` (as ``make demo`` leaves it), the study's files under
``examples/peer-workers/``, and the files a reader of each page would have (a Word file, a
project exported from NVivo, the guide and survey the pages print). Each must exit with code 0
(or the code listed in :data:`EXPECTED_EXIT`) and write the file it names as its output.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
import typer
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.plugins import default_plugins

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "examples" / "peer-workers"
SHARED = REPO.parent / "shared"
PAGES = [
    REPO / "README.md",
    *sorted((REPO / "docs").rglob("*.md")),
    REPO / "examples" / "peer-workers" / "README.md",
]
SHELLS = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PROGRAMS = {"qualcode", ".venv/bin/qualcode"}

CANNOT_RUN: dict[str, str] = {
    # A synopsis of the options, with placeholders (IN, OUT, [--rules FILE]), not a command.
    "qualcode code IN OUT --strategy keywords [--rules FILE] [--unit UNIT] [--within CODE] "
    "[--speaker NAME] [--jobs N] [--runner NAME] [--scheduler ADDR] [--option KEY=VALUE] "
    "[--quiet]": "a synopsis",
    # The "Errors" section shows the message for a rules.toml with a mistake that only the text
    # around it describes (a broken regex, a misspelt code); run as printed, on the study's own
    # rules, the command succeeds. tests/keywords check those messages.
    "qualcode code study.qualcode.json out.qualcode.json -s keywords --rules rules.toml": (
        "shows the error for a rules file the text describes"
    ),
    # Needs a Dask scheduler already listening at that address.
    "qualcode code study.qualcode.json coded.qualcode.json --strategy keywords --rules rules.toml "
    "--scheduler tcp://127.0.0.1:8786": "needs a running Dask cluster",
}
"""Commands printed in the docs that cannot run here, and why (keep this short)."""

EXPECTED_EXIT: dict[str, int] = {
    # The page shows --strict refusing a conversion that would lose something: exit code 1.
    "qualcode convert study.qdpx for-atlas.qdpx --target atlasti --strict": 1,
}
"""Commands the docs print to show a refusal, with the exit code they must end with."""

OUTPUT_CHECKED_ELSEWHERE = {
    # The tutorial's commands read files its Python blocks wrote; tests/docs/test_tutorial.py
    # runs them in that folder and compares their whole output. Here they run on the study.
    "docs/tutorial.md",
}
"""Pages whose commands' printed output is not compared here (their exit codes still are)."""

FROM_PAGES = {
    "guide.toml": ("docs/strategies/structure.md", 'name = "Changes wanted"'),
    "survey.csv": ("docs/howto/transcripts-and-surveys.md", "respondent,age,member"),
}
"""Files a page prints for the reader to save: the page, and a line of the block holding it."""


@attrs.frozen
class Command:
    page: str
    line: int
    text: str
    """The command as printed, continuation lines joined and ``$ `` removed."""
    shown: tuple[str, ...] = ()
    """The lines a ``console`` block prints after the command: its output."""

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text, comments=True)

    @property
    def environment(self) -> dict[str, str]:
        words = self.words
        assignments = words[: self.program_index()]
        return dict(word.split("=", 1) for word in assignments)

    @property
    def arguments(self) -> list[str]:
        return self.words[self.program_index() + 1 :]

    def program_index(self) -> int:
        words = self.words
        index = 0
        while index < len(words) and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[index]):
            index += 1
        return index

    @property
    def program(self) -> str:
        words = self.words
        index = self.program_index()
        return words[index] if index < len(words) else ""

    @property
    def key(self) -> str:
        return " ".join(self.words).replace(".venv/bin/qualcode", "qualcode")

    def label(self) -> str:
        return f"{self.page}:{self.line}"


def shell_blocks(page: Path) -> Iterator[tuple[str, str, int]]:
    source = page.read_text(encoding="utf-8")
    for match in FENCE.finditer(source):
        if match.group(1) in SHELLS:
            yield match.group(1), match.group(2), source.count("\n", 0, match.start(2)) + 1


def block_commands(language: str, code: str, first_line: int, page: str) -> list[Command]:
    found: list[Command] = []
    lines = code.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        number = first_line + index
        index += 1
        if language == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.endswith("\\") and index < len(lines):
            line = line[:-1].rstrip() + " " + lines[index].strip()
            index += 1
        shown: list[str] = []
        while language == "console" and index < len(lines) and not lines[index].startswith("$ "):
            shown.append(lines[index].rstrip())
            index += 1
        output = tuple(s for s in shown if s and not s.startswith("#"))  # "# ..." is a remark
        found.append(Command(page, number, line.strip(), output))
    return found


@attrs.frozen
class Block:
    """The ``qualcode`` commands of one shell block, run in order in one folder (a later one
    may read what an earlier one wrote)."""

    page: str
    line: int
    commands: tuple[Command, ...]

    def label(self) -> str:
        return f"{self.page}:{self.line}"


def doc_blocks() -> list[Block]:
    blocks: list[Block] = []
    for page in PAGES:
        name = page.relative_to(REPO).as_posix()
        for language, code, line in shell_blocks(page):
            found = block_commands(language, code, line, name)
            commands = tuple(c for c in found if c.program in PROGRAMS)
            if commands:
                blocks.append(Block(name, line, commands))
    return blocks


BLOCKS = doc_blocks()
COMMANDS = [command for block in BLOCKS for command in block.commands]


# -- the folder a reader has ------------------------------------------------------------------


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("peer_workers_demo", REPO / "examples/demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def printed_file(page: str, marker: str) -> str:
    source = (REPO / page).read_text(encoding="utf-8")
    for match in FENCE.finditer(source):
        if marker in match.group(2):
            return match.group(2)
    raise AssertionError(f"{page} no longer prints a block holding {marker!r}")


@pytest.fixture(scope="module")
def study_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every command runs in (a copy of it): see the module's description."""
    root = tmp_path_factory.mktemp("reader")
    demo = load_demo()
    shutil.copytree(STUDY, root / "examples" / "peer-workers")

    study = demo.build_project()  # cases, codebook, themes, interviews and diaries
    qualcode.save(study, root / "study.qualcode.json")
    coded = demo.build_project()
    demo.apply_strategies(coded)  # what `make demo` writes to out/
    (root / "out").mkdir()
    qualcode.save(coded, root / "out" / "peer-workers.qualcode.json", indent=1)
    qualcode.save(coded, root / "project.qdpx", target="nvivo")  # "an export from NVivo"
    qualcode.save(coded, root / "other.qdc")

    for folder in ("interviews", "transcripts"):  # Word interviews named {case}_T{wave}.docx
        shutil.copytree(STUDY / "word", root / folder)
    shutil.copytree(STUDY / "diaries", root / "diaries")
    for name in ("rules.toml", "codebook.toml", "cases.csv"):  # a study's own files
        shutil.copy(STUDY / name, root / name)
    shutil.copy(STUDY / "word" / "PN1_T1.docx", root / "R07.docx")  # a Word file with comments
    qualcode.save(qualcode.load(root / "R07.docx", kind="interview"), root / "R07.json")
    with_r07 = demo.build_project()
    qualcode.import_files([root / "R07.docx"], with_r07)
    qualcode.save(with_r07, root / "study.qdpx")
    shutil.copy(STUDY / "interviews" / "PN2_T1.txt", root / "pn2-wave1.txt")
    for name, (page, marker) in FROM_PAGES.items():
        (root / name).write_text(printed_file(page, marker), encoding="utf-8")
    if (SHARED / "refi-qda").is_dir():
        (root / "path" / "to").mkdir(parents=True)
        (root / "path" / "to" / "refi-qda").symlink_to(SHARED / "refi-qda")
    return root


# -- running them -----------------------------------------------------------------------------


def named_outputs(app: typer.Typer, arguments: list[str]) -> dict[str, str]:
    """The files a command names as its output, by parameter: ``destination`` (``convert``,
    ``code``) and ``into`` (``import``, which extends the project when it exists)."""
    group: Any = typer.main.get_command(app)  # Typer's own copy of click's Group
    with group.make_context("qualcode", list(arguments), resilient_parsing=True) as context:
        name, command, rest = group.resolve_command(context, list(arguments))
        assert command is not None, f"no command {name!r}"
        with command.make_context(str(name), rest, parent=context, resilient_parsing=True) as sub:
            params = sub.params
    return {key: str(params[key]) for key in ("destination", "into") if params.get(key)}


def test_the_docs_print_qualcode_commands() -> None:
    pages = {c.page for c in COMMANDS}
    assert "README.md" in pages
    assert "docs/howto/transcripts-and-surveys.md" in pages
    assert len(COMMANDS) >= 30
    printed = {c.key for c in COMMANDS}
    for key in (*CANNOT_RUN, *EXPECTED_EXIT):  # an entry for a command no longer printed goes
        assert key in printed, f"not printed in the docs any more: {key}"


@pytest.mark.parametrize("block", BLOCKS, ids=Block.label)
def test_the_commands_printed_in_a_docs_block_run(
    block: Block, study_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reader"
    shutil.copytree(study_folder, folder, symlinks=True)
    monkeypatch.chdir(folder)
    skipped: list[str] = []
    written: set[Path] = set()
    for command in block.commands:
        reason = why_not(command)
        if reason is not None:
            skipped.append(f"{command.label()}: {reason}")
            continue
        written.update(run(command, folder, written))
    if skipped and len(skipped) == len(block.commands):
        pytest.skip("; ".join(skipped))


def why_not(command: Command) -> str | None:
    """Why ``command`` cannot run here, or None when it can."""
    if command.key in CANNOT_RUN:
        return f"cannot run here: {CANNOT_RUN[command.key]}"
    if "path/to/refi-qda" in command.text and not (SHARED / "refi-qda").is_dir():
        return "needs the REFI-QDA schemas of ../shared beside the project"
    arguments = command.arguments
    if "--runner" in arguments and "dask" in arguments and "dask" not in default_plugins().runners:
        return "needs the qualcode-dask plugin installed"
    return None


def expanded(arguments: list[str]) -> list[str]:
    """The arguments with file name patterns (``*.txt``) expanded in the current folder, as a
    shell expands them; a pattern that matches nothing stays as written, as in bash."""
    result: list[str] = []
    for argument in arguments:
        matches = sorted(glob.glob(argument)) if glob.has_magic(argument) else []
        result.extend(matches or [argument])
    return result


def run(command: Command, folder: Path, written: set[Path]) -> list[Path]:
    """Run ``command`` in ``folder`` (the current directory), check its exit code, its output
    and the files it names as outputs, and return those.

    An ``import`` into a project that no earlier command of the block (``written``) wrote starts
    a new project, as a reader starting a study with the page would; one into a project an
    earlier command wrote must extend it.
    """
    arguments = expanded(command.arguments)
    app = make_app()
    outputs = named_outputs(app, arguments)
    destination = outputs.get("destination")
    if destination is not None and Path(destination).is_file():
        os.remove(destination)  # it must be written by the command, not left from before
    into = Path(outputs["into"]) if "into" in outputs else None
    if into is not None and into not in written and into.is_file():
        os.remove(into)
    before = into.read_bytes() if into is not None and into.is_file() else None
    environment = {key: str(folder / value) for key, value in command.environment.items()}
    result = CliRunner().invoke(app, arguments, env=environment)
    expected = EXPECTED_EXIT.get(command.key, 0)
    assert result.exit_code == expected, (
        f"{command.label()}: {command.text}\n{result.stdout}{result.stderr}"
    )
    if command.page not in OUTPUT_CHECKED_ELSEWHERE:
        printed = result.stdout + result.stderr
        for line in command.shown:
            assert line in printed, f"{command.label()}: the page shows {line!r}; got\n{printed}"
    if expected == 0:
        for output in outputs.values():
            assert Path(output).exists(), f"{command.label()}: {output} was not written"
        if into is not None and before is not None:
            assert into.read_bytes() != before, f"{command.label()}: {into} was not extended"
    return [Path(output) for output in outputs.values()] if expected == 0 else []
