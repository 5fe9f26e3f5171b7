"""The ``keywords`` strategy: deductive dictionary coding (rules, matcher, context, strategy)."""

from __future__ import annotations

from qualcode.errors import EmptyCorpusError
from qualcode.strategies.keywords.rules import Rule, RulesError, RuleSet, load_rules, parse_rules
from qualcode.strategies.keywords.strategy import KeywordsStrategy

__all__ = [
    "EmptyCorpusError",
    "KeywordsStrategy",
    "Rule",
    "RuleSet",
    "RulesError",
    "load_rules",
    "parse_rules",
]
