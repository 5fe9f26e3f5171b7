"""The ``keywords`` strategy on documents we write: units, limits, languages, runners, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualcode.errors import OptionError, QualcodeError
from qualcode.model import (
    Code,
    CodeOrigin,
    Coder,
    Coding,
    Document,
    Paragraph,
    ProvenanceMethod,
    SpeakerTurn,
)
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner, StrategyResult
from qualcode.strategies.keywords import EmptyCorpusError, KeywordsStrategy, RulesError, parse_rules
from qualcode.strategies.keywords.context import ContextFinder
from qualcode.strategies.runners import ProcessPoolRunner
from qualcode.text import paragraphs, sentences

INTERVIEW = """\
Interviewer: How did you prepare for the role? Was there any training?
PN1: I did a two-week induction course. Then I trained with the outreach team.
My supervisor was great. The culture of the team was open.
Interviewer: Did you talk about harm reduction?
PN1: Yes, I advocate for harm reduction all the time. Needle exchange is harm reduction.
I met my client at the train station.
"""

RULES = """\
[settings]
unit = "sentence"

[[rule]]
code = "Training and preparation"
terms = ["train*", "induction course", "prepar*"]
exclude = ["train station"]

[[rule]]
code = "Organisational culture"
terms = ["culture", "team"]

[[rule]]
code = "Advocating harm reduction"
terms = ["harm reduction", "needle exchange"]
regex = ['\\badvocat(e|es|ed|ing)\\b']
"""

CODES = ("Training and preparation", "Organisational culture", "Advocating harm reduction")


def make_project(*texts: str) -> Project:
    project = Project(name="peer workers")
    for number, name in enumerate(CODES, 1):
        project.add_code(Code(id=f"code-{number}", name=name, origin=CodeOrigin.DEDUCTIVE))
    for number, text in enumerate(texts or (INTERVIEW,), 1):
        project.add_document(Document(id=f"doc-{number}", name=f"PN{number} T1", text=text))
    return project


def run(project: Project, rules: str = RULES, **options: object) -> StrategyResult:
    return KeywordsStrategy().run(project, SerialRunner(), rules=parse_rules(rules), **options)


def coded(project: Project, result: StrategyResult) -> list[tuple[str, str]]:
    """(code name, quote) per coding, in the result's order."""
    names = {c.id: c.name for c in [*project.codes, *result.codes]}
    documents = {d.id: d.text for d in project.documents}
    return [(names[c.code_id], documents[c.document_id][c.start : c.end]) for c in result.codings]


def test_sentences_are_coded_with_the_codes_whose_terms_they_hold() -> None:
    project = make_project()
    result = run(project)
    assert coded(project, result) == [
        ("Training and preparation", "Interviewer: How did you prepare for the role?"),
        ("Training and preparation", "Was there any training?"),
        ("Training and preparation", "PN1: I did a two-week induction course."),
        ("Training and preparation", "Then I trained with the outreach team."),
        ("Organisational culture", "Then I trained with the outreach team."),
        ("Organisational culture", "The culture of the team was open."),
        ("Advocating harm reduction", "Interviewer: Did you talk about harm reduction?"),
        ("Advocating harm reduction", "PN1: Yes, I advocate for harm reduction all the time."),
        ("Advocating harm reduction", "Needle exchange is harm reduction."),
    ]


def test_the_coded_sentences_are_those_of_the_text_module() -> None:
    project = make_project()
    spans = {(s.start, s.end) for s in sentences(INTERVIEW)}
    assert {(c.start, c.end) for c in run(project).codings} <= spans


def test_codings_carry_a_machine_coder_and_rule_provenance() -> None:
    project = make_project()
    result = run(project)
    assert result.coder.machine is True
    assert result.codes == []
    culture = [c for c in result.codings if c.code_id == "code-2"]
    assert [c.provenance.rule for c in culture] == ["team", "culture, team"]
    for coding in result.codings:
        assert coding.coder_id == result.coder.id
        assert coding.provenance.method is ProvenanceMethod.RULE
        assert coding.provenance.name == "keywords"
        assert coding.provenance.version == KeywordsStrategy.version
        assert coding.provenance.parameters["unit"] == "sentence"
    advocacy = [c.provenance.rule for c in result.codings if c.code_id == "code-3"]
    assert advocacy[1] == "harm reduction, regex \\badvocat(e|es|ed|ing)\\b"


def test_exclusion_terms_cancel_the_hits_they_cover() -> None:
    project = make_project()
    quotes = [q for _, q in coded(project, run(project, unit="hit"))]
    assert "train" not in quotes  # "train station" is excluded
    assert quotes.count("trained") == 1


def test_exclusions_can_cancel_the_whole_unit() -> None:
    text = "We trained near the train station. We trained again."
    project = make_project(text)
    by_hit = coded(project, run(project))
    by_unit = coded(project, run(project, exclude_scope="unit"))
    assert by_hit == [
        ("Training and preparation", "We trained near the train station."),
        ("Training and preparation", "We trained again."),
    ]
    assert by_unit == [("Training and preparation", "We trained again.")]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("hit", ["induction course", "trained"]),
        # "two-week" is two words; the two windows overlap and are joined
        ("words", ["two-week induction course. Then I trained with the"]),
        # the paragraph is cut to the speaker's words
        (
            "paragraph",
            ["I did a two-week induction course. Then I trained with the outreach team."],
        ),
        (
            "turn",
            [
                "I did a two-week induction course. Then I trained with the outreach team.\n"
                "My supervisor was great. The culture of the team was open."
            ],
        ),
    ],
)
def test_the_unit_decides_what_is_coded(unit: str, expected: list[str]) -> None:
    project = make_project()
    result = run(project, unit=unit, window=2, speakers="PN1")
    training = [q for name, q in coded(project, result) if name == "Training and preparation"]
    assert training == expected


def test_the_whole_document_is_one_coding_per_code() -> None:
    project = make_project()
    result = run(project, unit="document")
    assert [(name, q == INTERVIEW.strip()) for name, q in coded(project, result)] == [
        (name, True) for name in CODES
    ]


def test_recorded_paragraphs_and_turns_are_used_when_present() -> None:
    text = "Q: Any training? A: Yes, training and more training. Thanks."
    document = Document(
        id="doc-1",
        name="recorded",
        text=text,
        paragraphs=[Paragraph(0, 16), Paragraph(17, len(text))],
        turns=[SpeakerTurn(0, 16, "Q"), SpeakerTurn(17, len(text), "A")],
    )
    project = make_project("placeholder")
    project.add_document(document, replace=True)
    paragraphs_found = [q for _, q in coded(project, run(project, unit="paragraph"))]
    assert paragraphs_found == ["Q: Any training?", "A: Yes, training and more training. Thanks."]
    answers = [q for _, q in coded(project, run(project, unit="turn", speakers="A"))]
    assert answers == ["Yes, training and more training. Thanks."]


def test_search_limited_to_a_speaker() -> None:
    project = make_project()
    quotes = coded(project, run(project, speakers="pn*"))
    assert ("Training and preparation", "Was there any training?") not in quotes
    assert ("Training and preparation", "I did a two-week induction course.") in quotes
    assert ("Training and preparation", "PN1: I did a two-week induction course.") not in quotes
    assert all("Interviewer" not in q for _, q in quotes)


def test_a_speaker_pattern_that_matches_nobody_is_a_warning() -> None:
    project = make_project()
    project.add_document(Document(id="diary", name="Diary", text="Training was good today."))

    result = run(project, speakers="ZZ*, pn*")

    assert result.warnings == ["no speaker matches 'ZZ*' (speakers found: Interviewer, PN1)"]
    assert run(project, speakers="pn*").warnings == []
    assert run(project).warnings == []
    # the diary, without speaker turns, is searched whole whatever the speakers
    assert "diary" in {c.document_id for c in result.codings}


def test_search_limited_to_text_already_coded() -> None:
    project = make_project()
    project.add_code(Code(id="answers", name="Answers"))
    human = Coder(id="person", name="A. Person")
    project.add_coder(human)
    second = INTERVIEW.index("PN1: Yes")
    end = INTERVIEW.index("I met")
    project.add_coding(
        Coding(
            id="h1",
            document_id="doc-1",
            code_id="answers",
            start=second,
            end=end,
            coder_id=human.id,
        )
    )
    result = run(project, within="Answers", unit="paragraph")
    assert coded(project, result) == [
        (
            "Advocating harm reduction",
            "PN1: Yes, I advocate for harm reduction all the time. Needle exchange is harm "
            "reduction.",
        )
    ]


def test_within_a_parent_code_searches_text_coded_with_its_subcodes() -> None:
    project = make_project()
    project.add_code(Code(id="answers", name="Answers"))
    project.add_code(Code(id="long", name="Long answers", parent_id="answers"))
    project.add_code(Code(id="longest", name="Longest", parent_id="long"))
    human = Coder(id="person", name="A. Person")
    project.add_coder(human)
    start, end = INTERVIEW.index("PN1: Yes"), INTERVIEW.index("I met")
    project.add_coding(Coding("h1", "doc-1", "longest", start, end, coder_id=human.id))
    expected = [
        (
            "Advocating harm reduction",
            "PN1: Yes, I advocate for harm reduction all the time. Needle exchange is harm "
            "reduction.",
        )
    ]

    # the parent holds no codings of its own; the grandchild's text is searched
    assert coded(project, run(project, within="Answers", unit="paragraph")) == expected
    assert coded(project, run(project, within="Answers/Long answers", unit="paragraph")) == (
        expected
    )
    # a code below the coded one does not widen the search to its parent's text
    project.add_code(Code(id="deeper", name="Deeper", parent_id="longest"))
    assert run(project, within="Deeper", unit="paragraph").codings == []


def test_within_a_code_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(OptionError, match="Nope"):
        run(make_project(), within="Nope")


def test_chinese_without_spaces_by_sentence() -> None:
    # "I took part in peer-support training. The team culture is good. Training is useful!"
    text = "我参加了同伴支持培训。团队文化很好。培训很有用！"
    rules = (
        '[[rule]]\ncode = "Training and preparation"\nterms = ["培训"]\n'
        '[[rule]]\ncode = "Organisational culture"\nterms = ["文化"]\n'
    )
    project = make_project(text)
    assert coded(project, run(project, rules)) == [
        ("Training and preparation", "我参加了同伴支持培训。"),
        ("Organisational culture", "团队文化很好。"),
        ("Training and preparation", "培训很有用！"),
    ]


def test_hebrew_and_arabic_right_to_left() -> None:
    # Hebrew: "The training was good. The team is great."; Arabic: "harm reduction saves lives."
    text = "ההכשרה הייתה טובה. הצוות מצוין.\nالحد من الضرر ينقذ الأرواح."
    rules = (
        '[[rule]]\ncode = "Training and preparation"\nterms = ["*הכשרה"]\n'
        '[[rule]]\ncode = "Organisational culture"\nterms = ["*צוות"]\n'
        '[[rule]]\ncode = "Advocating harm reduction"\nterms = ["الحد من الضرر"]\n'
    )
    project = make_project(text)
    assert coded(project, run(project, rules)) == [
        ("Training and preparation", "ההכשרה הייתה טובה."),
        ("Organisational culture", "הצוות מצוין."),
        ("Advocating harm reduction", "الحد من الضرر ينقذ الأرواح."),
    ]


def test_word_forms_through_a_stemmer() -> None:
    pytest.importorskip("snowballstemmer")
    rules = (
        '[[rule]]\ncode = "Advocating harm reduction"\n'
        'terms = ["advocate harm reduction"]\nstem = true\n'
    )
    project = make_project("She advocated harm reductions. We advocate harm reduction. Advocacy.")
    # Snowball's English stemmer gives "advocated" and "advocate" one stem, "reductions" and
    # "reduction" another
    assert [q for _, q in coded(project, run(project, rules, unit="hit"))] == [
        "advocated harm reductions",
        "advocate harm reduction",
    ]


def test_human_codings_are_never_changed() -> None:
    project = make_project()
    human = project.add_coder(Coder(id="person", name="A. Person"))
    before = project.add_coding(
        Coding(id="h1", document_id="doc-1", code_id="code-1", start=0, end=20, coder_id=human.id)
    )
    result = run(project)
    result.apply_to(project)
    assert project.codings["h1"] == before
    assert project.find_codings(coder_id=human.id) == [before]
    assert len(project.find_codings(coder_id=result.coder.id)) == len(result.codings) > 0


def test_running_again_proposes_nothing_new() -> None:
    project = make_project()
    first = run(project)
    first.apply_to(project)
    second = run(project)
    assert second.codings == []
    second.apply_to(project)  # the coder exists already: no error
    assert len(project.codings) == len(first.codings)


def test_same_codings_in_the_same_order_with_any_runner() -> None:
    texts = [INTERVIEW.replace("PN1", f"PN{n}") * (1 + n % 3) for n in range(1, 9)]
    project = make_project(*texts)
    serial = run(project)
    strategy = KeywordsStrategy()
    pooled = strategy.run(project, ProcessPoolRunner(jobs=2), rules=parse_rules(RULES))
    assert len(serial.codings) > 8
    assert pooled.codings == serial.codings
    assert pooled.coder == serial.coder


def test_a_rule_for_a_missing_code_is_an_error_naming_the_line() -> None:
    rules = (
        '[[rule]]\ncode = "Training and preparation"\nterms = ["x"]\n\n'
        '[[rule]]\ncode = "Career progression"\nterms = ["promot*"]\n'
    )
    with pytest.raises(RulesError) as caught:
        run(make_project(), rules)
    assert caught.value.line == 5
    assert "Career progression" in str(caught.value)
    assert "create_missing" in str(caught.value)


def test_missing_codes_can_be_created() -> None:
    rules = '[[rule]]\ncode = ["Career", "Progression"]\nterms = ["promot*"]\n'
    project = make_project("I was promoted last year. Nothing else.")
    result = run(project, rules, create_missing="true")
    assert [(c.name, c.origin) for c in result.codes] == [
        ("Career", CodeOrigin.DEDUCTIVE),
        ("Progression", CodeOrigin.DEDUCTIVE),
    ]
    assert result.codes[1].parent_id == result.codes[0].id
    assert coded(project, result) == [("Progression", "I was promoted last year.")]
    result.apply_to(project)
    assert project.code_path(result.codings[0].code_id) == ("Career", "Progression")


def test_an_ambiguous_code_name_is_an_error() -> None:
    project = make_project()
    project.add_code(Code(id="dup", name="Organisational culture", parent_id="code-1"))
    with pytest.raises(RulesError, match="several codes"):
        run(project)


def test_an_empty_corpus_is_an_error() -> None:
    project = make_project("   ")
    with pytest.raises(EmptyCorpusError, match="no documents with text"):
        run(project)
    empty = Project()
    empty.add_code(Code(id="code-1", name="Training and preparation"))
    with pytest.raises(QualcodeError):
        run(empty, '[[rule]]\ncode = "Training and preparation"\nterms = ["x"]\n')


def test_unknown_options_and_bad_values_are_errors() -> None:
    with pytest.raises(OptionError, match="colour"):
        run(make_project(), colour="red")
    with pytest.raises(RulesError, match="unit"):
        run(make_project(), unit="chapter")


def test_rules_from_a_file_and_from_the_codebook(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    project = make_project()
    from_file = KeywordsStrategy().run(project, SerialRunner(), rules=str(path))
    assert coded(project, from_file) == coded(project, run(project))
    assert from_file.codings[0].provenance.parameters["rules"] == "rules.toml"
    project.add_code(
        Code(id="code-4", name="Boundaries", definition="Keywords: supervisor, self-care")
    )
    from_codebook = KeywordsStrategy().run(project, SerialRunner())
    assert coded(project, from_codebook) == [("Boundaries", "My supervisor was great.")]


def test_the_strategy_is_registered_as_a_plugin() -> None:
    plugins = Plugins(get_plugin_manager(load_entrypoints=False))
    assert plugins.strategies.get("keywords") is KeywordsStrategy


# -- units agree with the text module ------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab .!?\n。”", min_size=1, max_size=80),
    data=st.data(),
)
def test_sentence_and_paragraph_units_agree_with_the_text_module(
    text: str, data: st.DataObject
) -> None:
    hits = data.draw(
        st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, 6)), max_size=6)
    )
    hits = sorted((start, min(len(text), start + size)) for start, size in hits)
    for unit, spans in (("sentence", sentences(text)), ("paragraph", paragraphs(text))):
        finder = ContextFinder(text, unit)  # one finder for all hits, in order, as in a run
        for start, end in hits:
            holding = [(s.start, s.end) for s in spans if s.start < end and start < s.end]
            if len(holding) == 1 and holding[0][0] <= start and end <= holding[0][1]:
                assert finder.span(start, end) == holding[0]


def test_coding_ids_are_version_5_uuids_of_what_they_code() -> None:
    import uuid

    from qualcode.strategies.keywords.strategy import NAMESPACE, coding_id

    expected = uuid.uuid5(NAMESPACE, "coder|doc-1|code-1|3|14")
    assert coding_id("coder", "doc-1", "code-1", 3, 14) == str(expected)
    assert expected.version == 5


def test_documents_without_speaker_turns_are_searched_whole() -> None:
    diary = "Went on a training day. Felt prepared at last."
    project = make_project(INTERVIEW, diary)
    result = run(project, speakers="PN1")
    diary_quotes = [q for name, q in coded(project, result) if q in diary]
    assert diary_quotes == ["Went on a training day.", "Felt prepared at last."]


def test_word_windows_count_chinese_characters_as_words() -> None:
    text = "我参加了同伴支持培训课程。"
    rules = '[[rule]]\ncode = "Training and preparation"\nterms = ["培训"]\n'
    project = make_project(text)
    assert [q for _, q in coded(project, run(project, rules, unit="words", window=2))] == [
        "支持培训课程"
    ]


def test_a_document_without_turns_is_one_turn() -> None:
    diary = "Went on a training day.\nFelt prepared at last."
    project = make_project(diary)
    assert [q for _, q in coded(project, run(project, unit="turn"))] == [diary]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet='ab .!?…\n\t。！”’)"', min_size=1, max_size=80),
    data=st.data(),
)
def test_a_hit_over_several_sentences_is_coded_with_all_of_them(
    text: str, data: st.DataObject
) -> None:
    spans = [(s.start, s.end) for s in sentences(text)]
    assume(spans)
    finder = ContextFinder(text, "sentence")
    for _ in range(data.draw(st.integers(1, 6))):
        first = data.draw(st.integers(0, len(spans) - 1))
        last = data.draw(st.integers(first, len(spans) - 1))
        start = data.draw(st.integers(spans[first][0], spans[first][1] - 1))
        end = data.draw(st.integers(max(start + 1, spans[last][0] + 1), spans[last][1]))
        assert finder.span(start, end) == (spans[first][0], spans[last][1])
