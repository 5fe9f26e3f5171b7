"""Subtitle-style transcripts: WebVTT (.vtt) and SubRip (.srt), one document per file.

The canonical text follows what a reader of the transcript sees:

- cues in order of their start time (file order where two start together), one line per cue;
- the lines of one cue are joined with a single space, except that a line which names a new
  speaker (a ``<v Name>`` voice tag, a ``Name:`` prefix, also after a dialogue dash:
  ``- Name:``) or starts with a dialogue dash (``- ``) begins a new line; the dash of a line that
  names its speaker is dropped, so ``- Bob: yes`` gives ``Bob: yes``;
- a speaker named by a VTT voice tag is written as a ``Name: `` label at the start of its line,
  so that ``<v Anna>Hello`` (VTT) and ``Anna: Hello`` (SRT) give the same text; with the option
  ``speaker_labels=false`` labels are left out (and SRT ``Name:`` prefixes are removed);
- formatting tags (``<b>``, ``<i>``, ``<u>``, ``<c.class>``, ``<lang>``, ``<ruby>``, timestamp
  tags, SRT ``<font>`` and ``{\\an8}``) are removed and their text kept, but for a ruby
  annotation's ``<rt>`` text (a reading, not speech), which is dropped; character references
  (``&amp;``, ``&lt;``, ``&#233;`` ...) are decoded, in VTT voice names too (in SRT only complete
  ones ending in ``;``, so that ``R&D`` stays as it is);
- a ``Name:`` prefix that repeats the name of the line's voice tag is not written twice;
- cues without text are skipped (the loss report counts them); a cue that ends before it
  starts is kept, with a warning naming its line; minutes and seconds above 59 are errors;
- overlapping cues (cross-talk) are kept, each on its own line, in order of start time; the
  import warns how many there were.

Each labelled line starts a :class:`~qualcode.model.SpeakerTurn` that runs until the next one
(lines without a speaker continue the turn). Each cue's start time becomes a
:class:`~qualcode.model.SyncPoint` at the start of its line. Cue end times, identifiers and
settings are not carried; the loss report counts them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import attrs

from qualcode.errors import OptionError, ParseError
from qualcode.fileio import read_bytes
from qualcode.formats.base import Importer, ImportResult
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.model import Document, DocumentKind, Paragraph, SpeakerTurn, SyncPoint, new_id
from qualcode.options import parse_boolean
from qualcode.project import Project
from qualcode.text import decode

SPEAKER_PREFIX = r"^(?P<speaker>[^\W\d_][\w .'’-]{0,40}?(?:\s*\([^()\n:]{1,30}\))?)\s*:\s+"
"""The default ``Name:`` prefix: a name starting with a letter, perhaps with a note in brackets
(Zoom shows pronouns so: ``Anna Lee (she/her):``), a colon, then white space."""

_VTT_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}\s+-->\s+{_VTT_TIME}(?P<settings>.*)$")
_SRT_TIME = r"(\d+):(\d{1,2}):(\d{1,2})(?:[,.:](\d{1,3}))?"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-+>\s*{_SRT_TIME}(?P<settings>.*)$")
_VTT_TAG = re.compile(r"<[^>]*>")
_VTT_RUBY_TEXT = re.compile(r"<rt(?:\.[^\s>]*)?>.*?(?:</rt>|(?=</ruby>)|$)", re.DOTALL)
"""A ruby annotation (a reading above the base text, e.g. kana over kanji): not spoken text."""
_VTT_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>")
_SRT_TAG = re.compile(r"</?(?:b|i|u|s|font)\b[^>]*>|\{\\[^}]*\}", re.IGNORECASE)
_DIALOGUE_DASH = re.compile(r"^[-–—]\s")
_LONE_DASH = re.compile(r"[-–—]")
_SRT_CHARACTER_REFERENCE = re.compile(
    r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
"""A complete character reference (``&amp;``, ``&#233;``, ``&#xE9;``): SRT text is not HTML, so
a bare ``&`` or a reference without its ``;`` is left alone."""


@attrs.frozen
class Cue:
    """One cue as read from the file: times in ms and its text lines, tags still in."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    line: int
    """The line of the file where the cue's timing is (from 1)."""
    has_identifier: bool = False
    has_settings: bool = False


@attrs.frozen
class _Piece:
    """A stretch of cue text before joining: its text, the speaker it names, and whether it
    continues the line before it (a wrapped subtitle line) rather than starting a new one."""

    text: str
    speaker: str | None = None
    joins: bool = False


def _milliseconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> int:
    """The time in ms; ``ValueError`` if the minutes or seconds are above 59."""
    if int(minutes) > 59 or int(seconds) > 59:
        raise ValueError
    millis = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def _timing(match: re.Match[str], path: Path | None, line: int, hint: str) -> tuple[int, int]:
    """The start and end of a timing line, or a :class:`ParseError` naming the file and line."""
    groups = match.groups()
    try:
        return _milliseconds(*groups[0:4]), _milliseconds(*groups[4:8])
    except ValueError:
        raise ParseError(
            f"impossible cue timing {match.string.strip()!r}: minutes and seconds go from 00 to 59",
            path=path,
            line=line,
            hint=hint,
        ) from None


def _clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1_000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


_VTT_HINT = "WebVTT timings look like 00:01:02.500 --> 00:01:04.000"
_SRT_HINT = "SubRip timings look like 00:01:02,500 --> 00:01:04,000"


# -- reading cues -----------------------------------------------------------------------------


def parse_vtt(text: str, path: Path | None = None) -> tuple[list[Cue], LossReport]:
    """The cues of a WebVTT file (header, NOTE, STYLE and REGION blocks skipped)."""
    report = LossReport()
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        report.warn("the file does not start with WEBVTT; read as WebVTT anyway")
    cues: list[Cue] = []
    index = 0
    first_block = True
    while index < len(lines):
        while index < len(lines) and not lines[index].strip():
            index += 1
        block_start = index
        while index < len(lines) and lines[index].strip():
            index += 1
        block = lines[block_start:index]
        if not block:
            continue
        if first_block and block[0].startswith("WEBVTT"):
            first_block = False
            continue
        first_block = False
        head = block[0].split(None, 1)[0] if block[0].split() else ""
        if head in ("NOTE", "STYLE", "REGION"):
            continue
        timing_at = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            report.add("text outside a cue (no timing line)", str(path or ""))
            continue
        match = _VTT_TIMING.match(block[timing_at])
        line = block_start + timing_at + 1
        if match is None:
            raise ParseError(
                f"bad cue timing {block[timing_at].strip()!r}",
                path=path,
                line=line,
                hint=_VTT_HINT,
            )
        start_ms, end_ms = _timing(match, path, line, _VTT_HINT)
        cues.append(
            Cue(
                start_ms,
                end_ms,
                tuple(block[timing_at + 1 :]),
                line=line,
                has_identifier=timing_at == 1,
                has_settings=bool(match.group("settings").strip()),
            )
        )
    return cues, report


def parse_srt(text: str, path: Path | None = None) -> tuple[list[Cue], LossReport]:
    """The cues of a SubRip file, read leniently (missing numbers, stray blank lines)."""
    report = LossReport()
    lines = text.split("\n")
    timings: list[tuple[int, re.Match[str]]] = []
    for number, line in enumerate(lines):
        match = _SRT_TIMING.match(line)
        if match is not None:
            timings.append((number, match))
        elif "-->" in line and line.lstrip()[:1].isdigit():
            raise ParseError(
                f"bad cue timing {line.strip()!r}",
                path=path,
                line=number + 1,
                hint=_SRT_HINT,
            )
    if timings and any(line.strip() for line in lines[: timings[0][0]][:-1]):
        report.add("text before the first cue", str(path or ""))
    cues: list[Cue] = []
    for position, (number, match) in enumerate(timings):
        stop = timings[position + 1][0] if position + 1 < len(timings) else len(lines)
        body = lines[number + 1 : stop]
        if position + 1 < len(timings):
            body = _drop_trailing_number(body)
        start_ms, end_ms = _timing(match, path, number + 1, _SRT_HINT)
        cues.append(
            Cue(
                start_ms,
                end_ms,
                tuple(line for line in body if line.strip()),
                line=number + 1,
                has_identifier=False,
                has_settings=bool(match.group("settings").strip()),
            )
        )
    return cues, report


def _drop_trailing_number(body: list[str]) -> list[str]:
    """The cue's lines without the next cue's number (the last non-blank line, if an integer)."""
    end = len(body)
    while end and not body[end - 1].strip():
        end -= 1
    if end and body[end - 1].strip().isdigit():
        end -= 1
    return body[:end]


# -- cue text ---------------------------------------------------------------------------------


def _vtt_pieces(cue: Cue) -> list[_Piece]:
    """The pieces of a VTT cue: tags removed, a new piece at each voice tag."""
    pieces: list[_Piece] = []
    for raw_line in cue.lines:
        cursor = 0
        speaker: str | None = None
        voiced = False
        for match in _VTT_VOICE.finditer(raw_line):
            before = _vtt_clean(raw_line[cursor : match.start()])
            if not voiced and _LONE_DASH.fullmatch(before):
                before = ""  # "- <v Bob>yes": the dialogue dash of a line that names its speaker
            _add_piece(pieces, before, speaker, voiced)
            name = html.unescape(match.group("name") or "")
            speaker, voiced = " ".join(name.split()) or None, True
            cursor = match.end()
        _add_piece(pieces, _vtt_clean(raw_line[cursor:]), speaker, voiced)
    return pieces


def _vtt_clean(raw: str) -> str:
    return " ".join(html.unescape(_VTT_TAG.sub("", _VTT_RUBY_TEXT.sub("", raw))).split())


def _srt_pieces(cue: Cue) -> list[_Piece]:
    pieces: list[_Piece] = []
    for raw_line in cue.lines:
        _add_piece(pieces, _srt_clean(raw_line), None, False)
    return pieces


def _srt_clean(raw: str) -> str:
    text = _SRT_CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group()), _SRT_TAG.sub("", raw))
    return " ".join(text.split())


def _add_piece(pieces: list[_Piece], text: str, speaker: str | None, voiced: bool) -> None:
    """A voice tag always starts a piece (without a dialogue dash: the tag names the speaker);
    other text continues the line unless it starts with a dash."""
    if voiced:
        dash = _DIALOGUE_DASH.match(text)
        pieces.append(_Piece(text[dash.end() :].lstrip() if dash else text, speaker))
    elif text:
        pieces.append(_Piece(text, None, joins=bool(pieces) and not _DIALOGUE_DASH.match(text)))


def _split_prefixes(pieces: Iterable[_Piece], prefix: re.Pattern[str] | None) -> list[_Piece]:
    """Pieces with ``Name:`` prefixes recognised: such a piece names a speaker, starts a line.

    A prefix may follow a dialogue dash (``- Bob: yes``); the dash is then dropped. A piece that
    already names its speaker (a voice tag) loses a prefix repeating that name
    (``<v Anna>Anna: Hello``), so the label is not written twice."""
    if prefix is None:
        return list(pieces)
    found: list[_Piece] = []
    for piece in pieces:
        named = _prefixed_speaker(piece.text, prefix)
        if named is not None:
            speaker, rest = named
            if piece.speaker is None:
                found.append(_Piece(rest, speaker))
                continue
            if speaker.casefold() == piece.speaker.casefold():
                found.append(_Piece(rest, piece.speaker))
                continue
        found.append(piece)
    return found


def _prefixed_speaker(text: str, prefix: re.Pattern[str]) -> tuple[str, str] | None:
    """The speaker a line's prefix names (after a dialogue dash, if any), and the rest."""
    dash = _DIALOGUE_DASH.match(text)
    body = text[dash.end() :].lstrip() if dash else text
    match = prefix.match(body)
    if match is None or not match.group("speaker")[:1].isupper():
        return None
    return match.group("speaker").strip(), body[match.end() :]


# -- building the document --------------------------------------------------------------------


@attrs.define
class _TextBuilder:
    labels: bool
    parts: list[str] = attrs.field(factory=list)
    size: int = 0
    paragraphs: list[Paragraph] = attrs.field(factory=list)
    turn_starts: list[tuple[int, str]] = attrs.field(factory=list)
    sync_points: list[SyncPoint] = attrs.field(factory=list)
    line_start: int | None = None

    def new_line(self, text: str, speaker: str | None) -> int:
        self.end_line()
        if self.parts:
            self.parts.append("\n")
            self.size += 1
        start = self.size
        if speaker is not None:
            self.turn_starts.append((start, speaker))
            if self.labels:
                text = f"{speaker}: {text}" if text else f"{speaker}:"
        self.parts.append(text)
        self.size += len(text)
        self.line_start = start
        return start

    def extend_line(self, text: str) -> None:
        if not text:
            return
        self.parts.append(" " + text)
        self.size += 1 + len(text)

    def end_line(self) -> None:
        if self.line_start is not None:
            self.paragraphs.append(Paragraph(self.line_start, self.size))
            self.line_start = None

    def text(self) -> str:
        self.end_line()
        return "".join(self.parts)

    def turns(self) -> list[SpeakerTurn]:
        turns: list[SpeakerTurn] = []
        for index, (start, speaker) in enumerate(self.turn_starts):
            end = self.turn_starts[index + 1][0] - 1 if index + 1 < len(self.turn_starts) else None
            turns.append(SpeakerTurn(start, self.size if end is None else end, speaker))
        return turns


def _option_bool(options: dict[str, Any], name: str, default: bool) -> bool:
    value = options.get(name, default)
    parsed = parse_boolean(value)
    if parsed is None:
        raise OptionError(
            f"option {name!r} of a transcript import must be true or false, not {value!r}"
        )
    return parsed


def _document_kind(options: dict[str, Any], default: DocumentKind) -> DocumentKind:
    name = str(options.get("kind", default.value))
    try:
        return DocumentKind(name)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise OptionError(f"unknown document kind {name!r}; use one of: {known}") from None


def _prefix_pattern(options: dict[str, Any]) -> re.Pattern[str] | None:
    if not _option_bool(options, "speakers", True):
        return None
    pattern = str(options.get("speaker_pattern", SPEAKER_PREFIX))
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise OptionError(f"speaker_pattern is not a valid regular expression: {error}") from None
    if "speaker" not in compiled.groupindex:
        raise OptionError("speaker_pattern needs a group named 'speaker', e.g. (?P<speaker>...)")
    return compiled


class _TranscriptImporter(Importer):
    """Shared reading of cue-based transcripts; subclasses parse cues and clean cue text."""

    format_label: ClassVar[str] = ""
    options = {
        "kind": "document kind (default interview): interview, diary, field_note, focus_group, "
        "survey_response, other",
        "speaker_labels": "write 'Name: ' at the start of each speaker's line (default true)",
        "speakers": "recognise 'Name:' prefixes as speakers (default true)",
        "speaker_pattern": "regular expression with a group 'speaker' for speaker prefixes",
    }

    def cues(self, text: str, path: Path) -> tuple[list[Cue], LossReport]:
        raise NotImplementedError

    def pieces(self, cue: Cue) -> list[_Piece]:
        raise NotImplementedError

    def read(self, path: Path, **options: Any) -> ImportResult:
        kind = _document_kind(options, DocumentKind.INTERVIEW)
        labels = _option_bool(options, "speaker_labels", True)
        prefix = _prefix_pattern(options)
        decoded = decode(read_bytes(path), path)
        cues, report = self.cues(decoded.text, path)
        if not cues:
            raise ParseError(
                f"no cues found: this is not a {self.format_label} transcript or it is empty",
                path=path,
                hint=f"check that the file has cues with timings (see docs on {self.format_label})",
            )
        ordered = sorted(cues, key=lambda cue: cue.start_ms)
        builder = _TextBuilder(labels=labels)
        latest_end = -1
        overlapping = 0
        empty = 0
        for cue in ordered:
            pieces = _split_prefixes(self.pieces(cue), prefix)
            if not pieces:
                empty += 1
                continue
            if cue.start_ms < latest_end:
                overlapping += 1
            latest_end = max(latest_end, cue.end_ms)
            first = True
            for piece in pieces:
                if piece.joins and not first:
                    builder.extend_line(piece.text)
                    continue
                position = builder.new_line(piece.text, piece.speaker)
                if first:
                    builder.sync_points.append(SyncPoint(position, cue.start_ms))
                first = False
        text = builder.text()
        if not text.strip():
            raise ParseError(
                "the transcript's cues hold no text", path=path, hint="check the file's content"
            )
        self._count_losses(path, cues, report, overlapping, empty)
        project = Project(name=path.stem)
        project.add_document(
            Document(
                id=new_id(),
                name=path.stem,
                text=text,
                kind=kind,
                text_origin=decoded.origin,
                paragraphs=builder.paragraphs,
                turns=builder.turns(),
                sync_points=builder.sync_points,
            )
        )
        return ImportResult(project, report)

    def _count_losses(
        self, path: Path, cues: list[Cue], report: LossReport, overlapping: int, empty: int
    ) -> None:
        where = path.name
        report.add("cue end times (only start times are kept as sync points)", where, len(cues))
        if empty:
            report.add("cues without text (skipped)", where, empty)
        identifiers = sum(cue.has_identifier for cue in cues)
        if identifiers:
            report.add("cue identifiers", where, identifiers)
        settings = sum(cue.has_settings for cue in cues)
        if settings:
            report.add("cue settings (position, alignment)", where, settings)
        if overlapping:
            report.warn(
                f"{where}: {overlapping} cue(s) overlap an earlier cue; each is kept on its own "
                "line in order of start time"
            )
        backwards = [cue for cue in cues if cue.end_ms < cue.start_ms]
        if len(backwards) == 1:
            (cue,) = backwards
            report.warn(
                f"{where}: the cue at line {cue.line} ends before it starts "
                f"({_clock(cue.start_ms)} --> {_clock(cue.end_ms)}); its start time is kept"
            )
        elif backwards:
            lines = ", ".join(str(cue.line) for cue in backwards[:10])
            more = ", ..." if len(backwards) > 10 else ""
            report.warn(
                f"{where}: {len(backwards)} cues end before they start (at lines {lines}{more}); "
                "their start times are kept"
            )


class VttImporter(_TranscriptImporter):
    name = "vtt"
    extensions = (".vtt",)
    description = "WebVTT transcripts: cue text, <v> voice tags as speakers, cue times as sync"
    format_label = "WebVTT"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT")

    def cues(self, text: str, path: Path) -> tuple[list[Cue], LossReport]:
        return parse_vtt(text, path)

    def pieces(self, cue: Cue) -> list[_Piece]:
        return _vtt_pieces(cue)


class SrtImporter(_TranscriptImporter):
    name = "srt"
    extensions = (".srt",)
    description = "SubRip (.srt) transcripts: cue text, 'Name:' speakers, cue times as sync"
    format_label = "SubRip"

    def cues(self, text: str, path: Path) -> tuple[list[Cue], LossReport]:
        return parse_srt(text, path)

    def pieces(self, cue: Cue) -> list[_Piece]:
        return _srt_pieces(cue)


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [VttImporter, SrtImporter]
