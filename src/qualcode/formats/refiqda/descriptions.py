"""Human-readable Description texts for qualcode fields that REFI-QDA has no place for.

A code's codebook fields and a theme's details are written into the ``Description`` other tools
show, one labelled line per field after the definition::

    Talk about money worries.

    Inclusion: any mention of debt
    Exclusion: general economy
    Example: "we could not pay the rent"
    Origin: deductive

The parser is lenient: text before the first label is the definition, a line that does not start
with a label continues the field above it, and a description without labels is all definition.
"""

from __future__ import annotations

import re

import attrs

from qualcode.model import CodeOrigin, CodeStatus, ThemeStatus

_CODE_LABELS = ("Inclusion", "Exclusion", "Example", "Origin", "Status")
_THEME_LABELS = ("Theme", "Definition", "Narrative")
_LABEL = re.compile(r"^(Inclusion|Exclusion|Example|Origin|Status|Theme|Definition|Narrative): ?")


@attrs.frozen
class CodeFields:
    """The codebook fields of a code, as a description carries them."""

    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    origin: CodeOrigin | None = None
    status: CodeStatus = CodeStatus.ACTIVE


@attrs.frozen
class ThemeFields:
    """The details of a theme, as a set's description carries them."""

    status: ThemeStatus = ThemeStatus.CANDIDATE
    definition: str = ""
    narrative: str = ""


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}"


def render_code(fields: CodeFields) -> str:
    """The description text for a code's fields ("" when there are none)."""
    lines: list[str] = []
    if fields.inclusion:
        lines.append(_labelled("Inclusion", fields.inclusion))
    if fields.exclusion:
        lines.append(_labelled("Exclusion", fields.exclusion))
    lines.extend(_labelled("Example", example) for example in fields.examples)
    if fields.origin is not None:
        lines.append(_labelled("Origin", fields.origin.value))
    if fields.status is not CodeStatus.ACTIVE:
        lines.append(_labelled("Status", fields.status.value))
    block = "\n".join(lines)
    if fields.definition and block:
        return f"{fields.definition}\n\n{block}"
    return fields.definition or block


def _split(text: str, labels: tuple[str, ...]) -> tuple[str, list[tuple[str, str]]]:
    head: list[str] = []
    fields: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        match = _LABEL.match(line)
        if match is not None and match.group(1) in labels:
            fields.append((match.group(1), [line[match.end() :]]))
        elif fields:
            fields[-1][1].append(line)
        else:
            head.append(line)
    definition = "\n".join(head)
    if fields and definition.endswith("\n"):
        definition = definition[:-1]
    return definition, [(label, "\n".join(value)) for label, value in fields]


def parse_code(text: str) -> CodeFields:
    """Codebook fields from a description (all definition when it has no labels)."""
    definition, found = _split(text, _CODE_LABELS)
    values: dict[str, str] = {}
    examples: list[str] = []
    origin: CodeOrigin | None = None
    status = CodeStatus.ACTIVE
    for label, value in found:
        if label == "Example":
            examples.append(value)
        elif label == "Origin" and value.strip().lower() in {o.value for o in CodeOrigin}:
            origin = CodeOrigin(value.strip().lower())
        elif label == "Status" and value.strip().lower() in {s.value for s in CodeStatus}:
            status = CodeStatus(value.strip().lower())
        elif label in ("Inclusion", "Exclusion"):
            values[label] = value
        else:
            definition = f"{definition}\n{label}: {value}" if definition else f"{label}: {value}"
    return CodeFields(
        definition=definition,
        inclusion=values.get("Inclusion", ""),
        exclusion=values.get("Exclusion", ""),
        examples=tuple(examples),
        origin=origin,
        status=status,
    )


THEME_MARK = "Theme"


def render_theme(fields: ThemeFields) -> str:
    """The description of a set standing for a theme; its first line marks it as one."""
    lines = [_labelled(THEME_MARK, fields.status.value)]
    if fields.definition:
        lines.append(_labelled("Definition", fields.definition))
    if fields.narrative:
        lines.append(_labelled("Narrative", fields.narrative))
    return "\n".join(lines)


def parse_theme(text: str) -> ThemeFields | None:
    """Theme details from a set's description, or None if it does not describe a theme."""
    definition_head, found = _split(text, _THEME_LABELS)
    if definition_head or not found or found[0][0] != THEME_MARK:
        return None
    status_text = found[0][1].strip().lower()
    if status_text not in {s.value for s in ThemeStatus}:
        return None
    values = dict(found[1:])
    return ThemeFields(
        status=ThemeStatus(status_text),
        definition=values.get("Definition", ""),
        narrative=values.get("Narrative", ""),
    )
