"""The "coded transcript" exporter: each document as a .docx whose codings are Word comments.

Each line of the document's text is written as one paragraph (a tab as a Word tab), headings keep
their level. Codings with the same range and coder become one comment over that range, authored by
the coder, whose text is the code paths (``Parent > Child``) separated by ``; ``, exactly what the
importer reads back, so docx -> codings -> docx -> codings is an identity (where the code names
would read like prose, the text starts with ``Codes:`` so that it is not read back as a memo).
Memos attached to a coding become replies to its comment; memos anchored in the text become
comments that start with ``Memo:`` (which the importer reads back as memos). With ``highlight``
the coded text is also highlighted in the Word colour nearest to its code's colour.

A project with one document is written to the ``.docx`` path given. With several documents, write
to a path ending in ``.zip`` (a ZIP of one ``.docx`` per document, named after the documents) or
choose one with the ``document`` option (its name or id).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from qualcode.errors import OptionError
from qualcode.fileio import atomic_output
from qualcode.formats.base import Exporter
from qualcode.formats.docx.comments import (
    CODES_PREFIX,
    HIGHLIGHT_COLOURS,
    MEMO_PREFIX,
    CommentOptions,
    codes_prefixed,
    memo_prefixed,
)
from qualcode.formats.docx.package import MC, W14, W15, R, W
from qualcode.losses import LossReport
from qualcode.model import Coding, Document, Memo, ProvenanceMethod, SourceKind
from qualcode.options import parse_boolean
from qualcode.project import Project

PATH_SEPARATOR = " > "
CODES_SEPARATOR = "; "
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SEPARATOR_CHARACTERS = re.compile("[/>;\n]")
_NS = (
    f'xmlns:w="{W}" xmlns:r="{R}" xmlns:w14="{W14}" xmlns:w15="{W15}" xmlns:mc="{MC}" '
    'mc:Ignorable="w14 w15"'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


class DocxExporter(Exporter):
    name = "docx"
    extensions = (".docx",)
    description = "coded transcripts for Word: codings as comments (code path, coder) on the text"
    options = {
        "document": "the document to write (name or id) when the project has several",
        "highlight": "also highlight coded text in the Word colour nearest its code's colour "
        "(default: no)",
    }

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        files, report = render(project, Path(path), **options)
        if Path(path).suffix.lower() == ".zip":
            with (
                atomic_output(path) as stream,
                zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
            ):
                for name, data in files:
                    archive.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data)
        else:
            with atomic_output(path) as stream:
                stream.write(files[0][1])
        return report

    def losses(self, project: Project, **options: Any) -> LossReport:
        return render(project, Path("probe.zip"), **options)[1]


def render(
    project: Project, path: Path, **options: Any
) -> tuple[list[tuple[str, bytes]], LossReport]:
    """The .docx files (name, bytes) that :meth:`DocxExporter.write` would write, and the report."""
    report = LossReport()
    highlight = parse_boolean(options.get("highlight", False))
    if highlight is None:
        raise OptionError(
            f"option 'highlight' of exporter 'docx' must be true or false, "
            f"not {options['highlight']!r}"
        )
    documents = _chosen_documents(project, options.get("document"), report)
    if len(documents) != 1 and path.suffix.lower() != ".zip":
        if not documents:
            raise OptionError("the project has no text document to write", path=path)
        raise OptionError(
            f"the project has {len(documents)} documents; a .docx holds one",
            path=path,
            hint="write to a path ending in .zip (one .docx per document) or choose one with "
            "the option document=NAME",
        )
    by_document: dict[str, list[Coding]] = defaultdict(list)
    for coding in project.codings:
        by_document[coding.document_id].append(coding)
    memos_by_target: dict[str, list[Memo]] = defaultdict(list)
    anchored: dict[str, list[Memo]] = defaultdict(list)
    for memo in project.memos:
        if memo.start is not None and len(memo.target_ids) == 1:
            anchored[memo.target_ids[0]].append(memo)
        for target in memo.target_ids:
            memos_by_target[target].append(memo)
    _report_model_losses(project, report, by_document, anchored, documents)
    files: list[tuple[str, bytes]] = []
    used: set[str] = set()
    for document in documents:
        data = build_docx(
            project,
            document,
            by_document.get(document.id, []),
            memos_by_target,
            highlight,
            report,
            anchored.get(document.id, []),
        )
        files.append((_unique_name(document.name, used), data))
    return files, report


def build_docx(
    project: Project,
    document: Document,
    codings: list[Coding],
    memos_by_target: dict[str, list[Memo]] | None = None,
    highlight: bool = False,
    report: LossReport | None = None,
    anchored_memos: list[Memo] | None = None,
) -> bytes:
    """One .docx for ``document`` with ``codings`` (and ``anchored_memos``) as comments.

    ``memos_by_target`` maps coding and memo ids to the memos attached to them (written as
    replies); ``anchored_memos`` are memos with a span in this document.
    """
    report = report if report is not None else LossReport()
    memos_by_target = memos_by_target or {}
    # one comment per range and coder; a repeated code (a duplicate coding) opens another comment
    groups: dict[tuple[int, int, str | None, int], list[Coding]] = {}
    for coding in codings:
        if coding.region is not None and document.source is not SourceKind.TEXT:
            report.add("codings of regions (boxes, time ranges)", document.name)
            continue
        copy = 0
        while any(
            c.code_id == coding.code_id
            for c in groups.get((coding.start, coding.end, coding.coder_id, copy), ())
        ):
            copy += 1
        groups.setdefault((coding.start, coding.end, coding.coder_id, copy), []).append(coding)
        if coding.end == coding.start:
            report.warn(
                f"{document.name}: a coding covers no text; it is written as an empty "
                "comment and reads back as a memo"
            )
    sheet = _CommentSheet(project)
    paint: list[tuple[int, int, str]] = []
    warned: set[str] = set()
    for (start, end, coder_id, _copy), members in groups.items():
        paths = []
        for coding in members:
            names = project.code_path(coding.code_id)
            for name in names:
                if _SEPARATOR_CHARACTERS.search(name) and name not in warned:
                    warned.add(name)
                    report.warn(
                        f"code name {name!r} contains a separator (/ > ; or a line break); "
                        "import the file with other separators to read it back"
                    )
            paths.append(PATH_SEPARATOR.join(names))
            if highlight:
                colour = _nearest_highlight(project.codes[coding.code_id].color)
                if colour:
                    paint.append((start, end, colour))
        paths = _not_read_as_memo(paths, report)
        para_id = sheet.add(coder_id, members[0].created, _codes_text(paths), start, end)
        replies = {m.id: m for c in members for m in memos_by_target.get(c.id, ())}
        for memo in replies.values():
            sheet.add(memo.created_by, memo.created_at, memo.text or memo.name, start, end, para_id)
    for memo in anchored_memos or ():
        assert memo.start is not None and memo.end is not None
        body_text = f"{MEMO_PREFIX} {memo.text or memo.name}"
        para_id = sheet.add(memo.created_by, memo.created_at, body_text, memo.start, memo.end)
        for reply in memos_by_target.get(memo.id, ()):
            sheet.add(
                reply.created_by,
                reply.created_at,
                reply.text or reply.name,
                memo.start,
                memo.end,
                para_id,
            )
    headings = {p.start: p.heading_level for p in document.paragraphs if p.heading_level}
    body = _body(document.text, sheet.events, paint, headings, report, document.name)
    return _package(body, sheet.comments, sheet.extended)


class _CommentSheet:
    """The comments of one document as XML, and where their ranges start and end."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.comments: list[str] = []
        self.extended: list[str] = []
        self.events: dict[int, list[tuple[int, int, str]]] = defaultdict(list)

    def add(
        self,
        coder_id: str | None,
        date: dt.datetime | None,
        text: str,
        start: int,
        end: int,
        parent_para_id: str | None = None,
    ) -> str:
        """Add a comment (a reply when ``parent_para_id``); returns its paragraph id."""
        comment_id = len(self.comments)
        para_id = _para_id(comment_id)
        coder = self.project.coders.get(coder_id)
        author = coder.name if coder is not None else ""
        self.comments.append(_comment(comment_id, author, date, text, para_id))
        parent = f' w15:paraIdParent="{parent_para_id}"' if parent_para_id else ""
        self.extended.append(f'<w15:commentEx w15:paraId="{para_id}"{parent} w15:done="0"/>')
        _anchor(self.events, comment_id, start, end)
        return para_id


def _anchor(
    events: dict[int, list[tuple[int, int, str]]], comment_id: int, start: int, end: int
) -> None:
    # at one position, ranges that end come first, then ranges that start, then empty ranges end
    events[start].append((1, comment_id, "start"))
    events[end].append((0 if end > start else 2, comment_id, "end"))


def _body(
    text: str,
    events: dict[int, list[tuple[int, int, str]]],
    paint: list[tuple[int, int, str]],
    headings: dict[int, int],
    report: LossReport,
    name: str,
) -> str:
    out: list[str] = []
    cuts = sorted(set(events) | {p for s, e, _ in paint for p in (s, e)})
    paint.sort()
    cut_index = 0
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        level = headings.get(line_start, 0)
        out.append("<w:p>")
        properties = ""
        if level:
            properties += f'<w:pStyle w:val="Heading{min(level, 9)}"/>'
        if _right_to_left(line):
            properties += "<w:bidi/>"
        if properties:
            out.append(f"<w:pPr>{properties}</w:pPr>")
        position = line_start
        while cut_index < len(cuts) and cuts[cut_index] <= line_end:
            cut = cuts[cut_index]
            cut_index += 1
            if cut < line_start:
                continue
            if cut > position:
                out.append(_run(text[position:cut], _colour_at(paint, position), report, name))
                position = cut
            for _order, comment_id, kind in sorted(events.get(cut, ())):
                if kind == "start":
                    out.append(f'<w:commentRangeStart w:id="{comment_id}"/>')
                else:
                    out.append(
                        f'<w:commentRangeEnd w:id="{comment_id}"/><w:r><w:rPr><w:rStyle '
                        f'w:val="CommentReference"/></w:rPr><w:commentReference w:id="{comment_id}"'
                        "/></w:r>"
                    )
        if line_end > position:
            out.append(_run(text[position:line_end], _colour_at(paint, position), report, name))
        out.append("</w:p>")
        line_start = line_end + 1
    return "".join(out)


def _run(segment: str, colour: str, report: LossReport, name: str) -> str:
    properties = f'<w:rPr><w:highlight w:val="{colour}"/></w:rPr>' if colour else ""
    pieces = []
    for index, part in enumerate(segment.split("\t")):
        if index:
            pieces.append("<w:tab/>")
        if part:
            pieces.append(f'<w:t xml:space="preserve">{_escape_text(part, report, name)}</w:t>')
    return f"<w:r>{properties}{''.join(pieces)}</w:r>"


def _colour_at(paint: list[tuple[int, int, str]], position: int) -> str:
    found = ""
    for start, end, colour in paint:
        if start > position:
            break
        if start <= position < end:
            found = colour  # the latest-starting coded range wins
    return found


def _comment(
    comment_id: int, author: str, date: dt.datetime | None, body: str, para_id: str
) -> str:
    stamp = ""
    if date is not None:
        if date.tzinfo is not None:
            date = date.astimezone(dt.UTC)
        stamp = f' w:date="{date.strftime("%Y-%m-%dT%H:%M:%SZ")}"'
    initials = "".join(word[0] for word in author.split() if word)[:8]
    report = LossReport()
    paragraphs = body.split("\n") or [""]
    out = [
        f'<w:comment w:id="{comment_id}" w:author="{_escape_attribute(author)}"{stamp} '
        f'w:initials="{_escape_attribute(initials)}">'
    ]
    for index, line in enumerate(paragraphs):
        last = index == len(paragraphs) - 1
        paragraph_id = f' w14:paraId="{para_id}" w14:textId="77777777"' if last else ""
        mark = (
            ('<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>')
            if index == 0
            else ""
        )
        out.append(
            f'<w:p{paragraph_id}><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>{mark}'
            f"{_run(line, '', report, '') if line else ''}</w:p>"
        )
    out.append("</w:comment>")
    return "".join(out)


def _package(body: str, comments: list[str], extended: list[str]) -> bytes:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    document = (
        f"{declaration}<w:document {_NS}><w:body>{body}"
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" '
        'w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    relations = [f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>']
    overrides = [
        f'<Override PartName="/word/document.xml" ContentType="{_CT}.document.main+xml"/>',
        f'<Override PartName="/word/styles.xml" ContentType="{_CT}.styles+xml"/>',
    ]
    parts: list[tuple[str, str]] = [("word/styles.xml", declaration + _styles())]
    if comments:
        relations.append(f'<Relationship Id="rId2" Type="{_REL}/comments" Target="comments.xml"/>')
        relations.append(
            '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2011/'
            'relationships/commentsExtended" Target="commentsExtended.xml"/>'
        )
        overrides.append(
            f'<Override PartName="/word/comments.xml" ContentType="{_CT}.comments+xml"/>'
        )
        overrides.append(
            f'<Override PartName="/word/commentsExtended.xml" '
            f'ContentType="{_CT}.commentsExtended+xml"/>'
        )
        parts.append(
            (
                "word/comments.xml",
                f"{declaration}<w:comments {_NS}>{''.join(comments)}</w:comments>",
            )
        )
        parts.append(
            (
                "word/commentsExtended.xml",
                f"{declaration}<w15:commentsEx {_NS}>{''.join(extended)}</w15:commentsEx>",
            )
        )
    content_types = (
        f'{declaration}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    package_rels = (
        f'{declaration}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    document_rels = (
        f'{declaration}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{"".join(relations)}</Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", package_rels),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", document_rels),
            *parts,
        ]:
            archive.writestr(
                zipfile.ZipInfo(name, _ZIP_DATE),
                content.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def _styles() -> str:
    styles = [
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "</w:style>",
        '<w:style w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/>'
        '<w:basedOn w:val="Normal"/></w:style>',
        '<w:style w:type="character" w:styleId="CommentReference"><w:name '
        'w:val="annotation reference"/><w:rPr><w:sz w:val="16"/></w:rPr></w:style>',
    ]
    for level in range(1, 10):
        size = max(22, 36 - 2 * level)
        styles.append(
            f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading '
            f'{level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>'
            f'<w:keepNext/><w:outlineLvl w:val="{level - 1}"/></w:pPr><w:rPr><w:b/>'
            f'<w:sz w:val="{size}"/></w:rPr></w:style>'
        )
    return f"<w:styles {_NS}>{''.join(styles)}</w:styles>"


def _chosen_documents(project: Project, choice: object, report: LossReport) -> list[Document]:
    documents = list(project.documents)
    if choice:
        wanted = str(choice)
        documents = [d for d in documents if d.id == wanted or d.name == wanted]
        if not documents:
            known = ", ".join(d.name for d in project.documents) or "none"
            raise OptionError(f"no document named {wanted!r}; documents: {known}")
        if len(project.documents) > len(documents):
            report.add(
                "the other documents (the option document chose one)",
                count=len(project.documents) - len(documents),
            )
    # a document with no text (a picture, a recording, a source whose text was missing) would
    # make a Word file without text, which no one can code and qualcode's importer refuses
    text_documents = [d for d in documents if d.text.strip()]
    if len(text_documents) < len(documents):
        report.add(
            "documents without text (pictures, audio, video, empty texts), not written",
            count=len(documents) - len(text_documents),
        )
    return text_documents


def _report_model_losses(
    project: Project,
    report: LossReport,
    by_document: dict[str, list[Coding]],
    anchored: dict[str, list[Memo]],
    documents: list[Document],
) -> None:
    counts = project.counts()
    for kind in ("themes", "cases", "variables", "sets", "links"):
        if counts[kind]:
            report.add(f"{kind} (a coded transcript holds codings only)", count=counts[kind])
    written = {d.id for d in documents}
    carried = {c.id for d in written for c in by_document.get(d, ())}
    carried.update(m.id for d in written for m in anchored.get(d, ()))
    # replies: memos attached to something carried (one level, as Word threads are)
    loose = [m for m in project.memos if m.id not in carried and carried.isdisjoint(m.target_ids)]
    if loose:
        report.add("memos not attached to a coding or a stretch of text", count=len(loose))
    described = sum(
        1 for c in project.codes if c.definition or c.inclusion or c.exclusion or c.examples
    )
    if described:
        report.add("code definitions and codebook fields", count=described)
    machine = sum(
        1
        for d in written
        for c in by_document.get(d, ())
        if c.provenance.method is not ProvenanceMethod.MANUAL
    )
    if machine:
        report.add("coding provenance (rule or model settings)", count=machine)


def _escape_text(value: str, report: LossReport, name: str) -> str:
    if _INVALID_XML.search(value):
        report.add("characters that XML cannot hold (replaced by U+FFFD)", name)
        value = _INVALID_XML.sub("\ufffd", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _escape_attribute(value: str) -> str:
    value = _INVALID_XML.sub("\ufffd", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def _para_id(number: int) -> str:
    return f"{number + 1:08X}"


def _right_to_left(line: str) -> bool:
    for character in line:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _not_read_as_memo(paths: list[str], report: LossReport) -> list[str]:
    """The code paths of one comment, ordered so that it does not start with ``Memo:`` (the
    importer reads such a comment as a memo); where every path does, the loss is reported."""
    if memo_prefixed(paths[0]) is None:
        return paths
    plain = [path for path in paths if memo_prefixed(path) is None]
    if plain:
        return plain + [path for path in paths if memo_prefixed(path) is not None]
    report.add(
        f"codings of a code named {paths[0]!r} (Word comments starting 'Memo:' read back as memos)"
    )
    return paths


_READ_BACK = CommentOptions()


def _codes_text(paths: list[str]) -> str:
    """A coding comment's text: the code paths, after ``Codes:`` where the importer's default
    would read them as a remark (a long or sentence-like code name) or would take a code name
    starting with ``Code:`` for that marker."""
    text = CODES_SEPARATOR.join(paths)
    if memo_prefixed(text) is None and (
        codes_prefixed(text) is not None or not _READ_BACK.reads_as_codes(text)
    ):
        return f"{CODES_PREFIX} {text}"
    return text


def _nearest_highlight(colour: str | None) -> str:
    if not colour:
        return ""
    value = colour.strip().lstrip("#")
    if len(value) != 6:
        return ""
    try:
        red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return ""
    best, best_distance = "", 1 << 30
    for name, rgb in HIGHLIGHT_COLOURS.items():
        if name in ("black", "white"):
            continue  # unreadable as a highlight
        r2, g2, b2 = (int(rgb[i : i + 2], 16) for i in (1, 3, 5))
        distance = (red - r2) ** 2 + (green - g2) ** 2 + (blue - b2) ** 2
        if distance < best_distance:
            best, best_distance = name, distance
    return best


def _unique_name(name: str, used: set[str]) -> str:
    base = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or "document"
    candidate = f"{base}.docx"
    number = 2
    while candidate.lower() in used:
        candidate = f"{base} ({number}).docx"
        number += 1
    used.add(candidate.lower())
    return candidate
