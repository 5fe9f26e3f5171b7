"""The ``validate`` command: every problem of a file, one line each, exit 1 if any."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.api import read
from qualcode.cli.common import message, print_json, user_errors
from qualcode.errors import QualcodeError
from qualcode.fileio import check_input
from qualcode.formats.refiqda.validation import (
    REFIQDA_EXTENSIONS,
    SCHEMAS_VARIABLE,
    Problem,
    Schemas,
    check_file,
    schema_folder,
)
from qualcode.hookspecs import hookimpl
from qualcode.plugins import Plugins, default_plugins

REFIQDA_FORMATS = frozenset(ext.lstrip(".") for ext in REFIQDA_EXTENSIONS)


def _refiqda_kind(path: Path, plugins: Plugins) -> str | None:
    """``qdpx``, ``qde`` or ``qdc`` for a REFI-QDA file (by extension, else content), or None."""
    suffix = path.suffix.lower()
    if suffix in REFIQDA_EXTENSIONS:
        return suffix.lstrip(".")
    try:
        detected = plugins.detect(path)
    except QualcodeError:
        return None
    return detected if detected in REFIQDA_FORMATS else None


def project_problems(path: Path, plugins: Plugins) -> list[Problem]:
    """A project in any other format: what ``Project.check()`` finds, or why it cannot be read."""
    try:
        project = read(path, plugins=plugins).project
    except QualcodeError as error:
        return [_read_problem(path, error)]
    return [
        Problem(str(path), problem.message, None, None, problem.guid, "integrity")
        for problem in project.check()
    ]


def _read_problem(path: Path, error: QualcodeError) -> Problem:
    """Why ``path`` could not be read, as a problem of the file."""
    text = error.message + (f"; {error.hint}" if error.hint else "")
    return Problem(str(path), text, None, error.line, error.guid, "read")


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
    problems: list[Problem] = []
    skipped = False
    with user_errors():
        plugins = default_plugins()
        folder = schema_folder(schemas)
        loaded = None
        if folder is not None:
            loaded = Schemas(folder)
            check_input(folder, folder=True)
        for path in paths:
            try:
                check_input(path)
            except QualcodeError as error:
                problems.append(_read_problem(path, error))
                continue
            kind = _refiqda_kind(path, plugins)
            if kind is None:
                problems.extend(project_problems(path, plugins))
                continue
            if loaded is None and not skipped:
                skipped = True
                message(
                    "schema validation skipped: no schema folder given (use --schemas DIR or set "
                    f"{SCHEMAS_VARIABLE}); the REFI-QDA XSDs belong to the standard and are not "
                    "shipped with qualcode"
                )
            found = check_file(path, kind, loaded)
            problems.extend(found.problems)
            for note in found.notes:
                message(f"note: {note}")
    if as_json:
        print_json([problem.as_dict() for problem in problems])
    else:
        for problem in problems:
            typer.echo(str(problem))
    files = len(paths)
    bad = len({problem.file for problem in problems})
    noun = "file" if files == 1 else "files"
    if problems:
        message(f"{len(problems)} problem(s) in {bad} of {files} {noun}")
        raise typer.Exit(1)
    message(f"no problems in {files} {noun}" + (" (schema not checked)" if skipped else ""))


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(validate)
