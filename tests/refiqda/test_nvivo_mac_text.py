"""Issue 11, point 5: NVivo for Mac 15 keeps a source's text only in its Word file.

Such an export writes each source's plain text as a single line end (and an empty
``sources/.root``); the text is in the ``.docx`` the ``richTextPath`` names, and the selections
count UTF-16 code units in it. The reader takes the text from the Word file and places the
selections there, or says precisely why it cannot.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import qualcode
from qualcode.model import Document
from qualcode.project import Project

from .builders import G, project_xml, qdpx

MAC = "NVivo for Mac 15.1.1"
TEXT = (
    "Interviewer: How was the first week? 😀\n"
    "Anna: Peer work is hard, but the team 🙂 helped.\n"
    "\n"
    "Interviewer: What changed after that?\n"
    "Anna: I asked for feedback and got it."
)
QUOTES = ["Peer work is hard", "the team", "helped", "asked for feedback", "first week"]


def _units(text: str, position: int) -> int:
    """``position`` (code points) in UTF-16 code units, as NVivo counts."""
    return len(text[:position].encode("utf-16-le")) // 2


def _word_file(tmp_path: Path, text: str = TEXT) -> bytes:
    project = Project(name="word")
    project.add(Document(G["other"], "interview", text))
    path = tmp_path / "interview.docx"
    qualcode.save(project, path)
    return path.read_bytes()


def _mac_qde(text: str, *, plain: str = 'plainTextPath="internal://{guid}.txt"') -> str:
    selections = []
    for number, quote in enumerate(QUOTES, start=1):
        start = text.index(quote)
        end = start + len(quote)
        selections.append(
            f'<PlainTextSelection guid="{number:08x}-aaaa-4000-8000-000000000000" name="" '
            f'startPosition="{_units(text, start)}" endPosition="{_units(text, end)}" '
            f'creatingUser="{G["user"]}" creationDateTime="2025-01-02T10:00:00Z" '
            f'modifyingUser="{G["user"]}" modifiedDateTime="2025-01-02T10:00:00Z">'
            f'<Coding guid="{number:08x}-bbbb-4000-8000-000000000000" creatingUser="{G["user"]}" '
            f'creationDateTime="2025-01-02T10:00:00Z"><CodeRef targetGUID="{G["code"]}"/>'
            f"</Coding></PlainTextSelection>"
        )
    guid = G["source"]
    body = (
        f'<Users><User guid="{G["user"]}" name="Ann Bell" id="AB"/></Users>'
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="work" isCodable="true"/></Codes>'
        f"</CodeBook><Sources>"
        f'<TextSource guid="{guid}" name="interview" richTextPath="internal://{guid}.docx" '
        f"{plain.format(guid=guid)}>{''.join(selections)}</TextSource></Sources>"
    )
    return project_xml(body, origin=MAC)


def _mac_archive(path: Path, qde: str, files: dict[str, bytes]) -> Path:
    return qdpx(path, qde, {"sources/.root": b"", **files})


@pytest.mark.parametrize(
    ("layout", "plain", "files"),
    [
        ("a plain text of one line end", 'plainTextPath="internal://{guid}.txt"', {"txt": b"\n"}),
        ("no plain text file", 'plainTextPath="internal://{guid}.txt"', {}),
        ("an empty text file", 'plainTextPath="internal://{guid}.txt"', {"txt": b""}),
        ("no plain text at all", "", {}),
    ],
)
def test_the_text_is_read_from_the_word_file(
    tmp_path: Path, layout: str, plain: str, files: dict[str, bytes]
) -> None:
    guid = G["source"]
    members = {f"sources/{guid}.docx": _word_file(tmp_path)}
    members.update({f"sources/{guid}.{ext}": data for ext, data in files.items()})
    path = _mac_archive(tmp_path / "mac.qdpx", _mac_qde(TEXT, plain=plain), members)
    result = qualcode.read(path)
    project = result.project
    assert project.documents[guid].text == TEXT, layout
    assert [project.quote(c) for c in project.codings] == QUOTES
    assert result.report.lossless, result.report.lines()
    assert any(
        f"the text of 'interview' was read from its Word file '{guid}.docx'" in warning
        for warning in result.report.warnings
    ), result.report.warnings
    assert project.documents[guid].source_file is not None
    assert project.documents[guid].source_file.name == f"{guid}.docx"


def test_a_plain_text_that_holds_the_text_is_used_as_it_is(tmp_path: Path) -> None:
    guid = G["source"]
    word = _word_file(tmp_path, "Some other words entirely, in the Word file only.")
    members = {f"sources/{guid}.docx": word, f"sources/{guid}.txt": TEXT.encode("utf-8")}
    result = qualcode.read(_mac_archive(tmp_path / "mac.qdpx", _mac_qde(TEXT), members))
    assert result.project.documents[guid].text == TEXT
    assert [result.project.quote(c) for c in result.project.codings] == QUOTES
    assert not any("Word file" in warning for warning in result.report.warnings)


def test_without_a_word_file_the_report_says_why_positions_are_lost(tmp_path: Path) -> None:
    guid = G["source"]
    qde = _mac_qde(TEXT).replace(f' richTextPath="internal://{guid}.docx"', "")
    result = qualcode.read(_mac_archive(tmp_path / "mac.qdpx", qde, {f"sources/{guid}.txt": b"\n"}))
    lost = {(loss.what, loss.where, loss.count) for loss in result.report}
    assert (
        "positions of selections (its plain text is empty, and the project holds no rich text "
        "(.docx) to read it from; kept at 0..0)",
        "interview",
        len(QUOTES),
    ) in lost


def test_an_unreadable_word_file_is_named_with_its_problem(tmp_path: Path) -> None:
    guid = G["source"]
    members = {f"sources/{guid}.docx": b"not a zip at all", f"sources/{guid}.txt": b"\n"}
    result = qualcode.read(_mac_archive(tmp_path / "mac.qdpx", _mac_qde(TEXT), members))
    (line,) = [loss for loss in result.report if loss.what.startswith("texts that could not")]
    assert line.what.startswith(
        "texts that could not be read (the plain text is empty, and its Word file could not "
        "be read: "
    )
    assert line.where == f"interview ({guid}.docx)"
    assert any("positions of selections" in loss.what for loss in result.report)


def test_the_real_nvivo_sample_in_the_mac_layout(nvivo_sample: Path, tmp_path: Path) -> None:
    """The real Windows export turned into the Mac layout: plain text "\\n", positions in
    UTF-16 code units of its LF text, the same .docx. Every quote comes back as the Windows
    reading gives it, except that the Word file's table rows separate cells by tabs."""
    windows = qualcode.load(nvivo_sample)
    (document,) = windows.documents
    text = document.text
    with zipfile.ZipFile(nvivo_sample) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        docx = archive.read(f"Sources/{document.id}.docx")
    root.set("origin", MAC)
    namespace = {"q": "urn:QDA-XML:project:1.0"}
    for selection in root.iterfind(".//q:PlainTextSelection", namespace):
        coding_id = selection.find("q:Coding", namespace).get("guid")  # type: ignore[union-attr]
        coding = windows.codings[coding_id]
        selection.set("startPosition", str(_units(text, coding.start)))
        selection.set("endPosition", str(_units(text, coding.end)))
    qde = etree.tostring(root, xml_declaration=True, encoding="utf-8").decode("utf-8")
    members = {f"sources/{document.id}.docx": docx, f"sources/{document.id}.txt": b"\n"}
    result = qualcode.read(_mac_archive(tmp_path / "mac.qdpx", qde, members))
    assert result.report.lossless, result.report.lines()
    mac = result.project
    assert len(mac.codings) == len(windows.codings) == 97
    for coding in windows.codings:
        expected = windows.quote(coding)
        assert mac.quote(mac.codings[coding.id]).replace("\t", "\n") == expected
