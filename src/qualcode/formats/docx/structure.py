"""Document structure from a .docx: paragraph styles, heading levels, tables and speaker turns.

Style names come from ``styles.xml`` (the name a user sees in Word, e.g. ``heading 1``), and a
paragraph without a style gets the default paragraph style's name. The heading level of a paragraph
is, in this order: its own outline level, its style's outline level (following ``basedOn``), or the
number in a style named ``heading N``; body text is level 0. The paragraph and character styles
that hide text (``w:vanish`` in their run properties) are read too, for
:class:`qualcode.formats.docx.text.HiddenStyles`.

Speaker turns are found in the canonical text with :func:`qualcode.text.speaker_turns`, using the
built-in label patterns (``Name:``, ``NAME:``, ``[Name]``, ``Name (00:01:02):``, and the heading
lines of Teams, Otter.ai and Zoom transcripts: ``Name   0:03``, ``[Name] 11:02:09``) or the
user's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs
from lxml import etree

from qualcode.formats.docx.package import W
from qualcode.formats.docx.text import HiddenStyles, RawParagraph, on_off
from qualcode.model import Paragraph, SpeakerTurn
from qualcode.text import speaker_turns

_STYLE, _NAME, _BASED_ON = f"{{{W}}}style", f"{{{W}}}name", f"{{{W}}}basedOn"
_PPR, _OUTLINE = f"{{{W}}}pPr", f"{{{W}}}outlineLvl"
_RPR, _VANISH = f"{{{W}}}rPr", f"{{{W}}}vanish"
_VAL, _TYPE, _STYLE_ID, _DEFAULT = (
    f"{{{W}}}val",
    f"{{{W}}}type",
    f"{{{W}}}styleId",
    f"{{{W}}}default",
)
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_VISIBLE = re.compile(r"\S")
_BODY_LEVEL = 9  # outline level 9 means body text in Word


@attrs.define
class _Style:
    name: str
    based_on: str | None
    outline: int | None


@attrs.define
class StyleSheet:
    """Paragraph styles by id: their names and heading levels."""

    styles: dict[str, _Style] = attrs.field(factory=dict)
    default_id: str = ""
    hidden: HiddenStyles = attrs.field(factory=HiddenStyles)
    """The paragraph and character styles that hide text."""

    def name(self, style_id: str) -> str:
        """The style's display name (its id when the style is not defined)."""
        style = self.styles.get(style_id or self.default_id)
        if style is None:
            return style_id
        return style.name or style_id

    def heading_level(self, style_id: str) -> int:
        """The heading level a style gives (1 for ``heading 1``...), 0 for body text."""
        seen: set[str] = set()
        current: str | None = style_id or self.default_id
        while current and current not in seen:
            seen.add(current)
            style = self.styles.get(current)
            if style is None:
                return 0
            if style.outline is not None:
                return _level(style.outline)
            match = _HEADING_NAME.match(style.name)
            if match:
                return int(match.group(1))
            current = style.based_on
        return 0


def read_styles(root: etree._Element | None) -> StyleSheet:
    """The paragraph styles of a ``styles.xml`` root (an empty sheet for None)."""
    sheet = StyleSheet()
    if root is None:
        return sheet
    # style type -> style id -> (based on, whether it sets w:vanish on)
    toggles: dict[str, dict[str, tuple[str | None, bool]]] = {"paragraph": {}, "character": {}}
    for element in root.iterchildren(_STYLE):
        style_type = element.get(_TYPE, "paragraph")
        if style_type not in toggles:
            continue
        style_id = element.get(_STYLE_ID, "")
        based_on = element.find(_BASED_ON)
        run_properties = element.find(_RPR)
        vanish = run_properties.find(_VANISH) if run_properties is not None else None
        toggles[style_type][style_id] = (
            based_on.get(_VAL) if based_on is not None else None,
            vanish is not None and on_off(vanish),
        )
        if style_type != "paragraph":
            continue
        name = element.find(_NAME)
        properties = element.find(_PPR)
        outline: int | None = None
        if properties is not None:
            level = properties.find(_OUTLINE)
            if level is not None and level.get(_VAL, "").isdigit():
                outline = int(level.get(_VAL, ""))
        sheet.styles[style_id] = _Style(
            name=name.get(_VAL, "") if name is not None else "",
            based_on=based_on.get(_VAL) if based_on is not None else None,
            outline=outline,
        )
        if element.get(_DEFAULT) in ("1", "true", "on") and not sheet.default_id:
            sheet.default_id = style_id
    hidden_paragraph = _toggled(toggles["paragraph"])
    if sheet.default_id in hidden_paragraph:
        hidden_paragraph.add("")
    sheet.hidden = HiddenStyles(
        paragraph=frozenset(hidden_paragraph), character=frozenset(_toggled(toggles["character"]))
    )
    return sheet


def _toggled(styles: dict[str, tuple[str | None, bool]]) -> set[str]:
    """The styles whose chain (the style and those it is based on) turns a toggle on an odd
    number of times, i.e. leaves it on."""
    found: set[str] = set()
    if not any(on for _based_on, on in styles.values()):
        return found
    for style_id in styles:
        seen: set[str] = set()
        state = False
        current: str | None = style_id
        while current is not None and current in styles and current not in seen:
            seen.add(current)
            current, on = styles[current]
            state ^= on
        if state:
            found.add(style_id)
    return found


def paragraphs(raw: Iterable[RawParagraph], styles: StyleSheet, text: str) -> list[Paragraph]:
    """One :class:`~qualcode.model.Paragraph` per non-blank line, with style and heading level."""
    found: list[Paragraph] = []
    names: dict[str, str] = {}
    levels: dict[str, int] = {}
    for item in raw:
        if item.end <= item.start or _VISIBLE.search(text, item.start, item.end) is None:
            continue
        if item.in_table:
            level = 0
        elif item.outline_level is not None:
            level = _level(item.outline_level)
        else:
            level = levels.get(item.style_id, -1)
            if level < 0:
                level = levels[item.style_id] = styles.heading_level(item.style_id)
        name = names.get(item.style_id)
        if name is None:
            known = item.style_id or styles.default_id
            name = names[item.style_id] = styles.name(item.style_id) if known else ""
        found.append(
            Paragraph(
                start=item.start,
                end=item.end,
                style=name,
                heading_level=level,
                in_table=item.in_table,
            )
        )
    return found


def turns(text: str, patterns: Sequence[str] | None = None) -> list[SpeakerTurn]:
    """Speaker turns of the canonical text (built-in label patterns unless ``patterns``)."""
    return [
        SpeakerTurn(start=span.start, end=span.end, speaker=speaker)
        for speaker, _label, span in speaker_turns(text, patterns)
    ]


def _level(outline: int) -> int:
    return 0 if outline >= _BODY_LEVEL or outline < 0 else outline + 1
