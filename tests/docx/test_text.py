"""The canonical text and structure the Word importer reads from files we build."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode.api import load, read
from qualcode.errors import OptionError
from qualcode.model import Document, DocumentKind, SourceKind

Writer = Callable[..., Path]


def only_document(path: Path, **options: object) -> Document:
    project = load(path, **options)
    assert len(project.documents) == 1
    return next(iter(project.documents))


def test_paragraphs_are_lines_with_breaks_and_tabs(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("First paragraph.")
    builder.paragraph("")
    builder.paragraph("Line one\nline two\tafter a tab", " and a second run")
    path = write_docx(builder)

    document = only_document(path)

    assert document.text == ("First paragraph.\n\nLine one\nline two\tafter a tab and a second run")
    assert document.kind is DocumentKind.INTERVIEW
    assert document.source is SourceKind.TEXT
    assert document.name == "doc"


def test_characters_are_kept_exactly(docx: types.ModuleType, write_docx: Writer) -> None:
    samples = [
        "“Smart” ‘quotes’ — dashes – and an ellipsis…",
        "Greek: αβγ Ωμέγα; CJK: 日本語のテキスト，中文。",
        "Emoji: 👩🏽‍🔬 🎉 and a flag 🇳🇿",
        "Hebrew: שלום עולם. Arabic: مرحبا بالعالم.",
        "Combining: e\u0301 vs é, nbsp:\u00a0here, zero width:\u200bhere",
    ]
    builder = docx.DocxBuilder()
    for sample in samples:
        builder.paragraph(sample)
    document = only_document(write_docx(builder))

    assert document.text == "\n".join(samples)


def test_tables_are_rows_of_tab_separated_cells(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Before")
    builder.table([["Name", "Role"], ["Ana", ["Nurse", "night shift"]]])
    builder.paragraph("After")
    document = only_document(write_docx(builder))

    assert document.text == "Before\nName\tRole\nAna\tNurse night shift\nAfter"
    in_table = [document.text[p.start : p.end] for p in document.paragraphs if p.in_table]
    assert in_table == ["Name\tRole", "Ana\tNurse night shift"]
    outside = [document.text[p.start : p.end] for p in document.paragraphs if not p.in_table]
    assert outside == ["Before", "After"]


def test_list_items_are_lines(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Reasons:")
    builder.paragraph("cost", style="ListParagraph", list_level=0)
    builder.paragraph("distance", style="ListParagraph", list_level=1)
    document = only_document(write_docx(builder))

    assert document.text == "Reasons:\ncost\ndistance"
    assert [p.style for p in document.paragraphs] == ["Normal", "List Paragraph", "List Paragraph"]


def test_tracked_changes_read_as_accepted(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph(
        "We ", docx.Del("never "), docx.Ins("always "), "met", docx.MoveFrom(" x"), "."
    )
    builder.paragraph("This paragraph ", deleted_mark=True)
    builder.paragraph("runs on.")
    builder.raw(
        "<w:tbl><w:tr><w:trPr><w:del w:id='5' w:author='Ed'/></w:trPr><w:tc><w:p><w:r><w:t>gone"
        "</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>kept</w:t></w:r></w:p></w:tc>"
        "</w:tr></w:tbl>"
    )
    document = only_document(write_docx(builder))

    assert document.text == "We always met.\nThis paragraph runs on.\nkept"


def test_footnotes_and_endnotes_follow_the_body(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Claim", docx.Note("footnote", 2), " and more", docx.Note("endnote", 1), ".")
    builder.paragraph("Second", docx.Note("footnote", 3), ".")
    builder.note("footnote", 2, "Source A.")
    builder.note("footnote", 3, "Source B.")
    builder.note("endnote", 1, "Afterword.")
    path = write_docx(builder)

    document = only_document(path)
    assert document.text == (
        "Claim[1] and more[i].\nSecond[2].\n[1] Source A.\n[2] Source B.\n[i] Afterword."
    )

    omitted = only_document(path, notes="omit")
    assert omitted.text == "Claim and more.\nSecond."


def test_headers_fields_and_drawings_are_not_text(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.header("Confidential header")
    builder.raw(
        "<w:p><w:r><w:t>Page </w:t></w:r><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType='separate'/>"
        "</w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:r><w:drawing/></w:r><w:hyperlink><w:r><w:t> link</w:t></w:r></w:hyperlink>"
        "<w:r><w:noBreakHyphen/><w:sym w:font='Symbol' w:char='03A9'/></w:r></w:p>"
    )
    result = read(write_docx(builder))
    document = next(iter(result.project.documents))

    assert document.text == "Page 3 link\u2011Ω"
    assert any("drawings" in loss.what for loss in result.report)


def test_structured_document_tags_and_inserted_paragraph_content(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>In a content control</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt><w:p><w:sdt><w:sdtContent><w:r><w:t>inline</w:t></w:r>"
        "</w:sdtContent></w:sdt><w:smartTag><w:r><w:t> tag</w:t></w:r></w:smartTag></w:p>"
    )
    document = only_document(write_docx(builder))

    assert document.text == "In a content control\ninline tag"


def test_styles_and_heading_levels(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Interview 3", style="Title")
    builder.paragraph("Part one", style="Heading1")
    builder.paragraph("Body text")
    builder.paragraph("Sub part", style="MyHeading")
    builder.paragraph("Outlined", outline=2)
    document = only_document(write_docx(builder))

    found = [
        (document.text[p.start : p.end], p.style, p.heading_level) for p in document.paragraphs
    ]
    assert found == [
        ("Interview 3", "Title", 0),
        ("Part one", "heading 1", 1),
        ("Body text", "Normal", 0),
        ("Sub part", "My Heading", 2),  # inherits heading 2's outline level
        ("Outlined", "Normal", 3),
    ]


def test_speaker_turns(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Interviewer: How did it start?")
    builder.paragraph("ANA: It started in May.")
    builder.paragraph("It went on for weeks.")
    builder.paragraph("[Ben] I remember that.")
    builder.paragraph("Ana (00:01:02): Yes.")
    document = only_document(write_docx(builder))

    turns = [(t.speaker, document.text[t.start : t.end]) for t in document.turns]
    assert turns == [
        ("Interviewer", "Interviewer: How did it start?"),
        ("ANA", "ANA: It started in May.\nIt went on for weeks."),
        ("Ben", "[Ben] I remember that."),
        ("Ana", "Ana (00:01:02): Yes."),
    ]


def test_custom_speaker_pattern(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("I> What happened?")
    builder.paragraph("R1> Nothing much.")
    builder.paragraph("Note: not a speaker here")
    path = write_docx(builder)

    document = only_document(path, speaker_pattern=r"^(?P<speaker>[A-Z]\d?)> ")

    turns = [(t.speaker, document.text[t.start : t.end]) for t in document.turns]
    assert turns == [
        ("I", "I> What happened?"),
        ("R1", "R1> Nothing much.\nNote: not a speaker here"),
    ]
    with pytest.raises(OptionError, match="speaker"):
        load(path, speaker_pattern=r"^(\w+)> ")
    with pytest.raises(OptionError, match="not a valid"):
        load(path, speaker_pattern=r"^(?P<speaker>[")


def test_source_file_keeps_the_original_bytes(docx: types.ModuleType, write_docx: Writer) -> None:
    path = write_docx(docx.DocxBuilder().paragraph("Hello"), "kept.docx")
    before = path.read_bytes()

    document = only_document(path, kind="diary")

    assert document.source_file is not None
    assert document.source_file.data == before
    assert document.source_file.name == "kept.docx"
    assert document.source_file.media_type.endswith("wordprocessingml.document")
    assert document.kind is DocumentKind.DIARY
    assert path.read_bytes() == before  # the input is never modified


def test_unknown_options_values_are_errors(docx: types.ModuleType, write_docx: Writer) -> None:
    path = write_docx(docx.DocxBuilder().paragraph("Hello"))
    for options in (
        {"kind": "novel"},
        {"notes": "inline"},
        {"comments": "maybe"},
        {"highlights": "yellow"},
        {"auto_max_length": "long"},
    ):
        with pytest.raises(OptionError):
            load(path, **options)


def test_shared_styles_are_not_confused(docx: types.ModuleType, tmp_path: Path) -> None:
    import io
    import zipfile

    original = docx.DocxBuilder().paragraph("Section", style="MyHeading").build()
    source = zipfile.ZipFile(io.BytesIO(original))
    renamed = io.BytesIO()
    with zipfile.ZipFile(renamed, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b'w:val="My Heading"', b'w:val="Other Name"')
            archive.writestr(info.filename, data)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    first.write_bytes(original)
    second.write_bytes(renamed.getvalue())

    for path, name in ((first, "My Heading"), (second, "Other Name"), (first, "My Heading")):
        (paragraph,) = only_document(path).paragraphs
        assert (paragraph.style, paragraph.heading_level) == (name, 2)
