"""Queries as NVivo, MAXQDA and ATLAS.ti users know them.

- Coding retrieval: the text coded with codes combined by AND (coded with both: the shared
  text), OR (either), NOT (the first without the second), NEAR (passages of the first within N
  words of the second) and SAME (units of a kind, sentence, paragraph or turn, holding both),
  filtered by case, case attribute, time point, document kind and coder. Build an expression
  with :func:`code` and the operators ``&``, ``|``, ``-``, or :func:`near` and :func:`same`,
  then :func:`retrieve` it.
- :func:`text_search`: a word or phrase in context (keyword in context).
- :func:`code_frequencies`: codings, documents, cases and characters per code, down the tree.

Each query builds what it needs once (codings grouped by code and document); no coding is
scanned once per document or per code.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

import attrs

from qualcode.analysis.names import AnalysisInputError, find_code, resolve_coders
from qualcode.analysis.spans import Span, difference, merged, touched_units
from qualcode.analysis.table import Table
from qualcode.analysis.units import unit_units
from qualcode.model import Document, DocumentKind
from qualcode.project import Project

SpansByDocument = dict[str, list[Span]]


@attrs.frozen
class Index:
    """The codings of a project grouped once: merged spans per code and document."""

    project: Project
    spans: Mapping[str, SpansByDocument]

    @classmethod
    def build(cls, project: Project, coders: str | Iterable[str] | None = None) -> Index:
        wanted = None if coders is None else {c.id for c in resolve_coders(project, coders)}
        raw: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
        for coding in project.codings:
            if wanted is not None and coding.coder_id not in wanted:
                continue
            if coding.end > coding.start:
                raw[coding.code_id][coding.document_id].append((coding.start, coding.end))
        spans = {
            code_id: {doc: merged(s) for doc, s in by_doc.items()}
            for code_id, by_doc in raw.items()
        }
        return cls(project, spans)

    def code(self, code_id: str, include_subcodes: bool) -> SpansByDocument:
        codes = [code_id]
        if include_subcodes:
            codes += [c.id for c in self.project.descendants(code_id)]
        found: dict[str, list[Span]] = defaultdict(list)
        for one in codes:
            for doc, spans in self.spans.get(one, {}).items():
                found[doc].extend(spans)
        return {doc: merged(spans) for doc, spans in found.items()}


class Expression:
    """A coding query; combine with ``&`` (AND), ``|`` (OR) and ``-`` (NOT)."""

    label: str

    def evaluate(self, index: Index) -> SpansByDocument:
        raise NotImplementedError

    def __and__(self, other: Expression) -> Expression:
        return _Binary(self, other, "AND")

    def __or__(self, other: Expression) -> Expression:
        return _Binary(self, other, "OR")

    def __sub__(self, other: Expression) -> Expression:
        return _Binary(self, other, "NOT")


@attrs.frozen
class _Code(Expression):
    name: str
    include_subcodes: bool

    @property
    def label(self) -> str:  # type: ignore[override]
        return self.name

    def evaluate(self, index: Index) -> SpansByDocument:
        found = find_code(index.project, self.name)
        return index.code(found.id, self.include_subcodes)


def code(name: str, *, include_subcodes: bool = True) -> Expression:
    """The text coded with a code, named by id, path (``Parent/Child``) or unique name."""
    return _Code(name, include_subcodes)


def _intersection(a: list[Span], b: list[Span]) -> list[Span]:
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            result.append((start, end))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return result


@attrs.frozen
class _Binary(Expression):
    left: Expression
    right: Expression
    operator: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"({self.left.label} {self.operator} {self.right.label})"

    def evaluate(self, index: Index) -> SpansByDocument:
        a, b = self.left.evaluate(index), self.right.evaluate(index)
        result: SpansByDocument = {}
        if self.operator == "AND":
            for doc in a.keys() & b.keys():
                result[doc] = _intersection(a[doc], b[doc])
        elif self.operator == "OR":
            for doc in a.keys() | b.keys():
                result[doc] = merged(a.get(doc, []) + b.get(doc, []))
        else:
            for doc, spans in a.items():
                result[doc] = difference(spans, b.get(doc, []))
        return {doc: spans for doc, spans in result.items() if spans}


_WORD = re.compile(r"\w+")


@attrs.frozen
class _Near(Expression):
    left: Expression
    right: Expression
    words: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"({self.left.label} NEAR/{self.words} {self.right.label})"

    def evaluate(self, index: Index) -> SpansByDocument:
        a, b = self.left.evaluate(index), self.right.evaluate(index)
        result: SpansByDocument = {}
        for doc in a.keys() & b.keys():
            text = index.project.documents[doc].text
            starts = [m.start() for m in _WORD.finditer(text)]

            def word_at(position: int, starts: list[int] = starts) -> int:
                return bisect.bisect_right(starts, position)

            # ``b`` is merged, so its passages' first and last words both rise: the nearest one
            # that does not end too early is found by bisection, not by a scan per passage of ``a``
            others = [(word_at(s), word_at(max(s, e - 1))) for s, e in b[doc]]
            last_words = [last for _, last in others]
            kept = []
            for start, end in a[doc]:
                low, high = word_at(start), word_at(max(start, end - 1))
                index_ = bisect.bisect_left(last_words, low - self.words)
                if index_ < len(others) and others[index_][0] - high <= self.words:
                    kept.append((start, end))
            if kept:
                result[doc] = kept
        return result


def near(left: Expression, right: Expression, *, words: int = 10) -> Expression:
    """Passages of ``left`` within ``words`` words of a passage of ``right``."""
    if words < 0:
        raise ValueError(f"words must be 0 or more, not {words}")
    return _Near(left, right, words)


@attrs.frozen
class _Same(Expression):
    left: Expression
    right: Expression
    unit: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"({self.left.label} SAME {self.unit.upper()} {self.right.label})"

    def evaluate(self, index: Index) -> SpansByDocument:
        a, b = self.left.evaluate(index), self.right.evaluate(index)
        result: SpansByDocument = {}
        for doc in a.keys() & b.keys():
            document = index.project.documents[doc]
            units = (
                _turn_units(document) if self.unit == "turn" else unit_units(document, self.unit)
            )
            both = [
                unit
                for unit, x, y in zip(
                    units, touched_units(units, a[doc]), touched_units(units, b[doc]), strict=True
                )
                if x and y
            ]
            if both:
                result[doc] = both
        return result


def _turn_units(document: Document) -> list[Span]:
    return merged((turn.start, turn.end) for turn in document.turns)


def same(
    left: Expression,
    right: Expression,
    *,
    unit: Literal["sentence", "paragraph", "turn"] = "sentence",
) -> Expression:
    """The sentences, paragraphs or speaker turns holding both ``left`` and ``right``."""
    if unit not in ("sentence", "paragraph", "turn"):
        raise ValueError(f"unit must be sentence, paragraph or turn, not {unit!r}")
    return _Same(left, right, unit)


@attrs.frozen
class Filters:
    """Which documents a query looks at; every filter given must hold."""

    cases: tuple[str, ...] = ()
    """Case names or ids."""
    attributes: Mapping[str, str] = attrs.field(factory=dict)
    """Case (or document) attribute name -> value, compared as text."""
    time_points: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    """Document kinds, e.g. ``interview``, ``diary``."""

    def predicate(self, project: Project) -> Callable[[Document], bool]:
        case_ids: set[str] | None = None
        if self.cases:
            case_ids = set()
            for name in self.cases:
                found = project.cases.get(name)
                matches = [found] if found is not None else project.cases.by_name(name)
                if not matches:
                    known = ", ".join(sorted(c.name for c in project.cases)) or "none"
                    raise AnalysisInputError(
                        f"the project has no case {name!r}; its cases: {known}"
                    )
                case_ids.update(m.id for m in matches)
        kinds = set()
        for kind in self.kinds:
            try:
                kinds.add(DocumentKind(kind))
            except ValueError:
                known = ", ".join(k.value for k in DocumentKind)
                raise AnalysisInputError(
                    f"unknown document kind {kind!r}; kinds: {known}"
                ) from None
        variables = {}
        for name, value in self.attributes.items():
            found_variables = [v for v in project.variables if name in (v.name, v.id)]
            if not found_variables:
                known = ", ".join(sorted(v.name for v in project.variables)) or "none"
                raise AnalysisInputError(
                    f"the project has no attribute {name!r}; its attributes: {known}"
                )
            variables[found_variables[0].id] = (found_variables[0].name, str(value))

        def keep(document: Document) -> bool:
            if case_ids is not None and document.case_id not in case_ids:
                return False
            if self.time_points and document.time_point not in self.time_points:
                return False
            if kinds and document.kind not in kinds:
                return False
            case = project.cases.get(document.case_id)
            for variable_id, (name, wanted) in variables.items():
                value = document.attributes.get(variable_id, document.attributes.get(name))
                if value is None and case is not None:
                    value = case.attributes.get(variable_id, case.attributes.get(name))
                if value is None or str(value) != wanted:
                    return False
            return True

        return keep


def retrieve(
    project: Project,
    expression: Expression,
    *,
    filters: Filters | None = None,
    coders: str | Iterable[str] | None = None,
) -> Table:
    """The passages ``expression`` finds, in document order, with their quotes."""
    index = Index.build(project, coders)
    found = expression.evaluate(index)
    keep = (filters or Filters()).predicate(project)
    rows = []
    for document in project.documents:
        if document.id not in found or not keep(document):
            continue
        case = project.cases.get(document.case_id)
        for start, end in found[document.id]:
            rows.append(
                (
                    document.name,
                    case.name if case is not None else "",
                    document.time_point,
                    start,
                    end,
                    document.text[start:end],
                )
            )
    return Table(
        ("document", "case", "time point", "start", "end", "quote"),
        rows,
        title=f"Passages coded {expression.label}",
    )


def text_search(
    project: Project,
    phrase: str,
    *,
    width: int = 40,
    whole_word: bool = True,
    case_sensitive: bool = False,
    filters: Filters | None = None,
) -> Table:
    """Every occurrence of ``phrase`` with ``width`` characters of context either side."""
    if not phrase.strip():
        raise ValueError("give a word or phrase to search for")
    pattern = re.escape(phrase.strip()).replace(r"\ ", r"\s+")
    if whole_word:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    compiled = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    keep = (filters or Filters()).predicate(project)
    rows = []
    for document in project.documents:
        if not keep(document):
            continue
        text = document.text
        for match in compiled.finditer(text):
            left = text[max(0, match.start() - width) : match.start()]
            right = text[match.end() : match.end() + width]
            rows.append(
                (
                    document.name,
                    match.start(),
                    match.end(),
                    " ".join(left.split()),
                    match.group(),
                    " ".join(right.split()),
                )
            )
    return Table(
        ("document", "start", "end", "left", "match", "right"),
        rows,
        title=f"Keyword in context: {phrase!r}",
    )


def code_frequencies(
    project: Project,
    *,
    coders: str | Iterable[str] | None = None,
    include_subcodes: bool = True,
) -> Table:
    """Per code, in tree order: codings, documents, cases and coded characters; with
    ``include_subcodes`` each code's figures take in the codes below it."""
    wanted = None if coders is None else {c.id for c in resolve_coders(project, coders)}
    own: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for coding in project.codings:
        if wanted is None or coding.coder_id in wanted:
            own[coding.code_id].append((coding.document_id, coding.start, coding.end))
    rows = []
    stack = [(c, 0) for c in reversed(project.children(None))]
    while stack:
        current, depth = stack.pop()
        codes = [current.id]
        if include_subcodes:
            codes += [c.id for c in project.descendants(current.id)]
        items = [item for one in codes for item in own.get(one, [])]
        documents = {doc for doc, _, _ in items}
        cases = {project.documents[doc].case_id for doc in documents} - {None}
        by_document: dict[str, list[Span]] = defaultdict(list)
        for doc, start, end in items:
            by_document[doc].append((start, end))
        characters = sum(
            end - start for spans in by_document.values() for start, end in merged(spans)
        )
        rows.append(
            (
                "/".join(project.code_path(current.id)),
                depth,
                len(items),
                len(documents),
                len(cases),
                characters,
            )
        )
        stack.extend((c, depth + 1) for c in reversed(project.children(current.id)))
    return Table(
        ("code", "depth", "codings", "documents", "cases", "characters"),
        rows,
        title="Code frequencies" + (" (with subcodes)" if include_subcodes else ""),
    )
