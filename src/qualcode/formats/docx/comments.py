"""Word comments (and, optionally, highlights) read as codings, memos and coders.

By default (mode ``auto``) a comment anchored to a range (``commentRangeStart``/``End``) is read
as codes when it reads like a label and as a memo on that range when it reads like prose
(:func:`reads_like_labels` is the rule). A comment read as codes becomes one coding of exactly that
range per code name in its text:

- the comment's text is split into code names at any of ``code_separators`` (default ``;`` and
  line breaks), and each name into a path at any of ``hierarchy_separators`` (default ``/`` and
  ``>``): ``Barriers > Cost; Trust`` is two codings, of ``Barriers/Cost`` and of ``Trust``;
- codes that do not exist yet are created, parents first;
- the comment's author is the coder (one coder per author name) and its date the coding's date;
- a threaded reply (``commentsExtended.xml``, ``paraIdParent``) becomes a memo on the codings
  made from the comment it answers.

Each side can be forced: a comment whose text starts with ``Memo:`` is always a memo (the rest of
its text), which is how the exporter writes memos anchored in a document's text, and one that
starts with ``Codes:`` (or ``Code:``) is read as codes in mode ``auto``, which is how the exporter
writes a coding whose code names would read like prose. Mode ``codes`` reads every comment as
codes, ``memos`` every comment as a memo anchored to its range, and ``ignore`` skips comments. A
comment with an empty range becomes a memo at that point. Highlighted runs can become codings too:
every colour, or only the colours mapped to a code path.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Mapping

import attrs
from lxml import etree

from qualcode.formats.docx.package import W14, W15, DocxPackage, W
from qualcode.formats.docx.text import BR, CR, TAB, Layout, P, T
from qualcode.losses import LossReport
from qualcode.model import Code, Coder, Coding, Document, Memo, new_id
from qualcode.project import Project

HIGHLIGHT_COLOURS: Mapping[str, str] = {
    "yellow": "#FFFF00",
    "green": "#00FF00",
    "cyan": "#00FFFF",
    "magenta": "#FF00FF",
    "blue": "#0000FF",
    "red": "#FF0000",
    "darkBlue": "#000080",
    "darkCyan": "#008080",
    "darkGreen": "#008000",
    "darkMagenta": "#800080",
    "darkRed": "#800000",
    "darkYellow": "#808000",
    "darkGray": "#808080",
    "lightGray": "#C0C0C0",
    "black": "#000000",
    "white": "#FFFFFF",
}
"""Word's highlight colours (ECMA-376 ST_HighlightColor) and their RGB values."""

HIGHLIGHTS_PARENT = "Highlights"
_PARA_ID = f"{{{W14}}}paraId"


class CommentMode(enum.StrEnum):
    """How comments are read."""

    CODES = "codes"
    MEMOS = "memos"
    AUTO = "auto"
    IGNORE = "ignore"


@attrs.frozen
class CommentOptions:
    """How to read comments and highlights as codings."""

    mode: CommentMode = CommentMode.AUTO
    code_separators: str = ";\n"
    hierarchy_separators: str = "/>"
    auto_max_length: int = 60
    """Mode ``auto``: the longest code name (one level of a path), in characters."""
    auto_max_words: int = 8
    """Mode ``auto``: the most words in one code name."""
    highlights: bool | Mapping[str, str] = False
    """False: ignore; True: every colour is a code under ``Highlights``; a mapping: colour name ->
    code path (written with the hierarchy separators), other colours ignored."""

    def code_paths(self, text: str) -> list[tuple[str, ...]]:
        """The code paths a comment's text names, in order, without repeats."""
        found: list[tuple[str, ...]] = []
        for entry in _split(text, self.code_separators):
            path = tuple(part.strip() for part in _split(entry, self.hierarchy_separators))
            path = tuple(part for part in path if part)
            if path and path not in found:
                found.append(path)
        return found

    def reads_as_codes(self, text: str) -> bool:
        """Whether a comment is read as codes (not as a memo) under this mode."""
        if self.mode is CommentMode.CODES:
            return True
        if self.mode is CommentMode.AUTO:
            return reads_like_labels(text, self)
        return False


_SENTENCE_END = re.compile(r"(?:(?<=[^\W\d_])|(?<=[)\]\"'”’]))[.!?…]+[\"'”’)\]]*(?=\s|$)")
"""Sentence punctuation after a word (or a closing bracket or quote), then a space or the end:
``Yes.``, ``Why? It``, ``(see above).``; not ``3.2`` nor ``Q1.``, where it follows a digit."""


def reads_like_labels(text: str, options: CommentOptions) -> bool:
    """Whether a comment reads like code labels rather than like a remark (mode ``auto``).

    Each entry (the text between ``code_separators``: ``;`` and line breaks) must be a label:
    no sentence punctuation (``.``, ``?``, ``!`` or ``…`` ending a word, as in ``Check this.`` or
    ``Why?``), and each level of its path (between ``hierarchy_separators``) at most
    ``auto_max_length`` characters and ``auto_max_words`` words. One entry that is not a label
    makes the whole comment a memo, so a ``/`` inside a remark never makes a code hierarchy. A
    comment with no code name at all (empty, or only separators) is a memo too.
    """
    entries = [e.strip() for e in _split(text, options.code_separators)]
    entries = [e for e in entries if e]
    if not entries or not options.code_paths(text):
        return False
    for entry in entries:
        if _SENTENCE_END.search(entry):
            return False
        for part in _split(entry, options.hierarchy_separators):
            name = part.strip()
            if len(name) > options.auto_max_length or len(name.split()) > options.auto_max_words:
                return False
    return True


@attrs.frozen
class WordComment:
    """One comment of ``comments.xml`` with its thread information."""

    comment_id: str
    author: str
    initials: str
    date: dt.datetime | None
    text: str
    para_id: str
    parent_para_id: str | None = None
    done: bool = False


def read_comments(package: DocxPackage) -> list[WordComment]:
    """The comments of the main document, in file order, with their reply links."""
    part = package.related("comments")
    if part is None or not package.has(part):
        return []
    parents: dict[str, str] = {}
    done: set[str] = set()
    extended = package.related("commentsExtended")
    if extended is not None and package.has(extended):
        for entry in package.xml(extended).iter(f"{{{W15}}}commentEx"):
            para_id = (entry.get(f"{{{W15}}}paraId") or "").upper()
            parent = entry.get(f"{{{W15}}}paraIdParent")
            if parent:
                parents[para_id] = parent.upper()
            if entry.get(f"{{{W15}}}done") in ("1", "true"):
                done.add(para_id)
    found: list[WordComment] = []
    for element in package.xml(part).iterchildren(f"{{{W}}}comment"):
        text, para_id = _comment_text(element)
        found.append(
            WordComment(
                comment_id=element.get(f"{{{W}}}id", ""),
                author=(element.get(f"{{{W}}}author") or "").strip(),
                initials=element.get(f"{{{W}}}initials") or "",
                date=_date(element.get(f"{{{W}}}date")),
                text=text,
                para_id=para_id,
                parent_para_id=parents.get(para_id) if para_id else None,
                done=para_id in done,
            )
        )
    return found


class Codebook:
    """Finds or creates codes by path and coders by name while one project is imported."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._codes: dict[tuple[str, ...], str] = {}
        for code in project.codes:
            self._codes[project.code_path(code.id)] = code.id
        self._coders: dict[str, str] = {c.name: c.id for c in project.coders}

    def code(self, path: tuple[str, ...], color: str | None = None) -> str:
        """The id of the code at ``path``, created (with its parents) if missing."""
        parent: str | None = None
        for depth in range(1, len(path) + 1):
            key = path[:depth]
            code_id = self._codes.get(key)
            if code_id is None:
                last = depth == len(path)
                code = Code(
                    id=new_id(), name=key[-1], parent_id=parent, color=color if last else None
                )
                self.project.add_code(code)
                code_id = self._codes[key] = code.id
            parent = code_id
        assert parent is not None
        return parent

    def coder(self, name: str) -> str | None:
        """The id of the coder with this name, created if missing (None for no name)."""
        if not name:
            return None
        coder_id = self._coders.get(name)
        if coder_id is None:
            coder_id = self.project.add_coder(Coder(id=new_id(), name=name)).id
            self._coders[name] = coder_id
        return coder_id


def apply_comments(
    project: Project,
    document: Document,
    layout: Layout,
    comments: list[WordComment],
    options: CommentOptions,
    report: LossReport,
) -> None:
    """Add the codings, memos and coders that the comments of ``document`` stand for."""
    if options.mode is CommentMode.IGNORE:
        if comments:
            report.add("comments (comments=ignore)", document.name, len(comments))
        return
    book = Codebook(project)
    by_para = {c.para_id: c for c in comments if c.para_id}
    made: dict[str, list[str]] = {}  # comment id -> ids of the codings or memo it became
    codings: list[Coding] = []
    replies: list[WordComment] = []
    as_memos = 0
    for comment in comments:
        if comment.parent_para_id and comment.parent_para_id in by_para:
            replies.append(comment)
            continue
        span = _anchor(comment.comment_id, layout)
        coder_id = book.coder(comment.author)
        forced_memo = memo_prefixed(comment.text)
        forced_codes = codes_prefixed(comment.text) if forced_memo is None else None
        if forced_codes is not None and options.mode is CommentMode.MEMOS:
            forced_codes = None
        if forced_memo is not None or forced_codes is not None:
            comment = attrs.evolve(comment, text=forced_memo or forced_codes or "")
        if span is None:
            report.add("comment anchors (comment kept as a memo on the document)", document.name)
            memo = _memo(comment, coder_id, (document.id,), None)
            made[comment.comment_id] = [project.add_memo(memo).id]
            as_memos += 1
            continue
        start, end = span
        as_codes = forced_memo is None and (
            forced_codes is not None or options.reads_as_codes(comment.text)
        )
        paths = options.code_paths(comment.text) if as_codes else []
        if start < end and paths:
            ids: list[str] = []
            for path in paths:
                coding = Coding(
                    id=new_id(),
                    document_id=document.id,
                    code_id=book.code(path),
                    start=start,
                    end=end,
                    coder_id=coder_id,
                    created=comment.date,
                )
                codings.append(coding)
                ids.append(coding.id)
            made[comment.comment_id] = ids
        else:
            if start == end and paths:
                report.warn(
                    f"{document.name}: comment {comment.comment_id} covers no text; "
                    "kept as a memo at its position"
                )
            memo = _memo(comment, coder_id, (document.id,), (start, end))
            made[comment.comment_id] = [project.add_memo(memo).id]
            as_memos += 1
    project.add_codings(codings)
    _count_comments(
        document.name, len(comments) - len(replies) - as_memos, as_memos, options, report
    )
    for reply in replies:
        root = reply
        seen: set[str] = set()
        while root.parent_para_id in by_para and root.para_id not in seen:
            seen.add(root.para_id)
            root = by_para[root.parent_para_id]
        targets = made.get(root.comment_id)
        if not targets:
            report.add("replies to comments that carried nothing", document.name)
            continue
        memo = _memo(reply, book.coder(reply.author), tuple(targets), None)
        project.add_memo(memo)


def apply_highlights(
    project: Project, document: Document, layout: Layout, options: CommentOptions
) -> None:
    """Add a coding for each stretch of highlighted text whose colour maps to a code."""
    if not options.highlights:
        return
    book = Codebook(project)
    mapping = options.highlights if isinstance(options.highlights, Mapping) else None
    codings: list[Coding] = []
    for start, end, colour in _merge(layout.highlights):
        if mapping is not None:
            target = mapping.get(colour)
            if target is None:
                continue
            paths = options.code_paths(target)
            if not paths:
                continue
            path = paths[0]
        else:
            path = (HIGHLIGHTS_PARENT, colour)
        code_id = book.code(path, HIGHLIGHT_COLOURS.get(colour))
        codings.append(
            Coding(id=new_id(), document_id=document.id, code_id=code_id, start=start, end=end)
        )
    project.add_codings(codings)


def _count_comments(
    name: str, as_codes: int, as_memos: int, options: CommentOptions, report: LossReport
) -> None:
    """One line of the import report counting the comments read each way."""
    if not as_codes and not as_memos:
        return
    line = f"{name}: Word comments: {as_codes} read as codes, {as_memos} as memos on their passages"
    if options.mode is CommentMode.AUTO:
        line += (
            " (a comment that reads like prose is a memo; the import option comments=codes "
            "or comments=memos reads every comment one way)"
        )
    report.warn(line)


MEMO_PREFIX = "Memo:"
_MEMO_PREFIX = re.compile(r"^\s*memo\s*:\s*", re.IGNORECASE)
CODES_PREFIX = "Codes:"
_CODES_PREFIX = re.compile(r"^\s*codes?\s*:\s*", re.IGNORECASE)


def memo_prefixed(text: str) -> str | None:
    """The rest of a comment that starts with ``Memo:`` (always read as a memo), else None."""
    match = _MEMO_PREFIX.match(text)
    return text[match.end() :] if match else None


def codes_prefixed(text: str) -> str | None:
    """The rest of a comment that starts with ``Codes:`` or ``Code:`` (read as codes whatever
    it reads like, unless every comment is read as a memo), else None."""
    match = _CODES_PREFIX.match(text)
    return text[match.end() :] if match else None


def _anchor(comment_id: str, layout: Layout) -> tuple[int, int] | None:
    start = layout.comment_starts.get(comment_id)
    end = layout.comment_ends.get(comment_id)
    reference = layout.comment_references.get(comment_id)
    if start is None and end is None and reference is None:
        return None
    if start is None:
        start = end if end is not None else reference
    if end is None:
        end = reference if reference is not None and reference >= (start or 0) else start
    assert start is not None and end is not None
    return (start, end) if start <= end else (end, start)


def _merge(highlights: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, colour in highlights:
        if merged and merged[-1][2] == colour and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, colour)
        else:
            merged.append((start, end, colour))
    return merged


def _memo(
    comment: WordComment,
    coder_id: str | None,
    targets: tuple[str, ...],
    span: tuple[int, int] | None,
) -> Memo:
    first_line = comment.text.split("\n", 1)[0]
    name = first_line if len(first_line) <= 60 else first_line[:59] + "…"
    if comment.author:
        name = name or f"Comment by {comment.author}"
    return Memo(
        id=new_id(),
        name=name or "Comment",
        text=comment.text,
        target_ids=targets,
        start=span[0] if span else None,
        end=span[1] if span else None,
        created_by=coder_id,
        created_at=comment.date,
    )


def _comment_text(comment: etree._Element) -> tuple[str, str]:
    """A comment's text (paragraphs as lines, tabs and breaks kept, outer space stripped) and
    the ``w14:paraId`` of its last paragraph (what replies point to)."""
    paragraphs: list[list[str]] = []
    para_id = ""
    for node in comment.iter(P, T, TAB, BR, CR):
        tag = node.tag
        if tag == P:
            paragraphs.append([])
            para_id = node.get(_PARA_ID) or ""
        elif paragraphs:
            if tag == T:
                paragraphs[-1].append(node.text or "")
            else:
                paragraphs[-1].append("\t" if tag == TAB else "\n")
    return "\n".join("".join(p) for p in paragraphs).strip(), para_id.upper()


def _split(text: str, separators: str) -> list[str]:
    if not separators:
        return [text]
    return _splitter(separators).split(text)


@functools.lru_cache(maxsize=32)
def _splitter(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators) + "]")


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
