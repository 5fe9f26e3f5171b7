"""The ``qualcode`` command line: a thin Typer app over the library.

Commands come from plugins through the ``register_commands`` hook, the built-in ones included.
"""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.common import interrupted, interruptible
from qualcode.errors import PluginError
from qualcode.plugins import default_plugins, get_plugin_manager

HELP = (
    "Qualitative coding: convert, inspect, code and analyse projects.\n\n"
    "Inputs are never changed. Outputs are written atomically: to a temporary file beside the "
    "output, then moved into place, so a failed or interrupted run leaves no partial file and "
    "keeps an existing output as it was. Through a symbolic link, the link's target is replaced "
    "and the link stays a link. A device or named pipe (such as /dev/null) cannot be replaced, "
    "so it is written to as it is; a folder or a socket is refused.\n\n"
    "Exit codes: 0 done; 1 bad input, or an output that cannot be written (one line on stderr, "
    'starting with "error:" and naming the file); 2 a usage error; 130 interrupted (Ctrl-C, '
    'which prints "interrupted").'
)
"""The help of ``qualcode`` itself: what holds for every command."""


def _show_version(value: bool) -> None:
    if value:
        from qualcode import __version__

        typer.echo(f"qualcode {__version__}")
        raise typer.Exit()


def make_app() -> typer.Typer:
    """A new Typer app with every command the installed plugins provide."""
    app = typer.Typer(
        name="qualcode",
        help=HELP,
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
        """The options of ``qualcode`` itself (its help is :data:`HELP`)."""

    # In registration order (pluggy would call the last registered first), so built-in commands
    # come first in --help, in the order of DEFAULT_PLUGINS, then third parties'.
    try:
        manager = default_plugins().manager
    except PluginError:
        # An installed plugin is broken or clashes with another. --help, --version and every
        # command still work; a command that needs the plugins reports the error as one line
        # (default_plugins() raises it again) and `qualcode plugins` lists what did load.
        manager = get_plugin_manager(errors=[])
    arguments = {"app": app}
    for implementation in manager.hook.register_commands.get_hookimpls():
        implementation.function(*(arguments[name] for name in implementation.argnames))
    _interruptible(app)
    return app


def _interruptible(app: typer.Typer) -> None:
    """Every command of ``app`` (and of its sub-apps) ends on Ctrl-C with one line, code 130."""
    for command in app.registered_commands:
        if command.callback is not None:
            command.callback = interruptible(command.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _interruptible(group.typer_instance)


def main() -> None:
    """Console script entry point.

    Exit codes: 0 done, 1 bad input (one line starting ``error:``), 2 a usage error, 130
    interrupted (Ctrl-C), also while the commands are being loaded.
    """
    try:
        app = make_app()
        app(prog_name="qualcode")
    except KeyboardInterrupt:
        raise SystemExit(interrupted().exit_code) from None
