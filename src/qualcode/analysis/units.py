"""The units of text agreement and co-occurrence count in: sentences and paragraphs."""

from __future__ import annotations

from qualcode.analysis.spans import Span, merged
from qualcode.model import Document
from qualcode.text import paragraphs, sentences


def unit_units(document: Document, unit: str) -> list[Span]:
    """The sorted sentences or paragraphs of ``document``."""
    if unit == "sentence":
        return [(s.start, s.end) for s in sentences(document.text)]
    if unit == "paragraph":
        if document.paragraphs:
            return merged((p.start, p.end) for p in document.paragraphs)
        return [(s.start, s.end) for s in paragraphs(document.text)]
    raise ValueError(f"unit must be sentence or paragraph, not {unit!r}")
