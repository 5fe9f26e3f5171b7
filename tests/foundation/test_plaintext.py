"""The plain text importer: one document per file, decoding recorded, input untouched."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import InputNotFoundError, OptionError, TextEncodingError
from qualcode.formats.plaintext import PlainTextImporter
from qualcode.model import DocumentKind, TextOrigin
from qualcode.testing import check_importer

TEXT = "Interviewer: Hello 😀\r\nPN1: 你好, שלום\r\n"


def test_reads_one_document_and_records_how_it_was_encoded(tmp_path: Path) -> None:
    source = tmp_path / "PN1 wave 1.txt"
    source.write_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    result = check_importer(PlainTextImporter, source)
    (document,) = result.project.documents
    assert document.text == TEXT.replace("\r\n", "\n")
    assert document.name == "PN1 wave 1"
    assert result.project.name == "PN1 wave 1"
    assert document.text_origin == TextOrigin(encoding="utf-16-le", had_bom=True, newline="\r\n")
    assert document.kind is DocumentKind.OTHER
    assert result.report.lossless


def test_markdown_through_load_with_a_kind(tmp_path: Path) -> None:
    source = tmp_path / "diary.md"
    source.write_text("# Day 1\n\nGood day.\n", encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    project = qualcode.load(source, kind="diary")
    (document,) = project.documents
    assert document.kind is DocumentKind.DIARY
    assert document.text == "# Day 1\n\nGood day.\n"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest


def test_unknown_kind_lists_the_known_ones(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x")
    with pytest.raises(OptionError) as caught:
        PlainTextImporter().read(source, kind="podcast")
    for kind in DocumentKind:
        assert kind.value in str(caught.value)


def test_undecodable_file_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes("Größe".encode("latin-1"))
    with pytest.raises(TextEncodingError) as caught:
        qualcode.load(source)
    assert str(source) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError) as caught:
        PlainTextImporter().read(tmp_path / "absent.txt")
    assert "absent.txt" in str(caught.value)
    with pytest.raises(InputNotFoundError):
        PlainTextImporter().read(tmp_path)  # a folder is not a file


def test_empty_file_is_an_empty_document(tmp_path: Path) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(b"")
    (document,) = check_importer(PlainTextImporter, source).project.documents
    assert document.text == ""


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\t\n"])
def test_a_file_without_text_gives_an_empty_document_and_says_so(
    tmp_path: Path, data: bytes
) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(data)
    result = qualcode.read(source)
    assert [d.name for d in result.project.documents] == ["empty"]
    assert result.report.warnings == [
        "empty.txt: the file holds no text (an empty document was made)"
    ]
