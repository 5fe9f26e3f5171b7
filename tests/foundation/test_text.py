"""Decoding, newline normalisation, offset conversion and text units (qualcode.text)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import TextEncodingError
from qualcode.model import TextOrigin
from qualcode.text import (
    CODE_POINTS,
    CODE_POINTS_CRLF,
    UTF16_CRLF,
    UTF16_LF,
    OffsetMap,
    PositionModel,
    Span,
    decode,
    encode,
    normalize_newlines,
    paragraphs,
    sentences,
    speaker_turns,
)

SAMPLE = "Café 😀 日本語 שלום\nsecond line\n"

# -- decoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "had_bom"),
    [
        (SAMPLE.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be", True),
        (codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"), "utf-32-le", True),
    ],
)
def test_decode_supported_encodings(data: bytes, encoding: str, had_bom: bool) -> None:
    decoded = decode(data)
    assert decoded.text == SAMPLE
    assert not decoded.text.startswith("\ufeff")
    assert decoded.origin == TextOrigin(encoding=encoding, had_bom=had_bom, newline="\n")
    assert encode(decoded.text, decoded.origin) == data


@pytest.mark.parametrize(
    "data",
    [
        "café".encode("latin-1"),  # a lone 0xE9
        b"\xff\xfe\x00",  # UTF-16 BOM then half a code unit
        b"ok \x80 not ok",
    ],
)
def test_undecodable_text_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(TextEncodingError) as caught:
        decode(data, "notes/interview.txt")
    message = str(caught.value)
    assert message.startswith("notes/interview.txt: ")
    assert "UTF-8" in message  # the hint says what to do
    assert caught.value.path == "notes/interview.txt"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_refused_not_misread(codec: str) -> None:
    """UTF-16 without a BOM is valid UTF-8 full of NULs; reading it so would garble the text."""
    with pytest.raises(TextEncodingError, match="byte order mark"):
        decode("Interviewer: hello\n".encode(codec), "a.txt")


@pytest.mark.parametrize(
    ("raw", "text", "newline"),
    [
        ("a\nb\n", "a\nb\n", "\n"),
        ("a\r\nb\r\n", "a\nb\n", "\r\n"),
        ("a\rb\r", "a\nb\n", "\r"),
        ("a\r\nb\nc\rd", "a\nb\nc\nd", "mixed"),
        ("no line end", "no line end", "\n"),
        ("\r\n\r\n", "\n\n", "\r\n"),
    ],
)
def test_newlines_are_normalised_and_recorded(raw: str, text: str, newline: str) -> None:
    assert normalize_newlines(raw) == (text, newline)
    decoded = decode(raw.encode("utf-8"))
    assert decoded.text == text
    assert decoded.origin.newline == newline
    if newline != "mixed":
        assert encode(decoded.text, decoded.origin) == raw.encode("utf-8")


def test_encode_defaults_to_plain_utf8() -> None:
    assert encode("a\nb") == b"a\nb"


# -- offset conversion ------------------------------------------------------------------------


def independent_external(text: str, position: int, model: PositionModel) -> int:
    """The other model's position, computed from how that tool would store the text."""
    prefix = text[:position]
    if model.newline_width == 2:
        prefix = prefix.replace("\n", "\r\n")
    if model.utf16:
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)


MODELS = [CODE_POINTS, UTF16_LF, UTF16_CRLF, CODE_POINTS_CRLF]
tricky_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from("\n😀𝄞é\u0301\r")),
    max_size=40,
)


@settings(max_examples=300)
@given(text=tricky_text, model=st.sampled_from(MODELS))
def test_offset_map_matches_an_independent_computation(text: str, model: PositionModel) -> None:
    mapping = OffsetMap(text, model)
    externals = [independent_external(text, p, model) for p in range(len(text) + 1)]
    assert [mapping.to_external(p) for p in range(len(text) + 1)] == externals
    assert mapping.external_length == externals[-1]
    for external in range(externals[-1] + 1):
        # a position inside a wide character (half a surrogate pair, between CR and LF)
        # moves to that character's end: the first canonical position at or after it
        expected = next(p for p, e in enumerate(externals) if e >= external)
        assert mapping.from_external(external) == expected


def test_offset_map_examples() -> None:
    text = "a😀\nb"
    crlf = OffsetMap(text, UTF16_CRLF)
    # stored as a, high, low, CR, LF, b
    assert [crlf.to_external(p) for p in range(5)] == [0, 1, 3, 5, 6]
    assert [crlf.from_external(e) for e in range(7)] == [0, 1, 2, 2, 3, 3, 4]
    assert OffsetMap("plain ascii", UTF16_LF).to_external(5) == 5


# -- units ------------------------------------------------------------------------------------


def texts_of(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_paragraphs_are_trimmed_non_empty_lines() -> None:
    text = "  First paragraph. \n\n\tSecond one\n   \nThird"
    assert texts_of(text, paragraphs(text)) == ["First paragraph.", "Second one", "Third"]
    assert paragraphs("") == []


def test_sentences() -> None:
    text = "Hello there. How are you?  Fine!\nNew line without stop\nWait… ok"
    assert texts_of(text, sentences(text)) == [
        "Hello there.",
        "How are you?",
        "Fine!",
        "New line without stop",
        "Wait…",
        "ok",
    ]


def test_sentences_keep_their_closing_quotes_and_brackets() -> None:
    text = 'She said "stop." Then she left. (It was late.) Done'
    assert texts_of(text, sentences(text)) == [
        'She said "stop."',
        "Then she left.",
        "(It was late.)",
        "Done",
    ]


def test_sentences_in_cjk_and_with_emoji() -> None:
    text = "同事们很支持我。研修は役に立った！Good day 😀. Next"
    assert texts_of(text, sentences(text)) == [
        "同事们很支持我。",
        "研修は役に立った！",
        "Good day 😀.",
        "Next",
    ]


def test_speaker_turns_in_each_label_style() -> None:
    text = (
        "Interviewer: How did you start?\n"
        "PN1: After my recovery.\n"
        "It took a while.\n"
        "[Facilitator] Welcome.\n"
        "Sam Chen (00:01:02): Thanks.\n"
    )
    turns = speaker_turns(text)
    assert [speaker for speaker, _, _ in turns] == ["Interviewer", "PN1", "Facilitator", "Sam Chen"]
    assert [text[label.start : label.end] for _, label, _ in turns] == [
        "Interviewer: ",
        "PN1: ",
        "[Facilitator] ",
        "Sam Chen (00:01:02): ",
    ]
    assert [text[turn.start : turn.end] for _, _, turn in turns] == [
        "Interviewer: How did you start?",
        "PN1: After my recovery.\nIt took a while.",
        "[Facilitator] Welcome.",
        "Sam Chen (00:01:02): Thanks.",
    ]


def test_speaker_turns_with_own_patterns_and_none_found() -> None:
    text = "Q> hello\nA> hi\n"
    turns = speaker_turns(text, [r"^(?P<speaker>[QA])>\s*"])
    assert [(s, text[t.start : t.end]) for s, _, t in turns] == [("Q", "Q> hello"), ("A", "A> hi")]
    assert speaker_turns("no labels here\nat all") == []
