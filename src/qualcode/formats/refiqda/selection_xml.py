"""The fast path of writing: text selections rendered as XML text, spliced into the tree's output.

A project's XML is mostly ``PlainTextSelection``/``Coding``/``CodeRef`` triples, one per coding;
making them as lxml elements costs about 9 µs a coding (0.6 µs per attribute), more than the rest
of the export together. :class:`SplicedBlocks` instead renders them as text (about 2 µs a coding),
leaves a comment in the tree where they belong, and replaces each comment in the serialized bytes.
The writer never writes comments otherwise, and no text or attribute value can put ``<!--`` in the
output (lxml escapes ``<``), so a marker is found only where it was placed.

Every value goes through :func:`attribute`; the caller passes only text XML can hold (cleaned) and
uses this path only when the ids involved need no cleaning (see ``XmlWriter.ids_are_plain``).
"""

from __future__ import annotations

import re

from lxml import etree

from qualcode.formats.refiqda.xml import Element

_MARKER = "qualcode-selections "
_MARKER_PATTERN = re.compile(rb"<!--qualcode-selections (\d+)-->")
_NEEDS_ESCAPE = re.compile('[&<>"\t\n\r]')
PLAIN_ATTRIBUTE = re.compile('[^&<>"\x00-\x1f\ud800-\udfff\ufffe\uffff]*')
"""Text that can stand in an attribute as it is: nothing to escape, nothing XML cannot hold."""
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def attribute(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute (white space kept as references)."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_ESCAPES)


class SplicedBlocks:
    """Blocks of XML text that replace marker comments in a serialized tree."""

    def __init__(self) -> None:
        self._blocks: list[bytes] = []

    def place(self, parent: Element, xml_text: str) -> None:
        """Put ``xml_text`` (elements in the parent's default namespace) as ``parent``'s next
        children."""
        parent.append(etree.Comment(f"{_MARKER}{len(self._blocks)}"))
        self._blocks.append(xml_text.encode("utf-8"))

    def pieces(self, data: bytes) -> list[bytes]:
        """The serialized tree with each marker replaced by its block, in pieces (they need not
        be joined to be compressed)."""
        parts = _MARKER_PATTERN.split(data)  # text, index, text, index, ..., text
        blocks = self._blocks
        parts[1::2] = [blocks[int(index)] for index in parts[1::2]]
        return parts
