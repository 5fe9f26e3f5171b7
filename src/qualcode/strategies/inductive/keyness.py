"""Keyness: terms and phrases used distinctively often in one part of a corpus.

The statistic is Dunning's log-likelihood G² in the form given by Rayson and Garside (2000),
"Comparing corpora using frequency profiling", Proceedings of the Workshop on Comparing Corpora
(ACL 2000), pp. 1-6. For a term seen ``a`` times in a target corpus of ``c`` tokens and ``b`` times
in a reference corpus of ``d`` tokens::

    E1 = c (a + b) / (c + d)        E2 = d (a + b) / (c + d)
    G² = 2 (a ln(a / E1) + b ln(b / E2))        (a term with a zero count contributes 0)

G² above 3.84 is significant at p < 0.05, above 6.63 at p < 0.01 (one degree of freedom). Phrases of
n words are counted against the number of n-word windows of each corpus.

Chinese and Japanese are written without spaces, so each of their characters is a token; most of
their words are two characters long and many four (set phrases such as 社区服务, "community
service"). A phrase made only of such characters may therefore be ``CJK_CHARACTERS_PER_WORD`` times
``max_words`` characters long: with a limit of three *characters* a four-character word would only
ever be seen as its three-character pieces.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Mapping, Sequence

import attrs

from qualcode import text as textmod
from qualcode.strategies.textunits import Token, has_letter, tokens

Term = tuple[str, ...]


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² for ``a`` of ``c`` tokens against ``b`` of ``d`` (Rayson & Garside 2000)."""
    if c <= 0 or d <= 0 or a + b == 0:
        return 0.0
    expected_target = c * (a + b) / (c + d)
    expected_reference = d * (a + b) / (c + d)
    value = 0.0
    if a:
        value += a * math.log(a / expected_target)
    if b:
        value += b * math.log(b / expected_reference)
    return 2.0 * value


@attrs.frozen
class Region:
    """Stretches of a document's text to analyse (e.g. participants' turns without labels)."""

    document_id: str
    text: str
    spans: tuple[tuple[int, int], ...]


@attrs.frozen
class CountTask:
    region: Region
    max_words: int
    stop_words: frozenset[str]


@attrs.frozen
class Counts:
    """The n-gram counts of one document and its number of n-word windows (index n - 1)."""

    terms: dict[Term, int]
    windows: tuple[int, ...]


def candidate(forms: Sequence[str], stop_words: frozenset[str]) -> bool:
    """Whether an n-gram may be a term: no stop word at its edges, a letter somewhere."""
    if forms[0] in stop_words or forms[-1] in stop_words:
        return False
    return any(has_letter(form) for form in forms)


CJK_CHARACTERS_PER_WORD = 2
"""How many Chinese or Japanese characters count as one word in a phrase's length."""


def longest_window(max_words: int) -> int:
    """The most tokens an n-gram may have: a phrase of CJK characters only may be longer."""
    return CJK_CHARACTERS_PER_WORD * max_words


def ngrams(found: Sequence[Token], max_words: int) -> list[tuple[int, int]]:
    """``(first, last)`` token indexes of every n-gram, not crossing a break: n = 1..max_words,
    or up to :func:`longest_window` when every token is a CJK character."""
    windows: list[tuple[int, int]] = []
    longest_cjk = longest_window(max_words)
    for first in range(len(found)):
        windows.append((first, first))
        last = first
        all_cjk = found[first].cjk
        while last + 1 < len(found) and found[last + 1].joined:
            all_cjk = all_cjk and found[last + 1].cjk
            if last - first + 2 > (longest_cjk if all_cjk else max_words):
                break
            last += 1
            windows.append((first, last))
    return windows


def count_terms(task: CountTask) -> Counts:
    """Count the candidate terms of one document (runs in a worker)."""
    terms: dict[Term, int] = {}
    windows = [0] * longest_window(task.max_words)
    text = task.region.text
    for start, end in task.region.spans:
        found = tokens(text, start, end)
        for first, last in ngrams(found, task.max_words):
            windows[last - first] += 1
            forms = tuple(t.form for t in found[first : last + 1])
            if candidate(forms, task.stop_words):
                terms[forms] = terms.get(forms, 0) + 1
    return Counts(terms, tuple(windows))


@attrs.frozen
class KeyTerm:
    """A term distinctive for a group, with the figures behind it."""

    group: Hashable
    term: Term
    target: int
    reference: int
    target_size: int
    reference_size: int
    documents: int
    score: float


def key_terms(
    groups: Mapping[Hashable, Sequence[Counts]],
    rest: Sequence[Counts],
    *,
    min_frequency: int,
    min_documents: int,
    min_score: float,
    top: int,
    subsume: float = 0.8,
) -> dict[Hashable, list[KeyTerm]]:
    """The ``top`` terms of each group, most distinctive first, against all other documents.

    ``rest`` holds documents that belong to no group (they count as reference for every group).
    Only overuse counts (the term's relative frequency is higher in the group). A term is dropped
    when a longer selected phrase containing it accounts for ``subsume`` of its uses.
    """
    totals: dict[Term, int] = {}
    sizes = [0] * max((len(c.windows) for cs in groups.values() for c in cs), default=1)
    group_counts: dict[Hashable, tuple[dict[Term, int], dict[Term, int], list[int]]] = {}
    for key, members in groups.items():
        counts: dict[Term, int] = {}
        spread: dict[Term, int] = {}
        windows = [0] * len(sizes)
        for member in members:
            for term, n in member.terms.items():
                counts[term] = counts.get(term, 0) + n
                spread[term] = spread.get(term, 0) + 1
            for i, w in enumerate(member.windows):
                windows[i] += w
        group_counts[key] = (counts, spread, windows)
    for counts_of in [*(c for cs in groups.values() for c in cs), *rest]:
        for term, n in counts_of.terms.items():
            totals[term] = totals.get(term, 0) + n
        for i, w in enumerate(counts_of.windows):
            sizes[i] += w
    chosen: dict[Hashable, list[KeyTerm]] = {}
    for key, (counts, spread, windows) in group_counts.items():
        scored: list[KeyTerm] = []
        for term, a in counts.items():
            size = len(term) - 1
            c, d = windows[size], sizes[size] - windows[size]
            b = totals[term] - a
            if a < min_frequency or spread[term] < min_documents or d <= 0:
                continue
            if a * d <= b * c:  # not used more often than in the rest
                continue
            score = log_likelihood(a, b, c, d)
            if score >= min_score:
                scored.append(KeyTerm(key, term, a, b, c, d, spread[term], score))
        scored.sort(key=lambda k: (-k.score, -k.target, k.term))
        chosen[key] = _select(scored, top, subsume)
    return chosen


def _select(scored: Sequence[KeyTerm], top: int, subsume: float) -> list[KeyTerm]:
    cover: dict[Term, int] = {}  # term -> most uses of a longer scored phrase containing it
    for key_term in scored:
        term = key_term.term
        for n in range(1, len(term)):
            for i in range(len(term) - n + 1):
                part = term[i : i + n]
                cover[part] = max(cover.get(part, 0), key_term.target)
    selected: list[KeyTerm] = []
    for key_term in scored:
        if cover.get(key_term.term, 0) >= subsume * key_term.target:
            continue
        selected.append(key_term)
        if len(selected) == top:
            break
    return selected


@attrs.frozen
class LocateTask:
    region: Region
    terms: tuple[Term, ...]
    context: str


def locate_terms(task: LocateTask) -> list[tuple[Term, int, int]]:
    """Where each term occurs, as ``(term, start, end)`` of the hit or its context, in order.

    ``context`` is ``hit``, ``sentence`` or ``region`` (the whole turn or document region).
    """
    wanted = set(task.terms)
    longest = max((len(t) for t in wanted), default=1)
    text = task.region.text
    found: list[tuple[Term, int, int]] = []
    seen: set[tuple[Term, int, int]] = set()
    for start, end in task.region.spans:
        found_tokens = tokens(text, start, end)
        sentences = textmod.sentences(text[start:end]) if task.context == "sentence" else []
        ends = [s.end + start for s in sentences]
        for first, last in ngrams(found_tokens, longest):
            forms = tuple(t.form for t in found_tokens[first : last + 1])
            if forms not in wanted:
                continue
            hit_start, hit_end = found_tokens[first].start, found_tokens[last].end
            if task.context == "region":
                span = (start, end)
            elif task.context == "sentence":
                span = _enclosing(sentences, ends, start, hit_start, hit_end)
            else:
                span = (hit_start, hit_end)
            item = (forms, span[0], span[1])
            if item not in seen:
                seen.add(item)
                found.append(item)
    return found


def _enclosing(
    sentences: Sequence[textmod.Span], ends: Sequence[int], offset: int, start: int, end: int
) -> tuple[int, int]:
    """The span of the sentences (given relative to ``offset``) that the hit touches."""
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(ends, end)
    if first >= len(sentences):
        return start, end
    last = min(last, len(sentences) - 1)
    return min(sentences[first].start + offset, start), max(ends[last], end)
