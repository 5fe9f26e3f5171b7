"""Write targets: what each program expects in a .qdpx it reads.

A target is written for how its program *reads*, which is not always how it writes (see
FACTS.md). ``spec`` follows the standard (code points, LF, no BOM). NVivo counts UTF-16 code
units in CRLF text with a BOM; ATLAS.ti writes CRLF but counts a line end once and refuses a
``richTextPath`` that is not a rich file (as does everyone, so we never write one for plain
text); MAXQDA counts code points of LF text. QualCoder writes its own .txt files with a BOM, but
its importer decodes them as plain UTF-8 and keeps a BOM as character 0, so a BOM would put every
quote one character early: its target writes none. Every target writes ``project.qde`` and a
lower-case ``sources/`` folder, because ATLAS.ti rejects ``Sources/``.
"""

from __future__ import annotations

import attrs

from qualcode.errors import OptionError
from qualcode.formats.refiqda.positions import (
    CODE_POINTS,
    CODE_POINTS_LINE_ONE,
    UTF16,
    Convention,
)
from qualcode.model import TextOrigin

RICH_EXTENSIONS = frozenset({".docx", ".doc", ".rtf", ".odt", ".pdf", ".htm", ".html"})
"""File types a ``richTextPath`` may point at: formatted originals, never plain text."""


@attrs.frozen
class Reading:
    """How a program reads the text files and positions of a .qdpx it imports."""

    convention: Convention
    """How it counts positions in the text it decoded."""
    bom_is_text: bool = False
    """It decodes a text file as plain UTF-8, so a BOM stays in the text as character 0 and
    counts as a position (QualCoder's importer); otherwise a BOM is not part of the text."""


@attrs.frozen
class Target:
    """The conventions of one program that reads .qdpx files.

    ``convention``, ``newline`` and ``bom`` say how qualcode writes for it; ``reads`` says how
    the program reads, and a target whose writing it would misread cannot be made.
    """

    name: str
    label: str
    convention: Convention
    newline: str = "\n"
    bom: bool = False
    folder: str = "sources"
    only_qualcode_reads: bool = True
    """Whether qualcode-only data (themes, provenance, ...) is lost to this reader."""
    reads: Reading | None = None
    """How the program reads (None: as qualcode writes for it)."""

    def __attrs_post_init__(self) -> None:
        if self.bom and self.reading.bom_is_text:
            raise ValueError(
                f"target {self.name!r}: {self.label} keeps a BOM as text, so a BOM would move"
                " every quote one character"
            )

    @property
    def reading(self) -> Reading:
        """How the program reads what is written for it."""
        return self.reads if self.reads is not None else Reading(self.convention)

    @property
    def text_origin(self) -> TextOrigin:
        """How this target's internal text files are encoded."""
        return TextOrigin(encoding="utf-8", had_bom=self.bom, newline=self.newline)

    def encode(self, text: str) -> bytes:
        """A canonical text as this target's internal .txt file."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data


TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target("spec", "the REFI-QDA standard", CODE_POINTS, only_qualcode_reads=False),
        Target("nvivo", "NVivo", UTF16, newline="\r\n", bom=True),
        Target("atlasti", "ATLAS.ti", CODE_POINTS_LINE_ONE, newline="\r\n"),
        Target("maxqda", "MAXQDA", CODE_POINTS_LINE_ONE),
        Target(
            "qualcoder",
            "QualCoder",
            CODE_POINTS_LINE_ONE,
            # Its importer (refi.py, load_text_source) keeps a BOM as character 0 and counts a
            # CRLF two unless the file comes from ATLAS.ti; the text written is LF, no BOM.
            reads=Reading(CODE_POINTS, bom_is_text=True),
        ),
    )
}

DEFAULT_TARGET = "spec"


def get_target(name: object) -> Target:
    """The target called ``name`` (None: the standard), or an :class:`OptionError`."""
    if name is None or name == "":
        return TARGETS[DEFAULT_TARGET]
    key = str(name).strip().lower().replace("-", "").replace(".", "").replace("_", "")
    target = TARGETS.get(key)
    if target is None:
        known = ", ".join(TARGETS)
        raise OptionError(f"unknown target {name!r}; use one of: {known}")
    return target


def is_rich_file(name: str) -> bool:
    """Whether a file name is a formatted original worth a ``richTextPath``."""
    lowered = name.lower()
    return any(lowered.endswith(ext) for ext in RICH_EXTENSIONS)
