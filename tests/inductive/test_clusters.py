"""Groups of similar passages suggested by the ``inductive`` strategy."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.model import Code, CodeOrigin, Coder, CodeStatus, Coding, Document, ProvenanceMethod
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.inductive import InductiveStrategy
from qualcode.strategies.inductive import clusters as clustering
from qualcode.strategies.inductive.clusters import (
    Unit,
    Vector,
    clusters,
    default_k,
    dot,
    kmeans,
    tfidf,
)
from qualcode.strategies.runners import ProcessPoolRunner
from qualcode.testing.plain_clustering import (
    plain_clusters,
    plain_kmeans,
    plain_normalised,
)

COOKING = [
    "The soup needs more salt and pepper.",
    "Add pepper and salt to the soup slowly.",
    "Taste the soup before adding salt.",
    "Stir the soup and the sauce with pepper.",
]
FOOTBALL = [
    "The striker scored a goal in the match.",
    "A late goal won the match for the striker.",
    "The keeper saved the goal near the end of the match.",
    "The match ended after a striker goal.",
]


def diary_project(*texts: str) -> Project:
    project = Project()
    for number, text in enumerate(texts, 1):
        project.add_document(Document(id=f"doc-{number}", name=f"entry {number}", text=text))
    return project


def run(project: Project, **options: object) -> StrategyResult:
    return InductiveStrategy().run(project, SerialRunner(), method="clusters", **options)


def groups(project: Project, result: StrategyResult) -> list[set[str]]:
    """The sentences of each suggested group."""
    found: dict[str, set[str]] = {}
    for coding in result.codings:
        found.setdefault(coding.code_id, set()).add(project.quote(coding))
    return list(found.values())


def test_two_topics_make_two_groups() -> None:
    # the topics interleaved, so that order alone cannot separate them
    mixed = [s for pair in zip(COOKING, FOOTBALL, strict=True) for s in pair]
    project = diary_project(" ".join(mixed[:4]), " ".join(mixed[4:]))
    result = run(project, clusters=2)
    found = groups(project, result)
    assert {frozenset(g) for g in found} == {frozenset(COOKING), frozenset(FOOTBALL)}
    suggestions = [c for c in result.codes if c.name.startswith("Group ")]
    assert len(suggestions) == 2
    for code in suggestions:
        assert code.origin is CodeOrigin.INDUCTIVE
        assert code.status is CodeStatus.CANDIDATE
        assert len(code.examples) == 3
        assert set(code.examples) <= set(COOKING) or set(code.examples) <= set(FOOTBALL)
    names = " ".join(c.name for c in suggestions)
    assert "soup" in names and ("goal" in names or "match" in names)
    assert all(c.provenance.method is ProvenanceMethod.MODEL for c in result.codings)


def test_typical_quotes_are_the_units_closest_to_the_centre() -> None:
    units = [
        Unit("d", i, i + 1, dict.fromkeys(s.lower().rstrip(".").split(), 1))
        for i, s in enumerate(COOKING)
    ]
    vectors = tfidf(units, min_df=1)
    assert all(math.isclose(dot(v, v), 1.0) for v in vectors)
    centre: dict[str, float] = {}
    for vector in vectors:
        for feature, weight in vector.items():
            centre[feature] = centre.get(feature, 0.0) + weight
    closest = max(range(len(vectors)), key=lambda i: (dot(vectors[i], centre), -i))

    project = diary_project(" ".join(COOKING))
    result = run(project, clusters=1, quotes=1, stop_words=False)
    (group,) = [c for c in result.codes if c.name.startswith("Group ")]
    assert group.examples == (COOKING[closest],)


def test_kmeans_is_deterministic_and_ignores_empty_vectors() -> None:
    vectors = [{"a": 1.0}, {}, {"b": 1.0}, {"a": 0.8, "c": 0.6}, {"b": 0.6, "d": 0.8}]
    assert kmeans(vectors, 2) == kmeans(list(vectors), 2)
    assignment = kmeans(vectors, 2)
    assert assignment[1] == -1
    assert assignment[0] == assignment[3] != assignment[2] == assignment[4]


def test_turns_can_be_the_units() -> None:
    text = "\n".join(
        f"{'I1' if i % 2 == 0 else 'PN1'}: {s}" for i, s in enumerate(COOKING + FOOTBALL)
    )
    project = diary_project(text)
    result = run(project, unit="turn", clusters=2, min_cluster_size=2)
    quotes = [q for group in groups(project, result) for q in group]
    assert set(quotes) == set(COOKING + FOOTBALL)  # whole turn bodies, labels left out


def test_chinese_passages_are_grouped() -> None:
    cooking = ["我们做汤要放盐。", "汤里放盐和胡椒。", "先尝汤再放盐。"]
    football = ["前锋踢进一个进球。", "比赛最后的进球。", "前锋在比赛中进球。"]
    project = diary_project("".join(cooking), "".join(football))
    result = run(project, clusters=2, min_words=2)
    found = {frozenset(g) for g in groups(project, result)}
    assert found == {frozenset(cooking), frozenset(football)}


def test_serial_and_process_runners_agree() -> None:
    texts = [" ".join(COOKING[i:] + FOOTBALL[:i]) for i in range(4)]
    project = diary_project(*texts)
    serial = InductiveStrategy().run(project, SerialRunner(), method="clusters", clusters=3)
    pooled = InductiveStrategy().run(
        project, ProcessPoolRunner(jobs=2), method="clusters", clusters=3
    )
    assert serial.codes == pooled.codes
    assert serial.codings == pooled.codings


def test_human_codings_are_untouched() -> None:
    project = diary_project(" ".join(COOKING + FOOTBALL))
    coder = project.add_coder(Coder(id="person", name="Researcher"))
    code = project.add_code(Code(id="food", name="Food"))
    human = project.add_coding(
        Coding(id="h", document_id="doc-1", code_id=code.id, start=0, end=8, coder_id=coder.id)
    )
    result = run(project, clusters=2)
    result.apply_to(project)
    assert project.codings[human.id] == human
    assert project.codes[code.id] == code
    assert all(c.coder_id == result.coder.id for c in result.codings)
    assert run(project, clusters=2).codings == []  # already proposed


def test_too_little_text_is_a_clear_error() -> None:
    project = diary_project("Too short.")
    with pytest.raises(QualcodeError, match="too few sentences"):
        run(project)


# -- the same groups as the plain algorithm ----------------------------------------------------
#
# ``kmeans`` skips most comparisons of units with centres; these tests hold it to the plain
# algorithm it replaced (every unit against every centre in every round), the oracle in
# qualcode.testing.plain_clustering: the same assignment and the same clusters, down to the
# last bit of every similarity.


def topic_units(count: int, seed: int) -> list[Unit]:
    """Sentences that each draw most of their words from one of six topics (Zipf-like: the
    first words of a topic most often) and the rest from filler words that all topics share."""
    chooser = random.Random(seed)
    topics = [[f"t{topic}w{word}" for word in range(25)] for topic in range(6)]
    filler = [f"filler{word}" for word in range(40)]
    weights = [1.0 / (rank + 1) for rank in range(40)]
    units = []
    for number in range(count):
        topic = chooser.choice(topics)
        words = chooser.choices(topic, weights[:25], k=chooser.randint(2, 6))
        words += chooser.choices(filler, weights, k=chooser.randint(1, 5))
        units.append(Unit("d", number, number + 1, counts(words)))
    return units


def random_units(count: int, seed: int, vocabulary: int = 600) -> list[Unit]:
    """Sentences of words drawn uniformly: groups that are not really there."""
    chooser = random.Random(seed)
    words = [f"w{n}" for n in range(vocabulary)]
    return [
        Unit("d", n, n + 1, counts(chooser.choices(words, k=chooser.randint(3, 12))))
        for n in range(count)
    ]


def counts(words: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for word in words:
        found[word] = found.get(word, 0) + 1
    return found


@pytest.mark.parametrize(
    "units",
    [
        topic_units(400, seed=1),
        topic_units(250, seed=2),
        random_units(300, seed=3),
        random_units(200, seed=4, vocabulary=150),
    ],
    ids=["topics", "topics-small", "random-words", "random-few-words"],
)
@pytest.mark.parametrize("k", [1, 2, 5, None, 60])
def test_kmeans_and_clusters_are_those_of_the_plain_algorithm(
    units: list[Unit], k: int | None
) -> None:
    vectors = tfidf(units)
    groups = default_k(len(units)) if k is None else k
    for iterations in (0, 1, 2, 3, 30):
        assert kmeans(vectors, groups, iterations) == plain_kmeans(vectors, groups, iterations)
    assert clusters(vectors, groups, 1) == plain_clusters(vectors, groups, 1)
    assert clusters(vectors, groups, 3) == plain_clusters(vectors, groups, 3)


@st.composite
def sparse_vectors(draw: st.DrawFn, weights: st.SearchStrategy[float]) -> list[Vector]:
    """A few distinct vectors over eight features (in any order, empty ones included), some
    repeated, in a random order."""
    distinct = draw(
        st.lists(st.dictionaries(st.sampled_from("abcdefgh"), weights, max_size=5), max_size=12)
    )
    if not distinct:
        return []
    picks = draw(st.lists(st.integers(0, len(distinct) - 1), max_size=30))
    return [distinct[i] for i in picks]


@settings(max_examples=400, deadline=None)
@given(
    sparse_vectors(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0])),
    st.integers(1, 14),
    st.integers(0, 30),
)
def test_kmeans_is_the_plain_algorithm_on_random_unit_vectors(
    vectors: list[Vector], k: int, iterations: int
) -> None:
    vectors = [plain_normalised(v) for v in vectors]
    assert kmeans(vectors, k, iterations) == plain_kmeans(vectors, k, iterations)


@settings(max_examples=300, deadline=None)
@given(
    # tiny weights: a length computed as the root of a sum of squares underflows to 0
    sparse_vectors(st.sampled_from([-2.0, -0.5, -0.0, 0.0, 0.25, 1.0, 3.0, 1e-300, 1e-3, 1e3])),
    st.integers(1, 14),
    st.integers(0, 30),
)
def test_kmeans_is_the_plain_algorithm_with_any_finite_weights(
    vectors: list[Vector], k: int, iterations: int
) -> None:
    assert kmeans(vectors, k, iterations) == plain_kmeans(vectors, k, iterations)


def test_ties_go_to_the_first_centre_and_k_may_exceed_the_distinct_vectors() -> None:
    same = [{"a": 0.6, "b": 0.8}, {"b": 0.8, "a": 0.6}, {}, {"a": 0.6, "b": 0.8}]
    assert kmeans(same, 3) == plain_kmeans(same, 3) == [0, 0, -1, 0]
    two = [{"a": 1.0}, {"b": 1.0}, {"a": 1.0}, {"b": 1.0}, {"a": 1.0}]
    assert kmeans(two, 5) == plain_kmeans(two, 5)
    assert kmeans(two, 1) == plain_kmeans(two, 1) == [0] * 5
    assert kmeans([{}, {}], 2) == [-1, -1]


def test_a_vector_whose_length_underflows_is_bounded_like_any_other() -> None:
    # the squares of 1e-300 underflow to 0: a bound that trusted that length went wrong here
    vectors = [{"d": 0.5}, {"a": 1.0}, {"a": -0.0, "c": 1e-08}, {"c": 0.5, "d": 0.5}, {"c": 1e-300}]
    assert kmeans(vectors, 2, 2) == plain_kmeans(vectors, 2, 2) == [1, 0, 1, 1, 1]


EXAMPLE_STUDY = Path(__file__).resolve().parents[2] / "examples" / "peer-workers"


@pytest.mark.parametrize(
    "options",
    [{}, {"speakers": "PN*"}, {"unit": "turn"}, {"clusters": 2}, {"clusters": 40}],
    ids=["default", "participants", "turns", "two", "forty"],
)
def test_the_example_study_gets_the_groups_of_the_plain_algorithm(
    options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = sorted(EXAMPLE_STUDY.glob("interviews/*.txt")) + sorted(
        EXAMPLE_STUDY.glob("diaries/*.txt")
    )
    assert len(texts) == 21
    project = diary_project(*(path.read_text(encoding="utf-8") for path in texts))
    result = run(project, **options)
    with monkeypatch.context() as patched:
        patched.setattr(clustering, "clusters", plain_clusters)
        plain = run(project, **options)
    assert result.codes == plain.codes
    assert result.codings == plain.codings
    assert len(result.codes) > 2
