"""The ``qualcode`` command line: a thin Typer app over the library.

Commands come from plugins through the ``register_commands`` hook, the built-in ones included.
"""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.plugins import default_plugins


def _show_version(value: bool) -> None:
    if value:
        from qualcode import __version__

        typer.echo(f"qualcode {__version__}")
        raise typer.Exit()


def make_app() -> typer.Typer:
    """A new Typer app with every command the installed plugins provide."""
    app = typer.Typer(
        name="qualcode",
        help="Qualitative coding: convert, inspect, code and analyse projects.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                help="Show the version and exit.",
                callback=_show_version,
                is_eager=True,
            ),
        ] = False,
    ) -> None:
        """Qualitative coding: convert, inspect, code and analyse projects."""

    # In registration order (pluggy would call the last registered first), so built-in commands
    # come first in --help, in the order of DEFAULT_PLUGINS, then third parties'.
    arguments = {"app": app}
    for implementation in default_plugins().manager.hook.register_commands.get_hookimpls():
        implementation.function(*(arguments[name] for name in implementation.argnames))
    return app


def main() -> None:
    """Console script entry point."""
    make_app()(prog_name="qualcode")
