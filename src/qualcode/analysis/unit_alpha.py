"""Krippendorff's alpha for two or more coders over sentences or paragraphs of a project.

Each code makes one binary variable: a coder marks a unit (a sentence or a paragraph) with a
code when any character of it is coded with that code by that coder. A coder who coded nothing
in a document has no rating for its units (missing, not "absent"), so a team that split the
documents is compared only where two or more coders worked. Per code, alpha is computed over
the units; pooled, over every (code, unit) pair at once, never by averaging the codes' alphas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from qualcode.analysis.agreement import UndefinedAgreementError, krippendorff_alpha
from qualcode.analysis.names import AnalysisInputError, resolve_coders
from qualcode.analysis.spans import Span, merged, touched_units
from qualcode.analysis.table import Table
from qualcode.analysis.units import unit_units
from qualcode.project import Project


@attrs.frozen
class CodeAlpha:
    """Alpha of one code (None where it is undefined, with the reason)."""

    code_id: str
    alpha: float | None
    units: int
    """How many units two or more coders rated."""
    undefined: str = ""


@attrs.frozen
class UnitAlpha:
    codes: tuple[CodeAlpha, ...]
    pooled: float | None
    pooled_undefined: str
    unit: str
    coders: tuple[str, ...]

    def to_table(self, project: Project) -> Table:
        rows: list[tuple[object, ...]] = [
            (
                "/".join(project.code_path(code.code_id)),
                code.units,
                None if code.alpha is None else round(code.alpha, 4),
                code.undefined,
            )
            for code in self.codes
        ]
        rows.append(
            (
                "(all)",
                sum(code.units for code in self.codes),
                None if self.pooled is None else round(self.pooled, 4),
                self.pooled_undefined,
            )
        )
        return Table(
            ("code", "units", "alpha", "note"),
            rows,
            title=f"Krippendorff's alpha by {self.unit} for {', '.join(self.coders)}",
        )


def alpha_by_units(
    project: Project,
    coders: Iterable[str],
    *,
    unit: Literal["sentence", "paragraph"] = "sentence",
    codes: Iterable[str] | None = None,
) -> UnitAlpha:
    """Krippendorff's alpha (binary, nominal) of ``coders`` (names or ids, two or more) per
    code and pooled, over the sentences or paragraphs of the documents they coded."""
    found = resolve_coders(project, coders)
    if len(found) < 2:
        raise AnalysisInputError("alpha needs two coders or more")
    index = {coder.id: i for i, coder in enumerate(found)}
    spans: dict[tuple[str, str, int], list[Span]] = {}
    worked: list[set[str]] = [set() for _ in found]
    for coding in project.codings:
        position = index.get(coding.coder_id or "")
        if position is None or coding.end <= coding.start:
            continue
        worked[position].add(coding.document_id)
        spans.setdefault((coding.code_id, coding.document_id, position), []).append(
            (coding.start, coding.end)
        )
    for position, coder in enumerate(found):
        if not worked[position]:
            raise AnalysisInputError(f"{coder.name} coded no text in this project")
    code_ids = (
        list(dict.fromkeys(codes))
        if codes is not None
        else list(dict.fromkeys(code for code, _, _ in spans))
    )
    for code_id in code_ids:
        project.codes[code_id]  # an unknown id raises, naming it
    shared_documents = [d for d in project.documents if sum(d.id in w for w in worked) >= 2]
    tables: dict[str, list[list[int | None]]] = {c: [[] for _ in found] for c in code_ids}
    for document in shared_documents:
        units = unit_units(document, unit)
        for code_id in code_ids:
            for position in range(len(found)):
                if document.id not in worked[position]:
                    tables[code_id][position].extend([None] * len(units))
                    continue
                coded = merged(spans.get((code_id, document.id, position), []))
                marks = touched_units(units, coded)
                tables[code_id][position].extend(int(mark) for mark in marks)
    results: list[CodeAlpha] = []
    pooled_table: list[list[int | None]] = [[] for _ in found]
    for code_id in code_ids:
        table = tables[code_id]
        rated = sum(
            1 for u in range(len(table[0])) if sum(row[u] is not None for row in table) >= 2
        )
        for position, row in enumerate(table):
            pooled_table[position].extend(row)
        try:
            results.append(CodeAlpha(code_id, krippendorff_alpha(table), rated))
        except UndefinedAgreementError as error:
            results.append(CodeAlpha(code_id, None, rated, error.message))
    try:
        pooled: float | None = krippendorff_alpha(pooled_table)
        reason = ""
    except UndefinedAgreementError as error:
        pooled, reason = None, error.message
    return UnitAlpha(tuple(results), pooled, reason, unit, tuple(c.name for c in found))
