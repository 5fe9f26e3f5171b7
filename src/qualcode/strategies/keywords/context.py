"""The coded context of a hit: the hit, some words around it, its sentence, paragraph, speaker
turn, or the whole document; and the regions a search is limited to.

Units are found around each hit rather than listed for the whole text where that is cheaper: a
text's sentence breaks are listed in one scan of the expression engine, and a hit's sentence is
then two bisections; a paragraph is the line around a hit (or the document's recorded
paragraph); word windows read only the text beside a hit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from qualcode.strategies.scripts import WORD_CLASS, no_space_class

Span = tuple[int, int]

_SENTENCE_BREAK = re.compile(r"[.!?…。！？\n](?:(?<=[.!?…])[\"'”’)\]]*(?=\s)|(?<=[。！？\n]))(\s*)")
"""A sentence break where :data:`qualcode.text.SENTENCE_END` finds one: after ``. ! ? …`` and their
closing quotes before white space, after ``。！？``, after a line end. Group 1 is the white space
between the sentences: it starts where the sentence before is cut (after a line end rather than
at it: trimmed, the sentence is the same). Every match starts with one of a few characters, which
the engine skips to (a branch first would make it try every position)."""
_SPACELESS = no_space_class()
_WORD_TOKEN = re.compile(f"{_SPACELESS}|(?:(?!{_SPACELESS}){WORD_CLASS})+")
_WINDOW_STEP = 48  # characters read per word when looking for the words around a hit


def trim(text: str, start: int, end: int) -> Span:
    """The span without white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class ContextFinder:
    """Finds the span of one kind of unit around hits of one text."""

    def __init__(
        self,
        text: str,
        unit: str,
        *,
        window: int = 5,
        paragraphs: Sequence[Span] = (),
        turns: Sequence[Span] = (),
    ) -> None:
        self.text = text
        self.unit = unit
        self.window = window
        self.blocks = sorted(turns if unit == "turn" else paragraphs)
        self.block_starts = [start for start, _ in self.blocks]
        self._breaks: tuple[list[int], list[int]] | None = None

    def span(self, start: int, end: int) -> Span | None:
        """The unit around the hit ``start..end``; None if the hit lies in no unit."""
        unit = self.unit
        if unit == "hit":
            return start, end
        if unit == "words":
            return self._words(start, end)
        if unit == "sentence":
            return self._sentence(start, end)
        if unit == "document" or (unit == "turn" and not self.blocks):
            # a document without speaker turns (a diary) is one speaker's: one turn
            return trim(self.text, 0, len(self.text))
        if unit == "paragraph" and not self.blocks:
            return self._line(start, end)
        return self._block(start, end)

    # -- units ---------------------------------------------------------------------------------

    def _line(self, start: int, end: int) -> Span:
        text = self.text
        first = text.rfind("\n", 0, start) + 1
        last = text.find("\n", end)
        return trim(text, first, len(text) if last < 0 else last)

    def _block(self, start: int, end: int) -> Span | None:
        index = bisect.bisect_right(self.block_starts, start) - 1
        if index < 0:
            return None
        first, last = self.blocks[index]
        if end > last:  # the hit runs over into the following blocks
            following = index + 1
            while following < len(self.blocks) and self.blocks[following][0] < end:
                last = max(last, self.blocks[following][1])
                following += 1
            if end > last:
                return None
        return first, last

    def spanner(self) -> Callable[[int, int], Span | None]:
        """:meth:`span` for this finder's unit, without choosing the unit at every hit."""
        return self._sentence if self.unit == "sentence" else self.span

    def _sentence(self, start: int, end: int) -> Span:
        cuts, starts = self._breaks if self._breaks is not None else self._list_breaks()
        # the sentence starts where the last break before the hit lets the next one start, and
        # ends at the first break that cuts at or after the hit's end
        before = bisect.bisect_right(starts, start) - 1
        first = starts[before] if before >= 0 else 0
        after = bisect.bisect_left(cuts, end, max(0, before))
        stop = cuts[after] if after < len(cuts) else len(self.text)
        return trim(self.text, first, stop)

    def _list_breaks(self) -> tuple[list[int], list[int]]:
        """Every sentence break of the text, by the rules of :func:`qualcode.text.sentences`:
        where each cuts (the sentence before it ends there) and where the next sentence may
        start, as two sorted lists. One scan in the expression engine, which skips to the
        characters that may end a sentence."""
        spans = [match.span(1) for match in _SENTENCE_BREAK.finditer(self.text)]
        self._breaks = ([cut for cut, _ in spans], [after for _, after in spans])
        return self._breaks

    def _words(self, start: int, end: int) -> Span:
        text = self.text
        window = self.window
        if window == 0:
            return start, end
        # words before the hit
        first = start
        reach = _WINDOW_STEP * (window + 1)
        while True:
            low = max(0, start - reach)
            before = [m.start() for m in _WORD_TOKEN.finditer(text, low, start)]
            if low > 0 and before and before[0] == low:
                before = before[1:]  # the first may be a word cut by the slice
            if len(before) >= window or low == 0:
                if before:
                    first = before[-window] if len(before) >= window else before[0]
                break
            reach *= 2
        # words after the hit
        last = end
        reach = _WINDOW_STEP * (window + 1)
        while True:
            high = min(len(text), end + reach)
            after = [m.end() for m in _WORD_TOKEN.finditer(text, end, high)]
            if high < len(text) and after and after[-1] == high:
                after = after[:-1]
            if len(after) >= window or high == len(text):
                if after:
                    last = after[window - 1] if len(after) >= window else after[-1]
                break
            reach *= 2
        return first, last


# -- regions ------------------------------------------------------------------------------------


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """The union of spans, sorted, overlapping or touching ones joined."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intersect_spans(first: Sequence[Span], second: Sequence[Span]) -> list[Span]:
    """Where two sorted, disjoint span lists overlap."""
    found: list[Span] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            found.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return found


class Regions:
    """The parts of a text a search is limited to (sorted, disjoint)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self.starts = [start for start, _ in self.spans]

    def around(self, start: int, end: int) -> Span | None:
        """The region that holds the whole hit, or None."""
        index = bisect.bisect_right(self.starts, start) - 1
        if index < 0:
            return None
        first, last = self.spans[index]
        return (first, last) if end <= last else None
