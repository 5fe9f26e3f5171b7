"""Properties of transcript import over generated cues: text, turns and sync points agree."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import qualcode

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéßø中ü0123456789.,!?'", min_size=1, max_size=8)
CUE = st.tuples(
    st.sampled_from([None, "Anna", "Ben", "Dr Kim"]),
    st.lists(WORD, min_size=1, max_size=6).map(" ".join),
    st.integers(min_value=0, max_value=5_000),
)


def clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1_000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def render(cues: list[tuple[str | None, str, int]]) -> tuple[str, str, list[int]]:
    """The cues as VTT (voice tags) and SRT (prefixes), and each cue's start time."""
    vtt = ["WEBVTT", ""]
    srt: list[str] = []
    start = 0
    starts: list[int] = []
    for number, (speaker, text, gap) in enumerate(cues, start=1):
        start += gap
        starts.append(start)
        end = start + 500
        vtt += [f"{clock(start, '.')} --> {clock(end, '.')}"]
        vtt += [f"<v {speaker}>{text}" if speaker else text, ""]
        srt += [str(number), f"{clock(start, ',')} --> {clock(end, ',')}"]
        srt += [f"{speaker}: {text}" if speaker else text, ""]
    return "\n".join(vtt), "\n".join(srt), starts


@settings(max_examples=60, deadline=None)
@given(st.lists(CUE, min_size=1, max_size=12))
def test_lines_turns_and_sync_points_follow_the_cues(
    cues: list[tuple[str | None, str, int]],
) -> None:
    vtt, srt, starts = render(cues)
    expected_lines = [f"{speaker}: {text}" if speaker else text for speaker, text, _ in cues]
    with tempfile.TemporaryDirectory() as folder:
        for name, content in (("t.vtt", vtt), ("t.srt", srt)):
            path = Path(folder) / name
            path.write_text(content, encoding="utf-8")
            (document,) = qualcode.load(path).documents
            assert document.text.split("\n") == expected_lines
            line_starts = [0]
            for line in expected_lines[:-1]:
                line_starts.append(line_starts[-1] + len(line) + 1)
            assert [(p.position, p.time_ms) for p in document.sync_points] == list(
                zip(line_starts, starts, strict=True)
            )
            labelled = [i for i, (speaker, _, _) in enumerate(cues) if speaker]
            assert [t.speaker for t in document.turns] == [cues[i][0] for i in labelled]
            for turn, index in zip(document.turns, labelled, strict=True):
                assert turn.start == line_starts[index]
                assert document.text[turn.start : turn.end].startswith(f"{cues[index][0]}: ")
