"""How the html importer finds a page's encoding: byte order mark, HTML's prescan, WHATWG labels."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from qualcode_html import HtmlImporter
from qualcode_html.encoding import LABELS, looks_like_utf16, prescan

from qualcode import Document
from qualcode.errors import TextEncodingError
from qualcode.testing import check_importer


def read_bytes_as_page(tmp_path: Path, content: bytes) -> Document:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    (document,) = check_importer(HtmlImporter, path).project.documents
    return document


def declaring(label: str, text: str, encoding: str) -> bytes:
    return f'<meta charset="{label}"><p>'.encode("ascii") + text.encode(encoding) + b"</p>"


@pytest.mark.parametrize(
    "comment",
    [
        '<!-- <meta charset="koi8-r"> -->',
        '<!--<meta charset="koi8-r">-->',
        '<!-- a -- b <meta charset="koi8-r"> -- c -->',
        '<!-- <meta http-equiv="Content-Type" content="text/html; charset=koi8-r"> -->',
    ],
)
def test_a_commented_out_meta_does_not_decide(tmp_path: Path, comment: str) -> None:
    page = f"<html><body>{comment}<p>été</p></body></html>".encode()
    document = read_bytes_as_page(tmp_path, page)
    assert document.text == "été"
    assert document.text_origin is not None
    assert document.text_origin.encoding == "utf-8"


def test_the_meta_after_a_comment_decides(tmp_path: Path) -> None:
    page = '<!-- <meta charset="koi8-r"> --><meta charset="windows-1252"><p>\x80</p>'
    assert read_bytes_as_page(tmp_path, page.encode("latin-1")).text == "€"
    # "<!-->" is a whole comment, so the <meta> after it counts
    page = '<!--><meta charset="windows-1252"><p>\x80</p>'
    assert read_bytes_as_page(tmp_path, page.encode("latin-1")).text == "€"


@pytest.mark.parametrize(
    "markup",
    [
        "<div title='<meta charset=\"koi8-r\">'>",  # inside another tag's attribute
        '<meta content="text/html; charset=koi8-r">',  # a Content-Type without http-equiv
        '<meta charset="">',
    ],
)
def test_things_that_are_not_a_declaration_are_skipped(tmp_path: Path, markup: str) -> None:
    assert read_bytes_as_page(tmp_path, f"{markup}<p>été</p>".encode()).text == "été"


@pytest.mark.parametrize(
    ("label", "text", "encoding"),
    [
        # Latin-1 and ASCII pages are windows-1252 pages, where 0x80 is the euro sign
        *[
            (label, "\u20ac", "cp1252")
            for label in ("iso8859-1", "l1", "latin1", "iso-8859-1", "US-ASCII", "ascii")
        ],
        ("gb2312", "中文 喆", "gbk"),  # 喆 is in GBK but not in GB2312
        ("windows-874", "ภาษาไทย", "cp874"),
        ("x-sjis", "日本語 ①", "cp932"),  # ① is in windows-31j, not in plain Shift_JIS
        ("windows-31j", "日本語 ①", "cp932"),
        ("shift_jis", "日本語 ①", "cp932"),
        ("x-mac-roman", "café", "mac_roman"),
        ("unicode-1-1-utf-8", "café 日本", "utf-8"),
        ("iso-8859-8-i", "שלום", "iso8859_8"),
        ("euc-kr", "한국어", "cp949"),
        ("big5", "中文", "big5"),
        ("koi8-u", "Україна", "koi8_u"),
        ("x-mac-cyrillic", "Кириллица", "mac_cyrillic"),
        ("csibm866", "Кириллица", "cp866"),
        ("latin5", "İstanbul", "cp1254"),
        ("  Windows-1250 ", "Łódź", "cp1250"),
    ],
)
def test_whatwg_labels(tmp_path: Path, label: str, text: str, encoding: str) -> None:
    assert read_bytes_as_page(tmp_path, declaring(label, text, encoding)).text == text


def test_every_whatwg_label_has_a_python_codec() -> None:
    assert len({name for name, _ in LABELS.values()}) == 40  # all the standard's encodings
    for label, (name, codec) in LABELS.items():
        assert label == label.lower(), label
        if name != "replacement":
            assert b"<p>".decode(codec) == "<p>", label


@pytest.mark.parametrize(
    ("label", "content", "expected"),
    [
        ("utf-16", "été".encode(), "été"),  # a <meta> in ASCII bytes: the page is UTF-8
        ("unicodefffe", "été".encode(), "été"),
        ("x-user-defined", b"\x80", "€"),  # read as windows-1252
        ("latin-1", b"\x80", "€"),  # not a WHATWG label, but Python's name for Latin-1
    ],
)
def test_labels_html_reads_as_another_encoding(
    tmp_path: Path, label: str, content: bytes, expected: str
) -> None:
    page = f'<meta charset="{label}"><p>'.encode("ascii") + content + b"</p>"
    assert read_bytes_as_page(tmp_path, page).text == expected


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("iso-2022-kr", "does not decode"),  # the standard's "replacement" encoding
        ("hz-gb-2312", "does not decode"),
        ("rot13", "unknown encoding"),  # a Python codec, but not a text encoding
        ("klingon", "unknown encoding"),
    ],
)
def test_labels_that_cannot_be_read(tmp_path: Path, label: str, message: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(f'<meta charset="{label}"><p>x</p>'.encode("ascii"))
    with pytest.raises(TextEncodingError, match=message):
        HtmlImporter().read(path)


def test_an_unknown_label_gives_way_to_a_known_one(tmp_path: Path) -> None:
    page = '<meta charset="klingon"><meta charset="windows-1252"><p>\x80</p>'
    assert read_bytes_as_page(tmp_path, page.encode("latin-1")).text == "€"


def test_prescan_follows_html() -> None:
    assert prescan(b'<META CHARSET="KOI8-R">') == "koi8-r"
    assert prescan(b"<meta charset=koi8-r>") == "koi8-r"
    assert prescan(b'<meta/charset="koi8-r"/>') == "koi8-r"
    assert prescan(b"<meta http-equiv=Content-Type content=\"text/html;charset='koi8-r'\">") == (
        "koi8-r"
    )
    assert prescan(b'<meta content="text/html; charset=koi8-r" http-equiv="content-type">') == (
        "koi8-r"
    )
    assert prescan(b'<meta charset="koi8-r" charset="utf-8">') == "koi8-r"  # first one counts
    assert prescan(b'<metadata charset="koi8-r">') is None
    assert prescan(b'<!-- <meta charset="koi8-r">') is None  # an unclosed comment
    assert prescan(b'<meta charset="koi8-r') is None  # cut off: the prescan gives up
    assert prescan(b'<p title="x>y"><meta charset="koi8-r">') == "koi8-r"
    assert prescan(b'</p class="<meta charset=koi8-r>"><meta charset="latin2">') == "latin2"
    # "<?" runs to the first ">", here the one inside the string
    assert prescan(b'<?php echo "<meta charset=koi8-r>" ?><meta charset="latin2">') == "latin2"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_an_encoding_error(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes("<html><body><p>Grüße 日本</p></body></html>".encode(encoding))
    with pytest.raises(TextEncodingError, match=r"UTF-16.*byte order mark") as caught:
        HtmlImporter().read(path)
    assert caught.value.path == str(path)


def test_looks_like_utf16() -> None:
    assert looks_like_utf16("<p>hi</p>".encode("utf-16-le")) == "UTF-16LE"
    assert looks_like_utf16("<p>hi</p>".encode("utf-16-be")) == "UTF-16BE"
    assert looks_like_utf16("<p>日本語のテキスト</p>".encode()) == ""
    assert looks_like_utf16(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00") == ""
    assert looks_like_utf16(b"\x00") == ""


def test_a_byte_order_mark_wins_over_meta(tmp_path: Path) -> None:
    page = codecs.BOM_UTF8 + '<meta charset="iso-8859-1"><p>été</p>'.encode()
    document = read_bytes_as_page(tmp_path, page)
    assert document.text == "été"
