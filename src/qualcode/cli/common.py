"""What every command shares: a QualcodeError as one line and exit code 1, Ctrl-C as code 130."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qualcode.errors import QualcodeError
from qualcode.losses import LossReport


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a :class:`QualcodeError` as one line on stderr and exit with code 1.

    Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except QualcodeError as error:
        one_line = " ".join(str(error).split())  # a message from a parser may hold newlines
        typer.echo(f"error: {one_line}", err=True)
        raise typer.Exit(1) from None


INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as shells report it."""

F = TypeVar("F", bound=Callable[..., Any])


def interrupted() -> typer.Exit:
    """Say ``interrupted`` on stderr; the :class:`typer.Exit` with code 130 to raise."""
    typer.echo("interrupted", err=True)
    return typer.Exit(INTERRUPTED)


def interruptible(command: F) -> F:
    """``command`` turning Ctrl-C into one line, ``interrupted``, and exit code 130.

    Whatever the command was writing is cleaned up on the way out (see
    :func:`qualcode.fileio.atomic_output`), so nothing is written. Typer reads the wrapped
    function's parameters through ``functools.wraps``.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            raise interrupted() from None

    return run  # type: ignore[return-value]


Advance = Callable[[int, int, str], None]
"""Moves a progress bar: ``advance(done, total, detail)``."""


@contextlib.contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[Advance | None]:
    """A transient progress bar on stderr, as an :data:`Advance` callback.

    None with ``quiet`` or when stderr is not a terminal, so callers can skip the work of
    reporting progress (e.g. cutting tasks into batches) too. The bar is redrawn when it moves,
    not by a thread of its own: a process running only one thread can fork workers that inherit
    its documents (see :class:`qualcode.strategies.runners.ProcessPoolRunner`).
    """
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task("", total=None)

    def advance(done: int, total: int, detail: str = "") -> None:
        bar.update(task, completed=done, total=total, description=detail, refresh=True)

    with bar:
        yield advance


def message(text: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays data)."""
    typer.echo(text, err=True)


def show_report(report: LossReport, label: str) -> None:
    """Print a loss report's lines on stderr, each prefixed with ``label``."""
    for line in report.lines():
        message(f"{label}: {line}")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def parse_options(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; a pair without ``=`` is a usage error."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--option")
        options[key.strip().replace("-", "_")] = value
    return options
