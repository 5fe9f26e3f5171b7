"""The .qdpx container: member names with backslashes, and archives re-zipped on macOS."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import ParseError, UnsafeInputError
from qualcode.formats.refiqda.container import QdpxArchive, is_macos_metadata, member_name
from qualcode.formats.refiqda.validation import validate_file

from .builders import G, project_xml, qdpx

TEXT = "Peer work helps. Training was short.\n"
TEXT_FILE = f"{G['source']}.txt"


def _project(path_attribute: str = f"internal://{TEXT_FILE}") -> str:
    body = (
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="Help" isCodable="true"/></Codes>'
        f'</CodeBook><Sources><TextSource guid="{G["source"]}" name="Interview" '
        f'plainTextPath="{path_attribute}">'
        f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="16">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
    )
    return project_xml(body)


def _read_text(path: Path) -> str:
    result = qualcode.read(path)
    assert not result.report.losses, result.report.lines()
    document = result.project.documents[G["source"]]
    return document.text


# -- backslashes ----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["Sources", "sources"])
def test_backslash_member_names_are_read_as_folders(tmp_path: Path, folder: str) -> None:
    """Some Windows zip tools write ``Sources\\<guid>.txt``: the text is found, not missing."""
    path = qdpx(
        tmp_path / "backslash.qdpx",
        _project(),
        {f"{folder}\\{TEXT_FILE}": TEXT.encode("utf-8")},
    )
    with zipfile.ZipFile(path) as archive:
        assert f"{folder}\\{TEXT_FILE}" in archive.namelist()  # really written that way
    assert _read_text(path) == TEXT
    with QdpxArchive(path) as archive:
        member = archive.source_member(TEXT_FILE)
        assert member == f"{folder}/{TEXT_FILE}"
        assert archive.read_member(member) == TEXT.encode("utf-8")
    assert validate_file(path) == []


def test_a_backslash_qde_in_a_folder_is_found_with_its_sources(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "nested.qdpx",
        _project(),
        {f"Trial\\sources\\{TEXT_FILE}": TEXT.encode("utf-8")},
        qde_name="Trial\\Trial.qde",
    )
    with QdpxArchive(path) as archive:
        assert archive.qde_name == "Trial/Trial.qde"
        assert archive.source_member(TEXT_FILE) == f"Trial/sources/{TEXT_FILE}"
    assert _read_text(path) == TEXT


@pytest.mark.parametrize(
    "name",
    [
        "..\\escape.txt",
        "sources\\..\\..\\escape.txt",
        "\\absolute.txt",
        "C:\\Windows\\escape.txt",
        "sources/..\\..\\escape.txt",
    ],
)
def test_unsafe_backslash_paths_are_still_refused(tmp_path: Path, name: str) -> None:
    path = qdpx(tmp_path / "unsafe.qdpx", _project(), {name: b"x"})
    with pytest.raises(UnsafeInputError, match="unsafe path"):
        QdpxArchive(path)


def test_member_name_uses_forward_slashes_only() -> None:
    assert member_name("Sources\\a.txt") == "Sources/a.txt"
    assert member_name("a/b\\c") == "a/b/c"
    assert member_name("project.qde") == "project.qde"


# -- macOS ----------------------------------------------------------------------------------


def test_an_archive_re_zipped_on_macos_reads(tmp_path: Path) -> None:
    """The Finder's "Compress" adds ``__MACOSX/`` with an AppleDouble ``._*`` per file, so the
    archive seemed to hold two .qde files."""
    path = qdpx(
        tmp_path / "rezipped.qdpx",
        _project(),
        {
            f"Trial/sources/{TEXT_FILE}": TEXT.encode("utf-8"),
            "__MACOSX/Trial/._Trial.qde": b"\x00\x05\x16\x07 not XML",
            f"__MACOSX/Trial/sources/._{TEXT_FILE}": b"\x00\x05\x16\x07 resource fork",
        },
        qde_name="Trial/Trial.qde",
    )
    with QdpxArchive(path) as archive:
        assert archive.qde_name == "Trial/Trial.qde"
        assert archive.source_member(TEXT_FILE) == f"Trial/sources/{TEXT_FILE}"
    assert _read_text(path) == TEXT
    assert validate_file(path) == []


def test_appledouble_files_beside_the_real_ones_are_ignored(tmp_path: Path) -> None:
    """``._*`` files can also sit beside the files they describe (no ``__MACOSX`` folder)."""
    path = qdpx(
        tmp_path / "appledouble.qdpx",
        _project(),
        {
            "._project.qde": b"\x00\x05\x16\x07",
            f"sources/._{TEXT_FILE}": b"\x00\x05\x16\x07",
            f"sources/{TEXT_FILE}": TEXT.encode("utf-8"),
        },
    )
    with QdpxArchive(path) as archive:
        assert archive.qde_name == "project.qde"
    assert _read_text(path) == TEXT


def test_macos_metadata_alone_is_no_project(tmp_path: Path) -> None:
    path = tmp_path / "only_metadata.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__MACOSX/Trial/._Trial.qde", b"\x00\x05\x16\x07")
    with pytest.raises(ParseError, match=r"no \.qde project file"):
        QdpxArchive(path)


def test_unsafe_paths_under_macosx_are_still_refused(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "unsafe.qdpx", _project(), {"__MACOSX/../../escape": b"x"})
    with pytest.raises(UnsafeInputError):
        QdpxArchive(path)


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("__MACOSX/Trial/._Trial.qde", True),
        ("__MACOSX/x.txt", True),
        ("Trial/__MACOSX/sources/a.txt", True),
        ("sources/._a.txt", True),
        ("._project.qde", True),
        ("project.qde", False),
        ("sources/a._b.txt", False),
        ("sources/__MACOSX.txt", False),
    ],
)
def test_which_members_are_macos_metadata(name: str, ignored: bool) -> None:
    assert is_macos_metadata(name) is ignored
