"""Commands about coding strategies: ``code`` (apply one) and ``strategies`` (what is installed).

Both work with any registered strategy and runner: the command only parses options, checks them
against what the strategy declares, and hands them over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from qualcode.api import read, save
from qualcode.cli.common import (
    message,
    parse_options,
    print_json,
    progress_bar,
    show_report,
    user_errors,
)
from qualcode.errors import OptionError, OutputError
from qualcode.fileio import check_input, check_output
from qualcode.hookspecs import hookimpl
from qualcode.plugins import Plugins, default_plugins
from qualcode.strategies.base import Runner, Strategy

T = TypeVar("T")
R = TypeVar("R")

PROGRESS_STEPS = 20
"""How many times the progress bar moves during a run (a runner with only ``map`` gets the tasks
in this many batches)."""


class ProgressRunner(Runner):
    """Wraps a runner to report progress as its :meth:`Runner.imap` hands over results, or, for
    a runner with only ``map``, as batches of tasks come back from it.

    Results are those of the wrapped runner, in task order, so the output does not change.
    """

    name = "progress"
    description = "reports progress while another runner works"

    def __init__(self, inner: Runner, advance: Callable[[int, int], None]) -> None:
        super().__init__(jobs=inner.jobs, scheduler=inner.scheduler)
        self.inner = inner
        self.advance = advance

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        return list(self.imap(function, tasks))

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        total = len(tasks)
        self.advance(0, total)
        if not self.inner.streams:  # a runner with only map gets the tasks in batches
            size = max(1, -(-total // PROGRESS_STEPS))
            for first in range(0, total, size):
                yield from self.inner.map(function, tasks[first : first + size])
                self.advance(min(total, first + size), total)
            return
        step = max(1, total // PROGRESS_STEPS)
        for done, result in enumerate(self.inner.imap(function, tasks), start=1):
            if done % step == 0 or done == total:
                self.advance(done, total)
            yield result

    def close(self) -> None:
        self.inner.close()


def choose_runner(name: str | None, jobs: int | None, scheduler: str | None) -> str:
    """The runner to use: the one named, else ``processes`` for ``--jobs`` above 1, ``dask``
    for ``--scheduler``, else ``serial``."""
    if name:
        return name
    if scheduler:
        return "dask"
    if jobs is not None and jobs > 1:
        return "processes"
    return "serial"


def strategy_options(
    strategy: type[Strategy],
    given: dict[str, Any],
) -> dict[str, Any]:
    """``given`` checked against the options the strategy declares (an error names the unknown
    one and lists the known ones)."""
    for key in given:
        if key not in strategy.options:
            known = ", ".join(sorted(strategy.options)) or "none"
            raise OptionError(
                f"strategy {strategy.name!r} has no option {key!r}",
                hint=f"its options: {known} (see qualcode strategies)",
            )
    return given


def code(
    source: Annotated[
        Path, typer.Argument(help="The project to code (any readable format).", readable=False)
    ],
    destination: Annotated[
        Path,
        typer.Argument(
            help="Where to write the coded project (replaced atomically).", readable=False
        ),
    ],
    strategy_name: Annotated[
        str,
        typer.Option("--strategy", "-s", help="The strategy to apply (see qualcode strategies)."),
    ],
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="A rules file for the strategy (e.g. keywords' TOML rules).",
            readable=False,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="The coded context: hit, words, sentence, paragraph, turn or document "
            "(as the strategy supports).",
        ),
    ] = None,
    within: Annotated[
        list[str] | None,
        typer.Option("--within", help="Only code text already coded with this code (repeatable)."),
    ] = None,
    speaker: Annotated[
        list[str] | None,
        typer.Option(
            "--speaker",
            help="Only code what this speaker says; a name or a pattern such as PN* "
            "(repeatable; the strategy's 'speakers' option).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Number of worker processes or workers."),
    ] = None,
    runner_name: Annotated[
        str | None,
        typer.Option(
            "--runner",
            help="How to run the work: serial, processes, or a plugin's runner such as dask "
            "(default: processes with --jobs above 1, dask with --scheduler, else serial).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of an existing cluster's scheduler (dask)."),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="A strategy option as KEY=VALUE (repeatable)."),
    ] = None,
    source_format: Annotated[
        str | None, typer.Option("--from", help="Read as this format instead of detecting it.")
    ] = None,
    target_format: Annotated[
        str | None,
        typer.Option("--to", help="Output format (default: from the output file's extension)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")
    ] = False,
) -> None:
    """Apply a coding strategy: add the codings it proposes, by its machine coder, and write
    the result. Existing codings are never changed."""
    given: dict[str, Any] = dict(parse_options(option or []))
    if rules is not None:
        given["rules"] = rules
    if unit is not None:
        given["unit"] = unit
    if within:
        given["within"] = within[0] if len(within) == 1 else list(within)
    if speaker:
        given["speakers"] = ",".join(speaker)
    with user_errors():
        plugins = default_plugins()
        strategy_class = plugins.strategies.get(strategy_name)
        options = strategy_options(strategy_class, given)
        check_input(source)
        if rules is not None:
            check_input(rules)
        check_output(destination)  # a folder or a missing folder fails before any work
        runner_class = plugins.runners.get(choose_runner(runner_name, jobs, scheduler))
        if scheduler and not runner_class.uses_scheduler:
            raise OptionError(
                f"--scheduler names a cluster; the {runner_class.name} runner does not use one",
                hint="leave out --runner (or use --runner dask) to run on that cluster",
            )
        if source.resolve() == destination.resolve():
            raise OutputError(
                "the output would replace the input", path=destination, hint="write to another file"
            )
        result = read(source, source_format, plugins=plugins)
        project = result.project
        runner = runner_class(jobs=jobs, scheduler=scheduler)
        try:
            with progress_bar(quiet, f"{strategy_name} ({runner_class.name})") as advance:
                shown = runner
                if advance is not None:
                    bar = advance
                    shown = ProgressRunner(runner, lambda done, total: bar(done, total, ""))
                proposed = strategy_class().run(project, shown, **options)
        finally:
            runner.close()
        proposed.apply_to(project)
        report = save(project, destination, target_format, plugins=plugins)
    show_report(result.report, "import")
    for warning in proposed.warnings:
        message(f"{strategy_name}: warning: {warning}")
    for hint in proposed.hints:
        message(f"{strategy_name}: hint: {hint}")
    show_report(report, "export")
    if not quiet:
        touched = len({c.document_id for c in proposed.codings})
        message(
            f"{strategy_name}: {_count(len(proposed.codings), 'coding')} in "
            f"{_count(touched, 'document')} by {proposed.coder.name}"
            + (f", {_count(len(proposed.codes), 'new code')}" if proposed.codes else "")
        )
        message(f"wrote {destination}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def describe(plugins: Plugins) -> dict[str, Any]:
    """The installed strategies (with their options) and runners, as plain data."""
    return {
        "strategies": [
            {
                "name": cls.name,
                "version": cls.version,
                "description": cls.description,
                "module": cls.__module__,
                "options": dict(cls.options),
            }
            for cls in sorted(plugins.strategies, key=lambda c: c.name)
        ],
        "runners": [
            {"name": cls.name, "description": cls.description, "module": cls.__module__}
            for cls in sorted(plugins.runners, key=lambda c: c.name)
        ],
    }


def strategies(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the installed coding strategies with their options, and the runners."""
    with user_errors():
        found = describe(default_plugins())
    if as_json:
        print_json(found)
        return
    typer.echo("strategies:")
    for entry in found["strategies"]:
        typer.echo(f"  {entry['name']} {entry['version']}: {entry['description']}")
        for key, text in entry["options"].items():
            typer.echo(f"      {key}: {text}")
    typer.echo("runners:")
    for entry in found["runners"]:
        typer.echo(f"  {entry['name']}: {entry['description']}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(code)
    app.command()(strategies)
