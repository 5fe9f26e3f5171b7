"""The integrity rules of a project: what each kind of entity must satisfy against the rest.

A coding's document, code and coder exist and its span lies inside the document's text; a
document's paragraphs, speaker turns and sync points lie inside its own text (and a sync point's
time is not negative); a code's or theme's parent exists and makes no cycle; cases, documents,
themes, memos, sets and links refer only to what exists; variable values fit their variable's type.
:class:`Rules` reads the project's tables directly, so a check is a few dictionary look-ups (a
million codings stay cheap).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import attrs

from qualcode.errors import (
    CycleError,
    IntegrityError,
    MissingReferenceError,
    SpanError,
    ValueTypeError,
)
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Entity,
    Link,
    Memo,
    Paragraph,
    Set,
    SpeakerTurn,
    SyncPoint,
    Theme,
    Value,
    Variable,
    value_matches,
)

E = TypeVar("E", bound=Entity)


class Rules:
    """The rules, checked against one project's tables (shared, not copied)."""

    def __init__(
        self,
        *,
        documents: Mapping[str, Document],
        codes: Mapping[str, Code],
        themes: Mapping[str, Theme],
        codings: Mapping[str, Coding],
        cases: Mapping[str, Case],
        variables: Mapping[str, Variable],
        coders: Mapping[str, Coder],
        find: Callable[[str], Entity | None],
    ) -> None:
        self.documents = documents
        self.codes = codes
        self.themes = themes
        self.codings = codings
        self.cases = cases
        self.variables = variables
        self.coders = coders
        self.find = find

    def problems(self, entity: Entity) -> Iterator[IntegrityError]:
        """Every rule ``entity`` breaks against the project as it stands (none: it fits)."""
        if isinstance(entity, Coding):
            try:
                self.check_coding(entity)
            except IntegrityError as error:
                yield error
        elif isinstance(entity, Document):
            yield from self._document(entity)
        elif isinstance(entity, Code):
            yield from self._code(entity)
        elif isinstance(entity, Theme):
            yield from self._theme(entity)
        elif isinstance(entity, Case):
            yield from self._case(entity)
        elif isinstance(entity, Memo):
            yield from self._memo(entity)
        elif isinstance(entity, Set):
            yield from self._set(entity)
        elif isinstance(entity, Link):
            yield from self._link(entity)

    def check_coding(self, coding: Coding) -> None:
        document = self.documents.get(coding.document_id)
        if document is None:
            raise MissingReferenceError(
                f"coding {coding.id} refers to document {coding.document_id}, which does not exist",
                guid=coding.id,
            )
        if coding.code_id not in self.codes:
            raise MissingReferenceError(
                f"coding {coding.id} refers to code {coding.code_id}, which does not exist",
                guid=coding.id,
            )
        if coding.coder_id is not None and coding.coder_id not in self.coders:
            raise MissingReferenceError(
                f"coding {coding.id} refers to coder {coding.coder_id}, which does not exist",
                guid=coding.id,
            )
        if not 0 <= coding.start <= coding.end <= len(document.text):
            raise SpanError(
                f"coding {coding.id} spans {coding.start}..{coding.end}, outside document "
                f"{document.name!r} of {len(document.text)} characters",
                guid=coding.id,
            )

    def _document(self, document: Document) -> Iterator[IntegrityError]:
        owner = f"document {document.name!r}"
        yield from self._missing(self.cases, document.case_id, "case", owner)
        yield from self._values(owner, document.attributes.items())
        yield from _structure(document, owner)

    def _case(self, case: Case) -> Iterator[IntegrityError]:
        owner = f"case {case.name!r}"
        yield from self._values(owner, case.attributes.items())
        for code_id in case.code_ids:
            yield from self._missing(self.codes, code_id, "code", owner)
        for coding_id in case.coding_ids:
            yield from self._missing(self.codings, coding_id, "coding", owner)

    def _code(self, code: Code) -> Iterator[IntegrityError]:
        if code.parent_id is not None:
            missing = list(
                self._missing(self.codes, code.parent_id, "parent code", f"code {code.name!r}")
            )
            yield from missing
            if not missing:
                yield from self._cycle(code.id, code.parent_id, self.codes, "code")

    def _theme(self, theme: Theme) -> Iterator[IntegrityError]:
        owner = f"theme {theme.name!r}"
        for code_id in theme.code_ids:
            yield from self._missing(self.codes, code_id, "code", owner)
        if theme.parent_id is not None:
            missing = list(self._missing(self.themes, theme.parent_id, "parent theme", owner))
            yield from missing
            if not missing:
                yield from self._cycle(theme.id, theme.parent_id, self.themes, "theme")

    def _memo(self, memo: Memo) -> Iterator[IntegrityError]:
        for target in memo.target_ids:
            if self.find(target) is None:
                yield MissingReferenceError(
                    f"memo {memo.name!r} is attached to {target}, which does not exist",
                    guid=memo.id,
                )
        if (memo.start is None) != (memo.end is None):
            yield SpanError(f"memo {memo.name!r} has a start without an end", guid=memo.id)
        if memo.start is not None and memo.end is not None:
            documents = [self.documents[t] for t in memo.target_ids if t in self.documents]
            if len(documents) != 1:
                yield SpanError(
                    f"memo {memo.name!r} has a span but is not attached to exactly one document",
                    guid=memo.id,
                )
            elif not 0 <= memo.start <= memo.end <= len(documents[0].text):
                yield SpanError(
                    f"memo {memo.name!r} spans {memo.start}..{memo.end}, outside document "
                    f"{documents[0].name!r}",
                    guid=memo.id,
                )

    def _set(self, group: Set) -> Iterator[IntegrityError]:
        for member in group.member_ids:
            if self.find(member) is None:
                yield MissingReferenceError(
                    f"set {group.name!r} has member {member}, which does not exist", guid=group.id
                )

    def _link(self, link: Link) -> Iterator[IntegrityError]:
        for end in (link.origin_id, link.target_id):
            if self.find(end) is None:
                yield MissingReferenceError(
                    f"link {link.name!r} joins {end}, which does not exist", guid=link.id
                )

    def _missing(
        self, table: Mapping[str, E], entity_id: str | None, kind: str, owner: str
    ) -> Iterator[IntegrityError]:
        if entity_id is not None and entity_id not in table:
            yield MissingReferenceError(
                f"{owner} refers to {kind} {entity_id}, which does not exist"
            )

    def _values(
        self, owner: str, attributes: Iterable[tuple[str, Value]]
    ) -> Iterator[IntegrityError]:
        for variable_id, value in attributes:
            variable = self.variables.get(variable_id)
            if variable is None:
                yield MissingReferenceError(
                    f"{owner} has a value for variable {variable_id}, which does not exist"
                )
            elif not value_matches(variable.type, value):
                yield ValueTypeError(
                    f"{owner}: value {value!r} does not fit variable {variable.name!r} "
                    f"of type {variable.type.value}"
                )

    def _cycle(
        self,
        entity_id: str,
        parent_id: str,
        table: Mapping[str, Code] | Mapping[str, Theme],
        kind: str,
    ) -> Iterator[CycleError]:
        seen: set[str] = set()
        current: str | None = parent_id
        while current is not None:
            if current == entity_id or current in seen:
                yield CycleError(
                    f"{kind} {entity_id} cannot have parent {parent_id}: that makes a cycle",
                    guid=entity_id,
                )
                return
            seen.add(current)
            parent = table.get(current)
            current = parent.parent_id if parent is not None else None


def _structure(document: Document, owner: str) -> Iterator[SpanError]:
    """The first paragraph, speaker turn and sync point of ``document`` that does not fit its text.

    One pass over each tuple; when several are bad, the message says how many more there are (a
    broken file may hold thousands, and one line each would drown every other problem).
    """
    size = len(document.text)
    yield from _spans(document, owner, "paragraph", document.paragraphs, size)
    yield from _spans(document, owner, "speaker turn", document.turns, size)
    points = document.sync_points
    bad = [i for i, p in enumerate(points) if not _point_fits(p, size)]
    if bad:
        point = points[bad[0]]
        problem = (
            f"is at position {point.position}, outside its text of {size} characters"
            if not 0 <= point.position <= size
            else f"has a negative time ({point.time_ms} ms)"
        )
        yield SpanError(
            f"{owner}: sync point {bad[0] + 1} {problem}{_more(len(bad))}", guid=document.id
        )


def _spans(
    document: Document,
    owner: str,
    kind: str,
    items: Sequence[Paragraph | SpeakerTurn],
    size: int,
) -> Iterator[SpanError]:
    bad = [i for i, item in enumerate(items) if not _span_fits(item, size)]
    if bad:
        item = items[bad[0]]
        problem = (
            "ends before it starts"
            if item.start >= 0 and item.end <= size
            else f"outside its text of {size} characters"
        )
        yield SpanError(
            f"{owner}: {kind} {bad[0] + 1} spans {item.start}..{item.end}, {problem}"
            f"{_more(len(bad))}",
            guid=document.id,
        )


def _span_fits(item: Paragraph | SpeakerTurn, size: int) -> bool:
    return 0 <= item.start <= item.end <= size


def _point_fits(point: SyncPoint, size: int) -> bool:
    return 0 <= point.position <= size and point.time_ms >= 0


def _more(count: int) -> str:
    return f" (and {count - 1} more like it)" if count > 1 else ""


def raise_first(problems: Iterable[IntegrityError]) -> None:
    """Raise the first problem, if there is one."""
    for problem in problems:
        raise problem


def fitted_structure(document: Document) -> tuple[Document, int]:
    """``document`` without the paragraphs, speaker turns and sync points that do not fit its
    text (the rule :func:`_structure` checks), and how many were left out.

    For readers of files that carry the structure apart from the text (qualcode's note in a
    .qdpx whose text another program changed, say): a stale paragraph must not cost the whole
    document and its codings.
    """
    size = len(document.text)
    paragraphs = [p for p in document.paragraphs if _span_fits(p, size)]
    turns = [t for t in document.turns if _span_fits(t, size)]
    points = [p for p in document.sync_points if _point_fits(p, size)]
    dropped = (
        len(document.paragraphs)
        - len(paragraphs)
        + len(document.turns)
        - len(turns)
        + len(document.sync_points)
        - len(points)
    )
    if not dropped:
        return document, 0
    fitted = attrs.evolve(document, paragraphs=paragraphs, turns=turns, sync_points=points)
    return fitted, dropped
