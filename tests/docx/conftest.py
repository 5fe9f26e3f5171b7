"""A small builder of .docx files for the Word tests, written with lxml and zipfile.

Paragraph content is a sequence of items:

- ``"text"``: a run (``\\t`` becomes ``w:tab``, ``\\n`` becomes ``w:br``);
- ``Start(id)`` / ``End(id)``: ``commentRangeStart`` / ``commentRangeEnd`` (+ its reference run);
- ``Ins(text)``, ``Del(text)``, ``MoveFrom(text)``: tracked changes;
- ``Mark(text, colour)``: a highlighted run;
- ``Note("footnote" | "endnote", id)``: a note reference.
"""

from __future__ import annotations

import io
import sys
import types
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import pytest
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NSMAP = {"w": W, "r": R, "w14": W14, "w15": W15}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@attrs.frozen
class Start:
    comment_id: int


@attrs.frozen
class End:
    comment_id: int


@attrs.frozen
class Ins:
    text: str


@attrs.frozen
class Del:
    text: str


@attrs.frozen
class MoveFrom:
    text: str


@attrs.frozen
class Mark:
    text: str
    colour: str


@attrs.frozen
class Note:
    kind: str
    note_id: int


Item = str | Start | End | Ins | Del | MoveFrom | Mark | Note


@attrs.define
class _Comment:
    comment_id: int
    author: str
    text: str
    date: str
    parent: int | None


class DocxBuilder:
    """Builds a minimal valid .docx: paragraphs, tables, lists, notes, changes, comments."""

    def __init__(self) -> None:
        self.body = etree.Element(w("body"), nsmap=NSMAP)
        self.comments: list[_Comment] = []
        self.notes: dict[str, list[tuple[int, str]]] = {"footnote": [], "endnote": []}
        self.header_text: str | None = None

    # -- body ------------------------------------------------------------------------------

    def paragraph(
        self,
        *items: Item,
        style: str | None = None,
        list_level: int | None = None,
        deleted_mark: bool = False,
        outline: int | None = None,
    ) -> DocxBuilder:
        self.body.append(self._paragraph(items, style, list_level, deleted_mark, outline))
        return self

    def table(self, rows: Sequence[Sequence[str | Sequence[str]]]) -> DocxBuilder:
        table = etree.SubElement(self.body, w("tbl"))
        for row in rows:
            tr = etree.SubElement(table, w("tr"))
            for cell in row:
                tc = etree.SubElement(tr, w("tc"))
                texts = [cell] if isinstance(cell, str) else list(cell)
                for text in texts or [""]:
                    tc.append(self._paragraph((text,) if text else (), None, None, False, None))
        return self

    def block_marker(self, marker: Start | End) -> DocxBuilder:
        """A comment range marker between paragraphs (Word writes these for whole paragraphs)."""
        tag = "commentRangeStart" if isinstance(marker, Start) else "commentRangeEnd"
        etree.SubElement(self.body, w(tag)).set(w("id"), str(marker.comment_id))
        return self

    def raw(self, xml: str) -> DocxBuilder:
        """Append raw body XML (with the w namespace bound)."""
        wrapper = etree.fromstring(f'<x xmlns:w="{W}" xmlns:r="{R}">{xml}</x>')
        for child in wrapper:
            self.body.append(child)
        return self

    def _paragraph(
        self,
        items: Sequence[Item],
        style: str | None,
        list_level: int | None,
        deleted_mark: bool,
        outline: int | None,
    ) -> etree._Element:
        paragraph = etree.Element(w("p"))
        if style or list_level is not None or deleted_mark or outline is not None:
            properties = etree.SubElement(paragraph, w("pPr"))
            if style:
                etree.SubElement(properties, w("pStyle")).set(w("val"), style)
            if list_level is not None:
                numbering = etree.SubElement(properties, w("numPr"))
                etree.SubElement(numbering, w("ilvl")).set(w("val"), str(list_level))
                etree.SubElement(numbering, w("numId")).set(w("val"), "1")
            if outline is not None:
                etree.SubElement(properties, w("outlineLvl")).set(w("val"), str(outline))
            if deleted_mark:
                run_properties = etree.SubElement(properties, w("rPr"))
                deleted = etree.SubElement(run_properties, w("del"))
                deleted.set(w("id"), "900")
                deleted.set(w("author"), "Editor")
        for item in items:
            if isinstance(item, str):
                paragraph.append(_run(item))
            elif isinstance(item, Start):
                etree.SubElement(paragraph, w("commentRangeStart")).set(
                    w("id"), str(item.comment_id)
                )
            elif isinstance(item, End):
                etree.SubElement(paragraph, w("commentRangeEnd")).set(w("id"), str(item.comment_id))
                reference = etree.SubElement(paragraph, w("r"))
                etree.SubElement(reference, w("commentReference")).set(
                    w("id"), str(item.comment_id)
                )
            elif isinstance(item, Ins):
                change = etree.SubElement(paragraph, w("ins"), {w("id"): "1", w("author"): "Ed"})
                change.append(_run(item.text))
            elif isinstance(item, Del):
                change = etree.SubElement(paragraph, w("del"), {w("id"): "2", w("author"): "Ed"})
                run = etree.SubElement(change, w("r"))
                deleted = etree.SubElement(run, w("delText"))
                deleted.text = item.text
            elif isinstance(item, MoveFrom):
                change = etree.SubElement(paragraph, w("moveFrom"), {w("id"): "3"})
                change.append(_run(item.text))
            elif isinstance(item, Mark):
                run = _run(item.text)
                properties = etree.Element(w("rPr"))
                etree.SubElement(properties, w("highlight")).set(w("val"), item.colour)
                run.insert(0, properties)
                paragraph.append(run)
            else:
                run = etree.SubElement(paragraph, w("r"))
                tag = "footnoteReference" if item.kind == "footnote" else "endnoteReference"
                etree.SubElement(run, w(tag)).set(w("id"), str(item.note_id))
        return paragraph

    # -- parts -----------------------------------------------------------------------------

    def comment(
        self,
        comment_id: int,
        text: str,
        author: str = "Ana",
        date: str = "2025-01-02T03:04:05Z",
        parent: int | None = None,
    ) -> DocxBuilder:
        self.comments.append(_Comment(comment_id, author, text, date, parent))
        return self

    def note(self, kind: str, note_id: int, text: str) -> DocxBuilder:
        self.notes[kind].append((note_id, text))
        return self

    def header(self, text: str) -> DocxBuilder:
        self.header_text = text
        return self

    def build(self) -> bytes:
        parts: dict[str, bytes] = {}
        relations: list[tuple[str, str]] = [("styles", "styles.xml")]
        overrides = [
            ("/word/document.xml", f"{CT}.document.main+xml"),
            ("/word/styles.xml", f"{CT}.styles+xml"),
        ]
        document = etree.Element(w("document"), nsmap=NSMAP)
        document.append(self.body)
        parts["word/document.xml"] = _xml(document)
        parts["word/styles.xml"] = _xml(_styles())
        if self.comments:
            relations.append(("comments", "comments.xml"))
            overrides.append(("/word/comments.xml", f"{CT}.comments+xml"))
            parts["word/comments.xml"] = _xml(self._comments_part())
            relations.append(
                (
                    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                    "commentsExtended.xml",
                )
            )
            overrides.append(("/word/commentsExtended.xml", f"{CT}.commentsExtended+xml"))
            parts["word/commentsExtended.xml"] = _xml(self._extended_part())
        for kind, notes in self.notes.items():
            if notes:
                relations.append((f"{kind}s", f"{kind}s.xml"))
                overrides.append((f"/word/{kind}s.xml", f"{CT}.{kind}s+xml"))
                parts[f"word/{kind}s.xml"] = _xml(_notes_part(kind, notes))
        if self.header_text is not None:
            relations.append(("header", "header1.xml"))
            overrides.append(("/word/header1.xml", f"{CT}.header+xml"))
            header = etree.Element(w("hdr"), nsmap=NSMAP)
            header.append(_paragraph_of(self.header_text))
            parts["word/header1.xml"] = _xml(header)
        return _zip(parts, relations, overrides)

    def save(self, path: Path) -> Path:
        path.write_bytes(self.build())
        return path

    def _comments_part(self) -> etree._Element:
        root = etree.Element(w("comments"), nsmap=NSMAP)
        for comment in self.comments:
            element = etree.SubElement(
                root,
                w("comment"),
                {
                    w("id"): str(comment.comment_id),
                    w("author"): comment.author,
                    w("date"): comment.date,
                    w("initials"): comment.author[:1],
                },
            )
            lines = comment.text.split("\n")
            for index, line in enumerate(lines):
                paragraph = etree.SubElement(element, w("p"))
                if index == len(lines) - 1:
                    paragraph.set(f"{{{W14}}}paraId", _para_id(comment.comment_id))
                if index == 0:
                    mark = etree.SubElement(paragraph, w("r"))
                    etree.SubElement(mark, w("annotationRef"))
                if line:
                    paragraph.append(_run(line))
        return root

    def _extended_part(self) -> etree._Element:
        root = etree.Element(f"{{{W15}}}commentsEx", nsmap=NSMAP)
        for comment in self.comments:
            entry = etree.SubElement(root, f"{{{W15}}}commentEx")
            entry.set(f"{{{W15}}}paraId", _para_id(comment.comment_id))
            if comment.parent is not None:
                entry.set(f"{{{W15}}}paraIdParent", _para_id(comment.parent))
            entry.set(f"{{{W15}}}done", "0")
        return root


def _para_id(comment_id: int) -> str:
    return f"{0x1000 + comment_id:08X}"


def _run(text: str) -> etree._Element:
    run = etree.Element(w("r"))
    for index, line in enumerate(text.split("\n")):
        if index:
            etree.SubElement(run, w("br"))
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                etree.SubElement(run, w("tab"))
            if part:
                element = etree.SubElement(run, w("t"))
                element.text = part
                element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _paragraph_of(text: str) -> etree._Element:
    paragraph = etree.Element(w("p"))
    paragraph.append(_run(text))
    return paragraph


def _notes_part(kind: str, notes: list[tuple[int, str]]) -> etree._Element:
    root = etree.Element(w(f"{kind}s"), nsmap=NSMAP)
    separator = etree.SubElement(root, w(kind), {w("type"): "separator", w("id"): "-1"})
    separator_run = etree.SubElement(etree.SubElement(separator, w("p")), w("r"))
    etree.SubElement(separator_run, w("separator"))
    for note_id, text in notes:
        note = etree.SubElement(root, w(kind), {w("id"): str(note_id)})
        paragraph = etree.SubElement(note, w("p"))
        mark = etree.SubElement(paragraph, w("r"))
        etree.SubElement(mark, w(f"{kind}Ref"))
        paragraph.append(_run(" " + text))
    return root


def _styles() -> etree._Element:
    root = etree.Element(w("styles"), nsmap=NSMAP)
    for style_id, name, outline, default in (
        ("Normal", "Normal", None, True),
        ("Heading1", "heading 1", 0, False),
        ("Heading2", "heading 2", 1, False),
        ("Title", "Title", None, False),
        ("ListParagraph", "List Paragraph", None, False),
        ("MyHeading", "My Heading", None, False),
    ):
        style = etree.SubElement(root, w("style"), {w("type"): "paragraph", w("styleId"): style_id})
        if default:
            style.set(w("default"), "1")
        etree.SubElement(style, w("name")).set(w("val"), name)
        if style_id == "MyHeading":
            etree.SubElement(style, w("basedOn")).set(w("val"), "Heading2")
        if outline is not None:
            properties = etree.SubElement(style, w("pPr"))
            etree.SubElement(properties, w("outlineLvl")).set(w("val"), str(outline))
    return root


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(
    parts: dict[str, bytes], relations: list[tuple[str, str]], overrides: list[tuple[str, str]]
) -> bytes:
    types = etree.Element(
        "{http://schemas.openxmlformats.org/package/2006/content-types}Types",
        nsmap={None: "http://schemas.openxmlformats.org/package/2006/content-types"},
    )
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    etree.SubElement(
        types,
        f"{ct}Default",
        Extension="rels",
        ContentType="application/vnd.openxmlformats-package.relationships+xml",
    )
    etree.SubElement(types, f"{ct}Default", Extension="xml", ContentType="application/xml")
    for name, content_type in overrides:
        etree.SubElement(types, f"{ct}Override", PartName=name, ContentType=content_type)
    pr = "http://schemas.openxmlformats.org/package/2006/relationships"
    root_rels = etree.Element(f"{{{pr}}}Relationships", nsmap={None: pr})
    etree.SubElement(
        root_rels,
        f"{{{pr}}}Relationship",
        Id="rId1",
        Type=f"{REL}/officeDocument",
        Target="word/document.xml",
    )
    document_rels = etree.Element(f"{{{pr}}}Relationships", nsmap={None: pr})
    for index, (kind, target) in enumerate(relations, start=1):
        rel_type = kind if kind.startswith("http") else f"{REL}/{kind}"
        etree.SubElement(
            document_rels, f"{{{pr}}}Relationship", Id=f"rId{index}", Type=rel_type, Target=target
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _xml(types))
        archive.writestr("_rels/.rels", _xml(root_rels))
        archive.writestr("word/_rels/document.xml.rels", _xml(document_rels))
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def docx() -> types.ModuleType:
    """This module: ``docx.DocxBuilder()``, ``docx.Start(1)``, ``docx.Ins("x")`` ..."""
    return sys.modules[__name__]


@pytest.fixture
def write_docx(tmp_path: Path) -> Callable[..., Path]:
    """Save a builder's file under the test's folder and return its path."""

    def write(builder: DocxBuilder, name: str = "doc.docx") -> Path:
        return builder.save(tmp_path / name)

    return write
