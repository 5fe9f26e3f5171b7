"""The ``validate`` command: every problem of a file, one line each, exit 1 if any."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.common import message, print_json, user_errors
from qualcode.formats.refiqda.validation import SCHEMAS_VARIABLE
from qualcode.hookspecs import hookimpl
from qualcode.validation import validate as validate_files


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Files to check: .qdpx, .qde, .qdc, or a project in any format qualcode reads.",
            readable=False,
        ),
    ],
    schemas: Annotated[
        Path | None,
        typer.Option(
            "--schemas",
            help=(
                "Folder holding the REFI-QDA Project.xsd and Codebook.xsd (qualcode does not ship "
                f"them). Default: the folder ${SCHEMAS_VARIABLE} names; without either, schema "
                "validation is skipped."
            ),
            readable=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the problems as a JSON list of objects.")
    ] = False,
) -> None:
    """Check files for problems: the REFI-QDA schema, references, spans, GUIDs, the code tree.

    Prints one line per problem (LOCATION: message) and exits with code 1 if there is any. A
    REFI-QDA file is also read as qualcode imports it: what makes that fail is a problem, and
    positions are checked the way the importer reads them; where that differs from how the
    file's producer is known to count, a note (on stderr) says so, which is not a problem.
    """
    with user_errors():
        result = validate_files(paths, schemas=schemas)
    for reason in result.unchecked:
        message(reason)
    for note in result.notes:
        message(f"note: {note}")
    if as_json:
        print_json([problem.as_dict() for problem in result.problems])
    else:
        for problem in result.problems:
            typer.echo(str(problem))
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    if result.problems:
        message(
            f"{len(result.problems)} problem(s) in {result.files_with_problems()} of {files} {noun}"
        )
        raise typer.Exit(1)
    skipped = " (schema not checked)" if result.unchecked else ""
    message(f"no problems in {files} {noun}{skipped}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(validate)
