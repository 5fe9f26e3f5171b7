"""Finding every term of every rule in one pass over a text.

All terms that share a case setting are merged into one regular expression shaped like a trie
(``tra(?:in(?:ing|ee)?|uma)``), searched so that matches starting at every position are found,
overlapping ones included. The regular-expression engine walks the text once and, where a term
may start, follows only the branches of the trie that the text allows: the cost grows with the
length of the text, not with the number of terms. The trie is a filter that may accept a little
more than the terms; each hit it finds is then checked exactly, in Python, against the terms that
can match there (all of them, shorter and overlapping ones included), through a small table
memoised per distinct match.

Terms use ``*`` (any run of letters, possibly none), ``?`` (one letter) and spaces (any run of
white space); ``\\*`` and ``\\?`` are literal. Whole-word terms must start and end at word
boundaries, except at a character of a script written without spaces (Chinese, Japanese, Thai),
where there are none. Stemmed terms and regular expressions are found by their own passes.

Terms and text are compared in Unicode NFC (see :mod:`.composition`): a term written with "é"
finds the same word stored as "e" and a combining accent. Regular expressions, too, see the text
in NFC. The typographic apostrophes (U+2019, as word processors type it, and U+02BC) count as the
ASCII one in terms and text alike, so "I've" finds "I’ve" (regular expressions, too, see the
text with ASCII apostrophes); one character stands for one, so positions do not move.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Literal

import attrs

from qualcode.strategies.keywords.composition import ComposedText
from qualcode.strategies.keywords.stemming import StemIndex, stem_phrase
from qualcode.strategies.scripts import no_space_ranges, writes_without_spaces

EntryKind = Literal["term", "stem", "regex"]


@attrs.frozen
class Entry:
    """One thing to find: a term (with wildcards), a stemmed phrase, or a regular expression."""

    kind: EntryKind
    pattern: str
    whole_word: bool = True
    case_sensitive: bool = False
    language: str = "english"


# tokens of a term: one literal character, or one of these markers
_STAR, _ONE, _SPACE, _START, _END = "\x00*", "\x00?", "\x00 ", "\x00<", "\x00>"
_ORDER = {_START: 0, _ONE: 2, _SPACE: 3, _STAR: 4, _END: 5}
_SEPARATOR = "[\\W" + no_space_ranges() + "]"
"""A character after which a word may start: not a letter, or a letter of a script without
spaces (a superset, like the trie: the exact check decides)."""
_ASCII_SEPARATOR = "[^0-9A-Z_a-z]"
"""The same for a text of ASCII characters only, where it is exactly ``\\W``: a plain table of
characters, which the engine tests faster than a category and ranges of scripts."""
_ASCII_END = "(?![0-9A-Z_a-z])"
"""Where a word ends in a text of ASCII characters only (exactly what the check tests there): the
expression for such texts drops by itself most words that only begin like a term."""
_PREFIX = 8  # literal characters that index the terms for the exact check

# The trie expression is a filter: it may accept more than the terms, never less (a letter of a
# wildcard is any character but white space there), and each hit is then checked exactly.
_LOOSE_LETTER = r"\S"
_RENDER = {
    _STAR: _LOOSE_LETTER + "*",
    _ONE: _LOOSE_LETTER,
    _SPACE: r"\s+",
}


def term_tokens(term: str, *, whole_word: bool, case_sensitive: bool) -> tuple[str, ...]:
    """The tokens of a term: literal characters and markers for wildcards, space and boundaries."""
    text = term.strip() if case_sensitive else term.strip().lower()
    tokens: list[str] = []
    escaped = False
    for character in text:
        if escaped:
            tokens.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "*":
            if not tokens or tokens[-1] != _STAR:
                tokens.append(_STAR)
        elif character == "?":
            tokens.append(_ONE)
        elif character.isspace():
            if tokens and tokens[-1] != _SPACE:
                tokens.append(_SPACE)
        else:
            tokens.append(character)
    if escaped:
        tokens.append("\\")
    if whole_word and tokens:
        if not _is_spaceless(tokens[0]):
            tokens.insert(0, _START)
        if not _is_spaceless(tokens[-1]):
            tokens.append(_END)
    return tuple(tokens)


def _is_spaceless(token: str) -> bool:
    return len(token) == 1 and writes_without_spaces(token)


def is_word_character(character: str) -> bool:
    """Whether ``character`` is part of a word: a letter, digit, ``_``, combining mark, ZWNJ/ZWJ."""
    if character.isalnum() or character == "_" or character in "\u200c\u200d":
        return True
    return unicodedata.category(character).startswith("M")


def _spaced_word(character: str) -> bool:
    return is_word_character(character) and not writes_without_spaces(character)


def match_tokens(tokens: Sequence[str], text: str, position: int, limit: int, fold: bool) -> int:
    """Where a term's tokens, matched at ``position`` of ``text`` (up to ``limit``), end; -1 if
    they do not match. Wildcards and spaces are greedy and give back, like a regular expression;
    ``fold`` compares letters in lower case."""
    return _match(tokens, text, position, limit, fold)[0]


def _match(
    tokens: Sequence[str], text: str, position: int, limit: int, fold: bool
) -> tuple[int, bool]:
    """:func:`match_tokens`, and whether the answer depended on where ``limit`` is (the match
    wanted to read at or beyond it)."""
    touched = False

    def step(index: int, at: int) -> int:
        nonlocal touched
        while index < len(tokens):
            token = tokens[index]
            if len(token) == 1:  # a literal
                if at >= limit:
                    touched = True
                    return -1
                character = text[at]
                if character != token and not (fold and character.lower() == token):
                    return -1
                at += 1
            elif token == _START:
                if at > 0 and _spaced_word(text[at - 1]):
                    return -1
            elif token == _END:
                if at >= limit:
                    touched = True
                elif _spaced_word(text[at]):
                    return -1
            elif token == _ONE:
                if at >= limit:
                    touched = True
                    return -1
                if not is_word_character(text[at]):
                    return -1
                at += 1
            else:  # a star (zero or more letters) or a space (one or more white spaces)
                accepts = is_word_character if token == _STAR else str.isspace
                stop = at
                while stop < limit and accepts(text[stop]):
                    stop += 1
                if stop >= limit:
                    touched = True
                least = at if token == _STAR else at + 1
                for end in range(stop, least - 1, -1):
                    found = step(index + 1, end)
                    if found >= 0:
                        return found
                return -1
            index += 1
        return at

    end = step(0, position)
    return end, touched


class _Node:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.end = False


def trie_regex(token_lists: Sequence[Sequence[str]], word_end: str | None = None) -> str:
    """One regular expression matching (at least) any of the token sequences, shaped like their
    trie. End boundaries are left to the exact check, or tested with ``word_end`` if given.

    At each node, literal continuations are tried before wildcards, and ending here is tried
    last, so the expression prefers the longest continuation.
    """
    root = _Node()
    for tokens in token_lists:
        node = root
        for token in tokens:
            if token != _END or word_end is not None:
                node = node.children.setdefault(token, _Node())
        node.end = True
    render = dict(_RENDER)
    if word_end is not None:
        render[_END] = word_end
    return _render(root, render)


def _render(node: _Node, render: dict[str, str]) -> str:
    # chains of single children render without groups
    pieces: list[str] = []
    while len(node.children) == 1 and not node.end:
        ((token, child),) = node.children.items()
        pieces.append(render.get(token) or re.escape(token))
        node = child
    if not node.children:
        return "".join(pieces)
    keys = sorted(node.children, key=lambda t: (_ORDER.get(t, 1), t))
    alternatives = [
        (render.get(token) or re.escape(token)) + _render(node.children[token], render)
        for token in keys
    ]
    group = "(?:" + "|".join(alternatives) + ")"
    return "".join(pieces) + group + ("?" if node.end else "")


class _TermGroup:
    """Terms sharing one case setting and one kind of start: one trie pass, then an exact check
    of each hit.

    Terms that must start a word are searched after a separator (a character that is not a
    letter of a spaced script), so the engine skips quickly from separator to separator and
    tries the trie only where a word begins; the others (substrings, and terms that start in a
    script without spaces) wherever their first character occurs.
    """

    def __init__(
        self,
        entries: Sequence[tuple[int, tuple[str, ...]]],
        case_sensitive: bool,
        word_start: bool,
    ):
        self.case_sensitive = case_sensitive
        self.word_start = word_start
        distinct: dict[tuple[str, ...], list[int]] = {}
        for entry, tokens in entries:
            distinct.setdefault(tokens, []).append(entry)
        if word_start:
            trie = trie_regex([tokens[1:] for tokens in distinct])
            ascii_trie = trie_regex([tokens[1:] for tokens in distinct], _ASCII_END)
            pattern = _SEPARATOR + "(?=(" + trie + "))"
            ascii_pattern = _ASCII_SEPARATOR + "(?=(" + ascii_trie + "))"
        else:
            # consumed, not looked ahead: the engine then skips to possible first characters;
            # overlapping matches are found by searching again from the next position
            trie = trie_regex(list(distinct))
            ascii_trie = trie_regex(list(distinct), _ASCII_END)
            pattern = "(" + trie + ")"
            ascii_pattern = "(" + ascii_trie + ")"
        # (search, text's start) for any text, then for texts of ASCII characters only
        self.patterns = ((pattern, trie), (ascii_pattern, ascii_trie))
        self._compiled: dict[tuple[bool, bool], tuple[re.Pattern[str], re.Pattern[str]]] = {}
        # each distinct term, indexed by its first (up to eight) literal characters
        self.terms: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
        self.by_prefix: dict[str, list[int]] = {}
        self.any_first: list[int] = []
        for tokens, owners in distinct.items():
            self.terms.append((tokens, tuple(owners)))
            prefix = ""
            for token in tokens:
                if token == _START:
                    continue
                if len(token) != 1 or len(prefix) == _PREFIX:
                    break
                prefix += token
            if prefix:
                self.by_prefix.setdefault(prefix, []).append(len(self.terms) - 1)
            else:
                self.any_first.append(len(self.terms) - 1)
        self.memo: dict[str, tuple[tuple[int, int, int], ...]] = {}

    def compiled(
        self, any_case: bool, ascii_only: bool = False
    ) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The search expression and the expression for the text's start, compiled once;
        ``ascii_only``: the search expression for a text of ASCII characters only."""
        key = (any_case, ascii_only)
        found = self._compiled.get(key)
        if found is None:
            flags = re.IGNORECASE if any_case else 0
            search, at_start = self.patterns[ascii_only]
            found = (re.compile(search, flags), re.compile(at_start, flags))
            self._compiled[key] = found
        return found

    def find(self, text: str, lowered: str | None) -> list[tuple[int, int, int]]:
        """``(start, end, entry)`` for every match of every term."""
        if self.case_sensitive:
            subject, any_case = text, False
        elif lowered is not None:
            subject, any_case = lowered, False
        else:  # lower-casing changed the length: match the original text ignoring case
            subject, any_case = text, True
        search, at_start = self.compiled(any_case, subject.isascii())
        hits: list[tuple[int, int, int]] = []
        if self.word_start:
            first = at_start.match(subject)
            if first is not None and first.end() > 0:
                # the text's start behaves as a space: only word boundaries look back
                window = " " + subject[: first.end() + 1]
                self._add(hits, 0, window, first.end(), subject, any_case)
            add = self._add
            for match in search.finditer(subject):
                start = match.start() + 1
                size = match.end(1) - start
                # the window: the separator, the trie's match and the character after it
                add(hits, start, subject[start - 1 : start + size + 1], size, subject, any_case)
        else:
            anywhere = search.search(subject)
            while anywhere is not None:
                start = anywhere.start()
                size = anywhere.end() - start
                window = (subject[start - 1] if start else " ") + subject[start : start + size + 1]
                self._add(hits, start, window, size, subject, any_case)
                anywhere = search.search(subject, start + 1)
        return hits

    def _add(
        self,
        hits: list[tuple[int, int, int]],
        start: int,
        window: str,
        size: int,
        subject: str,
        any_case: bool,
    ) -> None:
        """Add the hits of every term matching at ``start``, where the trie matched ``size``
        characters; ``window`` is that match with one character either side."""
        resolved = self.memo.get(window)
        if resolved is None:
            resolved = self.memo[window] = self._resolve(window, size, any_case)
        for length, entry, term in resolved:
            if length < 0:  # the term may run past the trie's match: ask the text itself
                end = match_tokens(self.terms[term][0], subject, start, len(subject), any_case)
                if end <= start:
                    continue
                length = end - start
            hits.append((start, start + length, entry))

    def _resolve(
        self, window: str, longest: int, any_case: bool
    ) -> tuple[tuple[int, int, int], ...]:
        """``(length, entry, term)`` of every term matching ``window`` at 1.

        ``window`` is the trie's match with one character either side. A term whose answer
        depends on what follows the window gets length -1, to be measured on the text itself.
        """
        candidates = list(self.any_first)
        for size in range(1, min(_PREFIX, len(window) - 1) + 1):
            key = window[1 : 1 + size]
            candidates.extend(self.by_prefix.get(key, ()))
            if any_case and key.lower() != key:
                candidates.extend(self.by_prefix.get(key.lower(), ()))
        at_text_end = len(window) < longest + 2  # no character after the trie's match
        resolved: list[tuple[int, int, int]] = []
        for index in sorted(set(candidates)):
            tokens, owners = self.terms[index]
            end, touched = _match(tokens, window, 1, len(window), any_case)
            if touched and not at_text_end:
                length = -1  # the answer depends on text beyond the window
            elif end <= 1:
                continue
            else:
                length = end - 1
            resolved.extend((length, owner, index) for owner in owners)
        return tuple(resolved)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def plain_apostrophes(text: str) -> str:
    """``text`` with typographic apostrophes as ASCII ones (one character for one)."""
    if "\u2019" not in text and "\u02bc" not in text:
        return text
    return text.translate(_APOSTROPHES)


class Matcher:
    """Finds all entries in a text: terms through shared trie passes, then stems and expressions.

    Picklable: it travels as its entries, and a worker process builds it once and reuses it.
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = tuple(entries)
        by_case: dict[tuple[bool, bool], list[tuple[int, tuple[str, ...]]]] = {}
        stems: list[tuple[str, tuple[str, ...], int]] = []
        self.expressions: list[tuple[re.Pattern[str], int]] = []
        for index, entry in enumerate(self.entries):
            pattern = unicodedata.normalize("NFC", entry.pattern)
            if entry.kind != "regex":
                pattern = plain_apostrophes(pattern)
            if entry.kind == "term":
                tokens = term_tokens(
                    pattern,
                    whole_word=entry.whole_word,
                    case_sensitive=entry.case_sensitive,
                )
                key = (entry.case_sensitive, tokens[0] == _START)
                by_case.setdefault(key, []).append((index, tokens))
            elif entry.kind == "stem":
                stems.append((entry.language, stem_phrase(pattern, entry.language), index))
            else:
                flags = 0 if entry.case_sensitive else re.IGNORECASE
                self.expressions.append((re.compile(entry.pattern, flags), index))
        self.groups = [_TermGroup(by_case[key], *key) for key in sorted(by_case)]
        self.stems = StemIndex(stems)

    def prepare(self) -> Matcher:
        """Compile the expressions now (before worker processes are forked, they inherit them)."""
        for group in self.groups:
            group.compiled(False)
            group.compiled(False, ascii_only=True)
        return self

    def __reduce__(self) -> tuple[Callable[[tuple[Entry, ...]], Matcher], tuple[tuple[Entry, ...]]]:
        return (matcher_for, (self.entries,))

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, entry)`` of every match, sorted by start, end and entry."""
        composed = ComposedText(text)
        if composed.text is text:
            return self._find(plain_apostrophes(text))
        start, end = composed.start, composed.end
        found = self._find(plain_apostrophes(composed.text))
        return [(start(s), end(e), entry) for s, e, entry in found]

    def _find(self, text: str) -> list[tuple[int, int, int]]:
        lowered: str | None = text.lower()
        if lowered is not None and len(lowered) != len(text):
            lowered = None
        hits: list[tuple[int, int, int]] = []
        for group in self.groups:
            hits.extend(group.find(text, lowered))
        hits.extend(self.stems.find(text))
        for expression, entry in self.expressions:
            hits.extend(
                (m.start(), m.end(), entry)
                for m in expression.finditer(text)
                if m.end() > m.start()
            )
        hits.sort()
        return hits


_BUILT: dict[tuple[Entry, ...], Matcher] = {}


def matcher_for(entries: tuple[Entry, ...]) -> Matcher:
    """The matcher for ``entries``, built once per process (unpickling goes through here)."""
    found = _BUILT.get(entries)
    if found is None:
        if len(_BUILT) >= 4:
            _BUILT.clear()
        found = _BUILT[entries] = Matcher(entries)
    return found
