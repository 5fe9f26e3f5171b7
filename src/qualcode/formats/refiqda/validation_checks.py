"""The checks of ``qualcode validate`` that a schema cannot make, on a file's raw XML.

Every GUID reference resolves to an element of the right kind, no GUID is used twice, no coding
applies a code that is not codable, selections lie inside their text as the producer counts
positions (never inside a UTF-16 surrogate pair where it counts code units), a text is given in a
file or inline but not both, internal files exist, and the code tree has no cycle. Each finding
is a :class:`Problem`; :mod:`.validation` runs these checks with the schema and the importer.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from qualcode.errors import QualcodeError
from qualcode.formats.refiqda.positions import (
    Convention,
    SourceText,
    SpanReader,
    convention_for_origin,
)
from qualcode.formats.refiqda.sources import internal_name
from qualcode.formats.refiqda.xml import (
    Element,
    child,
    guid_of,
    line_of,
    local,
    parse_boolean,
    text_of,
)
from qualcode.model import TextOrigin, canonical_id
from qualcode.text import crlf_line_ends, decode, normalize_newlines
from qualcode.validation import Problem

# -- what the checks know about the REFI-QDA vocabulary ---------------------------------------

SOURCES = frozenset({"TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource"})
SELECTIONS = frozenset(
    {
        "PlainTextSelection",
        "PDFSelection",
        "PictureSelection",
        "AudioSelection",
        "VideoSelection",
        "TranscriptSelection",
    }
)
TEXT_HOLDERS = frozenset({"TextSource", "Note", "Representation", "TextDescription"})
"""Elements of TextSourceType: a text (inline or in a file) with plain-text selections."""

_KINDS: dict[str, str] = dict.fromkeys(SOURCES, "source")
_KINDS |= dict.fromkeys(SELECTIONS, "selection")
_KINDS |= {
    "User": "user",
    "Code": "code",
    "Variable": "variable",
    "Case": "case",
    "Note": "note",
    "SyncPoint": "sync point",
    "Vertex": "vertex",
}

_REFERENCES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "CodeRef": (("targetGUID", "code"),),
    "MemberCode": (("targetGUID", "code"),),
    "MemberSource": (("targetGUID", "source"),),
    "MemberNote": (("targetGUID", "note"),),
    "NoteRef": (("targetGUID", "note"),),
    "SourceRef": (("targetGUID", "source"),),
    "SelectionRef": (("targetGUID", "selection"),),
    "VariableRef": (("targetGUID", "variable"),),
    "Link": (("originGUID", None), ("targetGUID", None)),
    "TranscriptSelection": (("fromSyncPoint", "sync point"), ("toSyncPoint", "sync point")),
    "Vertex": (("representedGUID", None),),
    "Edge": (("representedGUID", None), ("sourceVertex", "vertex"), ("targetVertex", "vertex")),
}
"""Element -> (attribute, kind of element it must name; None: any) for each GUID reference."""
_REQUIRED = frozenset(
    {
        ("CodeRef", "targetGUID"),
        ("NoteRef", "targetGUID"),
        ("SourceRef", "targetGUID"),
        ("SelectionRef", "targetGUID"),
        ("VariableRef", "targetGUID"),
        ("Edge", "sourceVertex"),
        ("Edge", "targetVertex"),
    }
)
"""The references Project.xsd requires (the others, such as an Edge's ``representedGUID`` or a
Link's ends, are optional)."""
_LINKED_FILES = ("richTextPath", "path", "currentPath")


@attrs.frozen
class InternalFiles:
    """A document's internal files: whether one exists, and its bytes, by file name."""

    exists: Callable[[str], bool]
    read: Callable[[str], bytes]
    where: str
    """Where they live, for messages (e.g. "the archive")."""


_Reference = tuple[str, str | None, str, str, Element]
"""(GUID, kind of element it must name or None, element name, attribute, element)."""
_HANDLED = (
    frozenset({"Code", "Transcript", "AudioSelection", "VideoSelection", "VariableValue"})
    | TEXT_HOLDERS
)
_WITH_FILES = SOURCES | TEXT_HOLDERS | {"Transcript"}


class Checker:
    """The checks a schema cannot make, over one parsed REFI-QDA document."""

    def __init__(
        self,
        file: str,
        member: str | None,
        files: InternalFiles | None,
        convention: Convention | None = None,
    ) -> None:
        self.file = file
        self.member = member
        self.files = files
        self.problems: list[Problem] = []
        self.subjects: dict[Problem, tuple[str, str]] = {}
        """(element, attribute) a problem is about, where it is about one attribute."""
        self.defined: dict[str, tuple[str, Element]] = {}
        self.references: list[_Reference] = []
        self.chosen = convention
        """The convention the importer reads positions with (None: the producer's)."""
        self.convention: Convention = convention_for_origin("")
        self.values: list[Element] = []

    def problem(
        self,
        message: str,
        element: Element,
        check: str,
        *,
        own: bool = True,
        attribute: str | None = None,
    ) -> None:
        """Record a problem at ``element`` (naming its GUID when ``own``), about its
        ``attribute`` if given."""
        guid = canonical_id(element.get("guid") or "") or None if own else None
        found = Problem(self.file, message, self.member, line_of(element), guid, check)
        self.problems.append(found)
        if attribute is not None:
            self.subjects[found] = (local(element), attribute)

    def run(self, root: Element, codebook: bool) -> list[Problem]:
        """Walk the document once (it may hold a million elements, so the loop is lean)."""
        self.convention = self.chosen or convention_for_origin(root.get("origin", ""))
        defined = self.defined
        references = self.references
        for attribute in ("creatingUserGUID", "modifyingUserGUID"):
            value = root.get(attribute)
            if value and value.strip():
                references.append((guid_of(value), "user", "Project", attribute, root))
        for element in root.iter():
            tag: object = element.tag
            if not isinstance(tag, str):
                continue
            name = tag[tag.rfind("}") + 1 :]
            get = element.get
            raw = get("guid")
            if raw is not None and not name.startswith("Member"):  # MemberCode/@guid refers
                guid = guid_of(raw)
                if guid in defined:
                    self._duplicate(element, name, guid)
                elif guid:
                    defined[guid] = (name, element)
            for attribute in ("creatingUser", "modifyingUser"):
                value = get(attribute)
                if value and value.strip():
                    references.append((guid_of(value), "user", name, attribute, element))
            pairs = _REFERENCES.get(name)
            if pairs is not None:
                self._references(element, name, pairs)
            if name in _HANDLED:
                self._handle(element, name, codebook)
            if not codebook and name in _WITH_FILES:
                for attribute in _LINKED_FILES:
                    self._internal(element, name, attribute)
        self._resolve_references()
        self._value_types()
        return self.problems

    def _handle(self, element: Element, name: str, codebook: bool) -> None:
        if name == "Code":
            self._cycle(element)
        elif name == "VariableValue":
            self.values.append(element)
        elif codebook:
            return
        elif name in TEXT_HOLDERS:
            self._text_spans(element, name)
        elif name == "Transcript":
            self._transcript(element)
        else:
            self._ordered(element, name, "begin", "end")

    # -- GUIDs -----------------------------------------------------------------------------

    def _duplicate(self, element: Element, name: str, guid: str) -> None:
        first, other = self.defined[guid]
        line = line_of(other)
        where = f" at line {line}" if line is not None else ""
        message = f"duplicate GUID: <{name}> uses the GUID of <{first}>{where}"
        self.problem(message, element, "duplicate")

    def _references(
        self, element: Element, name: str, pairs: tuple[tuple[str, str | None], ...]
    ) -> None:
        for attribute, kind in pairs:
            value = element.get(attribute)
            if value is None and name.startswith("Member"):
                attribute, value = "guid", element.get("guid")  # the codebook's form
            if value and value.strip():
                self.references.append((guid_of(value), kind, name, attribute, element))
            elif (name, attribute) in _REQUIRED or name.startswith("Member"):
                self.problem(
                    f"<{name}> has no {attribute}",
                    element,
                    "reference",
                    own=False,
                    attribute=attribute,
                )

    def _resolve_references(self) -> None:
        defined = self.defined
        for guid, kind, name, attribute, element in self.references:
            found = defined.get(guid)
            if found is None:
                message = f"<{name}> {attribute} names a GUID that no element of the file has"
            elif kind is not None and _KINDS.get(found[0]) != kind:
                line = line_of(found[1])
                where = f" at line {line}" if line is not None else ""
                message = f"<{name}> {attribute} names <{found[0]}>{where}, which is not a {kind}"
            elif name == "CodeRef" and _not_codable(found[1]):
                coding = element.getparent()
                if coding is not None and local(coding) == "Coding":
                    self._not_for_coding(coding, found[1])
                continue
            else:
                continue
            self.problems.append(
                Problem(self.file, message, self.member, line_of(element), guid, "reference")
            )

    def _not_for_coding(self, coding: Element, code: Element) -> None:
        """A problem at a Coding that applies a code whose ``isCodable`` is false."""
        line = line_of(code)
        where = f" (line {line})" if line is not None else ""
        self.problem(
            f"<Coding> applies code {code.get('name', '')!r}{where}, which is not codable "
            f"(isCodable={code.get('isCodable')!r}); qualcode imports the coding all the same",
            coding,
            "reference",
        )

    def _value_types(self) -> None:
        """Each VariableValue holds the kind of value its variable's type asks for, and no case
        or source holds two values of one variable."""
        seen: set[tuple[str, int | None, str]] = set()
        for value in self.values:
            ref = child(value, "VariableRef")
            owner = value.getparent()
            target = guid_of(ref.get("targetGUID") or "") if ref is not None else ""
            if owner is not None and target:
                key = (owner.get("guid") or "", line_of(owner), target)
                if key in seen:
                    message = "<VariableValue> is a second value of the same variable here"
                    self.problem(message + " (the importer keeps the first)", value, "value")
                seen.add(key)
            found = (
                self.defined.get(guid_of(ref.get("targetGUID") or "")) if ref is not None else None
            )
            if found is None or found[0] != "Variable":
                continue  # reported as a reference problem
            wanted = (found[1].get("typeOfVariable") or "").strip()
            held = [local(c) for c in value if local(c).endswith("Value")]
            if wanted and held and held[0].lower() != f"{wanted}Value".lower():
                self.problem(
                    f"<VariableValue> holds a {held[0]}, but variable "
                    f"{found[1].get('name', '')!r} is of type {wanted}",
                    value,
                    "value",
                    own=False,
                )

    def _cycle(self, element: Element) -> None:
        guid = canonical_id(element.get("guid") or "")
        parent = element.getparent()
        while guid and parent is not None and local(parent) == "Code":
            if canonical_id(parent.get("guid") or "") == guid:
                self.problem(
                    f"the code tree has a cycle: this code is nested inside itself "
                    f"(line {line_of(parent)})",
                    element,
                    "cycle",
                )
                return
            parent = parent.getparent()

    # -- files and spans -------------------------------------------------------------------

    def _internal(self, element: Element, name: str, attribute: str) -> str | None:
        """The internal file name ``attribute`` names, if it exists; a problem if missing."""
        path = element.get(attribute)
        if not path or not path.strip() or self.files is None:
            return None
        file_name = internal_name(path)
        if file_name is None:
            return None  # outside the project: nothing to check against
        if not self.files.exists(file_name):
            message = f"<{name}> {attribute} {path!r}: the file is missing from {self.files.where}"
            self.problem(message, element, "file")
            return None
        return file_name

    def _text(self, element: Element, name: str) -> SourceText | None:
        """The text of a text holder and how its file was written; None when not available.

        Where an element has both an inline text and a file (the standard allows one), that is
        a problem, and the spans are checked against the text the importer uses: a note's
        inline text, another element's inline text unless it is empty.
        """
        inline = child(element, "PlainTextContent")
        path = element.get("plainTextPath")
        has_path = bool(path and path.strip())
        inline_text = text_of(inline) if inline is not None else None
        if inline_text is not None and has_path:
            reads = "the PlainTextContent" + ("" if name == "Note" else " unless it is empty")
            self.problem(
                f"{name} has both plainTextPath and PlainTextContent; the standard allows one "
                f"(qualcode reads {reads})",
                element,
                "structure",
            )
        if not has_path or (inline_text is not None and (inline_text or name == "Note")):
            raw = inline_text or ""
            text, newline = normalize_newlines(raw)
            mixed = tuple(crlf_line_ends(raw)) if newline == "mixed" else ()
            return SourceText(text, TextOrigin(newline=newline), mixed)
        file_name = self._internal(element, name, "plainTextPath")
        if file_name is None or self.files is None:
            return None
        try:
            decoded = decode(self.files.read(file_name))
        except QualcodeError as error:
            self.problem(f"<{name}> plainTextPath {path!r}: {error}", element, "file")
            return None
        return SourceText(decoded.text, decoded.origin, decoded.crlf_ends)

    def _text_spans(self, element: Element, name: str) -> None:
        found = self._text(element, name)
        if found is None:
            return
        selections = [c for c in element if local(c) == "PlainTextSelection"]
        if not selections:
            return
        offsets = found.offset_map(self.convention)
        length = offsets.external_length
        pairs = SpanReader(offsets, found.text)
        for selection in selections:
            span = self._ordered(
                selection, "PlainTextSelection", "startPosition", "endPosition", required=True
            )
            if span is not None:
                self._inside(selection, "PlainTextSelection", span, length, name)
                if pairs.pairs:
                    self._split(selection, span, pairs)

    def _split(self, selection: Element, span: tuple[int, int], pairs: SpanReader) -> None:
        """A problem for each edge of a selection that falls inside a surrogate pair (only
        where the producer counts UTF-16 code units, as the file's origin says)."""
        for attribute, position in zip(("startPosition", "endPosition"), span, strict=True):
            character = pairs.split_character(position)
            if character is not None:
                self.problem(
                    f"PlainTextSelection {attribute} {position} falls inside a character "
                    f"(U+{ord(character):04X}, a UTF-16 surrogate pair) counting "
                    f"{self.convention.name}",
                    selection,
                    "span",
                )

    def _transcript(self, element: Element) -> None:
        positioned = [c for c in element if local(c) == "SyncPoint" and c.get("position")]
        found = self._text(element, "Transcript")
        length = None
        if found is not None and positioned:
            length = found.offset_map(self.convention).external_length
        where: dict[str, int] = {}
        for point in positioned:
            position = self._integer(point, "SyncPoint", "position")
            if position is None:
                continue
            where[canonical_id(point.get("guid") or "")] = position
            if length is not None:
                self._inside(point, "SyncPoint", (position, position), length, "Transcript")
        points = {canonical_id(c.get("guid") or "") for c in element if local(c) == "SyncPoint"}
        for selection in element:
            if local(selection) != "TranscriptSelection":
                continue
            self._placeable(selection, points, where)
            first = where.get(canonical_id(selection.get("fromSyncPoint") or ""))
            last = where.get(canonical_id(selection.get("toSyncPoint") or ""))
            if first is not None and last is not None and first > last:
                message = f"TranscriptSelection runs from position {first} back to {last}"
                self.problem(message, selection, "span")

    def _placeable(self, selection: Element, points: set[str], where: dict[str, int]) -> None:
        """A problem for a transcript selection the importer cannot place in its text: an end
        without a sync point, or at a sync point without a position (a dangling reference is
        reported by the reference check)."""
        for attribute in ("fromSyncPoint", "toSyncPoint"):
            target = canonical_id(selection.get(attribute) or "")
            if not target:
                message = f"<TranscriptSelection> has no {attribute}: it cannot be placed"
            elif target in points and target not in where:
                message = (
                    f"<TranscriptSelection> {attribute} names a sync point without a readable"
                    " position: it cannot be placed"
                )
            else:
                continue
            self.problem(message, selection, "span", attribute=attribute)

    def _integer(
        self, element: Element, name: str, attribute: str, required: bool = False
    ) -> int | None:
        value = element.get(attribute)
        if value is None:
            if required:
                message = f"<{name}> has no {attribute}"
                self.problem(message, element, "span", attribute=attribute)
            return None
        try:
            return int(value.strip())
        except ValueError:
            self.problem(
                f"<{name}> {attribute}={value!r} is not a whole number",
                element,
                "span",
                attribute=attribute,
            )
            return None

    def _ordered(
        self, element: Element, name: str, first: str, last: str, required: bool = False
    ) -> tuple[int, int] | None:
        start = self._integer(element, name, first, required)
        end = self._integer(element, name, last, required)
        if start is None or end is None:
            return None
        if start > end:
            self.problem(f"{name} {first} {start} is after {last} {end}", element, "span")
            return None
        return start, end

    def _inside(
        self, element: Element, name: str, span: tuple[int, int], length: int, holder: str
    ) -> None:
        start, end = span
        if start >= 0 and end <= length:
            return
        if start == end:
            at = str(start)
        elif start < 0:  # "-5-3" would be ambiguous
            at = f"{start} to {end}"
        else:
            at = f"{start}-{end}"
        self.problem(
            f"{name} at {at} lies outside the text of its <{holder}>, which has {length} "
            f"positions counting {self.convention.name}",
            element,
            "span",
        )


def _not_codable(code: Element) -> bool:
    """Whether a Code says it may not be applied (``isCodable`` false, as the importer reads
    it; a value it cannot read is a problem of the import, reported as such)."""
    return parse_boolean(code.get("isCodable") or "true") is False
