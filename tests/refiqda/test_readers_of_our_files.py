"""What other programs make of the .qdpx files qualcode writes, read the way each of them reads.

Our own reader agreeing with our own writer proves little, so these tests read what qualcode
wrote without qualcode's reader: the XML with lxml, each text file decoded and each selection
sliced as the target program does it (``Target.reading``, which is not always how the program
writes: QualCoder writes its texts with a BOM but reads them as plain UTF-8). Every quote must
equal the original's, for every real REFI-QDA sample in ../shared/samples and every target.

QualCoder's own importer (ccbogel/QualCoder, refi.py) was run on these files while developing
(it cannot run in CI); what it needs is pinned below: a creation or change time on every
``Note`` (parse_notes stops without one), ``Project/@origin`` (it tests it for "ATLAS"), text
files behind ``internal://`` paths, ``CodeRef`` as a ``Coding``'s first child, and no BOM in the
text files of its target (it keeps a BOM as character 0).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from lxml import etree

import qualcode
from qualcode.formats.refiqda.positions import Convention
from qualcode.formats.refiqda.targets import TARGETS, Reading, Target
from qualcode.model import new_id
from qualcode.testing import assert_projects_equal, sample_project

NS = {"q": "urn:QDA-XML:project:1.0"}
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def _real_samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.qdpx")) if SAMPLES.is_dir() else []


def _sample_ids() -> list[str]:
    return [path.name for path in _real_samples()] or ["no-samples"]


@attrs.frozen
class Sample:
    """A real sample, the project qualcode reads from it, and its quotes by coding GUID."""

    path: Path
    project: qualcode.Project
    quotes: dict[str, str]


@pytest.fixture(scope="module", params=_sample_ids())
def sample(request: pytest.FixtureRequest) -> Sample:
    path = SAMPLES / str(request.param)
    if not path.is_file():
        pytest.skip("no REFI-QDA sample in ../shared/samples")
    project = qualcode.load(path)
    quotes = {coding.id: project.quote(coding) for coding in project.codings}
    assert quotes, f"{path.name} has no codings to compare"
    return Sample(path, project, quotes)


# -- reading as the target program reads ------------------------------------------------------


def program_text(data: bytes, reading: Reading) -> str:
    """A text file as the program decodes it: UTF-8, a BOM dropped unless it keeps it as text."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff") and not reading.bom_is_text:
        text = text[1:]
    return text


def character_at(text: str, convention: Convention) -> dict[int, int]:
    """Position as ``convention`` counts it (a character beyond U+FFFF two in UTF-16; a CRLF
    one or two) -> index in ``text`` of the character that starts there."""
    starts: dict[int, int] = {}
    position = 0
    for index, char in enumerate(text):
        starts.setdefault(position, index)
        crlf_half = char == "\r" and text[index + 1 : index + 2] == "\n"
        if crlf_half and not convention.crlf_counts_two:
            continue  # the pair counts once, at its LF
        position += 2 if convention.utf16 and ord(char) > 0xFFFF else 1
    starts.setdefault(position, len(text))
    return starts


def slice_as_counted(text: str, starts: dict[int, int], start: int, end: int) -> str:
    """The passage from ``start`` to ``end`` (see :func:`character_at`), line ends as LF."""
    assert start in starts and end in starts, f"{start}-{end} is not between characters"
    return text[starts[start] : starts[end]].replace("\r\n", "\n")


def quotes_as_read(path: Path, reading: Reading) -> Iterator[tuple[str, str]]:
    """(coding GUID, quote) for every coded text passage of a .qdpx, read as ``reading``."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        for holder in root.iterfind(".//*[@plainTextPath]", NS):
            member = "sources/" + holder.get("plainTextPath", "").removeprefix("internal://")
            text = program_text(archive.read(member), reading)
            starts = character_at(text, reading.convention)
            for selection in holder.iterfind("q:PlainTextSelection", NS):
                quote = slice_as_counted(
                    text,
                    starts,
                    int(selection.get("startPosition", "")),
                    int(selection.get("endPosition", "")),
                )
                for coding in selection.iterfind("q:Coding", NS):
                    yield coding.get("guid", ""), quote


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_quote_reads_right_in_the_target_program(
    sample: Sample, target: str, tmp_path: Path
) -> None:
    expected = sample.quotes
    out = tmp_path / f"for-{target}.qdpx"
    qualcode.save(sample.project, out, target=target)
    read = dict(quotes_as_read(out, TARGETS[target].reading))
    assert read.keys() == expected.keys()
    wrong = [guid for guid in expected if read[guid] != expected[guid]]
    assert not wrong, f"{len(wrong)} of {len(expected)} quotes differ, e.g. {read[wrong[0]]!r}"


def test_a_bom_for_a_reader_that_keeps_it_moves_every_quote(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the qualcoder target writes no BOM: with the profile it had (a BOM, as QualCoder's
    exporter writes), every quote read as QualCoder reads starts one character early, as
    QualCoder's own importer showed."""
    qualcoder = TARGETS["qualcoder"]
    as_it_writes = Target("qualcoder", "QualCoder", qualcoder.convention, bom=True)
    monkeypatch.setitem(TARGETS, "qualcoder", as_it_writes)
    out = tmp_path / "with-bom.qdpx"
    qualcode.save(sample.project, out, target="qualcoder")
    read = dict(quotes_as_read(out, qualcoder.reading))
    project = sample.project
    for coding in project.codings:
        with_bom = "\ufeff" + project.documents[coding.document_id].text
        assert read[coding.id] == with_bom[coding.start : coding.end]  # one character early
        assert read[coding.id] != sample.quotes[coding.id]


# -- what QualCoder's importer needs, pinned --------------------------------------------------


def _qualcoder_quotes(path: Path) -> list[tuple[str, str]]:
    """(coding GUID, quote) as QualCoder's importer makes them (refi.py, load_text_source):
    the .txt opened as UTF-8 in text mode (a BOM kept, CRLF read as LF), then, when the file's
    first line end is CRLF and the origin does not name ATLAS, every LF followed by a space so
    that a line end counts two; positions slice that text by code points."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        origin = root.get("origin")
        assert origin is not None  # QualCoder calls origin.upper() when there is no basePath
        found = []
        for holder in root.iterfind(".//q:TextSource", NS):
            path_attribute = holder.get("plainTextPath", "")
            assert path_attribute.startswith("internal://")  # it splits on 'internal:/'
            raw = archive.read("sources/" + path_attribute.split("internal:/")[1].lstrip("/"))
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            first_end = raw.find(b"\n")
            if first_end > 0 and raw[first_end - 1 : first_end] == b"\r" and "ATLAS" not in origin:
                text = text.replace("\n", "\n ")
            for selection in holder.iterfind("q:PlainTextSelection", NS):
                start = int(selection.get("startPosition", ""))
                end = int(selection.get("endPosition", ""))
                for coding in selection.iterfind("q:Coding", NS):
                    assert etree.QName(coding[0]).localname == "CodeRef"  # list(el)[0]
                    found.append((coding.get("guid", ""), text[start:end]))
        return found


def test_qualcoder_reads_every_quote_of_its_target_right(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "for-qualcoder.qdpx"
    qualcode.save(sample.project, out, target="qualcoder")
    with zipfile.ZipFile(out) as archive:
        texts = [n for n in archive.namelist() if n.endswith(".txt")]
        assert texts
        for name in texts:
            assert not archive.read(name).startswith(b"\xef\xbb\xbf"), name
    expected = sample.quotes
    read = _qualcoder_quotes(out)
    assert len(read) == len(expected)
    assert all(quote == expected[guid] for guid, quote in read), "QualCoder would shift quotes"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_note_has_the_time_qualcoder_needs(target: str, tmp_path: Path) -> None:
    """QualCoder's parse_notes calls ``.replace`` on creationDateTime (else modifiedDateTime):
    a memo without a time, and qualcode's own note, get one."""
    project = qualcode.Project(name="Memos")
    project.add_memo(qualcode.Memo(id=new_id(), name="no time", text="a thought"))
    out = tmp_path / "memos.qdpx"
    qualcode.save(project, out, target=target)
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    notes = root.findall("q:Notes/q:Note", NS)
    assert len(notes) == 2  # the memo and qualcode's note
    for note in notes:
        assert note.get("creationDateTime"), note.get("name")
    back = qualcode.load(out)
    (memo,) = back.memos
    assert memo.created_at is None  # the note remembers that the memo had no time


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_element_qualcoder_dates_or_names_has_what_it_needs(
    target: str, tmp_path: Path
) -> None:
    """The sample project (every kind of source, no times on some codings and memos) through
    every target: the attributes QualCoder's importer reads without a fallback are there.

    refi.py stops on: a Note, Transcript or PictureSelection with neither creationDateTime nor
    modifiedDateTime; a Transcript without a name; a relative:// path without a basePath; a
    Project without an origin. (PDF, text and A/V selections and sources fall back to now.)"""
    project = sample_project()
    assert any(c.created is None for c in project.codings)  # the sample has the hard cases
    out = tmp_path / "sample.qdpx"
    qualcode.save(project, out, target=target)
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert root.get("origin")
    for tag in ("Note", "Transcript", "PictureSelection"):
        elements = root.findall(f".//q:{tag}", NS)
        assert elements, f"the sample has no {tag}"
        for element in elements:
            assert element.get("creationDateTime") or element.get("modifiedDateTime"), tag
    for transcript in root.iterfind(".//q:Transcript", NS):
        assert transcript.get("name")
    relative = root.xpath("//*[starts-with(@path, 'relative://')]")
    assert relative and root.get("basePath") is not None
    assert_projects_equal(project, qualcode.load(out))  # the times written are not taken in
