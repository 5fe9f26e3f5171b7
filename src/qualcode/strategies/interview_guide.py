"""Interview guides for the ``structure`` strategy (``by=question``): reading one from a list or
a file, and matching an interviewer's words to its questions (IDF-weighted word overlap)."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import OptionError, ParseError
from qualcode.fileio import read_bytes
from qualcode.strategies.textunits import STOP_WORDS, tokens


@attrs.frozen
class GuideQuestion:
    """A question of an interview guide; ``name`` becomes the code's name."""

    name: str
    text: str


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning (no stop words); CJK text gives bigrams."""
    found: set[str] = set()
    previous: str | None = None
    for token in tokens(text):
        if token.cjk:
            if previous is not None and token.joined:
                found.add(previous + token.form)
            previous = token.form
            continue
        previous = None
        if token.form not in STOP_WORDS:
            found.add(token.form)
    return found


class GuideMatcher:
    """Scores a question against the guide: cosine of IDF-weighted sets of content words.

    A word found in few guide questions weighs more (weight ``log(1 + N / n_w)`` for a guide of N
    questions, n_w of which contain the word); words the guide never uses weigh ``log(1 + N)``.
    """

    def __init__(self, guide: Sequence[GuideQuestion]) -> None:
        self.guide = list(guide)
        self.words = [content_words(q.text) for q in self.guide]
        count = len(self.guide)
        frequency: dict[str, int] = {}
        for words in self.words:
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        self.weights = {w: math.log(1 + count / n) for w, n in frequency.items()}
        self.unknown = math.log(1 + count)
        self.norms = [self._norm(words) for words in self.words]

    def _norm(self, words: set[str]) -> float:
        return math.sqrt(sum(self.weights.get(w, self.unknown) ** 2 for w in words))

    def best(self, text: str) -> tuple[int, float]:
        """The index of the best-matching guide question (first on ties) and its score."""
        words = content_words(text)
        norm = self._norm(words)
        best, score = -1, 0.0
        if not norm:
            return best, score
        for index, guide_words in enumerate(self.words):
            if not self.norms[index]:
                continue
            shared = sum(self.weights[w] ** 2 for w in words & guide_words)
            value = shared / (norm * self.norms[index])
            if value > score:
                best, score = index, value
        return best, score


def read_guide(value: Any) -> tuple[GuideQuestion, ...]:
    """An interview guide from a list (of strings or tables) or a file.

    A ``.toml`` file holds ``[[question]]`` tables with ``text`` and optionally ``name``; any other
    file holds one question per line (blank lines and lines starting with ``#`` are skipped).
    """
    if isinstance(value, str | Path) and not (isinstance(value, str) and "\n" in value):
        path = Path(value)
        data = read_bytes(path)
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError("the interview guide is not UTF-8", path=path) from error
        if path.suffix.lower() == ".toml":
            try:
                table = tomllib.loads(content)
            except tomllib.TOMLDecodeError as error:
                raise ParseError(
                    f"not a valid TOML file: {error}",
                    path=path,
                    hint="write each question as a [[question]] table with text = '...'",
                ) from error
            return _guide_items(table.get("question"), path)
        lines = [line.strip() for line in content.splitlines()]
        return _guide_items([line for line in lines if line and not line.startswith("#")], path)
    if isinstance(value, str):
        return _guide_items([line.strip() for line in value.splitlines() if line.strip()], None)
    return _guide_items(value, None)


def _guide_items(items: Any, path: Path | None) -> tuple[GuideQuestion, ...]:
    hint = "give a list of questions, or a TOML file of [[question]] tables with text = '...'"
    if not isinstance(items, list | tuple) or not items:
        raise OptionError("the interview guide has no questions", path=path, hint=hint)
    questions: list[GuideQuestion] = []
    for number, item in enumerate(items, 1):
        if isinstance(item, str):
            name, question = "", item
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            name, question = str(item.get("name", "")), str(item["text"])
        else:
            raise OptionError(f"guide question {number} has no text", path=path, hint=hint)
        question = " ".join(question.split())
        if not question:
            raise OptionError(f"guide question {number} is empty", path=path, hint=hint)
        code_name = name.strip() or _short(question)
        twin = next((i for i, q in enumerate(questions, 1) if q.name == code_name), None)
        if twin is not None:
            raise OptionError(
                f"guide questions {twin} and {number} are both named {code_name!r}; each "
                "question becomes a code of its own",
                path=path,
                hint="give each question a name of its own (name = '...')",
            )
        questions.append(GuideQuestion(code_name, question))
    return tuple(questions)


def _short(question: str, limit: int = 60) -> str:
    if len(question) <= limit:
        return question
    cut = question[:limit].rsplit(" ", 1)[0]
    return (cut or question[:limit]) + "…"
