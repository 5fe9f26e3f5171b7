"""The canonical text of a Word document: what a reader sees, one line per paragraph.

The rules (documented for users in ``docs/howto/coding-in-word.md``):

- Each body paragraph is one line; lines are joined with ``\\n`` (empty paragraphs are empty lines).
- A table row is one line, its cells joined by a tab; several paragraphs inside one cell are
  joined by a space, and so are the cells of a table nested in a cell.
- Inside a paragraph, ``w:tab`` is a tab and ``w:br``/``w:cr`` (line, page or column break) a line
  feed; a non-breaking hyphen is U+2011 and a symbol (``w:sym``) its character.
- Tracked changes are read as if accepted: inserted and moved-to text is included, deleted and
  moved-from text (``w:del``, ``w:moveFrom``) and deleted table rows are left out, and a paragraph
  whose mark was deleted runs on into the next one.
- Footnotes and endnotes (rule ``end``, the default): each reference in the text becomes a label
  (``[1]``, ``[2]`` ... for footnotes, ``[i]``, ``[ii]`` ... for endnotes, numbered in order of
  reference), and after the body the referenced footnotes, then endnotes, follow in that order,
  each as its own line(s) starting with its label. With the rule ``omit`` the labels and the
  notes are left out.
- Headers, footers, comments' own text, field instructions, drawings, pictures, text boxes and
  equations are not part of the text (the import report counts what was skipped).
- Hidden text (``w:vanish``) is left out, and the import report counts its characters. A run is
  hidden by its own properties (``w:vanish``, or ``w:val="false"`` to show it whatever its
  styles say) or, when they say nothing, by its character style and its paragraph's style
  (see :class:`HiddenStyles`). ``w:webHidden`` (hidden in web layout only) and ``w:specVanish``
  (which only hides a paragraph mark) do not hide text; a hidden paragraph mark does not join
  its paragraph to the next one.

Characters are kept exactly (no Unicode normalisation, no quote or dash substitution), so offsets
into this text are stable. While walking, the positions of comment anchors and highlighted runs are
recorded for :mod:`qualcode.formats.docx.comments`.
"""

from __future__ import annotations

import enum
from collections import Counter

import attrs
from lxml import etree

from qualcode.formats.docx.package import MC, W

MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, R_, T, TAB, BR, CR = _w("p"), _w("r"), _w("t"), _w("tab"), _w("br"), _w("cr")
TBL, TR, TC, PPR, RPR = _w("tbl"), _w("tr"), _w("tc"), _w("pPr"), _w("rPr")
SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG = (
    _w("sdt"),
    _w("sdtContent"),
    _w("customXml"),
    _w("smartTag"),
)
HYPERLINK, FLD_SIMPLE, DIR, BDO = _w("hyperlink"), _w("fldSimple"), _w("dir"), _w("bdo")
INS, DEL, MOVE_TO, MOVE_FROM = _w("ins"), _w("del"), _w("moveTo"), _w("moveFrom")
TR_PR = _w("trPr")
COMMENT_START, COMMENT_END = _w("commentRangeStart"), _w("commentRangeEnd")
COMMENT_REFERENCE = _w("commentReference")
FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE = _w("footnoteReference"), _w("endnoteReference")
FOOTNOTE_REF, ENDNOTE_REF = _w("footnoteRef"), _w("endnoteRef")
NO_BREAK_HYPHEN, SYM = _w("noBreakHyphen"), _w("sym")
HIGHLIGHT, PSTYLE, OUTLINE_LVL = _w("highlight"), _w("pStyle"), _w("outlineLvl")
VANISH, RSTYLE = _w("vanish"), _w("rStyle")
DRAWING, PICT, OBJECT = _w("drawing"), _w("pict"), _w("object")
ALTERNATE_CONTENT = f"{{{MC}}}AlternateContent"
VAL, ID, TYPE, CHAR = _w("val"), _w("id"), _w("type"), _w("char")

_INLINE_CONTAINERS = frozenset(
    {HYPERLINK, SMART_TAG, CUSTOM_XML, INS, MOVE_TO, FLD_SIMPLE, DIR, BDO}
)
_BLOCK_CONTAINERS = frozenset({CUSTOM_XML, INS, MOVE_TO})
_REMOVED = frozenset({DEL, MOVE_FROM})
_NOT_TEXT = {
    DRAWING: "drawings and pictures",
    PICT: "drawings and pictures",
    OBJECT: "embedded objects",
    ALTERNATE_CONTENT: "drawings and text boxes",
    f"{{{MATH}}}oMath": "equations",
    f"{{{MATH}}}oMathPara": "equations",
}


_OFF = frozenset({"0", "false", "off", "no"})


def on_off(element: etree._Element) -> bool:
    """The value of an on/off property such as ``<w:vanish/>`` (no ``w:val`` means on)."""
    return element.get(VAL, "").strip().lower() not in _OFF


@attrs.frozen
class HiddenStyles:
    """The styles under which a run's text is hidden (``w:vanish`` in their run properties).

    ``w:vanish`` is a toggle property: in the style hierarchy each style (and each style it is
    based on) that sets it toggles it, so a run whose own properties do not say is hidden when
    exactly one of its paragraph's style and its character style is in these sets. A paragraph
    without a style uses the default paragraph style, listed here under ``""``.
    """

    paragraph: frozenset[str] = frozenset()
    character: frozenset[str] = frozenset()


class NotesRule(enum.StrEnum):
    """What happens to footnotes and endnotes."""

    END = "end"
    """Labels in the text, the notes after the body."""
    OMIT = "omit"
    """No labels, no notes."""


@attrs.define
class RawParagraph:
    """A line of the canonical text and the paragraph properties it came with."""

    start: int
    end: int
    style_id: str = ""
    outline_level: int | None = None
    in_table: bool = False


@attrs.define
class Layout:
    """The canonical text and what was found where while reading it."""

    text: str
    paragraphs: list[RawParagraph]
    comment_starts: dict[str, int]
    comment_ends: dict[str, int]
    comment_references: dict[str, int]
    highlights: list[tuple[int, int, str]]
    skipped: Counter[str]
    hidden_characters: int = 0
    """How many characters of hidden text were left out."""


@attrs.define
class _Note:
    kind: str  # "footnote" or "endnote"
    note_id: str
    label: str


class _Walker:
    """One pass over the body (and the notes), appending text and recording positions."""

    def __init__(self, notes: NotesRule, hidden: HiddenStyles) -> None:
        self.notes_rule = notes
        self.hidden_styles = hidden
        self.paragraph_hidden = False
        self.may_hide = True
        """Whether any run may be hidden (else :meth:`hidden` is not asked)."""
        self.hidden_characters = 0
        self.parts: list[str] = []
        self.pos = 0
        self.lines = 0
        self.join_next = False
        self.paragraphs: list[RawParagraph] = []
        self.starts: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        self.references: dict[str, int] = {}
        self.pending_starts: list[str] = []
        self.highlights: list[tuple[int, int, str]] = []
        self.skipped: Counter[str] = Counter()
        self.notes: list[_Note] = []
        self.in_note = False
        self.mark_label = ""
        self.prefix_label = ""

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.pos += len(text)

    def new_line(self) -> bool:
        """Start a line; False when the previous paragraph runs on (its mark was deleted)."""
        if self.join_next:
            self.join_next = False
            return False
        if self.lines:
            self.emit("\n")
        self.lines += 1
        for comment_id in self.pending_starts:
            self.starts[comment_id] = self.pos
        self.pending_starts.clear()
        return True

    # -- blocks ----------------------------------------------------------------------------

    def block(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == P:
                self.body_paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.block(content)
            elif tag in _BLOCK_CONTAINERS:
                self.block(child)
            elif tag in _REMOVED:
                self.removed(child)
            elif tag == COMMENT_START:
                self.pending_starts.append(child.get(ID, ""))
            elif tag == COMMENT_END:
                self.ends[child.get(ID, "")] = self.pos
            elif tag in _NOT_TEXT:
                self.skipped[_NOT_TEXT[tag]] += 1

    def body_paragraph(self, paragraph: etree._Element) -> None:
        fresh = self.new_line()
        start = self.pos
        style_id, outline, mark_deleted = _paragraph_properties(paragraph)
        self.paragraph_hidden = style_id in self.hidden_styles.paragraph
        if self.prefix_label:
            self.emit(self.prefix_label + " ")
            self.prefix_label = ""
        self.inline(paragraph)
        if mark_deleted:
            self.join_next = True
        if fresh or not self.paragraphs:
            self.paragraphs.append(RawParagraph(start, self.pos, style_id, outline))
        else:
            self.paragraphs[-1].end = self.pos

    def table(self, table: etree._Element) -> None:
        for row in _rows(table):
            if row.tag == COMMENT_START:  # a comment that starts at the next row
                self.pending_starts.append(row.get(ID, ""))
                continue
            if row.tag == COMMENT_END:
                self.ends[row.get(ID, "")] = self.pos
                continue
            if _row_deleted(row):
                continue
            self.join_next = False
            self.new_line()
            start = self.pos
            first_style = ""
            for index, cell in enumerate(_cells(row)):
                if index:
                    self.emit("\t")
                style = self.cell(cell)
                if index == 0:
                    first_style = style
            self.paragraphs.append(RawParagraph(start, self.pos, first_style, None, True))

    def cell(self, cell: etree._Element) -> str:
        """Write a cell's paragraphs joined by spaces; returns its first paragraph's style."""
        first_style = ""
        written = 0
        for child in _cell_blocks(cell):
            if child.tag == P:
                if written:
                    self.emit(" ")
                style_id = _paragraph_properties(child)[0]
                if not written:
                    first_style = style_id
                self.paragraph_hidden = style_id in self.hidden_styles.paragraph
                self.inline(child)
                written += 1
            elif child.tag == TBL:
                for row in _rows(child):
                    if row.tag != TR or _row_deleted(row):
                        continue
                    for inner in _cells(row):
                        if written:
                            self.emit(" ")
                        self.cell(inner)
                        written += 1
            elif child.tag == COMMENT_START:
                self.starts[child.get(ID, "")] = self.pos
            elif child.tag == COMMENT_END:
                self.ends[child.get(ID, "")] = self.pos
        return first_style

    # -- inline content --------------------------------------------------------------------

    def inline(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == R_:
                self.run(child)
            elif tag in _INLINE_CONTAINERS:
                self.inline(child)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content)
            elif tag == COMMENT_START:
                self.starts[child.get(ID, "")] = self.pos
            elif tag == COMMENT_END:
                self.ends[child.get(ID, "")] = self.pos
            elif tag in _REMOVED:
                self.removed(child)
            elif tag in _NOT_TEXT:
                self.skipped[_NOT_TEXT[tag]] += 1

    def removed(self, element: etree._Element) -> None:
        """Deleted content adds no text; comment anchors inside it stay where it was."""
        for marker in element.iter(COMMENT_START, COMMENT_END):
            target = self.starts if marker.tag == COMMENT_START else self.ends
            target[marker.get(ID, "")] = self.pos

    def run(self, run: etree._Element) -> None:
        if self.may_hide and self.hidden(run):
            self.hidden_run(run)
            return
        start = self.pos
        colour = ""
        for child in run:
            tag = child.tag
            if tag == T:
                text = child.text
                if text:
                    self.parts.append(text)
                    self.pos += len(text)
            elif tag == TAB:
                self.emit("\t")
            elif tag in (BR, CR):
                self.emit("\n")
            elif tag == RPR:
                mark = child.find(HIGHLIGHT)
                if mark is not None:
                    value = mark.get(VAL, "")
                    colour = "" if value == "none" else value
            elif tag == NO_BREAK_HYPHEN:
                self.emit("\u2011")
            elif tag == SYM:
                self.emit(_symbol(child.get(CHAR, "")))
            elif tag == COMMENT_REFERENCE:
                self.references.setdefault(child.get(ID, ""), self.pos)
            elif tag == FOOTNOTE_REFERENCE:
                self.note_reference("footnote", child.get(ID, ""))
            elif tag == ENDNOTE_REFERENCE:
                self.note_reference("endnote", child.get(ID, ""))
            elif tag in (FOOTNOTE_REF, ENDNOTE_REF):
                if self.mark_label:
                    self.emit(self.mark_label)
                    self.mark_label = ""
            elif tag in _NOT_TEXT:
                self.skipped[_NOT_TEXT[tag]] += 1
        if colour and self.pos > start:
            self.highlights.append((start, self.pos, colour))

    def hidden(self, run: etree._Element) -> bool:
        """Whether a run's text is hidden: its own ``w:vanish``, else its styles' (toggled)."""
        properties = run.find(RPR)
        style_id = ""
        if properties is not None:
            for child in properties:
                if child.tag == VANISH:
                    return on_off(child)  # direct formatting is absolute
                if child.tag == RSTYLE:
                    style_id = child.get(VAL, "")
        return self.paragraph_hidden != (style_id in self.hidden_styles.character)

    def hidden_run(self, run: etree._Element) -> None:
        """A hidden run adds no text; its characters are counted and its markers kept."""
        for child in run:
            tag = child.tag
            if tag == T:
                self.hidden_characters += len(child.text or "")
            elif tag in (TAB, BR, CR, NO_BREAK_HYPHEN):
                self.hidden_characters += 1
            elif tag == SYM:
                self.hidden_characters += len(_symbol(child.get(CHAR, "")))
            elif tag == COMMENT_REFERENCE:
                self.references.setdefault(child.get(ID, ""), self.pos)
            elif tag in (FOOTNOTE_REF, ENDNOTE_REF) and self.mark_label:
                # a note's hidden mark: the note is in the text (its reference was seen), so it
                # keeps its label
                self.emit(self.mark_label)
                self.mark_label = ""
            # a hidden note reference is not seen, so its note is not in the text either

    def note_reference(self, kind: str, note_id: str) -> None:
        if self.notes_rule is NotesRule.OMIT or self.in_note:
            return  # no labels, or a reference inside a note (not valid Word; ignored)
        number = sum(1 for note in self.notes if note.kind == kind) + 1
        label = f"[{number}]" if kind == "footnote" else f"[{_roman(number)}]"
        self.notes.append(_Note(kind, note_id, label))
        self.emit(label)

    # -- notes -----------------------------------------------------------------------------

    def write_notes(self, notes: dict[str, dict[str, etree._Element]]) -> None:
        self.in_note = True
        ordered = [n for n in self.notes if n.kind == "footnote"]
        ordered += [n for n in self.notes if n.kind == "endnote"]
        for note in ordered:
            element = notes.get(note.kind, {}).get(note.note_id)
            if element is None:
                self.skipped[f"{note.kind} {note.label} (its text is missing)"] += 1
                continue
            self.join_next = False
            has_mark = element.find(f".//{FOOTNOTE_REF}") is not None or (
                element.find(f".//{ENDNOTE_REF}") is not None
            )
            # a note's own mark shows its label; a note without one gets the label in front
            self.mark_label = note.label if has_mark else ""
            self.prefix_label = "" if has_mark else note.label
            self.block(element)
            self.mark_label = self.prefix_label = ""
        self.in_note = False

    def finish(self) -> Layout:
        for comment_id in self.pending_starts:
            self.starts[comment_id] = self.pos
        return Layout(
            text="".join(self.parts),
            paragraphs=self.paragraphs,
            comment_starts=self.starts,
            comment_ends=self.ends,
            comment_references=self.references,
            highlights=self.highlights,
            skipped=self.skipped,
            hidden_characters=self.hidden_characters,
        )


def extract(
    body: etree._Element,
    notes: dict[str, dict[str, etree._Element]] | None = None,
    rule: NotesRule = NotesRule.END,
    hidden: HiddenStyles | None = None,
) -> Layout:
    """The canonical text of ``body`` (a ``w:body``) and the notes it refers to.

    ``notes`` maps ``"footnote"``/``"endnote"`` to their elements by id (see :func:`index_notes`);
    ``hidden`` names the styles that hide text (from ``styles.xml``; none when not given).
    """
    walker = _Walker(rule, hidden or HiddenStyles())
    # most documents hide nothing: then runs are not checked one by one
    walker.may_hide = bool(walker.hidden_styles.paragraph or walker.hidden_styles.character)
    if not walker.may_hide:
        parts = [body, *(n for kind in (notes or {}).values() for n in kind.values())]
        walker.may_hide = any(next(part.iter(VANISH), None) is not None for part in parts)
    walker.block(body)
    if rule is NotesRule.END and walker.notes:
        walker.write_notes(notes or {})
    return walker.finish()


def index_notes(root: etree._Element | None, kind: str) -> dict[str, etree._Element]:
    """The notes of a footnotes or endnotes part by id (separators left out)."""
    if root is None:
        return {}
    found: dict[str, etree._Element] = {}
    for note in root.iterchildren(_w(kind)):
        if note.get(TYPE) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        found[note.get(ID, "")] = note
    return found


def _paragraph_properties(paragraph: etree._Element) -> tuple[str, int | None, bool]:
    """Style id, outline level, and whether the paragraph mark is a tracked deletion."""
    properties = None
    for child in paragraph:  # w:pPr comes first when present
        if child.tag == PPR:
            properties = child
        break
    if properties is None:
        return "", None, False
    style_id = ""
    level: int | None = None
    deleted = False
    for child in properties:
        tag = child.tag
        if tag == PSTYLE:
            style_id = child.get(VAL, "")
        elif tag == OUTLINE_LVL:
            value = child.get(VAL, "")
            level = int(value) if value.isdigit() else None
        elif tag == RPR:
            deleted = any(mark.tag == DEL for mark in child)
    return style_id, level, deleted


def _rows(table: etree._Element) -> list[etree._Element]:
    """The rows of a table, and the comment markers between them, in order."""
    rows: list[etree._Element] = []
    for child in table:
        if child.tag in (TR, COMMENT_START, COMMENT_END):
            rows.append(child)
        elif child.tag in (SDT, CUSTOM_XML):
            holder = child.find(SDT_CONTENT) if child.tag == SDT else child
            if holder is not None:
                rows.extend(_rows(holder))
    return rows


def _cells(row: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in row:
        if child.tag == TC:
            cells.append(child)
        elif child.tag in (SDT, CUSTOM_XML):
            holder = child.find(SDT_CONTENT) if child.tag == SDT else child
            if holder is not None:
                cells.extend(_cells(holder))
    return cells


def _cell_blocks(cell: etree._Element) -> list[etree._Element]:
    blocks: list[etree._Element] = []
    for child in cell:
        if child.tag in (P, TBL, COMMENT_START, COMMENT_END):
            blocks.append(child)
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                blocks.extend(_cell_blocks(content))
        elif child.tag in _BLOCK_CONTAINERS:
            blocks.extend(_cell_blocks(child))
    return blocks


def _row_deleted(row: etree._Element) -> bool:
    properties = row.find(TR_PR)
    return properties is not None and properties.find(DEL) is not None


def _symbol(code: str) -> str:
    try:
        return chr(int(code, 16))
    except ValueError:
        return ""


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _roman(number: int) -> str:
    out: list[str] = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)
