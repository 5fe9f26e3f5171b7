"""Merging one project into another, as batch import does for each file it reads.

Codes are matched by their path in the code tree; coders, cases, variables, themes and sets by name;
documents, codings, memos and links are always added (with fresh ids where an id is taken).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from qualcode.errors import ValueTypeError
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Link,
    Memo,
    Set,
    Theme,
    Value,
    Variable,
    VariableType,
    new_id,
    value_matches,
)
from qualcode.project import Project


class Merger:
    """Merges single-file projects into one target project, in time linear in their size.

    Indexes of the target (codes by path, coders, cases, variables, themes and sets by name) are
    built once and kept up to date. :meth:`merge` checks everything that can conflict before it
    changes the target, so a failed merge leaves the target as it was.
    """

    def __init__(self, target: Project, *, replace_case_values: bool = False) -> None:
        self.target = target
        self.replace_case_values = replace_case_values
        """Whether a case's values from a merged project replace those the target's case of
        the same name has (default: the target's are kept, and only missing ones added)."""
        self.replaced_values = 0
        """How many values of existing cases were replaced by a different value."""
        self.coders = {c.name: c.id for c in target.coders}
        self.variables = {v.name: v.id for v in target.variables}
        self.cases = {c.name: c.id for c in target.cases}
        self.themes = {t.name: t.id for t in target.themes}
        self.sets = {s.name: s.id for s in target.sets}
        self.codes = {target.code_path(c.id): c.id for c in target.codes}
        self.document_names = {d.name for d in target.documents}

    def merge(self, source: Project, where: str = "") -> dict[str, str]:
        """Add ``source`` to the target; returns the map from source ids to target ids."""
        variable_plan = self._plan_variables(source, where)
        ids: dict[str, str] = {}
        for coder in source.coders:
            ids[coder.id] = self._merge_coder(coder)
        for variable in source.variables:
            ids[variable.id] = self._merge_variable(variable, variable_plan)
        for code in sorted(source.codes, key=lambda c: len(source.code_path(c.id))):
            ids[code.id] = self._merge_code(source, code, ids)
        for case in source.cases:
            ids[case.id] = self._merge_case(case, ids)
        for document in source.documents:
            ids[document.id] = self._add_document(document, ids)
        codings = [self._mapped_coding(coding, ids) for coding in source.codings]
        self.target.add_codings(codings)
        for coding, added in zip(source.codings, codings, strict=True):
            ids[coding.id] = added.id
        for case in source.cases:
            self._attach_case_references(case, ids)
        for theme in _parents_first(list(source.themes)):
            ids[theme.id] = self._merge_theme(theme, ids)
        for memo in source.memos:
            ids[memo.id] = self._add_memo(memo, ids)
        for group in source.sets:
            ids[group.id] = self._merge_set(group, ids)
        for link in source.links:
            ids[link.id] = self._add_link(link, ids)
        return ids

    # each entity kind ------------------------------------------------------------------------

    def _free_id(self, wanted: str) -> str:
        return wanted if self.target.find(wanted) is None else new_id()

    def _merge_coder(self, coder: Coder) -> str:
        existing = self.coders.get(coder.name)
        if existing is not None:
            return existing
        added = self.target.add_coder(attrs.evolve(coder, id=self._free_id(coder.id)))
        self.coders[coder.name] = added.id
        return added.id

    def _plan_variables(self, source: Project, where: str) -> dict[str, VariableType]:
        """The type each target variable must have after the merge; raises on a conflict."""
        values: dict[str, list[Value]] = {v.id: [] for v in source.variables}
        for holder in (*source.cases, *source.documents):
            for variable_id, value in holder.attributes.items():
                values[variable_id].append(value)
        plan: dict[str, VariableType] = {}
        for variable in source.variables:
            existing_id = self.variables.get(variable.name)
            if existing_id is None:
                continue
            existing = self.target.variables[existing_id]
            wanted = existing.type
            for value in values[variable.id]:
                widened = _widen(wanted, value)
                if widened is None:
                    raise ValueTypeError(
                        f"variable {variable.name!r} is {existing.type.value} in the project but "
                        f"{variable.type.value} in this file (value {value!r})",
                        path=where or None,
                        hint="rename the column or make the values agree",
                    )
                wanted = widened
            plan[existing_id] = wanted
        return plan

    def _merge_variable(self, variable: Variable, plan: Mapping[str, VariableType]) -> str:
        existing_id = self.variables.get(variable.name)
        if existing_id is not None:
            existing = self.target.variables[existing_id]
            wanted = plan.get(existing_id, existing.type)
            if wanted is not existing.type:
                self.target.add_variable(attrs.evolve(existing, type=wanted), replace=True)
            return existing_id
        added = self.target.add_variable(attrs.evolve(variable, id=self._free_id(variable.id)))
        self.variables[variable.name] = added.id
        return added.id

    def _merge_code(self, source: Project, code: Code, ids: dict[str, str]) -> str:
        path = source.code_path(code.id)
        existing = self.codes.get(path)
        if existing is not None:
            return existing
        parent = ids[code.parent_id] if code.parent_id is not None else None
        added = self.target.add_code(
            attrs.evolve(
                code,
                id=self._free_id(code.id),
                parent_id=parent,
                created_by=_mapped(code.created_by, ids),
                modified_by=_mapped(code.modified_by, ids),
            )
        )
        self.codes[path] = added.id
        return added.id

    def _values(self, attributes: Mapping[str, Value], ids: Mapping[str, str]) -> dict[str, Value]:
        converted: dict[str, Value] = {}
        for variable_id, value in attributes.items():
            target_id = ids[variable_id]
            converted[target_id] = _fit(value, self.target.variables[target_id].type)
        return converted

    def _merge_case(self, case: Case, ids: dict[str, str]) -> str:
        values = self._values(case.attributes, ids)
        existing_id = self.cases.get(case.name)
        if existing_id is None:
            added = self.target.add_case(
                Case(
                    id=self._free_id(case.id),
                    name=case.name,
                    description=case.description,
                    attributes=values,
                )
            )
            self.cases[case.name] = added.id
            return added.id
        existing = self.target.cases[existing_id]
        merged = dict(existing.attributes)
        for variable_id, value in values.items():
            if self.replace_case_values and variable_id in merged:
                if merged[variable_id] != value:
                    self.replaced_values += 1
                    merged[variable_id] = value
            else:
                merged.setdefault(variable_id, value)
        if merged != dict(existing.attributes):
            self.target.add_case(attrs.evolve(existing, attributes=merged), replace=True)
        return existing_id

    def _attach_case_references(self, case: Case, ids: Mapping[str, str]) -> None:
        if not case.code_ids and not case.coding_ids:
            return
        target = self.target.cases[ids[case.id]]
        code_ids = list(dict.fromkeys([*target.code_ids, *(ids[i] for i in case.code_ids)]))
        coding_ids = list(dict.fromkeys([*target.coding_ids, *(ids[i] for i in case.coding_ids)]))
        self.target.add_case(
            attrs.evolve(target, code_ids=code_ids, coding_ids=coding_ids), replace=True
        )

    def _add_document(self, document: Document, ids: Mapping[str, str]) -> str:
        self.document_names.add(document.name)
        added = self.target.add_document(
            attrs.evolve(
                document,
                id=self._free_id(document.id),
                case_id=_mapped(document.case_id, ids),
                attributes=self._values(document.attributes, ids),
                created_by=_mapped(document.created_by, ids),
                modified_by=_mapped(document.modified_by, ids),
            )
        )
        return added.id

    def _mapped_coding(self, coding: Coding, ids: Mapping[str, str]) -> Coding:
        return attrs.evolve(
            coding,
            id=self._free_id(coding.id),
            document_id=ids[coding.document_id],
            code_id=ids[coding.code_id],
            coder_id=_mapped(coding.coder_id, ids),
        )

    def _merge_theme(self, theme: Theme, ids: Mapping[str, str]) -> str:
        code_ids = [ids[i] for i in theme.code_ids]
        existing_id = self.themes.get(theme.name)
        if existing_id is not None:
            existing = self.target.themes[existing_id]
            joined = list(dict.fromkeys([*existing.code_ids, *code_ids]))
            if joined != list(existing.code_ids):
                self.target.add_theme(attrs.evolve(existing, code_ids=joined), replace=True)
            return existing_id
        added = self.target.add_theme(
            attrs.evolve(
                theme,
                id=self._free_id(theme.id),
                code_ids=code_ids,
                parent_id=_mapped(theme.parent_id, ids),
            )
        )
        self.themes[theme.name] = added.id
        return added.id

    def _add_memo(self, memo: Memo, ids: Mapping[str, str]) -> str:
        added = self.target.add_memo(
            attrs.evolve(
                memo,
                id=self._free_id(memo.id),
                target_ids=[ids.get(i, i) for i in memo.target_ids],
                created_by=_mapped(memo.created_by, ids),
                modified_by=_mapped(memo.modified_by, ids),
            )
        )
        return added.id

    def _merge_set(self, group: Set, ids: Mapping[str, str]) -> str:
        members = [ids.get(i, i) for i in group.member_ids]
        existing_id = self.sets.get(group.name)
        if existing_id is not None:
            existing = self.target.sets[existing_id]
            joined = list(dict.fromkeys([*existing.member_ids, *members]))
            self.target.add_set(attrs.evolve(existing, member_ids=joined), replace=True)
            return existing_id
        added = self.target.add_set(
            attrs.evolve(group, id=self._free_id(group.id), member_ids=members)
        )
        self.sets[group.name] = added.id
        return added.id

    def _add_link(self, link: Link, ids: Mapping[str, str]) -> str:
        added = self.target.add_link(
            attrs.evolve(
                link,
                id=self._free_id(link.id),
                origin_id=ids.get(link.origin_id, link.origin_id),
                target_id=ids.get(link.target_id, link.target_id),
            )
        )
        return added.id


def _mapped(value: str | None, ids: Mapping[str, str]) -> str | None:
    """A reference carried over: mapped when it names a merged entity, else kept as it is."""
    return None if value is None else ids.get(value, value)


def _parents_first(themes: list[Theme]) -> list[Theme]:
    by_id = {t.id: t for t in themes}

    def depth(theme: Theme) -> int:
        level, current, seen = 0, theme.parent_id, set()
        while current in by_id and current not in seen:
            seen.add(current)
            level += 1
            current = by_id[current].parent_id
        return level

    return sorted(themes, key=depth)


def _widen(kind: VariableType, value: Value) -> VariableType | None:
    """The type that holds both ``kind``'s values and ``value``, or None if there is none."""
    if value_matches(kind, value) or kind is VariableType.TEXT:
        return kind
    if kind is VariableType.INTEGER and value_matches(VariableType.FLOAT, value):
        return VariableType.FLOAT
    return None


def _fit(value: Value, kind: VariableType) -> Value:
    """``value`` as a value of ``kind`` (which :func:`_widen` allowed)."""
    if value_matches(kind, value):
        return value
    if kind is VariableType.TEXT:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if kind is VariableType.FLOAT and isinstance(value, int):
        return float(value)
    raise ValueTypeError(f"value {value!r} does not fit a variable of type {kind.value}")
