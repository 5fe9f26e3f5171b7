"""Ids that are not GUIDs: made GUIDs for writing, given back when qualcode reads its export.

qualcode's model takes any string as an id (``code-1``, ``alice``), as a project built in Python
or read from qualcode's JSON may have; REFI-QDA takes only GUIDs. Before writing, each id that is
not one becomes a GUID derived from it (the same every time), in the entity and in every
reference to it; qualcode's note keeps the map from the new GUIDs back to the ids, and the reader
puts the ids back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from qualcode.formats.refiqda.extras import derived_id
from qualcode.model import Case, Code, Coder, Coding, Document, Link, Memo, Set, Theme, Variable
from qualcode.project import Collection, Project

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A GUID as the model holds it (ids are lower case, without braces) and the schema takes it."""

_REFERENCES: dict[type, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # entity type: (fields holding one id, fields holding a tuple of ids, mappings keyed by id)
    Coder: ((), (), ()),
    Variable: ((), (), ()),
    Case: ((), ("code_ids", "coding_ids"), ("attributes",)),
    Document: (("case_id", "created_by", "modified_by"), (), ("attributes",)),
    Code: (("parent_id", "created_by", "modified_by"), (), ()),
    Theme: (("parent_id",), ("code_ids",), ()),
    Coding: (("document_id", "code_id", "coder_id", "selected_by", "modified_by"), (), ()),
    Memo: (("created_by", "modified_by"), ("target_ids",), ()),
    Set: ((), ("member_ids",), ()),
    Link: (("origin_id", "target_id"), (), ()),
}
_PROJECT_REFERENCES = ("created_by", "modified_by")


def _entities(project: Project) -> Iterable[Any]:
    """Every entity, referenced ones first within each kind's own order."""
    yield from project.coders
    yield from project.variables
    yield from project.cases
    yield from project.documents
    yield from project.codes
    yield from project.themes
    yield from project.codings
    yield from project.memos
    yield from project.sets
    yield from project.links


_HEX_AND_DASH = b"0123456789abcdef-"
_DASHES = (8, 13, 18, 23)


def _all_guids(ids: list[str]) -> bool:
    """Whether every id is a canonical GUID: checked with string operations that run in C (a
    regular expression takes 0.09 s for the 200,000 codings of the benchmark project)."""
    if not ids:
        return True
    if set(map(len, ids)) != {36}:
        return False
    joined = "".join(ids)
    if not joined.isascii():
        return False
    data = joined.encode("ascii")
    if data.translate(None, _HEX_AND_DASH):
        return False
    dashes = [data[at::36].count(b"-") for at in _DASHES]
    return dashes == [len(ids)] * 4 and data.count(b"-") == 4 * len(ids)


def guid_map(project: Project) -> dict[str, str]:
    """Each id of ``project`` that is not a GUID -> the GUID it is written as."""
    kinds: tuple[Collection[Any], ...] = (
        project.coders,
        project.variables,
        project.cases,
        project.documents,
        project.codes,
        project.themes,
        project.codings,
        project.memos,
        project.sets,
        project.links,
    )
    if all(_all_guids(kind.ids()) for kind in kinds):  # the usual case
        return {}
    return {
        entity.id: derived_id(entity.id, "id")
        for entity in _entities(project)
        if _GUID.fullmatch(entity.id) is None
    }


def rekeyed(project: Project, mapping: Mapping[str, str]) -> Project:
    """A copy of ``project`` with the ids in ``mapping`` replaced, in entities and references."""
    if not mapping:
        return project

    def one(value: str | None) -> str | None:
        return mapping.get(value, value) if value is not None else None

    def evolve(entity: Any) -> Any:
        singles, tuples, keyed = _REFERENCES[type(entity)]
        changes: dict[str, Any] = {"id": mapping.get(entity.id, entity.id)}
        for name in singles:
            changes[name] = one(getattr(entity, name))
        for name in tuples:
            changes[name] = tuple(mapping.get(v, v) for v in getattr(entity, name))
        for name in keyed:
            changes[name] = {mapping.get(k, k): v for k, v in getattr(entity, name).items()}
        return attrs.evolve(entity, **changes)

    copy = Project(
        name=project.name,
        description=project.description,
        origin=project.origin,
        **{name: one(getattr(project, name)) for name in _PROJECT_REFERENCES},
        created_at=project.created_at,
        modified_at=project.modified_at,
    )
    copy.add_all(evolve(entity) for entity in _entities(project))
    return copy
