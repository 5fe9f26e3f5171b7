"""The coded-transcript exporter and the round trip docx -> codings -> docx -> codings."""

from __future__ import annotations

import datetime as dt
import io
import types
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualcode
from qualcode.api import load, read, save
from qualcode.errors import OptionError
from qualcode.model import (
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    Provenance,
    ProvenanceMethod,
    Theme,
    new_id,
)
from qualcode.plugins import default_plugins
from qualcode.project import Project

Writer = Callable[..., Path]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def codings_of(project: Project) -> Counter[tuple[int, int, tuple[str, ...], str | None]]:
    """Every coding as (start, end, code path, coder name), counted."""
    found: Counter[tuple[int, int, tuple[str, ...], str | None]] = Counter()
    for coding in project.codings:
        coder = project.coders.get(coding.coder_id)
        found[
            (
                coding.start,
                coding.end,
                project.code_path(coding.code_id),
                coder.name if coder else None,
            )
        ] += 1
    return found


def text_of(project: Project) -> str:
    (document,) = list(project.documents)
    return document.text


def coded_transcript(docx: types.ModuleType) -> bytes:
    begin, end = docx.Start, docx.End
    builder = docx.DocxBuilder()
    builder.paragraph("Interview with R7", style="Heading1")
    builder.paragraph("I: ", begin(1), "How did the “move” feel?", end(1))
    builder.paragraph(
        "R: ", begin(2), "Honestly — strange… 家 means home 🏠", " and ", begin(3), "שלום", end(2)
    )
    builder.paragraph("continued in Arabic: مرحبا", end(3), " and Greek ", begin(4), "ψυχή", end(4))
    builder.table([["Age", "Place"], ["34", "Ōtautahi"]])
    builder.paragraph(begin(5), "Last\tline", end(5))
    builder.comment(1, "Questions", author="Ana")
    builder.comment(2, "Emotions > Ambivalence; Place / Home", author="Ana")
    builder.comment(3, "Language", author="Ben", date="2024-12-31T23:59:59Z")
    builder.comment(4, "Language > Greek", author="Ben")
    builder.comment(5, "Ending", author="Ana")
    builder.comment(6, "Are you sure?", author="Ben", parent=5)
    return builder.build()


def test_round_trip_is_identity(docx: types.ModuleType, tmp_path: Path) -> None:
    original = tmp_path / "r7.docx"
    original.write_bytes(coded_transcript(docx))
    first = load(original)
    assert len(first.codings) == 6  # comment 2 names two codes

    exported = tmp_path / "r7-coded.docx"
    report = save(first, exported)
    second = load(exported)

    assert text_of(second) == text_of(first)
    assert codings_of(second) == codings_of(first)
    assert {c.name for c in second.coders} == {"Ana", "Ben"}
    dates = sorted(str(c.created) for c in second.codings)
    assert dates == sorted(str(c.created) for c in first.codings)
    (memo,) = list(second.memos)
    assert memo.text == "Are you sure?"
    assert [second.quote(second.codings[t]) for t in memo.target_ids] == ["Last\tline"]
    (heading,) = [p for p in next(iter(second.documents)).paragraphs if p.heading_level]
    assert text_of(second)[heading.start : heading.end] == "Interview with R7"
    assert report.lossless

    again = tmp_path / "r7-again.docx"
    save(second, again)
    assert again.read_bytes() == exported.read_bytes()


def test_exported_file_is_read_by_python_docx(docx: types.ModuleType, tmp_path: Path) -> None:
    python_docx = pytest.importorskip("docx")
    original = tmp_path / "r7.docx"
    original.write_bytes(coded_transcript(docx))
    project = load(original)
    exported = tmp_path / "coded.docx"
    save(project, exported)

    opened = python_docx.Document(str(exported))
    assert "\n".join(p.text for p in opened.paragraphs) == text_of(project)
    if hasattr(opened, "comments"):  # python-docx 1.2 and later read comments
        found = sorted((c.author, c.text) for c in opened.comments)
        assert found == sorted(
            [
                ("Ana", "Questions"),
                ("Ana", "Emotions > Ambivalence; Place > Home"),
                ("Ben", "Language"),
                ("Ben", "Language > Greek"),
                ("Ana", "Ending"),
                ("Ben", "Are you sure?"),
            ]
        )


def test_comment_xml_names_code_path_and_coder(docx: types.ModuleType, tmp_path: Path) -> None:
    original = tmp_path / "r7.docx"
    original.write_bytes(coded_transcript(docx))
    exported = tmp_path / "coded.docx"
    save(load(original), exported)

    with zipfile.ZipFile(exported) as archive:
        comments = etree.fromstring(archive.read("word/comments.xml"))
    found = {
        "".join(c.itertext()): c.get(f"{{{W}}}author") for c in comments.iter(f"{{{W}}}comment")
    }
    assert found["Emotions > Ambivalence; Place > Home"] == "Ana"
    assert found["Language > Greek"] == "Ben"
    assert found["Are you sure?"] == "Ben"


text_characters = st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\u2028\u2029\x85"
) | st.sampled_from(["\n", "\t", " ", "😀", "家", "ש", "ب", "“", "…"])
names = (
    st.text(st.sampled_from(list("abcXYZ é日😀-'")), min_size=1, max_size=8)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def coded_projects(draw: st.DrawFn) -> Project:
    text = draw(st.text(text_characters, min_size=1, max_size=200).filter(lambda t: t.strip()))
    project = Project()
    document = project.add_document(Document(id=new_id(), name="doc", text=text))
    coders = [
        project.add_coder(Coder(id=new_id(), name=n))
        for n in draw(st.lists(names, min_size=1, max_size=3, unique=True))
    ]
    codes: list[Code] = []
    for name in draw(st.lists(names, min_size=1, max_size=4, unique=True)):
        parent = draw(st.sampled_from([None, *codes])) if codes else None
        codes.append(
            project.add_code(Code(id=new_id(), name=name, parent_id=parent.id if parent else None))
        )
    for _ in range(draw(st.integers(0, 8))):
        coder = draw(st.sampled_from([None, *coders]))
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        project.add_coding(
            Coding(
                id=new_id(),
                document_id=document.id,
                code_id=draw(st.sampled_from(codes)).id,
                start=start,
                end=end,
                coder_id=coder.id if coder else None,
            )
        )
    return project


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(project=coded_projects())
def test_any_coded_text_round_trips(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "generated.docx"
    save(project, path)
    back = load(path)

    assert text_of(back) == text_of(project)
    assert codings_of(back) == codings_of(project)


def two_documents() -> Project:
    project = Project(name="study")
    ana = project.add_coder(Coder(id=new_id(), name="Ana"))
    code = project.add_code(Code(id=new_id(), name="Hope", color="#F2E600"))
    for name, text in (("R1", "I hope so."), ("R2: night/day", "No hope left.")):
        document = project.add_document(Document(id=new_id(), name=name, text=text))
        start = text.index("hope")
        project.add_coding(
            Coding(
                id=new_id(),
                document_id=document.id,
                code_id=code.id,
                start=start,
                end=start + 4,
                coder_id=ana.id,
            )
        )
    return project


def test_several_documents_go_into_a_zip(tmp_path: Path) -> None:
    project = two_documents()
    with pytest.raises(OptionError) as caught:
        save(project, tmp_path / "one.docx")
    assert ".zip" in str(caught.value)

    target = tmp_path / "coded.zip"
    save(project, target, format="docx")
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == ["R1.docx", "R2_ night_day.docx"]
        for name in names:
            (tmp_path / name).write_bytes(archive.read(name))
    for name, quote in (("R1.docx", "hope"), ("R2_ night_day.docx", "hope")):
        back = load(tmp_path / name)
        assert [back.quote(c) for c in back.codings] == [quote]

    save(project, tmp_path / "r2.docx", document="R2: night/day")
    assert text_of(load(tmp_path / "r2.docx")) == "No hope left."
    with pytest.raises(OptionError, match="no document named"):
        save(project, tmp_path / "x.docx", document="R9")


def test_one_chosen_document_reports_the_others_and_only_its_own_losses(tmp_path: Path) -> None:
    project = two_documents()
    _, r2 = project.documents
    (r2_coding,) = [c for c in project.codings if c.document_id == r2.id]
    machine = Provenance(method=ProvenanceMethod.RULE, name="keywords", version="1.0")
    project.add_coding(attrs.evolve(r2_coding, provenance=machine), replace=True)

    mine = {loss.what: loss.count for loss in save(project, tmp_path / "r1.docx", document="R1")}
    theirs = {
        loss.what: loss.count for loss in save(project, tmp_path / "r2.docx", document=r2.name)
    }

    assert mine == {"the other documents (the option document chose one)": 1}
    assert theirs == {
        "the other documents (the option document chose one)": 1,
        "coding provenance (rule or model settings)": 1,
    }


def test_highlight_follows_code_colour(tmp_path: Path) -> None:
    project = two_documents()
    save(project, tmp_path / "r1.docx", document="R1", highlight="yes")
    with zipfile.ZipFile(tmp_path / "r1.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    marks = [
        ("".join(run.itertext()), mark.get(f"{{{W}}}val"))
        for run in body.iter(f"{{{W}}}r")
        for mark in run.iter(f"{{{W}}}highlight")
    ]
    assert marks == [("hope", "yellow")]
    back = load(tmp_path / "r1.docx", highlights="yellow=Hope")
    assert Counter(back.quote(c) for c in back.codings) == {"hope": 2}  # comment + highlight


def test_losses_are_reported(tmp_path: Path) -> None:
    project = two_documents()
    code = next(iter(project.codes))
    project.add_theme(Theme(id=new_id(), name="Outlook", code_ids=[code.id]))
    project.add_memo(Memo(id=new_id(), name="project memo", text="about everything"))
    report = save(project, tmp_path / "out.zip", format="docx")

    lost = {loss.what for loss in report}
    assert any(what.startswith("themes") for what in lost)
    assert any(what.startswith("memos not attached") for what in lost)
    exporter = default_plugins().exporters.get("docx")()
    assert {loss.what for loss in exporter.losses(project)} == lost


def test_exported_comment_dates_are_utc(tmp_path: Path) -> None:
    project = Project()
    document = project.add_document(Document(id=new_id(), name="d", text="abc"))
    code = project.add_code(Code(id=new_id(), name="A"))
    when = dt.datetime(2025, 5, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    project.add_coding(
        Coding(id=new_id(), document_id=document.id, code_id=code.id, start=0, end=3, created=when)
    )
    save(project, tmp_path / "d.docx")
    back = read(tmp_path / "d.docx").project
    (coding,) = list(back.codings)
    assert coding.created == when
    assert coding.coder_id is None


def test_input_of_round_trip_is_not_modified(docx: types.ModuleType, tmp_path: Path) -> None:
    original = tmp_path / "r7.docx"
    data = coded_transcript(docx)
    original.write_bytes(data)
    project = load(original)
    save(project, tmp_path / "out.docx")
    assert original.read_bytes() == data
    # the kept source is the original file, not the export
    assert next(iter(project.documents)).source_file.data == data  # type: ignore[union-attr]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "word/comments.xml" in archive.namelist()


def test_anchored_memos_round_trip_as_memo_comments(shared_dir: Path, tmp_path: Path) -> None:
    sample = shared_dir / "samples" / "word-comments__doc_v1.docx"
    first = load(sample, comments="memos")
    assert len(first.memos) == 3

    exported = tmp_path / "memos.docx"
    report = save(first, exported)
    second = load(exported)  # default mode: the "Memo:" prefix keeps them memos

    assert report.lossless
    assert len(second.codings) == 0

    def memos(project: Project) -> list[tuple[str, str, str]]:
        found = []
        for memo in project.memos:
            document = project.documents[memo.target_ids[0]]
            coder = project.coders[memo.created_by] if memo.created_by else None
            found.append(
                (document.text[memo.start : memo.end], memo.text, coder.name if coder else "")
            )
        return sorted(found)

    assert memos(second) == memos(first)


def test_a_code_named_like_a_memo_is_not_read_back_as_one(tmp_path: Path) -> None:
    # a comment that starts with "Memo:" is read as a memo: such a code goes after another
    # code of the same comment, or, alone, its loss is reported
    project = Project(name="memo-like")
    project.add(Coder(id=new_id(), name="Ann"))
    coder = next(iter(project.coders)).id
    memo_like = project.add_code(Code(id=new_id(), name="Memo: not a memo"))
    trust = project.add_code(Code(id=new_id(), name="Trust"))
    text = "We trusted them. Later on we did not."
    project.add_document(Document(id="d", name="d", text=text))
    for code, (start, end) in ((memo_like, (0, 16)), (trust, (0, 16)), (memo_like, (17, 37))):
        project.add_coding(
            Coding(
                id=new_id(), document_id="d", code_id=code.id, start=start, end=end, coder_id=coder
            )
        )
    report = save(project, tmp_path / "out.docx")
    lost = [loss.what for loss in report]
    assert lost == [
        "codings of a code named 'Memo: not a memo' (Word comments starting 'Memo:' read back"
        " as memos)"
    ]
    back = load(tmp_path / "out.docx")
    assert sorted(codings_of(back)) == [
        (0, 16, ("Memo: not a memo",), "Ann"),
        (0, 16, ("Trust",), "Ann"),
    ]
    (memo,) = back.memos
    assert memo.text == "not a memo"


def test_a_document_without_text_is_not_written_as_an_empty_word_file(tmp_path: Path) -> None:
    # found by the fuzz harness: a .qdpx source whose text file was missing came out as a Word
    # file without text, which the Word importer then refused
    project = qualcode.Project(name="study")
    project.add_document(qualcode.Document(id="d1", name="empty", text=""))
    project.add_document(qualcode.Document(id="d2", name="blank", text="  \n "))
    project.add_document(qualcode.Document(id="d3", name="kept", text="Some words."))
    out = tmp_path / "study.zip"
    report = qualcode.save(project, out, "docx")
    assert [loss.what for loss in report.losses] == [
        "documents without text (pictures, audio, video, empty texts), not written"
    ]
    assert report.losses[0].count == 2
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert names == ["kept.docx"]
    alone = qualcode.Project(name="empty")
    alone.add_document(qualcode.Document(id="d1", name="empty", text=""))
    with pytest.raises(qualcode.QualcodeError, match="no text document to write"):
        qualcode.save(alone, tmp_path / "empty.docx")
    assert not (tmp_path / "empty.docx").exists()
