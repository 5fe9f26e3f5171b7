"""Which passages a candidate code is coded at: its most typical few, or every one.

A suggestion is something for a person to read and judge, so by default each candidate gets a
handful of passages that show it best; coding every passage is an explicit choice (``code_all``).

* A group of similar passages ranks its members by similarity to the group's centre; the most
  similar are the most typical.
* A distinctive term ranks the passages where the group uses it by how many of the group's
  distinctive terms they hold (a passage that gathers several says most about what sets the
  group apart), then in document order; the choice takes one passage from each document in turn
  before a second from any, so that the passages show the term across the group.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import attrs


@attrs.frozen
class Passage:
    """A span of a document where a term is used (``position`` orders documents)."""

    document_id: str
    position: int
    start: int
    end: int


def typical_term_passages(
    uses: Sequence[Passage],
    density: dict[tuple[str, int, int], int],
    limit: int | None,
) -> list[tuple[Passage, int]]:
    """The ``limit`` most typical of a term's ``uses`` (all when ``None``) with their rank.

    ``density`` gives, for each ``(document_id, start, end)``, the number of the group's terms
    used there. The result is in the order chosen: densest first, one document at a time.
    """
    ordered = sorted(
        dict.fromkeys(uses),
        key=lambda p: (-density.get((p.document_id, p.start, p.end), 1), p.position, p.start),
    )
    if limit is None or len(ordered) <= limit:
        return [(p, rank) for rank, p in enumerate(ordered, 1)]
    chosen: list[Passage] = []
    taken: set[Passage] = set()
    while len(chosen) < limit:
        seen_documents: set[str] = set()
        for passage in ordered:
            if passage in taken or passage.document_id in seen_documents:
                continue
            seen_documents.add(passage.document_id)
            chosen.append(passage)
            taken.add(passage)
            if len(chosen) == limit:
                break
    return [(p, rank) for rank, p in enumerate(chosen, 1)]


def densities(hits: Sequence[tuple[Hashable, str, int, int]]) -> dict[tuple[str, int, int], int]:
    """For hits ``(term, document_id, start, end)``, the number of distinct terms per span."""
    terms: dict[tuple[str, int, int], set[Hashable]] = {}
    for term, document_id, start, end in hits:
        terms.setdefault((document_id, start, end), set()).add(term)
    return {span: len(found) for span, found in terms.items()}
