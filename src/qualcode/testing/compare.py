"""Comparing two projects entity by entity, field by field, with a readable diff."""

from __future__ import annotations

from typing import Any

import attrs

from qualcode.project import Project

PROJECT_FIELDS = (
    "name",
    "description",
    "origin",
    "created_by",
    "created_at",
    "modified_by",
    "modified_at",
)
"""The project's own fields (besides its entities)."""

COLLECTIONS = (
    "coders",
    "variables",
    "codes",
    "themes",
    "cases",
    "documents",
    "codings",
    "memos",
    "sets",
    "links",
)
"""Every entity collection of a project."""


def _entity_differences(kind: str, left: Any, right: Any) -> list[str]:
    found: list[str] = []
    for field in attrs.fields(type(left)):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if a != b or type(a) is not type(b):
            found.append(f"{kind} {left.id}: field {field.name!r}: {a!r} != {b!r}")
    return found


def project_differences(a: Project, b: Project, *, ordered: bool = True) -> list[str]:
    """Every difference between two projects, one readable line each (empty: equal).

    ``ordered`` also compares the order of each collection (insertion order is observable).
    """
    found: list[str] = []
    for name in PROJECT_FIELDS:
        left, right = getattr(a, name), getattr(b, name)
        if left != right:
            found.append(f"project field {name!r}: {left!r} != {right!r}")
    for collection in COLLECTIONS:
        left_items = {e.id: e for e in getattr(a, collection)}
        right_items = {e.id: e for e in getattr(b, collection)}
        for missing in left_items.keys() - right_items.keys():
            found.append(f"{collection}: {missing} only in the first project")
        for extra in right_items.keys() - left_items.keys():
            found.append(f"{collection}: {extra} only in the second project")
        for entity_id, left_entity in left_items.items():
            right_entity = right_items.get(entity_id)
            if right_entity is None:
                continue
            if type(left_entity) is not type(right_entity):
                found.append(f"{collection} {entity_id}: types differ")
                continue
            found.extend(_entity_differences(collection[:-1], left_entity, right_entity))
        same_ids = left_items.keys() == right_items.keys()
        if ordered and same_ids and list(left_items) != list(right_items):
            found.append(f"{collection}: same ids in a different order")
    return found


def assert_projects_equal(a: Project, b: Project, *, ordered: bool = True, limit: int = 30) -> None:
    """Fail with a readable list of differences unless ``a`` and ``b`` hold the same data."""
    found = project_differences(a, b, ordered=ordered)
    if found:
        shown = "\n  ".join(found[:limit])
        more = f"\n  ... and {len(found) - limit} more" if len(found) > limit else ""
        raise AssertionError(f"projects differ in {len(found)} place(s):\n  {shown}{more}")
