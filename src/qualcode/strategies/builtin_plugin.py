"""Registers the built-in ``structure`` and ``inductive`` strategies, as any plugin would."""

from __future__ import annotations

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Strategy
from qualcode.strategies.inductive import InductiveStrategy
from qualcode.strategies.structure import StructureStrategy


@hookimpl
def register_strategies() -> list[type[Strategy]]:
    return [StructureStrategy, InductiveStrategy]
