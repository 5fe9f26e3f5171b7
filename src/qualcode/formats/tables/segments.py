"""The coded segments of a project in long form, and code presence and counts by case or document.

:func:`segment_columns` and :func:`segment_rows` give one row per coding, in the project's
order: the document's name and kind, its case and each case attribute as a column, its time
point, the code's path, the themes that group the code, the coder, the provenance (method, the
strategy or model's name and version, the rule), the span's start and end (code points of the
document's text, end exclusive) and the quote. Everything a row repeats (names, paths, themes)
is worked out once per document, code and coder, so a million rows cost one slice of text each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterator
from typing import Any

from qualcode.analysis.crosstabs import crosstab
from qualcode.analysis.table import Table
from qualcode.formats.tables.cells import CellCleaner
from qualcode.model import Case, Document
from qualcode.project import Project

PATH_SEPARATOR = "/"
"""Between the names of a code path, as the analysis tables and the codebook importer write it."""
LIST_SEPARATOR = "; "
"""Between several themes in one cell."""

BEFORE_ATTRIBUTES = ("document", "document_kind", "case")
AFTER_ATTRIBUTES = (
    "time_point",
    "code",
    "themes",
    "coder",
    "method",
    "strategy",
    "strategy_version",
    "rule",
    "start",
    "end",
    "quote",
)
SEGMENT_COLUMNS = (*BEFORE_ATTRIBUTES, *AFTER_ATTRIBUTES)
"""The columns of the segments table besides the case attributes (which follow ``case``)."""

Clean = Callable[[str], str]


def attribute_columns(project: Project) -> list[tuple[str, str]]:
    """(key in ``Case.attributes``, column name) for every attribute any case has: variables in
    the project's order, then keys that name no variable. A name that is already a column of the
    table is written ``case <name>``."""
    used: dict[str, None] = {}
    for case in project.cases:
        for key in case.attributes:
            used.setdefault(key, None)
    ordered = [v.id for v in project.variables if v.id in used]
    ordered += [key for key in used if key not in project.variables]
    taken = set(SEGMENT_COLUMNS)
    columns: list[tuple[str, str]] = []
    for key in ordered:
        variable = project.variables.get(key)
        name = variable.name if variable is not None else key
        while name in taken:
            name = f"case {name}"
        taken.add(name)
        columns.append((key, name))
    return columns


def segment_columns(project: Project) -> tuple[str, ...]:
    """The header of the segments table of ``project``."""
    names = [name for _, name in attribute_columns(project)]
    return (*BEFORE_ATTRIBUTES, *names, *AFTER_ATTRIBUTES)


def _attribute(case: Case | None, key: str, name: str) -> Any:
    if case is None:
        return None
    value = case.attributes.get(key)
    return case.attributes.get(name) if value is None else value


def segment_rows(project: Project, cleaner: CellCleaner | None = None) -> Iterator[tuple[Any, ...]]:
    """One row per coding, every text cell made safe by ``cleaner`` (none: values as they are).

    Values that are not text (attributes of other types, time points, positions) are given as
    they are. A document's text is searched for characters the output cannot carry once, so the
    quotes of a clean document are only checked for a formula start.
    """
    clean: Clean = cleaner.text if cleaner is not None else _same
    attributes = attribute_columns(project)
    codes: dict[str, tuple[str, str]] = {}
    themes_of: dict[str, list[str]] = defaultdict(list)
    for theme in project.themes:
        for code_id in theme.code_ids:
            themes_of[code_id].append(theme.name)
    for code in project.codes:
        path = PATH_SEPARATOR.join(project.code_path(code.id))
        codes[code.id] = (clean(path), clean(LIST_SEPARATOR.join(themes_of.get(code.id, ()))))
    coders = {coder.id: clean(coder.name) for coder in project.coders}
    # a quote of a document known to be clean needs work only if its first character may
    # start a formula (CSV), or if it may be too long (XLSX): ``first`` holds those characters
    quick: Clean = _same
    first: Container[str] = frozenset()
    if cleaner is not None:
        quick = cleaner.quick
        first = cleaner.quick_starts
    documents: dict[str, tuple[tuple[Any, ...], str, Clean]] = {}
    for document in project.documents:
        quote_clean = clean
        if cleaner is None or not cleaner.unwritable_in(document.text):
            quote_clean = quick
        cells = _document_cells(project, document, attributes, clean)
        documents[document.id] = (cells, document.text, quote_clean)
    # the cells before the positions repeat for each document, code, coder and provenance
    # (a provenance by the fields shown: importers may give each coding its own copy)
    prefixes: dict[tuple[str | None, ...], _Prefix] = {}
    for coding in project.codings:
        provenance = coding.provenance
        key = (
            coding.document_id,
            coding.code_id,
            coding.coder_id,
            provenance.method,
            provenance.name,
            provenance.version,
            provenance.rule,
        )
        found = prefixes.get(key)
        if found is None:
            before, text, quote_clean = documents[coding.document_id]
            coder = coders.get(coding.coder_id, "") if coding.coder_id else ""
            cells = (
                *before,
                *codes[coding.code_id],
                coder,
                provenance.method.value,
                clean(provenance.name),
                clean(provenance.version),
                clean(provenance.rule),
            )
            found = (cells, text, quote_clean)
            if len(prefixes) < _CACHED:
                prefixes[key] = found
        prefix, text, quote_clean = found
        start, end = coding.start, coding.end
        quote = text[start:end]
        if quote[:1] in first or quote_clean is not quick:
            quote = quote_clean(quote)
        yield (*prefix, start, end, quote)


_Prefix = tuple[tuple[Any, ...], str, Clean]
_CACHED = 100_000
"""At most this many prefixes are remembered, bounding the memory used."""


def _document_cells(
    project: Project, document: Document, attributes: list[tuple[str, str]], clean: Clean
) -> tuple[Any, ...]:
    case = project.cases.get(document.case_id)
    values: list[Any] = [
        clean(document.name),
        document.kind.value,
        clean(case.name) if case is not None else "",
    ]
    for key, name in attributes:
        value = _attribute(case, key, name)
        values.append(clean(value) if isinstance(value, str) else value)
    values.append(document.time_point)
    return tuple(values)


def segments_table(project: Project) -> Table:
    """The coded segments of ``project`` as a :class:`Table` (values as they are, unescaped)."""
    rows = list(segment_rows(project))
    return Table(segment_columns(project), rows, title="Coded segments")


def _same(text: str) -> str:
    return text


def presence_table(project: Project, rows: str = "case") -> Table:
    """1 where a code was applied in a case (or document), else 0; one column per code path."""
    table = crosstab(project, rows=rows, value="presence")
    return Table(table.columns, table.rows, title=f"Code presence by {rows}")


def counts_table(project: Project, rows: str = "case") -> Table:
    """How many codings of each code a case (or document) has; one column per code path."""
    table = crosstab(project, rows=rows, value="count")
    return Table(table.columns, table.rows, title=f"Code counts by {rows}")
