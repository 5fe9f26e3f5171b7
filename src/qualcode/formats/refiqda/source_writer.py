"""Writing REFI-QDA sources: texts, PDFs, pictures, audio and video, with their selections.

Positions, line ends and BOM follow the target. One selection is written per coding (NVivo's
way; every reader accepts it), named with the start of its quote so a reader can check positions;
a PDF box coding that also spans text gets a second one, in the PDF's text (see
:meth:`SourceWriter._text_twins`).
"""

from __future__ import annotations

import mimetypes
import re
from collections import defaultdict

import attrs

from qualcode.formats import json_values
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.selection_xml import PLAIN_ATTRIBUTE, attribute
from qualcode.formats.refiqda.targets import is_rich_file
from qualcode.formats.refiqda.writer_base import XmlWriter
from qualcode.formats.refiqda.written_text import ExternalPositions, WrittenText
from qualcode.formats.refiqda.xml import Element
from qualcode.model import (
    Coding,
    Document,
    MediaRange,
    Memo,
    PdfRegion,
    PictureRegion,
    SourceKind,
    TextOrigin,
)
from qualcode.text import OffsetMap

_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: UTF-8 cannot encode one, XML cannot hold one."""


def _inline(text: str) -> str:
    """A text as written inline (PlainTextContent), as :class:`WrittenText` writes it."""
    return WrittenText.plain(text)


NAME_QUOTE_LENGTH = 40
"""How much of its quote a selection's name carries."""


def _quote_name(quote: str) -> str:
    """A selection's name: the start of its quote, made fit for XML without counting the
    characters replaced (they are counted once, where the text itself is written)."""
    return extras.xml_safe(quote[:NAME_QUOTE_LENGTH])


_SOURCE_ELEMENTS = {
    SourceKind.TEXT: "TextSource",
    SourceKind.PDF: "PDFSource",
    SourceKind.PICTURE: "PictureSource",
    SourceKind.AUDIO: "AudioSource",
    SourceKind.VIDEO: "VideoSource",
}


class SourceWriter(XmlWriter):
    """Writes the ``Sources`` section."""

    def _sources(self, root: Element) -> None:
        project = self.project
        if not len(project.documents):
            return
        codings: dict[str, list[Coding]] = defaultdict(list)
        for coding in project.codings:
            codings[coding.document_id].append(coding)
        sources = self.sub(root, "Sources")
        for document in project.documents:
            self._source(sources, document, codings.get(document.id, []))

    def _source_attributes(self, document: Document) -> dict[str, str | None]:
        return {
            "guid": document.id,
            "name": document.name,
            "creatingUser": self._user(document.created_by),
            "creationDateTime": self._time(document.created_at),
            "modifyingUser": self._user(document.modified_by),
            "modifiedDateTime": self._time(document.modified_at),
        }

    def _fits(self, document: Document, coding: Coding) -> bool:
        """Whether a coding's region (if any) can be written for its source's kind."""
        if coding.region is None:
            return True
        return _region_attributes(document.source, coding.region) is not None

    def _source(self, sources: Element, document: Document, codings: list[Coding]) -> None:
        kind = document.source
        attributes = self._source_attributes(document)
        region_codings = [c for c in codings if c.region is not None and self._fits(document, c)]
        text_codings = [c for c in codings if c.region is None or not self._fits(document, c)]
        for coding in codings:
            if coding.region is not None and not self._fits(document, coding):
                self.extras.put(coding.id, {"region": json_values.encode_value(coding.region)})
                self._tool_loss(f"box or time codings that do not fit a {kind.value} source")
        if "\r" in document.text:
            self.report.add("carriage returns inside texts (read back as line ends)", document.name)
        if kind is SourceKind.TEXT:
            rich = self._original_path(document, rich_only=True)
            element = self.sub(sources, "TextSource", **attributes, richTextPath=rich)
            self.description(element, document.description)
            self._text_body(element, document, text_codings, document.id)
        else:
            path = self._original_path(document, rich_only=False)
            element = self.sub(sources, _SOURCE_ELEMENTS[kind], **attributes, path=path)
            self.description(element, document.description)
            self._media_body(element, document, text_codings, region_codings)
        self.note_refs(element, document.id)
        for variable_id, value in document.attributes.items():
            self.variable_value(element, variable_id, value)
        if self._kind_variable is not None and document.kind.value != "other":
            element_value = self.sub(element, "VariableValue")
            self.sub(element_value, "VariableRef", targetGUID=self._kind_variable)
            self.text_child(element_value, "TextValue", document.kind.value)
        if self._time_variable is not None and document.time_point is not None:
            element_value = self.sub(element, "VariableValue")
            self.sub(element_value, "VariableRef", targetGUID=self._time_variable)
            self.text_child(element_value, "IntegerValue", str(document.time_point))

    def _original_path(self, document: Document, *, rich_only: bool) -> str | None:
        """The path attribute for a document's original file; qualcode's note keeps the rest."""
        original = document.source_file
        if original is None:
            return None
        stored: dict[str, object] = {
            "name": original.name,
            "media_type": original.media_type,
            "path": original.path,
        }
        self.extras.put(document.id, {"source_file": stored})
        if rich_only and not is_rich_file(original.name):
            self._keep_in_note(document, stored, "original files that are not rich text")
            return None
        if original.data is not None and self.container:
            extension = _extension(original.name)
            file_name = f"{document.id}.{extension}"
            self.files.append((file_name, original.data))
            if (original.name, original.path, original.media_type) == (
                file_name,
                None,
                mimetypes.guess_type(file_name)[0] or "",
            ):  # read back as it is: the note need not describe it
                self.restorable[document.id].add("source_file")
            return f"internal://{file_name}"
        if original.data is not None:
            self._keep_in_note(document, stored, "original files (a bare .qde cannot carry them)")
        if original.path:
            path = _path_with_scheme(original.path)
            self.relative_paths = self.relative_paths or path.startswith("relative://")
            return path
        return None

    def _keep_in_note(self, document: Document, stored: dict[str, object], what: str) -> None:
        """Keep a small original file in qualcode's note; report a large one as lost."""
        original = document.source_file
        if original is None or original.data is None:
            return
        if len(original.data) <= MAX_NOTE_FILE:
            stored["data"] = json_values.encode_value(original.data)
            self._tool_loss(what)
        else:
            self.report.add(what, document.name)

    def _text_file(self, owner_id: str, document: Document) -> tuple[str | None, ExternalPositions]:
        """Where a text goes (internal file or inline) and the map of its positions.

        A NUL character (which no reader accepts in a text file) is written as U+FFFD, one
        position wide like the original; so is a lone surrogate (which UTF-8 cannot encode),
        counted with the characters XML cannot hold. qualcode's note keeps the exact text.
        Carriage returns and a leading U+FEFF are written as readers will read them (see
        :mod:`.written_text`) and reported.
        """
        text = document.text
        origin = self.target.text_origin if self.container else None
        form = WrittenText(text, self.target.convention, origin)
        if not form.exact:
            self.written_forms[document.id] = form
        else:  # how the reader will decode it (see qualcode.text.decode, normalize_newlines)
            line_end = origin.newline if origin is not None and "\n" in text else "\n"
            self.read_back_origins[document.id] = TextOrigin(
                had_bom=origin is not None and origin.had_bom, newline=line_end
            )
        if form.marks_dropped:
            self.report.add("byte order marks at the start of texts (left out)", document.name)
        if not self.container:
            return None, form.offsets
        written = form.text
        if "\x00" in written:
            written = written.replace("\x00", "\ufffd")
            self.extras.put(document.id, {"text": text})
            self._tool_loss("NUL characters in texts (written as U+FFFD)")
        if not written.isascii():
            written, count = _SURROGATE.subn("\ufffd", written)
            if count:
                self._replaced += count  # reported with the characters XML cannot hold
                self.extras.put(document.id, {"text": text})
        data = self.target.encode(written)
        file_name = f"{owner_id}.txt"
        self.files.append((file_name, data))
        return f"internal://{file_name}", form.offsets

    def _text_body(
        self,
        element: Element,
        document: Document,
        codings: list[Coding],
        owner_id: str,
        twins: list[Coding] | None = None,
    ) -> None:
        """PlainTextContent or plainTextPath, then one PlainTextSelection per coding, text twin
        (see :meth:`_text_twins`) and anchor."""
        path, offsets = self._text_file(owner_id, document)
        if path is not None:
            element.set("plainTextPath", path)
        else:
            self.text_child(element, "PlainTextContent", _inline(document.text))
        text = document.text
        self._text_selections(element, text, [*codings, *twins] if twins else codings, offsets)
        if twins:
            del self.written_order["codings"][-len(twins) :]  # not codings of the project
        for memo in self._anchors.get(document.id, ()):
            assert memo.start is not None and memo.end is not None
            selection = self.sub(
                element,
                "PlainTextSelection",
                guid=extras.derived_id(memo.id, "anchor"),
                name=_quote_name(text[memo.start : memo.end]),
                startPosition=str(offsets.to_external(memo.start)),
                endPosition=str(offsets.to_external(memo.end)),
            )
            self.sub(selection, "NoteRef", targetGUID=memo.id)

    def _text_selections(
        self, element: Element, text: str, codings: list[Coding], offsets: ExternalPositions
    ) -> None:
        """One PlainTextSelection with its Coding per coding: the bulk of a project's XML, so
        rendered as text (see :mod:`.selection_xml`) unless some id needs cleaning."""
        if not codings:
            return
        if not self.ids_are_plain():
            for coding in codings:
                start, end = offsets.to_external(coding.start), offsets.to_external(coding.end)
                selection = self.sub(
                    element,
                    "PlainTextSelection",
                    guid=self._selection_of[coding.id],
                    name=_quote_name(text[coding.start : coding.end]),
                    startPosition=str(start),
                    endPosition=str(end),
                    **self._selection_history(coding),
                )
                self._coding(selection, coding)
            return
        indent = "\n" + "  " * (sum(1 for _ in element.iterancestors()) + 1)
        inner, innermost = indent + "  ", indent + "    "
        selection_ids = extras.derived_ids([coding.id for coding in codings], "selection")
        memo_refs = self._memo_refs
        written = self.written_order["codings"]
        to_external = offsets.to_external
        identity = isinstance(offsets, OffsetMap) and offsets.external_length == offsets.length
        not_xml = extras.NOT_XML.search
        plain = PLAIN_ATTRIBUTE.fullmatch
        parts: list[str] = []
        for coding, selection_id in zip(codings, selection_ids, strict=True):
            coding_id, start, end = coding.id, coding.start, coding.end
            name = text[
                start : end if end - start <= NAME_QUOTE_LENGTH else start + NAME_QUOTE_LENGTH
            ]
            if plain(name) is None:  # rare: one test for both cleaning and escaping
                if not_xml(name) is not None:
                    name = extras.xml_safe(name)  # a copy of the text: not counted again
                name = attribute(name)
            coder, created = coding.coder_id, coding.created
            if created is not None:
                when = created.isoformat()  # format_datetime, inlined
                if when.endswith("+00:00"):
                    when = when[:-6] + "Z"
                if coder is not None:
                    made = f' creatingUser="{coder}" creationDateTime="{when}"'
                else:
                    made = f' creationDateTime="{when}"'
            elif coder is not None:
                made = f' creatingUser="{coder}"'
            else:
                made = ""
            changed = made
            if (
                coding.modified_by is not None
                or coding.modified_at is not None
                or coding.selected_by is not None
                or coding.selected_at is not None
            ):
                changed = "".join(
                    f' {name}="{attribute(value)}"'
                    for name, value in self._selection_history(coding).items()
                    if value is not None
                )
            if not identity:
                start, end = to_external(start), to_external(end)
            notes = ""
            if coding_id in memo_refs:
                notes = "".join(
                    f'{innermost}<NoteRef targetGUID="{memo_id}"/>'
                    for memo_id in memo_refs[coding_id]
                )
            parts.append(
                f'<PlainTextSelection guid="{selection_id}" name="{name}"'
                f' startPosition="{start}" endPosition="{end}"{changed}>'
                f'{inner}<Coding guid="{coding_id}"{made}>'
                f'{innermost}<CodeRef targetGUID="{coding.code_id}"/>{notes}'
                f"{inner}</Coding>{indent}</PlainTextSelection>"
            )
        written.extend(coding.id for coding in codings)
        self.spliced.place(element, indent.join(parts))

    def _selection_history(self, coding: Coding) -> dict[str, str | None]:
        """Who made a coding's selection and when, and who last changed it and when: the
        selection's own where the coding keeps them (see :class:`~qualcode.model.Coding`), else
        the coding's."""
        selected_by = self._user(coding.selected_by)
        return {
            "creatingUser": coding.coder_id if selected_by is None else selected_by,
            "creationDateTime": self._time(coding.selected_at or coding.created),
            "modifyingUser": self._user(coding.modified_by),
            "modifiedDateTime": self._time(coding.modified_at),
        }

    def _media_body(
        self,
        element: Element,
        document: Document,
        text_codings: list[Coding],
        region_codings: list[Coding],
    ) -> None:
        kind = document.source
        has_text = bool(document.text) or bool(text_codings) or bool(self._anchors.get(document.id))
        if kind is SourceKind.PICTURE and has_text:
            holder = self.sub(
                element, "TextDescription", guid=extras.derived_id(document.id, "text")
            )
            self._text_body(holder, document, text_codings, holder.get("guid", ""))
        if kind in (SourceKind.AUDIO, SourceKind.VIDEO) and (has_text or document.sync_points):
            self._transcript(element, document, text_codings)
        selection_name = {
            SourceKind.PDF: "PDFSelection",
            SourceKind.PICTURE: "PictureSelection",
            SourceKind.AUDIO: "AudioSelection",
            SourceKind.VIDEO: "VideoSelection",
        }[kind]
        twins = self._text_twins(document, region_codings)
        for coding in region_codings:
            attributes = _region_attributes(kind, coding.region)
            assert attributes is not None
            if (coding.start, coding.end) != (0, 0) and coding.id not in twins:
                self.extras.put(coding.id, {"start": coding.start, "end": coding.end})
                self._tool_loss("text spans of box and time codings")
            if any(isinstance(v, float) and not v.is_integer() for v in attributes.values()):
                self.extras.put(coding.id, {"region": json_values.encode_value(coding.region)})
                self._tool_loss("PDF box corners rounded to whole points")
            history = self._selection_history(coding)
            if history["creationDateTime"] is None and kind is SourceKind.PICTURE:
                # QualCoder's importer (refi.py, load_codings_for_picture) stops on a picture
                # selection without a time; qualcode's note remembers that it had none.
                history["creationDateTime"] = self._time(self.fallback_time())
                self.extras.put(coding.id, {"created": None})
            selection = self.sub(
                element,
                selection_name,
                guid=self._selection_of[coding.id],
                **{k: str(round(v)) for k, v in attributes.items()},
                **history,
            )
            self._coding(selection, coding)
        if kind is SourceKind.PDF and has_text:
            holder = self.sub(
                element, "Representation", guid=extras.derived_id(document.id, "text")
            )
            self._text_body(
                holder, document, text_codings, holder.get("guid", ""), list(twins.values())
            )
        if kind is not SourceKind.AUDIO and kind is not SourceKind.VIDEO and document.sync_points:
            self._tool_loss("sync points of sources that are not audio or video")

    def _text_twins(self, document: Document, region_codings: list[Coding]) -> dict[str, Coding]:
        """Coding id -> the text twin of each PDF coding with a box and a text span.

        Other tools see the coded text of a PDF quotation only in a ``PlainTextSelection`` of the
        PDF's ``Representation`` (ATLAS.ti writes each quotation both ways), so such a coding is
        written twice: its box, and its span as a twin coding of the same code, by the same
        user at the same time. The twin has GUIDs of its own (a GUID used twice fails
        validation) and qualcode's note names it, so that qualcode reads the two back as one
        coding (see :mod:`.twins`). An empty span stays in the note: a selection of nothing
        would show nothing.
        """
        if document.source is not SourceKind.PDF:
            return {}
        twins: dict[str, Coding] = {}
        for coding in region_codings:
            if coding.start < coding.end:
                twin = attrs.evolve(coding, id=extras.derived_id(coding.id, "text"), region=None)
                twins[coding.id] = twin
                self.extras.put(coding.id, {extras.TEXT_TWIN: self._selection_of[twin.id]})
        if twins:
            self._tool_loss(
                "PDF box codings that also span text",
                len(twins),
                kept_as="a box and a separate text passage",
            )
        return twins

    def _transcript(self, element: Element, document: Document, codings: list[Coding]) -> None:
        transcript_id = extras.derived_id(document.id, "transcript")
        # A name and a creation time: QualCoder's importer (refi.py,
        # parse_transcript_with_codings_and_syncpoints) stops without either.
        transcript = self.sub(
            element,
            "Transcript",
            guid=transcript_id,
            name=document.name,
            creationDateTime=self._time(
                self.fallback_time(document.created_at, document.modified_at)
            ),
        )
        path, offsets = self._text_file(transcript_id, document)
        if path is not None:
            transcript.set("plainTextPath", path)
        else:
            self.text_child(transcript, "PlainTextContent", _inline(document.text))
        for index, point in enumerate(document.sync_points):
            self.sub(
                transcript,
                "SyncPoint",
                guid=extras.derived_id(document.id, "sync", str(index)),
                timeStamp=str(point.time_ms),
                position=str(offsets.to_external(point.position)),
            )
        anchors: list[tuple[str, str, str, Coding | Memo]] = []
        for item in [*codings, *self._anchors.get(document.id, ())]:
            assert item.start is not None and item.end is not None
            from_id = extras.derived_id(item.id, "from")
            to_id = extras.derived_id(item.id, "to")
            for guid, position in ((from_id, item.start), (to_id, item.end)):
                self.sub(
                    transcript, "SyncPoint", guid=guid, position=str(offsets.to_external(position))
                )
            anchors.append((from_id, to_id, item.id, item))
        for from_id, to_id, item_id, item in anchors:
            if isinstance(item, Coding):
                selection = self.sub(
                    transcript,
                    "TranscriptSelection",
                    guid=self._selection_of[item_id],
                    fromSyncPoint=from_id,
                    toSyncPoint=to_id,
                    **self._selection_history(item),
                )
                self._coding(selection, item)
            else:
                selection = self.sub(
                    transcript,
                    "TranscriptSelection",
                    guid=extras.derived_id(item_id, "anchor"),
                    fromSyncPoint=from_id,
                    toSyncPoint=to_id,
                )
                self.sub(selection, "NoteRef", targetGUID=item_id)


MAX_NOTE_FILE = 1 << 20
"""Original files up to this size travel in qualcode's note when the XML has no place for them."""


def _extension(name: str) -> str:
    """A safe, lower-case file extension for an internal file name ("bin" if none)."""
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    return suffix if suffix.isascii() and suffix.isalnum() and len(suffix) <= 8 else "bin"


def _path_with_scheme(path: str) -> str:
    """A path for a file outside the project, with the scheme REFI-QDA expects."""
    if "://" in path:
        return path
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "absolute:///" + path.lstrip("/")
    return "relative:///" + path


def _region_attributes(kind: SourceKind, region: object) -> dict[str, float] | None:
    if kind is SourceKind.PDF and isinstance(region, PdfRegion):
        return {
            "page": region.page,
            "firstX": region.first_x,
            "firstY": region.first_y,
            "secondX": region.second_x,
            "secondY": region.second_y,
        }
    if kind is SourceKind.PICTURE and isinstance(region, PictureRegion):
        return {
            "firstX": region.first_x,
            "firstY": region.first_y,
            "secondX": region.second_x,
            "secondY": region.second_y,
        }
    if kind in (SourceKind.AUDIO, SourceKind.VIDEO) and isinstance(region, MediaRange):
        return {"begin": region.begin_ms, "end": region.end_ms}
    return None
