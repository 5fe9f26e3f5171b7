"""The ``qualcode`` command line: a thin Typer app over the library.

Commands come from plugins through the ``register_commands`` hook, the built-in ones included:
when the command line starts, it registers its own command modules (:data:`COMMAND_PLUGINS`)
with the plugin manager the library uses, then asks every plugin for its commands. The library
itself never imports this package.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import pluggy
import typer

from qualcode.cli.common import interrupted, interruptible
from qualcode.errors import PluginError
from qualcode.plugins import SKIP_INSTALLED, default_plugins, get_plugin_manager, is_builtin

COMMAND_PLUGINS: tuple[str, ...] = (
    "qualcode.cli.project_commands",
    "qualcode.cli.plugin_commands",
    "qualcode.cli.coding_commands",
    "qualcode.cli.import_commands",
    "qualcode.cli.validate_commands",
    "qualcode.cli.analysis_commands",
    "qualcode.cli.report_commands",
)
"""The built-in command plugins; ``qualcode --help`` lists their commands in this order."""

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

    try:
        manager = default_plugins().manager
    except PluginError:
        # An installed plugin is broken or clashes with another. --help, --version and every
        # command still work; a command that needs the plugins reports the error as one line
        # (default_plugins() raises it again) and `qualcode plugins` lists what did load.
        manager = get_plugin_manager(errors=[])
    register_command_plugins(manager)
    for problem in add_commands(manager, app):
        typer.echo(f"error: {' '.join(str(problem).split())}", err=True)
    _interruptible(app)
    return app


def register_command_plugins(manager: pluggy.PluginManager) -> None:
    """Register the built-in command plugins with ``manager`` (once; blocked ones stay out).

    They are registered after every other plugin, so pluggy calls them first and the built-in
    commands come first in ``--help``; a third party's ``tryfirst`` commands come before them.
    """
    for module_name in reversed(COMMAND_PLUGINS):  # pluggy calls the last registered first
        if manager.get_plugin(module_name) is None and not manager.is_blocked(module_name):
            manager.register(importlib.import_module(module_name), name=module_name)


def add_commands(manager: pluggy.PluginManager, app: typer.Typer) -> list[PluginError]:
    """Call ``register_commands`` through pluggy (so ``tryfirst``, ``trylast`` and wrappers
    work); an installed plugin whose hook fails is left out and returned as an error naming it,
    and the others' commands are added again without it. A built-in that fails is a bug."""
    problems: list[PluginError] = []
    left_out: list[object] = []
    while True:
        hook = manager.subset_hook_caller("register_commands", remove_plugins=left_out)
        commands_before = list(app.registered_commands)
        groups_before = list(app.registered_groups)
        try:
            hook(app=app)
            return problems
        except Exception as error:
            name = _failing_plugin(manager, error)
            if name is None or is_builtin(name):
                raise
            app.registered_commands[:] = commands_before
            app.registered_groups[:] = groups_before
            left_out.append(manager.get_plugin(name))
            problems.append(
                PluginError(
                    f"plugin {name!r}: register_commands failed: {error} "
                    f"({type(error).__name__}); its commands are left out",
                    hint=f"fix or uninstall it, {SKIP_INSTALLED}",
                )
            )


def _failing_plugin(manager: pluggy.PluginManager, error: BaseException) -> str | None:
    """The name of the plugin whose ``register_commands`` raised ``error`` (by its traceback)."""
    codes = {
        implementation.function.__code__: implementation.plugin_name
        for implementation in manager.hook.register_commands.get_hookimpls()
        if hasattr(implementation.function, "__code__")
    }
    traceback = error.__traceback__
    found: str | None = None
    while traceback is not None:
        found = codes.get(traceback.tb_frame.f_code, found)
        traceback = traceback.tb_next
    return found


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
