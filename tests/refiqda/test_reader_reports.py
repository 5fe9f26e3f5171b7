"""What the REFI-QDA import report says when the reader had to change data: a selection whose
start is after its end, a text given both as a file and inline, and a UTF-16 position inside a
surrogate pair. Every file is built here, in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app

from .builders import G, project_xml, qdpx

CODEBOOK = (
    f'<CodeBook><Codes><Code guid="{G["code"]}" name="Money" isCodable="true"/>'
    f'<Code guid="{G["other"]}" name="Family" isCodable="true"/></Codes></CodeBook>'
)
TEXT = "We could not pay the rent. Family helped."
SELECTIONS = ("sel", "sel2", "sel3")
CODINGS = ("coding", "coding2", "coding3")


def _selection(index: int, start: int, end: int, *, codings: int = 1, name: str = "") -> str:
    """A PlainTextSelection with ``codings`` codings (more than one: the element-wise reader)."""
    coded = f'<Coding guid="{G[CODINGS[index]]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
    if codings > 1:
        extra = f"{index:08x}-2222-4000-8000-{index:012x}"
        coded += f'<Coding guid="{extra}"><CodeRef targetGUID="{G["other"]}"/></Coding>'
    return (
        f'<PlainTextSelection guid="{G[SELECTIONS[index]]}" name="{name}" '
        f'startPosition="{start}" endPosition="{end}">{coded}</PlainTextSelection>'
    )


def _read(
    tmp_path: Path,
    selections: str,
    *,
    text: str = TEXT,
    origin: str = "Test Tool 1.0",
    inline: str | None = None,
    text_file: bool = True,
) -> qualcode.ImportResult:
    """A project of one text source: its text in ``sources/<guid>.txt`` and/or inline."""
    path_attribute = f' plainTextPath="internal://{G["source"]}.txt"' if text_file else ""
    content = f"<PlainTextContent>{inline}</PlainTextContent>" if inline is not None else ""
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{G["source"]}" name="Interview"'
        f"{path_attribute}>{content}{selections}</TextSource></Sources>"
    )
    files = {f"sources/{G['source']}.txt": text.encode("utf-8")} if text_file else {}
    path = qdpx(tmp_path / "project.qdpx", project_xml(body, origin=origin), files)
    return qualcode.read(path)


def _span(word: str, text: str = TEXT) -> tuple[int, int]:
    return text.index(word), text.index(word) + len(word)


# -- a selection whose start is after its end ---------------------------------------------------


@pytest.mark.parametrize("codings", [1, 2], ids=["fast reader", "element-wise reader"])
def test_a_reversed_selection_is_swapped_and_reported(tmp_path: Path, codings: int) -> None:
    rent_start, rent_end = _span("We could not pay the rent.")
    family_start, family_end = _span("Family helped.")
    selections = _selection(0, rent_start, rent_end, codings=codings) + _selection(
        1, family_end, family_start, codings=codings
    )
    result = _read(tmp_path, selections)
    coding = result.project.codings[G["coding2"]]
    assert (coding.start, coding.end) == (family_start, family_end)
    assert result.project.quote(coding) == "Family helped."
    assert result.report.warnings == [
        "1 selection of 'Interview' had its start after its end; swapped"
    ]


def test_several_reversed_selections_are_counted(tmp_path: Path) -> None:
    selections = "".join(
        _selection(index, end, start)
        for index, (start, end) in enumerate([_span("could"), _span("rent"), _span("Family")])
    )
    result = _read(tmp_path, selections)
    assert result.report.warnings == [
        "3 selections of 'Interview' had their start after their end; swapped"
    ]


def test_a_reversed_selection_does_not_lower_the_position_score(tmp_path: Path) -> None:
    """The QA case: the one flaw of a file is a reversed selection. The position check scored
    it as falling outside its text and warned that only 50% of edges fell on word boundaries."""
    start, end = _span("We could not pay the rent.")
    family_start, family_end = _span("Family")
    selections = _selection(0, start, end) + _selection(1, family_end, family_start)
    result = _read(tmp_path, selections)
    assert not [w for w in result.report.warnings if w.startswith("positions:")]
    assert result.report.warnings == [
        "1 selection of 'Interview' had its start after its end; swapped"
    ]


def test_the_command_line_shows_the_swap(tmp_path: Path) -> None:
    start, end = _span("Family helped.")
    _read(tmp_path, _selection(0, end, start))  # writes tmp_path/project.qdpx
    result = CliRunner().invoke(
        make_app(), ["convert", str(tmp_path / "project.qdpx"), str(tmp_path / "out.json")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "import: warning: 1 selection of 'Interview' had its start after its end; swapped"
        in result.output
    )


# -- a text given both as a file and inline ----------------------------------------------------


def test_both_a_text_file_and_inline_text_warns_that_the_inline_text_was_used(
    tmp_path: Path,
) -> None:
    inline = "Inline text wins here."
    result = _read(tmp_path, _selection(0, 0, 6), inline=inline)
    (document,) = result.project.documents
    assert document.text == inline  # the choice is unchanged
    assert result.report.warnings == [
        f"<TextSource> 'Interview' has both plainTextPath ('internal://{G['source']}.txt') and "
        "PlainTextContent; the inline PlainTextContent was used, the file ignored"
    ]


def test_an_empty_inline_text_beside_a_file_warns_that_the_file_was_used(tmp_path: Path) -> None:
    result = _read(tmp_path, _selection(0, 0, 2), inline="")
    (document,) = result.project.documents
    assert document.text == TEXT
    (warning,) = result.report.warnings
    assert warning.endswith("its PlainTextContent is empty, so the file was used")


def test_a_note_with_both_texts_warns(tmp_path: Path) -> None:
    body = (
        f'<Notes><Note guid="{G["note"]}" name="Memo" plainTextPath="internal://note.txt">'
        "<PlainTextContent>Inline memo.</PlainTextContent></Note></Notes>"
    )
    path = qdpx(tmp_path / "note.qdpx", project_xml(body), {"sources/note.txt": b"The memo file."})
    result = qualcode.read(path)
    (memo,) = result.project.memos
    assert memo.text == "Inline memo."
    assert result.report.warnings == [
        "<Note> 'Memo' has both plainTextPath ('internal://note.txt') and PlainTextContent; "
        "the inline PlainTextContent was used, the file ignored"
    ]


def test_one_text_alone_gives_no_warning(tmp_path: Path) -> None:
    assert _read(tmp_path, _selection(0, 0, 2)).report.warnings == []
    inline_only = _read(tmp_path, _selection(0, 0, 2), inline=TEXT, text_file=False)
    assert inline_only.report.warnings == []


# -- a UTF-16 position inside a surrogate pair ---------------------------------------------------

EMOJI_TEXT = "Rent was late \U0001f600 again. Family helped."


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("codings", [1, 2], ids=["fast reader", "element-wise reader"])
def test_an_edge_inside_a_surrogate_pair_takes_in_the_character_and_is_reported(
    tmp_path: Path, codings: int
) -> None:
    emoji = EMOJI_TEXT.index("\U0001f600")
    inside = _units(EMOJI_TEXT[:emoji]) + 1  # between the two halves of the pair
    family_start, family_end = (
        _units(EMOJI_TEXT[: EMOJI_TEXT.index(w)]) for w in ("Family", " helped")
    )
    selections = (
        _selection(0, 0, inside, codings=codings)  # ends inside the emoji
        + _selection(1, inside, inside + 7, codings=codings)  # starts inside it
        + _selection(2, family_start, family_end, codings=codings)
    )
    result = _read(tmp_path, selections, text=EMOJI_TEXT, origin="NVivo 12")
    project = result.project
    assert project.quote(project.codings[G["coding"]]) == "Rent was late \U0001f600"
    assert project.quote(project.codings[G["coding2"]]) == "\U0001f600 again"
    assert project.quote(project.codings[G["coding3"]]) == "Family"
    assert result.report.warnings == [
        "2 selection edges of 'Interview' fell inside a character (a UTF-16 surrogate pair); "
        "moved out to take in the whole character"
    ]


def test_utf16_positions_on_character_edges_give_no_warning(tmp_path: Path) -> None:
    emoji_end = _units(EMOJI_TEXT[: EMOJI_TEXT.index(" again")])
    family_start, family_end = (
        _units(EMOJI_TEXT[: EMOJI_TEXT.index(w)]) for w in ("Family", " helped")
    )
    selections = _selection(0, 0, emoji_end) + _selection(1, family_start, family_end)
    result = _read(tmp_path, selections, text=EMOJI_TEXT, origin="NVivo 12")
    assert result.project.quote(result.project.codings[G["coding"]]) == "Rent was late \U0001f600"
    assert result.report.warnings == []


def test_code_point_positions_are_never_inside_a_pair(tmp_path: Path) -> None:
    """Where positions count code points there are no pairs: nothing to report."""
    start = EMOJI_TEXT.index("\U0001f600")
    result = _read(tmp_path, _selection(0, start, start + 1), text=EMOJI_TEXT)
    assert result.project.quote(result.project.codings[G["coding"]]) == "\U0001f600"
    assert result.report.warnings == []
