"""A document's paragraphs, speaker turns and sync points must fit its own text.

Like a coding's span, each is checked when the document is added (by every path that adds
documents), so a hand-edited file cannot carry one that fails only later, in a slice or an export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qualcode
from qualcode import Document, Project, new_id
from qualcode.errors import IntegrityError, SpanError
from qualcode.formats.native_json import encode_project
from qualcode.model import Paragraph, SpeakerTurn, SyncPoint

TEXT = "I1: How was it?\nPN1: Short.\n"  # 28 characters
SIZE = len(TEXT)

BAD: dict[str, dict[str, Any]] = {
    "turn ends after the text": {"turns": [SpeakerTurn(0, 10**9, "PN1")]},
    "turn starts after it ends": {"turns": [SpeakerTurn(16, 4, "PN1")]},
    "turn starts before the text": {"turns": [SpeakerTurn(-1, 4, "I1")]},
    "paragraph ends after the text": {"paragraphs": [Paragraph(0, SIZE + 1)]},
    "paragraph starts after it ends": {"paragraphs": [Paragraph(50, 3)]},
    "paragraph starts before the text": {"paragraphs": [Paragraph(-3, 3)]},
    "sync point after the text": {"sync_points": [SyncPoint(10**9, 0)]},
    "sync point before the text": {"sync_points": [SyncPoint(-1, 0)]},
    "sync point at a negative time": {"sync_points": [SyncPoint(0, -5)]},
}

WORDS = {
    "turn": "speaker turn 1",
    "paragraph": "paragraph 1",
    "sync point": "sync point 1",
}


def document(**structure: Any) -> Document:
    return Document(id=new_id(), name="interview 1", text=TEXT, **structure)


def expected_words(case: str) -> str:
    return next(words for prefix, words in WORDS.items() if case.startswith(prefix))


@pytest.mark.parametrize("case", sorted(BAD))
def test_add_document_refuses_structure_outside_the_text(case: str) -> None:
    project = Project()
    bad = document(**BAD[case])
    with pytest.raises(SpanError) as caught:
        project.add_document(bad)
    message = str(caught.value)
    assert "document 'interview 1'" in message
    assert expected_words(case) in message
    assert caught.value.guid == bad.id
    assert len(project.documents) == 0


@pytest.mark.parametrize("case", sorted(BAD))
def test_add_all_refuses_and_adds_nothing(case: str) -> None:
    project = Project()
    good = document(turns=[SpeakerTurn(0, 15, "I1")])
    with pytest.raises(SpanError, match="interview 1"):
        project.add_all([good, document(**BAD[case])])
    assert len(project.documents) == 0


@pytest.mark.parametrize("case", sorted(BAD))
def test_replace_refuses_and_keeps_the_old_document(case: str) -> None:
    project = Project()
    old = project.add_document(document())
    changed = Document(id=old.id, name=old.name, text=TEXT, **BAD[case])
    with pytest.raises(SpanError, match="interview 1"):
        project.add_document(changed, replace=True)
    with pytest.raises(IntegrityError):
        project.add(changed, replace=True)
    assert project.documents[old.id] is old


def test_structure_that_fits_is_accepted_edges_included() -> None:
    project = Project()
    added = project.add_document(
        document(
            paragraphs=[Paragraph(0, 15), Paragraph(16, SIZE), Paragraph(SIZE, SIZE)],
            turns=[SpeakerTurn(0, 16, "I1"), SpeakerTurn(16, SIZE, "PN1"), SpeakerTurn(3, 3, "x")],
            sync_points=[SyncPoint(0, 0), SyncPoint(16, 4200), SyncPoint(SIZE, 10**7)],
        )
    )
    assert project.check() == []
    assert project.documents[added.id] is added


def test_empty_text_allows_only_empty_structure_at_zero() -> None:
    project = Project()
    project.add_document(
        Document(
            id=new_id(), name="empty", turns=[SpeakerTurn(0, 0, "x")], sync_points=[SyncPoint(0, 0)]
        )
    )
    with pytest.raises(SpanError, match=r"paragraph 1 spans 0\.\.1, outside its text of 0 "):
        project.add_document(Document(id=new_id(), name="empty 2", paragraphs=[Paragraph(0, 1)]))


def test_many_bad_items_make_one_line_that_counts_the_rest() -> None:
    turns = [SpeakerTurn(0, 5, "I1"), *(SpeakerTurn(i, i - 1, "PN1") for i in range(10, 20))]
    with pytest.raises(SpanError) as caught:
        Project().add_document(document(turns=turns))
    message = str(caught.value)
    assert "speaker turn 2 spans 10..9, ends before it starts" in message
    assert "(and 9 more like it)" in message
    assert "\n" not in message


def test_each_kind_is_reported_by_check() -> None:
    """``problems`` (behind ``project.check()`` and ``qualcode validate``) names each kind once."""
    project = Project()
    bad = document(
        paragraphs=[Paragraph(5, 1)],
        turns=[SpeakerTurn(0, 10**9, "x")],
        sync_points=[SyncPoint(3, -1), SyncPoint(10**9, 1)],
    )
    found = [str(p) for p in project._rules.problems(bad)]
    assert len(found) == 3
    assert "paragraph 1 spans 5..1, ends before it starts" in found[0]
    assert "speaker turn 1 spans 0..1000000000, outside its text of 28 characters" in found[1]
    assert "sync point 1 has a negative time (-1 ms)" in found[2]
    assert "(and 1 more like it)" in found[2]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("turns", [{"start": 0, "end": 10**9, "speaker": "x"}], "speaker turn 1 spans 0..10000"),
        ("paragraphs", [{"start": 50, "end": 3}], "paragraph 1 spans 50..3"),
        ("sync_points", [{"position": 10**9, "time_ms": 0}], "sync point 1 is at position"),
        ("sync_points", [{"position": 0, "time_ms": -1}], "sync point 1 has a negative time"),
    ],
)
def test_the_json_reader_refuses_a_hand_edited_file(
    tmp_path: Path, field: str, value: list[dict[str, int | str]], words: str
) -> None:
    project = Project()
    project.add_document(document())
    data = encode_project(project)
    data["documents"][0][field] = value
    path = tmp_path / "edited.qualcode.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SpanError) as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)
    assert "document 'interview 1'" in str(caught.value)
    assert words in str(caught.value)
