"""The :class:`Project` aggregate: owns every entity and enforces the rules that join them.

Rules: every reference resolves (a coding's document, code and coder; a code's parent; a case's
codes; a theme's codes ...); a coding's span lies inside its document's text; the code tree and
the theme tree have no cycles; ids are unique across the whole project. Bulk operations stay linear:
each addition is a few dictionary operations, never a rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

import attrs

from qualcode.errors import (
    DuplicateIdError,
    IntegrityError,
    MissingReferenceError,
    SpanError,
)
from qualcode.integrity import Rules, raise_first
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Entity,
    Link,
    Memo,
    Set,
    Theme,
    Variable,
)

E = TypeVar("E", bound=Entity)


class Collection(Generic[E]):
    """A read-only view of one kind of entity: iterable in insertion order, indexed by id."""

    __slots__ = ("_items", "_kind")

    def __init__(self, items: dict[str, E], kind: str) -> None:
        self._items = items
        self._kind = kind

    def __iter__(self) -> Iterator[E]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._items

    def __getitem__(self, entity_id: str) -> E:
        try:
            return self._items[entity_id]
        except KeyError:
            raise MissingReferenceError(f"no {self._kind} with id {entity_id}") from None

    def get(self, entity_id: str | None) -> E | None:
        """The entity with this id, or None."""
        if entity_id is None:
            return None
        return self._items.get(entity_id)

    def ids(self) -> list[str]:
        """All ids in insertion order."""
        return list(self._items)

    def by_name(self, name: str) -> list[E]:
        """Entities whose ``name`` is exactly ``name`` (names need not be unique)."""
        return [e for e in self._items.values() if getattr(e, "name", None) == name]

    def __repr__(self) -> str:
        return f"<{len(self._items)} {self._kind}s>"


@attrs.define(eq=False, repr=False)
class Project:
    """A qualitative coding project: documents, codes, themes, codings, cases, and the rest."""

    name: str = "Untitled project"
    description: str = ""
    origin: str = ""
    """The program that produced the project (REFI-QDA ``Project/@origin``), if known."""
    created_by: str | None = None
    created_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None

    _documents: dict[str, Document] = attrs.field(factory=dict, init=False)
    _codes: dict[str, Code] = attrs.field(factory=dict, init=False)
    _themes: dict[str, Theme] = attrs.field(factory=dict, init=False)
    _codings: dict[str, Coding] = attrs.field(factory=dict, init=False)
    _cases: dict[str, Case] = attrs.field(factory=dict, init=False)
    _variables: dict[str, Variable] = attrs.field(factory=dict, init=False)
    _coders: dict[str, Coder] = attrs.field(factory=dict, init=False)
    _memos: dict[str, Memo] = attrs.field(factory=dict, init=False)
    _sets: dict[str, Set] = attrs.field(factory=dict, init=False)
    _links: dict[str, Link] = attrs.field(factory=dict, init=False)
    _rules: Rules = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._rules = Rules(
            documents=self._documents,
            codes=self._codes,
            themes=self._themes,
            codings=self._codings,
            cases=self._cases,
            variables=self._variables,
            coders=self._coders,
            find=self.find,
        )

    def __repr__(self) -> str:
        """One line: the name and how many of each kind of entity the project holds."""
        counts = ", ".join(f"{kind}={count}" for kind, count in self.counts().items() if count)
        return f"<Project {self.name!r}: {counts or 'empty'}>"

    # -- views -----------------------------------------------------------------------------

    @property
    def documents(self) -> Collection[Document]:
        return Collection(self._documents, "document")

    @property
    def codes(self) -> Collection[Code]:
        return Collection(self._codes, "code")

    @property
    def themes(self) -> Collection[Theme]:
        return Collection(self._themes, "theme")

    @property
    def codings(self) -> Collection[Coding]:
        return Collection(self._codings, "coding")

    @property
    def cases(self) -> Collection[Case]:
        return Collection(self._cases, "case")

    @property
    def variables(self) -> Collection[Variable]:
        return Collection(self._variables, "variable")

    @property
    def coders(self) -> Collection[Coder]:
        return Collection(self._coders, "coder")

    @property
    def memos(self) -> Collection[Memo]:
        return Collection(self._memos, "memo")

    @property
    def sets(self) -> Collection[Set]:
        return Collection(self._sets, "set")

    @property
    def links(self) -> Collection[Link]:
        return Collection(self._links, "link")

    def _tables(self) -> tuple[dict[str, Entity], ...]:
        return (
            self._documents,  # type: ignore[return-value]
            self._codes,
            self._themes,
            self._codings,
            self._cases,
            self._variables,
            self._coders,
            self._memos,
            self._sets,
            self._links,
        )

    def find(self, entity_id: str) -> Entity | None:
        """The entity of any kind with this id, or None."""
        for table in self._tables():
            found = table.get(entity_id)
            if found is not None:
                return found
        return None

    def counts(self) -> dict[str, int]:
        """How many entities of each kind the project holds."""
        return {
            "documents": len(self._documents),
            "codes": len(self._codes),
            "themes": len(self._themes),
            "codings": len(self._codings),
            "cases": len(self._cases),
            "coders": len(self._coders),
            "memos": len(self._memos),
            "variables": len(self._variables),
            "sets": len(self._sets),
            "links": len(self._links),
        }

    # -- adding ----------------------------------------------------------------------------

    def _claim(self, entity_id: str, table: dict[str, E], replace: bool) -> None:
        if replace:
            if entity_id not in table:
                raise MissingReferenceError(f"cannot replace: no entity with id {entity_id}")
            return
        for other in self._tables():
            if entity_id in other:
                raise DuplicateIdError(f"id {entity_id} is already used", guid=entity_id)

    def add_coder(self, coder: Coder, *, replace: bool = False) -> Coder:
        self._claim(coder.id, self._coders, replace)
        self._coders[coder.id] = coder
        return coder

    def add_variable(self, variable: Variable, *, replace: bool = False) -> Variable:
        self._claim(variable.id, self._variables, replace)
        self._variables[variable.id] = variable
        return variable

    def add_case(self, case: Case, *, replace: bool = False) -> Case:
        self._claim(case.id, self._cases, replace)
        raise_first(self._rules.problems(case))
        self._cases[case.id] = case
        return case

    def add_document(self, document: Document, *, replace: bool = False) -> Document:
        self._claim(document.id, self._documents, replace)
        raise_first(self._rules.problems(document))
        if replace:
            old = self._documents[document.id]
            if old.text != document.text:
                size = len(document.text)
                for coding in self._codings.values():
                    if coding.document_id == document.id and coding.end > size:
                        raise SpanError(
                            f"document {document.name!r}: new text is too short for coding "
                            f"{coding.id}",
                            guid=coding.id,
                        )
        self._documents[document.id] = document
        return document

    def add_code(self, code: Code, *, replace: bool = False) -> Code:
        self._claim(code.id, self._codes, replace)
        raise_first(self._rules.problems(code))
        self._codes[code.id] = code
        return code

    def add_theme(self, theme: Theme, *, replace: bool = False) -> Theme:
        self._claim(theme.id, self._themes, replace)
        raise_first(self._rules.problems(theme))
        self._themes[theme.id] = theme
        return theme

    def add_coding(self, coding: Coding, *, replace: bool = False) -> Coding:
        self._claim(coding.id, self._codings, replace)
        self._rules.check_coding(coding)
        self._codings[coding.id] = coding
        return coding

    def add_codings(self, codings: Iterable[Coding]) -> int:
        """Add many codings at once (linear time); returns how many were added.

        The checks are those of :meth:`add_coding`; ids must be new. On an error, codings before
        the bad one stay added.
        """
        table = self._codings
        taken_elsewhere = {i for t in self._tables() if t is not table for i in t}
        added = 0
        for coding in codings:
            coding_id = coding.id
            if coding_id in table or coding_id in taken_elsewhere:
                raise DuplicateIdError(f"id {coding_id} is already used", guid=coding_id)
            self._rules.check_coding(coding)
            table[coding_id] = coding
            added += 1
        return added

    def add_memo(self, memo: Memo, *, replace: bool = False) -> Memo:
        self._claim(memo.id, self._memos, replace)
        raise_first(self._rules.problems(memo))
        self._memos[memo.id] = memo
        return memo

    def add_set(self, group: Set, *, replace: bool = False) -> Set:
        self._claim(group.id, self._sets, replace)
        raise_first(self._rules.problems(group))
        self._sets[group.id] = group
        return group

    def add_link(self, link: Link, *, replace: bool = False) -> Link:
        self._claim(link.id, self._links, replace)
        raise_first(self._rules.problems(link))
        self._links[link.id] = link
        return link

    def add_all(self, entities: Iterable[Entity]) -> int:
        """Add entities of any kinds at once; returns how many were added.

        References may point forward to entities later in the same call (as a file may list
        them), so each collection keeps the order given. Every rule is checked once all are in;
        on an error nothing is added. Linear in the number of entities.
        """
        added: list[tuple[dict[str, Entity], str]] = []
        tables = self._tables_by_type()
        try:
            for entity in entities:
                table = tables[type(entity)]
                self._claim(entity.id, table, False)
                table[entity.id] = entity
                added.append((table, entity.id))
            for table, entity_id in added:
                entity = table[entity_id]
                raise_first(self._rules.problems(entity))
        except BaseException:
            for table, entity_id in added:
                table.pop(entity_id, None)
            raise
        return len(added)

    def _tables_by_type(self) -> dict[type, dict[str, Entity]]:
        kinds = (Document, Code, Theme, Coding, Case, Variable, Coder, Memo, Set, Link)
        return dict(zip(kinds, self._tables(), strict=True))

    def add(self, entity: Entity, *, replace: bool = False) -> Entity:
        """Add (or with ``replace=True``, replace) an entity of any kind."""
        adders: dict[type, Callable[..., Entity]] = {
            Document: self.add_document,
            Code: self.add_code,
            Theme: self.add_theme,
            Coding: self.add_coding,
            Case: self.add_case,
            Variable: self.add_variable,
            Coder: self.add_coder,
            Memo: self.add_memo,
            Set: self.add_set,
            Link: self.add_link,
        }
        return adders[type(entity)](entity, replace=replace)

    # -- removing --------------------------------------------------------------------------

    def remove(self, entity_id: str) -> Entity:
        """Remove an entity; what depends on it goes too, so the project stays sound.

        Removing a document removes its codings; a code, its subcodes and their codings; a coder,
        its codings; a case leaves its documents without a case; a variable, its values. Links
        with a removed end are removed (and links to them). References in memos, sets, themes
        and cases are dropped; a memo anchored in a removed document loses its span.
        """
        entity = self.find(entity_id)
        if entity is None:
            raise MissingReferenceError(f"nothing to remove: no entity with id {entity_id}")
        gone = {entity_id}
        if isinstance(entity, Code):
            gone.update(c.id for c in self.descendants(entity_id))
        if isinstance(entity, Document | Code | Coder):
            field = {Document: "document_id", Code: "code_id", Coder: "coder_id"}[type(entity)]
            gone.update(c.id for c in self._codings.values() if getattr(c, field) in gone)
        while True:  # links whose ends go, and links joining those links
            links = {
                link.id
                for link in self._links.values()
                if link.id not in gone and (link.origin_id in gone or link.target_id in gone)
            }
            if not links:
                break
            gone.update(links)
        for table in self._tables():
            for gone_id in gone:
                table.pop(gone_id, None)
        self._drop_references(gone)
        return entity

    def _drop_references(self, gone: set[str]) -> None:
        for document in list(self._documents.values()):
            if document.case_id in gone or gone.intersection(document.attributes):
                self._documents[document.id] = attrs.evolve(
                    document,
                    case_id=None if document.case_id in gone else document.case_id,
                    attributes={k: v for k, v in document.attributes.items() if k not in gone},
                )
        for case in list(self._cases.values()):
            if (
                gone.intersection(case.code_ids)
                or gone.intersection(case.coding_ids)
                or gone.intersection(case.attributes)
            ):
                self._cases[case.id] = attrs.evolve(
                    case,
                    code_ids=[i for i in case.code_ids if i not in gone],
                    coding_ids=[i for i in case.coding_ids if i not in gone],
                    attributes={k: v for k, v in case.attributes.items() if k not in gone},
                )
        for theme in list(self._themes.values()):
            if gone.intersection(theme.code_ids) or theme.parent_id in gone:
                self._themes[theme.id] = attrs.evolve(
                    theme,
                    code_ids=[i for i in theme.code_ids if i not in gone],
                    parent_id=None if theme.parent_id in gone else theme.parent_id,
                )
        for memo in list(self._memos.values()):
            if gone.intersection(memo.target_ids):
                targets = [i for i in memo.target_ids if i not in gone]
                anchored = any(t in self._documents for t in targets)
                self._memos[memo.id] = attrs.evolve(
                    memo,
                    target_ids=targets,
                    start=memo.start if anchored else None,
                    end=memo.end if anchored else None,
                )
        for group in list(self._sets.values()):
            if gone.intersection(group.member_ids):
                self._sets[group.id] = attrs.evolve(
                    group, member_ids=[i for i in group.member_ids if i not in gone]
                )

    # -- text and the code tree ------------------------------------------------------------

    def quote(self, coding: Coding) -> str:
        """The coded text: ``document.text[coding.start:coding.end]``."""
        return self._documents[coding.document_id].text[coding.start : coding.end]

    def children(self, code_id: str | None) -> list[Code]:
        """The codes directly under ``code_id`` (None: the top-level codes), in order."""
        return [c for c in self._codes.values() if c.parent_id == code_id]

    def descendants(self, code_id: str) -> list[Code]:
        """Every code below ``code_id``, depth first."""
        by_parent: dict[str | None, list[Code]] = {}
        for code in self._codes.values():
            by_parent.setdefault(code.parent_id, []).append(code)
        found: list[Code] = []
        stack = list(reversed(by_parent.get(code_id, [])))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(by_parent.get(code.id, [])))
        return found

    def code_path(self, code_id: str) -> tuple[str, ...]:
        """The names from the top of the tree down to this code."""
        names: list[str] = []
        current: str | None = code_id
        while current is not None:
            code = self.codes[current]
            names.append(code.name)
            current = code.parent_id
        return tuple(reversed(names))

    def code_by_path(self, path: Iterable[str]) -> Code | None:
        """The code reached by following names from the top of the tree, or None.

        ``path`` is a sequence of names, e.g. ``("Feelings", "Fear")``, as :meth:`code_path`
        gives. A plain string is a :class:`TypeError` (names may hold any character, so no
        separator could split one safely).
        """
        if isinstance(path, str):
            raise TypeError(
                f"code_by_path takes a sequence of names, e.g. ({path!r},), not a string"
            )
        parent: str | None = None
        found: Code | None = None
        for name in path:
            found = next(
                (c for c in self._codes.values() if c.parent_id == parent and c.name == name),
                None,
            )
            if found is None:
                return None
            parent = found.id
        return found

    # -- querying codings ------------------------------------------------------------------

    def find_codings(
        self,
        *,
        code_id: str | None = None,
        document_id: str | None = None,
        case_id: str | None = None,
        coder_id: str | None = None,
        time_point: int | None = None,
        include_subcodes: bool = False,
    ) -> list[Coding]:
        """Codings matching every filter given, in insertion order.

        ``case_id`` and ``time_point`` filter through the coding's document. With
        ``include_subcodes`` a code filter also matches the codes below it. An id that the
        project does not hold is a :class:`~qualcode.errors.MissingReferenceError` (also a
        ``KeyError``), as ``project.codes[id]`` is: a misspelt id never reads as "no codings".
        """
        for given, table, kind in (
            (code_id, self._codes, "code"),
            (document_id, self._documents, "document"),
            (case_id, self._cases, "case"),
            (coder_id, self._coders, "coder"),
        ):
            if given is not None and given not in table:
                raise MissingReferenceError(f"no {kind} with id {given}")
        codes: set[str] | None = None
        if code_id is not None:
            codes = {code_id}
            if include_subcodes:
                codes.update(c.id for c in self.descendants(code_id))
        documents: set[str] | None = None
        if case_id is not None or time_point is not None or document_id is not None:
            documents = {
                d.id
                for d in self._documents.values()
                if (document_id is None or d.id == document_id)
                and (case_id is None or d.case_id == case_id)
                and (time_point is None or d.time_point == time_point)
            }
        return [
            c
            for c in self._codings.values()
            if (codes is None or c.code_id in codes)
            and (documents is None or c.document_id in documents)
            and (coder_id is None or c.coder_id == coder_id)
        ]

    def case_documents(self, case_id: str) -> list[Document]:
        """The documents of a case, ordered by time point then insertion."""
        found = [d for d in self._documents.values() if d.case_id == case_id]
        return sorted(found, key=lambda d: (d.time_point is None, d.time_point or 0))

    def time_points(self) -> list[int]:
        """The time points (waves) used by documents, in order."""
        return sorted({d.time_point for d in self._documents.values() if d.time_point is not None})

    def check(self) -> list[IntegrityError]:
        """Every integrity problem of the project (empty when it is sound).

        The ``add_*`` methods keep a project sound; this re-checks a project as a whole, e.g. after
        a bulk import, and is what ``qualcode validate`` reports.
        """
        problems: list[IntegrityError] = []
        for table in self._tables():
            for entity in table.values():
                problems.extend(self._rules.problems(entity))
        return problems
