"""Character positions of REFI-QDA selections: producer profiles, verification and fallback.

The standard counts Unicode code points; real tools do not all do so (see FACTS.md). A
:class:`Convention` says how a producer counts: in code points or UTF-16 code units, and whether
a CRLF line end in its text file counts two positions or one. On import the convention comes from
``Project/@origin``; :func:`choose_convention` then checks it against the selections (they should
mostly start and end on word boundaries, and where a tool writes the quote into the selection's
name, the name should match) and falls back to the best-fitting convention with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from qualcode.model import TextOrigin
from qualcode.reports import LossReport
from qualcode.text import OffsetMap, PositionModel


@attrs.frozen
class Convention:
    """How a producer counts positions in a source's text."""

    name: str
    utf16: bool = False
    """Count UTF-16 code units (a character beyond U+FFFF counts two)."""
    crlf_counts_two: bool = True
    """A CRLF line end in the text file counts two positions (the file as written)."""

    def model_for(self, origin: TextOrigin | None) -> PositionModel:
        """The position model for one text, given how its file ended its lines."""
        crlf = origin is not None and origin.newline == "\r\n"
        width = 2 if (crlf and self.crlf_counts_two) else 1
        return PositionModel(self.name, utf16=self.utf16, newline_width=width)

    def offset_map(self, text: str, origin: TextOrigin | None) -> OffsetMap:
        return OffsetMap(text, self.model_for(origin))


CODE_POINTS = Convention("code points of the text as written (the standard)")
CODE_POINTS_LINE_ONE = Convention("code points, a line end counts 1", crlf_counts_two=False)
UTF16 = Convention("UTF-16 code units of the text as written", utf16=True)
UTF16_LINE_ONE = Convention(
    "UTF-16 code units, a line end counts 1", utf16=True, crlf_counts_two=False
)

CANDIDATES: tuple[Convention, ...] = (CODE_POINTS, UTF16, CODE_POINTS_LINE_ONE, UTF16_LINE_ONE)

_QUALCODE_TARGET = re.compile(r"target:\s*([a-z]+)")
_QUALCODE = re.compile(r"^qualcode\b", re.IGNORECASE)


def is_qualcode_origin(origin: str) -> bool:
    """Whether a file was written by qualcode (not QualCoder)."""
    return _QUALCODE.match(origin.strip()) is not None


def convention_for_origin(origin: str) -> Convention:
    """The convention a producer is known to use, from ``Project/@origin``.

    NVivo (Windows and Mac): UTF-16 code units, CRLF counts two where it wrote CRLF. ATLAS.ti,
    MAXQDA and QualCoder: code points, a line end counts one. qualcode: the target named in its
    origin. Anything else: the standard's code points.
    """
    lowered = origin.lower()
    if is_qualcode_origin(origin):
        match = _QUALCODE_TARGET.search(lowered)
        if match is not None:
            from qualcode.formats.refiqda.targets import TARGETS

            target = TARGETS.get(match.group(1))
            if target is not None:
                return target.convention
        return CODE_POINTS
    if "nvivo" in lowered:
        return UTF16
    if "atlas" in lowered or "maxqda" in lowered or "qualcoder" in lowered:
        return CODE_POINTS_LINE_ONE
    return CODE_POINTS


@attrs.frozen
class RawSelection:
    """A selection as written in the file: positions in the producer's unit."""

    document_id: str
    start: int
    end: int
    name: str = ""


@attrs.frozen
class SourceText:
    """A source's canonical text and how its file was written."""

    text: str
    origin: TextOrigin | None = None


@attrs.frozen
class Fit:
    """How well a convention explains the selections: a share from 0 to 1."""

    convention: Convention
    score: float
    outside: int
    """Selections that would fall outside their text."""


MIN_SAMPLE = 5
"""Fewer selections than this are too few to overrule a producer's known convention."""
ACCEPT = 0.9
MARGIN = 0.05


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def _same_words(name: str, quote: str) -> bool:
    wanted = " ".join(name.replace("…", " ").split()).removesuffix("...").strip()
    found = " ".join(quote.split())
    return bool(wanted) and (found == wanted or found.startswith(wanted))


def measure(
    convention: Convention,
    selections: Sequence[RawSelection],
    sources: dict[str, SourceText],
) -> Fit:
    """Score a convention: boundaries on word edges count 1 each, a matching name counts 2."""
    maps: dict[str, OffsetMap] = {}
    points = 0
    possible = 0
    outside = 0
    for selection in selections:
        source = sources.get(selection.document_id)
        if source is None:
            continue
        offsets = maps.get(selection.document_id)
        if offsets is None:
            offsets = maps[selection.document_id] = convention.offset_map(
                source.text, source.origin
            )
        text = source.text
        start = offsets.from_external(selection.start)
        end = offsets.from_external(selection.end)
        named = len(selection.name.strip()) >= 3
        possible += 4 if named else 2
        if not 0 <= start <= end <= len(text) or selection.end > offsets.external_length:
            outside += 1
            continue
        points += (not _inside_word(text, start)) + (not _inside_word(text, end))
        if named and _same_words(selection.name, text[start:end]):
            points += 2
    score = points / possible if possible else 1.0
    return Fit(convention, score, outside)


def choose_convention(
    expected: Convention,
    selections: Sequence[RawSelection],
    sources: dict[str, SourceText],
    report: LossReport,
    producer: str = "",
) -> Convention:
    """The convention to convert with: ``expected`` unless the selections fit another better.

    A fallback is reported as a warning naming both conventions and their fit.
    """
    if not selections:
        return expected
    first = measure(expected, selections, sources)
    if first.outside == 0 and (first.score >= ACCEPT or len(selections) < MIN_SAMPLE):
        return expected
    fits = [first] + [measure(c, selections, sources) for c in CANDIDATES if c != expected]
    best = min(fits, key=lambda fit: (fit.outside, -fit.score))
    better = best.outside < first.outside or best.score > first.score + MARGIN
    who = f"{producer!r}" if producer else "an unknown program"
    if best is first or not better:
        if first.score < ACCEPT:
            report.warn(
                f"positions: only {first.score:.0%} of selection edges from {who} fall on word "
                f"boundaries under {expected.name}; no other convention fits better; check quotes"
            )
        return expected
    report.warn(
        f"positions: the file comes from {who}, whose convention ({expected.name}) fits "
        f"{first.score:.0%} of selection edges"
        + (f" with {first.outside} outside their text" if first.outside else "")
        + f"; {best.convention.name} fits {best.score:.0%}, so positions were read that way"
    )
    return best.convention


def to_canonical(offsets: OffsetMap, start: int, end: int, length: int) -> tuple[int, int, bool]:
    """Canonical ``(start, end, clamped)`` for external positions, cut to fit the text."""
    first = offsets.from_external(start)
    last = offsets.from_external(end)
    if first > last:
        first, last = last, first
    clamped = first < 0 or last > length
    first = min(max(first, 0), length)
    last = min(max(last, first), length)
    return first, last, clamped


def external_positions(
    offsets: OffsetMap, spans: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """External ``(start, end)`` for canonical spans."""
    return [(offsets.to_external(s), offsets.to_external(e)) for s, e in spans]
