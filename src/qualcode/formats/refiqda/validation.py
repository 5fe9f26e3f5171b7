"""Validating REFI-QDA files: the schema, and the checks a schema cannot make.

:func:`validate_file` checks a ``.qdpx``, ``.qde`` or ``.qdc`` on its raw XML (the importer is
lenient and would hide problems): against the standard's XSD when a folder holding
``Project.xsd`` and ``Codebook.xsd`` is given (qualcode does not ship them; they belong to the
standard), then with the checks a schema cannot make (:mod:`.validation_checks`). Each problem
is a :class:`Problem` with its file, archive member, line and GUID, and each fault gives one
problem (a value the schema refuses is not reported again by qualcode's own checks).

The file is also read with qualcode's importer: what makes the import fail is a problem, and
positions are checked under the convention the importer reads them with (the producer's, from
``Project/@origin``, unless the selections fit another better, see
:func:`.positions.choose_convention`). Such a fallback is a note (:func:`check_file`), not a
problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
from lxml import etree

from qualcode.errors import InputNotFoundError, ParseError, QualcodeError
from qualcode.fileio import read_bytes, require_file
from qualcode.formats.refiqda.container import QdpxArchive, SourcesFolder
from qualcode.formats.refiqda.sources import FileResolver
from qualcode.formats.refiqda.validation_checks import Checker, InternalFiles
from qualcode.formats.refiqda.validation_import import (
    Imported,
    import_codebook,
    import_project,
)
from qualcode.formats.refiqda.xml import (
    Element,
    line_of,
    local,
    parse,
)
from qualcode.validation import FileValidation, Problem

__all__ = [
    "REFIQDA_EXTENSIONS",
    "SCHEMAS_VARIABLE",
    "SCHEMA_FILES",
    "InternalFiles",
    "Problem",
    "Schemas",
    "Validation",
    "check_file",
    "schema_folder",
    "validate_file",
]

SCHEMAS_VARIABLE = "QUALCODE_REFI_SCHEMAS"
"""Environment variable naming a folder that holds the REFI-QDA XSDs."""
SCHEMA_FILES = {"project": "Project.xsd", "codebook": "Codebook.xsd"}
REFIQDA_EXTENSIONS = {".qdpx": "project", ".qde": "project", ".qdc": "codebook"}


Validation = FileValidation
"""What :func:`check_file` found in one file (the library's :class:`FileValidation`)."""


# -- schemas ----------------------------------------------------------------------------------


def schema_folder(explicit: str | Path | None = None) -> Path | None:
    """The folder given, else the one :data:`SCHEMAS_VARIABLE` names, else None."""
    if explicit is not None and str(explicit):
        return Path(explicit)
    named = os.environ.get(SCHEMAS_VARIABLE, "").strip()
    return Path(named) if named else None


class Schemas:
    """The REFI-QDA XSDs of one folder, each loaded when first needed."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InputNotFoundError(
                "the schema folder does not exist",
                path=folder,
                hint=f"give a folder holding {' and '.join(SCHEMA_FILES.values())}",
            )
        self.folder = folder
        self._loaded: dict[str, etree.XMLSchema] = {}

    def get(self, kind: str) -> etree.XMLSchema:
        """The schema for ``kind`` (``project`` or ``codebook``)."""
        found = self._loaded.get(kind)
        if found is not None:
            return found
        path = self.folder / SCHEMA_FILES[kind]
        data = read_bytes(require_file(path))
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            schema = etree.XMLSchema(etree.fromstring(data, parser))
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
            raise ParseError(
                f"not a usable XML schema ({error})",
                path=path,
                hint="use the XSDs published with the REFI-QDA standard",
            ) from None
        self._loaded[kind] = schema
        return schema


def resolver(files: InternalFiles) -> FileResolver:
    """The importer's view of internal files: bytes by name, None when missing."""
    return lambda name: files.read(name) if files.exists(name) else None


# -- one problem per fault --------------------------------------------------------------------

_SCHEMA_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_SCHEMA_ATTRIBUTE = re.compile(r"attribute '([^']+)'", re.IGNORECASE)
_IMPORT_ATTRIBUTE = re.compile(r"^(?:attribute ([\w:.-]+)=|missing ([\w:.-]+)$)")


def _schema_subject(problem: Problem) -> tuple[int | None, str, str] | None:
    """(line, element, attribute) a schema problem is about, if it names an attribute."""
    element = _SCHEMA_ELEMENT.search(problem.message)
    attribute = _SCHEMA_ATTRIBUTE.search(problem.message)
    if element is None or attribute is None:
        return None
    return problem.line, element.group(1), attribute.group(1)


def _without_repeats(problems: list[Problem], subjects: dict[Problem, tuple[str, str]]) -> None:
    """Drop qualcode's own problems about an attribute the schema already found wrong."""
    reported = {_schema_subject(p) for p in problems if p.check == "schema"}
    reported.discard(None)
    if not reported:
        return
    problems[:] = [
        p for p in problems if p not in subjects or (p.line, *subjects[p]) not in reported
    ]


def _import_problem(error: QualcodeError, file: str, problems: list[Problem]) -> Problem | None:
    """The problem that makes the import fail, unless one of ``problems`` already says it (the
    same attribute at the same line, or the same message)."""
    found = _IMPORT_ATTRIBUTE.match(error.message)
    attribute = next((g for g in found.groups() if g), None) if found is not None else None
    for problem in problems:
        if error.message in problem.message:
            return None
        if (
            attribute is not None
            and problem.line == error.line
            and (
                f"'{attribute}'" in problem.message
                or f" {attribute}=" in problem.message
                or problem.message.endswith(f" {attribute}")
            )
        ):
            return None
    made = _problem_from_error(file, error)
    element = f" (element {error.element})" if error.element else ""
    message = f"qualcode cannot import the file: {error.message}{element}"
    return attrs.evolve(made, message=message + (f"; {error.hint}" if error.hint else ""))


# -- files ------------------------------------------------------------------------------------


def _problem_from_error(file: str, error: QualcodeError) -> Problem:
    member: str | None = None
    if error.path is not None and error.path.startswith(file + "!"):
        member = error.path[len(file) + 1 :]
    message = error.message + (f"; {error.hint}" if error.hint else "")
    return Problem(file, message, member, error.line, error.guid, "read")


def _schema_problems(
    root: Element, schema: etree.XMLSchema, file: str, member: str | None
) -> Iterator[Problem]:
    if schema.validate(root.getroottree()):
        return
    entries: Iterable[Any] = schema.error_log  # type: ignore[assignment]
    for entry in entries:
        line = entry.line if entry.line else None
        yield Problem(file, f"schema: {entry.message}", member, line, None, "schema")


def _archive_files(archive: QdpxArchive) -> InternalFiles:
    def read(name: str) -> bytes:
        member = archive.source_member(name)
        if member is None:
            raise ParseError("no such file in the archive", path=archive.label)
        return archive.read_member(member)

    return InternalFiles(lambda name: archive.source_member(name) is not None, read, "the archive")


def _folder_files(qde: Path) -> InternalFiles:
    """Files of the ``sources/`` folder (any case) beside a bare .qde, by lower-case name; never
    read through a link that leads out of the .qde's folder (see :class:`SourcesFolder`)."""
    folder = SourcesFolder(qde)

    def read(name: str) -> bytes:
        data = folder.read(name)
        if data is None:
            raise ParseError("no such file in the sources folder", path=str(qde))
        return data

    return InternalFiles(folder.has, read, "the sources folder beside the .qde")


def validate_file(
    path: str | Path, kind: str | None = None, schemas: Schemas | None = None
) -> list[Problem]:
    """Every problem of a .qdpx, .qde or .qdc; schema problems only when ``schemas`` is given.

    ``kind`` is ``qdpx``, ``qde`` or ``qdc`` (default: from the extension). A file that cannot be
    read at all (a corrupt archive, malformed XML) gives one ``read`` problem, and so does what
    makes qualcode's importer fail. A schema folder without the schema needed raises
    :class:`~qualcode.errors.QualcodeError`. :func:`check_file` also gives the notes.
    """
    return check_file(path, kind, schemas).problems


def check_file(
    path: str | Path, kind: str | None = None, schemas: Schemas | None = None
) -> Validation:
    """The problems of a file (as :func:`validate_file`) and the notes about it."""
    path = Path(path)
    file = str(path)
    kind = kind or path.suffix.lower().lstrip(".")
    codebook = kind == "qdc"
    schema = schemas.get("codebook" if codebook else "project") if schemas else None
    try:
        if kind == "qdpx":
            with QdpxArchive(path) as archive, QdpxArchive(path) as for_import:
                # the importer reads the texts through an archive of its own, so that reading
                # them twice does not count twice against the archive's size limit
                data = archive.read_qde()
                member = archive.qde_name
                label = archive.member_label(member)
                imported = import_project(data, label, resolver(_archive_files(for_import)))
                files = _archive_files(archive)
                return _validate_xml(data, file, member, files, codebook, schema, imported)
        data = read_bytes(path)
        if codebook:
            return _validate_xml(data, file, None, None, True, schema, import_codebook(path))
        files = _folder_files(path)
        imported = import_project(data, file, resolver(files))
        return _validate_xml(data, file, None, files, False, schema, imported)
    except QualcodeError as error:
        return Validation([_problem_from_error(file, error)])


def _validate_xml(
    data: bytes,
    file: str,
    member: str | None,
    files: InternalFiles | None,
    codebook: bool,
    schema: etree.XMLSchema | None,
    imported: Imported,
) -> Validation:
    label = file if member is None else f"{file}!{member}"
    root = parse(data, label)
    problems: list[Problem] = []
    if schema is not None:
        problems.extend(_schema_problems(root, schema, file, member))
    expected = "CodeBook" if codebook else "Project"
    if local(root) != expected:
        message = f"the root element is <{local(root)}>, not <{expected}>"
        problems.append(Problem(file, message, member, line_of(root), None, "structure"))
        return Validation(problems)
    checker = Checker(file, member, files, imported.convention)
    problems.extend(checker.run(root, codebook))
    _without_repeats(problems, checker.subjects)
    if imported.error is not None:
        failed = _import_problem(imported.error, file, problems)
        if failed is not None:
            problems.append(failed)
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    notes = [Problem(file, note, member, None, None, "positions") for note in imported.notes]
    return Validation(problems, notes)
