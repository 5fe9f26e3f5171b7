"""WebVTT and SRT transcripts: cue text, speaker turns, sync points, and bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import OptionError, ParseError, TextEncodingError
from qualcode.model import Document, DocumentKind, SpeakerTurn, SyncPoint

VTT = """WEBVTT
Kind: captions
Language: en

STYLE
::cue { color: yellow }

NOTE recorded on a Tuesday,
two speakers

intro
00:00:01.000 --> 00:00:04.000 align:start
<v Anna>Hello, I'm <b>Anna</b> &amp; this
is my <i>story</i>.</v>

00:00:03.500 --> 00:00:06.000
<v.loud Ben>No way!</v>

00:00:06.000 --> 00:00:08.250
<v Anna>Yes &lt;really&gt;.

01:00:07.000 --> 01:00:09.000
It goes on <00:00:07.500>without a tag.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Anna: Hello, I'm <b>Anna</b> & this
is my <i>story</i>.

2
00:00:03,500 --> 00:00:06,000
Ben: No way!

3
00:00:06,000 --> 00:00:08,250
Anna: Yes <really>.

4
01:00:07,000 --> 01:00:09,000
{\\an8}It goes on without a tag.
"""

EXPECTED_TEXT = (
    "Anna: Hello, I'm Anna & this is my story.\n"
    "Ben: No way!\n"
    "Anna: Yes <really>.\n"
    "It goes on without a tag."
)


def only_document(path: Path, **options: object) -> Document:
    project = qualcode.load(path, **options)
    (document,) = project.documents
    return document


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_vtt_text_has_one_line_per_cue_with_voice_labels(tmp_path: Path) -> None:
    document = only_document(write(tmp_path, "interview.vtt", VTT))
    assert document.text == EXPECTED_TEXT
    assert document.name == "interview"
    assert document.kind is DocumentKind.INTERVIEW


def test_vtt_ruby_readings_are_dropped_and_their_base_text_kept(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"
        "<v Aiko><ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>を<ruby>書<rt>ka</ruby>く\n"
    )
    assert only_document(write(tmp_path, "ruby.vtt", vtt)).text == "Aiko: 漢字を書く"


def test_vtt_voice_tags_become_turns_that_run_to_the_next_speaker(tmp_path: Path) -> None:
    document = only_document(write(tmp_path, "interview.vtt", VTT))
    text = document.text
    assert [t.speaker for t in document.turns] == ["Anna", "Ben", "Anna"]
    first, second, third = document.turns
    assert text[first.start : first.end] == "Anna: Hello, I'm Anna & this is my story."
    assert text[second.start : second.end] == "Ben: No way!"
    # the unlabelled last cue continues Anna's turn
    assert text[third.start : third.end] == "Anna: Yes <really>.\nIt goes on without a tag."


def test_vtt_cue_start_times_are_sync_points_at_line_starts(tmp_path: Path) -> None:
    document = only_document(write(tmp_path, "interview.vtt", VTT))
    # lines of EXPECTED_TEXT: 41, 12, 19 and 25 characters long, one newline between each
    assert document.sync_points == (
        SyncPoint(0, 1_000),
        SyncPoint(42, 3_500),
        SyncPoint(55, 6_000),
        SyncPoint(75, 3_607_000),
    )
    assert [(p.start, p.end) for p in document.paragraphs] == [
        (0, 41),
        (42, 54),
        (55, 74),
        (75, 100),
    ]
    assert len(document.text) == 100


def test_srt_speaker_prefixes_give_the_same_document_as_vtt_voice_tags(tmp_path: Path) -> None:
    vtt = only_document(write(tmp_path, "a.vtt", VTT))
    srt = only_document(write(tmp_path, "a.srt", SRT))
    assert srt.text == EXPECTED_TEXT
    assert srt.turns == vtt.turns
    assert srt.sync_points == vtt.sync_points


def test_overlapping_cues_are_kept_in_start_order_with_a_warning(tmp_path: Path) -> None:
    vtt = """WEBVTT

00:00:05.000 --> 00:00:09.000
<v Ben>I was saying that

00:00:01.000 --> 00:00:06.000
<v Anna>First words, long cue

00:00:05.500 --> 00:00:07.000
<v Anna>cross-talk
"""
    result = qualcode.read(write(tmp_path, "overlap.vtt", vtt))
    (document,) = result.project.documents
    assert document.text == "Anna: First words, long cue\nBen: I was saying that\nAnna: cross-talk"
    assert [p.time_ms for p in document.sync_points] == [1_000, 5_000, 5_500]
    assert [t.speaker for t in document.turns] == ["Anna", "Ben", "Anna"]
    assert any("2 cue(s) overlap" in warning for warning in result.report.warnings)


def test_several_speakers_in_one_cue_start_new_lines(tmp_path: Path) -> None:
    vtt = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Anna>Ready?</v> <v Ben>Yes.</v>\n- dash line\n"
    srt = "1\n00:00:01,000 --> 00:00:03,000\nAnna: Ready?\nBen: Yes.\n- dash line\n"
    for name, text in (("a.vtt", vtt), ("a.srt", srt)):
        document = only_document(write(tmp_path, name, text))
        assert document.text == "Anna: Ready?\nBen: Yes.\n- dash line", name
        assert [t.speaker for t in document.turns] == ["Anna", "Ben"], name
        assert document.sync_points == (SyncPoint(0, 1_000),), name


def test_without_speaker_labels_the_text_holds_only_what_was_said(tmp_path: Path) -> None:
    for name, text in (("a.vtt", VTT), ("a.srt", SRT)):
        document = only_document(write(tmp_path, name, text), speaker_labels="false")
        assert document.text == (
            "Hello, I'm Anna & this is my story.\nNo way!\nYes <really>.\nIt goes on without a tag."
        ), name
        assert document.turns == (
            SpeakerTurn(0, 35, "Anna"),
            SpeakerTurn(36, 43, "Ben"),
            SpeakerTurn(44, len(document.text), "Anna"),
        ), name


def test_speaker_prefixes_can_be_switched_off_or_customised(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nNote: not a speaker\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n[R1] I agree\n"
    )
    path = write(tmp_path, "a.srt", srt)
    assert only_document(path, speakers="no").turns == ()
    custom = only_document(path, speaker_pattern=r"^\[(?P<speaker>\w+)\]\s*")
    assert [t.speaker for t in custom.turns] == ["R1"]
    assert custom.text == "Note: not a speaker\nR1: I agree"
    with pytest.raises(OptionError, match="speaker"):
        only_document(path, speaker_pattern=r"^(\w+):")


def test_crlf_bom_utf16_and_unnumbered_srt_are_read(tmp_path: Path) -> None:
    srt = (
        "\r\n00:00:01,000 --> 00:00:02,000\r\nΓειά σου 👋\r\n\r\n\r\n"
        "00:00:03,5 --> 00:00:04,000\r\nשלום, مرحبا\r\n"
    )
    path = tmp_path / "a.srt"
    path.write_bytes(codecs.BOM_UTF16_LE + srt.encode("utf-16-le"))
    document = only_document(path)
    assert document.text == "Γειά σου 👋\nשלום, مرحبا"
    assert [p.time_ms for p in document.sync_points] == [1_000, 3_500]
    assert document.text_origin is not None
    assert document.text_origin.encoding == "utf-16-le"


def test_losses_are_reported(tmp_path: Path) -> None:
    result = qualcode.read(write(tmp_path, "a.vtt", VTT))
    lost = {loss.what: loss.count for loss in result.report}
    assert lost["cue end times (only start times are kept as sync points)"] == 4
    assert lost["cue identifiers"] == 1
    assert lost["cue settings (position, alignment)"] == 1


def test_vtt_is_recognised_by_content(tmp_path: Path) -> None:
    path = write(tmp_path, "captions.unknownext", VTT)
    assert only_document(path).text == EXPECTED_TEXT


def test_kind_option(tmp_path: Path) -> None:
    path = write(tmp_path, "a.vtt", VTT)
    assert only_document(path, kind="focus_group").kind is DocumentKind.FOCUS_GROUP
    with pytest.raises(OptionError, match="unknown document kind"):
        only_document(path, kind="podcast")


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.vtt", "empty.srt"])
def test_a_file_without_cues_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "WEBVTT\n\n" if name.endswith(".vtt") else "just some text\n")
    with pytest.raises(ParseError, match="no cues found") as raised:
        qualcode.load(path)
    assert raised.value.path == str(path)


def test_bad_timing_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.vtt", "WEBVTT\n\n00:00:01.000 --> soon\nHello\n")
    with pytest.raises(ParseError, match="bad cue timing") as raised:
        qualcode.load(path)
    assert raised.value.line == 3
    assert str(path) in str(raised.value)
    srt = write(tmp_path, "bad.srt", "1\n00:00:01,000 --> later\nHello\n")
    with pytest.raises(ParseError, match="bad cue timing") as raised:
        qualcode.load(srt)
    assert raised.value.line == 2


def test_cues_without_text_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.srt", "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n")
    with pytest.raises(ParseError, match="hold no text"):
        qualcode.load(path)


def test_a_legacy_encoding_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.srt", "1\n00:00:01,000 --> 00:00:02,000\nCafé\n", "cp1252")
    with pytest.raises(TextEncodingError) as raised:
        qualcode.load(path)
    assert raised.value.path == str(path)
    assert raised.value.hint
    assert path.read_bytes() == "1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("cp1252")
