"""Charsets a page declares that once escaped as UnicodeDecodeError or ValueError (a declared
UTF-32, a NUL in the label, codecs that are not text encodings): read, or one TextEncodingError."""

from __future__ import annotations

from pathlib import Path

import pytest
from qualcode_html import HtmlImporter

from qualcode.errors import TextEncodingError


@pytest.mark.parametrize(
    ("charset", "expected"),
    [
        ("utf-32", "read"),  # a <meta> in ASCII bytes: the page is not UTF-32, read as UTF-8
        ("UTF-32BE", "read"),
        ("utf-16", "read"),
        ("utf-7", "refused"),
        ("unicode_escape", "refused"),
        ("raw_unicode_escape", "refused"),
        ("punycode", "refused"),
        ("undefined", "refused"),
        ("utf\x00-8", "refused"),
    ],
)
def test_odd_charsets_are_read_or_refused(tmp_path: Path, charset: str, expected: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        f'<!doctype html><html><head><meta charset="{charset}"></head>'
        "<body><p>Grüße \\x41</p></body></html>".encode()
    )
    if expected == "read":
        (document,) = HtmlImporter().read(page).project.documents
        assert document.text.strip() == "Grüße \\x41"
    else:
        with pytest.raises(TextEncodingError) as caught:
            HtmlImporter().read(page)
        assert len(str(caught.value).splitlines()) == 1
