"""Reading a model's answer: the codings it proposes, from JSON or from JSON inside text."""

from __future__ import annotations

import json
import re
from typing import Any

import attrs


@attrs.frozen
class Proposal:
    """One coding a model proposes: a code's label, a quote and a one-line rationale."""

    code: str
    quote: str
    rationale: str


class MalformedAnswer(ValueError):  # noqa: N818 - a reason, not a failure of ours
    """The answer holds no JSON object of the expected form."""


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def _load(text: str) -> Any:
    """The JSON in ``text``: all of it, else a fenced block, else the outermost braces."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    fenced = _FENCE.search(stripped)
    if fenced:
        try:
            return json.loads(fenced.group(1))
        except ValueError:
            pass
    first, last = stripped.find("{"), stripped.rfind("}")
    if 0 <= first < last:
        try:
            return json.loads(stripped[first : last + 1])
        except ValueError:
            pass
    raise MalformedAnswer("the answer holds no JSON object")


def parse_answer(text: str) -> list[Proposal]:
    """The proposals in a model's answer; :class:`MalformedAnswer` if it has none readable.

    Accepted: ``{"codings": [...]}`` or a bare list of codings; each item needs a string
    ``code`` and ``quote`` (``rationale`` may be missing). Items without them are skipped.
    """
    data = _load(text)
    items = data.get("codings") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise MalformedAnswer("the answer has no list of codings")
    proposals = []
    for item in items:
        if not isinstance(item, dict):
            continue
        code, quote = item.get("code"), item.get("quote")
        rationale = item.get("rationale", "")
        if not isinstance(code, str) or not isinstance(quote, str):
            continue
        proposals.append(
            Proposal(code.strip(), quote, rationale.strip() if isinstance(rationale, str) else "")
        )
    return proposals
