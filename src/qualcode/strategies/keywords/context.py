"""The coded context of a hit: the hit, some words around it, its sentence, paragraph, speaker
turn, or the whole document; and the regions a search is limited to.

Units are found around each hit rather than listed for the whole text: the characters that may
end a sentence are listed in one scan, but a break is confirmed (with the rules of
:func:`qualcode.text.sentences`) only at those near hits; a paragraph is the line around a hit
(or the document's recorded paragraph); word windows read only the text beside a hit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from qualcode.strategies.keywords.scripts import WORD_CLASS, no_space_class
from qualcode.text import SENTENCE_END

Span = tuple[int, int]

_BREAK_CANDIDATE = re.compile(r"[.!?…。！？\n]")
_SPACELESS = no_space_class()
_WORD_TOKEN = re.compile(f"{_SPACELESS}|(?:(?!{_SPACELESS}){WORD_CLASS})+")
_WINDOW_STEP = 48  # characters read per word when looking for the words around a hit
_CLOSERS_BACK = 16  # how far before a hit a break character may still cut after it


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
        self._breaks: dict[int, Span | None] = {}
        self._candidates: list[int] | None = None
        self._last_sentence: tuple[int, int, Span] | None = None

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
        last = self._last_sentence
        if last is not None and last[0] <= start and end <= last[1]:
            return last[2]
        candidates = self._candidates
        if candidates is None:
            candidates = self._break_candidates()
        breaks = self._breaks
        # the sentence starts after the last break before the hit
        first = 0
        for index in range(bisect.bisect_left(candidates, start) - 1, -1, -1):
            position = candidates[index]
            found = breaks[position] if position in breaks else self._break(position)
            if found is not None and found[1] <= start:
                first = found[1]
                break
        # it ends at the first break that cuts at or after the hit's end (a break just before the
        # hit may cut after it: ``?”`` keeps its quote); a break passed on the way is noted
        stop = len(self.text)
        crossed = False
        for index in range(bisect.bisect_left(candidates, start - _CLOSERS_BACK), len(candidates)):
            position = candidates[index]
            found = breaks[position] if position in breaks else self._break(position)
            if found is not None:
                if found[0] >= end:
                    stop = found[0]
                    break
                crossed = crossed or found[1] > start
        span = trim(self.text, first, stop)
        # the next hit in the same stretch has the same sentence, unless a break lies inside it
        self._last_sentence = None if crossed else (first, stop, span)
        return span

    def _break_candidates(self) -> list[int]:
        """Where the text has a character that may end a sentence, listed on the first need
        (one scan of the text in the expression engine is cheaper than one per hit)."""
        if self._candidates is None:
            self._candidates = [m.start() for m in _BREAK_CANDIDATE.finditer(self.text)]
        return self._candidates

    def _break(self, position: int) -> Span | None:
        """The sentence break at a candidate character: (where the sentence ends, where the next
        one starts), or None if the character does not end a sentence there. The rules are those
        of :func:`qualcode.text.sentences`."""
        if position in self._breaks:
            return self._breaks[position]
        text = self.text
        match = SENTENCE_END.match(text, position if text[position] == "\n" else position + 1)
        found: Span | None = None
        if match is not None:
            cut = match.start()
            if match.group("close") is not None:
                cut = match.end("close")  # closing quotes stay with their sentence
            found = (cut, match.end())
        self._breaks[position] = found
        return found

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
