"""Commands about whole projects: ``info`` and ``convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.api import read
from qualcode.cli.common import message, parse_options, print_json, show_report, user_errors
from qualcode.errors import LossError
from qualcode.hookspecs import hookimpl
from qualcode.plugins import default_plugins
from qualcode.reports import LossReport

INFO_KEYS = (
    "documents",
    "codes",
    "themes",
    "codings",
    "cases",
    "coders",
    "memos",
    "variables",
    "sets",
)


def info(
    path: Annotated[Path, typer.Argument(help="The project or file to describe.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts as a JSON object.")
    ] = False,
    source_format: Annotated[
        str | None, typer.Option("--from", help="Read as this format instead of detecting it.")
    ] = None,
) -> None:
    """Show what a project holds: how many documents, codes, codings and so on."""
    with user_errors():
        result = read(path, source_format)
    project = result.project
    counts = project.counts()
    if as_json:
        print_json({key: counts[key] for key in INFO_KEYS} | {"name": project.name})
    else:
        typer.echo(f"{project.name}")
        for key in INFO_KEYS:
            typer.echo(f"  {key:<10} {counts[key]}")
    show_report(result.report, "import")


def convert(
    source: Annotated[Path, typer.Argument(help="The file to read.")],
    destination: Annotated[Path, typer.Argument(help="The file to write (replaced atomically).")],
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from", help="Input format (default: detected from the name, then the content)."
        ),
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
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Exit with code 1, writing nothing, if anything would be lost."
        ),
    ] = False,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="An exporter option as KEY=VALUE (repeatable)."),
    ] = None,
) -> None:
    """Convert a project (or a document) from one format to another."""
    options: dict[str, object] = dict(parse_options(option or []))
    if target is not None:
        options["target"] = target
    with user_errors():
        plugins = default_plugins()
        result = read(source, source_format, plugins=plugins)
        exporter_name = target_format or plugins.exporter_for(destination)
        exporter = plugins.exporters.get(exporter_name)()
        if source.resolve() == destination.resolve():
            raise LossError(
                "the output would replace the input", path=destination, hint="write to another file"
            )
        if strict:
            combined = LossReport()
            combined.extend(result.report)
            combined.extend(exporter.losses(result.project, **options))
            if not combined.lossless:
                show_report(combined, "strict")
                raise LossError(
                    f"{len(combined.losses)} kind(s) of data would be lost",
                    path=destination,
                    hint="nothing was written; drop --strict to convert anyway",
                )
        report = exporter.write(result.project, destination, **options)
    show_report(result.report, "import")
    show_report(report, "export")
    message(f"wrote {destination} ({exporter_name})")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(info)
    app.command()(convert)
