"""Anchoring: finding a model's quote in the unit it was given, or rejecting it.

A model quotes the text it codes, but it may retype it: curly quotes become straight ones, an
en dash a hyphen, a line break a space. A quote is looked for exactly first; then in a
normalised form of the unit and of the quote (white-space runs as one space, every kind of
quotation mark as ``"``, every dash as ``-``), whose positions map back to the unit's own
characters. A quote found neither way is not in the text: it is rejected, never coded.
"""

from __future__ import annotations

import enum
import re

import attrs

QUOTE_MARKS = frozenset("\"'`´‘’‚‛“”„‟«»‹›′″＂＇")
DASHES = frozenset("-‐‑‒–—―−﹘﹣－")


class Match(enum.StrEnum):
    """How a quote was found."""

    EXACT = "exact"
    NORMALISED = "normalised"


@attrs.frozen
class Anchor:
    """Where a quote lies in the unit: ``unit[start:end]``, and how it was found."""

    start: int
    end: int
    match: Match


_FOLD = str.maketrans({**dict.fromkeys(QUOTE_MARKS, '"'), **dict.fromkeys(DASHES, "-")})
_SPACE = re.compile(r"\s+")


def _fold(character: str) -> str:
    if character in QUOTE_MARKS:
        return '"'
    if character in DASHES:
        return "-"
    return character


class NormalisedText:
    """``text`` normalised for anchoring, with each normalised character's span in ``text``."""

    def __init__(self, text: str) -> None:
        self.original = text
        folded = text.translate(_FOLD)  # one character for one: positions do not move
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for run in _SPACE.finditer(folded):
            first, last = run.span()
            pieces.append(folded[done:first])
            starts.extend(range(done, first))
            ends.extend(range(done + 1, first + 1))
            pieces.append(" ")
            starts.append(first)
            ends.append(last)
            done = last
        pieces.append(folded[done:])
        starts.extend(range(done, len(folded)))
        ends.extend(range(done + 1, len(folded) + 1))
        self.text = "".join(pieces)
        self.starts = starts
        self.ends = ends

    def find(self, quote: str) -> tuple[int, int] | None:
        """The span of ``text`` whose normalised form is ``quote``'s, the first one; or None."""
        wanted = normalise(quote)
        if not wanted:
            return None
        at = self.text.find(wanted)
        if at < 0:
            return None
        return self.starts[at], self.ends[at + len(wanted) - 1]


def normalise(text: str) -> str:
    """``text`` with white-space runs as one space (none at the ends), quotation marks as
    ``"`` and dashes as ``-``."""
    return " ".join("".join(_fold(c) for c in text).split())


def _strip_wrapping(quote: str) -> str:
    """The quote without outer white space, and without quotation marks around the whole of it
    (a model may wrap its quote in them)."""
    quote = quote.strip()
    while len(quote) >= 2 and quote[0] in QUOTE_MARKS and quote[-1] in QUOTE_MARKS:
        quote = quote[1:-1].strip()
    return quote


def anchor(unit: str, quote: str, normalised: NormalisedText | None = None) -> Anchor | None:
    """Where ``quote`` lies in ``unit``: exactly, else after normalisation; None if nowhere.

    An empty quote is nowhere. ``normalised`` (the unit's :class:`NormalisedText`) may be given
    when several quotes of one unit are anchored.
    """
    stripped = quote.strip()
    if not stripped:
        return None
    at = unit.find(stripped)
    if at >= 0:
        return Anchor(at, at + len(stripped), Match.EXACT)
    normalised = normalised or NormalisedText(unit)
    found = normalised.find(stripped)
    if found is None:
        unwrapped = _strip_wrapping(stripped)
        if unwrapped and unwrapped != stripped:
            found = normalised.find(unwrapped)
    if found is None:
        return None
    start, end = found
    return Anchor(start, end, Match.NORMALISED)
