"""Reading the variations real tools write (FACTS.md), and reporting what cannot be carried."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

import qualcode
from qualcode.model import MediaRange, PdfRegion, PictureRegion, SourceKind, VariableType

from .builders import G, project_xml, qdpx

CODES = (
    f'<CodeBook><Codes><Code guid="{G["code"]}" name="Money" isCodable="true" color="#ff0000">'
    f"<Description>Talk about money.</Description>"
    f'<Code guid="{G["child"]}" name="Debt" isCodable="false"/></Code>'
    f'<Code guid="{G["other"]}" name="Family" color="rgb(0, 128, 255)"/></Codes></CodeBook>'
)
TEXT = "Hello world.\nWe could not pay the rent. 😀 Family helped."


def _quote(project: qualcode.Project, coding_id: str) -> str:
    return project.quote(project.codings[coding_id])


def test_atlas_style_file(tmp_path: Path) -> None:
    """A named .qde, lower-case sources/, bare path, braced upper-case GUIDs, several codings."""
    upper = "{" + G["code"].upper() + "}"
    start = TEXT.index("We could")
    end = TEXT.index(" 😀")
    crlf = TEXT.replace("\n", "\r\n")
    body = (
        f'<Users><User guid="{G["user"]}" name="ATLAS.ti"/></Users>{CODES}'
        f'<Sources><TextSource guid="{G["source"]}" name="Interview" '
        f'plainTextPath="{G["source"]}.txt">'
        f'<PlainTextSelection guid="{G["sel"]}" name="We could not pay the rent." '
        f'startPosition="{start}" endPosition="{end}" creatingUser="{G["user"]}">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{upper}"/></Coding>'
        f'<Coding guid="{G["coding2"]}"><CodeRef targetGUID="{G["other"]}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources><Sets/>"
    )
    path = qdpx(
        tmp_path / "atlas.qdpx",
        project_xml(body, origin="ATLAS.ti 23"),
        {f"sources/{G['source']}.txt": crlf.encode("utf-8")},
        qde_name="Trial.qde",
    )
    result = qualcode.read(path)
    project = result.project
    assert _quote(project, G["coding"]) == "We could not pay the rent."
    assert project.codings[G["coding2"]].code_id == G["other"]
    assert project.codings[G["coding"]].code_id == G["code"]
    assert project.codings[G["coding"]].coder_id == G["user"]
    assert project.codes[G["child"]].codable is False
    assert project.codes[G["other"]].color == "#0080ff"
    assert project.codes[G["code"]].definition == "Talk about money."
    assert not result.report.warnings


def test_nvivo_memo_linked_to_a_selection_and_capital_sources(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")

    def units(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    start, end = units(crlf[: crlf.index("Family")]), units(crlf[: crlf.index(" helped")])
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="Diary" '
        f'plainTextPath="internal://{G["source"]}.txt">'
        f'<PlainTextSelection guid="{G["sel"]}" name="" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["other"]}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
        f'<Notes><Note guid="{G["note"]}" name="About family"><PlainTextContent>Strong ties'
        "</PlainTextContent></Note></Notes>"
        f'<Links><Link guid="{G["link"]}" originGUID="{G["note"]}" '
        f'targetGUID="{G["sel"]}"/></Links>'
    )
    raw = "\ufeff" + crlf
    path = qdpx(
        tmp_path / "nvivo.qdpx",
        project_xml(body, origin="NVivo for Mac 15"),
        {f"Sources/{G['source']}.txt": raw.encode("utf-8"), "sources/.root": b""},
    )
    project = qualcode.load(path)
    # NVivo counts UTF-16 units (the emoji counts two) and CRLF as two
    assert _quote(project, G["coding"]) == "Family"
    memo = project.memos[G["note"]]
    assert memo.text == "Strong ties" and memo.target_ids == (G["coding"],)
    assert len(project.links) == 0


def test_maxqda_memo_variables_and_inline_text(tmp_path: Path) -> None:
    start, end = TEXT.index("Hello"), TEXT.index(".")
    body = (
        f"{CODES}"
        f'<Variables><Variable guid="{G["var"]}" name="Age" typeOfVariable="Integer"/></Variables>'
        f'<Sources><TextSource guid="{G["source"]}" name="Survey 1">'
        f"<PlainTextContent>{TEXT}</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" name="Memo" '
        f'startPosition="{start}" endPosition="{end}">'
        "<Description>Greeting first</Description></PlainTextSelection>"
        f'<VariableValue><VariableRef targetGUID="{G["var"]}"/><IntegerValue>42</IntegerValue>'
        "</VariableValue></TextSource></Sources>"
    )
    path = qdpx(tmp_path / "maxqda.qdpx", project_xml(body, origin="MAXQDA 2022"))
    project = qualcode.load(path)
    memo = project.memos[G["sel"]]
    assert memo.text == "Greeting first"
    assert project.documents[G["source"]].text[memo.start : memo.end] == "Hello world"
    assert project.documents[G["source"]].attributes == {G["var"]: 42}
    assert project.variables[G["var"]].type is VariableType.INTEGER


def test_cases_media_sources_and_losses(tmp_path: Path) -> None:
    body = (
        f'<Users><User guid="{G["user"]}" name="Ann"/></Users>{CODES}'
        f'<Variables><Variable guid="{G["var"]}" name="Role" typeOfVariable="Text"/></Variables>'
        f'<Cases><Case guid="{G["case"]}" name="P1"><CodeRef targetGUID="{G["code"]}"/>'
        f'<VariableValue><VariableRef targetGUID="{G["var"]}"/>'
        "<TextValue>nurse</TextValue></VariableValue>"
        f'<SourceRef targetGUID="{G["audio"]}"/>'
        f'<SelectionRef targetGUID="{G["asel"]}"/></Case></Cases>'
        "<Sources>"
        f'<PDFSource guid="{G["pdf"]}" name="Report" path="internal://{G["pdf"]}.pdf">'
        f'<PDFSelection guid="{G["boxsel"]}" page="2" '
        'firstX="10" firstY="20" secondX="30" secondY="40">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["code"]}"/></Coding></PDFSelection>'
        f'<Representation guid="{G["rep"]}"><PlainTextContent>PDF words here</PlainTextContent>'
        f'<PlainTextSelection guid="{G["sel2"]}" startPosition="4" endPosition="9">'
        f'<Coding guid="{G["coding3"]}"><CodeRef targetGUID="{G["other"]}"/></Coding>'
        "</PlainTextSelection></Representation></PDFSource>"
        f'<PictureSource guid="{G["picture"]}" name="Photo" path="relative:///photos/p.jpg">'
        f'<PictureSelection guid="{G["psel"]}" firstX="1" firstY="2" secondX="3" secondY="4">'
        f'<Coding guid="{G["coding2"]}"><CodeRef targetGUID="{G["other"]}"/></Coding>'
        "</PictureSelection></PictureSource>"
        f'<AudioSource guid="{G["audio"]}" name="Talk" path="absolute:///C:/media/talk.mp3">'
        f'<Transcript guid="{G["transcript"]}">'
        "<PlainTextContent>Ann: yes we did.</PlainTextContent>"
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="1500" position="5"/>'
        f'<SyncPoint guid="{G["sync2"]}" timeStamp="3000" position="15"/>'
        f'<TranscriptSelection guid="{G["tsel"]}" '
        f'fromSyncPoint="{G["sync1"]}" toSyncPoint="{G["sync2"]}">'
        f'<Coding guid="{G["note2"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</TranscriptSelection></Transcript>"
        f'<AudioSelection guid="{G["asel"]}" begin="100" end="900">'
        f'<Coding guid="{G["sel3"]}"><CodeRef targetGUID="{G["code"]}"/></Coding></AudioSelection>'
        "</AudioSource>"
        f'<TextSource guid="{G["source"]}" name="Lost" plainTextPath="internal://missing.txt"/>'
        "</Sources>"
        f'<Graphs><Graph guid="{G["graph"]}"/></Graphs>'
    )
    path = qdpx(
        tmp_path / "media.qdpx", project_xml(body), {f"sources/{G['pdf']}.pdf": b"%PDF-1.4 x"}
    )
    result = qualcode.read(path)
    project = result.project
    pdf = project.documents[G["pdf"]]
    assert pdf.source is SourceKind.PDF and pdf.text == "PDF words here"
    assert pdf.source_file is not None and pdf.source_file.data == b"%PDF-1.4 x"
    assert project.codings[G["coding"]].region == PdfRegion(2, 10.0, 20.0, 30.0, 40.0)
    assert _quote(project, G["coding3"]) == "words"
    picture = project.documents[G["picture"]]
    assert (
        picture.source_file is not None and picture.source_file.path == "relative:///photos/p.jpg"
    )
    assert project.codings[G["coding2"]].region == PictureRegion(1, 2, 3, 4)
    audio = project.documents[G["audio"]]
    assert audio.source is SourceKind.AUDIO and audio.case_id == G["case"]
    assert [(p.position, p.time_ms) for p in audio.sync_points] == [(5, 1500), (15, 3000)]
    assert _quote(project, G["note2"]) == "yes we did"
    assert project.codings[G["sel3"]].region == MediaRange(100, 900)
    case = project.cases[G["case"]]
    assert case.attributes == {G["var"]: "nurse"} and case.code_ids == (G["code"],)
    assert case.coding_ids == (G["sel3"],)
    lost = {loss.what for loss in result.report}
    assert "source files missing from the project" in lost  # reported, the rest imported
    assert G["source"] in project.documents
    assert any("graphs" in what for what in lost)


def test_unresolvable_references_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="T">'
        f"<PlainTextContent>{TEXT}</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="5">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["graph"]}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
        f'<Sets><Set guid="{G["set"]}" name="S"><MemberCode targetGUID="{G["graph"]}"/>'
        f'<MemberSource targetGUID="{G["source"]}"/></Set></Sets>'
    )
    result = qualcode.read(qdpx(tmp_path / "refs.qdpx", project_xml(body)))
    assert len(result.project.codings) == 0
    assert result.project.sets[G["set"]].member_ids == (G["source"],)
    lost = {loss.what: loss.count for loss in result.report}
    assert lost["codings of codes that do not exist"] == 1
    assert lost["references to things that do not exist"] == 1


def test_bare_qde_with_a_sources_folder(tmp_path: Path) -> None:
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="T" '
        f'plainTextPath="internal://{G["source"]}.txt"/></Sources>'
    )
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / f"{G['source']}.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "alone.qde"
    path.write_text(project_xml(body), encoding="utf-8")
    project = qualcode.load(path)
    assert project.documents[G["source"]].text == TEXT


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0", ""])
def test_project_namespace_variants(tmp_path: Path, namespace: str) -> None:
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="T">'
        f"<PlainTextContent>{TEXT}</PlainTextContent></TextSource></Sources>"
    )
    xml = project_xml(body, namespace=namespace)
    if not namespace:
        xml = xml.replace(' xmlns=""', "")
    project = qualcode.load(qdpx(tmp_path / "ns.qdpx", xml))
    assert len(project.codes) == 3 and project.documents[G["source"]].text == TEXT


def test_tool_targets_report_what_the_tool_cannot_hold(tmp_path: Path) -> None:
    from qualcode.testing import sample_project

    report = qualcode.save(sample_project(), tmp_path / "n.qdpx", target="nvivo")
    lost = {loss.what for loss in report}
    assert ("themes", "sets of codes") in {(kept.what, kept.kept_as) for kept in report.kept}
    assert "themes" not in lost
    assert "provenance of machine codings" in lost
    assert all(loss.where == "NVivo" for loss in [*report, *report.kept])


def test_a_project_zip_with_its_qde_last_is_recognised_by_content(tmp_path: Path) -> None:
    """MAXQDA 24 writes the texts first and project.qde last; such a file renamed .zip (or
    with no extension) is still a project: the member list names the .qde."""
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="T" '
        f'plainTextPath="internal://{G["source"]}.txt"/></Sources>'
    )
    padding = random.Random(5).randbytes(8192)  # keeps the names at the end out of the head
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"sources/{G['source']}.txt", TEXT.encode("utf-8"))
        archive.writestr("sources/picture.png", padding, zipfile.ZIP_STORED)
        archive.writestr("project.qde", project_xml(body, origin="MAXQDA 24").encode("utf-8"))
    assert b".qde" not in path.read_bytes()[:4096]
    assert qualcode.load(path).documents[G["source"]].text == TEXT
    plain_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("notes.txt", "not a project")
    with pytest.raises(qualcode.QualcodeError, match="cannot tell the format"):
        qualcode.load(plain_zip)
