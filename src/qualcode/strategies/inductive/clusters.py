"""Groups of similar passages: TF-IDF vectors and a deterministic spherical k-means.

Each unit (a sentence or a speaker turn) becomes a vector of its content words (Chinese and
Japanese: character bigrams) weighted by ``tf * (ln((1 + N) / (1 + df)) + 1)`` and scaled to length
1, so a dot product is the cosine similarity. The groups come from spherical k-means (Dhillon &
Modha 2001, "Concept decompositions for large sparse text data using clustering", Machine
Learning 42) started deterministically: the first centre is the unit closest to the corpus
centroid, each next one the unit farthest from the centres chosen so far (ties: the earlier unit).
The same input therefore always gives the same groups. The rounds of k-means skip the comparisons
of units with centres that bounds prove needless, and give exactly the groups (and similarities)
of comparing every unit with every centre in every round (see :mod:`.kmeans`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from qualcode import text as textmod
from qualcode.strategies.inductive.keyness import Region
from qualcode.strategies.inductive.kmeans import Vector, dot, kmeans, normalised, vector_sum
from qualcode.strategies.textunits import has_letter, tokens


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
        vectors.append(normalised(vector))
    return vectors


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
        centre = normalised(vector_sum(vectors[i] for i in members))
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
