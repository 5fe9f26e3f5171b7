"""Meeting transcripts downloaded as Word files (Microsoft Teams, Otter.ai, Rev, Zoom's text
pasted into Word): the speaker turns are recorded at import and ``structure by=speaker`` codes
each speech without its heading line."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

from qualcode.api import load
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.structure import StructureStrategy

Writer = Callable[..., Path]


def turns_of(project: Project) -> list[tuple[str, str]]:
    (document,) = list(project.documents)
    return [(t.speaker, document.text[t.start : t.end]) for t in document.turns]


def speeches(project: Project) -> list[tuple[str, str]]:
    result = StructureStrategy().run(project, SerialRunner(), by="speaker", label="false", root="")
    names = {code.id: code.name for code in result.codes}
    return [
        (names[c.code_id], project.documents[c.document_id].text[c.start : c.end])
        for c in result.codings
    ]


def test_teams_docx_heading_paragraphs(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Peer work interview PN3-20240312_100000-Meeting Recording")
    builder.paragraph("March 12, 2024, 10:00AM")
    builder.paragraph("42m 10s")
    builder.paragraph("Smith, John started transcription")
    builder.paragraph("Smith, John   0:03")
    builder.paragraph("Thanks for coming. Can you hear me?")
    builder.paragraph("Lee, Anna (Guest)   0:09")
    builder.paragraph("Yes, loud and clear.")
    builder.paragraph("Smith, John   1:02:15")
    builder.paragraph("That is all from me.")
    project = load(write_docx(builder, "teams.docx"))

    assert turns_of(project) == [
        ("Smith, John", "Smith, John   0:03\nThanks for coming. Can you hear me?"),
        ("Lee, Anna (Guest)", "Lee, Anna (Guest)   0:09\nYes, loud and clear."),
        ("Smith, John", "Smith, John   1:02:15\nThat is all from me."),
    ]
    assert speeches(project) == [
        ("Smith, John", "Thanks for coming. Can you hear me?"),
        ("Lee, Anna (Guest)", "Yes, loud and clear."),
        ("Smith, John", "That is all from me."),
    ]


def test_teams_docx_with_a_line_break_inside_each_paragraph(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Smith, John   0:03\nThanks for coming.")
    builder.paragraph("Lee, Anna   0:09\nYes.")
    project = load(write_docx(builder))

    assert speeches(project) == [("Smith, John", "Thanks for coming."), ("Lee, Anna", "Yes.")]


def test_otter_rev_and_zoom_layouts_in_word(docx: types.ModuleType, write_docx: Writer) -> None:
    layouts = {
        "otter": ["Speaker 1  0:00", "How did you start?", "Anna Okafor  0:07", "As a client."],
        "rev": ["Speaker 1 (00:00):", "How did you start?", "Anna Okafor (00:07):", "As a client."],
        "zoom": [
            "[Speaker 1] 10:00:01",
            "How did you start?",
            "[Anna Okafor] 10:00:07",
            "As a client.",
        ],
    }
    layouts["arrows"] = [
        "Speaker 1  00:00:00.000 --> 00:00:06.500",
        "How did you start?",
        "Anna Okafor  00:00:07.000 --> 00:00:09.000",
        "As a client.",
    ]
    for name, lines in layouts.items():
        builder = docx.DocxBuilder()
        for line in lines:
            builder.paragraph(line)
        project = load(write_docx(builder, f"{name}.docx"))

        assert speeches(project) == [
            ("Speaker 1", "How did you start?"),
            ("Anna Okafor", "As a client."),
        ], name


def test_keywords_search_the_speech_not_the_heading_line(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    from qualcode.model import Code
    from qualcode.strategies.keywords import KeywordsStrategy

    builder = docx.DocxBuilder()
    builder.paragraph("Smith, John   0:03")
    builder.paragraph("Did Anna call you back?")
    builder.paragraph("Lee, Anna (Guest)   0:09")
    builder.paragraph("No, nobody called.")
    project = load(write_docx(builder))
    project.add_code(Code(id="c", name="Anna mentioned", examples=("Anna",)))

    host = KeywordsStrategy().run(project, SerialRunner(), speakers=["Smith*"])
    guest = KeywordsStrategy().run(project, SerialRunner(), speakers=["Lee*"])

    assert [project.quote(c) for c in host.codings] == ["Did Anna call you back?"]
    assert guest.codings == []  # her name in her own heading line is not something she said
