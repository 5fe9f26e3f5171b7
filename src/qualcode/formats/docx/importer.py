"""The Word (.docx) importer: one .docx becomes a project with one document.

The document's text is the canonical text of :mod:`qualcode.formats.docx.text`; its paragraphs
and speaker turns come from :mod:`qualcode.formats.docx.structure`; its comments (and optionally
highlights) become codings, memos and coders through :mod:`qualcode.formats.docx.comments`. The
original bytes are kept as the document's ``source_file``, so a REFI-QDA export can carry the
rich text.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from qualcode.errors import OptionError, ParseError
from qualcode.fileio import read_bytes
from qualcode.formats.base import Importer, ImportResult
from qualcode.formats.docx.comments import (
    CommentMode,
    CommentOptions,
    apply_comments,
    apply_highlights,
    read_comments,
)
from qualcode.formats.docx.package import (
    DOCX_MEDIA_TYPE,
    OLE_MAGIC,
    ZIP_MAGIC,
    DocxPackage,
    W,
)
from qualcode.formats.docx.structure import (
    StyleSheet,
    paragraphs,
    read_styles,
    turns,
)
from qualcode.formats.docx.text import NotesRule, extract, index_notes
from qualcode.losses import LossReport
from qualcode.model import Document, DocumentKind, SourceFile, SourceKind, new_id
from qualcode.options import parse_boolean
from qualcode.project import Project
from qualcode.text import check_speaker_patterns


class DocxImporter(Importer):
    name = "docx"
    extensions = (".docx", ".docm", ".dotx", ".doc")
    description = (
        "Word documents (.docx): text, structure, and comments as codings "
        "(a legacy .doc gets an error asking to save it as .docx)"
    )
    options = {
        "kind": "document kind: interview (default), diary, field_note, focus_group, "
        "survey_response, other",
        "comments": "how comments are read: auto (default: a comment that reads like a label "
        "is codes, one that reads like prose a memo on its passage), codes, memos or ignore",
        "code_separators": "characters that separate code names in a comment (default ';' and "
        "line breaks)",
        "hierarchy_separators": "characters that separate levels of a code path (default '/>')",
        "auto_max_length": "comments=auto: longest code name read as a code, in characters "
        "(default 60)",
        "auto_max_words": "comments=auto: most words in a code name read as a code (default 8)",
        "highlights": "highlighted text as codings: off (default), all (one code per colour "
        "under 'Highlights') or a mapping such as 'yellow=Barriers,green=Support/Family'",
        "notes": "footnotes and endnotes: end (labels in the text, notes after it; default) or "
        "omit",
        "speaker_pattern": "regular expression(s) with a group named 'speaker' for speaker "
        "labels, used instead of the built-in ones",
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if head.startswith(OLE_MAGIC):
            return "WordDocument".encode("utf-16-le") in head or path.suffix.lower() == ".doc"
        return head.startswith(ZIP_MAGIC) and b"word/" in head

    def read(self, path: Path, **options: Any) -> ImportResult:
        return read_docx(path, **options)


def read_docx(path: str | Path, data: bytes | None = None, **options: Any) -> ImportResult:
    """Read one .docx into a new project (``data``: its bytes, if already read)."""
    path = Path(path)
    kind = _kind(options.get("kind") or DocumentKind.INTERVIEW.value)
    rule = _choice(NotesRule, options.get("notes") or NotesRule.END.value, "notes")
    comment_options = comment_options_from(options)
    patterns = check_speaker_patterns(options.get("speaker_pattern"))
    if data is None:
        data = read_bytes(path)
    package = DocxPackage(path, data)
    body = package.xml(package.main_part).find(f"{{{W}}}body")
    if body is None:
        raise ParseError(
            "the main document part has no body",
            path=path,
            hint="open the file in Word and save it again as .docx",
        )
    styles_part = package.related("styles")
    styles = (
        _style_sheet(package, styles_part)
        if styles_part and package.has(styles_part)
        else read_styles(None)
    )
    notes = _notes(package) if rule is NotesRule.END else {}
    layout = extract(body, notes, rule, styles.hidden)
    if not layout.text.strip():
        raise ParseError(
            "the document has no text to code",
            path=path,
            hint="check that this is the right file; text in text boxes, headers or pictures "
            "is not read, and neither is hidden text, so move it into the body of the document "
            "or unhide it",
        )
    document = Document(
        id=new_id(),
        name=path.stem,
        text=layout.text,
        kind=kind,
        source=SourceKind.TEXT,
        source_file=SourceFile(name=path.name, data=data, media_type=DOCX_MEDIA_TYPE),
        paragraphs=paragraphs(layout.paragraphs, styles, layout.text),
        turns=turns(layout.text, patterns),
    )
    project = Project(name=path.stem)
    project.add_document(document)
    report = LossReport()
    apply_comments(project, document, layout, read_comments(package), comment_options, report)
    apply_highlights(project, document, layout, comment_options)
    for what, count in sorted(layout.skipped.items()):
        report.add(f"{what} (not text)", path.name, count)
    if layout.hidden_characters:
        report.add("characters of hidden text (left out)", path.name, layout.hidden_characters)
    return ImportResult(project, report)


def comment_options_from(options: Mapping[str, Any]) -> CommentOptions:
    """The comment and highlight options, checked."""
    defaults = CommentOptions()
    mode = _choice(CommentMode, options.get("comments") or defaults.mode.value, "comments")
    max_length = _count_option(options, "auto_max_length", defaults.auto_max_length)
    max_words = _count_option(options, "auto_max_words", defaults.auto_max_words)
    return CommentOptions(
        mode=mode,
        code_separators=str(options.get("code_separators", defaults.code_separators)),
        hierarchy_separators=str(
            options.get("hierarchy_separators", defaults.hierarchy_separators)
        ),
        auto_max_length=max_length,
        auto_max_words=max_words,
        highlights=_highlights(options.get("highlights", False)),
    )


def _count_option(options: Mapping[str, Any], name: str, default: int) -> int:
    """A whole number of at least 1 given as option ``name`` (``default`` when not given)."""
    value = options.get(name, default)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        number = 0
    if isinstance(value, bool) or number < 1:
        raise OptionError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def _highlights(value: object) -> bool | Mapping[str, str]:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    text = str(value).strip()
    word = text.lower()
    if word in ("all", "none", ""):
        return word == "all"
    flag = parse_boolean(word)
    if flag is not None:
        return flag
    mapping: dict[str, str] = {}
    for item in text.split(","):
        colour, equals, code = item.partition("=")
        if not equals or not colour.strip() or not code.strip():
            raise OptionError(
                f"highlights: cannot read {item.strip()!r}",
                hint="write colour=code pairs separated by commas, e.g. "
                "'yellow=Barriers,green=Support/Family', or 'all'",
            )
        mapping[colour.strip()] = code.strip()
    return mapping


def _kind(value: object) -> DocumentKind:
    try:
        return DocumentKind(str(value))
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise OptionError(f"unknown document kind {value!r}; use one of: {known}") from None


def _choice(enum_type: type[Any], value: object, option: str) -> Any:
    try:
        return enum_type(str(value))
    except ValueError:
        known = ", ".join(item.value for item in enum_type)
        raise OptionError(f"{option}: unknown value {value!r}; use one of: {known}") from None


_STYLE_SHEETS: dict[tuple[int, int], StyleSheet] = {}


def _style_sheet(package: DocxPackage, part: str) -> StyleSheet:
    # documents made from one template share their styles part: read each one once, known by
    # the CRC-32 and size the ZIP directory records for it
    key = package.fingerprint(part)
    sheet = _STYLE_SHEETS.get(key)
    if sheet is None:
        sheet = read_styles(package.xml(part))
        if len(_STYLE_SHEETS) >= 16:
            _STYLE_SHEETS.clear()
        _STYLE_SHEETS[key] = sheet
    return sheet


def _notes(package: DocxPackage) -> dict[str, dict[str, etree._Element]]:
    found: dict[str, dict[str, etree._Element]] = {}
    for kind, relation in (("footnote", "footnotes"), ("endnote", "endnotes")):
        part = package.related(relation)
        if part and package.has(part):
            found[kind] = index_notes(package.xml(part), kind)
    return found
