"""A PDF coding with a box and a text span is written twice: the box in the ``PDFSource`` and the
span as a ``PlainTextSelection`` in the PDF's text ``Representation`` (as ATLAS.ti writes its PDF
quotations), so that other tools see the coded text. The text twin has GUIDs of its own, and
qualcode's note names it, so that qualcode reads the two back as one coding."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import attrs
import pytest
from lxml import etree

import qualcode
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.formats.refiqda.validation import validate_file
from qualcode.model import Code, Coder, Coding, Document, PdfRegion, PictureRegion, SourceKind
from qualcode.project import Project
from qualcode.testing import assert_projects_equal

from .builders import G
from .conftest import assert_valid, qde_of

NS = {"q": "urn:QDA-XML:project:1.0"}
TEXT = "Policy 😀 draft\nSupervision is monthly. Training is weekly.\nEnd.\n"
QUOTE = "Training is weekly."
BOX = PdfRegion(page=1, first_x=72.0, first_y=700.0, second_x=300.0, second_y=680.0)
WHEN = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
SPAN_LOSS = "text spans of box and time codings"


def _project(span: tuple[int, int] | None = None) -> Project:
    """One PDF document with a text and one coding of its box and (by default) :data:`QUOTE`."""
    start = TEXT.index(QUOTE)
    project = Project(name="PDF twins")
    project.add_coder(Coder(G["user"], "Ana"))
    project.add_code(Code(G["code"], "Training"))
    project.add_document(Document(G["pdf"], "Policy.pdf", text=TEXT, source=SourceKind.PDF))
    start, end = span if span is not None else (start, start + len(QUOTE))
    project.add_coding(
        Coding(G["coding"], G["pdf"], G["code"], start, end, G["user"], WHEN, region=BOX)
    )
    return project


def _export(project: Project, path: Path, target: str) -> etree._Element:
    """The parsed .qde of ``project`` written to ``path`` for ``target``."""
    report = qualcode.save(project, path, target=target)
    assert not any(loss.what == SPAN_LOSS for loss in report), report.lines()
    return etree.fromstring(qde_of(path))


def _twins(root: etree._Element) -> list[etree._Element]:
    return root.findall(".//q:PDFSource/q:Representation/q:PlainTextSelection", NS)


def _text_as_written(path: Path, root: etree._Element) -> str:
    """The Representation's internal text file, as another tool reads it (BOM removed)."""
    (representation,) = root.findall(".//q:PDFSource/q:Representation", NS)
    name = representation.get("plainTextPath", "").removeprefix("internal://")
    with zipfile.ZipFile(path) as archive:
        (member,) = [m for m in archive.namelist() if m.lower() == f"sources/{name}"]
        return archive.read(member).decode("utf-8-sig")


def _quote_as_counted(target: str, written: str, start: int, end: int) -> str:
    """The text between two positions, counted as ``target``'s program counts them (counted
    here independently of qualcode's offset maps)."""
    if target == "nvivo":  # UTF-16 code units of the CRLF file
        return written.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")
    if target == "spec":  # code points of the file as written
        return written[start:end]
    return written.replace("\r\n", "\n")[start:end]  # code points, a line end counting one


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_span_is_also_a_coded_text_selection_in_the_representation(
    tmp_path: Path, target: str, project_schema: etree.XMLSchema
) -> None:
    path = tmp_path / "twins.qdpx"
    root = _export(_project(), path, target)
    (box,) = root.findall(".//q:PDFSource/q:PDFSelection", NS)
    (twin,) = _twins(root)
    box_coding, twin_coding = box.find("q:Coding", NS), twin.find("q:Coding", NS)
    assert box_coding is not None and twin_coding is not None
    for coding in (box_coding, twin_coding):
        assert coding.xpath("string(q:CodeRef/@targetGUID)", namespaces=NS) == G["code"]
        assert coding.get("creatingUser") == G["user"]
        assert coding.get("creationDateTime") == "2024-05-06T07:08:09Z"
    assert twin.get("creatingUser") == box.get("creatingUser") == G["user"]
    assert twin.get("name") == QUOTE
    # GUIDs of its own for every target (ATLAS.ti's one GUID for both would be a duplicate)
    guids = [box.get("guid"), twin.get("guid"), box_coding.get("guid"), twin_coding.get("guid")]
    assert len(set(guids)) == 4 and box_coding.get("guid") == G["coding"]
    assert_valid(project_schema, qde_of(path))
    assert validate_file(path) == []


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_qualcode_reads_the_box_and_its_twin_back_as_one_coding(
    tmp_path: Path, target: str
) -> None:
    project = _project()
    path = tmp_path / "twins.qdpx"
    qualcode.save(project, path, target=target)
    result = qualcode.read(path)
    (coding,) = result.project.codings
    assert coding == project.codings[G["coding"]]
    assert result.project.quote(coding) == QUOTE
    assert_projects_equal(project, result.project)
    assert result.report.lossless and result.report.warnings == [], result.report.lines()


def test_a_bare_qde_carries_the_twin_inline_and_reads_back(
    tmp_path: Path, project_schema: etree.XMLSchema
) -> None:
    project = _project()
    path = tmp_path / "twins.qde"
    qualcode.save(project, path, target="nvivo")
    data = path.read_bytes()
    assert_valid(project_schema, data)
    assert len(_twins(etree.fromstring(data))) == 1
    assert_projects_equal(project, qualcode.load(path))


@pytest.mark.parametrize("target", ["spec", "nvivo", "atlasti"])
def test_another_tool_finds_the_coded_text_at_the_twins_positions(
    tmp_path: Path, target: str
) -> None:
    project = _project()
    coding = project.codings[G["coding"]]
    path = tmp_path / "twins.qdpx"
    root = _export(project, path, target)
    (twin,) = _twins(root)
    start, end = int(twin.get("startPosition", "")), int(twin.get("endPosition", ""))
    written = _text_as_written(path, root)
    assert _quote_as_counted(target, written, start, end) == TEXT[coding.start : coding.end]
    if target == "nvivo":  # the emoji (two units) and a CRLF (two) come before the span
        assert start == coding.start + 2


def test_without_qualcodes_note_the_twin_is_a_text_coding_of_the_same_code(
    tmp_path: Path,
) -> None:
    """What a tool that reads only the standard gets: the box and the coded text."""
    path = tmp_path / "twins.qdpx"
    qualcode.save(_project(), path, target="spec")
    qde = qde_of(path)
    root = etree.fromstring(qde)
    (note,) = [n for n in root.iterfind(".//q:Note", NS) if n.get("name") == extras.NOTE_NAME]
    notes = note.getparent()
    assert notes is not None
    notes.remove(note)
    stripped = tmp_path / "stripped.qdpx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stripped, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, etree.tostring(root) if name.endswith(".qde") else data)
    codings = sorted(qualcode.load(stripped).codings, key=lambda c: c.region is None)
    box, text = codings
    start = TEXT.index(QUOTE)
    assert (box.id, box.region, box.start, box.end) == (G["coding"], BOX, 0, 0)
    assert (text.region, text.start, text.end) == (None, start, start + len(QUOTE))
    assert box.code_id == text.code_id == G["code"]


@pytest.mark.parametrize("span", [(0, 0), (7, 7)])
def test_a_box_without_a_text_span_writes_no_twin(
    tmp_path: Path, span: tuple[int, int], project_schema: etree.XMLSchema
) -> None:
    project = _project(span)
    path = tmp_path / "box.qdpx"
    report = qualcode.save(project, path, target="nvivo")
    root = etree.fromstring(qde_of(path))
    assert len(root.findall(".//q:PDFSource/q:PDFSelection", NS)) == 1
    assert _twins(root) == []
    assert_valid(project_schema, qde_of(path))
    # an empty span at a position has nothing to show: it stays in qualcode's note
    assert any(loss.what == SPAN_LOSS for loss in report) == (span != (0, 0))
    back = qualcode.load(path)
    assert list(back.codings) == [project.codings[G["coding"]]]


def test_picture_codings_keep_their_span_in_the_note(tmp_path: Path) -> None:
    """Only PDFs have a text that is the source's own: a picture's span is not twinned."""
    project = _project()
    document = project.documents[G["pdf"]]
    coding = project.codings[G["coding"]]
    picture = Project(name="picture")
    picture.add_coder(project.coders[G["user"]])
    picture.add_code(project.codes[G["code"]])
    picture.add_document(attrs.evolve(document, source=SourceKind.PICTURE))
    picture.add_coding(attrs.evolve(coding, region=PictureRegion(1, 2, 3, 4)))
    path = tmp_path / "picture.qdpx"
    report = qualcode.save(picture, path, target="nvivo")
    assert any(loss.what == SPAN_LOSS for loss in report)
    root = etree.fromstring(qde_of(path))
    assert root.findall(".//q:PlainTextSelection", NS) == []
    assert_projects_equal(picture, qualcode.load(path))
