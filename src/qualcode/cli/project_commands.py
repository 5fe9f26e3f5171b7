"""Commands about whole projects: ``info`` and ``convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qualcode.api import read
from qualcode.cli.common import message, parse_options, print_json, show_report, user_errors
from qualcode.conversion import convert as convert_project
from qualcode.errors import LossError
from qualcode.fileio import check_input
from qualcode.hookspecs import hookimpl

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
    "links",
)


def info(
    path: Annotated[Path, typer.Argument(help="The project or file to describe.", readable=False)],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts as a JSON object.")
    ] = False,
    source_format: Annotated[
        str | None, typer.Option("--from", help="Read as this format instead of detecting it.")
    ] = None,
) -> None:
    """Show what a project holds: how many documents, codes, codings and so on."""
    with user_errors():
        result = read(check_input(path), source_format)
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
    source: Annotated[Path, typer.Argument(help="The file to read.", readable=False)],
    destination: Annotated[
        Path,
        typer.Argument(
            help="The file to write (replaced atomically; through a link, the link's target). "
            "A device or named pipe, such as /dev/null, is written to as it is.",
            readable=False,
        ),
    ],
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
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No report of what was lost and no summary (errors still show)."
        ),
    ] = False,
) -> None:
    """Convert a project (or a document) from one format to another."""
    options: dict[str, Any] = dict(parse_options(option or []))
    with user_errors():
        try:
            result = convert_project(
                source,
                destination,
                source_format=source_format,
                destination_format=target_format,
                target=target,
                strict=strict,
                **options,
            )
        except LossError as error:
            if error.report is not None:
                show_report(error.report, "strict")
            raise
    if quiet:
        return
    show_report(result.import_report, "import")
    show_report(result.export_report, "export")
    message(f"wrote {destination} ({result.exporter})")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(info)
    app.command()(convert)
