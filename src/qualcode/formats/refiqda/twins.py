"""PDF quotations written twice: a box and its text, under one selection GUID.

ATLAS.ti 8.4 writes each PDF quotation once as a ``PDFSelection`` (page and box) in the
``PDFSource`` and once as a ``PlainTextSelection`` in the PDF's text ``Representation``, both
with the same selection GUID and the same coding. Read one by one, they would make two codings
of one code for one quotation. A coding of the model holds both a text span (``start``/``end``)
and a ``region``, so the two are one selection here: the box with the text's span.

qualcode writes such twins too, so that other tools see a PDF coding's text, but under a GUID
of their own (:mod:`.validation` reports one GUID on two elements as a duplicate). Its note
names each twin in the entry of the box's coding (:data:`.extras.TEXT_TWIN`), and the two are
merged here the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from qualcode.formats.refiqda.extras import TEXT_TWIN
from qualcode.formats.refiqda.sources import RawCoding, RawSelection
from qualcode.formats.refiqda.xml import guid_of
from qualcode.model import PdfRegion


def merge_pdf_twins(
    selections: list[RawSelection], stored: Mapping[str, Mapping[str, Any]] | None = None
) -> list[RawSelection]:
    """``selections`` with each text selection that shares its GUID with a PDF box merged
    into that box (in the box's place); nothing else changes, and nothing is lost.

    ``stored`` is qualcode's note by entity id: a text selection it names as the twin of a
    box's coding is merged into that box as if it shared the box's GUID.
    """
    boxes = {s.guid: i for i, s in enumerate(selections) if isinstance(s.region, PdfRegion)}
    if not boxes:
        return selections
    named = _named_twins(selections, boxes, stored) if stored else {}
    merged = list(selections)
    taken: set[int] = set()
    for index, twin in enumerate(selections):
        at = boxes.get(named.get(twin.guid, twin.guid))
        if at is None or twin.region is not None or twin.from_sync or twin.to_sync:
            continue
        if merged[at].spans_text:  # a second text twin stays a selection of its own
            continue
        merged[at] = _joined(merged[at], twin)
        taken.add(index)
    return [s for index, s in enumerate(merged) if index not in taken]


def _named_twins(
    selections: list[RawSelection], boxes: dict[str, int], stored: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """Text selection GUID -> the GUID of the box whose coding names it as its text twin."""
    named: dict[str, str] = {}
    for at in boxes.values():
        box = selections[at]
        for coding in box.codings:
            twin = stored.get(coding.guid, {}).get(TEXT_TWIN)
            if isinstance(twin, str) and guid_of(twin) not in boxes:
                named[guid_of(twin)] = box.guid
    return named


def _joined(box: RawSelection, text: RawSelection) -> RawSelection:
    """The box with the text selection's span; codings of one code become one coding."""
    codings = list(box.codings)
    by_code = {coding.code_id: index for index, coding in enumerate(codings)}
    for coding in text.codings:
        at = by_code.get(coding.code_id)
        if at is None:
            by_code[coding.code_id] = len(codings)
            codings.append(coding)
        else:
            codings[at] = _same_coding(codings[at], coding)
    return attrs.evolve(
        box,
        name=box.name or text.name,
        start=text.start,
        end=text.end,
        spans_text=True,
        codings=codings,
        note_refs=list(dict.fromkeys(box.note_refs + text.note_refs)),
        description=box.description if box.description.strip() else text.description,
        coder_id=box.coder_id or text.coder_id,
        created=box.created or text.created,
    )


def _same_coding(first: RawCoding, second: RawCoding) -> RawCoding:
    """One coding for two records of it: the first's GUID, either's user and time, both's notes."""
    return attrs.evolve(
        first,
        coder_id=first.coder_id or second.coder_id,
        created=first.created or second.created,
        note_refs=list(dict.fromkeys(first.note_refs + second.note_refs)),
    )
