"""What the HTML report shows, gathered from a project through :mod:`qualcode.analysis`.

:func:`gather` calls the analysis functions (code frequencies, crosstabs by time point and by
case, co-occurrence, coder comparison, the theme map) and turns their tables into plain values
for the templates: nothing here recomputes an analysis. The quotes are kept as compact rows
(indexes into tables of documents, codes and coders) that the page's script draws a page at a
time, so a project of 100,000 codings opens quickly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import Any, Literal

import attrs

from qualcode import analysis
from qualcode.analysis.crosstabs import NO_CASE, NO_TIME
from qualcode.analysis.names import AnalysisInputError
from qualcode.model import Coder
from qualcode.project import Project
from qualcode.reports import charts

Scope = Literal["overlap", "sentence", "paragraph", "document"]

MOST_ROWS = 25
"""At most this many codes down a chart (the most frequent); the rest are named in a note."""
MOST_CASES = 12
"""At most this many cases across the chart by case (those with the most codings)."""
MOST_COMPARED = 5
"""Coders compared pairwise at most (the five who coded most): ten pairs."""
SAMPLE_QUOTES = 3
"""Quotes printed under each code in the page itself (all of them are in the quote browser)."""


@attrs.frozen
class Quote:
    """A coded passage with where it comes from."""

    text: str
    code: str
    document: str
    case: str
    time_point: str
    coder: str
    start: int
    end: int


@attrs.frozen
class CodeEntry:
    """A code as the codebook part of the report shows it."""

    index: int
    """Its position in the quote data's code table (the code filter uses it)."""
    path: str
    depth: int
    codings: int
    documents: int
    cases: int
    characters: int
    definition: str
    inclusion: str
    exclusion: str
    examples: tuple[str, ...]
    origin: str
    color: str
    themes: tuple[str, ...]
    quotes: tuple[Quote, ...]


@attrs.frozen
class ThemeEntry:
    """A theme with the codes it groups and its subthemes."""

    name: str
    status: str
    definition: str
    narrative: str
    parent: str
    codes: tuple[str, ...]
    subthemes: tuple[str, ...]


@attrs.frozen
class PairAgreement:
    """Two coders compared, as NVivo's coding comparison by character."""

    first: str
    second: str
    documents: int
    agreement: float | None
    kappa: float | None
    per_code: tuple[tuple[str, float, float], ...]
    notes: tuple[str, ...]


@attrs.frozen
class ReportData:
    """Everything the report's template shows."""

    title: str
    description: str
    origin: str
    generated: str
    version: str
    empty: bool
    counts: tuple[tuple[str, int], ...]
    time_points: tuple[int, ...]
    kinds: tuple[tuple[str, int], ...]
    cases: tuple[dict[str, Any], ...]
    attribute_names: tuple[str, ...]
    coders: tuple[dict[str, Any], ...]
    themes: tuple[ThemeEntry, ...]
    codes: tuple[CodeEntry, ...]
    by_time: charts.BarMatrix
    by_case: charts.BarMatrix
    heat_map: charts.HeatMap
    cooccurrence_scope: str
    theme_map: charts.ThemeMap
    theme_map_mermaid: str
    agreement: tuple[PairAgreement, ...]
    agreement_note: str
    group_alpha: str
    """Krippendorff's alpha of three people or more together, by sentence, as a sentence."""
    quote_data: dict[str, Any]
    quote_count: int
    quote_limit: int


def gather(
    project: Project,
    *,
    title: str | None = None,
    cooccurrence_scope: Scope = "overlap",
    quote_limit: int = 2000,
    generated: dt.datetime | None = None,
) -> ReportData:
    """The report's content for ``project``; quotes longer than ``quote_limit`` characters are
    cut there (the page says by how much)."""
    from qualcode import __version__

    when = generated or dt.datetime.now(dt.UTC)
    paths = {code.id: "/".join(project.code_path(code.id)) for code in project.codes}
    quote_data, samples = _quotes(project, paths, quote_limit)
    code_index = {code_id: n for n, code_id in enumerate(quote_data["code_ids"])}
    del quote_data["code_ids"]
    return ReportData(
        title=title or project.name,
        description=project.description,
        origin=project.origin,
        generated=when.strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        empty=not len(project.documents) and not len(project.codes),
        counts=tuple(
            (label, len(collection))
            for label, collection in (
                ("documents", project.documents),
                ("cases", project.cases),
                ("codes", project.codes),
                ("codings", project.codings),
                ("themes", project.themes),
                ("coders", project.coders),
                ("memos", project.memos),
            )
        ),
        time_points=tuple(project.time_points()),
        kinds=tuple(Counter(d.kind.value for d in project.documents).most_common()),
        cases=_cases(project),
        attribute_names=tuple(v.name for v in project.variables),
        coders=_coders(project),
        themes=_themes(project, paths),
        codes=_codes(project, paths, code_index, samples),
        by_time=_by_time(project),
        by_case=_by_case(project),
        heat_map=_heat_map(project, cooccurrence_scope),
        cooccurrence_scope=cooccurrence_scope,
        theme_map=_theme_map(project, paths),
        theme_map_mermaid=analysis.theme_map_mermaid(project) if len(project.themes) else "",
        agreement=_agreement(project),
        agreement_note=_agreement_note(project),
        group_alpha=_group_alpha(project),
        quote_data=quote_data,
        quote_count=len(quote_data["quotes"]),
        quote_limit=quote_limit,
    )


def _quotes(
    project: Project, paths: dict[str, str], limit: int
) -> tuple[dict[str, Any], dict[str, list[Quote]]]:
    """The quote browser's data, and the first few quotes of each code in document order."""
    documents = list(project.documents)
    document_index = {document.id: n for n, document in enumerate(documents)}
    code_ids = list(paths)
    code_index = {code_id: n for n, code_id in enumerate(code_ids)}
    coders = list(project.coders)
    coder_index = {coder.id: n for n, coder in enumerate(coders)}
    ordered = sorted(project.codings, key=lambda c: (document_index[c.document_id], c.start, c.end))
    rows: list[list[Any]] = []
    samples: dict[str, list[Quote]] = defaultdict(list)
    case_names = {case.id: case.name for case in project.cases}
    for coding in ordered:
        document = documents[document_index[coding.document_id]]
        text = document.text[coding.start : coding.end]
        more = len(text) - limit
        if more > 0:
            text = text[:limit]
        coder = coder_index.get(coding.coder_id or "", -1)
        rows.append(
            [
                code_index[coding.code_id],
                document_index[coding.document_id],
                coder,
                coding.start,
                coding.end,
                text,
                max(more, 0),
            ]
        )
        kept = samples[coding.code_id]
        if len(kept) < SAMPLE_QUOTES:
            kept.append(
                Quote(
                    text=text + ("…" if more > 0 else ""),
                    code=paths[coding.code_id],
                    document=document.name,
                    case=case_names.get(document.case_id or "", ""),
                    time_point="" if document.time_point is None else f"T{document.time_point}",
                    coder=coders[coder].name if coder >= 0 else "",
                    start=coding.start,
                    end=coding.end,
                )
            )
    data = {
        "documents": [
            [
                d.name,
                case_names.get(d.case_id or "", ""),
                "" if d.time_point is None else f"T{d.time_point}",
                d.kind.value,
            ]
            for d in documents
        ],
        "codes": [[paths[code_id], project.codes[code_id].color or ""] for code_id in code_ids],
        "coders": [coder.name for coder in coders],
        "quotes": rows,
        "code_ids": code_ids,
    }
    return data, samples


def _cases(project: Project) -> tuple[dict[str, Any], ...]:
    documents: dict[str | None, list[int | None]] = defaultdict(list)
    for document in project.documents:
        documents[document.case_id].append(document.time_point)
    names = {v.id: v.name for v in project.variables}
    rows = []
    for case in project.cases:
        attributes = {names.get(key, key): value for key, value in case.attributes.items()}
        times = sorted({t for t in documents.get(case.id, []) if t is not None})
        rows.append(
            {
                "name": case.name,
                "documents": len(documents.get(case.id, [])),
                "time_points": ", ".join(f"T{t}" for t in times),
                "attributes": attributes,
            }
        )
    return tuple(rows)


def _coders(project: Project) -> tuple[dict[str, Any], ...]:
    counts = Counter(coding.coder_id for coding in project.codings)
    return tuple(
        {"name": coder.name, "machine": coder.machine, "codings": counts.get(coder.id, 0)}
        for coder in project.coders
    )


def _themes(project: Project, paths: dict[str, str]) -> tuple[ThemeEntry, ...]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for theme in project.themes:
        children[theme.parent_id].append(theme.name)
    entries = []
    for theme in project.themes:
        parent = project.themes.get(theme.parent_id)
        entries.append(
            ThemeEntry(
                name=theme.name,
                status=theme.status.value,
                definition=theme.definition,
                narrative=theme.narrative,
                parent=parent.name if parent is not None else "",
                codes=tuple(paths[c] for c in theme.code_ids if c in paths),
                subthemes=tuple(children.get(theme.id, ())),
            )
        )
    return tuple(entries)


def _codes(
    project: Project,
    paths: dict[str, str],
    code_index: dict[str, int],
    samples: dict[str, list[Quote]],
) -> tuple[CodeEntry, ...]:
    """The codebook in tree order, with the figures of :func:`analysis.code_frequencies`."""
    frequencies = {row["code"]: row for row in analysis.code_frequencies(project)}
    themes_of: dict[str, list[str]] = defaultdict(list)
    for theme in project.themes:
        for code_id in theme.code_ids:
            themes_of[code_id].append(theme.name)
    entries = []
    stack = list(reversed(project.children(None)))
    while stack:
        code = stack.pop()
        path = paths[code.id]
        figures = frequencies.get(path, {})
        entries.append(
            CodeEntry(
                index=code_index[code.id],
                path=path,
                depth=int(figures.get("depth", path.count("/"))),
                codings=int(figures.get("codings", 0)),
                documents=int(figures.get("documents", 0)),
                cases=int(figures.get("cases", 0)),
                characters=int(figures.get("characters", 0)),
                definition=code.definition,
                inclusion=code.inclusion,
                exclusion=code.exclusion,
                examples=code.examples,
                origin=code.origin.value if code.origin is not None else "",
                color=_colour(code.color),
                themes=tuple(themes_of.get(code.id, ())),
                quotes=tuple(samples.get(code.id, ())),
            )
        )
        stack.extend(reversed(project.children(code.id)))
    return tuple(entries)


def _colour(value: str | None) -> str:
    """A code's colour if it is a plain ``#rrggbb`` (it goes into a style attribute)."""
    plain = value is not None and len(value) in (4, 7) and value[0] == "#"
    if plain and all(c in "0123456789abcdefABCDEF" for c in (value or "")[1:]):
        return value or ""
    return ""


def _matrix_rows(
    table: analysis.Table, skip: Sequence[str] = ()
) -> tuple[list[str], list[str], list[list[int]]]:
    """A crosstab (rows: time points or cases, columns: codes) turned round for a bar matrix:
    the most frequent codes down the side, the table's rows across."""
    labels = [row[0] for row in table.rows]
    codes = list(table.columns[1:])
    totals = [sum(int(row[c + 1]) for row in table.rows) for c in range(len(codes))]
    keep_columns = [
        n for n, label in enumerate(labels) if label not in skip or any(table.rows[n][1:])
    ]
    order = sorted((c for c in range(len(codes)) if totals[c]), key=lambda c: (-totals[c], c))
    chosen = order[:MOST_ROWS]
    counts = [[int(table.rows[n][c + 1]) for n in keep_columns] for c in chosen]
    return [codes[c] for c in chosen], [labels[n] for n in keep_columns], counts


def _more_note(shown: int, total: int, what: str) -> str:
    return f"The {shown} {what} with the most codings of {total}." if total > shown else ""


def _by_time(project: Project) -> charts.BarMatrix:
    title = "Code frequencies by time point"
    if not project.time_points():
        return charts.bar_matrix(title, [], [], [], note="No document has a time point.")
    table = analysis.crosstab(project, rows="time", cols="code")
    rows, columns, counts = _matrix_rows(table, skip=(NO_TIME,))
    used = sum(1 for c in range(1, len(table.columns)) if any(r[c] for r in table.rows))
    note = _more_note(len(rows), used, "codes") if rows else "No codings yet."
    return charts.bar_matrix(title, rows, columns, counts, note=note)


def _by_case(project: Project) -> charts.BarMatrix:
    title = "Code frequencies by case"
    if not len(project.cases):
        return charts.bar_matrix(title, [], [], [], note="The project has no cases.")
    table = analysis.crosstab(project, rows="case", cols="code")
    case_totals = sorted(
        ((sum(row[1:]), n) for n, row in enumerate(table.rows) if row[0] != NO_CASE),
        key=lambda item: (-item[0], item[1]),
    )
    chosen = sorted(n for total, n in case_totals[:MOST_CASES] if total)
    narrowed = analysis.Table(table.columns, [table.rows[n] for n in chosen], title=table.title)
    rows, columns, counts = _matrix_rows(narrowed)
    notes = []
    if rows:
        used = sum(1 for c in range(1, len(table.columns)) if any(r[c] for r in table.rows))
        notes.append(_more_note(len(rows), used, "codes"))
        cases_coded = sum(1 for total, _ in case_totals if total)
        notes.append(_more_note(len(columns), cases_coded, "cases"))
    else:
        notes.append("No codings in documents of a case yet.")
    return charts.bar_matrix(title, rows, columns, counts, note=" ".join(n for n in notes if n))


def _heat_map(project: Project, scope: Scope) -> charts.HeatMap:
    title = f"Codes found together ({scope})"
    table = analysis.cooccurrence(project, scope=scope)
    pairs = {(row[0], row[1]): (int(row[2]), float(row[3])) for row in table.rows}
    weight: Counter[str] = Counter()
    for (first, second), (count, _) in pairs.items():
        weight[first] += count
        weight[second] += count
    chosen = [code for code, _ in weight.most_common(MOST_ROWS)]
    note = "" if chosen else "No two codes are found together yet."
    if len(weight) > len(chosen):
        note = f"The {len(chosen)} codes most often found with others, of {len(weight)}."
    return charts.heat_map(title, chosen, pairs, note=note)


def _theme_map(project: Project, paths: dict[str, str]) -> charts.ThemeMap:
    themes = [(t.id, t.name, t.parent_id, t.status.value, t.code_ids) for t in project.themes]
    return charts.theme_map(themes, paths)


def _human_coders(project: Project) -> list[Coder]:
    """People (not machines) who coded text, those who coded most first."""
    counts = Counter(c.coder_id for c in project.codings if c.end > c.start)
    people = [c for c in project.coders if not c.machine and counts.get(c.id)]
    return sorted(people, key=lambda c: -counts[c.id])


def _agreement_note(project: Project) -> str:
    people = _human_coders(project)
    if len(people) < 2:
        return "Agreement needs two people who coded; " + (
            f"only {people[0].name} did." if people else "no person coded text."
        )
    if len(people) > MOST_COMPARED:
        return f"The {MOST_COMPARED} coders who coded most, of {len(people)}, compared in pairs."
    return ""


def _agreement(project: Project) -> tuple[PairAgreement, ...]:
    """Each pair of human coders compared by character, as NVivo's coding comparison."""
    people = _human_coders(project)[:MOST_COMPARED]
    pairs = []
    for first, second in combinations(people, 2):
        try:
            comparison = analysis.compare_coders(project, first.id, second.id)
        except AnalysisInputError as error:
            pairs.append(PairAgreement(first.name, second.name, 0, None, None, (), (str(error),)))
            continue
        if not comparison.documents:
            note = "no document was coded by both"
            pairs.append(PairAgreement(first.name, second.name, 0, None, None, (), (note,)))
            continue
        pooled = comparison.pooled()
        per_code = tuple(
            (str(row[0]), float(row[6]), float(row[7]))
            for row in comparison.to_table(per_document=False).rows
        )
        pairs.append(
            PairAgreement(
                first.name,
                second.name,
                len(comparison.documents),
                round(pooled.agreement * 100, 2),
                round(pooled.kappa, 4),
                per_code,
                comparison.notes,
            )
        )
    return tuple(pairs)


def _group_alpha(project: Project) -> str:
    """Krippendorff's alpha of the (at most five) people who coded most, when three or more
    did, by sentence (:func:`analysis.alpha_by_units`); empty with fewer."""
    people = _human_coders(project)[:MOST_COMPARED]
    if len(people) < 3:
        return ""
    names = ", ".join(coder.name for coder in people)
    try:
        result = analysis.alpha_by_units(project, [coder.id for coder in people])
    except AnalysisInputError as error:
        return f"Krippendorff's alpha of {names} by sentence cannot be computed: {error}"
    if result.pooled is None:
        return (
            f"Krippendorff's alpha of {names} by sentence is undefined: {result.pooled_undefined}"
        )
    return f"Krippendorff's alpha of {names} together, by sentence, every code: {result.pooled:.4f}"
