"""Deterministic spherical k-means over sparse vectors, and the vector arithmetic it shares.

The plain algorithm (Dhillon & Modha 2001, "Concept decompositions for large sparse text data
using clustering", Machine Learning 42) compares every unit with every centre in every round.
:func:`kmeans` gives exactly its result, bit for bit, while skipping most of those comparisons
(see its docstring and :func:`_reassign`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

import attrs

Vector = dict[str, float]
"""A sparse vector: feature -> weight."""
Key = TypeVar("Key", str, int)


def normalised(vector: dict[Key, float]) -> dict[Key, float]:
    return _normalised_and_length(vector)[0]


def _normalised_and_length(vector: dict[Key, float]) -> tuple[dict[Key, float], float]:
    """The vector scaled to length 1 (empty if its length is 0), and its length."""
    length = _length(vector)
    return ({f: v / length for f, v in vector.items()} if length else {}), length


def _length(vector: dict[Key, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def vector_sum(vectors: Iterable[dict[Key, float]]) -> dict[Key, float]:
    total: dict[Key, float] = {}
    for vector in vectors:
        for f, v in vector.items():
            total[f] = total.get(f, 0.0) + v
    return total


def dot(small: dict[Key, float], large: dict[Key, float]) -> float:
    """The dot product; iterates over the first vector, so pass the sparser one first."""
    total = 0.0
    weight_of = large.get
    for feature, value in small.items():
        weight = weight_of(feature)
        if weight is not None:
            total += value * weight
    return total


# The plain algorithm compares every unit with every centre in every round. The code below
# gives exactly its result, bit for bit, while skipping most of those comparisons: wherever it
# skips one, a bound proves what the comparison would have decided, and wherever no bound does,
# it computes the similarity as the plain algorithm does (same additions, in the same order).


def kmeans(vectors: Sequence[Vector], k: int, iterations: int = 30) -> list[int]:
    """The cluster of each vector (-1 for empty vectors) by deterministic spherical k-means.

    The result is exactly that of the plain algorithm: starting from the centres of
    :func:`_initial_centres`, in every round each unit moves to its most similar centre (the
    first on ties, and the first centre if no similarity exceeds -1), then each centre becomes
    the normalised sum of its members (a centre left without members stays where it was), until
    no unit moves or ``iterations`` rounds have passed. Weights must be finite, and below 1e150
    in size so that their squares are; TF-IDF vectors (length 1, positive weights) are what it is
    made for.
    """
    live = [i for i, v in enumerate(vectors) if v]
    if not live:
        return [-1] * len(vectors)
    k = max(1, min(k, len(live)))
    units = _Units.of(vectors[i] for i in live)
    assignment = [-1] * len(vectors)
    for i, cluster in zip(live, _lloyd(units, _initial_centres(units, k), iterations), strict=True):
        assignment[i] = cluster
    return assignment


Sparse = dict[int, float]
"""A vector inside :func:`kmeans`: its features numbered, in the same order, with the same
weights, so that every sum over it is the same as over the original."""


@attrs.frozen
class _Units:
    """The units of :func:`kmeans` (features numbered: cheaper to look up than words) with
    what the bounds need: their Euclidean lengths (``norms``, computed without underflow),
    their sums of absolute weights (``masses``), the positions of the units that have each
    feature and their number, and whether no weight is negative."""

    vectors: list[Sparse]
    norms: list[float]
    masses: list[float]
    by_feature: list[list[int]]
    frequency: list[int]
    """How many units have each feature."""
    nonnegative: bool

    @classmethod
    def of(cls, vectors: Iterable[Vector]) -> _Units:
        numbers: dict[str, int] = {}
        numbered = [
            {numbers.setdefault(f, len(numbers)): v for f, v in vector.items()}
            for vector in vectors
        ]
        by_feature: list[list[int]] = [[] for _ in numbers]
        for position, vector in enumerate(numbered):
            for feature in vector:
                by_feature[feature].append(position)
        return cls(
            vectors=numbered,
            norms=[math.hypot(*vector.values()) for vector in numbered],
            masses=[sum(abs(v) for v in vector.values()) for vector in numbered],
            by_feature=by_feature,
            frequency=[len(positions) for positions in by_feature],
            nonnegative=all(v >= 0.0 for vector in numbered for v in vector.values()),
        )


def _initial_centres(units: _Units, k: int) -> list[Sparse]:
    """The unit closest to the centroid, then each time the unit least similar to the centres
    chosen so far (ties: the earlier unit).

    With no negative weight (TF-IDF) every similarity is at least 0.0, and a unit that shares no
    feature with a new centre has similarity exactly 0.0 to it, which cannot raise its closest
    similarity so far: only the units that share a feature with the new centre are compared.
    """
    vectors = units.vectors
    mean = normalised(vector_sum(vectors))
    typical = [dot(vector, mean) for vector in vectors]
    centres = [vectors[typical.index(max(typical))]]
    closest = [dot(vector, centres[0]) for vector in vectors]
    while len(centres) < k:
        centre = vectors[closest.index(min(closest))]
        centres.append(centre)
        candidates: Iterable[int] = range(len(vectors))
        if units.nonnegative:
            candidates = set().union(*(units.by_feature[feature] for feature in centre))
        for position in candidates:
            similarity = dot(vectors[position], centre)
            if similarity > closest[position]:
                closest[position] = similarity
    return centres


SAFETY = 1e-9
"""Slack, relative to the lengths of the vectors, added to a bound on a similarity whenever it is
derived. A sum of n products is computed within about n * 1.1e-16 times the sum of their
absolute values of its exact value; this covers a million features many times over."""

TINY = 1e-300
"""Slack added to every bound besides :data:`SAFETY`, for products too small to be represented
exactly (below about 1e-308), each off by at most 5e-324."""


class _CentreIndex:
    """The centres by feature, so that one pass over a unit's features scores every centre.

    Each centre's score sums ``value * weight`` over the unit's features in the unit's order,
    starting from 0.0, as :func:`dot` does: the scores are bit for bit those of :func:`dot`.
    ``work`` is what scoring every unit once costs: the number of the centres' weights, each
    counted as often as the units have its feature (``frequencies``).
    """

    def __init__(self, centres: Sequence[Sparse], frequencies: Sequence[int]) -> None:
        self._count = len(centres)
        self._frequencies = frequencies
        self._weights: list[dict[int, float] | None] = [None] * len(frequencies)
        self._tops: list[tuple[float, int, float] | None] = [None] * len(frequencies)
        self.work = 0
        for number, centre in enumerate(centres):
            self._put(number, centre)

    def _put(self, number: int, centre: Sparse) -> None:
        weights_of, tops = self._weights, self._tops
        for feature, weight in centre.items():
            weights = weights_of[feature]
            if weights is None:
                weights_of[feature] = {number: weight}
                self.work += self._frequencies[feature]
            else:
                if number not in weights:
                    self.work += self._frequencies[feature]
                weights[number] = weight
            tops[feature] = None

    def replace(self, number: int, old: Sparse, new: Sparse) -> None:
        weights_of, tops = self._weights, self._tops
        for feature in old:
            weights = weights_of[feature]
            if weights is not None and feature not in new:
                del weights[number]
                tops[feature] = None
                self.work -= self._frequencies[feature]
        self._put(number, new)

    def scores(self, unit: Sparse) -> list[float]:
        """The similarity of ``unit`` to each centre."""
        scores = [0.0] * self._count
        weights_of = self._weights
        for feature, value in unit.items():
            weights = weights_of[feature]
            if weights:
                for number, weight in weights.items():
                    scores[number] += value * weight
        return scores

    def ceiling(self, unit: Sparse, excluded: int) -> float:
        """The sum over the unit's features of its weight times the feature's largest weight in
        the centres other than ``excluded``. With no negative weight this is, up to rounding,
        at least the similarity of the unit to each of those centres: the bound of the
        "max-score" method of ranked retrieval (Turtle and Flood 1995, "Query evaluation:
        strategies and optimizations", Information Processing & Management 31)."""
        total = 0.0
        tops = self._tops
        for feature, value in unit.items():
            top = tops[feature]
            if top is None:
                top = tops[feature] = self._top(feature)
            first, centre, second = top
            total += value * (second if centre == excluded else first)
        return total

    def _top(self, feature: int) -> tuple[float, int, float]:
        """The largest weight of a feature among the centres, the centre that has it, and the
        second largest (a centre without the feature weighs 0)."""
        weights = self._weights[feature]
        if not weights:
            return 0.0, -1, 0.0
        ordered = sorted(weights.values())
        first = ordered[-1]
        second = ordered[-2] if len(ordered) > 1 else 0.0
        centre = next(c for c, w in weights.items() if w == first)
        return first, centre, max(second, 0.0)


def _ranked(scores: list[float]) -> tuple[int, float, int, float, float]:
    """The centre that the plain algorithm picks and its score, the best of the others (the
    rival) and its score, and the best score of the rest (-inf if none). ``scores`` (at least
    two) is overwritten."""
    top = max(scores)
    best = scores.index(top) if top > -1.0 else 0
    score = scores[best]
    scores[best] = -math.inf
    second = max(scores)
    rival = scores.index(second)
    scores[rival] = -math.inf
    return best, score, rival, second, max(scores)


@attrs.define
class _Bounds:
    """What the rounds of :func:`_lloyd` carry over for each unit (by position).

    Invariant, after every round: ``lower[p]`` is at most the similarity that :func:`dot`
    computes between unit ``p`` and its centre ``assigned[p]``; ``near[p]`` at least the one it
    computes to ``rival[p]``, another centre (the runner-up when it was last scored against all);
    ``far[p]`` at least the one it computes to each of the rest. So ``lower[p]`` above both
    (and above -1, below which the plain algorithm picks the first centre) proves that the unit
    stays where it is.
    """

    assigned: list[int] = attrs.Factory(list)
    rival: list[int] = attrs.Factory(list)
    lower: list[float] = attrs.Factory(list)
    near: list[float] = attrs.Factory(list)
    far: list[float] = attrs.Factory(list)

    def append(self, ranked: tuple[int, float, int, float, float]) -> None:
        best, score, rival, second, rest = ranked
        self.assigned.append(best)
        self.lower.append(score)
        self.rival.append(rival)
        self.near.append(second)
        self.far.append(rest)


@attrs.define
class _Centres:
    """The centres of :func:`_lloyd`, indexed by feature, each with the length of the sum of
    members it was divided by (``None`` unless that sum was of exactly the cluster's current
    members: a starting unit, or a centre kept when its cluster emptied), and a length that no
    centre so far has exceeded (``scale``, at least 1; computed without underflow)."""

    vectors: list[Sparse]
    index: _CentreIndex
    lengths: list[float | None]
    scale: float


@attrs.frozen
class _Shift:
    """How the centres moved in one recentring, told in two ways that bound what the move does
    to the similarity of a unit ``x`` to a centre that moved from ``c`` to ``c'``.

    Everywhere: ``c' = ratio * c + d`` with ``d = c' - ratio * c``, so ``x.c' = ratio * x.c +
    x.d``, and ``|x.d| <= |x| * residual`` (Cauchy-Schwarz, ``residual = |d|``). ``ratio =
    max(0, c.c')`` makes the residual smallest; any ratio would do, so its rounding does no harm
    as long as ``d`` is computed with the very ratio used.

    Feature by feature: a centre recomputed from members that were partly the same keeps, on
    every feature that no arriving or leaving unit has, the same sum of the same members added
    in the same order, bit for bit; only the length it is divided by changes. So ``c' = growth
    * c + delta`` (``growth`` = old length / new length) where ``delta`` is 0, up to the
    rounding of the divisions, except on the features of the units that came or went, and
    ``x.c' = growth * x.c + x.delta``, which takes one pass over the features of ``x``.
    """

    moved: list[bool]
    ratio: list[float]
    residual: list[float]
    growth: list[float]
    touched: frozenset[int] | None
    """The features of the units that came or went; ``None`` if some centre that moved has no
    growth (its old centre was not the sum of its old members: a starting unit, or a centre
    kept while its cluster was empty)."""
    deltas: dict[int, dict[int, float]] | None
    """For each touched feature, the centres that changed on it and their deltas (``None`` when
    they would cost more than they spare)."""


Moves = list[tuple[int, int, int]]
"""Units that changed cluster in a round: (position, from, to)."""


@attrs.define
class _Tally:
    """Whether a shortcut (the ceiling) is worth taking: it is if, in the last round, it spared
    a full scoring to at least one unit in three that it was taken for (it costs about a third
    of a full scoring). When it is not, it is still taken for one unit in eight, to notice when
    it becomes so. This decides how fast a round is, never its result."""

    tried: int = 0
    spared: int = 0
    worth: bool = True

    def next_round(self) -> None:
        self.worth = 3 * self.spared >= self.tried
        self.tried = self.spared = 0

    def trying(self, position: int) -> bool:
        return self.worth or position % 8 == 0


def _lloyd(units: _Units, start: list[Sparse], iterations: int) -> list[int]:
    """The rounds of k-means from the centres ``start``: the cluster of each unit."""
    if iterations < 1:
        return [-1] * len(units.vectors)
    if len(start) == 1:
        return [0] * len(units.vectors)  # the plain algorithm's choice when there is no other
    index = _CentreIndex(start, units.frequency)
    scale = max(1.0, *(math.hypot(*centre.values()) for centre in start))
    centres = _Centres(list(start), index, [None] * len(start), scale)
    bounds = _Bounds()
    for unit in units.vectors:
        bounds.append(_ranked(index.scores(unit)))
    moves = [(position, -1, cluster) for position, cluster in enumerate(bounds.assigned)]
    ceilings = _Tally()
    for _ in range(iterations - 1):
        shift = _recentre(units, bounds.assigned, moves, centres)
        moves = _reassign(units, centres, shift, bounds, ceilings)
        if not moves:
            break
        ceilings.next_round()
    return bounds.assigned


def _recentre(units: _Units, assigned: Sequence[int], moves: Moves, centres: _Centres) -> _Shift:
    """Each cluster that gained or lost units gets the normalised sum of its members, added in
    unit order: exactly the centre the plain algorithm computes (the other centres already are
    that, from the same members in the same order). A cluster left empty keeps its centre."""
    vectors, lengths = centres.vectors, centres.lengths
    changed = {cluster for _, before, after in moves for cluster in (before, after)}
    changed.discard(-1)
    members: dict[int, list[int]] = {cluster: [] for cluster in changed}
    for position, cluster in enumerate(assigned):
        group = members.get(cluster)
        if group is not None:
            group.append(position)
    count = len(vectors)
    moved, ratio, growth, residual = [False] * count, [1.0] * count, [1.0] * count, [0.0] * count
    olds: dict[int, Sparse] = {}
    whole = False
    for cluster, group in sorted(members.items()):
        if not group:
            lengths[cluster] = None
            continue
        olds[cluster] = old = vectors[cluster]
        new, length = _normalised_and_length(vector_sum(units.vectors[p] for p in group))
        moved[cluster] = True
        ratio[cluster] = max(0.0, dot(old, new))
        residual[cluster] = _residual(old, new, ratio[cluster])
        before = lengths[cluster]
        if before and length:
            growth[cluster] = before / length
        else:
            whole = True
        centres.index.replace(cluster, old, new)
        vectors[cluster] = new
        lengths[cluster] = length
        centres.scale = max(centres.scale, math.hypot(*new.values()))
    if whole:
        return _Shift(moved, ratio, residual, growth, None, None)
    touched: dict[int, set[int]] = {cluster: set() for cluster in olds}
    for position, before, after in moves:
        for cluster in (before, after):
            if cluster in touched:
                touched[cluster].update(units.vectors[position])
    frequency = units.frequency
    work = sum(frequency[f] for reached in touched.values() for f in reached)
    deltas: dict[int, dict[int, float]] | None = None
    if 3 * work < centres.index.work:
        # passing over the deltas costs what full scorings do (see _CentreIndex.work) times the
        # share of the deltas: worth it while that is below a third
        deltas = {}
        for cluster, reached in touched.items():
            old, new, rescale = olds[cluster], vectors[cluster], growth[cluster]
            for feature in reached:
                delta = new.get(feature, 0.0) - rescale * old.get(feature, 0.0)
                deltas.setdefault(feature, {})[cluster] = delta
    features = frozenset(f for reached in touched.values() for f in reached)
    return _Shift(moved, ratio, residual, growth, features, deltas)


def _residual(old: Sparse, new: Sparse, ratio: float) -> float:
    """The length of ``new - ratio * old`` (computed without underflow)."""
    differences = [value - ratio * old.get(feature, 0.0) for feature, value in new.items()]
    differences += [ratio * value for feature, value in old.items() if feature not in new]
    return math.hypot(*differences)


def _reassign(
    units: _Units, centres: _Centres, shift: _Shift, bounds: _Bounds, ceilings: _Tally
) -> Moves:
    """One round of assignment after the centres moved: the units that changed cluster.

    The bounds of :class:`_Bounds` are carried over in the manner of Hamerly (2010, "Making
    k-means even faster", SIAM International Conference on Data Mining), with one more bound for
    the unit's rival, since a unit close to two clusters is mostly close to only two.
    Similarities take the place of distances and the decompositions of :class:`_Shift` that of
    the triangle inequality; every bound derived is loosened by a slack for rounding
    (:data:`SAFETY`, :data:`TINY`). In turn, until one proves that the unit stays:

    1. For a unit that shares no feature with the units that came or went (when every centre
       that moved has a growth), each bound is multiplied by the growth of its centre (the
       bound for the rest by their largest growth, or smallest for a negative bound). For any
       other unit, a bound becomes ``bound * ratio`` minus (the lower bound) or plus (upper
       bounds) ``|x| * residual``; for the rest with their largest ratio (or smallest) and
       residual.
    2. For those others, feature by feature, if the deltas were worth computing: a bound
       becomes ``bound * growth + x.delta``; for the rest with their largest growth (or
       smallest) and largest ``x.delta``.
    3. The ceiling of :meth:`_CentreIndex.ceiling` for the rival and the rest, if no weight is
       negative, while ``ceilings`` finds it worth it.
    4. The exact similarities to its centre and to its rival.
    5. Failing all, the unit is scored against every centre, exactly, as the plain algorithm
       does.
    """
    vectors, index = centres.vectors, centres.index
    moved, ratio, growth, residual = shift.moved, shift.ratio, shift.growth, shift.residual
    most, least, grown, shrunk = max(ratio), min(ratio), max(growth), min(growth)
    farthest = sorted(range(len(residual)), key=lambda c: -residual[c])[:3]
    # a carried-over bound is off by at most about (n + 3) * 1.1e-16 * factor * |x| * |c|, a
    # ceiling by about n * 1.1e-16 * |x|_1 * scale (and both by n * 5e-324 more, see TINY)
    loosen = SAFETY * centres.scale * max(1.0, most, grown)
    cover, nonnegative = SAFETY * centres.scale, units.nonnegative
    deltas, count = shift.deltas, len(vectors)
    deltas_at = deltas.get if deltas is not None else None
    touched: set[int] | None = None
    if shift.touched is not None:
        touched = set()
        for feature in shift.touched:
            touched.update(units.by_feature[feature])
    assigned, rival, lower, near, far = (
        bounds.assigned,
        bounds.rival,
        bounds.lower,
        bounds.near,
        bounds.far,
    )
    norms, masses = units.norms, units.masses
    moves: Moves = []
    for position, unit in enumerate(units.vectors):
        cluster, other = assigned[position], rival[position]
        norm = norms[position]
        slack = norm * loosen + TINY
        rest = far[position]
        if touched is not None and position not in touched:
            low = lower[position] * growth[cluster] - slack
            close = near[position] * growth[other] + slack
            rest = rest * (grown if rest >= 0.0 else shrunk) + slack
        else:
            low = lower[position] * ratio[cluster] - norm * residual[cluster] - slack
            close = near[position] * ratio[other] + norm * residual[other] + slack
            rest *= most if rest >= 0.0 else least
            for mover in farthest:
                if mover != cluster and mover != other:
                    rest += norm * residual[mover]
                    break
            rest += slack
            if deltas_at is not None and not (low > close and low > rest and low > -1.0):
                changes = [0.0] * count
                for feature, value in unit.items():
                    found = deltas_at(feature)
                    if found:
                        for centre, delta in found.items():
                            changes[centre] += value * delta
                bound = lower[position] * growth[cluster] + changes[cluster] - slack
                if bound > low:
                    low = bound
                bound = near[position] * growth[other] + changes[other] + slack
                if bound < close:
                    close = bound
                changes[cluster] = changes[other] = 0.0
                bound = far[position]
                bound = bound * (grown if bound >= 0.0 else shrunk) + max(changes) + slack
                if bound < rest:
                    rest = bound
        if not (low > close and low > rest and low > -1.0):
            tried = nonnegative and ceilings.trying(position)
            if tried:
                ceiling = index.ceiling(unit, cluster) + masses[position] * cover + TINY
                if ceiling < close:
                    close = ceiling
                if ceiling < rest:
                    rest = ceiling
                ceilings.tried += 1
            if moved[cluster] and not (low > close and low > rest and low > -1.0):
                low = dot(unit, vectors[cluster])
            if moved[other] and low > rest and low > -1.0 and not low > close:
                close = dot(unit, vectors[other])
            if low > close and low > rest and low > -1.0:
                ceilings.spared += tried
            else:
                best, low, other, close, rest = _ranked(index.scores(unit))
                if best != cluster:
                    assigned[position] = best
                    moves.append((position, cluster, best))
                rival[position] = other
        lower[position], near[position], far[position] = low, close, rest
    return moves
