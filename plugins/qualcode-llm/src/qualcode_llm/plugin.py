"""The qualcode plugin: registers the ``llm`` and ``similar`` strategies (group ``qualcode``)."""

from __future__ import annotations

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Strategy
from qualcode_llm.similar import SimilarStrategy
from qualcode_llm.strategy import LlmStrategy


@hookimpl
def register_strategies() -> list[type[Strategy]]:
    return [LlmStrategy, SimilarStrategy]
