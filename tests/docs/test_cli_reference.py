"""docs/cli.md is what docs/gen_cli_reference.py writes from the commands' help today."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

DOCS = Path(__file__).resolve().parents[2] / "docs"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_reference", DOCS / "gen_cli_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_up_to_date() -> None:
    expected = generator().render()
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run `python docs/gen_cli_reference.py`"
    )


def test_every_command_has_a_section_and_help() -> None:
    module = generator()
    root = module.builtin_command()
    context = root.context_class(root, info_name="qualcode")
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    walked = list(module.walk(root, context))
    assert len(walked) > 3
    for command, command_context in walked:
        assert f"\n## {command_context.command_path}\n" in page
        assert module.help_text(command), f"{command_context.command_path} has no help text"


def test_the_page_agrees_with_help_output() -> None:
    module = generator()
    root = module.builtin_command()
    context = root.context_class(root, info_name="qualcode")
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    runner = CliRunner()
    app = module.make_app()
    for command, command_context in module.walk(root, context):
        arguments = command_context.command_path.split()[1:]
        result = runner.invoke(app, [*arguments, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        shown = " ".join(result.output.split())
        first_line = module.help_text(command).splitlines()[0]
        assert " ".join(first_line.split()) in shown
        assert first_line in page
