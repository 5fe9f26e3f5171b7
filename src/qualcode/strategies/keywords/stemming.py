"""Word-form matching through a Snowball stemmer (the optional ``stem`` extra).

``snowballstemmer`` is imported only when a rule asks for stemming, so the strategy works without
it; a rule that needs it and cannot have it is refused with a hint to install the extra.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from qualcode.strategies.scripts import WORD_PATTERN

_WORDS = re.compile(WORD_PATTERN)


def check_language(language: str) -> str | None:
    """None when words of ``language`` can be stemmed, else what is wrong (for an error)."""
    try:
        snowballstemmer = _snowball()
    except ImportError:
        return "stem needs the snowballstemmer package: pip install 'qualcode[stem]'"
    if language not in snowballstemmer.algorithms():
        known = ", ".join(snowballstemmer.algorithms())
        return f"no stemmer for language {language!r}; known: {known}"
    return None


@functools.cache
def stemmer(language: str) -> Callable[[str], str]:
    """A function from a lower-case word to its stem, cached per word."""
    stem_word: Callable[[str], str] = _snowball().stemmer(language).stemWord
    return functools.lru_cache(maxsize=200_000)(stem_word)


def _snowball() -> Any:
    """The ``snowballstemmer`` module, imported only when stemming is asked for."""
    return importlib.import_module("snowballstemmer")


def stem_phrase(phrase: str, language: str) -> tuple[str, ...]:
    """The stems of the words of ``phrase`` (lower-cased), in order."""
    stem = stemmer(language)
    return tuple(stem(word) for word in _WORDS.findall(phrase.lower()))


class StemIndex:
    """Finds phrases by the stems of their words: one pass over the words of a text."""

    def __init__(self, phrases: Sequence[tuple[str, tuple[str, ...], int]]) -> None:
        """``phrases`` are ``(language, stems, entry)`` triples."""
        self.by_language: dict[str, dict[tuple[str, ...], list[int]]] = {}
        self.longest: dict[str, int] = {}
        for language, stems, entry in phrases:
            if not stems:
                continue
            table = self.by_language.setdefault(language, {})
            table.setdefault(stems, []).append(entry)
            self.longest[language] = max(self.longest.get(language, 0), len(stems))

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, entry)`` for every phrase found, by words in text order."""
        if not self.by_language:
            return []
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORDS.finditer(text)]
        hits: list[tuple[int, int, int]] = []
        for language, table in self.by_language.items():
            stem = stemmer(language)
            stems = [stem(word) for _, _, word in words]
            longest = self.longest[language]
            for index in range(len(stems)):
                for size in range(1, min(longest, len(stems) - index) + 1):
                    entries = table.get(tuple(stems[index : index + size]))
                    if entries:
                        start, end = words[index][0], words[index + size - 1][1]
                        hits.extend((start, end, entry) for entry in entries)
        return hits
