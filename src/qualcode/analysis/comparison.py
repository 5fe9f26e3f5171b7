"""Coding comparison as NVivo computes it: two coders (or groups), unit by unit, per code.

For each code and document, every unit of text falls in one of four cells: coded by both
sides, by the first only, by the second only, or by neither. Units are characters (NVivo's
default), or sentences or paragraphs, where any coded character marks the unit. Then

- agreement = (both + neither) / all units, and
- kappa = Cohen's kappa of that 2x2 table: chance agreement from each side's share of coded
  units. NVivo reports kappa 1 when chance agreement is complete (neither side coded anything,
  or both coded everything); so does qualcode, and says so with ``chance_complete``.

Pooled figures (per code over documents, or over everything) add the four counts up first and
compute once; kappas are never averaged. Source: NVivo 14 help, "Run a coding comparison query"
("How are the percentage agreement and kappa values calculated?"), whose example of 1,000
characters, 50 coded by both, 150 by one and 800 by neither gives 85% agreement.

Each document in the comparison counts in full for every code: a code neither side used in a
document adds that document's units to ``neither``. The documents compared are, by default,
those that both sides coded (with any code).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from qualcode.analysis.coverage import character_coverage
from qualcode.analysis.names import AnalysisInputError, resolve_coders
from qualcode.analysis.spans import Span, covered, merged, overlap, touched_units
from qualcode.analysis.table import Table
from qualcode.analysis.units import unit_units
from qualcode.model import Coder, Document
from qualcode.project import Project

Unit = Literal["character", "sentence", "paragraph"]
UNITS: tuple[str, ...] = ("character", "sentence", "paragraph")


@attrs.frozen
class Cells:
    """The 2x2 table of one comparison, in units."""

    both: int = 0
    first_only: int = 0
    second_only: int = 0
    neither: int = 0

    def __add__(self, other: Cells) -> Cells:
        return Cells(
            self.both + other.both,
            self.first_only + other.first_only,
            self.second_only + other.second_only,
            self.neither + other.neither,
        )

    @property
    def units(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither

    @property
    def agreement(self) -> float:
        """(both + neither) / all units; 1.0 for a table of no units."""
        total = self.units
        return 1.0 if total == 0 else (self.both + self.neither) / total

    @property
    def chance(self) -> float:
        """Chance agreement from each side's share of coded units."""
        total = self.units
        if total == 0:
            return 1.0
        first = (self.both + self.first_only) / total
        second = (self.both + self.second_only) / total
        return first * second + (1 - first) * (1 - second)

    @property
    def chance_complete(self) -> bool:
        """Whether chance agreement is complete, so kappa is 1 by NVivo's rule, not measured."""
        return self.chance >= 1.0 - 1e-12

    @property
    def kappa(self) -> float:
        """Cohen's kappa of the table (1.0 where chance agreement is complete, as NVivo)."""
        if self.chance_complete:
            return 1.0
        return (self.agreement - self.chance) / (1.0 - self.chance)


@attrs.frozen
class ComparisonRow:
    """One code in one document (``document_id`` None: pooled over documents)."""

    code_id: str
    document_id: str | None
    cells: Cells


@attrs.frozen
class CodingComparison:
    """The comparison of two sides over a project: per code and document, and pooled."""

    project: Project
    first: tuple[Coder, ...]
    second: tuple[Coder, ...]
    unit: str
    documents: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    """Every code compared, in every document compared."""
    notes: tuple[str, ...] = ()
    """What a reader of the figures should know, e.g. overlapping codings merged first."""

    def by_code(self) -> list[ComparisonRow]:
        """Per code, pooled over the documents (counts added up)."""
        pooled: dict[str, Cells] = {}
        for row in self.rows:
            pooled[row.code_id] = pooled.get(row.code_id, Cells()) + row.cells
        return [ComparisonRow(code_id, None, cells) for code_id, cells in pooled.items()]

    def pooled(self) -> Cells:
        """Every code in every document, counts added up."""
        total = Cells()
        for row in self.rows:
            total = total + row.cells
        return total

    def to_table(self, *, per_document: bool = True) -> Table:
        """The comparison as a :class:`Table`, one row per code (and document)."""
        rows = self.rows if per_document else tuple(self.by_code())
        documents = self.project.documents
        out = []
        for row in rows:
            cells = row.cells
            document = documents[row.document_id].name if row.document_id else "(all)"
            out.append(
                (
                    "/".join(self.project.code_path(row.code_id)),
                    document,
                    cells.both,
                    cells.first_only,
                    cells.second_only,
                    cells.neither,
                    round(cells.agreement * 100, 2),
                    round(cells.kappa, 4),
                )
            )
        first = ", ".join(coder.name for coder in self.first)
        second = ", ".join(coder.name for coder in self.second)
        return Table(
            (
                "code",
                "document",
                f"both ({self.unit}s)",
                "first only",
                "second only",
                "neither",
                "agreement %",
                "kappa",
            ),
            out,
            title=f"Coding comparison of {first} and {second} by {self.unit}",
        )


def compare_coders(
    project: Project,
    first: str | Iterable[str],
    second: str | Iterable[str],
    *,
    unit: Unit = "character",
    codes: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
) -> CodingComparison:
    """Compare the codings of ``first`` and ``second`` (coder names or ids, one or several a
    side) as NVivo's coding comparison does.

    ``codes`` limits the codes compared (ids; default: every code either side used in the
    documents compared); ``documents`` the documents (ids; default: those both sides coded).
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    first_coders = resolve_coders(project, first)
    second_coders = resolve_coders(project, second)
    shared = {c.id for c in first_coders} & {c.id for c in second_coders}
    if shared:
        names = ", ".join(sorted(project.coders[i].name for i in shared))
        raise AnalysisInputError(f"a coder cannot be on both sides: {names}")
    side_of = {coder.id: 0 for coder in first_coders}
    side_of.update((coder.id, 1) for coder in second_coders)
    coverage = character_coverage(project, side_of) if unit == "character" else None
    spans: dict[tuple[str, str], tuple[list[Span], list[Span]]] = {}
    if coverage is not None:
        coded_by = coverage.coded_by
        keys: Iterable[tuple[str, str]] = coverage.by_key
    else:
        coded_by, spans = _spans_by_side(project, side_of)
        keys = spans
    for side, coders in ((0, first_coders), (1, second_coders)):
        if not coded_by[side]:
            names = ", ".join(c.name for c in coders)
            raise AnalysisInputError(f"{names} coded no text in this project")
    if documents is None:
        both_sides = coded_by[0] & coded_by[1]
        document_ids = [d.id for d in project.documents if d.id in both_sides]
    else:
        document_ids = list(dict.fromkeys(documents))
        for document_id in document_ids:
            project.documents[document_id]  # an unknown id raises, naming it
    if codes is None:
        in_scope = set(document_ids)
        code_ids = list(dict.fromkeys(code for code, doc in keys if doc in in_scope))
    else:
        code_ids = list(dict.fromkeys(codes))
        for code_id in code_ids:
            project.codes[code_id]
    rows: list[ComparisonRow] = []
    overlapping = list(coverage.overlapping) if coverage is not None else [0, 0]
    for document_id in document_ids:
        document = project.documents[document_id]
        length = len(document.text)
        if coverage is not None:
            for code_id in code_ids:
                first_count, second_count, either = coverage.by_key.get(
                    (code_id, document_id), (0, 0, 0)
                )
                both = first_count + second_count - either
                cells = Cells(both, first_count - both, second_count - both, length - either)
                rows.append(ComparisonRow(code_id, document_id, cells))
            continue
        unit_spans = _units(document, unit)
        for code_id in code_ids:
            a, b = spans.get((code_id, document_id), ([], []))
            merged_a, merged_b = merged(a), merged(b)
            overlapping[0] += len(a) - len(merged_a)
            overlapping[1] += len(b) - len(merged_b)
            cells = _cells(merged_a, merged_b, length, unit_spans)
            rows.append(ComparisonRow(code_id, document_id, cells))
    notes = tuple(
        f"{', '.join(c.name for c in coders)}: {count} overlapping or touching codings of one "
        "code were merged first, so each character counts once"
        for coders, count in ((first_coders, overlapping[0]), (second_coders, overlapping[1]))
        if count
    )
    return CodingComparison(
        project, first_coders, second_coders, unit, tuple(document_ids), tuple(rows), notes
    )


def _spans_by_side(
    project: Project, side_of: dict[str, int]
) -> tuple[tuple[set[str], set[str]], dict[tuple[str, str], tuple[list[Span], list[Span]]]]:
    """The documents each side coded text in, and each (code, document)'s spans per side.

    A coding of no length (a region of a non-text source) has no characters to compare.
    """
    spans: dict[tuple[str, str], tuple[list[Span], list[Span]]] = {}
    coded_by: tuple[set[str], set[str]] = (set(), set())
    for coding in project.codings:
        side = side_of.get(coding.coder_id) if coding.coder_id is not None else None
        if side is None or coding.end <= coding.start:
            continue
        coded_by[side].add(coding.document_id)
        key = (coding.code_id, coding.document_id)
        pair = spans.get(key)
        if pair is None:
            pair = spans[key] = ([], [])
        pair[side].append((coding.start, coding.end))
    return coded_by, spans


def _units(document: Document, unit: str) -> list[Span] | None:
    """The sorted units of ``document`` (None for characters)."""
    return None if unit == "character" else unit_units(document, unit)


def _cells(a: Sequence[Span], b: Sequence[Span], length: int, units: list[Span] | None) -> Cells:
    if units is None:
        both = overlap(a, b)
        first, second = covered(a), covered(b)
        return Cells(both, first - both, second - both, length - first - second + both)
    marks_a = touched_units(units, a)
    marks_b = touched_units(units, b)
    counts = [0, 0, 0, 0]
    for x, y in zip(marks_a, marks_b, strict=True):
        counts[0 if x and y else 1 if x else 2 if y else 3] += 1
    return Cells(*counts)
