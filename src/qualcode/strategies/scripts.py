"""What counts as a word character, and which scripts write words without spaces.

Python's ``\\w`` leaves out combining marks (Arabic and Hebrew vowel signs, Devanagari vowel
signs) and the zero-width joiners used inside Persian and Indic words, so a whole-word test with
``\\b`` would cut such words apart. :data:`WORD_CLASS` adds them. Scripts written without spaces
between words (Chinese, Japanese, Thai, ...) have no word boundaries to test: a term that starts
or ends in such a script is matched there without a boundary.
"""

from __future__ import annotations

import unicodedata


def _mark_ranges() -> str:
    parts: list[str] = []
    start: int | None = None
    for point in range(0x10000 + 1):
        is_mark = point < 0x10000 and unicodedata.category(chr(point)).startswith("M")
        if is_mark and start is None:
            start = point
        elif not is_mark and start is not None:
            end = point - 1
            parts.append(f"\\u{start:04x}" if start == end else f"\\u{start:04x}-\\u{end:04x}")
            start = None
    return "".join(parts)


MARKS = _mark_ranges() + "\\u200c\\u200d"
"""The combining marks (categories Mn, Mc, Me), ZWNJ and ZWJ, to put inside a character class."""

WORD_CLASS = "[\\w" + MARKS + "]"
"""A regular-expression class of one word character: ``\\w``, combining marks, ZWNJ and ZWJ."""

WORD_PATTERN = WORD_CLASS + "+"
"""A run of word characters (one word in scripts that use spaces)."""

_NO_SPACE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # ideographic iteration and zero
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and beyond
)


def writes_without_spaces(character: str) -> bool:
    """Whether ``character`` belongs to a script that writes words without spaces."""
    point = ord(character)
    return any(low <= point <= high for low, high in _NO_SPACE_RANGES)


def _escape(point: int) -> str:
    return f"\\U{point:08x}" if point > 0xFFFF else f"\\u{point:04x}"


def no_space_ranges() -> str:
    """The ranges of :func:`no_space_class`, to put inside another class."""
    return "".join(_escape(low) + "-" + _escape(high) for low, high in _NO_SPACE_RANGES)


def no_space_class() -> str:
    """A regular-expression class of the characters of scripts without spaces."""
    return "[" + no_space_ranges() + "]"
