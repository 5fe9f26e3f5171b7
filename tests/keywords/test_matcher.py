"""The one-pass matcher: what it finds, in English, Chinese, Hebrew and Arabic, and that it finds
exactly what a plain search for each term would find."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.strategies.keywords.matcher import Entry, Matcher


def found(entries: list[Entry], text: str) -> list[tuple[str, str]]:
    """(term, quote) of every hit, in the matcher's order."""
    return [(entries[e].pattern, text[s:t]) for s, t, e in Matcher(entries).find(text)]


def term(pattern: str, **flags: bool) -> Entry:
    return Entry(kind="term", pattern=pattern, **flags)  # type: ignore[arg-type]


def test_wildcards_star_and_question_mark() -> None:
    entries = [term("train*"), term("organi?ation")]
    text = "Trainers train; the organisation and the organization; a train-ing; constrained."
    assert found(entries, text) == [
        ("train*", "Trainers"),
        ("train*", "train"),
        ("organi?ation", "organisation"),
        ("organi?ation", "organization"),
        ("train*", "train"),
    ]


def test_whole_word_or_substring() -> None:
    text = "Peer support and peers: a supportive peer."
    assert found([term("peer")], text) == [("peer", "Peer"), ("peer", "peer")]
    assert found([term("peer", whole_word=False)], text) == [
        ("peer", "Peer"),
        ("peer", "peer"),
        ("peer", "peer"),
    ]


def test_case_sensitivity() -> None:
    text = "NA meetings, na, Na."
    assert found([term("NA", case_sensitive=True)], text) == [("NA", "NA")]
    assert [q for _, q in found([term("NA")], text)] == ["NA", "na", "Na"]


def test_phrases_match_across_any_white_space() -> None:
    text = "harm\nreduction and harm   reduction, harmreduction"
    assert [q for _, q in found([term("harm reduction")], text)] == [
        "harm\nreduction",
        "harm   reduction",
    ]


def test_overlapping_terms_are_all_found() -> None:
    entries = [term("mental health"), term("health"), term("mental health service*")]
    text = "Mental health services and health."
    assert found(entries, text) == [
        ("mental health", "Mental health"),
        ("mental health service*", "Mental health services"),
        ("health", "health"),
        ("health", "health"),
    ]


def test_escaped_wildcards_are_literal() -> None:
    assert found([term("why\\?")], "why? whyx") == [("why\\?", "why?")]


def test_chinese_without_spaces() -> None:
    # "I took part in peer-support training; the training was useful; training materials."
    text = "我参加了同伴支持培训，培训很有用。培训材料"
    entries = [term("培训"), term("同伴支持"), term("支持培训")]
    assert found(entries, text) == [
        ("同伴支持", "同伴支持"),
        ("支持培训", "支持培训"),
        ("培训", "培训"),
        ("培训", "培训"),
        ("培训", "培训"),
    ]
    starts = [s for s, _, _ in Matcher(entries).find(text)]
    training = [i for i in range(len(text)) if text.startswith("培训", i)]
    assert starts == [text.index("同伴"), text.index("支持"), *training]


def test_japanese_mixed_with_latin_words() -> None:
    text = "ピアサポートの研修でNAについて学んだ"
    assert found([term("研修"), term("NA", case_sensitive=True)], text) == [
        ("研修", "研修"),
        ("NA", "NA"),
    ]


def test_hebrew_right_to_left() -> None:
    # "the work with the clients; work; workers"
    text = "העבודה עם הלקוחות. עבודה! עובדים"
    assert found([term("עבודה")], text) == [("עבודה", "עבודה")]
    assert [q for _, q in found([term("*עבודה")], text)] == ["העבודה", "עבודה"]
    assert [q for _, q in found([term("לקוח*", whole_word=False)], text)] == ["לקוחות"]


def test_arabic_with_vowel_marks_stays_whole_words() -> None:
    # "the work" with and without short-vowel marks; marks must not cut the word
    text = "العَمَلُ مهم. العمل الجماعي. عملاء"
    assert [q for _, q in found([term("العمل")], text)] == ["العمل"]
    marked = found([term("العَمَل")], text)
    assert marked == []  # the marks follow the last letter: not a whole word there
    assert [q for _, q in found([term("العَمَل*")], text)] == ["العَمَلُ"]


def test_bidirectional_marks_do_not_hide_words() -> None:
    text = "\u200fשלום\u200f and \u200eNA\u200e"
    assert [q for _, q in found([term("שלום"), term("na")], text)] == ["שלום", "NA"]


def test_typographic_apostrophes_count_as_ascii_ones() -> None:
    # Word types "I’ve"; a rules file usually says "I've"
    entries = [term("I've"), term("don’t"), Entry(kind="regex", pattern=r"\bcan't\b")]
    text = "I’ve said I've; don't and don’t; I canʼt, can’t. Caf\u0065\u0301’s own."
    assert found(entries, text) == [
        ("I've", "I’ve"),
        ("I've", "I've"),
        ("don’t", "don't"),
        ("don’t", "don’t"),
        (r"\bcan't\b", "canʼt"),
        (r"\bcan't\b", "can’t"),
    ]
    assert found([term("café's")], text) == [("café's", "Cafe\u0301’s")]


def test_regular_expressions() -> None:
    entries = [Entry(kind="regex", pattern=r"\bshadow(ed|ing)\b")]
    assert [q for _, q in found(entries, "Shadowed; shadowing; shadows")] == [
        "Shadowed",
        "shadowing",
    ]
    sensitive = [Entry(kind="regex", pattern=r"\bPN\d\b", case_sensitive=True)]
    assert [q for _, q in found(sensitive, "PN1 pn2 PN3")] == ["PN1", "PN3"]


def test_word_forms_through_a_stemmer() -> None:
    pytest.importorskip("snowballstemmer")
    entries = [Entry(kind="stem", pattern="advocating harm reduction")]
    text = "She advocated harm reductions. Advocacy harms."
    assert [q for _, q in found(entries, text)] == ["advocated harm reductions"]


def test_the_matcher_survives_pickling() -> None:
    entries = [term("train*"), term("培训"), Entry(kind="regex", pattern="x+y")]
    matcher = Matcher(entries)
    copy = pickle.loads(pickle.dumps(matcher))
    text = "training 培训 xxy"
    assert copy.find(text) == matcher.find(text)
    assert len(copy.find(text)) == 3


# -- the matcher finds exactly what a plain search for each term finds --------------------------


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def reference(terms: list[str], text: str, whole_word: bool) -> list[tuple[int, int, int]]:
    """Every occurrence of every literal term, found by comparing at each position."""
    lowered = text.lower()
    hits = []
    for index, word in enumerate(terms):
        word = word.lower()
        for start in range(len(text) - len(word) + 1):
            end = start + len(word)
            if lowered[start:end] != word:
                continue
            if whole_word and (
                (start > 0 and _is_word(text[start - 1]))
                or (end < len(text) and _is_word(text[end]))
            ):
                continue
            hits.append((start, end, index))
    return sorted(hits)


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(
        st.text(alphabet="abAB", min_size=1, max_size=4), min_size=1, max_size=8, unique=True
    ),
    text=st.text(alphabet="abAB .,", max_size=60),
    whole_word=st.booleans(),
)
def test_same_hits_as_a_search_for_each_term(terms: list[str], text: str, whole_word: bool) -> None:
    terms = list(dict.fromkeys(t.lower() for t in terms))
    entries = [term(t, whole_word=whole_word) for t in terms]
    assert Matcher(entries).find(text) == reference(terms, text, whole_word)


def wildcard_reference(terms: list[str], text: str, whole_word: bool) -> list[tuple[int, int, int]]:
    """Each term as its own regular expression, tried at every position (ASCII text only)."""
    hits = []
    for index, word in enumerate(terms):
        body = "".join(
            r"\w*" if c == "*" else r"\w" if c == "?" else r"\s+" if c == " " else re.escape(c)
            for c in re.sub(r"\*+", "*", re.sub(" +", " ", word.strip()))
        )
        if whole_word:
            body = rf"(?<!\w){body}(?!\w)"
        pattern = re.compile(body, re.IGNORECASE)
        for start in range(len(text)):
            match = pattern.match(text, start)
            if match is not None and match.end() > start:
                hits.append((start, match.end(), index))
    return sorted(hits)


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(
        st.text(alphabet="ab*? ", min_size=1, max_size=5).filter(
            lambda t: t.strip() and t.replace("*", "").replace("?", "").strip()
        ),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    text=st.text(alphabet="abAB .\n", max_size=50),
    whole_word=st.booleans(),
)
def test_wildcards_find_what_one_expression_per_term_finds(
    terms: list[str], text: str, whole_word: bool
) -> None:
    entries = [term(t, whole_word=whole_word) for t in terms]
    assert Matcher(entries).find(text) == wildcard_reference(terms, text, whole_word)


def test_wildcards_take_combining_marks_of_any_script() -> None:
    # U+0F71 is a Tibetan vowel sign: a combining mark, so part of the word
    text = "ab\u0f71c abxc ab.c"
    assert [q for _, q in found([term("ab*c")], text)] == ["ab\u0f71c", "abxc"]
    assert [q for _, q in found([term("ab?c")], text)] == ["ab\u0f71c", "abxc"]
