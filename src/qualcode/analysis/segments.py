"""Intercoder agreement as MAXQDA computes it: by segment, by code presence, by code frequency.

MAXQDA compares two coders document by document, code by code (MAXQDA 24 manual, "Intercoder
Agreement"):

- **Segment agreement**: each coded segment of either coder is checked for a segment of the
  same code by the other coder that overlaps it by at least ``min_overlap`` (90% by default) of
  the two segments' union. A segment with such a partner is an agreement, one without a
  disagreement; percentage = agreements / all segments checked.
- **Code presence**: per document, each code either coder used agrees when both used it.
- **Code frequency**: per document, each code either coder used agrees when both used it equally
  often.

The kappa MAXQDA reports for segments is in the manner of Brennan and Prediger (1981): chance
agreement is one over the number of codes in the result table, and observed agreement is
``a / (a + b + c)`` where ``a`` counts the first coder's segments that found a partner and
``b``, ``c`` each coder's segments that found none (there is no "neither" cell for segments).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Literal

import attrs

from qualcode.analysis.names import AnalysisInputError, resolve_coders
from qualcode.analysis.spans import Span
from qualcode.analysis.table import Table
from qualcode.project import Project

Criterion = Literal["segment", "presence", "frequency"]


@attrs.frozen
class CodeAgreement:
    """One code's agreements and disagreements (pooled over the documents compared)."""

    code_id: str
    agreements: int
    disagreements: int
    first_matched: int = 0
    """Segments only: the first coder's segments that found a partner (``a``)."""
    first_unmatched: int = 0
    second_unmatched: int = 0

    @property
    def percentage(self) -> float:
        """Agreements as a share of everything checked (1.0 when nothing was checked)."""
        total = self.agreements + self.disagreements
        return 1.0 if total == 0 else self.agreements / total


@attrs.frozen
class SegmentAgreement:
    """The result of one MAXQDA-style comparison."""

    project: Project
    criterion: str
    min_overlap: float
    codes: tuple[CodeAgreement, ...]

    @property
    def agreements(self) -> int:
        return sum(code.agreements for code in self.codes)

    @property
    def disagreements(self) -> int:
        return sum(code.disagreements for code in self.codes)

    @property
    def percentage(self) -> float:
        total = self.agreements + self.disagreements
        return 1.0 if total == 0 else self.agreements / total

    @property
    def kappa(self) -> float:
        """Brennan and Prediger's kappa as MAXQDA reports it for segments (chance: one over the
        number of codes in the table); for presence and frequency, chance is one half."""
        if self.criterion == "segment":
            a = sum(code.first_matched for code in self.codes)
            b = sum(code.first_unmatched for code in self.codes)
            c = sum(code.second_unmatched for code in self.codes)
            observed = 1.0 if a + b + c == 0 else a / (a + b + c)
            chance = 1.0 / max(2, len(self.codes))
        else:
            observed = self.percentage
            chance = 0.5
        return (observed - chance) / (1.0 - chance)

    def to_table(self) -> Table:
        rows = [
            (
                "/".join(self.project.code_path(code.code_id)),
                code.agreements,
                code.disagreements,
                code.agreements + code.disagreements,
                round(code.percentage * 100, 2),
            )
            for code in self.codes
        ]
        rows.append(
            (
                "(all)",
                self.agreements,
                self.disagreements,
                self.agreements + self.disagreements,
                round(self.percentage * 100, 2),
            )
        )
        return Table(
            ("code", "agreements", "disagreements", "total", "percentage"),
            rows,
            title=f"Intercoder agreement by {self.criterion}",
        )


def maxqda_agreement(
    project: Project,
    first: str | Iterable[str],
    second: str | Iterable[str],
    *,
    criterion: Criterion = "segment",
    min_overlap: float = 0.9,
    documents: Iterable[str] | None = None,
) -> SegmentAgreement:
    """Compare two coders as MAXQDA's Intercoder Agreement does (see the module's text).

    ``documents`` limits the documents (ids; default: every document either coder coded).
    """
    if criterion not in ("segment", "presence", "frequency"):
        raise ValueError(f"criterion must be segment, presence or frequency, not {criterion!r}")
    if not 0 < min_overlap <= 1:
        raise ValueError(f"min_overlap must be a share above 0 and at most 1, not {min_overlap}")
    sides = (
        {c.id for c in resolve_coders(project, first)},
        {c.id for c in resolve_coders(project, second)},
    )
    if sides[0] & sides[1]:
        raise AnalysisInputError("a coder cannot be on both sides")
    wanted = None if documents is None else set(documents)
    segments: dict[tuple[str, str], tuple[list[Span], list[Span]]] = {}
    for coding in project.codings:
        if wanted is not None and coding.document_id not in wanted:
            continue
        side = 0 if coding.coder_id in sides[0] else 1 if coding.coder_id in sides[1] else -1
        if side >= 0:
            pair = segments.setdefault((coding.code_id, coding.document_id), ([], []))
            pair[side].append((coding.start, coding.end))
    for side, named in ((0, first), (1, second)):
        if not any(pair[side] for pair in segments.values()):
            label = named if isinstance(named, str) else ", ".join(named)
            raise AnalysisInputError(f"{label} coded nothing in the documents compared")
    per_code: dict[str, list[int]] = {}
    for (code_id, _document_id), (a, b) in segments.items():
        counts = per_code.setdefault(code_id, [0, 0, 0, 0, 0])
        if criterion == "segment":
            matched_a = _matched(a, b, min_overlap)
            matched_b = _matched(b, a, min_overlap)
            counts[0] += matched_a + matched_b
            counts[1] += (len(a) - matched_a) + (len(b) - matched_b)
            counts[2] += matched_a
            counts[3] += len(a) - matched_a
            counts[4] += len(b) - matched_b
        elif criterion == "presence":
            agree = bool(a) and bool(b)
            counts[0 if agree else 1] += 1
        else:
            counts[0 if len(a) == len(b) else 1] += 1
    codes = tuple(CodeAgreement(code_id, *counts) for code_id, counts in per_code.items())
    return SegmentAgreement(project, criterion, min_overlap, codes)


def _matched(mine: list[Span], theirs: list[Span], min_overlap: float) -> int:
    """How many of ``mine`` have a segment in ``theirs`` overlapping it by ``min_overlap`` of
    the two segments' union."""
    if not theirs:
        return 0
    ordered = sorted(theirs)
    starts = [start for start, _ in ordered]
    longest = max(end - start for start, end in ordered)
    count = 0
    for start, end in mine:
        first = bisect.bisect_left(starts, start - longest)
        last = bisect.bisect_left(starts, end)
        for other_start, other_end in ordered[first:last]:
            shared = min(end, other_end) - max(start, other_start)
            union = max(end, other_end) - min(start, other_start)
            if shared > 0 and shared >= min_overlap * union:
                count += 1
                break
            if union == 0 and start == other_start:  # two empty segments at one place
                count += 1
                break
    return count
