"""Character positions of REFI-QDA selections: producer profiles, verification and fallback.

The standard counts Unicode code points; real tools do not all do so (see FACTS.md). A
:class:`Convention` says how a producer counts: in code points or UTF-16 code units, and whether
a CRLF line end in its text file counts two positions or one. On import the convention comes from
``Project/@origin``; :func:`choose_convention` then checks it against the selections (they should
mostly start and end on word boundaries, and where a tool writes the quote into the selection's
name, the name should match; a name that is a label matches under no convention and is ignored)
and falls back to the best-fitting convention with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from qualcode.losses import LossReport
from qualcode.model import TextOrigin
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
        """The position model for one text, given how its file ended its lines.

        A file that mixed its line ends gets a line end width of 1 here; :meth:`offset_map`
        counts its CRLFs two when told where they were.
        """
        crlf = origin is not None and origin.newline == "\r\n"
        width = 2 if (crlf and self.crlf_counts_two) else 1
        return PositionModel(self.name, utf16=self.utf16, newline_width=width)

    def offset_map(
        self, text: str, origin: TextOrigin | None, crlf_ends: Sequence[int] = ()
    ) -> OffsetMap:
        """The offset map for one text.

        ``crlf_ends``: where the file mixed its line ends (``origin.newline == "mixed"``), the
        positions in ``text`` of those that were CRLF (:attr:`SourceText.crlf_ends`); a
        convention that counts CRLF two counts exactly those two. Without them a mixed file's
        line ends all count one.
        """
        mixed = origin is not None and origin.newline == "mixed"
        if mixed and crlf_ends and self.crlf_counts_two:
            model = PositionModel(self.name, utf16=self.utf16, newline_width=2)
            return OffsetMap(text, model, crlf_ends)
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


def target_for_origin(origin: str) -> str:
    """The name of the write target for the program a project came from (``Project/@origin``).

    NVivo (Windows and Mac): ``nvivo``; ATLAS.ti, MAXQDA, QualCoder: theirs; a file qualcode
    wrote: the target named in its origin. Anything else (no origin, an unknown program):
    ``spec``, the standard.
    """
    lowered = origin.lower()
    if is_qualcode_origin(origin):
        match = _QUALCODE_TARGET.search(lowered)
        return match.group(1) if match is not None else "spec"
    for needle, name in _ORIGIN_TARGETS:
        if needle in lowered:
            return name
    return "spec"


_ORIGIN_TARGETS = (
    ("nvivo", "nvivo"),
    ("atlas", "atlasti"),
    ("maxqda", "maxqda"),
    ("qualcoder", "qualcoder"),
)
"""What a producer's ``origin`` contains -> its write target, in the order they are tried."""


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
    crlf_ends: tuple[int, ...] = ()
    """Where the file mixed its line ends, the positions in ``text`` of those that were CRLF
    (:func:`qualcode.text.crlf_line_ends`); empty otherwise."""

    def offset_map(self, convention: Convention) -> OffsetMap:
        """The offset map of this text under ``convention``."""
        return convention.offset_map(self.text, self.origin, self.crlf_ends)


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
MIN_NAME = 3
"""A selection name shorter than this says too little to be compared with a quote."""
MIN_UNMARKED_CUT = 20
"""A name at least this long that begins the quote counts as a quote cut without a mark (qualcode
cuts its names at 40 characters); a shorter one may be a label that happens to begin it."""
_CUT_MARKS = ("…", "...")


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def _same_words(name: str, quote: str) -> bool:
    """Whether a selection's ``name`` is its ``quote``, white space aside.

    A name ending in "…" or "..." is a quote cut short (ATLAS.ti cuts at 100 characters and
    appends "…"): it matches when the quote begins with the text before the mark. A name of
    :data:`MIN_UNMARKED_CUT` characters or more may be cut without a mark. Anything else must
    equal the quote; an ellipsis inside a name is kept, since quotes contain them too.
    """
    wanted = " ".join(name.split())
    found = " ".join(quote.split())
    if not wanted:
        return False
    if found == wanted:
        return True
    for mark in _CUT_MARKS:
        if wanted.endswith(mark):
            cut = wanted.removesuffix(mark).rstrip()
            return bool(cut) and found.startswith(cut)
    return len(wanted) >= MIN_UNMARKED_CUT and found.startswith(wanted)


@attrs.frozen
class _Reading:
    """How one convention reads each selection."""

    convention: Convention
    edges: tuple[int, ...]
    """Edges of each selection on a word boundary (0 to 2); -1 where it falls outside its text."""
    quoted: tuple[bool, ...]
    """Whether each selection's name equals its quote under this convention."""


def _read(
    convention: Convention, selections: Sequence[RawSelection], sources: dict[str, SourceText]
) -> _Reading:
    """Read every selection (each must have a source in ``sources``) under ``convention``."""
    maps: dict[str, OffsetMap] = {}
    edges: list[int] = []
    quoted: list[bool] = []
    for selection in selections:
        source = sources[selection.document_id]
        offsets = maps.get(selection.document_id)
        if offsets is None:
            offsets = maps[selection.document_id] = source.offset_map(convention)
        text = source.text
        first, last = selection.start, selection.end
        if first > last:  # a reversed selection is swapped on import: score it that way
            first, last = last, first
        start = offsets.from_external(first)
        end = offsets.from_external(last)
        if not 0 <= start <= end <= len(text) or last > offsets.external_length:
            edges.append(-1)
            quoted.append(False)
            continue
        edges.append((not _inside_word(text, start)) + (not _inside_word(text, end)))
        quoted.append(_is_named(selection) and _same_words(selection.name, text[start:end]))
    return _Reading(convention, tuple(edges), tuple(quoted))


def _is_named(selection: RawSelection) -> bool:
    return len(selection.name.strip()) >= MIN_NAME


def _fit(reading: _Reading, evidence: Sequence[bool]) -> Fit:
    """Score a reading: edges on word boundaries count 1 each, a matching name 2 where the
    selection's name is ``evidence``."""
    points = possible = outside = 0
    for edges, quoted, counts in zip(reading.edges, reading.quoted, evidence, strict=True):
        possible += 4 if counts else 2
        if edges < 0:
            outside += 1
            continue
        points += edges + (2 if counts and quoted else 0)
    score = points / possible if possible else 1.0
    return Fit(reading.convention, score, outside)


def _names_as_evidence(readings: Iterable[_Reading]) -> list[bool]:
    """Which names are quotes: those that equal their quote under at least one convention.

    Some tools write labels into ``name`` (qc 1.3.2 writes ``line:6``; ATLAS.ti users rename
    quotations), and a label matches under no convention, so it must not count against all of
    them alike. A name that is a quote under some convention is evidence for that convention.
    """
    found: list[bool] | None = None
    for reading in readings:
        if found is None:
            found = list(reading.quoted)
        else:
            found = [a or b for a, b in zip(found, reading.quoted, strict=True)]
    return found or []


def _usable(
    selections: Sequence[RawSelection], sources: dict[str, SourceText]
) -> list[RawSelection]:
    """The selections whose source has a text to check them against."""
    return [s for s in selections if s.document_id in sources]


def choose_convention(
    expected: Convention,
    selections: Sequence[RawSelection],
    sources: dict[str, SourceText],
    report: LossReport,
    producer: str = "",
) -> Convention:
    """The convention to convert with: ``expected`` unless the selections fit another better.

    Only selections whose source is in ``sources`` are checked: a source whose text is missing
    says nothing about how its producer counts. A selection's name counts as evidence only
    where it is a quote under some convention (see :func:`_names_as_evidence`); otherwise word
    boundaries alone decide. A fallback is reported as a warning naming both conventions and
    their fit.
    """
    usable = _usable(selections, sources)
    if not usable:
        return expected
    first_reading = _read(expected, usable, sources)
    named = [_is_named(s) for s in usable]
    if list(first_reading.quoted) == named:  # every name a quote here: no other reading needed
        first = _fit(first_reading, named)
        if first.outside == 0 and (first.score >= ACCEPT or len(usable) < MIN_SAMPLE):
            return expected
    elif all(edges >= 0 for edges in first_reading.edges) and len(usable) < MIN_SAMPLE:
        return expected
    readings = [first_reading] + [_read(c, usable, sources) for c in CANDIDATES if c != expected]
    evidence = _names_as_evidence(readings)
    fits = [_fit(reading, evidence) for reading in readings]
    first = fits[0]
    if first.outside == 0 and first.score >= ACCEPT:
        return expected
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


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class SpanReader:
    """Converts the selections of one text to canonical spans, counting what it had to change.

    A selection whose start comes after its end is swapped (:attr:`reversed` counts them). Where
    positions count UTF-16 code units, an edge can fall between the two halves of a surrogate
    pair (inside an emoji, say); the span then takes in the whole character, its start moved to
    the character's start and its end to the character's end (:attr:`split_edges` counts the
    edges moved). A span reaching outside the text is cut to fit it (:attr:`clamped`).
    """

    def __init__(self, offsets: OffsetMap, text: str) -> None:
        self.offsets = offsets
        self.text = text
        self.length = len(text)
        self.pairs = (
            offsets.model.utf16
            and offsets.external_length != offsets.length
            and _ASTRAL.search(text) is not None
        )
        """Whether an edge can fall inside a surrogate pair (else that check is skipped)."""
        self.reversed = 0
        self.split_edges = 0
        self.clamped = 0

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The canonical ``(start, end)`` of a selection written as ``start``..``end``."""
        if start > end:
            start, end = end, start
            self.reversed += 1
        offsets = self.offsets
        first = offsets.from_external(start)
        last = offsets.from_external(end)
        if self.pairs:
            if self._inside_pair(start, first):
                first -= 1  # from_external moved it to the character's end
                self.split_edges += 1
            if self._inside_pair(end, last):
                self.split_edges += 1
        length = self.length
        if first < 0 or last > length:
            self.clamped += 1
            first = min(max(first, 0), length)
            last = min(max(last, first), length)
        return first, last

    def split_character(self, external: int) -> str | None:
        """The character whose surrogate pair the position ``external`` falls inside, if any."""
        if not self.pairs:
            return None
        canonical = self.offsets.from_external(external)
        return self.text[canonical - 1] if self._inside_pair(external, canonical) else None

    def _inside_pair(self, external: int, canonical: int) -> bool:
        """Whether ``external`` fell between the halves of the surrogate pair of the character
        before ``canonical`` (where :meth:`OffsetMap.from_external` moved it)."""
        return (
            0 < canonical <= self.length
            and self.offsets.to_external(canonical) != external
            and ord(self.text[canonical - 1]) > 0xFFFF
        )


def edge_warnings(name: str, reader: SpanReader) -> list[str]:
    """The import report's warnings for what :class:`SpanReader` changed in source ``name``."""
    warnings: list[str] = []
    count = reader.reversed
    if count:
        whose = "its" if count == 1 else "their"
        warnings.append(
            f"{count} {_plural(count, 'selection')} of {name!r} had {whose} start after {whose} "
            "end; swapped"
        )
    count = reader.split_edges
    if count:
        warnings.append(
            f"{count} {_plural(count, 'selection edge')} of {name!r} fell inside a character "
            "(a UTF-16 surrogate pair); moved out to take in the whole character"
        )
    return warnings


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


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
