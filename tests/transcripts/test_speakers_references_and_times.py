"""Transcript import: dash speakers, character references, impossible times, empty cues."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from qualcode.errors import ParseError
from qualcode.model import Document, SpeakerTurn, SyncPoint


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def only_document(path: Path, **options: object) -> Document:
    (document,) = qualcode.load(path, **options).documents
    return document


# -- dialogue dashes that name speakers ---------------------------------------------------------

DASH_VTT = (
    "WEBVTT\n\n00:01.000 --> 00:02.000\n- Anna: Hi there.\n- Bob: Hello!\n\n"
    "00:02.500 --> 00:03.000\nNo speaker here\n"
)
DASH_SRT = (
    "1\n00:00:01,000 --> 00:00:02,000\n- Anna: Hi there.\n- Bob: Hello!\n\n"
    "2\n00:00:02,500 --> 00:00:03,000\nNo speaker here\n"
)


@pytest.mark.parametrize(("name", "content"), [("d.vtt", DASH_VTT), ("d.srt", DASH_SRT)])
def test_a_dash_before_a_name_and_colon_starts_that_speakers_turn(
    tmp_path: Path, name: str, content: str
) -> None:
    document = only_document(write(tmp_path, name, content))
    assert document.text == "Anna: Hi there.\nBob: Hello!\nNo speaker here"
    assert document.turns == (
        SpeakerTurn(0, 15, "Anna"),
        SpeakerTurn(16, len(document.text), "Bob"),
    )
    assert document.sync_points == (SyncPoint(0, 1_000), SyncPoint(28, 2_500))


def test_dash_speakers_without_labels_and_after_an_earlier_speaker(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nCarl: Who is there?\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n– Bob: yes\n— Anna: no\n"
    )
    path = write(tmp_path, "e.srt", srt)
    assert [t.speaker for t in only_document(path).turns] == ["Carl", "Bob", "Anna"]
    bare = only_document(path, speaker_labels="false")
    assert bare.text == "Who is there?\nyes\nno"
    assert [bare.text[t.start : t.end] for t in bare.turns] == ["Who is there?", "yes", "no"]


def test_plain_dashes_and_dashes_without_a_speaker_stay_as_they_are(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nAnna: Ready?\n- yes\n- no: never\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n- 10 am: later\n"
    )
    document = only_document(write(tmp_path, "p.srt", srt))
    assert document.text == "Anna: Ready?\n- yes\n- no: never\n- 10 am: later"
    assert [t.speaker for t in document.turns] == ["Anna"]
    assert only_document(write(tmp_path, "q.srt", srt), speakers="no").turns == ()


def test_a_custom_speaker_pattern_also_applies_after_a_dash(tmp_path: Path) -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n- [R1] I agree\n- [R2] I do not\n"
    path = write(tmp_path, "c.srt", srt)
    document = only_document(path, speaker_pattern=r"^\[(?P<speaker>\w+)\]\s*")
    assert document.text == "R1: I agree\nR2: I do not"
    assert [t.speaker for t in document.turns] == ["R1", "R2"]


def test_a_dash_next_to_a_voice_tag_is_dropped_as_the_tag_names_the_speaker(
    tmp_path: Path,
) -> None:
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n- <v Anna>Hi there.\n<v Bob>- Hello!\n- and more\n"
    document = only_document(write(tmp_path, "v.vtt", vtt))
    assert document.text == "Anna: Hi there.\nBob: Hello!\n- and more"
    assert [t.speaker for t in document.turns] == ["Anna", "Bob"]


# -- character references -----------------------------------------------------------------------


def test_character_references_in_vtt_voice_names_are_decoded(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ren&eacute;e>Bonjour &amp; salut &lt;3\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v.loud Bob&#32;Smith>Loud</v> <v Anna>and mine\n"
    )
    document = only_document(write(tmp_path, "v.vtt", vtt))
    assert document.text == "Renée: Bonjour & salut <3\nBob Smith: Loud\nAnna: and mine"
    assert [t.speaker for t in document.turns] == ["Renée", "Bob Smith", "Anna"]


def test_character_references_in_srt_are_decoded(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\n"
        '{\\an8}<font color="red">Anna: AT&amp;T &lt;ok&gt; &#233;t&#xE9;</font>\n\n'
        "2\n00:00:03,000 --> 00:00:04,000\nR&D & Tom&Jerry &notaref &copy stay\n"
    )
    document = only_document(write(tmp_path, "e.srt", srt))
    assert document.text == "Anna: AT&T <ok> été\nR&D & Tom&Jerry &notaref &copy stay"
    assert [t.speaker for t in document.turns] == ["Anna"]


# -- a voice tag and a prefix naming the same speaker ---------------------------------------------


def test_a_voice_tag_and_a_prefix_with_the_same_name_give_one_label(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Anna: Hello\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Anna>Bob: says hi\n"
    )
    document = only_document(write(tmp_path, "a.vtt", vtt))
    assert document.text == "Anna: Hello\nAnna: Bob: says hi"
    assert [t.speaker for t in document.turns] == ["Anna", "Anna"]


# -- timestamps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "line"),
    [
        ("00:00:61.000 --> 00:00:62.000", 6),
        ("00:99:01.000 --> 00:99:02.000", 6),
        ("61:00.000 --> 61:01.000", 6),
        ("00:00:01.000 --> 00:00:60.000", 6),
    ],
)
def test_impossible_vtt_timestamps_are_errors_naming_file_and_line(
    tmp_path: Path, timing: str, line: int
) -> None:
    vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n{timing}\nbad\n"
    path = write(tmp_path, "t.vtt", vtt)
    with pytest.raises(ParseError, match="59") as raised:
        qualcode.load(path)
    assert raised.value.path == str(path)
    assert raised.value.line == line
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    "timing", ["00:61:99,000 --> 00:62:00,000", "00:00:01,000 --> 00:00:60,000"]
)
def test_impossible_srt_timestamps_are_errors_naming_file_and_line(
    tmp_path: Path, timing: str
) -> None:
    srt = f"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n{timing}\nbad\n"
    path = write(tmp_path, "t.srt", srt)
    with pytest.raises(ParseError, match="59") as raised:
        qualcode.load(path)
    assert raised.value.path == str(path)
    assert raised.value.line == 6


def test_large_hours_and_edge_values_are_still_read(tmp_path: Path) -> None:
    vtt = "WEBVTT\n\n123:59:59.999 --> 124:00:00.000\nlate\n\n59:59.000 --> 59:59.500\nearly\n"
    document = only_document(write(tmp_path, "h.vtt", vtt))
    assert [p.time_ms for p in document.sync_points] == [3_599_000, 446_399_999]


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            "b.vtt",
            "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n\n"
            "00:00:06.000 --> 00:00:07.000\nnext\n",
            3,
        ),
        (
            "b.srt",
            "1\n00:00:05,000 --> 00:00:01,000\nbackwards\n\n"
            "2\n00:00:06,000 --> 00:00:07,000\nnext\n",
            2,
        ),
    ],
)
def test_a_cue_that_ends_before_it_starts_is_kept_with_a_warning_naming_it(
    tmp_path: Path, name: str, content: str, line: int
) -> None:
    result = qualcode.read(write(tmp_path, name, content))
    (document,) = result.project.documents
    assert document.text == "backwards\nnext"
    assert [p.time_ms for p in document.sync_points] == [5_000, 6_000]
    (warning,) = [w for w in result.report.warnings if "ends before it starts" in w]
    assert name in warning
    assert f"line {line}" in warning


# -- empty cues ---------------------------------------------------------------------------------


def test_empty_cues_are_skipped_and_counted_in_the_loss_report(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n"
        "00:00:03.000 --> 00:00:04.000\nafter empty\n\n"
        "00:00:05.000 --> 00:00:06.000\n<i></i>\n\n"
        "00:00:07.000 --> 00:00:08.000\nlast\n"
    )
    result = qualcode.read(write(tmp_path, "empty.vtt", vtt))
    (document,) = result.project.documents
    assert document.text == "after empty\nlast"
    assert [p.time_ms for p in document.sync_points] == [3_000, 7_000]
    lost = {loss.what: loss for loss in result.report}
    empty = lost["cues without text (skipped)"]
    assert empty.count == 2
    assert empty.where == "empty.vtt"


def test_a_file_whose_cues_all_lack_text_is_still_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path, "blank.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\n"
    )
    with pytest.raises(ParseError, match="hold no text") as raised:
        qualcode.load(path)
    assert raised.value.path == str(path)
