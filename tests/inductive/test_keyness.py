"""Keyness suggestions of the ``inductive`` strategy on corpora built here."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from qualcode.errors import OptionError, QualcodeError
from qualcode.model import Case, CodeOrigin, CodeStatus, Document, DocumentKind, ProvenanceMethod
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.inductive import InductiveStrategy
from qualcode.strategies.inductive.keyness import log_likelihood
from qualcode.strategies.runners import ProcessPoolRunner

# Words that are not stop words, so that ``str.split`` counts exactly what the strategy counts.
CORPUS = {
    "A": [
        "kettle garden kettle river stone kettle",
        "kettle kettle garden lantern kettle",
        "river kettle lantern kettle meadow",
    ],
    "B": [
        "garden river stone meadow lantern",
        "stone meadow garden river kettle",
        "lantern meadow stone garden river",
    ],
    "C": [
        "meadow stone river garden lantern",
        "garden lantern stone meadow river",
    ],
}


def corpus_project(corpus: dict[str, list[str]] = CORPUS, time_points: bool = False) -> Project:
    project = Project()
    for name, texts in corpus.items():
        case = project.add_case(Case(id=f"case-{name}", name=name))
        for number, text in enumerate(texts, 1):
            project.add_document(
                Document(
                    id=f"{name}-{number}",
                    name=f"{name} {number}",
                    text=text,
                    case_id=case.id,
                    time_point=number,
                    kind=DocumentKind.DIARY if number == 1 else DocumentKind.INTERVIEW,
                )
            )
    return project


def expected_ranking(
    corpus: dict[str, list[str]], case: str, min_frequency: int
) -> list[tuple[str, float]]:
    """Terms overused by ``case``, by Rayson & Garside's log-likelihood, computed here."""
    target = Counter(w for text in corpus[case] for w in text.split())
    rest = Counter(
        w for name, texts in corpus.items() if name != case for t in texts for w in t.split()
    )
    c, d = sum(target.values()), sum(rest.values())
    ranking = []
    for word, a in target.items():
        b = rest[word]
        if a < min_frequency or a / c <= b / d:
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        value = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0.0))
        ranking.append((word, value))
    return sorted(ranking, key=lambda item: (-item[1], item[0]))


def children(result: StrategyResult, name: str) -> list[str]:
    (parent,) = [c for c in result.codes if c.name == name]
    return [c.name for c in result.codes if c.parent_id == parent.id]


def run(project: Project, **options: object) -> StrategyResult:
    return InductiveStrategy().run(project, SerialRunner(), method="keyness", **options)


def test_log_likelihood_matches_the_formula_worked_by_hand() -> None:
    # a=10 of c=1000, b=5 of d=2000: E1 = 5, E2 = 10
    by_hand = 2 * (10 * math.log(10 / 5) + 5 * math.log(5 / 10))
    assert log_likelihood(10, 5, 1000, 2000) == pytest.approx(by_hand)
    assert log_likelihood(3, 0, 100, 100) == pytest.approx(2 * 3 * math.log(3 / 1.5))
    assert log_likelihood(0, 0, 10, 10) == 0.0


def test_the_case_that_overuses_a_word_gets_it_first() -> None:
    project = corpus_project()
    result = run(project, max_words=1, min_frequency=2, min_score=0)
    expected = expected_ranking(CORPUS, "A", min_frequency=2)
    assert expected[0][0] == "kettle"
    assert children(result, "Distinctive for case A") == [word for word, _ in expected]
    (kettle,) = [c for c in result.codes if c.name == "kettle"]
    assert f"log-likelihood {expected[0][1]:.2f}" in kettle.definition
    assert kettle.origin is CodeOrigin.INDUCTIVE
    assert kettle.status is CodeStatus.CANDIDATE


def test_every_use_in_the_group_is_coded_and_none_elsewhere() -> None:
    project = corpus_project()
    result = run(project, max_words=1, min_frequency=2, context="hit", code_all=True)
    (kettle,) = [c for c in result.codes if c.name == "kettle"]
    codings = [c for c in result.codings if c.code_id == kettle.id]
    uses = sum(text.split().count("kettle") for text in CORPUS["A"])
    assert len(codings) == uses
    assert {project.documents[c.document_id].case_id for c in codings} == {"case-a"}
    assert all(project.quote(c) == "kettle" for c in codings)
    assert all(c.provenance.method is ProvenanceMethod.RULE for c in codings)
    assert "kettle" in codings[0].provenance.rule


def test_thresholds_filter_terms() -> None:
    project = corpus_project()
    expected = expected_ranking(CORPUS, "A", min_frequency=2)
    strict = run(project, max_words=1, min_frequency=2, min_score=expected[0][1] - 0.01)
    assert children(strict, "Distinctive for case A") == ["kettle"]
    assert not [c for c in strict.codes if c.name == "Distinctive for case B"]
    rare = run(project, max_words=1, min_frequency=100, min_score=0)
    assert rare.codes == []


def test_phrases_are_found_and_cover_their_words() -> None:
    corpus = {
        "A": ["the peer support group met", "peer support helps", "we like peer support", "x"],
        "B": ["the group met", "support from staff helps", "peer review", "staff meeting"],
    }
    project = corpus_project(corpus)
    result = run(project, min_frequency=3, min_score=0)
    terms = children(result, "Distinctive for case A")
    assert terms[0] == "peer support"
    assert "peer" not in terms  # every use of "peer" in A is inside "peer support"
    sentences = [project.quote(c) for c in result.codings]
    assert "we like peer support" in sentences


def test_time_points_and_kinds_can_be_compared() -> None:
    project = corpus_project()
    by_time = run(project, compare="time_point", max_words=1, min_frequency=1, min_score=0)
    assert any(c.name == "Distinctive for time point 1" for c in by_time.codes)
    by_kind = run(project, compare="kind", max_words=1, min_frequency=1, min_score=0)
    assert {c.name for c in by_kind.codes} >= {"Distinctive for kind diary"}


def test_speaker_labels_and_other_speakers_are_left_out() -> None:
    corpus = {
        "PN1": ["I1: tell me about kettles\nPN1: kettle kettle kettle garden"] * 2,
        "PN2": ["I1: tell me about kettles\nPN2: garden river stone garden"] * 2,
    }
    project = corpus_project(corpus)
    result = run(project, speakers="PN*", max_words=1, min_frequency=2, min_score=0)
    names = {c.name for c in result.codes}
    assert "kettle" in names
    assert not names & {"pn1", "pn2", "i1", "kettles", "tell"}


def test_chinese_text_without_spaces() -> None:
    corpus = {
        "A": ["我们在社区工作。社区很重要。", "社区的人都认识我。", "社区中心开门了。"],
        "B": ["我们在医院工作。", "医院的人很忙。", "我喜欢这份工作。"],
    }
    project = corpus_project(corpus)
    result = run(project, min_frequency=3, min_score=0)
    assert children(result, "Distinctive for case A")[0] == "社区"
    (code,) = [c for c in result.codes if c.name == "社区"]
    quotes = [project.quote(c) for c in result.codings if c.code_id == code.id]
    assert quotes == ["我们在社区工作。", "社区很重要。", "社区的人都认识我。", "社区中心开门了。"]


def test_a_four_character_chinese_word_is_one_term_not_its_pieces() -> None:
    # 社区服务 ("community service") is four characters; with phrases capped at max_words=3
    # characters it was only ever seen as 社区服 and 区服务
    corpus = {
        "A": [
            "我参加了社区服务项目。",
            "社区服务让我认识了很多邻居。",
            "我觉得社区服务很有意义。",
            "每周六做社区服务。",
        ],
        "B": ["医院工作很忙。", "我在医院照顾病人。", "医生和护士都很累。", "病人需要照顾。"],
    }
    project = corpus_project(corpus)
    result = run(project, min_frequency=3, min_score=0)
    assert children(result, "Distinctive for case A") == ["社区服务"]
    (code,) = [c for c in result.codes if c.name == "社区服务"]
    quotes = [project.quote(c) for c in result.codings if c.code_id == code.id]
    assert quotes == [
        "我参加了社区服务项目。",
        "社区服务让我认识了很多邻居。",
        "我觉得社区服务很有意义。",
        "每周六做社区服务。",
    ]


def test_chinese_phrases_are_capped_at_twice_max_words_characters() -> None:
    corpus = {
        "A": ["甲乙丙丁戊己庚。", "甲乙丙丁戊己庚。", "甲乙丙丁戊己庚。"],
        "B": ["子丑寅卯。", "辰巳午未。", "申酉戌亥。"],
    }
    names = children(
        run(corpus_project(corpus), min_frequency=3, min_score=0, max_words=2),
        "Distinctive for case A",
    )
    assert names and all(len(name) <= 4 for name in names)
    assert "甲乙丙丁" in names


def test_words_with_combining_marks_are_whole_words_however_stored() -> None:
    nfd_cafe, nfc_cafe = "cafe\u0301", "caf\u00e9"
    school = "\u0645\u064e\u062f\u0652\u0631\u064e\u0633\u064e\u0629"  # مَدْرَسَة, voweled
    corpus = {
        "A": [f"{nfd_cafe} {school} kettle", f"{nfc_cafe} {school} river", f"{nfd_cafe} {school}"],
        "B": ["garden river stone", "stone meadow garden", "lantern meadow stone"],
    }
    project = corpus_project(corpus)

    found = children(run(project, min_frequency=3, min_score=0), "Distinctive for case A")

    # the accented word is one term whether its accent is a letter of its own or a mark, and
    # the Arabic word keeps its vowel signs instead of falling apart into letters
    words = {word for term in found for word in term.split()}
    assert {nfc_cafe, school} <= words
    assert not {"cafe", nfd_cafe, "\u0645", "\u062f"} & words


def test_serial_and_process_runners_agree() -> None:
    project = corpus_project()
    options = {"max_words": 2, "min_frequency": 1, "min_score": 0}
    serial = InductiveStrategy().run(project, SerialRunner(), **options)
    pooled = InductiveStrategy().run(project, ProcessPoolRunner(jobs=2), **options)
    assert serial.codes == pooled.codes
    assert serial.codings == pooled.codings


def test_empty_corpus_and_missing_groups_are_clear_errors() -> None:
    with pytest.raises(QualcodeError, match="no documents with text"):
        run(Project())
    project = Project()
    project.add_document(Document(id="d", name="d", text="kettle garden river"))
    with pytest.raises(OptionError, match="no document has a case"):
        run(project, compare="case")
    with pytest.raises(OptionError, match="only one document"):
        run(project)
    interviews = corpus_project({"A": ["I1: kettle\nPN1: kettle"], "B": ["I1: river\nPN2: x"]})
    with pytest.raises(QualcodeError, match="no turn of the speakers PN9"):
        run(interviews, speakers="PN9")
    with pytest.raises(OptionError, match="nothing to compare with"):
        run(corpus_project({"A": ["kettle garden", "kettle river"]}), compare="case")


def test_documents_without_turns_are_analysed_whole() -> None:
    corpus = {
        "PN1": ["I1: how\nPN1: garden river", "kettle kettle kettle kettle"],
        "PN2": ["I1: how\nPN2: river stone", "garden stone river meadow"],
    }
    project = corpus_project(corpus)
    result = run(project, speakers="PN*", max_words=1, min_frequency=2, min_score=0)
    assert children(result, "Distinctive for case PN1") == ["kettle"]


def test_options_given_as_strings_from_the_command_line() -> None:
    project = corpus_project()
    as_text = run(project, max_words="1", min_frequency="2", min_score="0", stop_words="yes")
    as_values = run(project, max_words=1, min_frequency=2, min_score=0.0, stop_words=True)
    assert as_text.codes == as_values.codes
    with pytest.raises(OptionError, match=r"'max_words'.*whole number"):
        run(project, max_words="two")
    with pytest.raises(OptionError, match="no option 'within'"):
        run(project, within="Support")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"max_words": 10**20}, "option 'max_words'.*from 1 to 10"),
        ({"max_words": 11}, "option 'max_words'.*from 1 to 10"),
        ({"min_score": "inf"}, "option 'min_score'.*finite"),
        ({"min_score": float("nan")}, "option 'min_score'.*finite"),
    ],
)
def test_options_out_of_range_are_one_clear_error(
    options: dict[str, object], expected: str
) -> None:
    # a huge max_words crashed with OverflowError or ran out of memory; min_score=inf found nothing
    with pytest.raises(OptionError, match=expected):
        run(corpus_project(), **options)
