"""Which Word comments become codes and which become memos: the label rule, forcing each side,
the counts in the import report, and the round trip through the coded-transcript exporter."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode.api import load, read, save
from qualcode.errors import OptionError
from qualcode.formats.docx.comments import CommentOptions, reads_like_labels
from qualcode.model import Code, Coder, Coding, Document, Memo, new_id
from qualcode.project import Project

Writer = Callable[..., Path]

REMARK = (
    "She hesitates here/again: I think this is about cost rather than trust, but the way she "
    "talks about her sister suggests that family pressure matters too. Worth asking about this "
    "in the second interview, and comparing with what PN4 said about the clinic and the bus. "
    "Also check whether the recording cut out, because the transcript has a gap around here."
)
"""A reviewer's remark of about 350 characters with a '/' inside."""

COMMENTS = {
    1: "Trust",
    2: "Barriers > Cost; Family/Support",
    3: "Why did she say this?",
    4: "Good point.",
    5: REMARK,
    6: "Trust\nThis line explains why. It is prose",
    7: "Lack of support from the school and the local council",
    8: "Coping\nHope",
}
PASSAGES = {number: f"passage {number}" for number in COMMENTS}


def commented(docx: types.ModuleType, write_docx: Writer, comments: dict[int, str]) -> Path:
    builder = docx.DocxBuilder()
    for number, text in comments.items():
        builder.paragraph("R: ", docx.Start(number), f"passage {number}", docx.End(number), ".")
        builder.comment(number, text, author="Ana")
    return write_docx(builder)


def coded(project: Project) -> dict[str, list[tuple[str, ...]]]:
    """Quote -> code paths of its codings."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for coding in project.codings:
        found.setdefault(project.quote(coding), []).append(project.code_path(coding.code_id))
    return found


def memo_quotes(project: Project) -> dict[str, str]:
    """Quote of each memo anchored on a passage -> the memo's text."""
    found = {}
    for memo in project.memos:
        assert memo.start is not None and memo.end is not None
        document = project.documents[memo.target_ids[0]]
        found[document.text[memo.start : memo.end]] = memo.text
    return found


def test_labels_become_codes_and_prose_becomes_memos_by_default(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    result = read(commented(docx, write_docx, COMMENTS))
    project = result.project

    assert coded(project) == {
        "passage 1": [("Trust",)],
        "passage 2": [("Barriers", "Cost"), ("Family", "Support")],
        "passage 8": [("Coping",), ("Hope",)],
    }
    assert memo_quotes(project) == {
        "passage 3": "Why did she say this?",
        "passage 4": "Good point.",
        "passage 5": REMARK,
        "passage 6": "Trust\nThis line explains why. It is prose",
        "passage 7": "Lack of support from the school and the local council",
    }
    # no code is named after a remark, and the remark's "/" made no hierarchy
    assert sorted(project.code_path(c.id) for c in project.codes) == [
        ("Barriers",),
        ("Barriers", "Cost"),
        ("Coping",),
        ("Family",),
        ("Family", "Support"),
        ("Hope",),
        ("Trust",),
    ]
    assert result.report.lossless
    (count,) = result.report.warnings
    assert count.startswith("doc: Word comments: 3 read as codes, 5 as memos on their passages")
    assert "comments=codes" in count


def test_the_rule_itself() -> None:
    options = CommentOptions()
    labels = [
        "Trust",
        "Barriers > Cost",
        "Work/life balance",
        "3.2 Cost of transport",
        "Q1. Background",
        "Emotions > Ambivalence; Place > Home",
        "Experiences of discrimination at the workplace",  # 6 words
    ]
    prose = [
        "",
        " ; ",
        "Yes.",
        "Really?",
        "Hmm…",
        "Check this (see above).",
        "Nice! Keep going",
        "one two three four five six seven eight nine",
        "x" * 61,
        "Trust; and this is what I meant. Really",
    ]
    assert [t for t in labels if not reads_like_labels(t, options)] == []
    assert [t for t in prose if reads_like_labels(t, options)] == []
    assert reads_like_labels("one two three", CommentOptions(auto_max_words=2)) is False
    assert reads_like_labels("abcdef", CommentOptions(auto_max_length=5)) is False


def test_each_side_can_be_forced(docx: types.ModuleType, write_docx: Writer) -> None:
    path = commented(docx, write_docx, COMMENTS)

    every_code = read(path, comments="codes")
    assert len(coded(every_code.project)) == len(COMMENTS)
    assert any(
        len(every_code.project.code_path(c.id)) == 2
        and every_code.project.code_path(c.id)[0] == "She hesitates here"
        for c in every_code.project.codes
    )  # forced: the remark's "/" is a hierarchy, as the user asked
    assert any("8 read as codes, 0 as memos" in w for w in every_code.report.warnings)

    every_memo = read(path, comments="memos")
    assert len(every_memo.project.codings) == 0
    assert len(memo_quotes(every_memo.project)) == len(COMMENTS)
    assert any("0 read as codes, 8 as memos" in w for w in every_memo.report.warnings)

    words = load(path, auto_max_words=1)
    assert sorted(coded(words)) == ["passage 1", "passage 2", "passage 8"]  # one word a level
    longer = load(path, auto_max_words=10)
    assert coded(longer)["passage 7"] == [
        ("Lack of support from the school and the local council",)
    ]


def test_prefixes_force_one_comment(docx: types.ModuleType, write_docx: Writer) -> None:
    comments = {
        1: "Codes: Why did she say this?",
        2: "code: Felt let down by the school.; Trust",
        3: "Memo: Trust",
    }
    path = commented(docx, write_docx, comments)

    project = load(path)
    assert coded(project) == {
        "passage 1": [("Why did she say this?",)],
        "passage 2": [("Felt let down by the school.",), ("Trust",)],
    }
    assert memo_quotes(project) == {"passage 3": "Trust"}

    as_memos = load(path, comments="memos")  # every comment a memo: the prefix does not count
    assert len(as_memos.codings) == 0
    assert memo_quotes(as_memos)["passage 1"] == "Codes: Why did she say this?"


@pytest.mark.parametrize(
    "options",
    [
        {"auto_max_words": "many"},
        {"auto_max_words": "0"},
        {"auto_max_length": "-3"},
        {"auto_max_length": True},
    ],
)
def test_bad_rule_options_are_errors(
    docx: types.ModuleType, write_docx: Writer, options: dict[str, object]
) -> None:
    path = commented(docx, write_docx, {1: "Trust"})
    with pytest.raises(OptionError, match="whole number of at least 1"):
        load(path, **options)


def prose_named_project() -> Project:
    project = Project(name="prose")
    ana = project.add_coder(Coder(id=new_id(), name="Ana"))
    text = "I felt let down. Nobody called back. Then my sister came."
    document = project.add_document(Document(id=new_id(), name="R1", text=text))
    parent = project.add_code(Code(id=new_id(), name="Why did nobody call back?"))
    sentence = project.add_code(
        Code(id=new_id(), name="A long code name that a team wrote as a sentence.")
    )
    nested = project.add_code(Code(id=new_id(), name="Trust", parent_id=parent.id))
    marker = project.add_code(Code(id=new_id(), name="Code: red"))
    for code, (start, end) in (
        (parent, (0, 16)),
        (sentence, (17, 36)),
        (nested, (17, 36)),
        (marker, (37, 57)),
    ):
        project.add_coding(
            Coding(
                id=new_id(),
                document_id=document.id,
                code_id=code.id,
                start=start,
                end=end,
                coder_id=ana.id,
            )
        )
    project.add_memo(
        Memo(
            id=new_id(),
            name="Trust",
            text="Trust",
            target_ids=(document.id,),
            start=37,
            end=57,
            created_by=ana.id,
        )
    )
    return project


def test_codes_named_like_prose_and_label_like_memos_round_trip(tmp_path: Path) -> None:
    project = prose_named_project()
    path = tmp_path / "R1.docx"
    report = save(project, path)
    assert report.lossless

    back = load(path)

    def codings_of(p: Project) -> list[tuple[int, int, tuple[str, ...]]]:
        return sorted((c.start, c.end, p.code_path(c.code_id)) for c in p.codings)

    assert codings_of(back) == codings_of(project)
    assert memo_quotes(back) == {"Then my sister came.": "Trust"}
    again = tmp_path / "R1-again.docx"
    save(back, again)
    assert again.read_bytes() == path.read_bytes()


def test_the_word_sample_round_trips_as_memos_by_default(shared_dir: Path, tmp_path: Path) -> None:
    sample = shared_dir / "samples" / "word-comments__doc_v1.docx"
    if not sample.exists():
        pytest.skip(f"the shared sample {sample.name} is absent")
    first = load(sample)
    assert len(first.memos) == 3 and len(first.codings) == 0

    exported = tmp_path / "reviewed.docx"
    assert save(first, exported).lossless
    second = load(exported)

    assert len(second.codings) == 0 and len(second.codes) == 0
    assert memo_quotes(second) == memo_quotes(first)
    again = tmp_path / "reviewed-again.docx"
    save(second, again)
    assert again.read_bytes() == exported.read_bytes()
