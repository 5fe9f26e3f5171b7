"""Terms match under canonical equivalence: "café" precomposed (NFC) or as "e" + U+0301 (NFD)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from qualcode.model import Code, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.keywords import KeywordsStrategy, parse_rules
from qualcode.strategies.keywords.composition import ComposedText

ACUTE = "\u0301"
NFD_CAFE = "cafe" + ACUTE
NFC_CAFE = "caf\u00e9"
HANGUL_JAMO = "\u1112\u1161\u11ab\u1100\u116e\u11a8"  # 한국 written as six jamo
HANGUL = "\ud55c\uad6d"  # 한국 precomposed


def quotes(text: str, term: str, unit: str = "hit") -> list[str]:
    project = Project(name="composition")
    project.add_code(Code(id="code", name="Places"))
    project.add_document(Document(id="doc", name="notes", text=text))
    rules = parse_rules(
        f'[settings]\nunit = "{unit}"\n[[rule]]\ncode = "Places"\nterms = ["{term}"]\n'
    )
    result = KeywordsStrategy().run(project, SerialRunner(), rules=rules)
    return [text[coding.start : coding.end] for coding in result.codings]


def test_a_precomposed_term_finds_the_decomposed_word_and_the_precomposed_one() -> None:
    text = f"The {NFD_CAFE} was closed. Another {NFC_CAFE} opened."

    assert quotes(text, NFC_CAFE) == [NFD_CAFE, NFC_CAFE]
    assert quotes(text, NFD_CAFE) == [NFD_CAFE, NFC_CAFE]
    # the quotes are the text as stored, and whole-word matching still holds
    assert quotes(text, "caf") == []
    assert quotes(text, NFC_CAFE, unit="sentence") == [
        f"The {NFD_CAFE} was closed.",
        f"Another {NFC_CAFE} opened.",
    ]


def test_a_hit_after_decomposed_words_keeps_its_position() -> None:
    text = f"{NFD_CAFE} {NFD_CAFE}s re{ACUTE}sume{ACUTE} and then the training."
    assert quotes(text, "training") == ["training"]
    assert quotes(text, "r\u00e9sum\u00e9") == [f"re{ACUTE}sume{ACUTE}"]


def test_jamo_that_compose_across_clusters_map_to_the_whole_word() -> None:
    text = f"{HANGUL_JAMO} \ubc29\ubb38"
    assert quotes(text, HANGUL) == [HANGUL_JAMO]


def test_text_already_in_nfc_is_used_as_it_is() -> None:
    text = f"Another {NFC_CAFE} opened."
    composed = ComposedText(text)
    assert composed.text is text
    assert [composed.start(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))


PIECES = st.sampled_from(
    [
        "a",
        "e",
        "o",
        " ",
        "\n",
        ACUTE,
        "\u0308",
        "\u0323",
        "\u00e9",
        "\u1e63",
        HANGUL_JAMO,
        "x\u0307",
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_positions_map_back_monotonically_and_exactly_at_white_space(text: str) -> None:
    composed = ComposedText(text)
    assert composed.text == unicodedata.normalize("NFC", text)
    size = len(composed.text)
    starts = [composed.start(i) for i in range(size + 1)]
    ends = [composed.end(i) for i in range(size + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert starts[0] == 0 and ends[size] == len(text)
    assert all(start <= end for start, end in zip(starts, ends, strict=True))
    for i in range(size + 1):
        if i == size or composed.text[i].isspace():  # a piece ends here: the map is exact
            assert unicodedata.normalize("NFC", text[: ends[i]]) == composed.text[:i]
        # what an original span maps from holds at least the composed span
        for j in range(i, size + 1):
            covered = unicodedata.normalize("NFC", text[starts[i] : ends[j]])
            assert composed.text[i:j] in covered
