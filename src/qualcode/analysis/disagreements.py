"""Where two coders differ, so a team can talk it through; and how a machine coder fares
against a person, code by code.

:func:`disagreements` lists every stretch of text that one side coded with a code and the
other did not, with its quote. :func:`machine_scores` treats the first side as the reference
(the researchers) and the second as the proposals (a strategy's machine coder) and gives, per
code, precision (how much of what the machine coded the people coded too), recall (how much of
what the people coded the machine found) and F1, by characters.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from qualcode.analysis.comparison import compare_coders
from qualcode.analysis.names import resolve_coders
from qualcode.analysis.spans import Span, difference, merged
from qualcode.analysis.table import Table
from qualcode.project import Project


@attrs.frozen
class Disagreement:
    """A stretch of a document coded with a code by one side only."""

    document_id: str
    code_id: str
    start: int
    end: int
    coded_by: str
    """``first`` or ``second``: the side that coded it."""


def disagreements(
    project: Project, first: str | Iterable[str], second: str | Iterable[str]
) -> list[Disagreement]:
    """Every stretch coded with a code by one side and not the other, in document order."""
    sides = (
        {c.id for c in resolve_coders(project, first)},
        {c.id for c in resolve_coders(project, second)},
    )
    spans: dict[tuple[str, str], tuple[list[Span], list[Span]]] = {}
    for coding in project.codings:
        side = 0 if coding.coder_id in sides[0] else 1 if coding.coder_id in sides[1] else -1
        if side >= 0 and coding.end > coding.start:
            spans.setdefault((coding.document_id, coding.code_id), ([], []))[side].append(
                (coding.start, coding.end)
            )
    order = {document_id: n for n, document_id in enumerate(project.documents.ids())}
    found: list[Disagreement] = []
    for (document_id, code_id), (a, b) in spans.items():
        mine, theirs = merged(a), merged(b)
        found.extend(
            Disagreement(document_id, code_id, s, e, "first") for s, e in difference(mine, theirs)
        )
        found.extend(
            Disagreement(document_id, code_id, s, e, "second") for s, e in difference(theirs, mine)
        )
    found.sort(key=lambda d: (order.get(d.document_id, 0), d.start, d.end, d.code_id))
    return found


def disagreement_table(
    project: Project, first: str | Iterable[str], second: str | Iterable[str]
) -> Table:
    """:func:`disagreements` as a table with names and quotes."""
    names = (
        ", ".join(c.name for c in resolve_coders(project, first)),
        ", ".join(c.name for c in resolve_coders(project, second)),
    )
    rows = []
    for item in disagreements(project, first, second):
        document = project.documents[item.document_id]
        rows.append(
            (
                document.name,
                "/".join(project.code_path(item.code_id)),
                item.start,
                item.end,
                names[0] if item.coded_by == "first" else names[1],
                names[1] if item.coded_by == "first" else names[0],
                document.text[item.start : item.end],
            )
        )
    return Table(
        ("document", "code", "start", "end", "coded by", "not by", "quote"),
        rows,
        title=f"Where {names[0]} and {names[1]} differ",
    )


@attrs.frozen
class Scores:
    code_id: str
    precision: float | None
    """None where the machine coded nothing with this code."""
    recall: float | None
    """None where the people coded nothing with this code."""

    @property
    def f1(self) -> float | None:
        if self.precision is None or self.recall is None:
            return None
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def machine_scores(
    project: Project, people: str | Iterable[str], machine: str | Iterable[str]
) -> list[Scores]:
    """Precision, recall and F1 per code, by characters, of ``machine`` against ``people``."""
    comparison = compare_coders(project, people, machine)
    scores = []
    for row in comparison.by_code():
        cells = row.cells
        proposed = cells.both + cells.second_only
        reference = cells.both + cells.first_only
        scores.append(
            Scores(
                row.code_id,
                cells.both / proposed if proposed else None,
                cells.both / reference if reference else None,
            )
        )
    return scores
