"""Hidden text (``w:vanish``) is not what a reader sees: left out of the text, and reported."""

from __future__ import annotations

import io
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from qualcode.api import read
from qualcode.formats.base import ImportResult
from qualcode.model import Document

Writer = Callable[..., Path]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HIDDEN_LOSS = "characters of hidden text (left out)"


def run(text: str, properties: str = "") -> str:
    """A run's XML, with run properties (e.g. ``<w:vanish/>``) when given."""
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def hidden(text: str) -> str:
    return run(text, "<w:vanish/>")


def start(comment_id: int) -> str:
    return f'<w:commentRangeStart w:id="{comment_id}"/>'


def end(comment_id: int) -> str:
    return (
        f'<w:commentRangeEnd w:id="{comment_id}"/>'
        f'<w:r><w:commentReference w:id="{comment_id}"/></w:r>'
    )


def paragraph(*parts: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{''.join(parts)}</w:p>"


def with_styles(path: Path, styles: str) -> Path:
    """Add style definitions (``w:style`` XML) to the styles part of a built file."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                wrapper = etree.fromstring(f'<x xmlns:w="{W}">{styles}</x>')
                root.extend(list(wrapper))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def only(result: ImportResult) -> Document:
    assert len(result.project.documents) == 1
    return next(iter(result.project.documents))


def hidden_count(result: ImportResult) -> int:
    return sum(loss.count for loss in result.report if loss.what == HIDDEN_LOSS)


@pytest.mark.parametrize(
    "vanish",
    [
        "<w:vanish/>",
        '<w:vanish w:val="true"/>',
        '<w:vanish w:val="1"/>',
        '<w:vanish w:val="on"/>',
        '<w:b/><w:vanish w:val="true"/><w:sz w:val="24"/>',
    ],
)
def test_a_hidden_run_is_left_out_and_reported(
    docx: types.ModuleType, write_docx: Writer, vanish: str
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(paragraph(run("We met "), run("SECRET NOTE ", vanish), run("on Monday.")))
    builder.paragraph("Second line.")

    result = read(write_docx(builder))

    assert only(result).text == "We met on Monday.\nSecond line."
    assert hidden_count(result) == len("SECRET NOTE ")
    assert any("hidden text" in line for line in result.report.lines())


@pytest.mark.parametrize(
    "properties",
    [
        '<w:vanish w:val="false"/>',
        '<w:vanish w:val="0"/>',
        '<w:vanish w:val="off"/>',
        "<w:webHidden/>",  # hidden in web layout only: a reader of the page sees it
        "<w:specVanish/>",  # only ever hides a paragraph mark
    ],
)
def test_runs_that_are_not_hidden_are_kept(
    docx: types.ModuleType, write_docx: Writer, properties: str
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(paragraph(run("We met "), run("in town ", properties), run("on Monday.")))

    result = read(write_docx(builder))

    assert only(result).text == "We met in town on Monday."
    assert hidden_count(result) == 0


def test_hidden_tabs_breaks_and_symbols_count_and_stay_out(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("a"),
            "<w:r><w:rPr><w:vanish/></w:rPr><w:tab/><w:t>xy</w:t><w:br/>"
            '<w:sym w:font="Wingdings" w:char="F04A"/></w:r>',
            run("b"),
        )
    )
    builder.table([["visible", "cell"]])
    builder.raw(
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>left</w:t></w:r></w:p></w:tc><w:tc><w:p>"
        + hidden("gone")
        + "<w:r><w:t>right</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )

    result = read(write_docx(builder))

    assert only(result).text == "ab\nvisible\tcell\nleft\tright"
    assert hidden_count(result) == 5 + 4


def test_comment_positions_stay_on_the_visible_text(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("R: "),
            hidden("[inaudible 00:01] "),
            start(1),
            run("The waiting "),
            hidden("(sighs) "),
            run("was endless"),
            end(1),
            run(" but "),
            start(2),
            hidden("hidden start "),
            run("staff were kind"),
            hidden(" hidden end"),
            end(2),
            run("."),
        )
    )
    builder.comment(1, "Barriers")
    builder.comment(2, "Support")

    result = read(write_docx(builder))
    project = result.project

    assert only(result).text == "R: The waiting was endless but staff were kind."
    quotes = sorted((project.code_path(c.code_id), project.quote(c)) for c in project.codings)
    assert quotes == [(("Barriers",), "The waiting was endless"), (("Support",), "staff were kind")]


def test_a_comment_wholly_inside_hidden_text_codes_nothing_and_is_reported(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("Before "),
            hidden("x "),
            start(3),
            hidden("only hidden words"),
            end(3),
            hidden(" y"),
            run("after."),
        )
    )
    builder.comment(3, "Trust")

    result = read(write_docx(builder))
    project = result.project

    assert only(result).text == "Before after."
    assert list(project.codings) == []
    memos = list(project.memos)
    assert [(m.text, m.start, m.end) for m in memos] == [("Trust", 7, 7)]
    assert any("comment 3 covers no text" in warning for warning in result.report.warnings)


def test_hidden_highlighted_text_is_not_coded(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("seen ", '<w:highlight w:val="yellow"/>'),
            run("unseen", '<w:highlight w:val="green"/><w:vanish/>'),
        )
    )

    result = read(write_docx(builder), highlights="all")
    project = result.project

    assert only(result).text == "seen "
    assert sorted(project.code_path(c.code_id) for c in project.codings) == [
        ("Highlights", "yellow")
    ]


def test_a_hidden_footnote_reference_hides_its_note(
    docx: types.ModuleType, write_docx: Writer
) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("Shown"),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
            run(" and hidden"),
            '<w:r><w:rPr><w:vanish/></w:rPr><w:footnoteReference w:id="2"/></w:r>',
            run("."),
        )
    )
    builder.note("footnote", 1, "A note.")
    builder.note("footnote", 2, "A hidden note.")

    result = read(write_docx(builder))

    assert only(result).text == "Shown[1] and hidden.\n[1] A note."


CHARACTER_STYLES = """
<w:style w:type="character" w:styleId="Secret">
  <w:name w:val="Secret"/><w:rPr><w:vanish/></w:rPr>
</w:style>
<w:style w:type="character" w:styleId="SecretNote">
  <w:name w:val="Secret note"/><w:basedOn w:val="Secret"/><w:rPr><w:i/></w:rPr>
</w:style>
<w:style w:type="character" w:styleId="Emphasis">
  <w:name w:val="Emphasis"/><w:rPr><w:i/><w:vanish w:val="false"/></w:rPr>
</w:style>
"""


def test_a_character_style_can_hide_text(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.raw(
        paragraph(
            run("one ", '<w:rStyle w:val="Secret"/>'),
            run("two ", '<w:rStyle w:val="SecretNote"/>'),  # based on a hidden style
            run("three ", '<w:rStyle w:val="Secret"/><w:vanish w:val="0"/>'),  # direct wins
            run("four ", '<w:rStyle w:val="Emphasis"/>'),
            run("five", '<w:rStyle w:val="Undefined"/>'),
        )
    )

    result = read(with_styles(write_docx(builder), CHARACTER_STYLES))

    assert only(result).text == "three four five"
    assert hidden_count(result) == len("one two ")


PARAGRAPH_STYLES = """
<w:style w:type="paragraph" w:styleId="Instructions">
  <w:name w:val="Instructions"/><w:basedOn w:val="Normal"/><w:rPr><w:vanish/></w:rPr>
</w:style>
"""


def test_a_paragraph_style_can_hide_its_runs(docx: types.ModuleType, write_docx: Writer) -> None:
    builder = docx.DocxBuilder()
    builder.paragraph("Interviewer: Hello.")
    builder.raw(
        paragraph(
            run("Ask about work. "),
            run("Shown anyway.", '<w:vanish w:val="false"/>'),
            # vanish toggles: a hidden character style in a hidden paragraph style shows
            run(" Toggled back.", '<w:rStyle w:val="Secret"/>'),
            style="Instructions",
        )
    )
    builder.paragraph("Ana: Hi.")

    result = read(with_styles(write_docx(builder), PARAGRAPH_STYLES + CHARACTER_STYLES))

    assert only(result).text == "Interviewer: Hello.\nShown anyway. Toggled back.\nAna: Hi."
    assert hidden_count(result) == len("Ask about work. ")
