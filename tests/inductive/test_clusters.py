"""Groups of similar passages suggested by the ``inductive`` strategy."""

from __future__ import annotations

import math

import pytest

from qualcode.errors import QualcodeError
from qualcode.model import Code, CodeOrigin, Coder, CodeStatus, Coding, Document, ProvenanceMethod
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.inductive import InductiveStrategy
from qualcode.strategies.inductive.clusters import Unit, dot, kmeans, tfidf
from qualcode.strategies.runners import ProcessPoolRunner

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
