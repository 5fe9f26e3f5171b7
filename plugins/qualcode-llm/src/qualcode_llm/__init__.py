"""qualcode-llm: coding strategies that ask language models, through simonw's ``llm`` library.

Every coding a model proposes is anchored in the text (its quote found in the unit), explained
(its rationale is a memo on the coding), reproducible (every answer is cached on disk) and
measured against the human coders (``sample=N``).
"""

from __future__ import annotations

from qualcode_llm.strategy import LlmStrategy

__all__ = ["LlmStrategy"]
