"""What each input of a batch import is read as: documents, a codebook or a cases table.

:func:`plan_for` decides for one file: as asked (``read_as``); else ``.toml`` and ``.qdc`` files
are codebooks, and a CSV/TSV is a cases table when its first column is headed ``case``, a
codebook when it has ``code`` (or ``name``) and ``definition`` columns, unless an answer column
was given (``text_columns``: then it is a survey); everything else is documents, read by the
importer ``format`` names or detection finds. Only a table's header row is read to decide.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from qualcode.cases_table import is_cases_table
from qualcode.codebooks import is_codebook_table
from qualcode.errors import OptionError
from qualcode.plugins import Plugins


class ReadAs(enum.StrEnum):
    """What an input file is read as (``qualcode import --as``)."""

    DOCUMENTS = "documents"
    CODEBOOK = "codebook"
    CASES = "cases"


TABLE_EXTENSIONS = (".csv", ".tsv")
"""Tables whose header row is looked at to tell a codebook or cases table from a survey."""

HEADER_BYTES = 1 << 16
"""How much of a table is read to find its header row."""

CODEBOOK_READER = "codebook"
"""The name a codebook reader goes by in outcomes and option errors."""

CASES_READER = "cases table"
"""The name a cases table reader goes by in outcomes and option errors."""


@attrs.frozen
class Plan:
    """How one file will be read: as what, by which importer (for documents), and why."""

    read_as: ReadAs
    importer: str = ""
    detected: str = ""
    """Why a file was taken for a codebook or cases table without being asked to, if it was."""

    @property
    def reader(self) -> str:
        """The importer's name, or :data:`CODEBOOK_READER` or :data:`CASES_READER`."""
        if self.read_as is ReadAs.CODEBOOK:
            return CODEBOOK_READER
        if self.read_as is ReadAs.CASES:
            return CASES_READER
        return self.importer


def read_as(value: ReadAs | str) -> ReadAs:
    """``value`` as a :class:`ReadAs`, or an :class:`OptionError` listing the choices."""
    try:
        return ReadAs(value)
    except ValueError:
        known = ", ".join(r.value for r in ReadAs)
        raise OptionError(f"cannot read files as {value!r}; use one of: {known}") from None


def plan_for(
    path: Path,
    plugins: Plugins,
    forced: ReadAs | None,
    format: str | None,
    options: Mapping[str, Any],
) -> Plan:
    """How to read ``path``: see the module's description."""
    if forced is ReadAs.DOCUMENTS or (forced is None and format is not None):
        return Plan(ReadAs.DOCUMENTS, format or plugins.detect(path))
    if forced is not None:
        return Plan(forced)
    suffix = path.suffix.lower()
    if suffix in (".toml", ".qdc"):
        return Plan(ReadAs.CODEBOOK)  # no other reader takes these
    if suffix in TABLE_EXTENSIONS and not {"text_columns", "text_column"} & set(options):
        header = table_header(path)
        if is_cases_table(header):
            return Plan(
                ReadAs.CASES,
                detected="read as a cases table: its first column is 'case'; "
                "--as documents reads it as survey answers",
            )
        if is_codebook_table(header):
            return Plan(
                ReadAs.CODEBOOK,
                detected="read as a codebook: it has columns 'code' and 'definition'; "
                "--as documents reads it as survey answers",
            )
    return Plan(ReadAs.DOCUMENTS, plugins.detect(path))


def table_header(path: Path) -> list[str]:
    """The header row of a CSV/TSV file, best effort: empty when it cannot be read."""
    try:
        with path.open("rb") as stream:
            head = stream.read(HEADER_BYTES)
    except OSError:
        return []
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(first)
    try:
        return next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        return []


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
