"""Commands about coding strategies: ``code`` (apply one) and ``strategies`` (what is installed).

Both work with any registered strategy and runner: ``code`` parses its arguments and calls
:func:`qualcode.code` between reading and saving the project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
from qualcode.coding import choose_runner, plan_coding
from qualcode.conversion import check_exporter_options, refuse_replacing_input
from qualcode.fileio import check_input, check_output
from qualcode.hookspecs import hookimpl
from qualcode.plugins import default_plugins
from qualcode.strategies.runners import PROGRESS_STEPS, ProgressRunner

__all__ = ["PROGRESS_STEPS", "ProgressRunner", "choose_runner", "code", "strategies"]


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
    target: Annotated[
        str | None,
        typer.Option(
            "--target", help="For REFI-QDA output: the program to write for (e.g. nvivo)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")
    ] = False,
) -> None:
    """Apply a coding strategy: add the codings it proposes, by its machine coder, and write
    the result. Existing codings are never changed."""
    given: dict[str, Any] = dict(parse_options(option or []))
    if unit is not None:
        given["unit"] = unit
    if within:
        given["within"] = within[0] if len(within) == 1 else list(within)
    if speaker:
        given["speakers"] = ",".join(speaker)
    write_options: dict[str, Any] = {} if target is None else {"target": target}
    with user_errors():
        plugins = default_plugins()
        plan = plan_coding(
            strategy_name,
            rules=rules,
            jobs=jobs,
            runner=runner_name,
            scheduler=scheduler,
            plugins=plugins,
            **given,
        )
        check_input(source)
        check_output(destination)  # a folder or a missing folder fails before any work
        exporter_name = target_format or plugins.exporter_for(destination)
        check_exporter_options(plugins.exporters.get(exporter_name), write_options)
        refuse_replacing_input(source, destination)
        imported = read(source, source_format, plugins=plugins)
        with progress_bar(quiet, f"{strategy_name} ({plan.runner_name})") as advance:
            bar = advance
            outcome = plan.apply(
                imported.project,
                None if bar is None else lambda done, total: bar(done, total, ""),
            )
        report = save(
            imported.project, destination, exporter_name, plugins=plugins, **write_options
        )
    show_report(imported.report, "import")
    for warning in outcome.warnings:
        message(f"{outcome.strategy}: warning: {warning}")
    for hint in outcome.hints:
        message(f"{outcome.strategy}: hint: {hint}")
    show_report(report, "export")
    if not quiet:
        message(outcome.summary())
        message(f"wrote {destination}")


def strategies(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the installed coding strategies with their options, and the runners."""
    with user_errors():
        found = default_plugins().strategy_list()
    if as_json:
        print_json(found)
        return
    typer.echo("strategies:")
    for entry in found["strategies"]:
        typer.echo(f"  {entry['name']} {entry['version']}: {entry['description']}")
        for option in entry["options"]:
            kind = "" if option["kind"] == "any" else f" ({option['kind']})"
            typer.echo(f"      {option['name']}{kind}: {option['help']}")
    typer.echo("runners:")
    for entry in found["runners"]:
        typer.echo(f"  {entry['name']}: {entry['description']}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(code)
    app.command()(strategies)
