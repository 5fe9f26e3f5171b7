"""Texts whose characters every reader changes on reading: the positions written must follow.

Readers read a CRLF as one line end and a lone CR as a line feed, and take a U+FEFF at the start
of a file for its byte order mark. A text holding them (a doubled BOM decodes to one; a project
built with the API or read from JSON may hold CRLF) used to be written as it was, with positions
counted in it, so every coding after the first CRLF, or every coding after a leading U+FEFF,
came back one character off.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import attrs
import pytest

import qualcode
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.model import Code, Coding, Document, Paragraph, SpeakerTurn
from qualcode.project import Project

from .builders import G


def _project(text: str, quotes: list[str]) -> Project:
    project = Project(name="forms")
    project.add(Code(id=G["code"], name="C"))
    project.add(Document(id=G["source"], name="d", text=text))
    keys = ["coding", "coding2", "coding3"]
    for key, quote in zip(keys, quotes, strict=False):
        start = text.index(quote)
        project.add(
            Coding(
                id=G[key],
                document_id=G["source"],
                code_id=G["code"],
                start=start,
                end=start + len(quote),
            )
        )
    return project


def _quotes(project: Project) -> list[str]:
    keys = ("coding", "coding2", "coding3")
    return [project.quote(project.codings[G[key]]) for key in keys if G[key] in project.codings]


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("container", [True, False], ids=["qdpx", "qde"])
def test_carriage_returns_do_not_shift_later_codings(
    tmp_path: Path, target: str, container: bool
) -> None:
    text = "one\r\ntwo 😀\nthree\rfour\r\n\r\nfive"
    project = _project(text, ["two 😀", "four", "five"])
    out = tmp_path / ("out.qdpx" if container else "out.qde")
    report = qualcode.save(project, out, target=target)
    assert any("carriage returns" in line for line in report.lines())
    result = qualcode.read(out)
    assert result.project.documents[G["source"]].text == "one\ntwo 😀\nthree\nfour\n\nfive"
    assert _quotes(result.project) == ["two 😀", "four", "five"]
    assert not [line for line in result.report.lines() if "position" in line or "cut" in line]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_leading_byte_order_mark_is_left_out_and_codings_keep_their_words(
    tmp_path: Path, target: str
) -> None:
    text = "\ufeff\ufeffword one two three"
    project = _project(text, ["one", "three"])
    out = tmp_path / "out.qdpx"
    report = qualcode.save(project, out, target=target)
    assert any("byte order marks" in line for line in report.lines())
    result = qualcode.read(out)
    assert result.project.documents[G["source"]].text == "word one two three"
    assert _quotes(result.project) == ["one", "three"]


def test_a_text_without_such_characters_is_written_as_it_is(tmp_path: Path) -> None:
    text = "\u200bword one\ntwo \ufeff three"  # U+FEFF inside a text is only a character
    project = _project(text, ["one", "\ufeff three"])
    out = tmp_path / "out.qdpx"
    report = qualcode.save(project, out)
    assert not [line for line in report.lines() if "byte order" in line or "carriage" in line]
    back = qualcode.load(out)
    assert back.documents[G["source"]].text == text
    assert _quotes(back) == ["one", "\ufeff three"]


def test_paragraphs_and_turns_follow_the_text_as_written(tmp_path: Path) -> None:
    # qualcode's note kept them in the positions of the text before its CRs and BOM were left
    # out: every later one was off, and one past the end cost the whole document on reading
    text = "\ufeffI: How was it?\r\nAnna: It was fine.\r\nI: And then?"
    project = _project(text, ["It was fine"])
    starts = [0, text.index("Anna"), text.index("I: And")]
    ends = [text.index("\r\nAnna"), text.index("\r\nI: And"), len(text)]
    speakers = ["I", "Anna", "I"]
    document = attrs.evolve(
        project.documents[G["source"]],
        paragraphs=[Paragraph(s, e) for s, e in zip(starts, ends, strict=True)],
        turns=[SpeakerTurn(s, e, who) for s, e, who in zip(starts, ends, speakers, strict=True)],
    )
    project.add(document, replace=True)
    out = tmp_path / "out.qdpx"
    qualcode.save(project, out, target="nvivo")
    result = qualcode.read(out)
    back = result.project.documents[G["source"]]
    assert [back.text[p.start : p.end] for p in back.paragraphs] == [
        "I: How was it?",
        "Anna: It was fine.",
        "I: And then?",
    ]
    assert [(t.speaker, back.text[t.start : t.end]) for t in back.turns][1] == (
        "Anna",
        "Anna: It was fine.",
    )
    assert _quotes(result.project) == ["It was fine"]


def test_structure_that_no_longer_fits_a_changed_text_is_left_out_not_the_document(
    tmp_path: Path,
) -> None:
    # another program shortened the text; qualcode's note still holds the old paragraphs
    text = "First paragraph here.\nSecond one, rather longer than the first."
    project = _project(text, ["First"])
    document = attrs.evolve(
        project.documents[G["source"]], paragraphs=[Paragraph(0, 21), Paragraph(22, len(text))]
    )
    project.add(document, replace=True)
    out = tmp_path / "out.qdpx"
    qualcode.save(project, out)
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".txt"):
                data = b"First paragraph here.\nSecond."
            target.writestr(info, data)
    result = qualcode.read(edited)
    back = result.project.documents[G["source"]]
    assert [back.text[p.start : p.end] for p in back.paragraphs] == ["First paragraph here."]
    assert _quotes(result.project) == ["First"]
    lost = {loss.what: loss.count for loss in result.report}
    assert (
        lost["paragraphs, speaker turns and sync points that no longer fit the text (left out)"]
        == 1
    )
