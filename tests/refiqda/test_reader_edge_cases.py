"""What the REFI-QDA reader does with unusual files: mixed line ends, what a transcript or PDF
representation carries beyond its text, sync points under a fallback convention, missing
positions, converted colours, a note referenced by the project and by something else, reversed
time ranges and the codings of a skipped source. Every file is built here, in ``tmp_path``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from unittest import mock

import pytest

import qualcode.formats.refiqda.sources as sources_module
from qualcode import text as text_module
from qualcode.formats.base import ImportResult
from qualcode.formats.refiqda.plugin import QdpxImporter
from qualcode.formats.refiqda.positions import CODE_POINTS, UTF16, UTF16_LINE_ONE
from qualcode.model import MediaRange, TextOrigin
from qualcode.text import decode, normalize_newlines

from .builders import G, project_xml, qdpx

CODEBOOK = (
    f'<CodeBook><Codes><Code guid="{G["code"]}" name="K" isCodable="true"/></Codes></CodeBook>'
)


def _read(path: Path, *, fast: bool = True) -> ImportResult:
    """Read ``path``; ``fast=False`` switches off the column reader (selection_block)."""
    with contextlib.ExitStack() as stack:
        if not fast:
            stack.enter_context(mock.patch.object(sources_module, "read_block", lambda *a: None))
        return QdpxImporter().read(path)


def _guid(kind: str, index: int) -> str:
    return f"{index:08x}-{kind}-4000-8000-{index:012x}"


def _coded(index: int, start: int, end: int, name: str = "") -> str:
    return (
        f'<PlainTextSelection guid="{_guid("1111", index)}" name="{name}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{_guid("2222", index)}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PlainTextSelection>"
    )


def _quotes(result: ImportResult) -> list[str]:
    project = result.project
    return [project.quote(coding) for coding in project.codings]


# -- 1. mixed line ends -------------------------------------------------------------------------

MIXED = (
    "Line one here.\r\nLine two here.\nLine three here.\r\nAlpha beta gamma delta.\r\n"
    "Epsilon zeta eta theta.\r\nFinal words of the text.\r\n"
)
MIXED_QUOTES = ["one", "two", "three", "beta gamma", "zeta eta", "words of the"]


def _as_written(raw: str, quote: str, *, utf16: bool = False) -> tuple[int, int]:
    """Start and end of ``quote`` counted in the file as written (CRLF two, LF one)."""
    start = raw.index(quote)
    end = start + len(quote)
    if utf16:
        return len(raw[:start].encode("utf-16-le")) // 2, len(raw[:end].encode("utf-16-le")) // 2
    return start, end


def _mixed_file(tmp_path: Path, origin: str, raw: str, quotes: list[str], utf16: bool) -> Path:
    selections = "".join(
        _coded(index, *_as_written(raw, quote, utf16=utf16), name=quote)
        for index, quote in enumerate(quotes)
    )
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{G["source"]}" name="Doc" '
        f'plainTextPath="internal://{G["source"]}.txt">{selections}</TextSource></Sources>'
    )
    return qdpx(
        tmp_path / "mixed.qdpx",
        project_xml(body, origin=origin),
        {f"sources/{G['source']}.txt": raw.encode("utf-8")},
    )


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("origin", "utf16"), [("NVivo 12 (Windows)", True), ("SomeTool 1.0", False)]
)
def test_a_file_mixing_crlf_and_lf_gives_the_right_quotes(
    tmp_path: Path, origin: str, utf16: bool, fast: bool
) -> None:
    path = _mixed_file(tmp_path, origin, MIXED, MIXED_QUOTES, utf16)
    result = _read(path, fast=fast)
    assert _quotes(result) == MIXED_QUOTES
    assert not result.report.warnings
    assert result.project.documents[G["source"]].text_origin == TextOrigin(newline="mixed")


def test_mixed_line_ends_with_emoji_under_nvivo(tmp_path: Path) -> None:
    raw = "Hi 😀 one.\r\nTwo 🎉 two.\nThree 😀 three.\r\nFour four.\n\r\nFive 👍 five.\r\n"
    quotes = ["one", "Two", "two", "Three", "three", "Four four", "Five", "five"]
    result = _read(_mixed_file(tmp_path, "NVivo 12 (Windows)", raw, quotes, utf16=True))
    assert _quotes(result) == quotes
    assert not result.report.warnings


def test_a_mixed_file_from_a_tool_counting_line_ends_once_is_unchanged(tmp_path: Path) -> None:
    canonical, _newline = normalize_newlines(MIXED)
    selections = "".join(
        _coded(index, canonical.index(q), canonical.index(q) + len(q), name=q)
        for index, q in enumerate(MIXED_QUOTES)
    )
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{G["source"]}" name="Doc" '
        f'plainTextPath="internal://{G["source"]}.txt">{selections}</TextSource></Sources>'
    )
    path = qdpx(
        tmp_path / "atlas.qdpx",
        project_xml(body, origin="ATLAS.ti 23"),
        {f"sources/{G['source']}.txt": MIXED.encode("utf-8")},
    )
    result = _read(path)
    assert _quotes(result) == MIXED_QUOTES
    assert not result.report.warnings


def test_crlf_line_ends_are_found_in_the_normalised_text() -> None:
    raw = "a\r\nb\nc\rd\r\ne"
    text, newline = normalize_newlines(raw)
    assert newline == "mixed"
    assert text_module.crlf_line_ends(raw) == [1, 7]
    assert [text[i] for i in text_module.crlf_line_ends(raw)] == ["\n", "\n"]
    assert text_module.crlf_line_ends("no line ends\n") == []
    decoded = decode(raw.encode("utf-8"))
    assert decoded.crlf_ends == (1, 7)
    assert decode(b"a\r\nb\r\n").crlf_ends == ()  # a pure CRLF file needs no list


def test_offset_map_counts_only_the_crlf_line_ends_of_a_mixed_text_two() -> None:
    raw = "ab\r\ncd\nef\r\ngh"
    text, newline = normalize_newlines(raw)
    origin = TextOrigin(newline=newline)
    ends = text_module.crlf_line_ends(raw)
    for convention in (CODE_POINTS, UTF16):
        offsets = convention.offset_map(text, origin, ends)
        assert offsets.external_length == len(raw)
        for quote in ("ab", "cd", "ef", "gh"):
            start = text.index(quote)
            assert offsets.to_external(start) == raw.index(quote)
            assert offsets.from_external(raw.index(quote)) == start
    # a convention counting a line end once ignores them; without them nothing changes
    assert UTF16_LINE_ONE.offset_map(text, origin, ends).external_length == len(text)
    assert CODE_POINTS.offset_map(text, origin).external_length == len(text)


# -- 2. what a transcript or a PDF representation carries beyond its text -----------------------


def _media_file(tmp_path: Path, source: str) -> Path:
    body = f"{CODEBOOK}<Sources>{source}</Sources>"
    return qdpx(
        tmp_path / "media.qdpx",
        project_xml(body, origin="NVivo 14 (Mac)"),
        {
            f"sources/{G['audio']}.mp4": b"\x00\x00\x00 ftypmp42",
            f"sources/{G['transcript']}.txt": b"Hello there.",
            f"sources/{G['transcript']}.docx": b"PK docx",
            f"sources/{G['pdf']}.pdf": b"%PDF",
            f"sources/{G['rep']}.txt": b"Annual report text.",
            f"sources/{G['rep']}.docx": b"PK docx",
        },
    )


def _transcript(description: str, attributes: str) -> str:
    return (
        f'<VideoSource guid="{G["audio"]}" name="Interview video" '
        f'path="internal://{G["audio"]}.mp4">{description}'
        f'<Transcript guid="{G["transcript"]}" {attributes} '
        f'plainTextPath="internal://{G["transcript"]}.txt">'
        "<Description>Transcribed by Otter</Description></Transcript></VideoSource>"
    )


def test_a_transcripts_rich_file_description_and_name_are_reported(tmp_path: Path) -> None:
    source = _transcript(
        "<Description>Recorded on Zoom</Description>",
        f'name="Transcript of video" richTextPath="internal://{G["transcript"]}.docx"',
    )
    result = _read(_media_file(tmp_path, source))
    document = result.project.documents[G["audio"]]
    assert document.description == "Recorded on Zoom"
    assert document.text == "Hello there."
    lost = {(loss.what, loss.where) for loss in result.report}
    assert lost == {
        ("rich-text files of transcripts (not kept)", "Interview video"),
        ("descriptions of transcripts (the source's own is kept)", "Interview video"),
        ("names of transcripts", "Interview video"),
    }


def test_a_transcripts_description_is_kept_where_the_source_has_none(tmp_path: Path) -> None:
    source = _transcript("", 'name="Interview video"')  # a name like the source's says nothing
    result = _read(_media_file(tmp_path, source))
    assert result.project.documents[G["audio"]].description == "Transcribed by Otter"
    assert result.report.lossless
    assert any("<Transcript>" in w and "description" in w for w in result.report.warnings)


def _pdf(attributes: str) -> str:
    return (
        f'<PDFSource guid="{G["pdf"]}" name="Report" {attributes}>'
        "<Description>The annual report</Description>"
        f'<Representation guid="{G["rep"]}" name="Report text" '
        f'plainTextPath="internal://{G["rep"]}.txt" richTextPath="internal://{G["rep"]}.docx">'
        "<Description>OCR by MAXQDA</Description>"
        f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="6">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PlainTextSelection></Representation></PDFSource>"
    )


def test_a_pdf_representations_rich_file_and_description_are_reported(tmp_path: Path) -> None:
    current = "absolute:///C:/Users/me/Report.pdf"
    source = _pdf(f'path="internal://{G["pdf"]}.pdf" currentPath="{current}"')
    result = _read(_media_file(tmp_path, source))
    document = result.project.documents[G["pdf"]]
    assert document.description == "The annual report"
    assert document.source_file is not None
    assert document.source_file.data == b"%PDF"
    assert document.source_file.path == current  # where the file is now: kept
    assert _quotes(result) == ["Annual"]
    lost = {(loss.what, loss.where) for loss in result.report}
    assert lost == {
        ("rich-text files of text representations of PDFs (not kept)", "Report"),
        ("descriptions of text representations of PDFs (the source's own is kept)", "Report"),
    }


def test_a_current_path_beside_an_outside_path_is_reported(tmp_path: Path) -> None:
    source = _pdf('path="relative:///Report.pdf" currentPath="absolute:///C:/Report.pdf"')
    result = _read(_media_file(tmp_path, source))
    document = result.project.documents[G["pdf"]]
    assert document.source_file is not None
    assert document.source_file.path == "relative:///Report.pdf"
    lost = {loss.what for loss in result.report}
    assert "current paths of source files beside their path (not kept)" in lost


# -- 3. sync points under a fallback convention --------------------------------------------------


def test_sync_points_are_read_with_the_convention_the_selections_fell_back_to(
    tmp_path: Path,
) -> None:
    text = "Hi 😀 there. 🎉 Yes 🎉 we 👍 did it 😀 again and again 😀 today.\nSecond 😀 line.\n"
    quotes = ["there", "Yes", "we", "did it", "again and again", "today", "Second", "line"]
    selections = "".join(
        _coded(index, *_as_written(text, quote, utf16=True)) for index, quote in enumerate(quotes)
    )
    transcript = "😀😀😀 Speaker A: hello. Speaker B: goodbye."
    first = _as_written(transcript, "Speaker B", utf16=True)[0]
    last = _as_written(transcript, "goodbye", utf16=True)[1]
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{G["source"]}" name="Doc" '
        f'plainTextPath="internal://{G["source"]}.txt">{selections}</TextSource>'
        f'<AudioSource guid="{G["audio"]}" name="Rec">'
        f'<Transcript guid="{G["transcript"]}"><PlainTextContent>{transcript}</PlainTextContent>'
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="1000" position="{first}"/>'
        f'<SyncPoint guid="{G["sync2"]}" timeStamp="2000" position="{last}"/>'
        f'<TranscriptSelection guid="{G["tsel"]}" fromSyncPoint="{G["sync1"]}" '
        f'toSyncPoint="{G["sync2"]}"><Coding guid="{G["coding"]}">'
        f'<CodeRef targetGUID="{G["code"]}"/></Coding></TranscriptSelection>'
        "</Transcript></AudioSource></Sources>"
    )
    path = qdpx(
        tmp_path / "sync.qdpx",
        project_xml(body, origin=""),
        {f"sources/{G['source']}.txt": text.encode("utf-8")},
    )
    result = _read(path)
    document = result.project.documents[G["audio"]]
    points = [(p.position, p.time_ms) for p in document.sync_points]
    assert points == [(transcript.index("Speaker B"), 1000), (len(transcript) - 1, 2000)]
    assert result.project.quote(result.project.codings[G["coding"]]) == "Speaker B: goodbye"
    assert result.report.lossless
    assert any("fits" in warning for warning in result.report.warnings)  # the fallback


# -- 4. missing positions ------------------------------------------------------------------------

POSITIONS_TEXT = "The quick brown fox jumps over the lazy dog."


def _positions_file(tmp_path: Path, attributes: list[str]) -> Path:
    selections = "".join(
        f'<PlainTextSelection guid="{_guid("1111", index)}" {positions}>'
        f'<Coding guid="{_guid("2222", index)}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PlainTextSelection>"
        for index, positions in enumerate(attributes)
    )
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{G["source"]}" name="Doc">'
        f"<PlainTextContent>{POSITIONS_TEXT}</PlainTextContent>{selections}"
        "</TextSource></Sources>"
    )
    return qdpx(tmp_path / "positions.qdpx", project_xml(body))


@pytest.mark.parametrize(
    ("positions", "span", "missing"),
    [
        ('endPosition="3"', (0, 3), ["startPosition"]),
        ('startPosition="" endPosition=""', (0, 0), ["startPosition", "endPosition"]),
        ('startPosition=" " endPosition="3"', (0, 3), ["startPosition"]),
        ('startPosition="16"', (16, 16), ["endPosition"]),
    ],
)
def test_a_missing_position_is_reported_with_what_was_assumed(
    tmp_path: Path, positions: str, span: tuple[int, int], missing: list[str]
) -> None:
    result = _read(_positions_file(tmp_path, [positions]))
    (coding,) = result.project.codings
    assert (coding.start, coding.end) == span
    warnings = [w for w in result.report.warnings if "had no (or an empty)" in w]
    assert len(warnings) == len(missing)
    for attribute, warning in zip(missing, warnings, strict=True):
        assert warning.startswith(f"selection {_guid('1111', 0)} of 'Doc' had")
        assert attribute in warning
    assert ("0 was assumed" in " ".join(warnings)) == ("startPosition" in missing)


@pytest.mark.parametrize("fast", [True, False])
def test_selections_without_an_end_are_reported_by_either_reader(
    tmp_path: Path, fast: bool
) -> None:
    result = _read(
        _positions_file(tmp_path, ['startPosition="4"', 'startPosition="10"']), fast=fast
    )
    assert [(c.start, c.end) for c in result.project.codings] == [(4, 4), (10, 10)]
    assert result.report.warnings == [
        f"2 selections of 'Doc' (first {_guid('1111', 0)}) had no (or an empty) endPosition; "
        "its end was taken to be its start"
    ]


def test_whole_positions_give_no_warning(tmp_path: Path) -> None:
    result = _read(_positions_file(tmp_path, ['startPosition="4" endPosition="9"']))
    assert not result.report.warnings


# -- 5. converted colours ------------------------------------------------------------------------


def test_converted_colours_are_reported(tmp_path: Path) -> None:
    colours = ["rgb(10,20,30)", "rgb(0, 128, 255)", "#80ff0000", "rgba(1, 2, 3, 0.5)", "#00ff00"]
    codes = "".join(
        f'<Code guid="{_guid("3333", index)}" name="c{index}" isCodable="true" color="{colour}"/>'
        for index, colour in enumerate(colours)
    )
    path = qdpx(
        tmp_path / "colours.qdpx", project_xml(f"<CodeBook><Codes>{codes}</Codes></CodeBook>")
    )
    result = _read(path)
    assert [code.color for code in result.project.codes] == [
        "#0a141e",
        "#0080ff",
        "#ff0000",
        "#010203",
        "#00ff00",
    ]
    lost = {loss.what: loss.count for loss in result.report}
    assert {(kept.what, kept.kept_as): kept.count for kept in result.report.kept} == {
        ("colours written as rgb()", "#RRGGBB"): 2
    }
    assert lost == {
        "colours written as #AARRGGBB (converted to #RRGGBB, transparency dropped)": 1,
        "colours written as rgba() (converted to #RRGGBB, transparency dropped)": 1,
    }


# -- 6. a note referenced by the project and by something else -----------------------------------


def _notes_file(tmp_path: Path, code_refs: str, project_refs: str) -> Path:
    body = (
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="K" isCodable="true">{code_refs}'
        "</Code></Codes></CodeBook>"
        f'<Notes><Note guid="{G["note"]}" name="Project memo">'
        "<PlainTextContent>Overall</PlainTextContent></Note>"
        f'<Note guid="{G["note2"]}" name="Other memo">'
        "<PlainTextContent>Alone</PlainTextContent></Note></Notes>"
        f"{project_refs}"
    )
    return qdpx(tmp_path / "notes.qdpx", project_xml(body))


def test_a_project_noteref_to_a_note_attached_elsewhere_is_reported(tmp_path: Path) -> None:
    path = _notes_file(
        tmp_path,
        f'<NoteRef targetGUID="{G["note"]}"/>',
        f'<NoteRef targetGUID="{G["note"]}"/><NoteRef targetGUID="{G["note2"]}"/>',
    )
    result = _read(path)
    memos = result.project.memos
    assert memos[G["note"]].target_ids == (G["code"],)
    assert memos[G["note2"]].target_ids == ()  # about the project, as the file says
    lost = {(loss.what, loss.where) for loss in result.report}
    assert lost == {
        (
            "references from the project to notes attached elsewhere too (the note keeps its "
            "other targets)",
            "Project memo",
        )
    }


def test_project_noterefs_alone_lose_nothing(tmp_path: Path) -> None:
    path = _notes_file(tmp_path, "", f'<NoteRef targetGUID="{G["note"]}"/>')
    result = _read(path)
    assert result.project.memos[G["note"]].target_ids == ()
    assert result.report.lossless


def test_a_project_noteref_to_a_missing_note_is_reported(tmp_path: Path) -> None:
    path = _notes_file(tmp_path, "", f'<NoteRef targetGUID="{G["link"]}"/>')
    lost = {(loss.what, loss.where) for loss in _read(path).report}
    assert lost == {("references to things that do not exist", "Project")}


# -- 7. reversed time ranges and the codings of a skipped source ----------------------------------


def _media_selection(index: int, begin: int, end: int) -> str:
    return (
        f'<AudioSelection guid="{_guid("1111", index)}" begin="{begin}" end="{end}">'
        f'<Coding guid="{_guid("2222", index)}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</AudioSelection>"
    )


def test_reversed_time_ranges_are_swapped_and_reported(tmp_path: Path) -> None:
    selections = _media_selection(0, 5000, 1000) + _media_selection(1, 2000, 3000)
    body = (
        f'{CODEBOOK}<Sources><AudioSource guid="{G["audio"]}" name="Rec" '
        f'path="relative:///rec.mp3">{selections}</AudioSource></Sources>'
    )
    result = _read(qdpx(tmp_path / "audio.qdpx", project_xml(body)))
    regions = [coding.region for coding in result.project.codings]
    assert regions == [MediaRange(1000, 5000), MediaRange(2000, 3000)]
    assert result.report.warnings == ["1 time range of 'Rec' had its begin after its end; swapped"]


def test_the_codings_of_a_skipped_duplicate_source_are_counted(tmp_path: Path) -> None:
    sources = "".join(
        f'<TextSource guid="{G["source"]}" name="Doc {index}">'
        f"<PlainTextContent>Hello world {index}.</PlainTextContent>"
        f"{_coded(2 * index, 0, 5)}{_coded(2 * index + 1, 6, 11)}</TextSource>"
        for index in range(2)
    )
    path = qdpx(tmp_path / "dups.qdpx", project_xml(f"{CODEBOOK}<Sources>{sources}</Sources>"))
    result = _read(path)
    assert len(result.project.codings) == 2
    lost = {(loss.what, loss.where): loss.count for loss in result.report}
    assert lost[("codings of sources that were skipped", "Doc 1")] == 2
