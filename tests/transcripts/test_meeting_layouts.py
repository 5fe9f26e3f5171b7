"""Transcripts as meeting and transcription tools export them in plain text: Otter.ai, Zoom,
Microsoft Teams and Rev. Each file here is written by us in that tool's layout; each must give
the speaker turns a reader sees, so that ``structure by=speaker`` codes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.api import load
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.structure import StructureStrategy
from qualcode.text import speaker_turns

OTTER = """Speaker 1  0:00
Thanks for joining. How did you start at the clinic?

Anna Okafor  0:07
I was a client first, and then the manager asked me to apply.
It took a while to believe it.

Speaker 1  1:02:15
And today?

Anna Okafor  1:02:18
Today I run the outreach team.


Transcribed by https://otter.ai
"""
"""Otter.ai's .txt export: a line with the speaker and the time (two spaces between, m:ss or
h:mm:ss), the speech on the lines below, a blank line between turns, a credit at the end."""

ZOOM = """[Johnny Doe] 11:02:09
How are you doing?

[Janet Dough] 11:02:09
Hey, I'm Janet, how are you?

[Johnny Doe] 11:02:11
I'm okay. Can you hear me?
"""
"""Zoom's saved meeting transcript (.txt): '[Name] hh:mm:ss', then the speech."""

TEAMS = """Peer work interview PN3-20240312_100000-Meeting Recording
March 12, 2024, 10:00AM
42m 10s

Smith, John started transcription

Smith, John   0:03
Thanks for coming. Can you hear me?

Lee, Anna (Guest)   0:09
Yes, loud and clear.

Smith, John   1:02:15
That is all from me.
"""
"""Microsoft Teams' transcript as text (copied from its .docx download): a title, the date and
the length, then 'Name   m:ss' lines (names may be 'Last, First' or carry '(Guest)')."""

REV = """Speaker 1 (00:00):
Thanks for coming in today.

Speaker 2 (00:04):
Happy to be here.

Speaker 1 (01:02:03):
One last question.
"""
"""Rev's .txt export: 'Name (mm:ss):' (or hh:mm:ss past an hour), the speech on the next line."""

SECONDS = """Anna 0:03:15
Hello.
Ben 0:03:20
Hi, Anna.
"""
"""A name and a clock time with seconds after one space: 'Name 0:03:15'."""

ARROWS = """Martin Storey   00:00:04.000 --> 00:00:09.500
Can everyone hear me?
Lee, Anna   00:00:10.000 --> 00:00:11.000
Yes.
"""
"""A Teams variant with the turn's start and end: 'Name   00:00:04.000 --> 00:00:09.500'."""

EXPECTED = {
    "otter": [
        ("Speaker 1", "Thanks for joining. How did you start at the clinic?"),
        (
            "Anna Okafor",
            "I was a client first, and then the manager asked me to apply.\n"
            "It took a while to believe it.",
        ),
        ("Speaker 1", "And today?"),
        ("Anna Okafor", "Today I run the outreach team.\n\n\nTranscribed by https://otter.ai"),
    ],
    "zoom": [
        ("Johnny Doe", "How are you doing?"),
        ("Janet Dough", "Hey, I'm Janet, how are you?"),
        ("Johnny Doe", "I'm okay. Can you hear me?"),
    ],
    "teams": [
        ("Smith, John", "Thanks for coming. Can you hear me?"),
        ("Lee, Anna (Guest)", "Yes, loud and clear."),
        ("Smith, John", "That is all from me."),
    ],
    "rev": [
        ("Speaker 1", "Thanks for coming in today."),
        ("Speaker 2", "Happy to be here."),
        ("Speaker 1", "One last question."),
    ],
    "seconds": [("Anna", "Hello."), ("Ben", "Hi, Anna.")],
    "arrows": [("Martin Storey", "Can everyone hear me?"), ("Lee, Anna", "Yes.")],
}
LAYOUTS = {
    "otter": OTTER,
    "zoom": ZOOM,
    "teams": TEAMS,
    "rev": REV,
    "seconds": SECONDS,
    "arrows": ARROWS,
}


def speeches(project: Project, **options: object) -> list[tuple[str, str]]:
    """(speaker code, speech) of each coding ``structure by=speaker label=false`` proposes."""
    result = StructureStrategy().run(
        project, SerialRunner(), by="speaker", label="false", root="", **options
    )
    names = {code.id: code.name for code in result.codes}
    return [
        (names[c.code_id], project.documents[c.document_id].text[c.start : c.end])
        for c in result.codings
    ]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_tools_text_layout_gives_speaker_turns(layout: str, tmp_path: Path) -> None:
    path = tmp_path / f"{layout}.txt"
    path.write_text(LAYOUTS[layout], encoding="utf-8")

    project = load(path)

    assert speeches(project) == EXPECTED[layout]


def test_with_labels_each_turn_starts_at_its_heading_line(tmp_path: Path) -> None:
    path = tmp_path / "otter.txt"
    path.write_text(OTTER, encoding="utf-8")
    project = load(path)
    result = StructureStrategy().run(project, SerialRunner(), by="speaker")
    text = next(iter(project.documents)).text

    first = result.codings[0]
    assert text[first.start : first.end] == (
        "Speaker 1  0:00\nThanks for joining. How did you start at the clinic?"
    )


def test_windows_line_ends_and_a_bom_do_not_hide_the_turns(tmp_path: Path) -> None:
    path = tmp_path / "teams.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEAMS.replace("\n", "\r\n").encode("utf-8"))

    assert speeches(load(path)) == EXPECTED["teams"]


@pytest.mark.parametrize(
    "text",
    [
        "Monday 9:15\nWoke up tired.\n",  # a diary's time, one space, no seconds
        "Arrival  9:00\n\nWe met at the gate.\n",  # a time with no speech on the next line
        "Interview length\t1:02:15\nPlace\tLeeds\n",  # a table row (cells joined by a tab)
        "We met at 10:30  11:00\nand talked.\n",  # more than a name before the time
        "Notes  10:00",  # nothing after it
    ],
)
def test_times_that_are_not_speaker_headings(text: str) -> None:
    assert speaker_turns(text) == []


def test_zoom_and_teams_vtt_name_their_speakers(tmp_path: Path) -> None:
    zoom = tmp_path / "zoom.vtt"
    zoom.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nJohnny Doe: How are you doing?\n\n"
        "2\n00:00:04.500 --> 00:00:06.000\nJanet Dough (she/her): Fine, thanks.\n",
        encoding="utf-8",
    )
    teams = tmp_path / "teams.vtt"
    teams.write_text(
        "WEBVTT\n\n3f2a9c1e-1/12-0\n00:00:03.120 --> 00:00:05.000\n"
        "<v Smith, John>Thanks for coming.</v>\n\n"
        "3f2a9c1e-1/15-0\n00:00:09.000 --> 00:00:10.500\n<v Lee, Anna (Guest)>Yes.</v>\n",
        encoding="utf-8",
    )

    assert speeches(load(zoom)) == [
        ("Johnny Doe", "How are you doing?"),
        ("Janet Dough (she/her)", "Fine, thanks."),
    ]
    assert speeches(load(teams)) == [
        ("Smith, John", "Thanks for coming."),
        ("Lee, Anna (Guest)", "Yes."),
    ]
