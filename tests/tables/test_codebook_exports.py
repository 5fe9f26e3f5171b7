"""Codebooks as CSV, XLSX, Markdown and Word; CSV and XLSX read back by the codebook importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebooks import merge_codebook, read_codebook
from qualcode.plugins import default_plugins
from qualcode.project import Project

GOLDEN = Path(__file__).parent / "golden"
DERIVED_COLUMNS = "columns a codebook does not have ('themes', 'codings', 'documents')"
CODE_FIELDS = ("color", "definition", "inclusion", "exclusion", "examples", "origin")


def export(project: Project, name: str, path: Path) -> list[str]:
    return default_plugins().exporters.get(name)().write(project, path).lines()


def fields_by_path(project: Project) -> dict[tuple[str, ...], tuple[object, ...]]:
    return {
        project.code_path(code.id): tuple(getattr(code, field) for field in CODE_FIELDS)
        for code in project.codes
    }


@pytest.mark.parametrize("name,suffix", [("codebook-csv", ".csv"), ("codebook-xlsx", ".xlsx")])
def test_export_then_import_gives_the_codebook_back(
    small_project: Project, tmp_path: Path, name: str, suffix: str
) -> None:
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    # the examples and definitions hold formula-looking lines, quotes, commas and line breaks
    out = tmp_path / f"codebook{suffix}"
    assert export(small_project, name, out) == []
    codebook = read_codebook(out)
    assert [(loss.what, loss.count) for loss in codebook.report] == [(DERIVED_COLUMNS, 3)]
    read_back = codebook.project
    origin_missing = {("Clients, contact",)}  # no origin: read as deductive, the importer's default
    expected = fields_by_path(small_project)
    for path in origin_missing:
        expected[path] = (*expected[path][:-1], "deductive")
    assert fields_by_path(read_back) == expected
    # merged into an empty project it is the same code tree
    fresh = Project()
    summary = merge_codebook(fresh, codebook)
    assert summary.codes_added == 3
    assert sorted(fresh.code_path(c.id) for c in fresh.codes) == sorted(expected)


def test_codebook_csv_matches_the_golden_file(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    export(small_project, "codebook-csv", out)
    assert out.read_bytes() == (GOLDEN / "codebook.csv").read_bytes()


def test_what_an_import_would_not_read_back_is_reported(tmp_path: Path) -> None:
    from qualcode.model import Code

    project = Project()
    project.add_code(Code(id="a", name="and/or", examples=("one | two", "three\nfour")))
    lines = export(project, "codebook-csv", tmp_path / "c.csv")
    assert lines == [
        "lost: code names holding '/' (a codebook import reads them as paths) in and/or",
        "lost: examples holding a line break or ' | ' (a codebook import splits them) in and/or",
    ]


def test_codebook_markdown_matches_the_golden_file(small_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "codebook.md"
    assert default_plugins().exporter_for(out) == "codebook-md"
    assert export(small_project, "codebook-md", out) == []
    assert out.read_text(encoding="utf-8") == (GOLDEN / "codebook.md").read_text(encoding="utf-8")


def test_markdown_shows_special_characters_literally() -> None:
    from qualcode.formats.tables.codebook_export import _md

    assert _md("*bold* <b> # not a heading\n- not a list\n2. nor this") == (
        "\\*bold\\* \\<b\\> \\# not a heading  \n\\- not a list  \n2\\. nor this"
    )


def test_codebook_docx_reads_in_python_docx(small_project: Project, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    out = tmp_path / "codebook.docx"
    assert default_plugins().exporter_for(out) == "docx"  # .docx stays the coded transcript
    assert export(small_project, "codebook-docx", out) == []
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == ("Heading 1", "Codebook: Peer work (small)")
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Codebook: Peer work (small)"),
        ("Heading 2", "Work"),
        ("Heading 3", "Humour"),
        ("Heading 2", "Clients, contact"),
        ("Heading 2", "Themes"),
        ("Heading 3", "Coping"),
        ("Heading 3", "Relationships"),
    ]
    texts = [text for _, text in paragraphs]
    assert "Definition: Anything about the job itself." in texts
    assert 'Definition: - laughter, jokes\n- "irony"' in texts  # a line break inside the field
    assert "\u2022 =a formula-looking example" in texts
    assert "Coded: 3 coding(s) in 2 document(s)" in texts
    assert "Codes: Work / Humour; Clients, contact" in texts


def test_codebook_docx_replaces_what_xml_cannot_hold(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from qualcode.model import Code

    project = Project()
    project.add_code(Code(id="a", name="Bell", definition="ring\x07ring"))
    out = tmp_path / "codebook.docx"
    lines = export(project, "codebook-docx", out)
    assert lines == ["lost: characters that XML cannot hold (replaced by U+FFFD) in codebook"]
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Definition: ring\ufffdring" in texts
