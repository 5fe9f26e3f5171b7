"""The ``plugins`` command: what is installed and what each plugin provides."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.common import print_json, user_errors
from qualcode.hookspecs import hookimpl
from qualcode.plugins import inspect_plugins


def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the plugins (built-in and installed), their versions and what they provide.

    An installed plugin that fails to load, or clashes with another, is named in an error line
    on stderr (exit code 1) after the list of those that loaded.
    """
    from qualcode.cli import register_command_plugins  # the package imports this module

    with user_errors():
        found, errors = inspect_plugins(register_command_plugins)
    if as_json:
        print_json(found)
    else:
        for plugin in found:
            kind = "built-in" if plugin["builtin"] else plugin["distribution"]
            typer.echo(f"{plugin['name']} ({kind} {plugin['version']})")
            for what, names in plugin["provides"].items():
                typer.echo(f"  {what}: {', '.join(names)}")
            if plugin["hooks"]:
                typer.echo(f"  hooks: {', '.join(plugin['hooks'])}")
    for problem in errors:
        typer.echo(f"error: {' '.join(str(problem).split())}", err=True)
    if errors:
        raise typer.Exit(1)


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(plugins)
