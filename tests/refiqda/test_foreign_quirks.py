"""Quirks of other tools' exports: missing texts, names that are labels, notes on uncoded
selections, and PDF quotations written twice. Every file is built here, in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from qualcode.formats.refiqda.builder_base import REGION_NOTE_LOSS
from qualcode.formats.refiqda.positions import (
    CODE_POINTS,
    UTF16,
    RawSelection,
    SourceText,
    _same_words,
    choose_convention,
)
from qualcode.losses import LossReport
from qualcode.model import PdfRegion

from .builders import project_xml, qdpx


def _ids(*names: str) -> dict[str, str]:
    return {name: f"{i:08x}-1111-4000-8000-{i:012x}" for i, name in enumerate(names, start=100)}


ID = _ids(
    "user",
    "code",
    "other",
    "mabel",
    "fred",
    "kept",
    "video",
    "vsel",
    "tsel",
    "csel",
    "coding",
    "coding2",
    "note",
    "note2",
    "link",
    "link2",
    "link3",
    "set",
    "case",
    "pdf",
    "quote",
    "lone",
    *(f"s{i}" for i in range(12)),
    *(f"c{i}" for i in range(12)),
)
CODEBOOK = (
    f'<CodeBook><Codes><Code guid="{ID["code"]}" name="Food" isCodable="true"/>'
    f'<Code guid="{ID["other"]}" name="Ads" isCodable="true"/></Codes></CodeBook>'
)
WORDS = "Fatty foods do damage.\r\nWe ate well at home.\r\nThe ad showed a happy family.\r\n"


def _selection(key: str, start: int, end: int, name: str = "", code: str = "code") -> str:
    return (
        f'<PlainTextSelection guid="{ID[key]}" name="{name}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{ID["c" + key[1:]]}"><CodeRef targetGUID="{ID[code]}"/></Coding>'
        "</PlainTextSelection>"
    )


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Code point spans of ``words`` in ``text`` with line ends counting one (ATLAS.ti's way)."""
    flat = text.replace("\r\n", "\n")
    return [(flat.index(w), flat.index(w) + len(w)) for w in words]


# -- 1. a missing source text -------------------------------------------------------------------


def test_a_missing_text_takes_no_part_in_scoring_and_its_positions_are_reported_lost(
    tmp_path: Path,
) -> None:
    """ATLAS.ti 8.4 left Sources/ empty for two texts; a third text is there."""
    kept_spans = _word_spans(WORDS, ["Fatty foods", "damage", "ate well", "home", "happy family"])
    kept = "".join(_selection(f"s{i}", s, e) for i, (s, e) in enumerate(kept_spans))
    # Mabel's selections have the common shape (read as a block), Fred's one has two codings
    mabel = "".join(_selection(f"s{i}", 10 * i + 3, 10 * i + 9) for i in range(5, 11))
    fred = (
        f'<PlainTextSelection guid="{ID["s11"]}" name="" startPosition="40" endPosition="72">'
        f'<Coding guid="{ID["c11"]}"><CodeRef targetGUID="{ID["code"]}"/></Coding>'
        f'<Coding guid="{ID["coding"]}"><CodeRef targetGUID="{ID["other"]}"/></Coding>'
        "</PlainTextSelection>"
    )
    body = (
        f"{CODEBOOK}<Sources>"
        f'<TextSource guid="{ID["kept"]}" name="Kept.txt" plainTextPath="internal://kept.txt">'
        f"{kept}</TextSource>"
        f'<TextSource guid="{ID["mabel"]}" name="Mabel.txt" plainTextPath="internal://mabel.txt">'
        f"{mabel}</TextSource>"
        f'<TextSource guid="{ID["fred"]}" name="Fred.txt" plainTextPath="internal://fred.txt">'
        f"{fred}</TextSource></Sources>"
    )
    path = qdpx(
        tmp_path / "atlas84.qdpx",
        project_xml(body, origin="ATLAS.ti 8.4.0 (Build 12)"),
        {"Sources/kept.txt": WORDS.encode("utf-8")},
    )
    result = qualcode.read(path)
    project = result.project
    assert result.report.warnings == []  # no misleading score, nothing "outside its text"
    lost = {(loss.what, loss.where): loss.count for loss in result.report}
    missing = "positions of selections (the text file is missing; kept at 0..0)"
    assert lost[(missing, "Mabel.txt")] == 6
    assert lost[(missing, "Fred.txt")] == 1
    assert ("source files missing from the project", "Mabel.txt (mabel.txt)") in lost
    assert not any(where == "Kept.txt" for _what, where in lost)
    quotes = [project.quote(project.codings[ID[f"c{i}"]]) for i in range(5)]
    assert quotes == ["Fatty foods", "damage", "ate well", "home", "happy family"]
    mabel_codings = [c for c in project.codings if c.document_id == ID["mabel"]]
    assert len(mabel_codings) == 6 and {(c.start, c.end) for c in mabel_codings} == {(0, 0)}
    assert len([c for c in project.codings if c.document_id == ID["fred"]]) == 2


def test_only_missing_texts_give_no_position_warning(tmp_path: Path) -> None:
    mabel = "".join(_selection(f"s{i}", 10 * i + 3, 10 * i + 9) for i in range(8))
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{ID["mabel"]}" name="Mabel.txt" '
        f'plainTextPath="internal://mabel.txt">{mabel}</TextSource></Sources>'
    )
    path = qdpx(tmp_path / "empty.qdpx", project_xml(body, origin="ATLAS.ti 8.4.0"))
    result = qualcode.read(path)
    assert result.report.warnings == []
    assert {loss.what for loss in result.report} == {
        "source files missing from the project",
        "positions of selections (the text file is missing; kept at 0..0)",
    }


# -- 2. selection names that are labels ---------------------------------------------------------


def _read_one_text(
    tmp_path: Path, origin: str, text_path: str, text: str, selections: str
) -> qualcode.ImportResult:
    """Read a project of one text source (its file at ``sources/kept.txt``) from ``origin``."""
    body = (
        f'{CODEBOOK}<Sources><TextSource guid="{ID["kept"]}" name="kept" '
        f'plainTextPath="{text_path}">{selections}</TextSource></Sources>'
    )
    path = qdpx(
        tmp_path / "one.qdpx",
        project_xml(body, origin=origin),
        {"sources/kept.txt": text.encode("utf-8")},
    )
    return qualcode.read(path)


def test_names_that_are_labels_do_not_lower_the_score(tmp_path: Path) -> None:
    """qc 1.3.2 codes whole lines and names each selection after its line."""
    lines = ["first line here", "second line", "third one", "fourth", "fifth line", "sixth"]
    text = "\n".join(lines) + "\n"
    selections = ""
    for number, line in enumerate(lines):
        start = text.index(line)
        selections += _selection(f"s{number}", start, start + len(line), f"line:{number + 1}")
    result = _read_one_text(tmp_path, "qc 1.3.2", "kept.txt", text, selections)
    assert result.report.warnings == []
    codings = result.project.codings
    assert [result.project.quote(codings[ID[f"c{i}"]]) for i in range(6)] == lines


def test_renamed_and_cut_quotations_count_only_where_they_are_quotes(tmp_path: Path) -> None:
    """ATLAS.ti: three quotations renamed by the user, three named by their quote, one long
    quote's name cut at 100 characters with "…"."""
    long_quote = (
        "Fatty foods do damage to the heart, the liver and the mind; we learnt that the hard "
        "way over many long years of eating badly at home and at work, and at every party."
    )
    text = f"{WORDS}{long_quote}\r\n"
    quotes = ["Fatty foods", "ate well", "happy family"]
    renamed = ["damage done by fatty foods", "eating at home", "advertising"]
    words = [*quotes, "damage", "home", "ad showed", long_quote]
    spans = _word_spans(text, words)
    names = [*quotes, *renamed, long_quote[:100] + "…"]
    selections = "".join(
        _selection(f"s{i}", s, e, name)
        for i, ((s, e), name) in enumerate(zip(spans, names, strict=True))
    )
    result = _read_one_text(tmp_path, "ATLAS.ti 9.1", "internal://kept.txt", text, selections)
    assert result.report.warnings == []
    codings = result.project.codings
    assert [result.project.quote(codings[ID[f"c{i}"]]) for i in range(7)] == words


def test_names_that_are_quotes_still_decide_where_word_boundaries_cannot() -> None:
    """Single-letter words: every position is on a word boundary, so only the names (quotes
    under UTF-16, shifted by two under code points) tell the conventions apart."""
    text = "😀 😀 " + " ".join("abcdefghijklmnopqrstuvwxyz")
    selections = []
    for letter in "cfjmpsv":
        start = text.index(letter)
        quote = text[start : start + 5]
        selections.append(RawSelection("d", start + 2, start + 7, quote))  # UTF-16 units
    report = LossReport()
    chosen = choose_convention(CODE_POINTS, selections, {"d": SourceText(text)}, report, "X")
    assert chosen is UTF16
    assert len(report.warnings) == 1 and "UTF-16" in report.warnings[0]


def test_labels_alone_never_warn() -> None:
    text = "Alpha beta gamma delta epsilon zeta eta theta"
    words = text.split()
    selections = [
        RawSelection("d", text.index(w), text.index(w) + len(w), f"line:{n}")
        for n, w in enumerate(words)
    ]
    report = LossReport()
    chosen = choose_convention(CODE_POINTS, selections, {"d": SourceText(text)}, report, "qc")
    assert chosen is CODE_POINTS and report.warnings == []


@pytest.mark.parametrize(
    ("name", "quote", "same"),
    [
        ("wait… what", "wait… what", True),  # an ellipsis inside is part of the quote
        ("We could  not\npay", "We could not pay", True),
        ("x" * 100 + "…", "x" * 100 + "y" * 119, True),  # ATLAS.ti's cut at 100 characters
        ("the rent...", "the rent was due", True),
        ("We could not pay the rent of", "We could not pay the rent of the flat", True),
        ("We could", "We could not pay", False),  # a short label that begins the quote
        ("damage done by fatty foods", "Fatty foods do damage to the heart", False),
        ("line:6", "sixth", False),
        ("…", "anything", False),
    ],
)
def test_same_words(name: str, quote: str, same: bool) -> None:
    assert _same_words(name, quote) is same


# -- 3. notes, sets, links and cases on selections without codings ------------------------------

VIDEO = (
    f'<VideoSource guid="{ID["video"]}" name="My favorite Coke ad" '
    'path="relative:///ads/coke.mp4">'
    f'<VideoSelection guid="{ID["vsel"]}" name="the jingle" begin="1000" end="4000"/>'
    "</VideoSource>"
)
TEXT_SOURCE = (
    f'<TextSource guid="{ID["kept"]}" name="Interview">'
    "<PlainTextContent>We ate well at home, said Ann.</PlainTextContent>"
    f'<PlainTextSelection guid="{ID["tsel"]}" name="" startPosition="3" endPosition="11"/>'
    f'<PlainTextSelection guid="{ID["csel"]}" name="" startPosition="15" endPosition="19">'
    f'<Coding guid="{ID["coding"]}"><CodeRef targetGUID="{ID["code"]}"/></Coding>'
    "</PlainTextSelection></TextSource>"
)
NOTES = (
    f'<Notes><Note guid="{ID["note"]}" name="On the jingle">'
    "<PlainTextContent>Catchy.</PlainTextContent></Note>"
    f'<Note guid="{ID["note2"]}" name="On eating"><PlainTextContent>Home cooking.'
    "</PlainTextContent></Note></Notes>"
)


def _read_with(tmp_path: Path, tail: str, cases: str = "") -> qualcode.ImportResult:
    body = f"{CODEBOOK}{cases}<Sources>{VIDEO}{TEXT_SOURCE}</Sources>{NOTES}{tail}"
    return qualcode.read(qdpx(tmp_path / "anchors.qdpx", project_xml(body, origin="ATLAS.ti 9")))


def _lost(result: qualcode.ImportResult) -> dict[tuple[str, str], int]:
    return {(loss.what, loss.where): loss.count for loss in result.report}


def test_a_note_linked_to_an_uncoded_selection_keeps_its_anchor(tmp_path: Path) -> None:
    links = (
        f'<Links><Link guid="{ID["link"]}" originGUID="{ID["note"]}" targetGUID="{ID["vsel"]}"/>'
        f'<Link guid="{ID["link2"]}" originGUID="{ID["note2"]}" targetGUID="{ID["tsel"]}"/>'
        "</Links>"
    )
    result = _read_with(tmp_path, links)
    project = result.project
    jingle = project.memos[ID["note"]]
    assert jingle.target_ids == (ID["video"],) and jingle.start is None
    eating = project.memos[ID["note2"]]
    assert eating.target_ids == (ID["kept"],)
    assert project.documents[ID["kept"]].text[eating.start : eating.end] == "ate well"
    lost = _lost(result)
    assert lost == {(REGION_NOTE_LOSS, "On the jingle"): 1}  # the time range; nothing dangles


def test_set_members_links_and_cases_on_selections(tmp_path: Path) -> None:
    tail = (
        f'<Links><Link guid="{ID["link"]}" name="sung in" originGUID="{ID["code"]}" '
        f'targetGUID="{ID["vsel"]}"/>'
        f'<Link guid="{ID["link3"]}" name="about" originGUID="{ID["other"]}" '
        f'targetGUID="{ID["csel"]}"/></Links>'
        f'<Sets><Set guid="{ID["set"]}" name="Favourites">'
        f'<MemberSource targetGUID="{ID["vsel"]}"/><MemberSource targetGUID="{ID["csel"]}"/>'
        "</Set></Sets>"
    )
    cases = (
        f'<Cases><Case guid="{ID["case"]}" name="Ann"><SelectionRef targetGUID="{ID["tsel"]}"/>'
        f'<SelectionRef targetGUID="{ID["csel"]}"/></Case></Cases>'
    )
    result = _read_with(tmp_path, tail, cases)
    project = result.project
    # a selection with one coding is that coding; one without codings is its document
    assert project.links[ID["link3"]].target_id == ID["coding"]
    assert project.links[ID["link"]].target_id == ID["video"]
    assert project.sets[ID["set"]].member_ids == (ID["video"], ID["coding"])
    assert project.cases[ID["case"]].coding_ids == (ID["coding"],)
    assert _lost(result) == {
        ("link ends on selections (the link goes to the document)", "sung in"): 1,
        (
            "set members that are selections without codings (the document is the member)",
            "Favourites",
        ): 1,
        ("case references to selections without codings", "Ann"): 1,
    }


def test_an_uncoded_selection_nothing_refers_to_is_still_reported(tmp_path: Path) -> None:
    result = _read_with(tmp_path, "")
    lost = _lost(result)
    assert lost[("selections without codes or notes", "My favorite Coke ad")] == 1
    assert lost[("selections without codes or notes", "Interview")] == 1


# -- 5. PDF quotations written twice --------------------------------------------------------


@pytest.mark.parametrize("same_coding_guid", [True, False])
def test_a_pdf_quotation_written_twice_is_one_coding(
    tmp_path: Path, same_coding_guid: bool
) -> None:
    text = "Coke adds life.\r\nThings go better with Coke.\r\n"
    start = text.replace("\r\n", "\n").index("Things go")
    end = start + len("Things go better")
    twin = ID["coding"] if same_coding_guid else ID["coding2"]
    body = (
        f"{CODEBOOK}<Sources>"
        f'<PDFSource guid="{ID["pdf"]}" name="Ad.pdf" path="internal://{ID["pdf"]}.pdf">'
        f'<PDFSelection guid="{ID["quote"]}" name="Things go better" page="1" firstX="10" '
        'firstY="20" secondX="300" secondY="40">'
        f'<Coding guid="{ID["coding"]}"><CodeRef targetGUID="{ID["code"]}"/></Coding>'
        "</PDFSelection>"
        f'<Representation guid="{ID["lone"]}" plainTextPath="internal://{ID["pdf"]}.txt">'
        f'<PlainTextSelection guid="{ID["quote"]}" name="Things go better" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{twin}"><CodeRef targetGUID="{ID["code"]}"/></Coding>'
        f'<Coding guid="{ID["c0"]}"><CodeRef targetGUID="{ID["other"]}"/></Coding>'
        "</PlainTextSelection></Representation></PDFSource></Sources>"
    )
    path = qdpx(
        tmp_path / "pdf.qdpx",
        project_xml(body, origin="ATLAS.ti 8.4.0"),
        {
            f"sources/{ID['pdf']}.pdf": b"%PDF-1.4 x",
            f"sources/{ID['pdf']}.txt": text.encode("utf-8"),
        },
    )
    result = qualcode.read(path)
    project = result.project
    assert result.report.lossless and result.report.warnings == [], result.report.lines()
    assert sorted(c.id for c in project.codings) == sorted([ID["coding"], ID["c0"]])
    box = PdfRegion(1, 10.0, 20.0, 300.0, 40.0)
    for coding_id in (ID["coding"], ID["c0"]):
        coding = project.codings[coding_id]
        assert coding.region == box
        assert project.quote(coding) == "Things go better"


def test_a_note_ref_in_an_uncoded_time_range_is_kept_on_the_source_and_reported(
    tmp_path: Path,
) -> None:
    video = VIDEO.replace(
        "/></VideoSource>", f'><NoteRef targetGUID="{ID["note"]}"/></VideoSelection></VideoSource>'
    )
    body = f"{CODEBOOK}<Sources>{video}</Sources>{NOTES}"
    result = qualcode.read(qdpx(tmp_path / "ref.qdpx", project_xml(body, origin="ATLAS.ti 9")))
    assert result.project.memos[ID["note"]].target_ids == (ID["video"],)
    assert _lost(result) == {(REGION_NOTE_LOSS, "My favorite Coke ad"): 1}


# -- sync points that cannot keep their positions -----------------------------------------------


def _transcript(text: str, positions: tuple[int, int]) -> str:
    """An audio source whose transcript has two sync points; ``text`` is an attribute naming the
    transcript's file, or its ``<PlainTextContent>``."""
    attribute, content = (text, "") if text.startswith("plainTextPath") else ("", text)
    first, second = positions
    return project_xml(
        CODEBOOK + "<Sources>"
        f'<AudioSource guid="{ID["video"]}" name="Talk" path="relative:///talk.mp3">'
        f'<Transcript guid="{ID["kept"]}" {attribute}>{content}'
        f'<SyncPoint guid="{ID["s0"]}" timeStamp="1500" position="{first}"/>'
        f'<SyncPoint guid="{ID["s1"]}" timeStamp="3000" position="{second}"/>'
        "</Transcript></AudioSource></Sources>"
    )


def test_sync_points_of_a_missing_transcript_text_are_reported(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "talk.qdpx", _transcript('plainTextPath="internal://missing.txt"', (5, 15))
    )
    result = qualcode.read(path)
    audio = result.project.documents[ID["video"]]
    assert [(p.position, p.time_ms) for p in audio.sync_points] == [(0, 1500), (0, 3000)]
    moved = [loss for loss in result.report.losses if "sync points" in loss.what]
    assert [(loss.what, loss.where, loss.count) for loss in moved] == [
        ("positions of sync points (the text file is missing; moved into the text)", "Talk", 2)
    ]


def test_a_sync_point_past_the_end_of_its_text_is_reported(tmp_path: Path) -> None:
    content = "<PlainTextContent>Ann: yes we did.</PlainTextContent>"
    result = qualcode.read(qdpx(tmp_path / "talk.qdpx", _transcript(content, (5, 99))))
    audio = result.project.documents[ID["video"]]
    assert [(p.position, p.time_ms) for p in audio.sync_points] == [(5, 1500), (16, 3000)]
    moved = [loss for loss in result.report.losses if "sync points" in loss.what]
    assert [(loss.what, loss.count) for loss in moved] == [
        ("positions of sync points (they lay outside its text; moved into the text)", 1)
    ]
