"""Bad input: each a clear QualcodeError that names the file and says what to do."""

from __future__ import annotations

import io
import struct
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.api import load
from qualcode.errors import ParseError, QualcodeError, UnsafeInputError

Writer = Callable[..., Path]


def ole_file(stream_names: list[str]) -> bytes:
    """A compound file (OLE) header and one directory sector naming ``stream_names``.

    Enough of the structure Word writes for an encrypted .docx (``EncryptedPackage``,
    ``EncryptionInfo``) or a legacy .doc (``WordDocument``) to be recognised.
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)  # minor, major version, byte order
    struct.pack_into("<H", header, 30, 9)  # sector size 512
    struct.pack_into("<I", header, 48, 0)  # first directory sector
    directory = bytearray()
    for name in ["Root Entry", *stream_names]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(directory)


def assert_clear(error: QualcodeError, path: Path, *words: str) -> None:
    message = str(error)
    assert str(path) in message
    assert error.hint
    for word in words:
        assert word in message


def test_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "secret.docx"
    path.write_bytes(ole_file(["EncryptionInfo", "EncryptedPackage"]))
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "password-protected", "remove the password")


def test_legacy_doc(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(ole_file(["WordDocument", "1Table"]))
    with pytest.raises(ParseError) as caught:
        load(path)  # detected by the .doc extension
    assert_clear(caught.value, path, "legacy Word 97-2003", "save it as a Word document (.docx)")

    renamed = tmp_path / "old-named.docx"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(ParseError, match="legacy"):
        load(renamed)


def test_other_ole_file(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    path.write_bytes(ole_file(["Workbook"]))
    with pytest.raises(ParseError, match="OLE compound file"):
        load(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "empty")


def test_empty_document(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder().paragraph("").paragraph("  ")
    builder.header("Only a header has text")
    path = write_docx(builder, "blank.docx")
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "no text")


def test_truncated(docx: types.ModuleType, write_docx: Writer, tmp_path: Path) -> None:
    whole = write_docx(docx.DocxBuilder().paragraph("Some text " * 200)).read_bytes()
    for cut in (len(whole) // 2, len(whole) - 30, 10):
        path = tmp_path / f"cut{cut}.docx"
        path.write_bytes(whole[:cut])
        with pytest.raises(ParseError) as caught:
            load(path)
        assert_clear(caught.value, path, "corrupt or truncated")


def test_damaged_member(docx: types.ModuleType, write_docx: Writer, tmp_path: Path) -> None:
    whole = bytearray(write_docx(docx.DocxBuilder().paragraph("Some text " * 200)).read_bytes())
    start = whole.find(b"word/document.xml") + len("word/document.xml")
    whole[start + 40 : start + 60] = b"\x00" * 20  # corrupt compressed data of the first member
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(whole))
    with pytest.raises(ParseError) as caught:
        load(path)
    assert str(path) in str(caught.value)


def rezip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_malformed_xml(docx: types.ModuleType, tmp_path: Path) -> None:
    parts = parts_of(docx.DocxBuilder().paragraph("Hello").build())
    parts["word/document.xml"] = parts["word/document.xml"][:-20]
    path = tmp_path / "bad-xml.docx"
    path.write_bytes(rezip(parts))
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "word/document.xml", "not well-formed")


def test_missing_main_part(docx: types.ModuleType, tmp_path: Path) -> None:
    parts = parts_of(docx.DocxBuilder().paragraph("Hello").build())
    del parts["word/document.xml"]
    path = tmp_path / "no-body.docx"
    path.write_bytes(rezip(parts))
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "corrupt or truncated")


def test_a_workbook_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "table.docx"
    path.write_bytes(rezip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}))
    with pytest.raises(ParseError, match="Excel workbook"):
        load(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    path.write_bytes(b"{\\rtf1\\ansi Hello}")
    with pytest.raises(ParseError) as caught:
        load(path)
    assert_clear(caught.value, path, "RTF")


def test_unsafe_member_name(docx: types.ModuleType, tmp_path: Path) -> None:
    parts = parts_of(docx.DocxBuilder().paragraph("Hello").build())
    parts["../evil.xml"] = b"<x/>"
    path = tmp_path / "evil.docx"
    path.write_bytes(rezip(parts))
    with pytest.raises(UnsafeInputError, match="unsafe name"):
        load(path)


def test_entities_are_not_resolved(docx: types.ModuleType, tmp_path: Path) -> None:
    parts = parts_of(docx.DocxBuilder().paragraph("Hello").build())
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    parts["word/document.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    path = tmp_path / "xxe.docx"
    path.write_bytes(rezip(parts))
    with pytest.raises(UnsafeInputError, match="DTD"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QualcodeError, match="no such file"):
        load(tmp_path / "nowhere.docx")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_files_give_qualcode_errors_only(
    docx: types.ModuleType, tmp_path: Path, data: st.DataObject
) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("R: ", docx.Start(1), "Some “text” 😀 here", docx.End(1), " and more")
    builder.table([["a", "b"]])
    builder.comment(1, "Code > Sub")
    whole = bytearray(builder.build())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(whole) - 1))
        whole[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        whole = whole[: data.draw(st.integers(0, len(whole)))]
    path = tmp_path / "fuzzed.docx"
    path.write_bytes(bytes(whole))
    try:
        project = load(path)
    except QualcodeError as error:
        assert str(path) in str(error)
    else:
        assert len(project.documents) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_parts_give_qualcode_errors_only(
    docx: types.ModuleType, tmp_path: Path, data: st.DataObject
) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Title", style="Heading1")
    builder.paragraph("R: ", docx.Start(1), "Some text", docx.Note("footnote", 1), docx.End(1))
    builder.note("footnote", 1, "a note")
    builder.comment(1, "Code > Sub")
    builder.comment(2, "reply", parent=1)
    parts = parts_of(builder.build())
    name = data.draw(st.sampled_from(sorted(parts)))
    content = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.sampled_from(b"<>/=\"' wxyz0:&;\x00\xff"))
    parts[name] = bytes(content)
    path = tmp_path / "fuzzed-part.docx"
    path.write_bytes(rezip(parts))
    try:
        project = load(path)
    except QualcodeError as error:
        assert str(path) in str(error)
    else:
        assert len(project.documents) == 1
