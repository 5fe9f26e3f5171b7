"""Anchoring: finding a model's quote in the unit it was given, or rejecting it.

A model quotes the text it codes, but it may retype it: curly quotes become straight ones, an
en dash a hyphen, a line break a space. A quote is looked for exactly first; then in a
normalised form of the unit and of the quote (white-space runs as one space, every kind of
quotation mark as ``"``, every dash as ``-``), whose positions map back to the unit's own
characters. A quote found neither way is not in the text: it is rejected, never coded.
"""

from __future__ import annotations

import enum
import functools
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


class NormalisedText:
    """``text`` normalised for anchoring, and the way back to ``text``'s positions."""

    def __init__(self, text: str) -> None:
        self.original = text
        folded = text.translate(_FOLD)  # one character for one: positions do not move
        self.runs = [run.span() for run in _SPACE.finditer(folded)]
        """The white-space runs of ``text``, each one space in :attr:`text`."""
        self.text = _SPACE.sub(" ", folded)

    def _back(self, position: int) -> int:
        """The position in ``text`` of the character at ``position`` of :attr:`text`, which is
        not a white-space run's space."""
        shift = 0
        for first, last in self.runs:
            if first - shift > position:
                break
            shift += last - first - 1
        return position + shift

    def find(self, quote: str) -> tuple[int, int] | None:
        """The span of ``text`` whose normalised form is ``quote``'s, the first one; or None."""
        wanted = normalise(quote)
        if not wanted:
            return None
        at = self.text.find(wanted)
        if at < 0:
            return None
        return self._back(at), self._back(at + len(wanted) - 1) + 1


def normalise(text: str) -> str:
    """``text`` with white-space runs as one space (none at the ends), quotation marks as
    ``"`` and dashes as ``-``."""
    return " ".join(text.translate(_FOLD).split())


def _strip_wrapping(quote: str) -> str:
    """The quote without outer white space, and without quotation marks around the whole of it
    (a model may wrap its quote in them)."""
    quote = quote.strip()
    while len(quote) >= 2 and quote[0] in QUOTE_MARKS and quote[-1] in QUOTE_MARKS:
        quote = quote[1:-1].strip()
    return quote


class UnitAnchors:
    """Anchors quotes in one unit; the unit is normalised once, and only if a quote needs it."""

    def __init__(self, unit: str) -> None:
        self.unit = unit

    @functools.cached_property
    def normalised(self) -> NormalisedText:
        """The unit, normalised."""
        return NormalisedText(self.unit)

    def anchor(self, quote: str) -> Anchor | None:
        """Where ``quote`` lies in the unit: exactly, else after normalisation; None if nowhere.

        An empty quote is nowhere; quotation marks around the whole quote are ignored when the
        quote is not found with them.
        """
        stripped = quote.strip()
        if not stripped:
            return None
        at = self.unit.find(stripped)
        if at >= 0:
            return Anchor(at, at + len(stripped), Match.EXACT)
        found = self.normalised.find(stripped)
        if found is None:
            unwrapped = _strip_wrapping(stripped)
            if unwrapped and unwrapped != stripped:
                found = self.normalised.find(unwrapped)
        if found is None:
            return None
        return Anchor(found[0], found[1], Match.NORMALISED)


def anchor(unit: str, quote: str) -> Anchor | None:
    """Where ``quote`` lies in ``unit`` (see :meth:`UnitAnchors.anchor`)."""
    return UnitAnchors(unit).anchor(quote)
