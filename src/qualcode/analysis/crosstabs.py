"""Codes against cases, time points and attributes; codes against codes; cases across time.

- :func:`crosstab`: rows are cases, time points, case by time point, documents, or the values
  of a case (or document) attribute; columns are codes or themes; cells count codings, mark
  presence (0/1) or add up coded characters.
- :func:`cooccurrence`: pairs of codes that overlap, or fall in the same sentence, paragraph or
  document, as counts and as Jaccard's index.
- :func:`case_timeline`: each case's codes (or themes) across the time points, one row per case
  and code: the longitudinal view.

Everything walks the codings once (plus a sort per document for overlaps); nothing is scanned
once per code or per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Literal

from qualcode.analysis.names import AnalysisInputError, resolve_coders
from qualcode.analysis.spans import Span, merged, overlap, touched_units
from qualcode.analysis.table import Table
from qualcode.analysis.units import unit_units
from qualcode.model import Code, Coding, Document
from qualcode.project import Project

NO_CASE = "(no case)"
NO_TIME = "(no time point)"
NO_VALUE = "(no value)"
Value = Literal["count", "presence", "characters"]
Scope = Literal["overlap", "sentence", "paragraph", "document"]


def _codings(project: Project, coders: str | Iterable[str] | None) -> Iterable[Coding]:
    if coders is None:
        return project.codings
    ids = {c.id for c in resolve_coders(project, coders)}
    return (c for c in project.codings if c.coder_id in ids)


def _time_label(document: Document) -> str:
    return NO_TIME if document.time_point is None else f"T{document.time_point}"


def _row_key(project: Project, rows: str) -> Callable[[Document], str]:
    """A function from a document to its row label, for the row axis ``rows``."""

    def case_name(document: Document) -> str:
        case = project.cases.get(document.case_id)
        return case.name if case is not None else NO_CASE

    if rows == "case":
        return case_name
    if rows == "time":
        return _time_label
    if rows == "case-time":

        def case_and_time(document: Document) -> str:
            return f"{case_name(document)} / {_time_label(document)}"

        return case_and_time
    if rows == "document":

        def document_name(document: Document) -> str:
            return document.name

        return document_name
    variables = [v for v in project.variables if v.name == rows or v.id == rows]
    if not variables:
        known = ", ".join(sorted(v.name for v in project.variables))
        raise AnalysisInputError(
            f"rows must be case, time, case-time, document or an attribute; the project has no "
            f"attribute {rows!r}" + (f"; its attributes: {known}" if known else "")
        )
    variable = variables[0]

    def attribute(document: Document) -> str:
        value = document.attributes.get(variable.id, document.attributes.get(variable.name))
        case = project.cases.get(document.case_id)
        if value is None and case is not None:
            value = case.attributes.get(variable.id, case.attributes.get(variable.name))
        return NO_VALUE if value is None else str(value)

    return attribute


def _columns(project: Project, cols: str) -> tuple[list[str], dict[str, list[str]]]:
    """The column labels in code-tree order, and each code's labels (its themes, or itself)."""
    if cols == "code":
        labels = ["/".join(project.code_path(code.id)) for code in _tree_order(project)]
        return labels, {code.id: ["/".join(project.code_path(code.id))] for code in project.codes}
    if cols == "theme":
        by_code: dict[str, list[str]] = defaultdict(list)
        for theme in project.themes:
            for code_id in theme.code_ids:
                by_code[code_id].append(theme.name)
        return [theme.name for theme in project.themes], dict(by_code)
    raise ValueError(f"cols must be code or theme, not {cols!r}")


def _tree_order(project: Project) -> list[Code]:
    ordered: list[Code] = []
    stack = list(reversed(project.children(None)))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(project.children(code.id)))
    return ordered


def crosstab(
    project: Project,
    *,
    rows: str = "case",
    cols: Literal["code", "theme"] = "code",
    value: Value = "count",
    coders: str | Iterable[str] | None = None,
) -> Table:
    """A table of ``rows`` (case, time, case-time, document or an attribute's name) against
    codes or themes; each cell counts codings (``count``), says whether there is any
    (``presence``, 0 or 1) or adds up their characters (``characters``)."""
    if value not in ("count", "presence", "characters"):
        raise ValueError(f"value must be count, presence or characters, not {value!r}")
    row_of = _row_key(project, rows)
    labels, labels_of = _columns(project, cols)
    documents = project.documents
    cells: dict[str, Counter[str]] = {}
    for document in documents:  # every row shows, even one without codings
        cells.setdefault(row_of(document), Counter())
    for coding in _codings(project, coders):
        row = cells[row_of(documents[coding.document_id])]
        amount = coding.end - coding.start if value == "characters" else 1
        for label in labels_of.get(coding.code_id, ()):
            row[label] += amount
    ordered_rows = sorted(cells, key=_natural) if rows in ("time", "case-time") else list(cells)
    table_rows = []
    for row_label in ordered_rows:
        counts = cells[row_label]
        values = [
            int(counts[label] > 0) if value == "presence" else counts[label] for label in labels
        ]
        table_rows.append((row_label, *values))
    return Table((rows, *labels), table_rows, title=f"{cols.title()}s by {rows} ({value})")


def _natural(label: str) -> tuple[object, ...]:
    """Sort key putting T2 before T10 and labels without a time point last."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", label.replace(NO_TIME, "\uffff"))
    )


def cooccurrence(
    project: Project,
    *,
    scope: Scope = "overlap",
    coders: str | Iterable[str] | None = None,
) -> Table:
    """Pairs of codes found together, with how often and Jaccard's index.

    ``overlap``: count is the number of pairs of overlapping codings, Jaccard is shared coded
    characters over the characters coded with either. ``sentence``, ``paragraph``,
    ``document``: count is the number of such units holding both codes, Jaccard is that over
    the units holding either.
    """
    if scope not in ("overlap", "sentence", "paragraph", "document"):
        raise ValueError(f"scope must be overlap, sentence, paragraph or document, not {scope!r}")
    by_document: dict[str, list[Coding]] = defaultdict(list)
    for coding in _codings(project, coders):
        by_document[coding.document_id].append(coding)
    together: Counter[tuple[str, str]] = Counter()
    alone: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for document_id, codings in by_document.items():
        if scope == "overlap":
            found = _overlapping_pairs(codings, together)
            spans: dict[str, list[Span]] = defaultdict(list)
            for coding in codings:
                spans[coding.code_id].append((coding.start, coding.end))
            union = {code: merged(s) for code, s in spans.items()}
            for code, s in union.items():
                alone[code] += sum(end - start for start, end in s)
            for pair in found:
                shared[pair] += overlap(union[pair[0]], union[pair[1]])
        else:
            codes_in: dict[int, set[str]] = defaultdict(set)
            if scope == "document":
                codes_in[0] = {coding.code_id for coding in codings}
            else:
                units = unit_units(project.documents[document_id], scope)
                spans = defaultdict(list)
                for coding in codings:
                    spans[coding.code_id].append((coding.start, coding.end))
                for code, s in spans.items():
                    for index, mark in enumerate(touched_units(units, merged(s))):
                        if mark:
                            codes_in[index].add(code)
            for codes in codes_in.values():
                for code in codes:
                    alone[code] += 1
                for pair in combinations(sorted(codes), 2):
                    together[pair] += 1
                    shared[pair] += 1
    rows = []
    for (a, b), count in together.items():
        both = shared[a, b]
        either = alone[a] + alone[b] - both
        first, second = sorted(("/".join(project.code_path(a)), "/".join(project.code_path(b))))
        rows.append((first, second, count, round(both / either, 4) if either else 0.0))
    rows.sort(key=lambda row: (-row[2], row[0], row[1]))
    return Table(
        ("code", "other code", "count", "jaccard"), rows, title=f"Codes together ({scope})"
    )


def _overlapping_pairs(
    codings: list[Coding], pairs: Counter[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Count pairs of overlapping codings of different codes (a sweep with an active list);
    returns the pairs of codes found overlapping in these codings."""
    active: list[Coding] = []
    found: set[tuple[str, str]] = set()
    for coding in sorted(codings, key=lambda c: (c.start, c.end)):
        if coding.end <= coding.start:
            continue
        active = [other for other in active if other.end > coding.start]
        code_id = coding.code_id
        for other in active:
            other_code = other.code_id
            if other_code != code_id:
                pair = (other_code, code_id) if other_code < code_id else (code_id, other_code)
                pairs[pair] += 1
                found.add(pair)
        active.append(coding)
    return found


def case_timeline(
    project: Project,
    *,
    cols: Literal["code", "theme"] = "code",
    coders: str | Iterable[str] | None = None,
) -> Table:
    """Each case's codes (or themes) across the time points: rows are (case, code), columns
    the time points, cells the number of codings."""
    _, labels_of = _columns(project, cols)
    times = project.time_points()
    counts: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for coding in _codings(project, coders):
        document = project.documents[coding.document_id]
        case = project.cases.get(document.case_id)
        if case is None or document.time_point is None:
            continue
        for label in labels_of.get(coding.code_id, ()):
            counts[case.name, label][document.time_point] += 1
    case_order = {case.name: n for n, case in enumerate(project.cases)}
    rows = [
        (case, label, *(counts[case, label][t] for t in times))
        for case, label in sorted(counts, key=lambda key: (case_order.get(key[0], 0), key[1]))
    ]
    return Table(
        ("case", cols, *(f"T{t}" for t in times)),
        rows,
        title=f"{cols.title()}s of each case across time points",
    )
