"""A text as the writer puts it into a source file, and where canonical positions land there.

Readers change two things when they read a text file, so a file that kept them would hold
positions no reader counts as the writer did:

- carriage returns: qualcode and the programs it writes for read a CRLF as one line end and a
  lone CR as a line feed; a CR before a LF is therefore left out of the written text (each later
  position moves back by one) and a lone CR is written as a LF (same width);
- U+FEFF at the very start (a second byte order mark kept as text, as a doubled BOM decodes):
  readers drop it as the file's byte order mark; it is left out.

The writer reports both as losses; everything else is written as it is.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Protocol

from qualcode.formats.refiqda.positions import Convention
from qualcode.model import TextOrigin
from qualcode.text import OffsetMap

_CR_BEFORE_LF = re.compile("\r(?=\n)")
BYTE_ORDER_MARK = "\ufeff"


class ExternalPositions(Protocol):
    """Canonical positions to the positions a target counts in the written text."""

    @property
    def length(self) -> int: ...

    @property
    def external_length(self) -> int: ...

    def to_external(self, position: int) -> int: ...


class _WithoutDropped:
    # (positions in the target's unit; :meth:`WrittenText.in_written` gives them in the text)
    """Positions of a text written without some of its characters, in the target's unit."""

    def __init__(self, dropped: list[int], inner: OffsetMap, length: int) -> None:
        self._dropped = dropped
        self._inner = inner
        self.length = length
        self.external_length = inner.external_length

    def to_external(self, position: int) -> int:
        return self._inner.to_external(position - bisect.bisect_left(self._dropped, position))


class WrittenText:
    """``text`` as written for a target, with its position map and what was left out."""

    @staticmethod
    def plain(text: str) -> str:
        """Only the written text, without the position map."""
        if "\r" not in text and not text.startswith(BYTE_ORDER_MARK):
            return text
        return text.lstrip(BYTE_ORDER_MARK).replace("\r\n", "\n").replace("\r", "\n")

    def __init__(self, text: str, convention: Convention, origin: TextOrigin | None) -> None:
        leading = len(text) - len(text.lstrip(BYTE_ORDER_MARK))
        self.marks_dropped = leading
        self.carriage_returns = text.count("\r")
        if not leading and not self.carriage_returns:
            self.text = text
            self.offsets: ExternalPositions = convention.offset_map(text, origin)
            self.exact = True
            return
        dropped = list(range(leading))
        dropped.extend(match.start() for match in _CR_BEFORE_LF.finditer(text, leading))
        written = text[leading:].replace("\r\n", "\n").replace("\r", "\n")
        self.text = written
        self.offsets = _WithoutDropped(dropped, convention.offset_map(written, origin), len(text))
        self.exact = False
        self._dropped = dropped

    def in_written(self, position: int) -> int:
        """A canonical position of the text in the text as written (code points)."""
        if self.exact:
            return position
        return position - bisect.bisect_left(self._dropped, position)


def shift_structure(values: dict[str, Any], form: WrittenText) -> None:
    """Move the paragraphs, speaker turns and sync points qualcode's note keeps for a document
    (JSON values, see :func:`qualcode.formats.json_values.encode_value`) to the text as written."""
    for name in ("paragraphs", "turns"):
        for item in values.get(name) or ():
            item["start"], item["end"] = (
                form.in_written(item["start"]),
                form.in_written(item["end"]),
            )
    for point in values.get("sync_points") or ():
        point["position"] = form.in_written(point["position"])
