"""The state and helpers the two halves of the project builder share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import attrs

from qualcode.errors import IntegrityError
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.xml import parse_boolean, parse_datetime
from qualcode.model import Entity, Memo, Value, VariableType

if TYPE_CHECKING:
    from qualcode.formats.refiqda.reader import QdeReader
    from qualcode.formats.refiqda.selection_block import SelectionBlock

REGION_NOTE_LOSS = "note anchors on a box or time range (the note is kept on the document)"
"""A memo can hold a text span but not a PDF box, picture region or media time range."""

MAX_WARNINGS = 5
"""Skipped entities beyond this many are counted but not described one by one."""


def decode_value(kind: VariableType, text: str) -> Value | None:
    """A variable value's text as the variable's type, or None if it does not fit."""
    value = text.strip()
    try:
        if kind is VariableType.TEXT:
            return text
        if kind is VariableType.BOOLEAN:
            return parse_boolean(value)
        if kind is VariableType.INTEGER:
            return int(value)
        if kind is VariableType.FLOAT:
            number = float(value)
            return number if number == number and abs(number) != float("inf") else None
        if kind is VariableType.DATE:
            return dt.date.fromisoformat(value[:10])
        return parse_datetime(value)
    except ValueError:
        return None


class BuilderBase:
    """Records collected by a reader, the project being built, and the report."""

    def __init__(self, reader: QdeReader) -> None:
        self.r = reader
        self.project = reader.project
        self.report = reader.report
        self.extras = reader.extras
        self.stored: dict[str, dict[str, Any]] = self.extras.entities if self.extras else {}
        self.variable_types: dict[str, VariableType] = {}
        self.reserved: dict[str, str] = {}
        self.selection_codings: dict[str, list[str]] = {}
        self.selection_spans: dict[str, tuple[str, int, int]] = {}
        self.selection_documents: dict[str, str] = {}
        """Document of every selection read one by one (block selections are in the spans)."""
        self.referenced: set[str] = set()
        """GUIDs that links, sets and cases refer to: a selection among them is not empty."""
        self.pending_blocks: list[tuple[str, SelectionBlock, list[int], list[int]]] = []
        """Blocks of simple selections not yet in the two tables above (filled on demand)."""
        self.attachments: dict[str, list[str]] = defaultdict(list)
        self.anchors: dict[str, tuple[str, int, int]] = {}
        self.selection_memos: list[Memo] = []
        self._skipped = 0

    # -- helpers ---------------------------------------------------------------------------

    def index_blocks(self) -> None:
        """Put the selections of pending blocks into :attr:`selection_codings` and
        :attr:`selection_spans` (only needed when something refers to a selection)."""
        codings, spans = self.selection_codings, self.selection_spans
        for document_id, block, starts, ends in self.pending_blocks:
            for guid, coding_id, start, end in zip(
                block.selection_ids, block.coding_ids, starts, ends, strict=True
            ):
                spans[guid] = (document_id, start, end)
                codings[guid] = [coding_id]
        self.pending_blocks.clear()

    def codings_of_selection(self, guid: str) -> list[str] | None:
        """The codings made from the selection ``guid``, if it was read."""
        if self.pending_blocks:
            self.index_blocks()
        return self.selection_codings.get(guid)

    def span_of_selection(self, guid: str) -> tuple[str, int, int] | None:
        """``(document id, start, end)`` of the text selection ``guid``, if it was read."""
        if self.pending_blocks:
            self.index_blocks()
        return self.selection_spans.get(guid)

    def document_of_selection(self, guid: str) -> str | None:
        """The document id of the selection ``guid`` (text or region), if it was read."""
        span = self.span_of_selection(guid)
        return span[0] if span is not None else self.selection_documents.get(guid)

    def add(self, entity: Entity, kind: str) -> bool:
        """Add an entity; one that breaks a rule is skipped and reported."""
        try:
            self.project.add(entity)
        except IntegrityError as error:
            self.skip(kind, str(error))
            return False
        return True

    def skip(self, kind: str, why: str) -> None:
        self.report.add(f"{kind}s that break a rule of the model (skipped)", self.r.label)
        self._skipped += 1
        if self._skipped <= MAX_WARNINGS:
            self.report.warn(f"skipped {kind}: {why}")

    def merged(self, entity: Any, *, exclude: tuple[str, ...] = ()) -> Any:
        """``entity`` with qualcode's stored fields for its id applied."""
        values = self.stored.get(entity.id)
        if not values:
            return entity
        fields, bad = extras.decode_fields(type(entity), values)
        if bad:
            self.report.warn(f"qualcode's note is damaged for {entity.id}: {', '.join(bad)}")
        for name in exclude:
            fields.pop(name, None)
        try:
            return attrs.evolve(entity, **fields)
        except (TypeError, ValueError):
            self.report.warn(f"qualcode data for {entity.id} could not be applied")
            return entity

    def value(self, variable_id: str, element: str, text: str, owner: str) -> Value | None:
        kind = self.variable_types.get(variable_id)
        if kind is None:
            self.report.add("values of variables that do not exist", owner)
            return None
        decoded = decode_value(kind, text)
        if decoded is None and text.strip():
            self.report.add(f"values that do not fit their variable's type ({element})", owner)
        return decoded

    def _replace(self, entity: Entity, kind: str) -> None:
        try:
            self.project.add(entity, replace=True)
        except IntegrityError as error:
            self.skip(kind, str(error))

    def _anchor(self, note: str, document_id: str, start: int, end: int) -> None:
        if note in self.anchors:
            self.report.add("note anchors beyond the first (kept as a plain reference)")
            self.attachments[note].append(document_id)
            return
        self.anchors[note] = (document_id, start, end)
