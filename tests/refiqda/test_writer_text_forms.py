"""Texts whose characters every reader changes on reading: the positions written must follow.

Readers read a CRLF as one line end and a lone CR as a line feed, and take a U+FEFF at the start
of a file for its byte order mark. A text holding them (a doubled BOM decodes to one; a project
built with the API or read from JSON may hold CRLF) used to be written as it was, with positions
counted in it, so every coding after the first CRLF, or every coding after a leading U+FEFF,
came back one character off.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.model import Code, Coding, Document
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
