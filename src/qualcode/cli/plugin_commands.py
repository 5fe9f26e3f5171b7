"""The ``plugins`` command: what is installed and what each plugin provides."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.common import print_json, user_errors
from qualcode.hookspecs import hookimpl
from qualcode.plugins import default_plugins


def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the plugins (built-in and installed), their versions and what they provide."""
    with user_errors():
        found = default_plugins().plugin_list()
    if as_json:
        print_json(found)
        return
    for plugin in found:
        kind = "built-in" if plugin["builtin"] else plugin["distribution"]
        typer.echo(f"{plugin['name']} ({kind} {plugin['version']})")
        for what, names in plugin["provides"].items():
            typer.echo(f"  {what}: {', '.join(names)}")
        if plugin["hooks"]:
            typer.echo(f"  hooks: {', '.join(plugin['hooks'])}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(plugins)
