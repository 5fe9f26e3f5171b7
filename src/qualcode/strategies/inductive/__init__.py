"""The ``inductive`` strategy: keyness of terms and groups of similar passages."""

from qualcode.strategies.inductive.strategy import InductiveStrategy

__all__ = ["InductiveStrategy"]
