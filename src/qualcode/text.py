"""Canonical text, offset conversion and text units.

Each document has one canonical text: a Python ``str`` with no BOM and LF line ends. Spans are code
points, end exclusive. Other tools count differently (UTF-16 code units, CRLF as two characters,
bytes); importers and exporters convert at the edges with :class:`OffsetMap`.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Sequence
from pathlib import Path

import attrs

from qualcode.errors import OptionError, TextEncodingError
from qualcode.model import TextOrigin

# -- decoding ---------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@attrs.frozen
class DecodedText:
    """Text decoded from bytes, with LF line ends, and how it was encoded."""

    text: str
    origin: TextOrigin
    crlf_ends: tuple[int, ...] = ()
    """Where the file mixed its line ends (``origin.newline == "mixed"``): the positions in
    ``text`` of the line ends that were CRLF (see :func:`crlf_line_ends`); otherwise empty."""


def decode(data: bytes, path: str | Path | None = None) -> DecodedText:
    """Decode UTF-8 (with or without BOM) or UTF-16/32 with a BOM, and normalise line ends.

    Anything else raises :class:`TextEncodingError` naming the file and the first bad byte.
    """
    encoding = "utf-8"
    had_bom = False
    body = data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, had_bom, body = name, True, data[len(bom) :]
            break
    try:
        raw = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise TextEncodingError(
            f"cannot decode as {encoding}: bad byte at offset {error.start}",
            path=path,
            hint="save the file as UTF-8 (or UTF-16 with a byte order mark) and try again",
        ) from error
    if "\x00" in raw and not had_bom:
        raise TextEncodingError(
            f"contains NUL characters (first at offset {raw.index(chr(0))}): this looks like "
            "UTF-16 without a byte order mark, or not a text file",
            path=path,
            hint="save the file as UTF-8 (or UTF-16 with a byte order mark) and try again",
        )
    text, newline = normalize_newlines(raw)
    crlf_ends = tuple(crlf_line_ends(raw)) if newline == "mixed" else ()
    origin = TextOrigin(encoding=encoding, had_bom=had_bom, newline=newline)
    return DecodedText(text, origin, crlf_ends)


def normalize_newlines(raw: str) -> tuple[str, str]:
    """``raw`` with CRLF and CR turned into LF, and which line end it used.

    The second value is ``"\\n"``, ``"\\r\\n"``, ``"\\r"`` or ``"mixed"`` (``"\\n"`` if none).
    """
    crlf = raw.count("\r\n")
    cr = raw.count("\r") - crlf
    lf = raw.count("\n") - crlf
    used = [kind for kind, count in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if count]
    if not used:
        return raw, "\n"
    newline = used[0] if len(used) == 1 else "mixed"
    if crlf or cr:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return raw, newline


_LINE_END = re.compile("\r\n|\r|\n")


def crlf_line_ends(raw: str) -> list[int]:
    """Positions, in the text :func:`normalize_newlines` makes of ``raw``, of the line ends that
    were CRLF in ``raw``.

    A file that mixes its line ends (mostly CRLF and a lone LF, say) normalises to one text
    whose line ends look alike; a tool that counted the file as written counted each CRLF two
    and each lone LF or CR one, so positions need to know which was which.
    """
    found: list[int] = []
    if "\r\n" not in raw:
        return found
    shift = 0  # CRLFs before this point, each one character shorter in the normalised text
    for match in _LINE_END.finditer(raw):
        if match.end() - match.start() == 2:
            found.append(match.start() - shift)
            shift += 1
    return found


def encode(text: str, origin: TextOrigin | None = None) -> bytes:
    """Encode canonical text back the way ``origin`` describes (default: UTF-8, LF, no BOM)."""
    if origin is None:
        return text.encode("utf-8")
    newline = origin.newline if origin.newline in ("\r\n", "\r") else "\n"
    if newline != "\n":
        text = text.replace("\n", newline)
    encoding = origin.encoding
    data = text.encode(encoding)
    if origin.had_bom:
        boms = {name: bom for bom, name in _BOMS}
        data = boms.get(encoding, b"") + data
    return data


# -- offset conversion ------------------------------------------------------------------------


@attrs.frozen
class PositionModel:
    """How a tool counts positions in a text: its unit and what a line end counts.

    ``utf16``: count UTF-16 code units (characters beyond U+FFFF count two) instead of code points.
    ``newline_width``: how many positions one line end counts (2 for tools counting CRLF).
    """

    name: str
    utf16: bool = False
    newline_width: int = 1


CODE_POINTS = PositionModel("code points")
UTF16_CRLF = PositionModel("UTF-16 code units, CRLF counts 2", utf16=True, newline_width=2)
UTF16_LF = PositionModel("UTF-16 code units, LF counts 1", utf16=True)
CODE_POINTS_CRLF = PositionModel("code points, CRLF counts 2", newline_width=2)


class OffsetMap:
    """Converts positions between canonical code points and another :class:`PositionModel`.

    Built once per text in linear time; each conversion is a binary search over the characters
    that count differently (astral characters and line ends), so converting a million positions
    is cheap.

    ``wide_newlines``: where a model counts a line end as ``newline_width``, the positions of
    the line ends that count so (for a file that mixed CRLF with other line ends, those that
    were CRLF, see :func:`crlf_line_ends`); the others count one. Default: every line end.
    """

    def __init__(
        self, text: str, model: PositionModel, wide_newlines: Sequence[int] | None = None
    ) -> None:
        self.model = model
        self.length = len(text)
        extra: list[int] = []
        if model.utf16 and not text.isascii():
            extra.extend(m.start() for m in _ASTRAL.finditer(text))
        if model.newline_width > 1:
            if wide_newlines is None:
                extra.extend(m.start() for m in _NEWLINE.finditer(text))
            else:
                extra.extend(wide_newlines)
            extra.sort()
        self._wide = extra
        # external position where each wide character starts
        self._external_starts = [index + k for k, index in enumerate(extra)]
        self.external_length = self.length + len(extra)

    def to_external(self, position: int) -> int:
        """The other model's position for a canonical code point position."""
        return position + bisect.bisect_left(self._wide, position)

    def from_external(self, position: int) -> int:
        """The canonical position for the other model's position.

        A position inside a wide character (e.g. between the halves of a surrogate pair) moves
        to that character's end.
        """
        starts = self._external_starts
        before = bisect.bisect_right(starts, position - 2)  # wide characters wholly before
        if before < len(starts) and starts[before] == position - 1:
            return self._wide[before] + 1
        return position - before


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NEWLINE = re.compile("\n")


# -- units ------------------------------------------------------------------------------------


@attrs.frozen
class Span:
    """A stretch of text, end exclusive."""

    start: int
    end: int


def paragraphs(text: str) -> list[Span]:
    """One span per non-empty line, without its line end and outer white space."""
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = _trim(text, match.start(), match.end())
        if start < end:
            spans.append(Span(start, end))
    return spans


SENTENCE_END = re.compile(r"(?<=[.!?…])(?P<close>[\"'”’)\]]*)\s+|(?<=[。！？])|\n+")
"""A sentence break: after ``. ! ? …`` (closing quotes in group ``close`` stay with the sentence)
and white space, after ``。！？``, or at line ends. Shared by :func:`sentences` and strategies."""


def sentences(text: str) -> list[Span]:
    """Sentence spans: ends at ``. ! ? …`` followed by space, at ``。！？``, and at line ends."""
    spans: list[Span] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        close = match.group("close")
        cut = match.end("close") if close is not None else match.start()  # quotes stay
        if cut > start:
            s, e = _trim(text, start, cut)
            if s < e:
                spans.append(Span(s, e))
        start = max(match.end(), cut)
    if start < len(text):
        s, e = _trim(text, start, len(text))
        if s < e:
            spans.append(Span(s, e))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
"""A time in a transcript: ``0:03``, ``00:03``, ``1:02:15``, ``00:01:02.500``."""
_HEADER_NAME = r"[^\W\d_][\w.,'’()&-]{0,40}(?: [\w.,'’()&-]{1,40}){0,5}?"
"""A speaker's name in a heading line: one to six words, starting with a letter; commas and
brackets are allowed (``Smith, John``, ``Anna Lee (Guest)``)."""
_SPEECH_FOLLOWS = r"[ \t]*(?:\n|$)(?=[ \t]*\S)"
"""The end of a heading line, which a line of text follows (the speech)."""

SPEAKER_PATTERNS: dict[str, str] = {
    "name": r"^(?P<speaker>[^\W\d_][\w.'-]{0,30}(?: [\w.'-]{1,30}){0,2}?)\s*(?::\s|：\s*)",
    "stamped": r"^\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]\s*"
    r"(?P<speaker>[^\W\d_][\w.'-]{0,30}(?: [\w.'-]{1,30}){0,2}?)\s*(?::\s|：\s*)",
    "stamped_bracket": r"^\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]\s*"
    r"\[(?![\d\s.:,]+\])(?P<speaker>[^\]\n]{1,40})\]\s*",
    "bracket_time": r"^\[(?![\d\s.:,]+\])(?P<speaker>[^\]\n]{1,40})\][ \t]+"
    + _CLOCK
    + _SPEECH_FOLLOWS,
    "bracket": r"^\[(?![\d\s.:,]+\])(?P<speaker>[^\]\n]{1,40})\]\s*",
    "timestamp": r"^(?P<speaker>[\w .'-]{1,40}?)\s*\(" + _CLOCK + r"\)\s*:\s*",
    "name_time": rf"^(?P<speaker>{_HEADER_NAME})(?: {{2,}}| (?=\d{{1,2}}:\d{{2}}:\d{{2}}))"
    + _CLOCK
    + rf"(?:[ \t]*-->[ \t]*{_CLOCK})?"
    + _SPEECH_FOLLOWS,
}
"""Speaker labels at the start of a line: ``Name:``/``NAME:`` (a name of one to three words that
starts with a letter of any script, then a colon and a space, or a full-width colon ``：``),
``[00:01:05] Name:``, ``[Name]`` and ``[00:01:05] [Name]`` (not ``[1]``, a note's number, nor
``[00:01:05]`` alone), ``Name (00:01:02):`` (Rev; the speech may start on the next line), and
a line of its own that names the speaker and a time, the speech on the lines after it:
``[Name] 11:02:09`` (Zoom's saved transcript) and ``Name  0:03`` (Otter.ai, Microsoft Teams: two
or more spaces before the time; one space only before a time with seconds, ``Name 0:03:15``; a
tab is not enough, as a table row ``Length<tab>1:02:15`` is no speaker), also with an end time
(``Name  00:01:23.000 --> 00:01:45.000``)."""


def speaker_turns(text: str, patterns: Sequence[str] | None = None) -> list[tuple[str, Span, Span]]:
    """Speaker turns: ``(speaker, label span, turn span)`` for each labelled line.

    A turn runs from its label to the next label (lines without a label continue the turn).
    ``patterns`` are regular expressions with a ``speaker`` group, matched at line starts;
    default: :data:`SPEAKER_PATTERNS`.
    """
    compiled = [re.compile(p, re.MULTILINE) for p in (patterns or list(SPEAKER_PATTERNS.values()))]
    labels: dict[int, tuple[str, int]] = {}
    line_start = 0
    while True:  # try the patterns at each line start, in order; the first that matches wins
        for regex in compiled:
            match = regex.match(text, line_start)
            if match is not None and match.group("speaker").strip():
                labels[line_start] = (match.group("speaker").strip(), match.end())
                break
        newline = text.find("\n", line_start)
        if newline < 0:
            break
        line_start = newline + 1
    starts = list(labels)
    turns: list[tuple[str, Span, Span]] = []
    for index, start in enumerate(starts):
        speaker, label_end = labels[start]
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        s, e = _trim(text, start, end)
        turns.append((speaker, Span(start, label_end), Span(s, e)))
    return turns


def check_speaker_patterns(value: object) -> tuple[str, ...] | None:
    """The ``speaker_pattern`` option (of importers and the ``structure`` strategy) checked: None
    (the built-in patterns) or regular expressions.

    Each expression must compile and have a ``speaker`` group.
    """
    if value is None or value == "" or value == []:
        return None
    if not isinstance(value, str | list | tuple):
        raise OptionError(f"speaker_pattern must be a regular expression, not {value!r}")
    patterns: Sequence[object] = [value] if isinstance(value, str) else list(value)
    checked: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise OptionError(f"speaker_pattern must be a regular expression, not {pattern!r}")
        try:
            compiled = re.compile(pattern, re.MULTILINE)
        except re.error as error:
            raise OptionError(
                f"speaker_pattern {pattern!r} is not a valid regular expression: {error}"
            ) from None
        if "speaker" not in compiled.groupindex:
            raise OptionError(
                f"speaker_pattern {pattern!r} has no group named 'speaker'",
                hint=r"write the name part as (?P<speaker>...), e.g. ^(?P<speaker>\w+)>\s",
            )
        checked.append(pattern)
    return tuple(checked)
