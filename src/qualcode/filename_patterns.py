"""Filename patterns such as ``{case}_T{wave}*``: the case, time point and kind in a file's name.

A pattern matches a whole file name, with or without its extension. ``{case}`` is any text (as
little as the rest of the pattern allows), ``{wave}`` (or ``{time_point}``) a whole number,
``{kind}`` a document kind, and ``{any}`` or ``*`` any text, so a ``*`` at the end allows the rest
of a name: ``{case}_T{wave}*`` reads ``PN1_T1_entry1.txt`` as case PN1, wave 1. The rest of a
pattern must match literally, letters without regard to case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import attrs

from qualcode.errors import OptionError

PATTERN_FIELDS: Mapping[str, str] = {
    "case": r"(?P<case>.+?)",
    "wave": r"(?P<wave>\d+)",
    "time_point": r"(?P<wave>\d+)",
    "kind": r"(?P<kind>[A-Za-z_]+)",
    "any": r".*?",
}
"""The fields a filename pattern may use; ``*`` also matches anything."""


@attrs.frozen
class FilenamePattern:
    """A filename pattern such as ``{case}_T{wave}.docx``, compiled to a regular expression.

    ``{case}`` names the case, ``{wave}`` (or ``{time_point}``) is a whole number, ``{kind}`` a
    document kind, ``{any}`` and ``*`` match anything (a trailing ``*`` allows the rest of a
    name). The rest must match literally (letters without regard to case). A pattern without
    an extension is matched against the name without its extension too.
    """

    text: str
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, text: str) -> FilenamePattern:
        """The pattern ``text``, or an :class:`OptionError` saying what is wrong with it."""
        parts: list[str] = []
        seen: set[str] = set()
        for token in re.split(r"(\{[^{}]*\}|\*)", text):
            if token == "*":
                parts.append(".*?")
            elif token.startswith("{") and token.endswith("}"):
                field = token[1:-1].strip()
                if field not in PATTERN_FIELDS:
                    known = ", ".join("{" + name + "}" for name in PATTERN_FIELDS)
                    raise OptionError(
                        f"unknown field {token} in pattern {text!r}", hint=f"use {known} or *"
                    )
                group = "wave" if field == "time_point" else field
                if group in seen and group != "any":
                    raise OptionError(f"pattern {text!r} uses {token} twice")
                seen.add(group)
                parts.append(PATTERN_FIELDS[field])
            elif "{" in token or "}" in token:
                raise OptionError(f"unbalanced brace in pattern {text!r}")
            else:
                parts.append(re.escape(token))
        if not seen and "*" not in text:
            raise OptionError(
                f"pattern {text!r} has no field", hint="e.g. --pattern '{case}_T{wave}.docx'"
            )
        return cls(text, re.compile("".join(parts), re.IGNORECASE))

    def match(self, path: Path) -> dict[str, str] | None:
        """The fields of ``path``'s name, or None when it does not match.

        Names are read in Unicode NFC: macOS file systems hand out decomposed names (``E`` and a
        combining accent for ``É``), so the same participant would otherwise become two cases.
        """
        for name in (path.stem, path.name):
            found = self.regex.fullmatch(unicodedata.normalize("NFC", name))
            if found is not None:
                return {k: v for k, v in found.groupdict().items() if v is not None}
        return None

    def mismatch(self, path: Path) -> OptionError:
        """The error for a file whose name does not match, saying what pattern would."""
        suggestion = self.suggest(path)
        if suggestion is not None:
            hint = (
                f"the pattern matches only the start of the name; end it with * to allow the "
                f"rest: --pattern '{suggestion}'"
            )
        else:
            hint = (
                "the pattern must match the whole name (with or without its extension): "
                "{case} is any text, {wave} a whole number, * any text; "
                "rename the file, change --pattern, or pass --keep-going to skip it"
            )
        return OptionError(
            f"the file name does not match the pattern {self.text!r}", path=path, hint=hint
        )

    def suggest(self, path: Path) -> str | None:
        """A pattern that allows the rest of ``path``'s name, if adding one ``*`` is enough."""
        candidates = [self.text + "*"]
        stem, dot, extension = self.text.rpartition(".")
        if dot and stem and "{" not in extension and "*" not in extension:
            candidates.insert(0, f"{stem}*.{extension}")
        for candidate in candidates:
            try:
                wider = FilenamePattern.compile(candidate)
            except OptionError:
                continue
            if wider.match(path) is not None:
                return candidate
        return None
