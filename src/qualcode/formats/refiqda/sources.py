"""Parsing REFI-QDA source elements into plain records, before positions are converted.

Each source (TextSource, PDFSource, PictureSource, AudioSource, VideoSource) becomes a
:class:`RawSource`: its document fields, its text, and its selections with positions still in the
producer's unit. The reader converts positions once it knows which convention fits.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from pathlib import PurePosixPath

import attrs

from qualcode.errors import TextEncodingError
from qualcode.formats.refiqda.selection_block import SelectionBlock, read_block
from qualcode.formats.refiqda.word_text import is_word_file, text_from_word
from qualcode.formats.refiqda.xml import (
    Attributes,
    Element,
    child,
    child_text,
    children,
    guid_of,
    local,
    parse_datetime,
    text_of,
)
from qualcode.losses import LossReport
from qualcode.model import (
    MediaRange,
    PdfRegion,
    PictureRegion,
    Region,
    SourceFile,
    SourceKind,
    TextOrigin,
    new_id,
)
from qualcode.text import crlf_line_ends, decode, normalize_newlines

SOURCE_KINDS = {
    "TextSource": SourceKind.TEXT,
    "PDFSource": SourceKind.PDF,
    "PictureSource": SourceKind.PICTURE,
    "AudioSource": SourceKind.AUDIO,
    "VideoSource": SourceKind.VIDEO,
}

_REGION_SELECTIONS = frozenset(
    {"PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection"}
)

FileResolver = Callable[[str], bytes | None]
"""Returns an internal file's bytes by its name, or None when it is missing."""


@attrs.define
class RawCoding:
    guid: str
    code_id: str
    coder_id: str | None
    created: dt.datetime | None
    note_refs: list[str]


@attrs.define
class RawSelection:
    guid: str
    name: str
    start: int
    end: int
    region: Region | None
    codings: list[RawCoding]
    note_refs: list[str]
    description: str
    coder_id: str | None
    created: dt.datetime | None
    from_sync: str | None = None
    to_sync: str | None = None
    spans_text: bool = False
    """A region selection that also spans ``start``..``end`` of the source's text (a PDF box
    merged with its text twin, see :mod:`.twins`); a selection without a region always does."""
    missing: tuple[str, ...] = ()
    """Position attributes the selection lacked (or had empty), read as :data:`ASSUMED` says."""
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


ASSUMED = {
    "startPosition": "0 was assumed",
    "endPosition": "its end was taken to be its start",
}
"""What a text selection without a position attribute (or with an empty one) is read as."""


@attrs.define
class RawSource:
    guid: str
    name: str
    kind: SourceKind
    text: str = ""
    origin: TextOrigin | None = None
    crlf_ends: tuple[int, ...] = ()
    """Where the text file mixed its line ends, the positions in ``text`` of those that were
    CRLF (see :func:`qualcode.text.crlf_line_ends`)."""
    text_lost: str = ""
    """Why the text the selections point into could not be read (e.g. "the text file is
    missing"); empty when it was read or there was none to read."""
    description: str = ""
    source_file: SourceFile | None = None
    selections: list[RawSelection] = attrs.field(factory=list)
    block: SelectionBlock | None = None
    """The plain-text selections, when all are in the common shape (then none are in
    ``selections``)."""
    note_refs: list[str] = attrs.field(factory=list)
    values: list[tuple[str, str, str]] = attrs.field(factory=list)
    """(variable GUID, value element name, value text)"""
    sync_points: dict[str, tuple[int | None, int | None]] = attrs.field(factory=dict)
    """Sync point GUID -> (time in ms, position); in document order."""
    created_by: str | None = None
    created_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


_HOLDERS = {
    "Transcript": "transcripts",
    "Representation": "text representations of PDFs",
    "TextDescription": "text descriptions of pictures",
}
"""The elements that hold a non-text source's text, as the report names them."""


def _inline_text(inline: str, source: RawSource) -> None:
    """Put an inline ``PlainTextContent`` into ``source`` as its text."""
    text, newline = normalize_newlines(inline)
    source.text, source.origin = text, TextOrigin(newline=newline)
    source.crlf_ends = tuple(crlf_line_ends(inline)) if newline == "mixed" else ()


def _missing_positions(element: Element) -> tuple[str, ...]:
    """The position attributes of a text selection that are missing or empty."""
    return tuple(name for name in ASSUMED if not (element.get(name) or "").strip())


def _missing_warnings(name: str, missing: dict[str, list[str]]) -> list[str]:
    """Warnings for the selections of source ``name`` that lacked position attributes:
    attribute -> the GUIDs of those selections, in file order."""
    warnings: list[str] = []
    for attribute, guids in missing.items():
        if not guids:
            continue
        if len(guids) == 1:
            who = f"selection {guids[0]} of {name!r} had"
        else:
            who = f"{len(guids)} selections of {name!r} (first {guids[0]}) had"
        warnings.append(f"{who} no (or an empty) {attribute}; {ASSUMED[attribute]}")
    return warnings


def _has_selections(source: RawSource) -> bool:
    return bool(source.selections) or (source.block is not None and len(source.block) > 0)


def internal_name(path: str) -> str | None:
    """The internal file name of a path attribute, or None for files outside the project."""
    value = path.strip()
    lowered = value.lower()
    if lowered.startswith("internal://"):
        value = value[len("internal://") :]
    elif "://" in lowered:
        return None
    return PurePosixPath(value.replace("\\", "/").lstrip("/")).name or None


class SourceParser:
    """Turns source elements into :class:`RawSource` records, reading internal files."""

    def __init__(self, label: str, resolve: FileResolver, report: LossReport) -> None:
        self.label = label
        self.resolve = resolve
        self.report = report
        self.shared: dict[str, str] = {}
        """Code and coder GUIDs, so that the codings that share one share one string."""

    def attributes(self, element: Element) -> Attributes:
        return Attributes(element, self.label)

    def parse(self, element: Element) -> RawSource | None:
        kind = SOURCE_KINDS.get(local(element))
        if kind is None:
            self.report.add(f"unknown source elements <{local(element)}>", "Sources")
            return None
        a = self.attributes(element)
        source = RawSource(
            guid=a.guid(),
            name=a.text("name"),
            kind=kind,
            description=child_text(element, "Description") or "",
            created_by=a.optional_guid("creatingUser"),
            created_at=a.datetime("creationDateTime"),
            modified_by=a.optional_guid("modifyingUser"),
            modified_at=a.datetime("modifiedDateTime"),
        )
        if kind is SourceKind.TEXT:
            rich = a.optional("richTextPath")
            word = self._file(rich, source.name) if rich else None
            self._text(element, source, word=word if is_word_file(word) else None)
            source.source_file = word
            if not (source.text.strip() or source.text_lost) and _has_selections(source):
                source.text_lost = "its plain text is empty" + (
                    ", and its rich text is not a Word file qualcode reads"
                    if word is not None and word.data is not None
                    else ", and the project holds no rich text (.docx) to read it from"
                )
        else:
            source.source_file = self._media_file(a, source.name)
            self._media(element, source)
        for ref in children(element, "NoteRef"):
            source.note_refs.append(self.attributes(ref).guid("targetGUID"))
        for value in children(element, "VariableValue"):
            parsed = self.value(value)
            if parsed is not None:
                source.values.append(parsed)
        return source

    def _media_file(self, a: Attributes, owner: str) -> SourceFile | None:
        """The file of a non-text source, from ``path`` (else ``currentPath``).

        Where both are given and differ, ``currentPath`` (where the file is now) is kept as the
        file's path when the file itself is inside the project; otherwise it is reported.
        """
        path, current = a.optional("path"), a.optional("currentPath")
        if not path:
            return self._file(current, owner) if current else None
        found = self._file(path, owner)
        if current and current.strip() != path.strip():
            if found is not None and found.data is not None and found.path is None:
                return attrs.evolve(found, path=current)
            self.report.add("current paths of source files beside their path (not kept)", owner)
        return found

    def value(self, element: Element) -> tuple[str, str, str] | None:
        """``(variable GUID, value element name, text)`` of a VariableValue, if it has one."""
        ref = child(element, "VariableRef")
        if ref is None:
            self.report.add("variable values without a variable", "VariableValue")
            return None
        for item in children(element):
            name = local(item)
            if name.endswith("Value"):
                return self.attributes(ref).guid("targetGUID"), name, text_of(item)
        return None

    def parse_note(self, element: Element) -> tuple[str, str, str] | None:
        """``(GUID, name, text)`` of a Note (a text source of its own)."""
        a = self.attributes(element)
        note = RawSource(guid=a.guid(), name=a.text("name"), kind=SourceKind.TEXT)
        inline = child_text(element, "PlainTextContent")
        path = a.optional("plainTextPath")
        self._both_texts(element, note.name, inline, path, inline_wins=inline is not None)
        if inline is None and path:
            self._load_text(path, note)
        else:
            note.text = inline or ""  # a note's text is kept as written, line ends included
        for selection in children(element, "PlainTextSelection"):
            note.selections.append(self.selection(selection, positions=True))
        if note.selections:
            self.report.add("selections inside notes", note.name, len(note.selections))
        return note.guid, note.name, note.text

    # -- text ------------------------------------------------------------------------------

    def _text(
        self,
        element: Element,
        source: RawSource,
        *,
        nested: bool = False,
        word: SourceFile | None = None,
    ) -> None:
        """Read a TextSourceType element's text and plain-text selections into ``source``.

        ``nested``: the element is a PDF representation or picture description, whose note
        references belong to the source. ``word``: the source's rich text, a Word file the
        archive holds, to read the text from where the plain text is missing or empty (NVivo
        for Mac 15 writes a plain text of one line end, see :mod:`.word_text`).
        """
        a = self.attributes(element)
        inline = child_text(element, "PlainTextContent")
        path = a.optional("plainTextPath")
        self._both_texts(element, source.name, inline, path, inline_wins=bool(inline))
        if inline or not path:
            _inline_text(inline or "", source)
        else:
            loss = self._load_text(path, source, report=word is None)
            if (
                word is not None
                and loss is not None
                and not text_from_word(source, word, self.report)
            ):
                self.report.add(*loss)
        if word is not None and not source.text_lost and not source.text.strip():
            text_from_word(source, word, self.report)
        if nested:
            self._holder_extras(element, source)
        block = None if nested else read_block(element, self.shared)
        missing: dict[str, list[str]] = {name: [] for name in ASSUMED}
        if block is not None:
            source.block = block
            loose = sum(1 for _ in element.iterchildren("{*}Coding"))
            first = next(element.iterchildren("{*}PlainTextSelection"), None)
            if first is not None and "endPosition" in _missing_positions(first):
                missing["endPosition"] = block.selection_ids  # then none has one
        else:
            before = len(source.selections)
            loose = self._text_selections(element, source)
            for selection in source.selections[before:]:
                for name in selection.missing:
                    missing[name].append(selection.guid)
        for warning in _missing_warnings(source.name, missing):
            self.report.warn(warning)
        if loose:
            self.report.add("codings of a whole text", source.name, loose)
        if nested:
            for ref in children(element, "NoteRef"):
                source.note_refs.append(self.attributes(ref).guid("targetGUID"))

    def _text_selections(self, element: Element, source: RawSource) -> int:
        """Read plain-text selections one element at a time; returns the loose codings."""
        loose = 0
        selections = source.selections
        for item in element:
            tag: object = item.tag
            if not isinstance(tag, str):
                continue
            kind = tag[tag.rfind("}") + 1 :]
            if kind == "PlainTextSelection":
                selections.append(self.text_selection(item))
            elif kind == "Coding":
                loose += 1
        return loose

    def _both_texts(
        self,
        element: Element,
        owner: str,
        inline: str | None,
        path: str | None,
        *,
        inline_wins: bool,
    ) -> None:
        """Warn where an element has both a text file and an inline text (the standard allows
        one), saying which was used: the caller's choice, unchanged."""
        if inline is None or not path:
            return
        if inline_wins:
            used = "the inline PlainTextContent was used, the file ignored"
        else:
            used = "its PlainTextContent is empty, so the file was used"
        self.report.warn(
            f"<{local(element)}> {owner!r} has both plainTextPath ({path!r}) and "
            f"PlainTextContent; {used}"
        )

    def _load_text(
        self, path: str, source: RawSource, *, report: bool = True
    ) -> tuple[str, str] | None:
        """Read the text file ``path`` into ``source``; returns the loss ``(what, where)`` when
        it cannot be read, also recorded in the report unless ``report`` is false."""
        name = internal_name(path)
        if name is None:
            loss = ("texts kept outside the project (not read)", source.name)
            source.text_lost = "the text is kept outside the project"
        elif (data := self.resolve(name)) is None:
            loss = ("source files missing from the project", f"{source.name} ({name})")
            source.text_lost = "the text file is missing"
        else:
            try:
                decoded = decode(data, f"{self.label}!{name}")
            except TextEncodingError as error:
                loss = (f"texts that could not be decoded ({error.message})", source.name)
                source.text_lost = "the text could not be decoded"
            else:
                source.text = decoded.text
                source.origin = decoded.origin
                source.crlf_ends = decoded.crlf_ends
                return None
        if report:
            self.report.add(*loss)
        return loss

    def _file(self, path: str, owner: str) -> SourceFile | None:
        name = internal_name(path)
        leaf = PurePosixPath(path.replace("\\", "/")).name
        media_type = mimetypes.guess_type(leaf)[0] or ""
        if name is None:
            return SourceFile(name=leaf, path=path, media_type=media_type)
        data = self.resolve(name)
        if data is None:
            self.report.add("source files missing from the project", f"{owner} ({name})")
            return None
        return SourceFile(name=name, data=data, media_type=media_type)

    # -- selections ------------------------------------------------------------------------

    def text_selection(self, element: Element) -> RawSelection:
        """A PlainTextSelection: the common case read directly, anything unusual the slow way."""
        get = element.get
        start_text, end_text = get("startPosition"), get("endPosition")
        try:
            start = int(start_text or 0)
            end = int(end_text or start)
        except ValueError:
            return self.selection(element, positions=True)
        missing = () if start_text and end_text else _missing_positions(element)
        modifier, modified = get("modifyingUser"), get("modifiedDateTime")
        codings, note_refs, description = self._selection_children(element)
        guid = get("guid")
        user = get("creatingUser")
        created = get("creationDateTime")
        return RawSelection(
            guid=guid_of(guid) if guid else new_id(),
            name=get("name") or "",
            start=start,
            end=end,
            region=None,
            codings=codings,
            note_refs=note_refs,
            description=description,
            coder_id=guid_of(user) if user else None,
            created=parse_datetime(created) if created else None,
            missing=missing,
            modified_by=guid_of(modifier) if modifier and modifier.strip() else None,
            modified_at=parse_datetime(modified) if modified else None,
        )

    def selection(self, element: Element, *, positions: bool) -> RawSelection:
        a = self.attributes(element)
        name = local(element)
        transcript = name == "TranscriptSelection"
        region: Region | None = None
        start = end = 0
        missing: tuple[str, ...] = ()
        if positions:
            start = a.integer("startPosition", 0)
            end = a.integer("endPosition", start)
            missing = _missing_positions(element)
        elif name == "PDFSelection":
            region = PdfRegion(
                page=a.integer("page", 0),
                first_x=float(a.integer("firstX", 0)),
                first_y=float(a.integer("firstY", 0)),
                second_x=float(a.integer("secondX", 0)),
                second_y=float(a.integer("secondY", 0)),
            )
            if child(element, "Representation") is not None:
                self.report.add("text representations of PDF boxes", "PDFSelection")
        elif name == "PictureSelection":
            region = PictureRegion(
                a.integer("firstX", 0),
                a.integer("firstY", 0),
                a.integer("secondX", 0),
                a.integer("secondY", 0),
            )
        elif name in ("AudioSelection", "VideoSelection"):
            begin = a.integer("begin", 0)
            region = MediaRange(begin, a.integer("end", begin))
        codings, note_refs, description = self._selection_children(element)
        return RawSelection(
            guid=a.optional_guid("guid") or new_id(),
            name=a.text("name"),
            start=start,
            end=end,
            region=region,
            codings=codings,
            note_refs=note_refs,
            description=description,
            coder_id=a.optional_guid("creatingUser"),
            created=a.datetime("creationDateTime"),
            from_sync=a.optional_guid("fromSyncPoint") if transcript else None,
            to_sync=a.optional_guid("toSyncPoint") if transcript else None,
            missing=missing,
            modified_by=a.optional_guid("modifyingUser"),
            modified_at=a.datetime("modifiedDateTime"),
        )

    def _selection_children(self, element: Element) -> tuple[list[RawCoding], list[str], str]:
        """A selection's codings, note references and description."""
        codings: list[RawCoding] = []
        note_refs: list[str] = []
        description = ""
        for item in element:
            tag: object = item.tag
            if not isinstance(tag, str):
                continue
            kind = tag[tag.rfind("}") + 1 :]
            if kind == "Coding":
                coding = self.coding(item)
                if coding is not None:
                    codings.append(coding)
            elif kind == "NoteRef":
                note_refs.append(self.attributes(item).guid("targetGUID"))
            elif kind == "Description":
                description = text_of(item)
        return codings, note_refs, description

    def coding(self, element: Element) -> RawCoding | None:
        get = element.get
        code_id: str | None = None
        note_refs: list[str] = []
        for item in element:
            tag: object = item.tag
            if not isinstance(tag, str):
                continue
            kind = tag[tag.rfind("}") + 1 :]
            if kind == "CodeRef" and code_id is None:
                code_id = self.attributes(item).guid("targetGUID")
            elif kind == "NoteRef":
                note_refs.append(self.attributes(item).guid("targetGUID"))
        if code_id is None:
            self.report.add("codings without a code", "Coding")
            return None
        guid = get("guid")
        user = get("creatingUser")
        created = get("creationDateTime")
        return RawCoding(
            guid=guid_of(guid) if guid and guid.strip() else new_id(),
            code_id=code_id,
            coder_id=guid_of(user) if user and user.strip() else None,
            created=parse_datetime(created) if created else None,
            note_refs=note_refs,
        )

    # -- non-text sources ------------------------------------------------------------------

    def _media(self, element: Element, source: RawSource) -> None:
        """The text, transcript and selections of a non-text source, in file order."""
        holder_name = {SourceKind.PDF: "Representation", SourceKind.PICTURE: "TextDescription"}
        holder = holder_name.get(source.kind)
        transcripts = loose = 0
        for item in children(element):
            name = local(item)
            if name == holder:
                self._text(item, source, nested=True)
            elif name == "Transcript":
                transcripts += 1
                if transcripts == 1:
                    self._transcript(item, source)
            elif name in _REGION_SELECTIONS:
                source.selections.append(self.selection(item, positions=False))
            elif name == "Coding":
                loose += 1
        if transcripts > 1:
            self.report.add("transcripts beyond the first", source.name, transcripts - 1)
        if loose:
            self.report.add("codings of a whole source", source.name, loose)

    def _holder_extras(self, element: Element, source: RawSource) -> None:
        """What a Transcript, a PDF's Representation or a picture's TextDescription says beyond
        its text and selections.

        The model keeps one file and one description per document: the source's own. A
        holder's description becomes the document's where the source has none (with a
        warning); otherwise it, the holder's rich-text file (a transcript's .docx, say) and a
        transcript's name of its own are reported as lost.
        """
        a = self.attributes(element)
        kind = local(element)
        holders = _HOLDERS.get(kind, f"<{kind}> elements")
        if (a.optional("richTextPath") or "").strip():
            self.report.add(f"rich-text files of {holders} (not kept)", source.name)
        description = child_text(element, "Description") or ""
        if description.strip() and description != source.description:
            if not source.description.strip():
                source.description = description
                self.report.warn(
                    f"the description of the <{kind}> of {source.name!r} was kept as the "
                    "source's description (the source had none)"
                )
            else:
                self.report.add(
                    f"descriptions of {holders} (the source's own is kept)", source.name
                )
        name = a.text("name").strip()
        if kind == "Transcript" and name and name != source.name.strip():
            self.report.add("names of transcripts", source.name)

    def _transcript(self, element: Element, source: RawSource) -> None:
        a = self.attributes(element)
        inline = child_text(element, "PlainTextContent")
        path = a.optional("plainTextPath")
        self._both_texts(element, source.name, inline, path, inline_wins=bool(inline))
        if inline or not path:
            _inline_text(inline or "", source)
        else:
            self._load_text(path, source)
        self._holder_extras(element, source)
        for point in children(element, "SyncPoint"):
            p = self.attributes(point)
            guid = p.guid()
            if guid in source.sync_points:  # the first is kept, as for every other element
                self.report.add(
                    "sync points whose GUID is used twice (the later skipped)", source.name
                )
                continue
            source.sync_points[guid] = (
                p.optional_integer("timeStamp"),
                p.optional_integer("position"),
            )
        for selection in children(element, "TranscriptSelection"):
            source.selections.append(self.selection(selection, positions=False))
        for ref in children(element, "NoteRef"):
            source.note_refs.append(self.attributes(ref).guid("targetGUID"))
