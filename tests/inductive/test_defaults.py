"""The ``inductive`` strategy with its defaults on any project: no cases, one document, many
passages; suggestions are candidates with a handful of typical passages each."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qualcode.errors import EmptyCorpusError, OptionError
from qualcode.model import Case, CodeStatus, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.inductive import InductiveStrategy

EXAMPLE_STUDY = Path(__file__).resolve().parents[2] / "examples" / "peer-workers"
DIARIES = Path(__file__).resolve().parent / "diaries"
ENGLISH = (DIARIES / "en.txt").read_text(encoding="utf-8").splitlines()
SPANISH = (DIARIES / "es.txt").read_text(encoding="utf-8").splitlines()


def example_texts() -> list[tuple[str, str]]:
    paths = sorted(EXAMPLE_STUDY.glob("interviews/*.txt")) + sorted(
        EXAMPLE_STUDY.glob("diaries/*.txt")
    )
    assert len(paths) == 21
    return [(path.stem, path.read_text(encoding="utf-8")) for path in paths]


def plain_project(texts: list[tuple[str, str]], case_prefix: int = 0) -> Project:
    """Documents only: no cases, no time points, no kinds (what a first import gives); or, with
    ``case_prefix``, each in the case named by that many first letters of its name."""
    project = Project()
    for number, (name, text) in enumerate(texts, 1):
        case_id = None
        if case_prefix:
            case_name = name[:case_prefix].upper()
            case_id = f"case-{case_name.lower()}"
            if case_id not in project.cases:
                project.add_case(Case(id=case_id, name=case_name))
        project.add_document(Document(id=f"doc-{number}", name=name, text=text, case_id=case_id))
    return project


def run(project: Project, **options: object) -> StrategyResult:
    return InductiveStrategy().run(project, SerialRunner(), **options)


def candidates(result: StrategyResult) -> list[str]:
    """Ids of the codes that codings were suggested for."""
    return sorted({c.code_id for c in result.codings})


def test_defaults_work_on_a_project_without_cases() -> None:
    project = plain_project(example_texts())
    result = run(project)
    names = {c.name for c in result.codes}
    (pn2_t2,) = [c for c in result.codes if c.name == "Distinctive for document PN2_T2"]
    assert "hostel" in {c.name for c in result.codes if c.parent_id == pn2_t2.id}
    assert any(n.startswith("Group ") for n in names)
    compared = {
        c.provenance.parameters["compare"]
        for c in result.codings
        if c.provenance.parameters["method"] == "keyness"
    }
    assert compared == {"document"}
    assert all(c.status is CodeStatus.CANDIDATE for c in result.codes)


def test_cases_are_compared_when_the_documents_have_two_or_more() -> None:
    project = plain_project(example_texts(), case_prefix=3)
    result = run(project, method="keyness", speakers="PN*")
    assert any(c.name.startswith("Distinctive for case PN") for c in result.codes)
    assert not any("document" in c.name for c in result.codes)


def test_a_project_of_one_document_gets_groups_and_is_told_why_no_terms() -> None:
    project = plain_project([("diary", " ".join(ENGLISH * 2))])
    result = run(project)
    assert any(c.name.startswith("Group ") for c in result.codes)
    assert not any(c.name.startswith("Distinctive") for c in result.codes)
    (warning,) = [w for w in result.warnings if "only one document" in w]
    assert "similar passages" in warning
    with pytest.raises(OptionError, match="only one document"):
        run(project, method="keyness")


def test_a_project_of_one_short_document_is_one_clear_error() -> None:
    project = plain_project([("note", "We met. It rained.")])
    with pytest.raises(EmptyCorpusError) as raised:
        run(project)
    assert "only one document" in str(raised.value)
    assert "too few sentences" in str(raised.value)


def test_by_default_each_candidate_is_coded_at_a_handful_of_typical_passages() -> None:
    project = plain_project(example_texts())
    result = run(project, method="clusters")
    per_code = Counter(c.code_id for c in result.codings)
    assert per_code, "no suggestion at all"
    assert max(per_code.values()) <= 5
    assert all("typical passage" in c.provenance.rule for c in result.codings)
    assert all(c.coder_id == result.coder.id for c in result.codings)
    everything = run(project, method="clusters", code_all=True)
    assert len(everything.codings) > 3 * len(result.codings)
    assert candidates(everything) == candidates(result)
    # the typical passages are the members most similar to the centre
    for code in result.codes:
        if not code.name.startswith("Group "):
            continue
        quotes = {
            " ".join(project.quote(c).split()) for c in result.codings if c.code_id == code.id
        }
        assert set(code.examples) <= quotes
    fewer = run(project, method="clusters", passages=2)
    assert max(Counter(c.code_id for c in fewer.codings).values()) <= 2


def test_typical_passages_of_a_term_come_from_several_documents() -> None:
    sentences = [f"Kettle number {n} boiled over in the kitchen." for n in range(4)]
    texts = [
        ("a1", " ".join(sentences) + " The garden was quiet."),
        ("a2", " ".join(sentences) + " The river was high."),
        ("b1", "The garden was quiet. The river was high. The meadow was green."),
        ("b2", "The meadow was green. The stone was cold. The garden was quiet."),
    ]
    project = plain_project(texts, case_prefix=1)
    result = run(project, method="keyness", max_words=1, passages=3, min_score=0)
    (kettle,) = [c for c in result.codes if c.name == "kettle"]
    coded = [c for c in result.codings if c.code_id == kettle.id]
    assert len(coded) == 3
    assert {c.document_id for c in coded} == {"doc-1", "doc-2"}
    assert "Coded at the 3 most typical of its 8" in kettle.definition
    every = run(project, method="keyness", max_words=1, code_all=True, min_score=0)
    assert sum(1 for c in every.codings if c.code_id == kettle.id) == 8


def test_nothing_found_says_why() -> None:
    project = plain_project([("one", " ".join(ENGLISH)), ("two", " ".join(SPANISH))])
    result = run(project, method="keyness", min_frequency=50)
    assert result.codings == []
    assert any("min_frequency=50" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"passages": 0}, r"option 'passages'.*at least 1"),
        ({"passages": "few"}, r"option 'passages'.*whole number"),
        ({"code_all": "sometimes"}, r"option 'code_all'.*true or false"),
        ({"compare": "speaker"}, r"option 'compare'.*auto, case, document, time_point, kind"),
        ({"keep_words": 3}, r"option 'keep_words'.*list of strings"),
        ({"languages": "english"}, r"no stop words for the language\(s\) english"),
    ],
)
def test_the_new_options_are_checked_like_the_others(
    options: dict[str, object], expected: str
) -> None:
    project = plain_project([("one", " ".join(ENGLISH)), ("two", " ".join(SPANISH))])
    with pytest.raises(OptionError, match=expected):
        run(project, **options)


def test_options_given_as_strings_from_the_command_line() -> None:
    project = plain_project([("one", " ".join(ENGLISH)), ("two", " ".join(SPANISH))])
    as_text = run(project, passages="2", code_all="no", languages="en, es", keep_words="doctor")
    as_values = run(
        project, passages=2, code_all=False, languages=["en", "es"], keep_words=["doctor"]
    )
    assert as_text.codings == as_values.codings
    assert as_text.codings
