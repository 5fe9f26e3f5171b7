"""Sweeps over sorted spans: the arithmetic under every text-based agreement figure.

Spans are ``(start, end)`` pairs of code points, end exclusive. Everything here walks sorted
lists once; nothing builds a per-character array, so a 20-million-character project costs what
its codings cost, not what its text costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[int, int]


def merged(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as sorted, disjoint, non-touching spans; empty spans dropped."""
    result: list[Span] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def covered(spans: Sequence[Span]) -> int:
    """How many code points merged ``spans`` cover."""
    return sum(end - start for start, end in spans)


def overlap(first: Sequence[Span], second: Sequence[Span]) -> int:
    """How many code points two merged span lists share, by one sweep over both."""
    shared = 0
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if end > start:
            shared += end - start
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return shared


def touched_units(units: Sequence[Span], spans: Sequence[Span]) -> list[bool]:
    """For each of the sorted, disjoint ``units``, whether any merged span covers a code point
    of it (one sweep over both lists)."""
    marks = [False] * len(units)
    j = 0
    for index, (start, end) in enumerate(units):
        while j < len(spans) and spans[j][1] <= start:
            j += 1
        k = j
        while k < len(spans) and spans[k][0] < end:
            if min(spans[k][1], end) > max(spans[k][0], start):
                marks[index] = True
                break
            k += 1
    return marks


def difference(mine: Sequence[Span], theirs: Sequence[Span]) -> list[Span]:
    """The parts of merged ``mine`` that merged ``theirs`` does not cover (one sweep)."""
    result: list[Span] = []
    j = 0
    for start, end in mine:
        position = start
        while j < len(theirs) and theirs[j][1] <= position:
            j += 1
        k = j
        while k < len(theirs) and theirs[k][0] < end:
            if theirs[k][0] > position:
                result.append((position, theirs[k][0]))
            position = max(position, theirs[k][1])
            k += 1
        if position < end:
            result.append((position, end))
    return result
