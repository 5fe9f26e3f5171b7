"""What the model is asked: the codebook as text, the prompt around a unit, the answer's schema.

The prompt template and the codebook are hashed; both hashes go into every coding's provenance,
so a reader can tell which instructions and which codebook produced it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import attrs

from qualcode.model import Code
from qualcode.project import Project

TEMPLATE_VERSION = "1"

SYSTEM_TEMPLATE = """\
You are a careful qualitative researcher applying a codebook to interview and field material.
You are shown one passage at a time. Decide which codes of the codebook apply to the passage.
For each code that applies, give:
- "code": the code's name exactly as written in the codebook;
- "quote": the shortest stretch of the passage that shows the code, copied character for \
character from the passage (never paraphrased, never shortened with ellipses);
- "rationale": one line saying why the code applies, with reference to its definition.
Apply a code only where its definition and inclusion criteria are met and no exclusion applies.
If no code applies, answer with an empty list.

CODEBOOK
{codebook}
"""

PROMPT_TEMPLATE = """\
PASSAGE
{unit}
"""

JSON_INSTRUCTION = """
Answer with one JSON object and nothing else, in this form:
{"codings": [{"code": "...", "quote": "...", "rationale": "..."}]}
"""

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "codings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "quote": {"type": "string"},
                    "rationale": {"type": "string"},
                },
                "required": ["code", "quote", "rationale"],
            },
        }
    },
    "required": ["codings"],
}
"""The structured output asked of models that support schemas."""


@attrs.frozen
class Codebook:
    """The codes offered to the model: each code's label (its name, or its path where names
    repeat) and the codebook as the model reads it."""

    labels: tuple[tuple[str, str], ...]
    """``(label, code id)`` per code, in codebook order."""
    text: str

    @property
    def ids_by_label(self) -> dict[str, str]:
        """Code id per label, and per label in lower case (models sometimes change the case)."""
        found: dict[str, str] = {}
        for label, code_id in self.labels:
            found.setdefault(label.casefold(), code_id)
        for label, code_id in self.labels:
            found[label] = code_id
        return found

    @property
    def digest(self) -> str:
        """A hash of the codebook as the model reads it."""
        return sha256(self.text)


def codable_codes(project: Project) -> list[Code]:
    """The codes a model may apply: the codable ones, in the project's order."""
    return [code for code in project.codes if code.codable]


def build_codebook(project: Project, codes: Sequence[Code]) -> Codebook:
    """The codebook text of ``codes``: name, definition, criteria and examples of each."""
    names = [code.name for code in codes]
    repeated = {name for name in names if names.count(name) > 1}
    labels: list[tuple[str, str]] = []
    blocks: list[str] = []
    for code in codes:
        label = code.name
        if label in repeated:
            label = " / ".join(project.code_path(code.id))
        labels.append((label, code.id))
        lines = [f"## {label}"]
        if code.definition.strip():
            lines.append(f"Definition: {code.definition.strip()}")
        if code.inclusion.strip():
            lines.append(f"Include: {code.inclusion.strip()}")
        if code.exclusion.strip():
            lines.append(f"Exclude: {code.exclusion.strip()}")
        lines.extend(f"Example: {example.strip()}" for example in code.examples if example.strip())
        blocks.append("\n".join(lines))
    return Codebook(tuple(labels), "\n\n".join(blocks))


def system_prompt(codebook: Codebook, *, with_schema: bool) -> str:
    """The system prompt: instructions and the codebook (and the JSON form, without a schema)."""
    text = SYSTEM_TEMPLATE.format(codebook=codebook.text)
    return text if with_schema else text + JSON_INSTRUCTION


def unit_prompt(unit: str) -> str:
    """The prompt for one unit of text."""
    return PROMPT_TEMPLATE.format(unit=unit)


def template_digest() -> str:
    """A hash of the prompt templates and the schema (changes when the instructions change)."""
    return sha256(
        "\x1f".join(
            (
                TEMPLATE_VERSION,
                SYSTEM_TEMPLATE,
                PROMPT_TEMPLATE,
                JSON_INSTRUCTION,
                json.dumps(ANSWER_SCHEMA, sort_keys=True),
            )
        )
    )


def sha256(text: str) -> str:
    """The SHA-256 of ``text`` (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
