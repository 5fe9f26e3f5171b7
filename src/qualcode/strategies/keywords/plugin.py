"""Registers the ``keywords`` strategy, exactly as a third-party plugin would."""

from __future__ import annotations

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Strategy
from qualcode.strategies.keywords.strategy import KeywordsStrategy


@hookimpl
def register_strategies() -> list[type[Strategy]]:
    return [KeywordsStrategy]
