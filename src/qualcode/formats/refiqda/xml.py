"""Safe XML reading for REFI-QDA files: no entities, no DTD, no network.

libxml2's "huge" mode is on: without it a text node over 10 MB (a long memo, or qualcode's own
note for a large project) cannot be read. What that mode lifts is safe here: entity declarations
and DTDs are refused before parsing, so nothing can expand, and a text node can be no larger
than the document holding it (whose size a .qdpx bounds, see :mod:`.container`).

Elements are matched by local name, so the namespace variants other tools write
(``urn:QDA-XML:project:1.0``, ``urn:QDA-XML:codebook:1:0``, none at all) read alike. A project is
read as a stream: each top-level section (and each source inside ``Sources``) is handed over whole
and cleared afterwards, so memory stays near the size of one source, not the whole tree.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any, Literal

from lxml import etree

from qualcode.errors import ParseError, UnsafeInputError
from qualcode.model import canonical_id

Element = etree._Element
EventKind = Literal["root", "section", "item"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def line_of(element: Element) -> int | None:
    """The line an element starts on, if known."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def local(element: Element) -> str:
    """The local name of an element (its tag without a namespace); "" for comments."""
    tag: object = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children(element: Element, name: str | None = None) -> Iterator[Element]:
    """The child elements, optionally only those with local name ``name``.

    lxml filters by name in C (``{*}name`` matches any namespace or none), so skipped children
    cost no Python objects: a source with 100,000 selections is cheap to search for a NoteRef.
    """
    if name is not None:
        yield from element.iterchildren(f"{{*}}{name}")
        return
    for child in element:
        tag: object = child.tag
        if isinstance(tag, str):
            yield child


def child(element: Element, name: str) -> Element | None:
    """The first child with local name ``name``, or None."""
    return next(children(element, name), None)


def child_text(element: Element, name: str) -> str | None:
    """The text of the first child named ``name`` ("" when empty), or None when absent."""
    found = child(element, name)
    if found is None:
        return None
    return text_of(found)


def text_of(element: Element) -> str:
    """All text inside an element (entity references, which we never resolve, are refused)."""
    return "".join(str(part) for part in element.itertext())


def guid_of(value: str) -> str:
    """The canonical form of a GUID (fast when it is already canonical)."""
    if len(value) == 36 and value.islower():
        return value
    return canonical_id(value)


_ROOT_START = re.compile(rb"<[A-Za-z_:]")


def _refuse_entity_declarations(data: bytes, label: str) -> None:
    """Refuse a document type declaration with entities before the parser sees it.

    A DOCTYPE can only stand before the root element, so in a file in an ASCII-compatible
    encoding whose prolog has none, the rest (maybe 100 MB of XML) need not be searched.
    """
    if b"\x00" not in data[:4] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        root = _ROOT_START.search(data)
        if root is not None and b"<!DOCTYPE" not in data[: root.start()]:
            return
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in data and "<!ENTITY".encode(encoding) in data:
            raise UnsafeInputError(
                "the XML declares entities, which REFI-QDA files never need",
                path=label,
                hint="it may be crafted to exhaust memory or read local files; it was not read",
            )


def _syntax_error(error: etree.XMLSyntaxError, label: str) -> ParseError:
    line = error.lineno if error.lineno else None
    message = error.msg or str(error)
    if "amplification" in message or ("entity" in message.lower() and "loop" in message.lower()):
        return UnsafeInputError(f"refused: {message}", path=label, line=line)
    if "Excessive depth" in message:
        return ParseError(
            "the XML is nested more deeply than 2,048 levels, which the XML parser refuses",
            path=label,
            line=line,
            hint="a code tree that deep cannot be read; flatten it in the program that made it",
        )
    return ParseError(
        f"malformed XML: {message}",
        path=label,
        line=line,
        hint="the file is truncated or damaged; export it again from the program that made it",
    )


def _refuse_dtd(element: Element, label: str) -> None:
    info: Any = element.getroottree().docinfo
    dtd: Any = info.internalDTD
    if info.system_url or (dtd is not None and any(True for _ in dtd.iterentities())):
        raise UnsafeInputError(
            "the XML declares entities or an external DTD, which REFI-QDA files never need",
            path=label,
            line=line_of(element),
            hint="this file may be crafted to exhaust memory or read local files; it was not read",
        )


PROJECT_SECTIONS = ("Users", "CodeBook", "Variables", "Cases", "Notes", "Links", "Sets", "Graphs")
SOURCE_ELEMENTS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")


def stream(data: bytes, label: str) -> Iterator[tuple[EventKind, Element]]:
    """Walk a REFI-QDA project document section by section.

    Yields ``("root", root)`` once when the root starts (attributes only); then each section of
    the project (Users, CodeBook, ...) as ``("section", element)`` when complete, and each source
    inside ``Sources`` as ``("item", element)``; last, the root's other children (Description,
    NoteRef, unknown elements) as ``("section", element)``. Each element is freed after the caller
    resumes, so memory stays near one section. lxml filters the events by name in C, so elements
    inside sources cost no Python. Malformed XML raises :class:`ParseError` with the line;
    entities raise :class:`UnsafeInputError`.
    """
    _refuse_entity_declarations(data, label)
    tags = ["{*}Project", "{*}Sources", *(f"{{*}}{n}" for n in PROJECT_SECTIONS + SOURCE_ELEMENTS)]
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: Element | None = None
    try:
        for event, element in events:
            if root is None:
                root = element.getroottree().getroot()
                _refuse_dtd(root, label)
                yield "root", root
            parent = element.getparent()
            if event == "start" or element is root:
                continue
            name = local(element)
            if parent is root and name == "Sources":
                for leftover in list(children(element)):
                    yield "item", leftover
                _release(element)
            elif parent is root:
                yield "section", element
                _release(element)
            elif name in SOURCE_ELEMENTS and parent is not None and parent.getparent() is root:
                yield "item", element
                _release(element)
        if root is None:
            root = events.root
            yield "root", root
        for leftover in list(children(root)):
            yield "section", leftover
            _release(leftover)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, label) from None


def _release(element: Element) -> None:
    """Free a handled element: empty it and take it out of its parent."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def parse(data: bytes, label: str) -> Element:
    """Parse a whole (small) XML document safely, e.g. a codebook."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    _refuse_entity_declarations(data, label)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, label) from None
    if root is None:
        raise ParseError("empty XML document", path=label)
    _refuse_dtd(root, label)
    return root


# -- attribute values -----------------------------------------------------------------------


class Attributes:
    """Typed, lenient access to attributes; a bad value raises ParseError with its line."""

    __slots__ = ("element", "label")

    def __init__(self, element: Element, label: str) -> None:
        self.element = element
        self.label = label

    def _bad(self, name: str, value: str, expected: str) -> ParseError:
        return ParseError(
            f"attribute {name}={value!r} is not {expected}",
            path=self.label,
            line=line_of(self.element),
            element=local(self.element),
        )

    def text(self, name: str, default: str = "") -> str:
        value = self.element.get(name)
        return default if value is None else value

    def optional(self, name: str) -> str | None:
        value = self.element.get(name)
        return value if value else None

    def guid(self, name: str = "guid") -> str:
        value = self.element.get(name)
        if not value or not value.strip():
            raise ParseError(
                f"missing {name}",
                path=self.label,
                line=line_of(self.element),
                element=local(self.element),
                hint="every REFI-QDA element of this kind needs a GUID",
            )
        return guid_of(value)

    def optional_guid(self, name: str) -> str | None:
        value = self.element.get(name)
        return guid_of(value) if value and value.strip() else None

    def integer(self, name: str, default: int | None = None) -> int:
        value = self.element.get(name)
        if value is None or not value.strip():
            if default is None:
                raise ParseError(
                    f"missing {name}",
                    path=self.label,
                    line=line_of(self.element),
                    element=local(self.element),
                )
            return default
        try:
            return int(value.strip())
        except ValueError:
            try:
                number = float(value.strip())
            except ValueError:
                raise self._bad(name, value, "an integer") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise self._bad(name, value, "an integer") from None
            return round(number)

    def optional_integer(self, name: str) -> int | None:
        value = self.element.get(name)
        if value is None or not value.strip():
            return None
        return self.integer(name)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.element.get(name)
        if value is None or not value.strip():
            return default
        parsed = parse_boolean(value)
        if parsed is None:
            raise self._bad(name, value, "true or false")
        return parsed

    def datetime(self, name: str) -> dt.datetime | None:
        """A date-time attribute, or None when absent or unreadable (times are never essential)."""
        value = self.element.get(name)
        return parse_datetime(value) if value else None


def parse_boolean(value: str) -> bool | None:
    """``true``/``false``/``1``/``0`` in any case, or None."""
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return None


def parse_datetime(value: str) -> dt.datetime | None:
    """An ISO 8601 date-time (``Z`` allowed), or None if it cannot be read."""
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def format_datetime(value: dt.datetime) -> str:
    """An xsd:dateTime: ISO 8601, ``Z`` for UTC."""
    text = value.isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text
