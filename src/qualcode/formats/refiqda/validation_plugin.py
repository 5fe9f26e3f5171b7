"""The REFI-QDA implementation of the ``validate_file`` hook: .qdpx, .qde and .qdc files.

The checks themselves live in :mod:`.validation`, imported only when a file is validated, so
that registering this plugin costs nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.hookspecs import hookimpl

if TYPE_CHECKING:
    from qualcode.formats.refiqda.validation import Schemas
    from qualcode.validation import FileValidation

REFIQDA_FORMATS = frozenset({"qdpx", "qde", "qdc"})
"""The names of the REFI-QDA importers, whose files this plugin validates."""


@functools.lru_cache(maxsize=4)
def _schemas(folder: Path) -> Schemas:
    """The schemas of ``folder``, loaded once however many files are validated."""
    from qualcode.formats.refiqda.validation import Schemas

    return Schemas(folder)


@hookimpl
def validate_file(path: Path, format: str, schemas: Path | None) -> FileValidation | None:
    """A REFI-QDA file's problems: the schema (when a folder holds it), then what a schema
    cannot check, then what qualcode's importer finds."""
    if format not in REFIQDA_FORMATS:
        return None
    from qualcode.formats.refiqda.validation import SCHEMAS_VARIABLE, check_file, schema_folder

    folder = schema_folder(schemas)
    found = check_file(path, format, _schemas(folder.resolve()) if folder is not None else None)
    if folder is None:
        found.unchecked.append(
            "schema validation skipped: no schema folder given (use --schemas DIR or set "
            f"{SCHEMAS_VARIABLE}); the REFI-QDA XSDs belong to the standard and are not "
            "shipped with qualcode"
        )
    return found
