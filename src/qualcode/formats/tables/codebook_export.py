"""A project's codebook as a table (for CSV and XLSX), as Markdown and as a Word document.

Each code, in the order of the code tree (a parent before its children), with its path, its
definition, inclusion and exclusion criteria, examples, origin (deductive or inductive), colour,
the themes that group it and how many codings and documents it has. The table's columns are
those :mod:`qualcode.codebooks` reads back (``code`` is the path, ``/`` between names; examples
one per line), followed by ``themes``, ``codings`` and ``documents``, which a codebook import
leaves aside (they come from the project, not the codebook).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

import attrs

from qualcode.analysis.table import Table
from qualcode.losses import LossReport
from qualcode.model import Code, Theme
from qualcode.project import Project

CODEBOOK_COLUMNS = (
    "code",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "origin",
    "color",
    "themes",
    "codings",
    "documents",
)
"""The columns of the codebook table."""

EXAMPLE_SEPARATOR = "\n"
THEME_SEPARATOR = "; "


@attrs.frozen
class CodebookEntry:
    """One code of the codebook with what the exports show of it."""

    code: Code
    path: tuple[str, ...]
    themes: tuple[str, ...]
    codings: int
    documents: int

    @property
    def depth(self) -> int:
        return len(self.path) - 1


def codebook_entries(project: Project) -> list[CodebookEntry]:
    """The codes of ``project`` in tree order, each with its themes and counts."""
    themes: dict[str, list[str]] = defaultdict(list)
    for theme in project.themes:
        for code_id in theme.code_ids:
            themes[code_id].append(theme.name)
    codings: dict[str, int] = defaultdict(int)
    documents: dict[str, set[str]] = defaultdict(set)
    for coding in project.codings:
        codings[coding.code_id] += 1
        documents[coding.code_id].add(coding.document_id)
    return [
        CodebookEntry(
            code,
            project.code_path(code.id),
            tuple(themes.get(code.id, ())),
            codings.get(code.id, 0),
            len(documents.get(code.id, ())),
        )
        for code in _tree_order(project)
    ]


def _tree_order(project: Project) -> Iterator[Code]:
    children: dict[str | None, list[Code]] = defaultdict(list)
    for code in project.codes:
        children[code.parent_id].append(code)
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        yield code
        stack.extend(reversed(children.get(code.id, [])))


def codebook_table(project: Project, report: LossReport | None = None) -> Table:
    """The codebook as a table a codebook import reads back (see the module's note).

    What such an import could not read back as written goes to ``report``: code names holding
    ``/`` (read as a path) and examples holding a line break or `` | `` (read as several).
    """
    report = report if report is not None else LossReport()
    rows = []
    for entry in codebook_entries(project):
        code = entry.code
        if any("/" in name for name in entry.path):
            report.add("code names holding '/' (a codebook import reads them as paths)", code.name)
        if any("\n" in example or " | " in example for example in code.examples):
            report.add(
                "examples holding a line break or ' | ' (a codebook import splits them)",
                code.name,
            )
        rows.append(
            (
                "/".join(entry.path),
                code.definition,
                code.inclusion,
                code.exclusion,
                EXAMPLE_SEPARATOR.join(code.examples),
                code.origin.value if code.origin is not None else "",
                code.color or "",
                THEME_SEPARATOR.join(entry.themes),
                entry.codings,
                entry.documents,
            )
        )
    return Table(CODEBOOK_COLUMNS, rows, title="Codebook")


# -- Markdown -----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LIST_START = re.compile(r"^(\d*)([-+.)])(?=\s|$)")
"""A line start that Markdown would read as a list item: ``- x``, ``+ x``, ``1. x``."""


def _md(text: str) -> str:
    """Text as Markdown shows it literally; line breaks kept as hard breaks."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    lines = [_LIST_START.sub(r"\1\\\2", line.strip()) for line in escaped.split("\n")]
    return "  \n".join(lines)


def codebook_markdown(project: Project) -> str:
    """The codebook as a Markdown page: a heading per code (nested by depth), its fields, then
    the themes with their codes."""
    entries = codebook_entries(project)
    out = [f"# Codebook: {_md(project.name)}", ""]
    out.append(f"{len(entries)} code(s), {len(project.themes)} theme(s).")
    out.append("")
    for entry in entries:
        code = entry.code
        level = min(6, 2 + entry.depth)
        out.append(f"{'#' * level} {_md(code.name)}")
        out.append("")
        for label, value in _fields(entry):
            out.append(f"**{label}:** {_md(value)}")
            out.append("")
        if code.examples:
            out.append("**Examples:**")
            out.append("")
            out.extend(f"- {_md(example)}" for example in code.examples)
            out.append("")
    if project.themes:
        out.append("## Themes")
        out.append("")
        for theme in project.themes:
            out.append(f"### {_md(theme.name)}")
            out.append("")
            for label, value in _theme_fields(project, theme):
                out.append(f"**{label}:** {_md(value)}")
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _fields(entry: CodebookEntry) -> list[tuple[str, str]]:
    """(label, text) of a code's fields that have a value, in the order every export uses."""
    code = entry.code
    fields = [("Path", " / ".join(entry.path))]
    for label, value in (
        ("Definition", code.definition),
        ("Include when", code.inclusion),
        ("Exclude when", code.exclusion),
        ("Origin", code.origin.value if code.origin is not None else ""),
        ("Colour", code.color or ""),
        ("Themes", THEME_SEPARATOR.join(entry.themes)),
    ):
        if value:
            fields.append((label, value))
    fields.append(("Coded", f"{entry.codings} coding(s) in {entry.documents} document(s)"))
    return fields


def _theme_fields(project: Project, theme: Theme) -> list[tuple[str, str]]:
    parent = project.themes.get(theme.parent_id)
    codes = "; ".join(
        " / ".join(project.code_path(c)) for c in theme.code_ids if c in project.codes
    )
    fields = [("Status", theme.status.value)]
    for label, value in (
        ("Part of", parent.name if parent is not None else ""),
        ("Definition", theme.definition),
        ("Codes", codes),
    ):
        if value:
            fields.append((label, value))
    return fields


# -- Word ---------------------------------------------------------------------------------------


def codebook_docx(project: Project, report: LossReport) -> bytes:
    """The codebook as a Word document, laid out as :func:`codebook_markdown`: headings by the
    codes' depth, each field a paragraph with its label in bold, examples one per paragraph.

    Written with qualcode's own .docx writer; characters XML cannot hold are replaced and
    counted in ``report``.
    """
    from qualcode.formats.docx.exporter import _escape_text, _package

    def run(text: str, bold: bool = False) -> str:
        properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
        pieces = []
        for number, line in enumerate(text.split("\n")):
            if number:
                pieces.append("<w:br/>")
            for index, part in enumerate(line.split("\t")):
                if index:
                    pieces.append("<w:tab/>")
                if part:
                    escaped = _escape_text(part, report, "codebook")
                    pieces.append(f'<w:t xml:space="preserve">{escaped}</w:t>')
        return f"<w:r>{properties}{''.join(pieces)}</w:r>"

    def paragraph(*runs: str, heading: int = 0) -> str:
        style = f'<w:pPr><w:pStyle w:val="Heading{min(heading, 9)}"/></w:pPr>' if heading else ""
        return f"<w:p>{style}{''.join(runs)}</w:p>"

    entries = codebook_entries(project)
    body = [
        paragraph(run(f"Codebook: {project.name}"), heading=1),
        paragraph(run(f"{len(entries)} code(s), {len(project.themes)} theme(s).")),
    ]
    for entry in entries:
        body.append(paragraph(run(entry.code.name), heading=2 + entry.depth))
        for label, value in _fields(entry):
            body.append(paragraph(run(f"{label}: ", bold=True), run(value)))
        if entry.code.examples:
            body.append(paragraph(run("Examples:", bold=True)))
            body.extend(paragraph(run(f"\u2022 {example}")) for example in entry.code.examples)
    if project.themes:
        body.append(paragraph(run("Themes"), heading=2))
        for theme in project.themes:
            body.append(paragraph(run(theme.name), heading=3))
            for label, value in _theme_fields(project, theme):
                body.append(paragraph(run(f"{label}: ", bold=True), run(value)))
    return _package("".join(body), [], [])
