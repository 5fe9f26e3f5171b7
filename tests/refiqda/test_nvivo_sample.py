"""The real NVivo for Windows sample: positions in UTF-16 code units, CRLF counting two."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import qualcode
from qualcode.formats.refiqda.targets import TARGETS

from .conftest import assert_valid, qde_of

TEXT_MEMBER = "Sources/56a79789-d535-4fb8-bedd-a915504c54ba.txt"
SELECTION = re.compile(
    rb'<PlainTextSelection guid="([^"]+)"[^>]*startPosition="(\d+)" endPosition="(\d+)"'
)
CODING = re.compile(rb'<Coding guid="([^"]+)"')


def _expected_quotes(sample: Path) -> dict[str, str]:
    """Coding GUID -> quote, computed straight from the raw file by UTF-16 slicing."""
    with zipfile.ZipFile(sample) as archive:
        raw = archive.read(TEXT_MEMBER)
        qde = archive.read("project.qde")
    units = raw.decode("utf-8-sig").encode("utf-16-le")
    quotes: dict[str, str] = {}
    for block in qde.split(b"</PlainTextSelection>"):
        found = SELECTION.search(block)
        if found is None:
            continue
        start, end = int(found.group(2)), int(found.group(3))
        quote = units[2 * start : 2 * end].decode("utf-16-le").replace("\r\n", "\n")
        for coding in CODING.finditer(block):
            quotes[coding.group(1).decode()] = quote
    return quotes


def _edges_on_word_boundaries(project: qualcode.Project) -> float:
    hits = total = 0
    for coding in project.codings:
        text = project.documents[coding.document_id].text
        for position in (coding.start, coding.end):
            total += 1
            inside = (
                0 < position < len(text)
                and text[position - 1].isalnum()
                and text[position].isalnum()
            )
            hits += not inside
    return hits / total


def test_sample_reads_with_correct_quotes(nvivo_sample: Path) -> None:
    result = qualcode.read(nvivo_sample)
    project = result.project
    counts = project.counts()
    assert (counts["documents"], counts["codes"], counts["codings"], counts["coders"]) == (
        1,
        60,
        97,
        2,
    )
    document = next(iter(project.documents))
    assert "\r" not in document.text and not document.text.startswith("\ufeff")
    assert sum(1 for ch in document.text if ord(ch) > 0xFFFF) > 100  # emoji-rich
    assert document.source_file is not None and document.source_file.data is not None
    assert document.source_file.data.startswith(b"PK")  # the .docx original is kept
    expected = _expected_quotes(nvivo_sample)
    assert len(expected) == 97
    for coding in project.codings:
        assert project.quote(coding) == expected[coding.id]
    assert _edges_on_word_boundaries(project) >= 0.95
    assert not result.report.warnings


def test_code_tree_and_users(nvivo_sample: Path) -> None:
    project = qualcode.load(nvivo_sample)
    assert {c.name for c in project.coders} == {"Gergo", "floriansipos"}
    top = project.children(None)
    assert top and all(c.parent_id is None for c in top)
    depth = max(len(project.code_path(c.id)) for c in project.codes)
    assert depth == 3
    described = [c for c in project.codes if c.definition]
    assert described and all(c.codable for c in project.codes)


def _with_origin(sample: Path, folder: Path, origin: str) -> Path:
    """A copy of the sample whose Project/@origin says something else."""
    out = folder / "changed.qdpx"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".qde"):
                data = data.replace(
                    b'origin="NVivo for Windows 12.6"', f'origin="{origin}"'.encode()
                )
            target.writestr(info, data)
    return out


@pytest.mark.parametrize("origin", ["Some Tool 1.0", "ATLAS.ti 9"])
def test_wrong_or_unknown_producer_falls_back_with_a_warning(
    nvivo_sample: Path, tmp_path: Path, origin: str
) -> None:
    result = qualcode.read(_with_origin(nvivo_sample, tmp_path, origin))
    expected = _expected_quotes(nvivo_sample)
    project = result.project
    assert all(project.quote(c) == expected[c.id] for c in project.codings)
    assert any("UTF-16" in w and "positions" in w for w in result.report.warnings)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_cross_tool_round_trip_keeps_texts_and_quotes(
    nvivo_sample: Path, tmp_path: Path, target: str, project_schema: etree.XMLSchema
) -> None:
    first = qualcode.load(nvivo_sample)
    out = tmp_path / f"for-{target}.qdpx"
    qualcode.save(first, out, target=target)
    assert_valid(project_schema, qde_of(out))
    second = qualcode.load(out)
    assert [d.text for d in second.documents] == [d.text for d in first.documents]
    quotes = {c.id: first.quote(c) for c in first.codings}
    assert {c.id: second.quote(c) for c in second.codings} == quotes
    assert {c.id: c.code_id for c in second.codings} == {c.id: c.code_id for c in first.codings}


def test_nvivo_target_writes_what_nvivo_writes(nvivo_sample: Path, tmp_path: Path) -> None:
    project = qualcode.load(nvivo_sample)
    out = tmp_path / "nvivo.qdpx"
    qualcode.save(project, out, target="nvivo")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        qde = archive.read("project.qde")
        assert all(n == "project.qde" or n.startswith("sources/") for n in names)
        text_name = next(n for n in names if n.endswith(".txt"))
        raw = archive.read(text_name)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    units = raw[3:].decode("utf-8").encode("utf-16-le")
    tree = etree.parse(io.BytesIO(qde))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    for selection in tree.iterfind(".//q:PlainTextSelection", ns):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        quote = units[2 * start : 2 * end].decode("utf-16-le").replace("\r\n", "\n")
        coding = selection.find("q:Coding", ns)
        assert quote == project.quote(project.codings[coding.get("guid")])
    assert b'richTextPath="internal://' in qde  # the .docx is a real rich file


def test_the_input_is_never_modified(nvivo_sample: Path) -> None:
    before = nvivo_sample.read_bytes()
    qualcode.load(nvivo_sample)
    assert nvivo_sample.read_bytes() == before
