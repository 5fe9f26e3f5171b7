"""The text and paragraphs the html importer makes from pages we write here."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qualcode_html import HtmlImporter

from qualcode import Document, Paragraph
from qualcode.errors import OptionError, ParseError, TextEncodingError
from qualcode.formats.base import ImportResult
from qualcode.testing import check_importer

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Not shown</title>
  <style>p { color: red; }</style>
  <script>document.write("<p>nor this</p>");</script>
</head>
<body>
  <h1>  Peer   work </h1>
  <p>Training was <b>short</b>,
     and   <i>useful</i>.</p>
  <h2>Boundaries &amp; self-care</h2>
  <ul>
    <li>Say&nbsp;no</li>
    <li> Ask for
         supervision </li>
  </ul>
  <script>var hidden = "<li>script text</li>";</script>
  <!-- a comment -->
  <p>Café 日本 😀 &eacute; &#x2014; &lt;tag&gt;</p>
</body>
</html>
"""


def read(tmp_path: Path, content: str | bytes, name: str = "page.html") -> ImportResult:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return check_importer(HtmlImporter, path)


def only_document(result: ImportResult) -> Document:
    (document,) = result.project.documents
    return document


def lines(document: Document) -> list[str]:
    return [document.text[p.start : p.end] for p in document.paragraphs]


def test_text_is_what_a_reader_sees(tmp_path: Path) -> None:
    document = only_document(read(tmp_path, PAGE))
    assert document.text == (
        "Peer work\n"
        "Training was short, and useful.\n"
        "Boundaries & self-care\n"
        "Say\u00a0no\n"
        "Ask for supervision\n"
        "Café 日本 😀 é \u2014 <tag>"
    )
    assert document.name == "page"


def test_headings_are_paragraphs_with_their_level(tmp_path: Path) -> None:
    document = only_document(read(tmp_path, PAGE))
    headings = [p for p in document.paragraphs if p.heading_level]
    assert headings == [
        Paragraph(0, 9, style="h1", heading_level=1),
        Paragraph(42, 64, style="h2", heading_level=2),
    ]
    assert [document.text[p.start : p.end] for p in headings] == [
        "Peer work",
        "Boundaries & self-care",
    ]
    assert [p.style for p in document.paragraphs] == ["h1", "p", "h2", "li", "li", "p"]


def test_spans_are_code_points(tmp_path: Path) -> None:
    document = only_document(read(tmp_path, "<p>😀 ok</p><p>日本</p>"))
    assert lines(document) == ["😀 ok", "日本"]
    assert document.paragraphs[1] == Paragraph(5, 7, style="p")


def test_table_rows_are_lines_of_tab_separated_cells(tmp_path: Path) -> None:
    page = """<table>
      <thead><tr><th> Worker </th><th>Wave</th><th>Note</th></tr></thead>
      <tbody>
        <tr><td>PN1</td><td>1</td><td>first <br> visit</td></tr>
        <tr><td>PN2</td><td></td><td><p>two</p><p>blocks</p></td></tr>
      </tbody>
    </table><p>after</p>"""
    document = only_document(read(tmp_path, page))
    assert document.text == "Worker\tWave\tNote\nPN1\t1\tfirst visit\nPN2\t\ttwo blocks\nafter"
    assert [(p.style, p.in_table) for p in document.paragraphs] == [
        ("tr", True),
        ("tr", True),
        ("tr", True),
        ("p", False),
    ]


def test_line_breaks_and_nested_blocks(tmp_path: Path) -> None:
    page = (
        "<div>outer<div>inner</div>tail</div>"
        "<blockquote>quoted<br>lines</blockquote>"
        "<p>one<br><br>two<br></p><p>three</p>"
    )
    document = only_document(read(tmp_path, page))
    assert document.text == "outer\ninner\ntail\nquoted\nlines\none\n\ntwo\nthree"
    assert [p.style for p in document.paragraphs] == [
        "div",
        "div",
        "div",
        "blockquote",
        "blockquote",
        "p",
        "p",
        "p",
    ]


def test_inline_whitespace_collapses_between_elements(tmp_path: Path) -> None:
    page = "<p>  a<b>b</b> <i> c </i>\n\t d  </p><p>e<span>f</span></p>"
    assert only_document(read(tmp_path, page)).text == "ab c d\nef"


def test_pre_keeps_its_whitespace(tmp_path: Path) -> None:
    page = "<p>before</p><pre>\n  two  spaces\n\tand a tab\n</pre><p>after</p>"
    document = only_document(read(tmp_path, page))
    assert document.text == "before\n  two  spaces\n\tand a tab\nafter"
    assert [p.style for p in document.paragraphs] == ["p", "pre", "pre", "p"]


def test_hidden_content_is_left_out(tmp_path: Path) -> None:
    page = (
        "<body><template><p>template</p></template><noscript>enable js</noscript>"
        "<div hidden>secret</div><p>shown<style>.x{}</style> here</p></body>"
    )
    assert only_document(read(tmp_path, page)).text == "shown here"


def test_embedded_content_is_reported_lost(tmp_path: Path) -> None:
    page = '<p>a picture <img src="x.png" alt="x"> and <img src="y.png"></p><video></video>'
    result = read(tmp_path, page)
    assert only_document(result).text == "a picture and"
    assert [(loss.what, loss.count) for loss in result.report] == [
        ("<img> content (not text)", 2),
        ("<video> content (not text)", 1),
    ]


def test_a_plain_page_is_lossless(tmp_path: Path) -> None:
    assert read(tmp_path, PAGE).report.lossless


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b"")],
)
def test_byte_order_marks_decide_the_encoding(tmp_path: Path, encoding: str, bom: bytes) -> None:
    page = "<p>Ærø — 日本 😀</p>"
    if not bom:  # UTF-16 without a byte order mark cannot be told from binary: an error
        with pytest.raises(ParseError, match=r"page\.html"):
            read(tmp_path, page.encode(encoding))
        return
    document = only_document(read(tmp_path, bom + page.encode(encoding)))
    assert document.text == "Ærø — 日本 😀"
    assert document.text_origin is not None
    assert (document.text_origin.encoding, document.text_origin.had_bom) == (encoding, True)


def test_meta_charset_decides_the_encoding(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>café “quoted”</p></body>'
    document = only_document(read(tmp_path, page.encode("cp1252")))
    assert document.text == "café “quoted”"
    legacy = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>\x80</p>'
    # HTML reads ISO-8859-1 pages as windows-1252, where 0x80 is the euro sign
    assert only_document(read(tmp_path, legacy.encode("latin-1"), "old.htm")).text == "€"


def test_kind_option(tmp_path: Path) -> None:
    path = tmp_path / "diary.html"
    path.write_text("<p>Day one</p>", encoding="utf-8")
    result = check_importer(HtmlImporter, path, kind="diary")
    assert only_document(result).kind.value == "diary"
    with pytest.raises(OptionError, match="field_note"):
        HtmlImporter().read(path, kind="poem")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cannot decode"),
        (b"just some words, no markup at all", "not an HTML file"),
        (b"", "not an HTML file"),
        (b"<p>nul\x00byte</p>", "not an HTML file"),
        (b'<meta charset="klingon"><p>x</p>', "unknown encoding"),
    ],
)
def test_bad_input_is_a_parse_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=message) as caught:
        HtmlImporter().read(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content


def test_undecodable_text_is_a_text_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.html"
    path.write_bytes("<p>café</p>".encode("latin-1"))
    with pytest.raises(TextEncodingError, match="utf-8"):
        HtmlImporter().read(path)


def test_entities_are_only_htmls_own(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    page = (
        f'<!DOCTYPE html [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>'
        "<p>&secret; &amp; &copy; &notin; &unknownentity;</p>"
    )
    text = only_document(read(tmp_path, page)).text
    assert "TOP-SECRET" not in text
    assert text.endswith("&secret; & © ∉ &unknownentity;")


def test_sniff_recognises_html_without_an_extension(tmp_path: Path) -> None:
    assert HtmlImporter.sniff(tmp_path / "x", b"\xef\xbb\xbf\n  <!DOCTYPE HTML>\n<html>")
    assert HtmlImporter.sniff(tmp_path / "x", b"<html><body>")
    assert not HtmlImporter.sniff(tmp_path / "x", b'{"format": "qualcode"}')
    assert not HtmlImporter.sniff(tmp_path / "x", b"plain words")


_FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<h3>", "</h3>", "<br>", "<li>", "<table>", "<tr>",
        "<td>", "</td>", "</tr>", "</table>", "<pre>", "</pre>", "<b>", "</b>", "<script>",
        "</script>", "&amp;", "&nbsp;", " ", "\n", "\t", "word", "日本", "😀", "<!-- c -->",
    ]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=5)), max_size=40))
def test_any_markup_gives_a_sound_document(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "random.html"
    path.write_text("<html><body>" + "".join(pieces), encoding="utf-8")
    try:
        result = HtmlImporter().read(path)
    except ParseError:
        return  # a clear error is an acceptable answer; anything else would fail the test
    document = only_document(result)
    assert not result.project.check()
    previous_end = 0
    for paragraph in document.paragraphs:
        line = document.text[paragraph.start : paragraph.end]
        assert previous_end <= paragraph.start < paragraph.end <= len(document.text)
        assert line and "\n" not in line
        previous_end = paragraph.end
    covered = sum(p.end - p.start for p in document.paragraphs)
    assert covered + document.text.count("\n") == len(document.text)


@pytest.mark.parametrize("depth", [255, 257, 300, 2000])
def test_deeply_nested_text_is_kept(tmp_path: Path, depth: int) -> None:
    # libxml2 stops at 256 levels by default and drops the rest of the page without a word
    page = "<p>BEFORE</p>" + "<div>" * depth + "DEEP" + "</div>" * depth + "<p>AFTER</p>"
    result = read(tmp_path, page)
    assert only_document(result).text == "BEFORE\nDEEP\nAFTER"
    assert result.report.lossless


def test_a_very_long_text_run_is_kept(tmp_path: Path) -> None:
    # libxml2 stops at a text run of ten million characters by default
    long = "x" * 10_000_001
    result = read(tmp_path, f"<p>BEFORE</p><p>{long}</p><p>AFTER</p>")
    assert only_document(result).text == f"BEFORE\n{long}\nAFTER"
    assert result.report.lossless


def test_where_the_parser_still_gives_up_the_loss_is_reported(tmp_path: Path) -> None:
    depth = 3000  # beyond even huge_tree's limit of 2048 levels
    page = "<p>BEFORE</p>\n" + "<div>" * depth + "DEEP" + "</div>" * depth + "<p>AFTER</p>"
    result = read(tmp_path, page)
    assert only_document(result).text == "BEFORE"
    (loss,) = result.report
    assert loss.what.startswith("the rest of the page from line 2 (the HTML parser stopped:")
    assert "2048" in loss.what
    assert "XML_PARSE_HUGE" not in loss.what
    assert loss.where == "page.html"


def test_deep_pages_still_resolve_no_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    page = (
        f'<!DOCTYPE html SYSTEM "{secret.as_uri()}" [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
        + "<div>" * 500
        + "<p>&s;</p>"
        + "</div>" * 500
    )
    text = only_document(read(tmp_path, page)).text
    assert "TOP-SECRET" not in text
    assert text.endswith("&s;")


def test_a_table_in_a_cell_is_set_apart_from_the_cells_text(tmp_path: Path) -> None:
    page = (
        "<table><tr><td>Outer<table><tr><td>inner1</td><td>inner2</td></tr>"
        "<tr><td>inner3</td></tr></table>tail</td><td>next</td></tr></table>"
        "<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td><td>c</td></tr></table>"
    )
    document = only_document(read(tmp_path, page))
    assert lines(document) == ["Outer inner1\tinner2 inner3 tail\tnext", "a\tb\tc"]


def test_options_of_a_list_are_separate_words(tmp_path: Path) -> None:
    page = (
        "<p>Pick<select><option>opt1</option><option>opt2</option>"
        "<optgroup label='g'><option>opt3</option></optgroup></select>then go</p>"
    )
    assert only_document(read(tmp_path, page)).text == "Pick opt1 opt2 opt3 then go"
