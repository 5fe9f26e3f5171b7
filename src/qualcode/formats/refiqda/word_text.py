"""A text source's text from its Word file, where its plain text is missing or empty.

NVivo for Mac 15 writes each source's plain text as a single line end and keeps the text only in
the ``.docx`` its ``richTextPath`` names; its selections count UTF-16 code units in that text.
The text is read as qualcode's Word importer reads a ``.docx`` (one line per paragraph, a table
row's cells joined by tabs), so the selections can be placed in it like in any other text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.losses import LossReport
from qualcode.model import SourceFile, TextOrigin

if TYPE_CHECKING:
    from qualcode.formats.refiqda.sources import RawSource


def is_word_file(found: SourceFile | None) -> bool:
    """Whether ``found`` is a Word file (.docx) whose bytes the project holds."""
    return found is not None and found.data is not None and found.name.lower().endswith(".docx")


def text_from_word(source: RawSource, word: SourceFile, report: LossReport) -> bool:
    """Put the text of ``word`` into ``source`` (whose own plain text is missing, unreadable or
    empty, as ``source.text_lost`` or its blank text says); whether that worked.

    Success is a warning naming the Word file. Where the Word file cannot be read either, the
    report says why, and ``source.text_lost`` says so, so that the selections' positions are
    reported as lost.
    """
    from qualcode.formats.docx.importer import read_docx  # only for such sources

    plain = source.text_lost or "the plain text is empty"
    try:
        result = read_docx(Path(word.name), data=word.data)
        text = next(iter(result.project.documents)).text
    except QualcodeError as error:
        report.add(
            f"texts that could not be read ({plain}, and its Word file could not be read: "
            f"{error.message})",
            f"{source.name} ({word.name})",
        )
        if not source.text_lost:
            source.text_lost = f"{plain}, and its Word file could not be read"
        return False
    source.text, source.crlf_ends, source.text_lost = text, (), ""
    source.origin = TextOrigin(newline="\n")
    tables = (
        "; the cells of a table row are separated by tabs (NVivo's own plain text puts "
        "each on a line of its own, which counts the same)"
        if "\t" in text
        else ""
    )
    report.warn(
        f"the text of {source.name!r} was read from its Word file {word.name!r} ({plain}){tables}"
    )
    return True
