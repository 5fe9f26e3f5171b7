"""Things a file says twice, and passages that cannot be placed: the importer keeps the first and
says so, and `validate` reports what the import cannot give as intended."""

from __future__ import annotations

from pathlib import Path

import qualcode
from qualcode.formats.refiqda.validation import validate_file

from .builders import G, project_xml, qdpx

CODE = f'<CodeBook><Codes><Code guid="{G["code"]}" name="K" isCodable="true"/></Codes></CodeBook>'


def _lost(path: Path) -> list[str]:
    return [loss.what for loss in qualcode.read(path).report]


def test_a_note_guid_used_twice_keeps_the_first_note_and_says_so(tmp_path: Path) -> None:
    upper = G["note"].upper()
    body = (
        f'{CODE}<Sources><TextSource guid="{G["source"]}" name="t">'
        f"<PlainTextContent>Hello there</PlainTextContent>"
        f'<NoteRef targetGUID="{G["note"]}"/></TextSource></Sources>'
        f'<Notes><Note guid="{G["note"]}" name="About code"><PlainTextContent>first'
        f'</PlainTextContent></Note><Note guid="{upper}" name="About source"><PlainTextContent>'
        "second</PlainTextContent></Note></Notes>"
    )
    path = qdpx(tmp_path / "notes.qdpx", project_xml(body))
    (memo,) = qualcode.load(path).memos
    assert (memo.name, memo.text) == ("About code", "first")
    assert "notes whose GUID is used twice (the later skipped)" in _lost(path)
    assert any("duplicate GUID" in problem.message for problem in validate_file(path))


def _transcript(points: str, selection: str) -> str:
    return (
        f'{CODE}<Sources><AudioSource guid="{G["audio"]}" name="a" path="relative:///a.mp3">'
        f'<Transcript guid="{G["transcript"]}"><PlainTextContent>Hello there world'
        f"</PlainTextContent>{points}{selection}</Transcript></AudioSource></Sources>"
    )


def _selection(start: str = G["sync1"], end: str = G["sync2"]) -> str:
    ends = (f' fromSyncPoint="{start}"' if start else "") + (f' toSyncPoint="{end}"' if end else "")
    return (
        f'<TranscriptSelection guid="{G["tsel"]}"{ends}><Coding guid="{G["coding"]}">'
        f'<CodeRef targetGUID="{G["code"]}"/></Coding></TranscriptSelection>'
    )


def test_a_sync_point_guid_used_twice_keeps_the_first(tmp_path: Path) -> None:
    points = (
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="0" position="0"/>'
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="50" position="6"/>'
        f'<SyncPoint guid="{G["sync2"]}" timeStamp="100" position="11"/>'
    )
    path = qdpx(tmp_path / "sync.qdpx", project_xml(_transcript(points, _selection())))
    project = qualcode.load(path)
    assert project.quote(project.codings[G["coding"]]) == "Hello there"
    assert "sync points whose GUID is used twice (the later skipped)" in _lost(path)


def test_a_transcript_passage_that_cannot_be_placed_is_a_problem(tmp_path: Path) -> None:
    unplaced = (
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="0"/>'
        f'<SyncPoint guid="{G["sync2"]}" timeStamp="100" position="5"/>'
    )
    placed = (
        f'<SyncPoint guid="{G["sync1"]}" timeStamp="0" position="0"/>'
        f'<SyncPoint guid="{G["sync2"]}" timeStamp="100" position="5"/>'
    )
    cases = {
        "no position": (unplaced, _selection(), "fromSyncPoint names a sync point without"),
        "no start": (placed, _selection(start=""), "has no fromSyncPoint: it cannot be placed"),
    }
    for label, (points, selection, expected) in cases.items():
        path = qdpx(tmp_path / "t.qdpx", project_xml(_transcript(points, selection)))
        (problem,) = validate_file(path)
        assert expected in problem.message, label
        assert "transcript selections without positioned sync points" in _lost(path), label
    path = qdpx(tmp_path / "t.qdpx", project_xml(_transcript(placed, _selection())))
    assert validate_file(path) == []


def test_a_selection_without_a_position_is_a_problem_without_the_schema(tmp_path: Path) -> None:
    body = (
        f'{CODE}<Sources><TextSource guid="{G["source"]}" name="t">'
        f"<PlainTextContent>Hello there</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" endPosition="5"><Coding guid="{G["coding"]}">'
        f'<CodeRef targetGUID="{G["code"]}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources>"
    )
    path = qdpx(tmp_path / "nostart.qdpx", project_xml(body))
    (problem,) = validate_file(path)
    assert problem.message == "<PlainTextSelection> has no startPosition"


def test_a_second_value_of_one_variable_keeps_the_first_and_says_so(tmp_path: Path) -> None:
    values = "".join(
        f'<VariableValue><VariableRef targetGUID="{G["var"]}"/><IntegerValue>{number}'
        "</IntegerValue></VariableValue>"
        for number in (5, 6)
    )
    body = (
        f'<Variables><Variable guid="{G["var"]}" name="Age" typeOfVariable="Integer"/>'
        f'</Variables><Cases><Case guid="{G["case"]}" name="P1">{values}</Case></Cases>'
        f'<Sources><TextSource guid="{G["source"]}" name="t"><PlainTextContent>Hi'
        f"</PlainTextContent>{values}</TextSource></Sources>"
    )
    path = qdpx(tmp_path / "values.qdpx", project_xml(body))
    project = qualcode.load(path)
    assert dict(project.cases[G["case"]].attributes) == {G["var"]: 5}
    assert dict(project.documents[G["source"]].attributes) == {G["var"]: 5}
    assert _lost(path).count("second values of one variable (the first kept)") == 2
    problems = validate_file(path)
    assert len(problems) == 2
    assert all("second value of the same variable" in p.message for p in problems)
