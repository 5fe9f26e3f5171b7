"""Coded characters per code, document and side, computed in bulk with NumPy where installed.

The coding comparison needs, for every (code, document), how many characters each side coded
and how many either side coded; "both" follows as ``first + second - either``. Python loops
cost a few microseconds a coding; here the codings become arrays once and every union is found
by one sorted sweep: each (code, document) group is moved to its own stretch of a long line
(offset by the group's number times the longest text), so one running maximum of span ends
serves every group at once. Without NumPy (the ``fast`` extra) :func:`character_coverage`
returns None and the caller sweeps in Python.
"""

from __future__ import annotations

import importlib
import operator
from typing import Any

import attrs

from qualcode.project import Project


@attrs.frozen
class Coverage:
    """Coded characters per (code id, document id): (first side, second side, either)."""

    by_key: dict[tuple[str, str], tuple[int, int, int]]
    coded_by: tuple[set[str], set[str]]
    """The documents each side coded any text in."""
    overlapping: tuple[int, int]
    """Per side, codings that overlapped or touched another of the same code and document."""


def _numpy() -> Any | None:
    try:
        return importlib.import_module("numpy")
    except ImportError:
        return None


def _indexed(values: list[Any], np: Any) -> tuple[Any, list[Any]]:
    """Each value's number (an int array) and the distinct values in order of first sight."""
    index = {value: number for number, value in enumerate(dict.fromkeys(values))}
    numbers = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return numbers, list(index)


def character_coverage(project: Project, side_of: dict[str, int]) -> Coverage | None:
    """The :class:`Coverage` of the coders in ``side_of`` (coder id -> 0 or 1), or None
    where NumPy is not installed."""
    np = _numpy()
    if np is None:
        return None
    codings = list(project.codings)
    if not codings:
        return Coverage({}, (set(), set()), (0, 0))
    coders, codes, documents = (
        list(map(operator.attrgetter(name), codings))
        for name in ("coder_id", "code_id", "document_id")
    )
    starts, ends = (
        np.fromiter(map(operator.attrgetter(name), codings), dtype=np.int64, count=len(codings))
        for name in ("start", "end")
    )
    coder_numbers, coder_values = _indexed(coders, np)
    sides = np.array([side_of.get(c, -1) if c is not None else -1 for c in coder_values])
    side = sides[coder_numbers]
    start, end = starts, ends
    keep = (side >= 0) & (end > start)
    code_numbers, code_values = _indexed(codes, np)
    document_numbers, document_values = _indexed(documents, np)
    side, start, end = side[keep], start[keep], end[keep]
    group = code_numbers[keep] * len(document_values) + document_numbers[keep]
    stretch = int(end.max()) + 1 if len(end) else 1
    groups = len(code_values) * len(document_values)

    def covered(mask: Any, key: Any) -> tuple[Any, int]:
        """Characters covered per group of ``key`` among the rows of ``mask``, and how many
        rows overlapped or touched an earlier one of their group."""
        offset = key[mask] * stretch
        low, high = start[mask] + offset, end[mask] + offset
        order = np.argsort(low, kind="stable")
        low, high, keys = low[order], high[order], key[mask][order]
        if not len(low):
            return np.zeros(groups, dtype=np.int64), 0
        reach = np.maximum.accumulate(high)
        before = np.concatenate(([np.iinfo(np.int64).min], reach[:-1]))
        added = np.maximum(0, high - np.maximum(low, before))
        joined = int(np.count_nonzero(low <= before))
        return np.bincount(keys, weights=added, minlength=groups).astype(np.int64), joined

    first_mask, second_mask = side == 0, side == 1
    first, first_joined = covered(first_mask, group)
    second, second_joined = covered(second_mask, group)
    either, _ = covered(np.ones(len(side), dtype=bool), group)
    coded_by: tuple[set[str], set[str]] = (
        {document_values[n] for n in np.unique(group[first_mask] % len(document_values))},
        {document_values[n] for n in np.unique(group[second_mask] % len(document_values))},
    )
    by_key: dict[tuple[str, str], tuple[int, int, int]] = {}
    for number in np.unique(group).tolist():
        code_value = code_values[number // len(document_values)]
        document_value = document_values[number % len(document_values)]
        by_key[code_value, document_value] = (
            int(first[number]),
            int(second[number]),
            int(either[number]),
        )
    return Coverage(by_key, coded_by, (first_joined, second_joined))
