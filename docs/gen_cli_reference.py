"""Write docs/cli.md, the CLI reference, from the help of every ``qualcode`` command.

Run ``python docs/gen_cli_reference.py`` after changing a command; a test fails while the page
is out of date. The page covers qualcode's own commands: third-party plugins are not loaded.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from qualcode.cli import make_app
from qualcode.plugins import AUTOLOAD_SWITCH, default_plugins

PAGE = Path(__file__).resolve().parent / "cli.md"

HEADER = """\
# CLI reference

This page is generated from the commands' own help by `python docs/gen_cli_reference.py`; do not
edit it by hand. `qualcode COMMAND --help` shows the same in a terminal. Every command that fails
on bad input prints one line starting with `error:` and exits with code 1; a usage error exits
with code 2.
"""

# Typer may bring its own copy of click, so commands and parameters are told apart by what they
# have (``list_commands``, ``param_type_name``), not by isinstance checks against click's classes.
Command = Any
Context = Any
Parameter = Any


def builtin_command() -> Command:
    """The click command tree of ``qualcode`` with the built-in plugins only."""
    saved = os.environ.get(AUTOLOAD_SWITCH)
    os.environ[AUTOLOAD_SWITCH] = "1"
    default_plugins.cache_clear()
    try:
        return typer.main.get_command(make_app())
    finally:
        if saved is None:
            del os.environ[AUTOLOAD_SWITCH]
        else:
            os.environ[AUTOLOAD_SWITCH] = saved
        default_plugins.cache_clear()


def is_group(command: Command) -> bool:
    return hasattr(command, "list_commands")


def subcontext(command: Command, name: str, parent: Context) -> Context:
    return command.context_class(command, info_name=name, parent=parent)


def walk(command: Command, context: Context) -> Iterator[tuple[Command, Context]]:
    """The command and every subcommand below it, depth first, subcommands by name."""
    yield command, context
    if is_group(command):
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, subcontext(sub, name, context))


def help_text(command: Command) -> str:
    text = inspect.cleandoc(command.help or command.short_help or "")
    return "\n".join(line for line in text.splitlines() if line.strip() != "\b")


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def row(parameter: Parameter, context: Context) -> str:
    """A table row: the parameter as ``--help`` names it, and its help."""
    record = parameter.get_help_record(context)
    names, description = record if record is not None else (parameter.name or "", "")
    names = " ".join(names.split())  # in a code span a pipe needs no escape (tables skip it)
    return f"| `{names}` | {cell(description)} |"


def usage(command: Command, context: Context) -> str:
    """``qualcode convert [OPTIONS] SOURCE DESTINATION``: arguments by name, upper case."""
    pieces = [context.command_path]
    if any(p.param_type_name == "option" for p in command.params) or is_group(command):
        pieces.append("[OPTIONS]")
    for parameter in command.params:
        if parameter.param_type_name != "argument":
            continue
        name = (parameter.name or "").upper()
        if parameter.nargs == -1:
            name += "..."
        pieces.append(name if parameter.required else f"[{name}]")
    if is_group(command):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def section(command: Command, context: Context) -> list[str]:
    path = context.command_path
    lines = [f"## {path}", "", "```text", usage(command, context), "```", ""]
    description = help_text(command)
    if description:
        lines += [description, ""]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option" and not p.hidden]
    help_option = command.get_help_option(context)
    if help_option is not None:
        options.append(help_option)
    for title, parameters in (("Argument", arguments), ("Option", options)):
        if parameters:
            lines += [f"| {title} | Description |", "| --- | --- |"]
            lines += [row(parameter, context) for parameter in parameters]
            lines.append("")
    if is_group(command):
        lines += ["| Command | Description |", "| --- | --- |"]
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                summary = cell(sub.get_short_help_str(limit=200))
                lines.append(f"| [`{name}`](#{anchor(f'{path} {name}')}) | {summary} |")
        lines.append("")
    return lines


def anchor(heading: str) -> str:
    """The id mkdocs gives a heading: lower case, spaces as hyphens."""
    return "-".join(heading.lower().split())


def render() -> str:
    """The whole page."""
    root = builtin_command()
    context = root.context_class(root, info_name="qualcode")
    lines = [HEADER]
    for command, command_context in walk(root, context):
        lines += section(command, command_context)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
