"""The depth of the code and theme trees in a native JSON project, measured in linear time.

The project checks each new code's parents up to the root, which costs the depth of the tree
for every code: a file holding a chain of 100,000 codes (each the parent of the next) took
longer than five minutes to load. No codebook is nested :data:`MAX_TREE_DEPTH` levels deep, so
deeper trees are refused with one clear error, both when reading (before the project checks
anything) and when writing (so that qualcode never writes a file it would refuse). A cycle is
found here too, in the same single pass, since walking a long one is as slow.
"""

from __future__ import annotations

from collections.abc import Iterable

from qualcode.errors import CycleError, ParseError
from qualcode.model import Code, Theme

MAX_TREE_DEPTH = 100
"""The deepest code (or theme) tree accepted: a top-level code is at depth 1."""


def tree_problem(entities: Iterable[object]) -> ParseError | CycleError | None:
    """The first code or theme tree among ``entities`` that is deeper than
    :data:`MAX_TREE_DEPTH` or holds a cycle, as an error; None if all are fine.

    Parents not among ``entities`` end a branch (the project reports them as missing).
    """
    codes: dict[str, str | None] = {}
    themes: dict[str, str | None] = {}
    for entity in entities:
        if isinstance(entity, Code):
            codes[entity.id] = entity.parent_id
        elif isinstance(entity, Theme):
            themes[entity.id] = entity.parent_id
    return _problem(codes, "code") or _problem(themes, "theme")


def _problem(parents: dict[str, str | None], kind: str) -> ParseError | CycleError | None:
    depth: dict[str, int] = {}
    for start in parents:
        if start in depth:
            continue
        chain: list[str] = []
        on_chain: set[str] = set()
        current: str | None = start
        while current is not None and current in parents and current not in depth:
            if current in on_chain:
                return CycleError(
                    f"{kind} {current} is its own ancestor: the {kind} tree has a cycle",
                    guid=current,
                )
            chain.append(current)
            on_chain.add(current)
            current = parents[current]
        below = depth.get(current, 0) if current is not None else 0
        for level, entity_id in enumerate(reversed(chain), start=below + 1):
            depth[entity_id] = level
            if level > MAX_TREE_DEPTH:
                return ParseError(
                    f"the {kind} tree is more than {MAX_TREE_DEPTH} levels deep",
                    guid=entity_id,
                    hint=f"no codebook nests {kind}s this deep; move some {kind}s up a level",
                )
    return None
