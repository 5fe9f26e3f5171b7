"""Stop words for the languages a corpus is written in, and how those languages are found.

The lists come from the Stopwords ISO collection (58 languages, MIT licence) as packaged by
``stopwordsiso``, installed with the ``stopwords`` extra (``pip install 'qualcode[stopwords]'``).
Without it only the built-in English list (function words and interview fillers) and the
built-in Chinese and Japanese particles are at hand; a corpus that is not in English then needs
the extra, or stop words named by the user. Chinese and Japanese, written without spaces, are
read one character at a time, so their lists' words (mostly of two characters and more) cannot
match; the built-in particles serve them and are always left out.

A text's languages are found by how much of it each language's stop words cover: function words
make up a third to a half of running text in the languages these lists serve, while another
language's list covers only the odd shared form. Each document (or the pooled short ones) is
read on its own; the language covering most of its words is taken if it covers at least
:data:`FIRST_LANGUAGE_SHARE` of them, and a further language if it covers at least
:data:`FURTHER_LANGUAGE_SHARE` of the words left over with at least :data:`FURTHER_LANGUAGE_FORMS`
different words, up to :data:`MOST_LANGUAGES_PER_TEXT` languages.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import attrs

from qualcode.errors import OptionError
from qualcode.strategies.scripts import MARKS
from qualcode.strategies.textunits import CJK_STOP_WORDS, ENGLISH_STOP_WORDS, tokens

EXTRA = "stopwords"
"""The optional extra that brings the stop-word lists of many languages."""
INSTALL_HINT = f"pip install 'qualcode[{EXTRA}]'"

FIRST_LANGUAGE_SHARE = 0.35
"""The least share of a text's words that its main language's stop words must cover."""
FURTHER_LANGUAGE_SHARE = 0.12
"""The least share of the words not yet covered that a further language's stop words must cover."""
FURTHER_LANGUAGE_FORMS = 4
"""The fewest different stop words of a further language that a text must use: one shared form
used twice (Dutch and Hungarian *van* in English about a van) is no sign of a second language."""
MOST_LANGUAGES_PER_TEXT = 3
SAMPLE_CHARACTERS = 5_000
"""How much of each document is read to find its languages."""
MIN_SAMPLE_WORDS = 30
"""Documents with fewer words are pooled and read together."""


@attrs.frozen
class StopWordLists:
    """Stop words by ISO 639-1 language code, and where they come from."""

    source: str
    words: Mapping[str, frozenset[str]]
    by_word: Mapping[str, tuple[str, ...]] = attrs.field(init=False)
    """For each stop word, the languages whose lists have it (sorted)."""

    @by_word.default
    def _index(self) -> Mapping[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for language in sorted(self.words):
            for word in self.words[language]:
                index.setdefault(word, []).append(language)
        return {word: tuple(languages) for word, languages in index.items()}

    @property
    def complete(self) -> bool:
        """Whether the lists of many languages are at hand (not only the built-in English)."""
        return self.source != "built-in"


def _normalise(word: str) -> str | None:
    """A list entry as the tokenizer writes a word (case-folded, NFC, straight apostrophe), or
    ``None`` for an entry that is not exactly one word."""
    found = tokens(word.strip())
    if len(found) != 1 or found[0].cjk or found[0].end - found[0].start != len(word.strip()):
        return None
    return unicodedata.normalize("NFC", found[0].form)


@functools.cache
def stop_word_lists() -> StopWordLists:
    """The lists of every language the ``stopwords`` extra has, or the built-in English list."""
    try:
        import stopwordsiso
    except ImportError:
        return StopWordLists("built-in", {"en": ENGLISH_STOP_WORDS})
    words: dict[str, frozenset[str]] = {}
    for language in sorted(stopwordsiso.langs()):
        forms = {_normalise(w) for w in stopwordsiso.stopwords(language)}
        forms.discard(None)
        words[language] = frozenset(f for f in forms if f is not None)
    words["en"] = words.get("en", frozenset()) | ENGLISH_STOP_WORDS  # and interview fillers
    return StopWordLists(f"Stopwords ISO (stopwordsiso {stopwordsiso.__version__})", words)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_LETTERS = rf"(?:[^\W\d_{_CJK}]|[{MARKS}])+"
_WORD = re.compile(rf"{_LETTERS}(?:['’]{_LETTERS})*")
"""A word as the tokenizer finds it, near enough to count stop words (and faster)."""


def _word_counts(text: str) -> Counter[str]:
    """The words (outside Chinese and Japanese) of the start of ``text``, as the lists spell
    them: case-folded, NFC, straight apostrophes."""
    sample = unicodedata.normalize("NFC", text[:SAMPLE_CHARACTERS].casefold())
    return Counter(_WORD.findall(sample.replace("’", "'")))


def _languages_of(counts: Counter[str], lists: StopWordLists) -> list[str]:
    """The languages of one text's word counts, main language first (see the module doc)."""
    total = sum(counts.values())
    if not total:
        return []
    chosen: list[str] = []
    left = {form: n for form, n in counts.items() if form in lists.by_word}
    remaining = total
    while len(chosen) < MOST_LANGUAGES_PER_TEXT and left:
        covered: dict[str, int] = {}
        forms: dict[str, int] = {}
        for form, n in left.items():
            for language in lists.by_word[form]:
                covered[language] = covered.get(language, 0) + n
                forms[language] = forms.get(language, 0) + 1
        best = max(sorted(covered), key=lambda language: covered[language])
        if not chosen:
            if covered[best] < FIRST_LANGUAGE_SHARE * total:
                break
        elif (
            covered[best] < FURTHER_LANGUAGE_SHARE * remaining
            or forms[best] < FURTHER_LANGUAGE_FORMS
        ):
            break
        chosen.append(best)
        remaining -= covered[best]
        left = {form: n for form, n in left.items() if form not in lists.words[best]}
    return chosen


@attrs.frozen
class Detected:
    """The languages found in some texts, most words first, and the share of their words (outside
    Chinese and Japanese) in texts whose language no list recognised."""

    languages: tuple[str, ...]
    unrecognised: float


def detect_languages(texts: Iterable[str], lists: StopWordLists) -> Detected:
    """The languages of ``texts``, each read on its own (short ones pooled)."""
    weight: Counter[str] = Counter()
    pooled: Counter[str] = Counter()
    total = unknown = 0
    samples: list[Counter[str]] = []
    for text in texts:
        counts = _word_counts(text)
        if sum(counts.values()) < MIN_SAMPLE_WORDS:
            pooled.update(counts)
        else:
            samples.append(counts)
    samples.append(pooled)
    for counts in samples:
        words = sum(counts.values())
        found = _languages_of(counts, lists)
        total += words
        unknown += 0 if found else words
        for language in found:
            weight[language] += words
    ordered = tuple(sorted(weight, key=lambda language: (-weight[language], language)))
    return Detected(ordered, unknown / total if total else 0.0)


@attrs.frozen
class StopWords:
    """The stop words a run uses, and how they were chosen (for provenance and the user)."""

    words: frozenset[str]
    languages: tuple[str, ...]
    source: str
    detected: bool
    """Whether the languages were found in the text (not named, nor stop words switched off)."""
    unrecognised: float = 0.0
    """When found: the share of the words in texts whose language no list recognised."""

    def note(self) -> str | None:
        """What the user should know about the stop words, or ``None``."""
        if not self.detected or self.unrecognised < UNRECOGNISED_NOTE_SHARE:
            return None
        if not self.languages:
            what = "could not tell which language the text is written in"
        else:
            what = f"could not tell the language of {self.unrecognised:.0%} of the text"
        return (
            f"{what}, so its stop words may be left in (and name suggestions); name the"
            " languages with languages=... (ISO 639-1 codes) or add extra_stop_words=..."
        )


UNRECOGNISED_NOTE_SHARE = 0.1
"""From what share of words in an unrecognised language on a run says so."""


def _forms(words: Iterable[str]) -> set[str]:
    """Words a user gave, spelt as the tokenizer spells them."""
    return {unicodedata.normalize("NFC", w.strip().casefold().replace("’", "'")) for w in words}


def choose_stop_words(
    texts: Sequence[str],
    *,
    languages: Sequence[str],
    enabled: bool,
    extra: Iterable[str],
    keep: Iterable[str],
) -> StopWords:
    """The stop words for ``texts``: those of ``languages`` (ISO 639-1 codes), or of the
    languages found in the texts when none are named; plus the built-in Chinese and Japanese
    particles and ``extra``, less ``keep``.

    Named languages without a list are an :class:`OptionError`; so is a text in a language
    that the built-in list cannot serve when the ``stopwords`` extra is missing.
    """
    extra_words = _forms(extra)
    keep_words = _forms(keep)
    if not enabled:
        return StopWords(frozenset(extra_words - keep_words), (), "none", False)
    lists = stop_word_lists()
    named = tuple(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
    if named:
        missing = [code for code in named if code not in lists.words]
        if missing:
            raise OptionError(
                f"no stop words for the language(s) {', '.join(missing)} "
                f"({lists.source} has {', '.join(sorted(lists.words))})",
                hint=(
                    "name languages by their ISO 639-1 codes"
                    if lists.complete
                    else f"{INSTALL_HINT} for the lists of 58 languages"
                ),
            )
        chosen = named
        unrecognised = 0.0
    else:
        detected = detect_languages(texts, lists)
        chosen, unrecognised = detected.languages, detected.unrecognised
        if not lists.complete and detected.unrecognised > 0.5:
            raise OptionError(
                "the texts do not look English, and stop words for other languages need the "
                f"'{EXTRA}' extra",
                hint=f"{INSTALL_HINT}, or give extra_stop_words=... with stop_words=false",
            )
    words = set(CJK_STOP_WORDS) | extra_words
    for language in chosen:
        words |= lists.words[language]
    return StopWords(frozenset(words - keep_words), chosen, lists.source, not named, unrecognised)
