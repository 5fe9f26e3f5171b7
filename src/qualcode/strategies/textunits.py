"""What the ``structure`` and ``inductive`` strategies share.

Speaker turns with their labels, word tokens that also work on text without spaces (Chinese,
Japanese), stop words, stable ids (so that every runner gives the same ids), the machine coder of a
strategy, and reading options that may arrive as strings from the command line.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from qualcode import text as textmod
from qualcode.errors import OptionError
from qualcode.model import Coder, Document
from qualcode.options import Option, check_options, parse_boolean, parse_value
from qualcode.project import Project
from qualcode.strategies.scripts import MARKS

NAMESPACE = uuid.UUID("6f1d3c52-94a4-4b7e-9d0e-2f1b7a5c8e31")
"""The namespace of the ids our strategies derive (UUID version 5)."""


def stable_id(*parts: object) -> str:
    """A GUID derived from ``parts``: the same parts always give the same id."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(str(p) for p in parts)))


def free_id(project: Project, *parts: object) -> str:
    """:func:`stable_id` of ``parts``, or of ``parts`` and a counter when a project entity has it
    already (e.g. a suggested code that a person renamed since)."""
    entity_id = stable_id(*parts)
    counter = 1
    while project.find(entity_id) is not None:
        entity_id = stable_id(*parts, counter)
        counter += 1
    return entity_id


def machine_coder(strategy: str, version: str) -> Coder:
    """The machine coder of a strategy; its id depends only on the strategy's name."""
    return Coder(
        id=stable_id("coder", strategy), name=f"qualcode {strategy} {version}", machine=True
    )


# -- speaker turns ----------------------------------------------------------------------------


@attrs.frozen
class Turn:
    """A speaker's turn: ``start``/``end`` cover the label too, ``body_start`` is after it."""

    speaker: str
    start: int
    end: int
    body_start: int


_STAMP = r"(?:\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]\s*)?"
"""A timestamp in brackets that may stand before a label: ``[00:01:05] PN1:``."""


_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_HEADING_END = rf"(?:[ \t]*-->[ \t]*{_CLOCK})?[ \t]*(?:\n|$)"


def _label(speaker: str) -> re.Pattern[str]:
    """The label of a recorded turn of ``speaker`` at the turn's start: ``PN1:``, ``PN1>``,
    ``[PN1]``, ``PN1 (00:01:02):``, each perhaps after a bracketed timestamp, or a line of its own
    with the name and a time (``[PN1] 11:02:09``, ``PN1  0:03``). The speaker's own name is
    looked for, so a colon later in what they say is never taken for the label's end."""
    name = re.escape(speaker)
    return re.compile(
        rf"[ \t]*{_STAMP}(?:\[{name}\][ \t]+{_CLOCK}{_HEADING_END}|\[{name}\]"
        rf"|{name}(?:\s*\({_CLOCK}\))?\s*[:：>]|{name}[ \t]+{_CLOCK}{_HEADING_END})",
        re.IGNORECASE,
    )


def document_turns(document: Document, patterns: Sequence[str] | None = None) -> list[Turn]:
    """The turns recorded with the document, else the ones :func:`qualcode.text.speaker_turns`
    finds in its text (labels such as ``PN1:`` or ``[Interviewer]`` at line starts); with
    ``patterns`` (regular expressions with a ``speaker`` group), the turns those find in the text,
    whatever was recorded."""
    text = document.text
    turns: list[Turn] = []
    if document.turns and not patterns:
        labels: dict[str, re.Pattern[str]] = {}
        for turn in document.turns:
            body = turn.start
            label = labels.get(turn.speaker)
            if label is None:
                label = labels[turn.speaker] = _label(turn.speaker)
            match = label.match(text, turn.start, turn.end)
            if match is not None:
                body = match.end()
            turns.append(
                Turn(turn.speaker, turn.start, turn.end, _skip_space(text, body, turn.end))
            )
        return turns
    for speaker, label_span, span in textmod.speaker_turns(text, patterns):
        body = _skip_space(text, label_span.end, span.end)
        turns.append(Turn(speaker, span.start, span.end, body))
    return turns


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position


def matches_any(name: str, patterns: Sequence[str]) -> bool:
    """Whether ``name`` matches one of the shell-style ``patterns`` (``PN*``, ``I?``), in any
    letter case (transcripts write ``INTERVIEWER:`` as often as ``Interviewer:``)."""
    folded = name.casefold()
    return any(fnmatch.fnmatchcase(folded, pattern.casefold()) for pattern in patterns)


# -- tokens -----------------------------------------------------------------------------------

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_WORD_PART = rf"[^\W_{_CJK_RANGES}]+(?:[{MARKS}]+[^\W_{_CJK_RANGES}]*)*"
"""Letters and digits with the combining marks and joiners inside them (vowel signs, accents)."""
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK_RANGES}])|(?P<word>{_WORD_PART}(?:['’]{_WORD_PART})*)")
_JOINABLE_GAP = re.compile(r"[ \t\u00a0\u3000\-‐]*")
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
_HAS_LETTER = re.compile(rf"[^\W\d_]|[{_CJK_RANGES}]")


@attrs.frozen
class Token:
    """A word (or, in Chinese and Japanese, one character) with its place in the text.

    ``form`` is the case-folded word; ``joined`` says whether the token may form a phrase with
    the one before it (only spaces or a hyphen lie between them).
    """

    start: int
    end: int
    form: str
    cjk: bool
    joined: bool


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The word tokens of ``text[start:end]``; each CJK character is a token of its own."""
    end = len(text) if end is None else end
    found: list[Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(text, start, end):
        joined = previous_end >= 0 and _JOINABLE_GAP.fullmatch(text, previous_end, match.start())
        form = match.group(0).casefold().replace("’", "'")
        if not form.isascii():  # one form for one word, however its accents are stored
            form = unicodedata.normalize("NFC", form)
        found.append(
            Token(match.start(), match.end(), form, match.group("cjk") is not None, bool(joined))
        )
        previous_end = match.end()
    return found


def has_letter(form: str) -> bool:
    """Whether a token contains a letter (numbers alone are not terms)."""
    return _HAS_LETTER.search(form) is not None


def phrase(forms: Sequence[str]) -> str:
    """Forms joined for display: with spaces between words, without between CJK characters."""
    out = forms[0]
    for before, after in itertools.pairwise(forms):
        both_cjk = (
            _CJK_CHAR.fullmatch(before) is not None and _CJK_CHAR.fullmatch(after) is not None
        )
        out += after if both_cjk else " " + after
    return out


_ENGLISH = """a about above after again against all also am an and any are aren't as at be
    because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further get got had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more
    most mustn't my myself no nor not now of off on once only or other ought our ours ourselves
    out over own really same shan't she she'd she'll she's should shouldn't so some such than
    that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's whom
    why why's will with won't would wouldn't you you'd you'll you're you've your yours yourself
    yourselves um uh er erm mm mhm hmm yeah yep yes ok okay oh ah well lot lots thing things
    bit gonna"""
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(_ENGLISH.split())
"""English function words and interview fillers: never a term alone, never at a phrase's edge."""

_CJK = (
    "的 了 是 在 我 你 他 她 它 们 这 那 也 就 都 和 与 而 吗 呢 吧 啊 有 不 个 之 "
    "の に は を が で と も た し て な だ です ます か ね よ こ そ あ れ い う る"
)
CJK_STOP_WORDS: frozenset[str] = frozenset(_CJK.split())
"""Particles and very common characters of Chinese and Japanese."""

STOP_WORDS: frozenset[str] = ENGLISH_STOP_WORDS | CJK_STOP_WORDS


# -- options ----------------------------------------------------------------------------------


class Options:
    """Reads a strategy's options, which may come as strings (``--option key=value``).

    Unknown names are an :class:`OptionError` listing the known ones; ``None`` values count as
    not given.
    """

    def __init__(self, strategy: str, known: Mapping[str, str], given: Mapping[str, Any]) -> None:
        self.strategy = strategy
        self.owner = f"strategy {strategy!r}"
        self.values = {k: v for k, v in given.items() if v is not None}
        declared = [Option(name, help_text) for name, help_text in known.items()]
        check_options(declared, self.values, owner=f"strategy {strategy!r}")

    def _error(self, name: str, value: Any, wanted: str) -> OptionError:
        return OptionError(
            f"option {name!r} of strategy {self.strategy!r} must be {wanted}, not {value!r}"
        )

    def has(self, name: str) -> bool:
        return name in self.values

    def string(self, name: str, default: str, choices: Sequence[str] | None = None) -> str:
        value = self.values.get(name, default)
        if not isinstance(value, str):
            raise self._error(name, value, "a string")
        if choices is not None and value not in choices:
            raise self._error(name, value, "one of " + ", ".join(choices))
        return value

    def integer(self, name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.values.get(name, default)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise self._error(name, value, "a whole number") from None
        if isinstance(value, bool | float) or number < minimum:
            raise self._error(name, value, f"a whole number of at least {minimum}")
        if maximum is not None and number > maximum:
            raise self._error(name, value, f"a whole number from {minimum} to {maximum}")
        return number

    def number(
        self, name: str, default: float, minimum: float = 0.0, maximum: float | None = None
    ) -> float:
        value = self.values.get(name, default)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self._error(name, value, "a number") from None
        if isinstance(value, bool) or not math.isfinite(number) or number < minimum:
            raise self._error(name, value, f"a finite number of at least {minimum}")
        if maximum is not None and number > maximum:
            raise self._error(name, value, f"a number from {minimum} to {maximum}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        parsed = parse_boolean(value)
        if parsed is None:
            raise self._error(name, value, "true or false")
        return parsed

    def strings(self, name: str, default: Sequence[str]) -> tuple[str, ...]:
        """A list given as a sequence or as a comma-separated string."""
        value = self.values.get(name, default)
        return tuple(parse_value(Option(name, name, kind="strings"), value, owner=self.owner))

    def mapping(self, name: str) -> tuple[tuple[str, str], ...]:
        """Pairs given as a mapping or as ``"key=value,key=value"``, in the order given."""
        value = self.values.get(name, {})
        return tuple(parse_value(Option(name, name, kind="mapping"), value, owner=self.owner))

    def raw(self, name: str) -> Any:
        return self.values.get(name)
