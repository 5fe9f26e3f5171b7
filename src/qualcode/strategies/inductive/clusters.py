"""Groups of similar passages: TF-IDF vectors and a deterministic spherical k-means.

Each unit (a sentence or a speaker turn) becomes a vector of its content words (Chinese and
Japanese: character bigrams) weighted by ``tf * (ln((1 + N) / (1 + df)) + 1)`` and scaled to length
1, so a dot product is the cosine similarity. The groups come from spherical k-means (Dhillon &
Modha 2001, "Concept decompositions for large sparse text data using clustering", Machine
Learning 42) started deterministically: the first centre is the unit closest to the corpus
centroid, each next one the unit farthest from the centres chosen so far (ties: the earlier unit).
The same input therefore always gives the same groups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import attrs

from qualcode import text as textmod
from qualcode.strategies.inductive.keyness import Region
from qualcode.strategies.textunits import has_letter, tokens

Vector = dict[str, float]


@attrs.frozen
class UnitTask:
    region: Region
    unit: str
    stop_words: frozenset[str]
    min_words: int


@attrs.frozen
class Unit:
    """A passage with the counts of its features."""

    document_id: str
    start: int
    end: int
    features: dict[str, int]


def features(text: str, start: int, end: int, stop_words: frozenset[str]) -> dict[str, int]:
    """Content words (and CJK character bigrams) of ``text[start:end]`` with their counts."""
    counts: dict[str, int] = {}
    found = tokens(text, start, end)
    for index, token in enumerate(found):
        if token.cjk:
            after = found[index + 1] if index + 1 < len(found) else None
            if after is not None and after.cjk and after.joined:
                feature = token.form + after.form
                if token.form not in stop_words or after.form not in stop_words:
                    counts[feature] = counts.get(feature, 0) + 1
            continue
        if token.form not in stop_words and has_letter(token.form):
            counts[token.form] = counts.get(token.form, 0) + 1
    return counts


def split_units(task: UnitTask) -> list[Unit]:
    """The units of one document with their features (runs in a worker)."""
    text = task.region.text
    units: list[Unit] = []
    for start, end in task.region.spans:
        if task.unit == "sentence":
            spans = [(s.start + start, s.end + start) for s in textmod.sentences(text[start:end])]
        else:
            spans = [(start, end)]
        for unit_start, unit_end in spans:
            counts = features(text, unit_start, unit_end, task.stop_words)
            if sum(counts.values()) >= task.min_words:
                units.append(Unit(task.region.document_id, unit_start, unit_end, counts))
    return units


def tfidf(units: Sequence[Unit], min_df: int = 2) -> list[Vector]:
    """Unit vectors of TF-IDF weights (features in fewer than ``min_df`` units left out)."""
    df: dict[str, int] = {}
    for unit in units:
        for feature in unit.features:
            df[feature] = df.get(feature, 0) + 1
    total = len(units)
    idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in df.items() if n >= min_df}
    vectors: list[Vector] = []
    for unit in units:
        vector = {f: n * idf[f] for f, n in unit.features.items() if f in idf}
        vectors.append(_normalised(vector))
    return vectors


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {f: v / norm for f, v in vector.items()} if norm else {}


def dot(small: Vector, large: Vector) -> float:
    """The dot product; iterates over the first vector, so pass the sparser one first."""
    total = 0.0
    weight_of = large.get
    for feature, value in small.items():
        weight = weight_of(feature)
        if weight is not None:
            total += value * weight
    return total


@attrs.frozen
class Cluster:
    """A group of units: member indexes by similarity to the centre (most typical first)."""

    members: tuple[int, ...]
    similarities: tuple[float, ...]
    centre: tuple[tuple[str, float], ...]

    def label(self, words: int = 3) -> list[str]:
        """The heaviest features of the centre."""
        return [f for f, _ in self.centre[:words]]

    @property
    def cohesion(self) -> float:
        return sum(self.similarities) / len(self.similarities) if self.similarities else 0.0


def kmeans(vectors: Sequence[Vector], k: int, iterations: int = 30) -> list[int]:
    """The cluster of each vector (-1 for empty vectors) by deterministic spherical k-means."""
    live = [i for i, v in enumerate(vectors) if v]
    if not live:
        return [-1] * len(vectors)
    k = max(1, min(k, len(live)))
    mean = _normalised(_sum(vectors[i] for i in live))
    first = max(live, key=lambda i: (dot(vectors[i], mean), -i))
    centres = [vectors[first]]
    closest = [dot(vectors[i], centres[0]) for i in live]
    while len(centres) < k:
        position = min(range(len(live)), key=lambda p: (closest[p], p))
        centre = vectors[live[position]]
        centres.append(centre)
        closest = [max(c, dot(vectors[i], centre)) for c, i in zip(closest, live, strict=True)]
    assignment = [-1] * len(vectors)
    for _ in range(iterations):
        changed = False
        for i in live:
            best = _nearest(vectors[i], centres)
            if assignment[i] != best:
                assignment[i] = best
                changed = True
        if not changed:
            break
        members: list[list[int]] = [[] for _ in centres]
        for i in live:
            members[assignment[i]].append(i)
        centres = [
            _normalised(_sum(vectors[i] for i in group)) if group else centres[c]
            for c, group in enumerate(members)
        ]
    return assignment


def _nearest(vector: Vector, centres: Sequence[Vector]) -> int:
    """The index of the most similar centre (the first on ties)."""
    best, best_score = 0, -1.0
    for index, centre in enumerate(centres):
        score = dot(vector, centre)
        if score > best_score:
            best, best_score = index, score
    return best


def _sum(vectors: Iterable[Vector]) -> Vector:
    total: Vector = {}
    for vector in vectors:
        for f, v in vector.items():
            total[f] = total.get(f, 0.0) + v
    return total


def clusters(
    vectors: Sequence[Vector], k: int, min_size: int, iterations: int = 30
) -> list[Cluster]:
    """Clusters of at least ``min_size`` units, largest first (then most cohesive, earliest)."""
    assignment = kmeans(vectors, k, iterations)
    groups: dict[int, list[int]] = {}
    for index, cluster in enumerate(assignment):
        if cluster >= 0:
            groups.setdefault(cluster, []).append(index)
    found: list[Cluster] = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        centre = _normalised(_sum(vectors[i] for i in members))
        scored = sorted(
            ((dot(vectors[i], centre), i) for i in members), key=lambda p: (-p[0], p[1])
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


def default_k(units: int) -> int:
    """A number of groups for ``units`` passages: about the square root of half of them."""
    return max(2, min(20, round(math.sqrt(units / 2))))
