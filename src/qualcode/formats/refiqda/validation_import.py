"""What qualcode's importer makes of a file being validated.

``qualcode validate`` checks the raw XML, and also reads the file with the importer: what makes
the import fail is a problem, and positions are checked under the convention the importer reads
them with, chosen by the same function on the same selections.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from qualcode.errors import QualcodeError
from qualcode.formats.refiqda.builder import position_samples
from qualcode.formats.refiqda.codebook import read_codebook
from qualcode.formats.refiqda.positions import (
    Convention,
    SourceText,
    choose_convention,
    convention_for_origin,
    is_qualcode_origin,
)
from qualcode.formats.refiqda.reader import QdeReader
from qualcode.formats.refiqda.sources import FileResolver
from qualcode.losses import LossReport


@attrs.frozen
class Imported:
    """What reading the file with qualcode's importer gave."""

    error: QualcodeError | None = None
    """Why the import failed, if it did."""
    convention: Convention | None = None
    """The convention the importer read positions with (None: no positions were read)."""
    notes: tuple[str, ...] = ()
    """Its warnings about that choice."""


def import_project(data: bytes, label: str, resolve: FileResolver) -> Imported:
    """Read a project with the importer, then make its choice of position convention again
    (the same function on the same selections), keeping the warnings of that choice."""
    reader = QdeReader(label, resolve, LossReport())
    try:
        reader.read(data)
    except QualcodeError as error:
        return Imported(error)
    origin = reader.file_origin
    expected = convention_for_origin(origin)
    if is_qualcode_origin(origin):
        return Imported(convention=expected)  # the importer trusts qualcode's own files
    report = LossReport()
    sources = reader.raw_sources
    texts = {s.guid: SourceText(s.text, s.origin, s.crlf_ends) for s in sources if not s.text_lost}
    chosen = choose_convention(expected, position_samples(sources), texts, report, origin)
    return Imported(convention=chosen, notes=tuple(report.warnings))


def import_codebook(path: Path) -> Imported:
    try:
        read_codebook(path, LossReport())
    except QualcodeError as error:
        return Imported(error)
    return Imported()
