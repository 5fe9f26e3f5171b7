"""An HTML tree as the text a reader sees, with its paragraphs.

Block elements become lines, table rows become lines of tab-separated cells, ``<br>`` breaks a
line, and runs of HTML whitespace collapse to one space as a browser shows them (``<pre>`` keeps its
whitespace). Hidden things (``<head>``, scripts, styles, templates, ``hidden`` elements) are left
out. Each non-empty line is recorded as a :class:`~qualcode.model.Paragraph` whose style is the tag
of the block it belongs to; headings carry their level.
"""

from __future__ import annotations

import re
from collections import Counter

import attrs
from lxml import html

from qualcode import Paragraph


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


BLOCKS = _tags(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav "
    "ol p pre section summary table tbody tfoot thead tr ul"
)
"""Elements a browser lays out as blocks (each starts and ends a line)."""

HIDDEN = _tags("head script style template noscript title meta link base")
"""Elements whose content a reader does not see."""

CELLS = frozenset(("td", "th"))
SEPARATED = _tags("option optgroup")
"""Inline elements set apart from their neighbours by a space (a list's options)."""
HEADINGS = {f"h{level}": level for level in range(1, 7)}
EMBEDDED = _tags("img picture video audio iframe object embed canvas svg math")
"""Elements whose content cannot become text; the importer reports them as losses."""

_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace; U+00A0 (&nbsp;) is not among it


@attrs.frozen
class Rendered:
    """The canonical text of an HTML document, its paragraphs, and the tags it could not carry."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    skipped: Counter[str]


class _Writer:
    """Collects text line by line, collapsing whitespace and emitting line breaks lazily."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.paragraphs: list[Paragraph] = []
        self.line_start = 0
        self.line_has_text = False
        self.line_style = ""
        self.line_in_table = False
        self.space_allowed = False
        """Whether a collapsed space may follow what was written last (not at a line start)."""
        self.pending_space = False
        self.pending_breaks = 0
        self.blocks: list[str] = []
        """Open block elements, innermost last (gives a line its style)."""
        self.rows: list[int] = []
        """For each open table row, innermost last: how many cells it has had."""
        self.cell_depth = 0

    def _put(self, text: str) -> None:
        if not self.line_has_text:
            if self.pending_breaks and self.length:
                self.parts.append("\n" * self.pending_breaks)
                self.length += self.pending_breaks
            self.pending_breaks = 0
            self.line_start = self.length
            self.line_has_text = True
            self.line_in_table = bool(self.rows)
            self.line_style = "tr" if self.rows else (self.blocks[-1] if self.blocks else "")
        elif self.pending_space:
            self.parts.append(" ")
            self.length += 1
        self.pending_space = False
        self.parts.append(text)
        self.length += len(text)

    def words(self, raw: str) -> None:
        """Inline text, with whitespace collapsed as a browser does."""
        text = _SPACES.sub(" ", raw)
        if text.startswith(" ") and self.space_allowed:
            self.pending_space = True
        text = text.strip(" ")
        if text:
            self._put(text)
            self.space_allowed = True
            self.pending_space = raw[-1] in " \t\n\r\f"

    def verbatim(self, raw: str) -> None:
        """Preformatted text: spaces kept, each newline a line break."""
        lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for index, piece in enumerate(lines):
            if index:
                self.line_break()
            if piece:
                self._put(piece)
                self.space_allowed = False

    def end_line(self) -> None:
        """Close the current line (if it has text) and record it as a paragraph."""
        if self.line_has_text:
            self.paragraphs.append(
                Paragraph(
                    start=self.line_start,
                    end=self.length,
                    style=self.line_style,
                    heading_level=HEADINGS.get(self.line_style, 0),
                    in_table=self.line_in_table,
                )
            )
            self.line_has_text = False
            self.pending_breaks = max(self.pending_breaks, 1)
        self.pending_space = self.space_allowed = False

    def line_break(self) -> None:
        """A ``<br>``: ends the line; a second one in a row leaves an empty line."""
        if self.cell_depth:  # a table row stays one line
            self.pending_space = self.space_allowed
        elif self.line_has_text:
            self.end_line()
        elif self.length:
            self.pending_breaks += 1

    def block_edge(self) -> None:
        """The start or end of a block element."""
        if self.cell_depth:
            self.pending_space = self.space_allowed
        else:
            self.end_line()

    def open_cell(self) -> None:
        """A ``<td>`` or ``<th>``: a tab before every cell of a row but the first.

        The first cell of a table nested in a cell keeps the space that the nested table's edge
        left after the outer cell's text, so the two do not run together.
        """
        if self.rows:
            if self.rows[-1]:
                self.pending_space = False
                self._put("\t")
            self.rows[-1] += 1
        if not self.cell_depth:
            self.pending_space = False
        self.space_allowed = False
        self.cell_depth += 1

    def close_cell(self) -> None:
        self.cell_depth = max(0, self.cell_depth - 1)
        self.pending_space = False
        # Inside an outer cell, the edges of the nested table's rows separate what follows.
        self.space_allowed = bool(self.cell_depth) and self.line_has_text

    def separate(self) -> None:
        """An inline element whose content a browser never shows run into its neighbour's."""
        self.pending_space = self.space_allowed


def render(root: html.HtmlElement) -> Rendered:
    """The text a reader sees in the document rooted at ``root``."""
    writer = _Writer()
    skipped: Counter[str] = Counter()
    preformatted = 0
    stack: list[tuple[html.HtmlElement, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if closing:
            preformatted -= tag == "pre"
            _close(writer, tag)
        elif not tag or tag in HIDDEN or element.get("hidden") is not None:
            pass  # comments, processing instructions and hidden elements: only their tail shows
        else:
            if tag in EMBEDDED:
                skipped[tag] += 1
            _open(writer, tag)
            preformatted += tag == "pre"
            if element.text:
                _write(writer, element.text, preformatted, first_in_pre=tag == "pre")
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
            continue
        if element.tail and element is not root:
            _write(writer, element.tail, preformatted, first_in_pre=False)
    writer.end_line()
    return Rendered("".join(writer.parts), tuple(writer.paragraphs), skipped)


def _write(writer: _Writer, text: str, preformatted: int, *, first_in_pre: bool) -> None:
    if not preformatted:
        writer.words(text)
        return
    if first_in_pre and text.startswith("\n"):  # HTML drops one newline right after <pre>
        text = text[1:]
    writer.verbatim(text)


def _open(writer: _Writer, tag: str) -> None:
    if tag == "br":
        writer.line_break()
    elif tag in CELLS:
        writer.open_cell()
    elif tag in SEPARATED:
        writer.separate()
    elif tag in BLOCKS:
        writer.block_edge()
        writer.blocks.append(tag)
        if tag == "tr":
            writer.rows.append(0)


def _close(writer: _Writer, tag: str) -> None:
    if tag in CELLS:
        writer.close_cell()
    elif tag in SEPARATED:
        writer.separate()
    elif tag in BLOCKS:
        if tag == "tr" and writer.rows:
            writer.rows.pop()
        if writer.blocks and writer.blocks[-1] == tag:
            writer.blocks.pop()
        writer.block_edge()
