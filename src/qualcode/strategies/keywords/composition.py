"""Matching under canonical equivalence: a text in Unicode NFC, with its positions mapped back.

"café" can be stored as four code points (``é`` precomposed, NFC) or five (``e`` and U+0301
COMBINING ACUTE ACCENT, NFD: common in text copied on macOS and in some PDF and Word exports).
Both are the same word to a reader (Unicode Standard Annex #15, "Unicode Normalization Forms"),
so the matcher compares terms and text in NFC and reports hits in the positions of the text as
stored, which qualcode never changes.

Canonical composition never joins a character to a preceding white-space character, so NFC of a
text is NFC of its white-space-separated pieces, and only pieces that change need a map. Inside a
piece the map is exact at each cluster (a character with ccc 0 and the combining marks after it)
when composing cluster by cluster gives the piece's NFC; otherwise (a Hangul syllable written as
jamo, which compose across clusters) a hit edge inside the piece maps to the piece's edges.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

_PIECE = re.compile(r"\S+")


class ComposedText:
    """``text`` in NFC (:attr:`text`) and the way back from its positions to the original's."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self._changes: list[tuple[int, int, int, int]] = []
        """(composed start, composed end, original start, original end) of each changed span."""
        self._starts: list[int] = []
        if unicodedata.is_normalized("NFC", original):  # O(1) for ASCII text
            return
        parts: list[str] = []
        changes: list[tuple[int, int, int, int]] = []
        done = 0  # original characters copied so far
        shift = 0  # composed length minus original length so far
        for piece in _PIECE.finditer(original):
            word = piece.group()
            if word.isascii() or unicodedata.is_normalized("NFC", word):
                continue
            start = piece.start()
            parts.append(original[done:start])
            for offset, before, after in _changed_spans(word):
                at = start + offset
                changes.append((at + shift, at + shift + len(after), at, at + len(before)))
                shift += len(after) - len(before)
            parts.append(unicodedata.normalize("NFC", word))
            done = piece.end()
        parts.append(original[done:])
        self.text = "".join(parts)
        self._changes = changes
        self._starts = [change[0] for change in changes]

    def start(self, position: int) -> int:
        """The original position of a hit that starts at ``position`` of :attr:`text`."""
        return self._back(position, at_end=False)

    def end(self, position: int) -> int:
        """The original position of a hit that ends at ``position`` of :attr:`text`."""
        return self._back(position, at_end=True)

    def _back(self, position: int, *, at_end: bool) -> int:
        if not self._changes:
            return position
        index = bisect.bisect_right(self._starts, position) - 1
        if at_end and index >= 0 and self._changes[index][0] == position:
            index -= 1  # an end at a change's start belongs before it
        if index < 0:
            return position
        composed_start, composed_end, start, end = self._changes[index]
        if position >= composed_end:
            return end + (position - composed_end)
        if position == composed_start:
            return start
        return end if at_end else start  # inside a changed span: widen to its edges


def _changed_spans(word: str) -> list[tuple[int, str, str]]:
    """``(offset, original, composed)`` of each span of ``word`` that NFC changes, one per
    cluster where clusters compose alone, else the whole word."""
    clusters: list[tuple[int, str]] = []
    begin = 0
    for index in range(1, len(word) + 1):
        if index == len(word) or not unicodedata.combining(word[index]):
            clusters.append((begin, word[begin:index]))
            begin = index
    composed = [(at, cluster, unicodedata.normalize("NFC", cluster)) for at, cluster in clusters]
    if "".join(after for _, _, after in composed) != unicodedata.normalize("NFC", word):
        return [(0, word, unicodedata.normalize("NFC", word))]
    return [(offset, before, after) for offset, before, after in composed if before != after]
