"""Agreement coefficients on rating tables: what a methods section reports.

A rating table is a sequence of coders' sequences over the same units: ``ratings[c][u]`` is the
category coder ``c`` gave unit ``u``, or None where that coder gave none. Categories are any
hashable values (numbers for the interval and ratio levels of alpha; anything that sorts for
the ordinal level).

Every coefficient here is ``(observed - chance) / (1 - chance)`` with its own chance term, or,
for Krippendorff's alpha, ``1 - observed disagreement / expected disagreement``:

- :func:`percent_agreement`: the share of agreeing pairs of ratings within a unit, averaged over
  the units rated at least twice (for two coders: the share of units they rated alike).
- :func:`cohen_kappa` (Cohen 1960): chance from each coder's own category shares.
- :func:`scott_pi` (Scott 1955): chance from the two coders' pooled shares.
- :func:`fleiss_kappa` (Fleiss 1971), :func:`brennan_prediger` (Brennan & Prediger 1981) and
  :func:`gwet_ac1` (Gwet 2008), for any number of coders and missing ratings, as Gwet's
  *Handbook of Inter-Rater Reliability* (4th ed., 2014, ch. 2-5) generalises them.
- :func:`krippendorff_alpha` (Krippendorff 2011, *Computing Krippendorff's alpha-reliability*),
  at the nominal, ordinal, interval and ratio levels, with :func:`alpha_interval` for a seeded
  bootstrap confidence interval.

Undefined values. A coefficient's fraction is 0/0 when chance agreement is complete (every
rating falls in one category) and there is nothing to compare when no unit was rated by two
coders. Both raise :class:`UndefinedAgreementError` (a :class:`ValueError`) saying which; none
returns NaN. Percent agreement is defined whenever a unit was rated twice.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Literal

import attrs

from qualcode.errors import QualcodeError

Category = Hashable
Ratings = Sequence[Sequence[Category | None]]
Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


class UndefinedAgreementError(QualcodeError, ValueError):
    """A coefficient is undefined for this table (no variation, or nothing to compare)."""


# -- the table ------------------------------------------------------------------------------


def _units(ratings: Ratings) -> list[list[Category]]:
    """Each unit's ratings (None left out), after checking the table's shape."""
    if isinstance(ratings, str | bytes) or not isinstance(ratings, Sequence):
        raise TypeError("ratings must be a sequence of coders' sequences of ratings")
    rows = [list(row) for row in ratings]
    if len(rows) < 2:
        raise UndefinedAgreementError(
            f"agreement needs at least two coders; the table has {len(rows)}"
        )
    width = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(
                f"every coder must rate the same units (None for a missing rating): coder 0 "
                f"has {width} ratings and coder {index} has {len(row)}"
            )
    return [[row[u] for row in rows if row[u] is not None] for u in range(width)]


def _pairable(units: list[list[Category]]) -> list[list[Category]]:
    pairable = [unit for unit in units if len(unit) >= 2]
    if not pairable:
        raise UndefinedAgreementError(
            "no unit was rated by two coders, so there is nothing to compare"
        )
    return pairable


def _two(
    a: Sequence[Category | None], b: Sequence[Category | None]
) -> list[tuple[Category, Category]]:
    if len(a) != len(b):
        raise ValueError(
            f"both coders must rate the same units (None for a missing rating): "
            f"{len(a)} and {len(b)} ratings"
        )
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        raise UndefinedAgreementError("no unit was rated by both coders")
    return pairs


def _corrected(observed: float, chance: float, name: str) -> float:
    if math.isclose(chance, 1.0, rel_tol=0.0, abs_tol=1e-12):
        raise UndefinedAgreementError(
            f"{name} is undefined: every rating falls in one category, so chance agreement is "
            f"complete (percent agreement is {observed:.0%})"
        )
    return (observed - chance) / (1.0 - chance)


# -- percent agreement and the two-coder coefficients ----------------------------------------


def _unit_agreement(unit: list[Category]) -> float:
    """The share of agreeing ordered pairs of ratings within one unit."""
    n = len(unit)
    return sum(k * (k - 1) for k in Counter(unit).values()) / (n * (n - 1))


def percent_agreement(ratings: Ratings) -> float:
    """The share of agreeing pairs of ratings in a unit, averaged over the units rated twice or
    more; for two coders, the share of the units both rated on which they agree."""
    pairable = _pairable(_units(ratings))
    return sum(_unit_agreement(unit) for unit in pairable) / len(pairable)


def cohen_kappa(a: Sequence[Category | None], b: Sequence[Category | None]) -> float:
    """Cohen's kappa of two coders over the units both rated."""
    pairs = _two(a, b)
    n = len(pairs)
    observed = sum(1 for x, y in pairs if x == y) / n
    first = Counter(x for x, _ in pairs)
    second = Counter(y for _, y in pairs)
    chance = sum(first[k] * second[k] for k in first) / (n * n)
    return _corrected(observed, chance, "Cohen's kappa")


def scott_pi(a: Sequence[Category | None], b: Sequence[Category | None]) -> float:
    """Scott's pi of two coders over the units both rated."""
    pairs = _two(a, b)
    n = len(pairs)
    observed = sum(1 for x, y in pairs if x == y) / n
    pooled = Counter(x for x, _ in pairs) + Counter(y for _, y in pairs)
    chance = sum((count / (2 * n)) ** 2 for count in pooled.values())
    return _corrected(observed, chance, "Scott's pi")


# -- Gwet's generalised family: Fleiss, Brennan-Prediger, AC1 --------------------------------


@attrs.frozen
class _Shares:
    observed: float
    """Gwet's p_a: the mean agreement of the units rated twice or more."""
    shares: dict[Category, float]
    """Gwet's pi_k: each category's share of a unit's ratings, averaged over rated units."""


def _shares(ratings: Ratings) -> _Shares:
    units = _units(ratings)
    pairable = _pairable(units)
    observed = sum(_unit_agreement(unit) for unit in pairable) / len(pairable)
    rated = [unit for unit in units if unit]
    shares: dict[Category, float] = {}
    for unit in rated:
        for category, count in Counter(unit).items():
            shares[category] = shares.get(category, 0.0) + count / len(unit)
    return _Shares(observed, {k: v / len(rated) for k, v in shares.items()})


def fleiss_kappa(ratings: Ratings) -> float:
    """Fleiss' kappa for two or more coders; with missing ratings, as Gwet generalises it
    (chance from each category's share of a unit's ratings, averaged over the rated units)."""
    table = _shares(ratings)
    chance = sum(share * share for share in table.shares.values())
    return _corrected(table.observed, chance, "Fleiss' kappa")


def brennan_prediger(ratings: Ratings, categories: int | None = None) -> float:
    """Brennan and Prediger's coefficient: chance is one over the number of categories.

    ``categories`` is how many categories the coders could choose from; without it, the number
    of categories used in the table (at least two).
    """
    table = _shares(ratings)
    count = categories if categories is not None else max(2, len(table.shares))
    if count < 2:
        raise ValueError(f"categories must be 2 or more, not {count}")
    if count < len(table.shares):
        raise ValueError(
            f"the table uses {len(table.shares)} categories, more than categories={count}"
        )
    return _corrected(table.observed, 1.0 / count, "Brennan and Prediger's coefficient")


def gwet_ac1(ratings: Ratings, categories: int | None = None) -> float:
    """Gwet's AC1 for two or more coders and missing ratings.

    ``categories`` is how many categories the coders could choose from; without it, the number
    of categories used in the table (at least two).
    """
    table = _shares(ratings)
    count = categories if categories is not None else max(2, len(table.shares))
    if count < len(table.shares):
        raise ValueError(
            f"the table uses {len(table.shares)} categories, more than categories={count}"
        )
    chance = sum(share * (1 - share) for share in table.shares.values()) / (count - 1)
    return _corrected(table.observed, chance, "Gwet's AC1")


# -- Krippendorff's alpha --------------------------------------------------------------------


@attrs.frozen
class _Coincidences:
    values: list[Category]
    """The categories used, in order for the ordinal, interval and ratio levels."""
    matrix: list[list[float]]
    """o_ck: coincidences of the values, each unit's pairs weighted by 1 / (m_u - 1)."""
    totals: list[float]
    """n_c: how many pairable values are c."""


def _coincidences(units: list[list[Category]], level: str) -> _Coincidences:
    pairable = _pairable(units)
    used = {value for unit in pairable for value in unit}
    if level == "nominal":
        values = list(used)
    else:
        try:
            values = sorted(used)  # type: ignore[type-var]
        except TypeError as error:
            raise ValueError(f"{level} alpha needs ratings that can be ordered: {error}") from None
        if level in ("interval", "ratio") and not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        ):
            raise ValueError(f"{level} alpha needs finite numbers as ratings")
        if level == "ratio" and any(v < 0 for v in values):  # type: ignore[operator]
            raise ValueError("ratio alpha needs ratings of 0 or more")
    index = {value: i for i, value in enumerate(values)}
    size = len(values)
    matrix = [[0.0] * size for _ in range(size)]
    for unit in pairable:
        counts = Counter(index[value] for value in unit)
        weight = 1.0 / (len(unit) - 1)
        for c, n_c in counts.items():
            row = matrix[c]
            for k, n_k in counts.items():
                row[k] += weight * (n_c * (n_c - 1) if c == k else n_c * n_k)
    totals = [sum(row) for row in matrix]
    return _Coincidences(values, matrix, totals)


def _metric(level: str, table: _Coincidences) -> Callable[[int, int], float]:
    """delta squared between the c-th and k-th values, for ``level``."""
    values = table.values
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(values[c] - values[k]) ** 2  # type: ignore[operator]
    if level == "ratio":

        def ratio(c: int, k: int) -> float:
            total = values[c] + values[k]  # type: ignore[operator]
            return 0.0 if total == 0 else float((values[c] - values[k]) / total) ** 2  # type: ignore[operator]

        return ratio
    cumulative = [0.0]
    for total in table.totals:
        cumulative.append(cumulative[-1] + total)

    def ordinal(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        between = cumulative[high + 1] - cumulative[low]
        return (between - (table.totals[c] + table.totals[k]) / 2) ** 2

    return ordinal


def _disagreements(table: _Coincidences, level: str) -> tuple[float, float]:
    """(observed, expected) disagreement: D_o and D_e of Krippendorff (2011)."""
    delta = _metric(level, table)
    n = sum(table.totals)
    size = len(table.values)
    observed = 0.0
    expected = 0.0
    for c in range(size):
        row = table.matrix[c]
        for k in range(size):
            if c == k:
                continue
            d = delta(c, k)
            observed += row[k] * d
            expected += table.totals[c] * table.totals[k] * d
    return observed / n, expected / (n * (n - 1))


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def krippendorff_alpha(ratings: Ratings, level: Level = "nominal") -> float:
    """Krippendorff's alpha over the units rated by two coders or more, at ``level``."""
    _check_level(level)
    table = _coincidences(_units(ratings), level)
    if sum(table.totals) < 2:
        raise UndefinedAgreementError("alpha needs at least two pairable ratings")
    observed, expected = _disagreements(table, level)
    if expected == 0:
        raise UndefinedAgreementError(
            "Krippendorff's alpha is undefined: every pairable rating has the same value, "
            "so no disagreement could be expected"
        )
    return 1.0 - observed / expected


@attrs.frozen
class Interval:
    """A bootstrap confidence interval of a coefficient."""

    estimate: float
    low: float
    high: float
    level: float
    """The confidence level, e.g. 0.95."""
    samples: int
    """How many bootstrap samples gave a defined value."""


def alpha_interval(
    ratings: Ratings,
    level: Level = "nominal",
    *,
    confidence: float = 0.95,
    samples: int = 1000,
    seed: int = 0,
) -> Interval:
    """Krippendorff's alpha with a percentile bootstrap confidence interval.

    The bootstrap resamples units with replacement (Efron and Tibshirani 1993), keeping each
    unit's ratings together, and recomputes alpha on each sample; the interval holds the middle
    ``confidence`` share of those values. The same ``seed`` gives the same interval. (Hayes and
    Krippendorff's KALPHA macro resamples pairs of values instead; Gwet (2015) showed that its
    intervals are too narrow, which is why this one resamples units.) Samples in which alpha is
    undefined (no variation left) are skipped and not counted in ``samples``.
    """
    _check_level(level)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, not {confidence}")
    if samples < 1:
        raise ValueError(f"samples must be 1 or more, not {samples}")
    estimate = krippendorff_alpha(ratings, level)
    units = [unit for unit in _units(ratings) if len(unit) >= 2]
    rng = random.Random(seed)
    values: list[float] = []
    for _ in range(samples):
        drawn = [units[rng.randrange(len(units))] for _ in units]
        try:
            table = _coincidences(drawn, level)
            observed, expected = _disagreements(table, level)
        except UndefinedAgreementError:
            continue
        if expected > 0:
            values.append(1.0 - observed / expected)
    if not values:
        raise UndefinedAgreementError(
            "no bootstrap sample had any variation, so alpha has no interval"
        )
    values.sort()
    tail = (1 - confidence) / 2
    low = values[min(len(values) - 1, math.floor(tail * len(values)))]
    high = values[max(0, math.ceil((1 - tail) * len(values)) - 1)]
    return Interval(estimate, low, high, confidence, len(values))
