"""The units a model reads one at a time: sentences, paragraphs, speaker turns, or windows of
consecutive paragraphs (a document cut where paragraphs end, never inside one)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from qualcode import text as textmod
from qualcode.model import Document
from qualcode.strategies.textunits import document_turns

UNIT_KINDS = ("sentence", "paragraph", "turn", "window")


@attrs.frozen
class Unit:
    """One passage of one document: ``document.text[start:end]``."""

    document_id: str
    start: int
    end: int
    text: str


def _paragraph_spans(document: Document) -> list[tuple[int, int]]:
    recorded = [(p.start, p.end) for p in document.paragraphs if p.end > p.start]
    if recorded:
        return recorded
    return [(span.start, span.end) for span in textmod.paragraphs(document.text)]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def document_units(document: Document, kind: str, window: int = 3) -> list[Unit]:
    """The units of ``kind`` in ``document``, in text order, none empty.

    ``window``: paragraphs per unit for ``kind="window"``. A document without speaker turns is
    one speaker's: its turn is the whole text.
    """
    text = document.text
    spans: Iterable[tuple[int, int]]
    if kind == "sentence":
        spans = [(s.start, s.end) for s in textmod.sentences(text)]
    elif kind == "paragraph":
        spans = _paragraph_spans(document)
    elif kind == "turn":
        turns = document_turns(document)
        spans = [(t.body_start, t.end) for t in turns] if turns else [(0, len(text))]
    elif kind == "window":
        paragraphs = _paragraph_spans(document)
        spans = [
            (paragraphs[i][0], paragraphs[min(i + window, len(paragraphs)) - 1][1])
            for i in range(0, len(paragraphs), window)
        ]
    else:
        raise ValueError(f"unit must be one of {', '.join(UNIT_KINDS)}, not {kind!r}")
    units = []
    for first, last in spans:
        start, end = _trimmed(text, first, last)
        if start < end:
            units.append(Unit(document.id, start, end, text[start:end]))
    return units
