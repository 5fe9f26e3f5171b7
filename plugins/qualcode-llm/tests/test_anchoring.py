"""Anchoring: a quote retyped by a model maps back to the span it was copied from; a quote that
is not in the text maps nowhere."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from qualcode_llm.anchoring import Match, anchor, normalise

WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
SPACES = st.sampled_from([" ", "  ", "\n", "\t", " \n "])
MARKS = st.sampled_from(["'", '"', "“", "”", "‘", "’", "–", "—", "-"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(WORDS, MARKS), min_size=1, max_size=30))
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(SPACES) + piece
    return out


def retype(draw: st.DrawFn, quote: str) -> str:
    """The quote as a model may write it: other white space, other quotation marks and dashes."""
    swaps = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "'": "’", '"': "”"}
    out = []
    in_space = False
    for character in quote:
        if character.isspace():
            if not in_space:
                out.append(draw(SPACES))
            in_space = True
            continue
        in_space = False
        out.append(swaps[character] if character in swaps and draw(st.booleans()) else character)
    return "".join(out)


@given(st.data())
def test_a_retyped_quote_maps_back_to_its_span(data: st.DataObject) -> None:
    text = data.draw(texts())
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(not text[start].isspace() and not text[end - 1].isspace())
    quote = retype(data.draw, text[start:end])
    found = anchor(text, quote)
    assert found is not None
    # the quote is found where the same words stand (an exact copy first, which may stand
    # elsewhere); where the words (normalised) stand only once, that is the span copied
    assert normalise(text[found.start : found.end]) == normalise(text[start:end])
    if occurrences(normalise(text), normalise(text[start:end])) == 1:
        assert (found.start, found.end) == (start, end)


def occurrences(text: str, part: str) -> int:
    return sum(text.startswith(part, at) for at in range(len(text)))


@given(texts(), st.text(alphabet="klmnopqrstuvwxyz", min_size=1, max_size=20))
def test_invented_quotes_never_anchor(text: str, invented: str) -> None:
    # the text's words use a to j only: a quote with other letters is not in it
    assert anchor(text, invented) is None


def test_exact_match_is_preferred_and_empty_quotes_are_rejected() -> None:
    text = "He said “no” – then left."
    assert anchor(text, "“no” – then") == anchor(text, "“no” – then")
    found = anchor(text, "“no” – then")
    assert found is not None and found.match is Match.EXACT
    retyped = anchor(text, '"no" - then')
    assert retyped is not None and retyped.match is Match.NORMALISED
    assert text[retyped.start : retyped.end] == "“no” – then"
    assert anchor(text, "   ") is None
    assert anchor(text, "said no") is None


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("then left", "then left"),
        ('"then left."', "then left."),
        ("said  “no”\n–  then", "said “no” – then"),
    ],
)
def test_wrapping_quotes_and_spacing(quote: str, expected: str) -> None:
    text = "He said “no” – then left."
    found = anchor(text, quote)
    assert found is not None
    assert text[found.start : found.end] == expected
