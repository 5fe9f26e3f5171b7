"""Formula cells of an .xlsx sheet that hold no saved result.

A spreadsheet program stores each formula's last result beside it (``<c><f>A2*2</f><v>4</v></c>``);
a workbook written by a library (openpyxl, some survey exporters) may hold the formula alone, or
with an empty ``<v></v>`` (openpyxl writes that).
Reading values only, as the survey importer does, such a cell looks empty: this finds them so
that the import can say so instead of dropping the answer silently. An empty result that was
saved is typed as text (``<c t="str"><f>IF(A2="","",A2)</f><v></v></c>``) and is not reported.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree


def unsaved_formula_cells(path: Path, sheet_title: str) -> list[str]:
    """References (``B2``) of the formula cells without a saved result in the named sheet.

    The workbook has already been read by openpyxl; anything unexpected here (a part missing,
    odd XML) means there is nothing this check can add, and it answers with no cells.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet_title)
            if member is None:
                return []
            data = archive.read(member)
    except _UNREADABLE:
        return []
    if b"<f" not in data and b":f" not in data:  # no formula at all (the common case)
        return []
    cells: list[str] = []
    try:
        for _, cell in _parse(data, tag="{*}c"):
            if cell.find("{*}f") is not None and not _has_result(cell):
                cells.append(cell.get("r") or "?")
            cell.clear()
    except etree.XMLSyntaxError:
        return cells
    return cells


_UNREADABLE: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    KeyError,
    ValueError,  # a bad file name encoding, a UnicodeDecodeError
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method Python lacks
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    etree.XMLSyntaxError,
)
"""What reading a damaged part may raise: the check then has nothing to add."""


def _has_result(cell: Any) -> bool:
    """Whether a formula cell holds a saved result: a non-empty ``<v>``, or an empty one in a
    cell typed as a string (an empty text result)."""
    value = cell.find("{*}v")
    if value is None:
        return False
    return bool(value.text) or cell.get("t") == "str"


def _parse(data: bytes, tag: str) -> Iterator[tuple[str, Any]]:
    events: Iterator[tuple[str, Any]] = etree.iterparse(
        io.BytesIO(data), tag=tag, resolve_entities=False, no_network=True, huge_tree=True
    )
    return events


def _sheet_member(archive: zipfile.ZipFile, sheet_title: str) -> str | None:
    """The archive member holding the sheet called ``sheet_title``, via the workbook's links."""
    relation_id = None
    for _, sheet in _parse(archive.read("xl/workbook.xml"), tag="{*}sheet"):
        if sheet.get("name") == sheet_title:
            relation_id = next(
                (value for key, value in sheet.attrib.items() if str(key).endswith("}id")), None
            )
            break
    if relation_id is None:
        return None
    for _, relation in _parse(archive.read("xl/_rels/workbook.xml.rels"), tag="{*}Relationship"):
        if relation.get("Id") == relation_id:
            target = relation.get("Target") or ""
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None
