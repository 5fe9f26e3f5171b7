"""Validating files: :func:`validate`, what ``qualcode validate`` runs.

Each file is checked by the plugin that knows its format, through the ``validate_file`` hook
(REFI-QDA files are checked against the standard's schema and for what a schema cannot see);
a file of a format no plugin validates is read and its project checked (:meth:`Project.check`).
Problems are data (:class:`Problem`), never exceptions: a file that cannot be read is a problem
of that file, and the others are still checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from qualcode.errors import InputNotFoundError, QualcodeError
from qualcode.fileio import check_input

if TYPE_CHECKING:
    from qualcode.plugins import Plugins


@attrs.frozen
class Problem:
    """One thing wrong with a file, and where (also used for a note about a file)."""

    file: str
    message: str
    member: str | None = None
    """The archive member (e.g. ``project.qde``) for a file inside a .qdpx."""
    line: int | None = None
    guid: str | None = None
    check: str = "structure"
    """What found it: ``read``, ``schema``, ``reference``, ``duplicate``, ``span``, ``file``,
    ``cycle``, ``value``, ``structure`` or (other formats) ``integrity``; a note's is
    ``positions``."""

    @property
    def location(self) -> str:
        """``file!member:line (guid g)``, as much of it as is known."""
        where = self.file if self.member is None else f"{self.file}!{self.member}"
        if self.line is not None:
            where += f":{self.line}"
        if self.guid is not None:
            where += f" (guid {self.guid})"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """The problem as plain data (for ``qualcode validate --json``)."""
        return {
            "file": self.file,
            "member": self.member,
            "line": self.line,
            "guid": self.guid,
            "check": self.check,
            "message": self.message,
        }


@attrs.frozen
class FileValidation:
    """What validating one file found: what ``validate_file`` implementations return."""

    problems: list[Problem]
    notes: list[Problem] = attrs.field(factory=list)
    """What is worth knowing but not wrong, e.g. that the importer reads positions under
    another convention than the one the file's producer is known for."""
    unchecked: list[str] = attrs.field(factory=list)
    """What could not be checked and why, one line each (e.g. the schema, when no schema folder
    was given)."""


@attrs.frozen
class ValidationResult:
    """What :func:`validate` found in all the files it was given."""

    files: list[Path]
    problems: list[Problem]
    notes: list[Problem]
    unchecked: list[str]
    """What could not be checked, each reason once."""

    @property
    def ok(self) -> bool:
        """Whether no file has a problem."""
        return not self.problems

    def files_with_problems(self) -> int:
        """How many of the files have at least one problem."""
        return len({problem.file for problem in self.problems})


def read_problem(path: Path, error: QualcodeError) -> Problem:
    """Why ``path`` could not be read, as a problem of the file."""
    text = error.message + (f"; {error.hint}" if error.hint else "")
    return Problem(str(path), text, None, error.line, error.guid, "read")


def project_problems(path: Path, plugins: Plugins) -> list[Problem]:
    """A file no plugin validates: what ``Project.check()`` finds, or why it cannot be read."""
    from qualcode.api import read

    try:
        project = read(path, plugins=plugins).project
    except QualcodeError as error:
        return [read_problem(path, error)]
    return [
        Problem(str(path), problem.message, None, None, problem.guid, "integrity")
        for problem in project.check()
    ]


def validate(
    paths: str | Path | Iterable[str | Path],
    *,
    schemas: str | Path | None = None,
    plugins: Plugins | None = None,
) -> ValidationResult:
    """Check one file or several for problems, each by the plugin that knows its format.

    ``schemas`` is a folder of schemas for the formats that use one (REFI-QDA: ``Project.xsd``
    and ``Codebook.xsd``; without it, the folder ``$QUALCODE_REFI_SCHEMAS`` names, else the
    schema is not checked and :attr:`ValidationResult.unchecked` says so). A folder given that
    does not exist is an :class:`~qualcode.errors.InputNotFoundError`; a file that is missing or
    cannot be read is a problem of that file.
    """
    from qualcode.plugins import default_plugins

    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    folder = None if schemas is None or not str(schemas) else Path(schemas)
    if folder is not None and not folder.is_dir():
        raise InputNotFoundError(
            "the schema folder does not exist",
            path=folder,
            hint="give the folder that holds the schemas (REFI-QDA: Project.xsd and Codebook.xsd)",
        )
    plugins = plugins or default_plugins()
    problems: list[Problem] = []
    notes: list[Problem] = []
    unchecked: list[str] = []
    for path in files:
        try:
            check_input(path)
        except QualcodeError as error:
            problems.append(read_problem(path, error))
            continue
        try:
            format_name = plugins.detect(path)
        except QualcodeError:  # reading it says why, as a problem of the file
            problems.extend(project_problems(path, plugins))
            continue
        found = plugins.manager.hook.validate_file(path=path, format=format_name, schemas=folder)
        if found is None:
            problems.extend(project_problems(path, plugins))
            continue
        problems.extend(found.problems)
        notes.extend(found.notes)
        unchecked.extend(reason for reason in found.unchecked if reason not in unchecked)
    return ValidationResult(files, problems, notes, unchecked)
