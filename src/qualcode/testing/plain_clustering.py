"""The plain clustering of the ``inductive`` strategy: the oracle for the fast one.

:func:`plain_kmeans` is deterministic spherical k-means as first written: every unit compared
with every centre in every round. :mod:`qualcode.strategies.inductive.kmeans` skips most of
those comparisons and must give exactly the same assignments and clusters, down to the last bit
of every similarity; the tests and ``benchmarks/inductive_bench.py`` hold it to this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from qualcode.strategies.inductive.clusters import Cluster, Unit

Vector = dict[str, float]


def plain_tfidf(units: Sequence[Unit], min_df: int = 2) -> list[Vector]:
    """Unit vectors of TF-IDF weights, ``tf * (ln((1 + N) / (1 + df)) + 1)``."""
    df: dict[str, int] = {}
    for unit in units:
        for feature in unit.features:
            df[feature] = df.get(feature, 0) + 1
    total = len(units)
    idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in df.items() if n >= min_df}
    return [
        plain_normalised({f: n * idf[f] for f, n in unit.features.items() if f in idf})
        for unit in units
    ]


def plain_normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {f: v / norm for f, v in vector.items()} if norm else {}


def plain_dot(small: Vector, large: Vector) -> float:
    total = 0.0
    for feature, value in small.items():
        weight = large.get(feature)
        if weight is not None:
            total += value * weight
    return total


def plain_sum(vectors: Iterable[Vector]) -> Vector:
    total: Vector = {}
    for vector in vectors:
        for f, v in vector.items():
            total[f] = total.get(f, 0.0) + v
    return total


def plain_kmeans(vectors: Sequence[Vector], k: int, iterations: int = 30) -> list[int]:
    """The cluster of each vector (-1 for empty vectors): the first centre is the unit closest
    to the corpus centroid, each next one the unit farthest from the centres so far (ties: the
    earlier unit); then rounds of moving every unit to its most similar centre (the first on
    ties) and recentring, until nothing moves or ``iterations`` rounds have passed."""
    live = [i for i, v in enumerate(vectors) if v]
    if not live:
        return [-1] * len(vectors)
    k = max(1, min(k, len(live)))
    mean = plain_normalised(plain_sum(vectors[i] for i in live))
    first = max(live, key=lambda i: (plain_dot(vectors[i], mean), -i))
    centres = [vectors[first]]
    closest = [plain_dot(vectors[i], centres[0]) for i in live]
    while len(centres) < k:
        position = min(range(len(live)), key=lambda p: (closest[p], p))
        centre = vectors[live[position]]
        centres.append(centre)
        closest = [
            max(c, plain_dot(vectors[i], centre)) for c, i in zip(closest, live, strict=True)
        ]
    assignment = [-1] * len(vectors)
    for _ in range(iterations):
        changed = False
        for i in live:
            best, best_score = 0, -1.0
            for index, centre in enumerate(centres):
                score = plain_dot(vectors[i], centre)
                if score > best_score:
                    best, best_score = index, score
            if assignment[i] != best:
                assignment[i] = best
                changed = True
        if not changed:
            break
        members: list[list[int]] = [[] for _ in centres]
        for i in live:
            members[assignment[i]].append(i)
        centres = [
            plain_normalised(plain_sum(vectors[i] for i in group)) if group else centres[c]
            for c, group in enumerate(members)
        ]
    return assignment


def plain_clusters(
    vectors: Sequence[Vector], k: int, min_size: int, iterations: int = 30
) -> list[Cluster]:
    """Clusters of at least ``min_size`` units, largest first (then most cohesive, earliest)."""
    groups: dict[int, list[int]] = {}
    for index, cluster in enumerate(plain_kmeans(vectors, k, iterations)):
        if cluster >= 0:
            groups.setdefault(cluster, []).append(index)
    found: list[Cluster] = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        centre = plain_normalised(plain_sum(vectors[i] for i in members))
        scored = sorted(
            ((plain_dot(vectors[i], centre), i) for i in members), key=lambda p: (-p[0], p[1])
        )
        heavy = sorted(centre.items(), key=lambda item: (-item[1], item[0]))
        found.append(
            Cluster(
                members=tuple(i for _, i in scored),
                similarities=tuple(s for s, _ in scored),
                centre=tuple(heavy),
            )
        )
    found.sort(key=lambda c: (-len(c.members), -c.cohesion, min(c.members)))
    return found
