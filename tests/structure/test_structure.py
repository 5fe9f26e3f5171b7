"""The ``structure`` strategy on documents we write here."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from qualcode.errors import OptionError, ParseError, QualcodeError
from qualcode.model import (
    Case,
    Code,
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
from qualcode.strategies.runners import ProcessPoolRunner
from qualcode.strategies.structure import StructureStrategy

INTERVIEW = """Interview with PN1, first wave
Interviewer: Thanks for coming. How did you first become a peer worker?
PN1: I was a client of the service, and then the manager asked me to apply.
It took a while to believe it.
Interviewer: Mm. Can you say more?
PN1: I did the training course in the spring.
I2: What does a typical working day look like for you?
PN1: Mostly outreach visits in the morning and paperwork after lunch.
Interviewer: What support do you get from your supervisor?
PN1: Supervision once a month, which is not enough.
"""

GUIDE = [
    "How did you become a peer worker?",
    "Describe a typical working day.",
    "What support or supervision do you get?",
]


def interview_project(*texts: str) -> Project:
    project = Project()
    for number, text in enumerate(texts or (INTERVIEW,), 1):
        project.add_document(Document(id=f"doc-{number}", name=f"interview {number}", text=text))
    return project


def quotes(project: Project, result: StrategyResult) -> list[tuple[str, str]]:
    """(code path, quote) of each coding, in order."""
    names = {code.id: code for code in result.codes}
    found = []
    for coding in result.codings:
        path: list[str] = []
        code_id: str | None = coding.code_id
        while code_id is not None:
            code = names.get(code_id) or project.codes[code_id]
            path.insert(0, code.name)
            code_id = code.parent_id
        text = project.documents[coding.document_id].text
        found.append(("/".join(path), text[coding.start : coding.end]))
    return found


def run(project: Project, **options: object) -> StrategyResult:
    return StructureStrategy().run(project, SerialRunner(), **options)


# -- by heading ---------------------------------------------------------------------------------


def test_headings_from_paragraphs_are_nested_by_level() -> None:
    lines = ["Methods", "We asked.", "Sampling", "Three workers.", "Results", "They spoke."]
    levels = [1, 0, 2, 0, 1, 0]
    text = "\n".join(lines)
    paragraphs, position = [], 0
    for line, level in zip(lines, levels, strict=True):
        paragraphs.append(Paragraph(position, position + len(line), heading_level=level))
        position += len(line) + 1
    project = Project()
    project.add_document(Document(id="d", name="report", text=text, paragraphs=paragraphs))

    result = run(project)

    assert quotes(project, result) == [
        ("Headings/Methods", "Methods\nWe asked.\nSampling\nThree workers."),
        ("Headings/Methods/Sampling", "Sampling\nThree workers."),
        ("Headings/Results", "Results\nThey spoke."),
    ]
    assert all(c.provenance.method is ProvenanceMethod.RULE for c in result.codings)
    assert result.coder.machine


def test_markdown_headings_without_heading_lines_and_at_top_level() -> None:
    text = (
        "Preface text\n# Background\nSome history.\n### Detail\nFine print.\n# 背景\n中文内容。\n"
    )
    project = Project()
    project.add_document(Document(id="d", name="notes", text=text))

    result = run(project, include_heading="false", root="")

    assert quotes(project, result) == [
        ("Background", "Some history.\n### Detail\nFine print."),
        ("Background/Detail", "Fine print."),
        ("背景", "中文内容。"),
    ]


def test_lines_in_a_fenced_code_block_are_not_headings() -> None:
    text = "# Setup\n```sh\n# install first\nmake demo\n```\nDone.\n## Notes\nMore.\n"
    project = Project()
    project.add_document(Document(id="d", name="readme", text=text))

    found = quotes(project, run(project, include_heading="false", root=""))

    assert [path for path, _ in found] == ["Setup", "Setup/Notes"]
    assert found[0][1].startswith("```sh\n# install first")


def test_a_document_without_headings_gets_no_codings() -> None:
    project = interview_project("just some text\nand more\n")
    assert run(project).codings == []


# -- by speaker ---------------------------------------------------------------------------------


def test_each_turn_is_coded_under_its_speaker() -> None:
    project = interview_project()
    result = run(project, by="speaker")
    found = quotes(project, result)
    assert [path for path, _ in found] == [
        "Speakers/Interviewer",
        "Speakers/PN1",
        "Speakers/Interviewer",
        "Speakers/PN1",
        "Speakers/I2",
        "Speakers/PN1",
        "Speakers/Interviewer",
        "Speakers/PN1",
    ]
    assert found[1][1] == (
        "PN1: I was a client of the service, and then the manager asked me to apply.\n"
        "It took a while to believe it."
    )


def test_roles_group_speakers_and_labels_can_be_left_out() -> None:
    project = interview_project()
    result = run(
        project,
        by="speaker",
        roles={"Interviewer": "interviewer", "I?": "interviewer", "PN*": "participant"},
        label=False,
        root="Roles",
    )
    found = quotes(project, result)
    assert [p for p, _ in found].count("Roles/interviewer") == 4
    assert [p for p, _ in found].count("Roles/participant") == 4
    assert found[4] == ("Roles/interviewer", "What does a typical working day look like for you?")
    assert {c.name for c in result.codes} == {"Roles", "interviewer", "participant"}


def test_roles_given_as_a_string_skip_speakers_without_a_role() -> None:
    project = interview_project()
    result = run(project, by="speaker", roles="PN*=participant")
    assert {path for path, _ in quotes(project, result)} == {"Speakers/participant"}
    assert len(result.codings) == 4


def test_recorded_turns_are_used_before_labels_in_the_text() -> None:
    text = "Good morning everyone.\nMorning! Glad to be here."
    turns = (SpeakerTurn(0, 22, "Alice"), SpeakerTurn(23, len(text), "Bob"))
    project = Project()
    project.add_document(Document(id="d", name="focus group", text=text, turns=turns))
    result = run(project, by="speaker")
    assert quotes(project, result) == [
        ("Speakers/Alice", "Good morning everyone."),
        ("Speakers/Bob", "Morning! Glad to be here."),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("PN1> I said: no way.", "PN2> Right: yes."),
        ("[PN1] I said: no way.", "[00:00:05] PN2: Right: yes."),
        ("pn1 (00:01:02): I said: no way.", "PN2： Right: yes."),
    ],
)
def test_a_recorded_turns_label_ends_after_the_speakers_name(first: str, second: str) -> None:
    text = f"{first}\n{second}"
    turns = (SpeakerTurn(0, len(first), "PN1"), SpeakerTurn(len(first) + 1, len(text), "PN2"))
    project = Project()
    project.add_document(Document(id="d", name="interview", text=text, turns=turns))

    result = run(project, by="speaker", label=False)

    assert quotes(project, result) == [
        ("Speakers/PN1", "I said: no way."),
        ("Speakers/PN2", "Right: yes."),
    ]


def test_a_recorded_turn_without_a_label_keeps_its_first_word() -> None:
    text = "Ann is my sister: she came too."
    project = Project()
    project.add_document(
        Document(id="d", name="focus group", text=text, turns=(SpeakerTurn(0, len(text), "Ann"),))
    )
    assert quotes(project, run(project, by="speaker", label=False)) == [("Speakers/Ann", text)]


def test_speakers_become_cases_holding_their_turns() -> None:
    project = interview_project()
    existing = project.add_case(Case(id="case-pn1", name="PN1"))
    result = run(project, by="speaker", speakers="PN*,I2", cases=True)
    result.apply_to(project)

    pn1 = project.cases[existing.id]
    assert len(pn1.coding_ids) == 4
    assert all(project.quote(project.codings[i]).startswith("PN1:") for i in pn1.coding_ids)
    (i2,) = project.cases.by_name("I2")
    assert [project.quote(project.codings[i]) for i in i2.coding_ids] == [
        "I2: What does a typical working day look like for you?"
    ]
    assert not project.cases.by_name("Interviewer")


# -- by interview question ----------------------------------------------------------------------


def test_questions_and_answers_are_coded_to_the_guide_question_they_match() -> None:
    project = interview_project()
    result = run(project, by="question", guide=GUIDE)
    found = quotes(project, result)
    lines = INTERVIEW.splitlines()
    assert found == [
        ("Interview guide/How did you become a peer worker?", "\n".join(lines[1:6])),
        ("Interview guide/Describe a typical working day.", "\n".join(lines[6:8])),
        ("Interview guide/What support or supervision do you get?", "\n".join(lines[8:10])),
    ]
    definitions = {c.name: c.definition for c in result.codes}
    assert definitions["Describe a typical working day."].endswith(GUIDE[1])
    assert "similarity" in result.codings[0].provenance.rule


def test_interviewers_and_speakers_match_in_any_letter_case() -> None:
    shouted = INTERVIEW.replace("Interviewer:", "INTERVIEWER:").replace("PN1:", "pn1:")
    project = interview_project(shouted)

    result = run(project, by="question", guide=GUIDE)

    assert [path for path, _ in quotes(project, result)] == [
        "Interview guide/How did you become a peer worker?",
        "Interview guide/Describe a typical working day.",
        "Interview guide/What support or supervision do you get?",
    ]
    assert result.warnings == []
    spoken = run(project, by="speaker", speakers="PN*")
    assert {path for path, _ in quotes(project, spoken)} == {"Speakers/pn1"}


def test_speaker_labels_in_any_script_and_not_prose_with_a_colon() -> None:
    text = (
        "Interviewer: Bonjour?\n"
        "Élodie: Oui, bonjour.\n"
        "øyvind: Hei.\n"
        "访谈者：你好？\n"
        "There are three things: rent, food and heat.\n"
    )
    project = interview_project(text)

    found = quotes(project, run(project, by="speaker", label=False))

    assert found == [
        ("Speakers/Interviewer", "Bonjour?"),
        ("Speakers/Élodie", "Oui, bonjour."),
        ("Speakers/øyvind", "Hei."),
        ("Speakers/访谈者", "你好？\nThere are three things: rent, food and heat."),
    ]


def test_timestamps_and_note_numbers_in_brackets_are_not_speakers() -> None:
    text = "[00:01:05] PN2: We met weekly.\n[00:01:09] [I1] Why?\n[1] A note at the end.\n"
    project = interview_project(text)

    found = quotes(project, run(project, by="speaker", label=False))

    assert found == [
        ("Speakers/PN2", "We met weekly."),
        ("Speakers/I1", "Why?\n[1] A note at the end."),
    ]


def test_a_heading_recorded_with_its_markdown_marker_is_named_without_it() -> None:
    text = "# Visit 1\nWe talked.\n"
    project = Project()
    project.add_document(
        Document(
            id="doc",
            name="notes",
            text=text,
            paragraphs=(Paragraph(0, 9, heading_level=1), Paragraph(10, len(text))),
        )
    )

    assert [path for path, _ in quotes(project, run(project))] == ["Headings/Visit 1"]


def test_no_interviewer_turn_is_a_warning_naming_the_speakers() -> None:
    text = "Host: How did you become a peer worker?\nPN1: Through the service.\n"
    project = interview_project(text)

    result = run(project, by="question", guide=GUIDE)

    assert result.codings == []
    (warning,) = result.warnings
    assert "no speaker matches the interviewers" in warning
    assert "speakers found: Host, PN1" in warning
    assert run(project, by="question", guide=GUIDE, interviewers="Host").codings


def test_every_guide_question_is_a_code_in_guide_order_even_one_never_asked() -> None:
    project = interview_project()
    guide = [*GUIDE[:2], "What is the weather like on Mars?", GUIDE[2]]

    result = run(project, by="question", guide=guide)

    questions = [c for c in result.codes if c.parent_id is not None]
    assert [c.name for c in questions] == guide
    assert questions[2].definition == "Interview-guide question: What is the weather like on Mars?"
    coded = {c.code_id for c in result.codings}
    assert [c.id in coded for c in questions] == [True, True, False, True]
    # run again on the coded project: nothing new, no second code for the question never asked
    result.apply_to(project)
    again = run(project, by="question", guide=guide)
    assert again.codes == [] and again.codings == []


def test_unmatched_follow_ups_can_be_left_uncoded() -> None:
    project = interview_project()
    result = run(project, by="question", guide=GUIDE, follow_ups="skip")
    first = quotes(project, result)[0][1]
    assert first.endswith("It took a while to believe it.")
    assert len(result.codings) == 3


def test_guide_from_a_toml_file_names_the_codes(tmp_path: Path) -> None:
    guide = tmp_path / "guide.toml"
    guide.write_text(
        '[[question]]\nname = "Becoming a peer worker"\n'
        'text = "How did you become a peer worker?"\n'
        '\n[[question]]\nname = "Support"\ntext = "What support or supervision do you get?"\n',
        encoding="utf-8",
    )
    project = interview_project()
    result = run(project, by="question", rules=str(guide), root="")
    assert [path for path, _ in quotes(project, result)] == [
        "Becoming a peer worker",
        "Support",
    ]


def test_two_guide_questions_of_one_name_are_an_error(tmp_path: Path) -> None:
    # they were merged into one code silently, the second question lost
    guide = tmp_path / "guide.toml"
    guide.write_text(
        '[[question]]\nname = "A"\ntext = "How did you start?"\n'
        '\n[[question]]\nname = "A"\ntext = "What was hard?"\n',
        encoding="utf-8",
    )
    with pytest.raises(OptionError, match="guide questions 1 and 2 are both named 'A'") as error:
        run(interview_project(), by="question", rules=str(guide))
    assert error.value.path == str(guide)
    with pytest.raises(OptionError, match="guide questions 1 and 4 are both named"):
        run(interview_project(), by="question", guide=[*GUIDE, GUIDE[0]])


@pytest.mark.parametrize("roles", ["PN1=,I?=interviewer", "=participant", {"PN1": " "}])
def test_a_role_or_speaker_left_empty_is_an_error(roles: object) -> None:
    # 'PN1=' made a code with an empty name under Speakers
    with pytest.raises(OptionError, match="option 'roles'"):
        run(interview_project(), by="speaker", roles=roles)


def test_guide_from_a_text_file_one_question_a_line(tmp_path: Path) -> None:
    guide = tmp_path / "guide.txt"
    guide.write_text("# our guide\n" + "\n".join(GUIDE) + "\n", encoding="utf-8")
    project = interview_project()
    result = run(project, by="question", guide=guide)
    assert len(result.codings) == 3


def test_cjk_questions_match_by_character_pairs() -> None:
    text = (
        "Interviewer: 你是怎么成为同伴工作者的？\n"
        "PN1: 我以前是服务的客户。\n"
        "Interviewer: 你得到什么样的督导和支持？\n"
        "PN1: 每个月一次督导。\n"
    )
    project = interview_project(text)
    guide = ["你如何成为同伴工作者？", "你得到哪些支持和督导？"]
    result = run(project, by="question", guide=guide, root="")
    lines = text.splitlines()
    assert quotes(project, result) == [
        (guide[0], "\n".join(lines[0:2])),
        (guide[1], "\n".join(lines[2:4])),
    ]


# -- contract -----------------------------------------------------------------------------------


def test_serial_and_process_runners_give_identical_results() -> None:
    texts = [INTERVIEW.replace("PN1", f"PN{n}") for n in range(1, 6)]
    project = interview_project(*texts)
    for options in ({"by": "speaker"}, {"by": "question", "guide": GUIDE}, {"by": "heading"}):
        serial = StructureStrategy().run(project, SerialRunner(), **options)
        pooled = StructureStrategy().run(project, ProcessPoolRunner(jobs=2), **options)
        assert serial.codings == pooled.codings
        assert serial.codes == pooled.codes
    assert serial.coder == pooled.coder


def test_human_codings_stay_and_a_second_run_adds_nothing() -> None:
    project = interview_project()
    person = project.add_coder(Coder(id="person", name="Researcher One"))
    code = project.add_code(Code(id="code-support", name="Support"))
    human = project.add_coding(
        Coding(id="c1", document_id="doc-1", code_id=code.id, start=0, end=9, coder_id=person.id)
    )
    before = list(project.codings)

    first = run(project, by="speaker")
    first.apply_to(project)
    assert project.codings[human.id] == human
    assert list(project.codings)[: len(before)] == before
    assert len(project.codings) == len(before) + len(first.codings)

    second = run(project, by="speaker")
    assert second.codings == []
    assert second.codes == []


def test_existing_codes_with_the_same_path_are_reused() -> None:
    project = interview_project()
    root = project.add_code(Code(id="root", name="Speakers"))
    pn1 = project.add_code(Code(id="pn1", name="PN1", parent_id=root.id))
    result = run(project, by="speaker")
    assert {c.name for c in result.codes} == {"Interviewer", "I2"}
    assert sum(c.code_id == pn1.id for c in result.codings) == 4


def test_an_empty_corpus_is_a_clear_error() -> None:
    project = Project()
    project.add_document(Document(id="d", name="blank", text="   \n"))
    with pytest.raises(QualcodeError, match="no documents with text"):
        run(project, by="speaker")


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    project = interview_project()
    with pytest.raises(OptionError, match="needs the interview guide"):
        run(project, by="question")
    with pytest.raises(OptionError, match="no option 'colour'"):
        run(project, colour="red")
    with pytest.raises(OptionError, match="one of heading, speaker, question"):
        run(project, by="chapter")
    with pytest.raises(OptionError, match="has no questions"):
        run(project, by="question", guide=[])
    broken = tmp_path / "guide.toml"
    broken.write_text("[[question]\ntext = 'x'\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        run(project, by="question", guide=broken)
    assert str(broken) in str(error.value)


def test_strategy_is_a_registered_plugin() -> None:
    plugins = Plugins(get_plugin_manager(load_entrypoints=False))
    assert plugins.strategies.get("structure") is StructureStrategy
    assert "inductive" in plugins.strategies


def test_the_project_is_not_changed_by_running() -> None:
    project = interview_project()
    document = project.documents["doc-1"]
    result = run(project, by="speaker", cases=True)
    assert result.codings
    assert project.counts()["codings"] == 0
    assert project.counts()["cases"] == 0
    assert project.documents["doc-1"] == attrs.evolve(document)


def test_a_renamed_suggestion_does_not_block_a_second_run() -> None:
    project = interview_project()
    run(project, by="speaker", cases=True).apply_to(project)
    (code,) = [c for c in project.codes if c.name == "I2"]
    project.add_code(attrs.evolve(code, name="Second interviewer"), replace=True)
    (case,) = project.cases.by_name("I2")
    project.add_case(attrs.evolve(case, name="Researcher two"), replace=True)

    again = run(project, by="speaker", cases=True)
    again.apply_to(project)

    assert [c.name for c in again.codes] == ["I2"]
    assert again.codes[0].id != code.id
    assert project.cases[case.id].name == "Researcher two"
    assert len(project.cases.by_name("I2")) == 1


def test_options_of_another_mode_are_named_in_a_warning() -> None:
    # they were ignored without a word (while --scheduler with a serial runner is refused)
    result = run(interview_project(), by="heading", roles="PN*=participant", min_similarity=0.3)
    assert result.warnings == [
        "option 'roles' is for by=speaker; with by=heading it is ignored",
        "option 'min_similarity' is for by=question; with by=heading it is ignored",
    ]
    assert run(interview_project(), by="speaker", label=False).warnings == []


def test_a_similarity_above_one_is_an_error() -> None:
    with pytest.raises(OptionError, match=r"option 'min_similarity'.*from 0\.0 to 1\.0"):
        run(interview_project(), by="question", guide=GUIDE, min_similarity=2)
