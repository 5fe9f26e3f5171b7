"""Agreement on rating tables: published values, degenerate tables, and oracle packages.

Published values:
- Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section A: two observers,
  ten binary units, alpha 0.095 and 60% agreement; section C: four observers, twelve units with
  missing values, alpha 0.743 (nominal), 0.815 (ordinal), 0.849 (interval), 0.797 (ratio).
- Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
  Bulletin 76(5), 378-382, Table 1: 30 patients, six diagnoses each, five categories; kappa 0.430.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from qualcode.analysis.agreement import (
    LEVELS,
    UndefinedAgreementError,
    alpha_interval,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from qualcode.errors import QualcodeError

N = None
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
FOUR_CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Fleiss (1971), Table 1: per patient, how many of the six psychiatrists chose each diagnosis
# (depression, personality disorder, schizophrenia, neurosis, other).
FLEISS_COUNTS = [
    (0, 0, 0, 6, 0), (0, 3, 0, 0, 3), (0, 1, 4, 0, 1), (0, 0, 0, 0, 6), (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0), (0, 0, 4, 0, 2), (2, 0, 3, 1, 0), (2, 0, 0, 4, 0), (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0), (1, 1, 0, 4, 0), (0, 3, 3, 0, 0), (1, 0, 0, 5, 0), (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1), (3, 0, 0, 1, 2), (5, 1, 0, 0, 0), (0, 2, 0, 4, 0), (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6), (0, 1, 0, 5, 0), (0, 2, 0, 1, 3), (2, 0, 0, 4, 0), (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0), (4, 0, 0, 0, 2), (0, 2, 0, 4, 0), (1, 0, 5, 0, 0), (0, 0, 0, 0, 6),
]  # fmt: skip


def fleiss_table() -> list[list[int]]:
    """The counts as a rating table: six 'coders' (the six diagnoses of each patient)."""
    units = [[k for k, n in enumerate(counts) for _ in range(n)] for counts in FLEISS_COUNTS]
    return [[unit[c] for unit in units] for c in range(6)]


def test_krippendorff_two_coder_binary_example() -> None:
    assert krippendorff_alpha(BINARY) == pytest.approx(0.095, abs=5e-4)
    assert percent_agreement(BINARY) == pytest.approx(0.60)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_four_coders_with_missing_values(level: str, published: float) -> None:
    assert krippendorff_alpha(FOUR_CODERS, level) == pytest.approx(published, abs=5e-4)  # type: ignore[arg-type]


def test_fleiss_1971() -> None:
    assert fleiss_kappa(fleiss_table()) == pytest.approx(0.430, abs=5e-4)


def test_two_coder_coefficients_by_hand() -> None:
    # 2x2 table: both yes 20, a only 5, b only 10, neither 15 (n = 50).
    a = ["y"] * 20 + ["y"] * 5 + ["n"] * 10 + ["n"] * 15
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    observed = 35 / 50
    chance_cohen = (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)
    chance_scott = (55 / 100) ** 2 + (45 / 100) ** 2
    assert cohen_kappa(a, b) == pytest.approx((observed - chance_cohen) / (1 - chance_cohen))
    assert scott_pi(a, b) == pytest.approx((observed - chance_scott) / (1 - chance_scott))
    assert brennan_prediger([a, b]) == pytest.approx((observed - 0.5) / 0.5)


def test_units_rated_by_one_coder_only_are_left_out_of_two_coder_coefficients() -> None:
    a = ["x", "y", "x", None, "y"]
    b = ["x", "y", "y", "x", None]
    assert cohen_kappa(a, b) == cohen_kappa(a[:3], b[:3])
    assert percent_agreement([a, b]) == pytest.approx(2 / 3)


def test_one_category_only_is_undefined_not_nan() -> None:
    same = [["a", "a", "a"], ["a", "a", "a"]]
    for coefficient in (fleiss_kappa, krippendorff_alpha):
        with pytest.raises(UndefinedAgreementError, match=r"one category|same value"):
            coefficient(same)
    with pytest.raises(UndefinedAgreementError, match="percent agreement is 100%"):
        cohen_kappa(*same)
    with pytest.raises(UndefinedAgreementError):
        scott_pi(*same)
    assert percent_agreement(same) == 1.0
    # Brennan-Prediger and AC1 stay defined: their chance term is not 1.
    assert brennan_prediger(same) == 1.0
    assert gwet_ac1(same) == 1.0


def test_no_pairable_unit_is_undefined() -> None:
    table = [["a", None, None], [None, "b", None]]
    for coefficient in (percent_agreement, fleiss_kappa, gwet_ac1, krippendorff_alpha):
        with pytest.raises(UndefinedAgreementError, match="nothing to compare"):
            coefficient(table)
    with pytest.raises(UndefinedAgreementError, match="no unit was rated by both"):
        cohen_kappa(*table)


def test_the_error_is_a_qualcode_error_and_a_value_error() -> None:
    with pytest.raises(QualcodeError):
        krippendorff_alpha([[1]])
    with pytest.raises(ValueError):
        krippendorff_alpha([[1]])


def test_bad_tables_and_levels_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="coder 0 has 2 ratings and coder 1 has 3"):
        percent_agreement([[1, 2], [1, 2, 3]])
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(BINARY, "circular")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="interval alpha needs finite numbers"):
        krippendorff_alpha([["a", "b"], ["b", "b"]], "interval")
    with pytest.raises(ValueError, match="ratio alpha needs ratings of 0 or more"):
        krippendorff_alpha([[-1, 2], [2, 2]], "ratio")
    with pytest.raises(ValueError, match="more than categories=2"):
        brennan_prediger([[1, 2, 3], [1, 2, 3]], categories=2)
    with pytest.raises(TypeError):
        percent_agreement("ab")


def test_the_bootstrap_repeats_with_its_seed_and_brackets_the_estimate() -> None:
    first = alpha_interval(FOUR_CODERS, samples=300, seed=7)
    again = alpha_interval(FOUR_CODERS, samples=300, seed=7)
    other = alpha_interval(FOUR_CODERS, samples=300, seed=8)
    assert first == again
    assert first != other
    assert first.low <= first.estimate <= first.high
    assert first.low < first.high
    assert first.estimate == pytest.approx(0.743, abs=5e-4)
    assert 0 < first.samples <= 300


# -- oracles: thousands of random tables against the PyPI packages ----------------------------

ORACLE_TABLES = 2000
STATSMODELS_TABLES = 1000  # its cohens_kappa computes variances too, and is slower
IRRCAC_TABLES = 200  # irrCAC builds a DataFrame per table and is slower still


def random_table(rng: random.Random, *, missing: bool) -> list[list[int | None]]:
    coders = rng.randint(2, 5)
    units = rng.randint(2, 15)
    categories = rng.randint(2, 4)
    table: list[list[int | None]] = [
        [rng.randint(1, categories) for _ in range(units)] for _ in range(coders)
    ]
    if missing:
        for row in table:
            for u in range(units):
                if rng.random() < 0.2:
                    row[u] = None
    return table


def defined(function: object, *args: object) -> float | None:
    try:
        return function(*args)  # type: ignore[operator, no-any-return]
    except UndefinedAgreementError:
        return None


def test_alpha_against_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    import numpy as np

    rng = random.Random(1)
    compared = 0
    for _ in range(ORACLE_TABLES):
        table = random_table(rng, missing=True)
        data = np.array([[np.nan if v is None else v for v in row] for row in table], float)
        for level in LEVELS:
            ours = defined(krippendorff_alpha, table, level)
            if ours is None:
                continue
            theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            assert ours == pytest.approx(theirs, abs=1e-9), (table, level)
            compared += 1
    assert compared > ORACLE_TABLES  # most tables are defined at every level


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_fleiss_and_cohen_against_statsmodels() -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    import numpy as np

    rng = random.Random(2)
    compared = 0
    for _ in range(STATSMODELS_TABLES):
        table = random_table(rng, missing=False)
        units = list(zip(*table, strict=True))
        counts, _ = inter_rater.aggregate_raters(np.array(units))
        ours = defined(fleiss_kappa, table)
        if ours is not None:
            assert ours == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-9)
            compared += 1
        a, b = table[0], table[1]
        ours = defined(cohen_kappa, a, b)
        if ours is not None:
            confusion, _ = inter_rater.to_table(np.array([a, b]).T)
            assert ours == pytest.approx(inter_rater.cohens_kappa(confusion).kappa, abs=1e-9)
            compared += 1
    assert compared > STATSMODELS_TABLES


def to_frame(table: Sequence[Sequence[int | None]]) -> object:
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        {f"c{i}": [np.nan if v is None else v for v in row] for i, row in enumerate(table)}
    )


@pytest.mark.filterwarnings("ignore")
def test_gwet_family_with_missing_ratings_against_irrcac() -> None:
    raw = pytest.importorskip("irrCAC.raw")
    rng = random.Random(3)
    compared = 0
    for _ in range(IRRCAC_TABLES):
        table = random_table(rng, missing=True)
        used = {v for row in table for v in row if v is not None}
        if len(used) < 2:
            continue
        cac = raw.CAC(to_frame(table), digits=12)
        for ours_of, theirs_of in (
            (fleiss_kappa, cac.fleiss),
            (gwet_ac1, cac.gwet),
            (brennan_prediger, cac.bp),
        ):
            ours = defined(ours_of, table)
            if ours is None:
                continue
            try:
                theirs = theirs_of()["est"]["coefficient_value"]
            except ZeroDivisionError:  # irrCAC's variance needs more than one rated unit
                continue
            assert ours == pytest.approx(theirs, abs=1e-9), (table, ours_of.__name__)
            compared += 1
    assert compared > IRRCAC_TABLES
