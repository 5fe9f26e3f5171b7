"""The qualcode plugin: registers the ``llm`` strategy (entry point group ``qualcode``)."""

from __future__ import annotations

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Strategy
from qualcode_llm.strategy import LlmStrategy


@hookimpl
def register_strategies() -> list[type[Strategy]]:
    return [LlmStrategy]
