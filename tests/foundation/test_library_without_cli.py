"""The library stands without its command line: importing and loading touch no CLI module, and a
broken command plugin cannot break ``load()``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

import qualcode
from qualcode import hookimpl
from qualcode.cli import add_commands, register_command_plugins
from qualcode.plugins import Plugins, get_plugin_manager

CLI_MODULES = ("typer", "rich", "click", "qualcode.cli")

PROBE = """
import json, sys
import qualcode
after_import = sorted(sys.modules)
qualcode.load(sys.argv[1])
after_load = sorted(sys.modules)
print(json.dumps([after_import, after_load]))
"""


def cli_modules(names: list[str]) -> list[str]:
    return [n for n in names if any(n == m or n.startswith(m + ".") for m in CLI_MODULES)]


def test_import_and_load_import_no_cli_module(tmp_path: Path) -> None:
    """In a fresh interpreter, as a script using the library runs."""
    text = tmp_path / "notes.txt"
    text.write_text("hello\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(text)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(sys.path), "QUALCODE_DISABLE_PLUGIN_AUTOLOAD": ""},
    )
    after_import, after_load = json.loads(done.stdout)
    assert cli_modules(after_import) == []
    assert cli_modules(after_load) == []
    assert "qualcode.plugins" in after_load  # the probe did load through the plugins


class BrokenCommands:
    @hookimpl
    def register_commands(self, app: typer.Typer) -> None:
        raise RuntimeError("commands are broken")


def test_a_broken_command_plugin_cannot_break_load(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n", encoding="utf-8")
    plugins = Plugins(get_plugin_manager(load_entrypoints=False, extra=[BrokenCommands()]))
    assert qualcode.load(text, plugins=plugins).documents


def test_the_cli_leaves_out_a_broken_command_plugin_and_names_it() -> None:
    manager = get_plugin_manager(load_entrypoints=False, extra=[BrokenCommands()])
    register_command_plugins(manager)
    app = typer.Typer()
    problems = add_commands(manager, app)
    assert len(problems) == 1
    assert "register_commands failed: commands are broken" in str(problems[0])
    names = {command.callback.__name__ for command in app.registered_commands if command.callback}
    assert {"convert", "info", "code", "validate", "plugins"} <= names
    assert len(app.registered_commands) == len({id(c) for c in app.registered_commands})


class LateCommand:
    @hookimpl(trylast=True)
    def register_commands(self, app: typer.Typer) -> None:
        @app.command()
        def late() -> None:
            """A command added last."""


def test_commands_come_in_pluggy_order_built_ins_first() -> None:
    manager = get_plugin_manager(load_entrypoints=False, extra=[LateCommand()])
    register_command_plugins(manager)
    app = typer.Typer()
    assert add_commands(manager, app) == []
    names = [command.callback.__name__ for command in app.registered_commands if command.callback]
    assert names[:2] == ["info", "convert"] and names[-1] == "late"
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "late" in result.stdout
