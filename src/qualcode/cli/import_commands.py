"""The ``import`` command: many files and folders into one project, created or extended."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.batch import FilenamePattern, NothingImportedError, ReadAs, import_files
from qualcode.cli.common import message, parse_options, progress_bar, show_report, user_errors
from qualcode.errors import OptionError
from qualcode.hookspecs import hookimpl
from qualcode.model import DocumentKind


def import_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files and folders to import (folders are searched for files of known formats).",
            show_default=False,
            readable=False,
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="The project file to create, or to extend if it exists; its extension "
            "chooses the format (any writable format).",
            show_default=False,
            readable=False,
        ),
    ],
    pattern: Annotated[
        str | None,
        typer.Option(
            "--pattern",
            help="File name pattern assigning case and time point, matched against the whole "
            "name with or without its extension, e.g. '{case}_T{wave}.docx'; a trailing * "
            "allows the rest of a name: '{case}_T{wave}*' reads PN1_T1_entry1.txt "
            "(fields: {case} {wave} {kind} {any}, and * for any text).",
        ),
    ] = None,
    read_as: Annotated[
        ReadAs | None,
        typer.Option(
            "--as",
            help="Read every input as documents, a codebook (codes and themes, merged by path) "
            "or cases (a table of case attributes, set by case name). Default: per file, .toml "
            "and .qdc files are codebooks, a CSV whose first column is 'case' is a cases table, "
            "one with 'code' and 'definition' columns a codebook, anything else documents.",
            case_sensitive=False,
        ),
    ] = None,
    kind: Annotated[
        DocumentKind | None,
        typer.Option("--kind", help="The kind of every imported document.", case_sensitive=False),
    ] = None,
    source_format: Annotated[
        str | None,
        typer.Option("--from", help="Read every file as this format (default: detected per file)."),
    ] = None,
    target_format: Annotated[
        str | None,
        typer.Option("--to", help="Write the project in this format (default: from --into)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="For a REFI-QDA project file: the program to write for (e.g. nvivo), as with "
            "convert.",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="An importer option as KEY=VALUE, e.g. text_columns=answer or "
            "case_column=participant (repeatable); an option that no reader of the run knows "
            "is an error.",
        ),
    ] = None,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Report bad files and skip them (default: stop at the first, writing nothing).",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")
    ] = False,
) -> None:
    """Import files and folders (documents, transcripts, survey tables, codebooks, cases
    tables) into one project."""
    options = parse_options(option or [])
    if pattern is not None:
        try:
            compiled: FilenamePattern | None = FilenamePattern.compile(pattern)
        except OptionError as error:
            raise typer.BadParameter(str(error), param_hint="--pattern") from None
    else:
        compiled = None
    with user_errors(), progress_bar(quiet, "importing") as advance:
        progress = None
        if advance is not None:
            bar = advance

            def progress(path: Path, done: int, total: int) -> None:
                bar(done, total, path.name)

        try:
            result = import_files(
                inputs,
                into,
                read_as=read_as,
                pattern=compiled,
                kind=kind,
                format=source_format,
                options=options,
                keep_going=keep_going,
                to=target_format,
                target=target,
                progress=progress,
            )
        except NothingImportedError as error:
            for outcome in error.result.skipped:
                message(f"skipped: {outcome.error}")
            raise
    for outcome in result.skipped:
        message(f"skipped: {outcome.error}")
    if quiet:
        return
    show_report(result.report, "import")
    show_report(result.export_report, "export")
    for outcome in result.imported:
        if outcome.read_as is not ReadAs.DOCUMENTS or outcome.detected:
            message(outcome.summary())
    skipped = f", skipped {len(result.skipped)}" if result.skipped else ""
    message(
        f"imported {len(result.imported)} file(s), {result.documents} document(s){skipped}; "
        f"wrote {into}"
    )


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command(name="import")(import_command)
