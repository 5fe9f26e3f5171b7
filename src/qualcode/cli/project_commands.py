"""Commands about whole projects: ``info`` and ``convert``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from qualcode.api import read
from qualcode.cli.common import message, parse_options, print_json, show_report, user_errors
from qualcode.errors import LossError, OptionError, about_file
from qualcode.fileio import check_input, check_output
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.plugins import default_plugins

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
    options: dict[str, object] = dict(parse_options(option or []))
    if target is not None:
        options["target"] = target
    with user_errors():
        check_input(source)
        check_output(destination)  # a folder or a missing folder fails before any work
        plugins = default_plugins()
        exporter_name = target_format or plugins.exporter_for(destination)
        exporter = plugins.exporters.get(exporter_name)()
        _check_exporter_options(exporter_name, exporter.options, options)
        if source.resolve() == destination.resolve():
            raise LossError(
                "the output would replace the input", path=destination, hint="write to another file"
            )
        result = read(source, source_format, plugins=plugins)
        if strict:
            combined = LossReport()
            combined.extend(result.report)
            with about_file(destination):
                combined.extend(exporter.losses(result.project, **options))
            if not combined.lossless:
                show_report(combined, "strict")
                raise LossError(
                    f"{len(combined.losses)} kind(s) of data would be lost",
                    path=destination,
                    hint="nothing was written; drop --strict to convert anyway",
                )
        with about_file(destination):
            report = exporter.write(result.project, destination, **options)
    if quiet:
        return
    show_report(result.report, "import")
    show_report(report, "export")
    message(f"wrote {destination} ({exporter_name})")


def _check_exporter_options(
    name: str, known: Mapping[str, str], given: Mapping[str, object]
) -> None:
    """Refuse options (``-o``, ``--target``) that the exporter does not take: a misspelt or
    misplaced option would otherwise be ignored without a word."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        shown = ", ".join(repr(key) for key in unknown)
        label = "option" if len(unknown) == 1 else "options"
        hint = "known: " + ", ".join(sorted(known)) if known else "it takes no options"
        if "target" in unknown:
            hint += "; --target is for REFI-QDA outputs (.qdpx, .qde)"
        raise OptionError(f"unknown {label} {shown} for the {name} exporter", hint=hint)


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(info)
    app.command()(convert)
