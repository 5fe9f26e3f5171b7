"""Building a project from the records a :class:`~.reader.QdeReader` collected.

Order follows the references: coders, variables, codes, cases, documents and codings here, then
memos, links, themes and sets (in :mod:`.relations`). qualcode's own data (see :mod:`.extras`)
is merged into each entity as it is made. Anything that would break a rule of the model is
skipped and counted in the report.
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

import attrs

from qualcode.errors import IntegrityError
from qualcode.formats import json_values
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.builder_base import REGION_NOTE_LOSS
from qualcode.formats.refiqda.positions import (
    Convention,
    SourceText,
    SpanReader,
    choose_convention,
    convention_for_origin,
    edge_warnings,
    is_qualcode_origin,
    to_canonical,
)
from qualcode.formats.refiqda.positions import RawSelection as PositionSample
from qualcode.formats.refiqda.relations import RelationsBuilder
from qualcode.formats.refiqda.selection_block import SelectionBlock
from qualcode.formats.refiqda.sources import RawSelection, RawSource
from qualcode.integrity import fitted_structure
from qualcode.losses import LossReport
from qualcode.model import (
    MANUAL,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    DocumentKind,
    MediaRange,
    Memo,
    SourceFile,
    SyncPoint,
    Value,
    VariableType,
)
from qualcode.project import Project

VERIFY_SAMPLE = 5000
"""At most about this many selections, spread over the file, are used to check positions."""


def _stored_file(info: dict[str, Any], found: SourceFile | None) -> SourceFile:
    """The original file as qualcode's note describes it, with the bytes the archive held."""
    data = found.data if found is not None else None
    if data is None and info.get("data") is not None:
        try:
            data = json_values.decode_value(info["data"], bytes)
        except (KeyError, TypeError, ValueError, AttributeError):
            data = None
        if not isinstance(data, bytes):
            data = None
    path = info.get("path")
    return SourceFile(
        name=str(info.get("name", found.name if found else "")),
        data=data,
        path=str(path) if path is not None else None,
        media_type=str(info.get("media_type", "")),
    )


class ProjectBuilder(RelationsBuilder):
    """Second pass of reading: records to a sound project."""

    # -- the build -------------------------------------------------------------------------

    def build(self) -> Project:
        project = self.project
        if self.extras is not None:
            project.origin = str(self.extras.project.get("origin", ""))
            for name in ("created_by", "modified_by", "name", "description"):
                if name in self.extras.project:
                    setattr(project, name, str(self.extras.project[name]))
        for coder in self.r.coders:
            self.add(self.merged(coder), "user")
        self._variables()
        self._codes()
        self._cases()
        self._documents()
        self._case_selections()
        self._memos_and_links()
        return project

    def _variables(self) -> None:
        used_by_cases = {v[0] for case in self.r.cases for v in case.values}
        if self.extras is not None:
            self.reserved = {
                guid: role
                for role, guid in self.extras.variables.items()
                if role in ("kind", "time_point")
            }
        else:
            for variable in self.r.variables:
                if variable.id in used_by_cases:
                    continue
                if variable.name == extras.KIND_VARIABLE and variable.type is VariableType.TEXT:
                    self.reserved[variable.id] = "kind"
                if (
                    variable.name == extras.TIME_POINT_VARIABLE
                    and variable.type is VariableType.INTEGER
                ):
                    self.reserved[variable.id] = "time_point"
        for variable in self.r.variables:
            if variable.id in self.reserved:
                continue
            if self.add(self.merged(variable), "variable"):
                self.variable_types[variable.id] = variable.type

    def _in_stored_order(self, kind: str, items: list[Any], key: Any) -> list[Any]:
        """``items`` in the order qualcode's note gives for ``kind`` (unknown ones last)."""
        order = self.extras.order.get(kind) if self.extras is not None else None
        if not order:
            return items
        rank = {entity_id: index for index, entity_id in enumerate(order)}
        return sorted(items, key=lambda item: rank.get(key(item), len(rank)))

    def _codes(self) -> None:
        """Codes in the project's order: first without parents, then placed in the tree."""
        records = self._in_stored_order("codes", self.r.codes, lambda r: r[0].id)
        placed: list[Code] = []
        for code, description in records:
            stored = self.stored.get(code.id, {})
            exclude: tuple[str, ...] = ()
            if stored.get("_description", description) != description:
                exclude = ("definition", "inclusion", "exclusion", "examples", "origin", "status")
            code = self.merged(code, exclude=exclude)
            if self.add(attrs.evolve(code, parent_id=None), "code") and code.parent_id:
                placed.append(code)
        for code in placed:
            self._replace(code, "code parent")

    def _cases(self) -> None:
        for raw in self.r.cases:
            attributes = {}
            for variable_id, element, text in raw.values:
                value = self.value(variable_id, element, text, f"case {raw.name}")
                if value is not None and variable_id in attributes:
                    self.report.add("second values of one variable (the first kept)", raw.name)
                elif value is not None:
                    attributes[variable_id] = value
            code_ids = [c for c in raw.code_refs if c in self.project.codes]
            if len(code_ids) < len(raw.code_refs):
                self.report.add("case references to codes that do not exist", raw.name)
            case = Case(raw.guid, raw.name, raw.description, attributes, code_ids)
            self.add(self.merged(case), "case")

    # -- documents and codings -------------------------------------------------------------

    def _referenced(self) -> set[str]:
        """GUIDs that links, sets and cases refer to (known before any selection is built)."""
        found: set[str] = set()
        for link, _notes in self.r.links:
            found.update((link.origin_id, link.target_id))
        for _guid, _name, _description, members in self.r.sets:
            found.update(members)
        for case in self.r.cases:
            found.update(case.selection_refs)
        return found

    def _documents(self) -> None:
        self.referenced = self._referenced()
        raw_sources = self.r.raw_sources
        expected = convention_for_origin(self.r.file_origin)
        samples = position_samples(raw_sources)
        texts = {
            s.guid: SourceText(s.text, s.origin, s.crlf_ends)
            for s in raw_sources
            if not s.text_lost
        }
        if is_qualcode_origin(self.r.file_origin):
            convention = expected  # our own files say exactly how they count
        else:
            convention = choose_convention(
                expected, samples, texts, self.report, self.r.file_origin
            )
            for source in raw_sources:
                _swap_reversed_ranges(source, self.report)
        case_of: dict[str, str] = {}
        for raw in self.r.cases:
            if raw.guid not in self.project.cases:
                continue
            for document_id in raw.source_refs:
                if document_id in case_of:
                    self.report.add("sources in more than one case (first case kept)", raw.name)
                else:
                    case_of[document_id] = raw.guid
        codings: list[Coding] = []
        for source in raw_sources:
            document = self._document(source, case_of.get(source.guid), convention)
            if document is None:
                self._report_skipped(source)
                continue
            offsets = convention.offset_map(source.text, source.origin, source.crlf_ends)
            spans = SpanReader(offsets, source.text)
            if source.block is not None:
                self._block(document, source.block, spans, codings)
            for selection in source.selections:
                start, end = self._span(source, selection, spans)
                codings.extend(self._selection(document, selection, start, end))
            self._report_cut(source, spans.clamped)
            for warning in edge_warnings(source.name, spans):
                self.report.warn(warning)
        self._add_codings(codings)

    def _report_skipped(self, source: RawSource) -> None:
        """Count what a source that could not be added (its GUID used twice, say) took with it."""
        codings = len(source.block) if source.block is not None else 0
        codings += sum(len(selection.codings) for selection in source.selections)
        if codings:
            self.report.add("codings of sources that were skipped", source.name, codings)
        notes = sum(1 for selection in source.selections if selection.description.strip())
        if notes:
            self.report.add("selection notes of sources that were skipped", source.name, notes)

    def _report_cut(self, source: RawSource, clamped: int) -> None:
        """Report selections whose positions did not fit the text, saying why.

        Where the text could not be read at all, every position is lost, not "outside": the
        model keeps a coding's span inside its document's text, so on an empty text the
        codings stay at 0..0 and the report says the positions are lost and why.
        """
        if not clamped:
            return
        if source.text_lost:
            self.report.add(
                f"positions of selections ({source.text_lost}; kept at 0..0)", source.name, clamped
            )
        else:
            self.report.warn(
                f"{clamped} selection(s) of {source.name!r} lay outside its text and were cut"
            )

    def _document(
        self, source: RawSource, case_id: str | None, convention: Convention
    ) -> Document | None:
        """The document of ``source``; sync points are converted with ``convention``, the one
        its selections are read with."""
        attributes: dict[str, Value] = {}
        kind = DocumentKind.OTHER
        time_point: int | None = None
        for variable_id, element, text in source.values:
            role = self.reserved.get(variable_id)
            if role == "kind":
                if text.strip() in {k.value for k in DocumentKind}:
                    kind = DocumentKind(text.strip())
                continue
            if role == "time_point":
                try:
                    time_point = int(text.strip())
                except ValueError:
                    self.report.add("time points that are not whole numbers", source.name)
                continue
            value = self.value(variable_id, element, text, source.name)
            if value is not None and variable_id in attributes:
                self.report.add("second values of one variable (the first kept)", source.name)
            elif value is not None:
                attributes[variable_id] = value
        stored = self.stored.get(source.guid)
        document = Document(
            id=source.guid,
            name=source.name,
            text=source.text,
            kind=kind,
            source=source.kind,
            case_id=case_id,
            time_point=time_point,
            description=source.description,
            attributes=attributes,
            source_file=source.source_file,
            text_origin=source.origin if self.extras is None else None,
            sync_points=(),
            created_by=source.created_by,
            created_at=source.created_at,
            modified_by=source.modified_by,
            modified_at=source.modified_at,
        )
        if stored and isinstance(stored.get("source_file"), dict):
            document = attrs.evolve(
                document, source_file=_stored_file(stored["source_file"], document.source_file)
            )
        if self.extras is not None:
            document = attrs.evolve(document, kind=DocumentKind.OTHER, time_point=None)
        document = self.merged(document, exclude=("source_file",))
        offsets = None
        points = []
        moved = 0
        for time_ms, position in source.sync_points.values():
            if time_ms is None or position is None:
                continue
            if offsets is None:
                offsets = convention.offset_map(source.text, source.origin, source.crlf_ends)
            start, _end, cut = to_canonical(offsets, position, position, len(source.text))
            moved += cut
            points.append(SyncPoint(start, time_ms))
        if points:
            document = attrs.evolve(document, sync_points=points)
        if moved:
            why = source.text_lost or "they lay outside its text"
            self.report.add(
                f"positions of sync points ({why}; moved into the text)", source.name, moved
            )
        document, dropped = fitted_structure(document)
        if dropped:  # qualcode's note kept them for a text another program has changed since
            self.report.add(
                "paragraphs, speaker turns and sync points that no longer fit the text (left out)",
                source.name,
                dropped,
            )
        return document if self.add(document, "source") else None

    def _span(
        self, source: RawSource, selection: RawSelection, spans: SpanReader
    ) -> tuple[int, int]:
        if selection.region is not None and not selection.spans_text:
            return 0, 0
        start, end = selection.start, selection.end
        if selection.from_sync is not None or selection.to_sync is not None:
            first = source.sync_points.get(selection.from_sync or "", (None, None))[1]
            last = source.sync_points.get(selection.to_sync or "", (None, None))[1]
            if first is None or last is None:
                self.report.add("transcript selections without positioned sync points", source.name)
                return 0, 0
            start, end = first, last
        return spans.span(start, end)

    def _block(
        self, document: Document, block: SelectionBlock, spans: SpanReader, codings: list[Coding]
    ) -> None:
        """Codings of a block of simple selections (see :mod:`.selection_block`); ``spans``
        counts what their positions needed changed."""
        coders = self.project.coders
        for coder_id in dict.fromkeys(block.coder_ids):
            if coder_id is not None and coder_id not in coders:
                self.add(Coder(coder_id, f"user {coder_id[:8]}"), "user")
                self.report.warn(f"coder {coder_id} is not among the users; added as a user")
        length = len(document.text)
        starts, ends = block.starts, block.ends
        offsets = spans.offsets
        if not (
            offsets.external_length == offsets.length  # positions are code points already
            and min(starts) >= 0
            and max(ends) <= length
            and all(map(operator.le, starts, ends))
        ):
            starts, ends = [], []
            span = spans.span
            for start, end in zip(block.starts, block.ends, strict=True):
                first, last = span(start, end)
                starts.append(first)
                ends.append(last)
        columns = [
            block.coding_ids,
            itertools.repeat(document.id),
            block.code_ids,
            starts,
            ends,
            block.coder_ids,
            block.created,
        ]
        more = (block.selected_by, block.selected_at, block.modified_by, block.modified_at)
        if any(values is not None for values in more):
            columns += [  # by position, in the order of Coding's fields
                itertools.repeat(MANUAL),
                itertools.repeat(None),
                *(itertools.repeat(None) if values is None else values for values in more),
            ]
        made = list(map(Coding, *columns))
        stored = self.stored
        if stored:
            made = [self.merged(c) if c.id in stored else c for c in made]
        codings.extend(made)
        self.pending_blocks.append((document.id, block, starts, ends))

    def _selection(
        self, document: Document, selection: RawSelection, start: int, end: int
    ) -> list[Coding]:
        made: list[Coding] = []
        self.index_blocks()  # keep the selection tables in file order
        if selection.region is None or selection.spans_text:
            self.selection_spans[selection.guid] = (document.id, start, end)
        self.selection_documents[selection.guid] = document.id
        for raw in selection.codings:
            coder_id = raw.coder_id or selection.coder_id
            outer_user, outer_time = selection.coder_id, selection.created
            if coder_id is not None and coder_id not in self.project.coders:
                self.add(Coder(coder_id, f"user {coder_id[:8]}"), "user")
                self.report.warn(f"coder {coder_id} is not among the users; added as a user")
            coding = Coding(
                id=raw.guid,
                document_id=document.id,
                code_id=raw.code_id,
                start=start,
                end=end,
                coder_id=coder_id,
                created=raw.created or selection.created,
                provenance=MANUAL,
                region=selection.region,
                selected_by=outer_user
                if raw.coder_id and outer_user not in (None, "", raw.coder_id)
                else None,
                selected_at=outer_time
                if raw.created and outer_time not in (None, raw.created)
                else None,
                modified_by=selection.modified_by,
                modified_at=selection.modified_at,
            )
            made.append(self.merged(coding))
            for note in raw.note_refs:
                self.attachments[note].append(raw.guid)
        coding_ids = [c.id for c in made]
        self.selection_codings[selection.guid] = coding_ids
        for note in selection.note_refs:
            if coding_ids:
                self.attachments[note].extend(coding_ids)
            elif selection.region is None or selection.spans_text:
                self._anchor(note, document.id, start, end)
            else:
                self.attachments[note].append(document.id)
                self.report.add(REGION_NOTE_LOSS, document.name)
        if selection.description.strip():
            spans = selection.region is None or selection.spans_text
            memo_span = (start, end) if spans else (None, None)
            self.selection_memos.append(
                Memo(
                    id=selection.guid,
                    name=selection.name or "Selection note",
                    text=selection.description,
                    target_ids=(document.id, *coding_ids),
                    start=memo_span[0],
                    end=memo_span[1],
                    modified_by=selection.modified_by,
                    modified_at=selection.modified_at,
                )
            )
        elif not (coding_ids or selection.note_refs or selection.guid in self.referenced):
            self.report.add("selections without codes or notes", document.name)
        return made

    def _add_codings(self, codings: list[Coding]) -> None:
        project = self.project
        ids = list(map(operator.attrgetter("id"), codings))
        known = set(project.codes.ids())
        if len(set(ids)) == len(ids) and known.issuperset(
            map(operator.attrgetter("code_id"), codings)
        ):
            self._add_good_codings(codings)
            return
        good: list[Coding] = []
        seen: set[str] = set()
        for coding in codings:
            if coding.code_id not in project.codes:
                self.report.add("codings of codes that do not exist", self.r.label)
                continue
            if coding.id in seen:
                self.skip("coding", f"id {coding.id} is used twice")
                continue
            seen.add(coding.id)
            good.append(coding)
        self._add_good_codings(good)

    def _add_good_codings(self, good: list[Coding]) -> None:
        project = self.project
        good = self._in_stored_order("codings", good, lambda c: c.id)
        try:
            project.add_codings(good)
        except IntegrityError:  # an id shared with another kind of entity: go one by one
            for coding in good:
                if coding.id not in project.codings:
                    self.add(coding, "coding")

    def _case_selections(self) -> None:
        for raw in self.r.cases:
            if not raw.selection_refs or raw.guid not in self.project.cases:
                continue
            coding_ids: list[str] = []
            for ref in raw.selection_refs:
                found = self.codings_of_selection(ref)
                if not found:
                    self.report.add("case references to selections without codings", raw.name)
                coding_ids.extend(found or ())
            case = self.project.cases[raw.guid]
            self.project.add_case(attrs.evolve(case, coding_ids=coding_ids), replace=True)


def _swap_reversed_ranges(source: RawSource, report: LossReport) -> None:
    """Swap the audio and video ranges of ``source`` that begin after they end, with a warning.

    Only in other programs' files: a time range is kept as written in qualcode's own.
    """
    count = 0
    for selection in source.selections:
        region = selection.region
        if isinstance(region, MediaRange) and region.begin_ms > region.end_ms:
            selection.region = MediaRange(region.end_ms, region.begin_ms)
            count += 1
    if count == 1:
        report.warn(f"1 time range of {source.name!r} had its begin after its end; swapped")
    elif count:
        report.warn(
            f"{count} time ranges of {source.name!r} had their begin after their end; swapped"
        )


def position_samples(raw_sources: list[RawSource]) -> list[PositionSample]:
    """At most about :data:`VERIFY_SAMPLE` text selections, spread evenly over the file."""
    total = 0
    for source in raw_sources:
        total += len(source.block) if source.block is not None else 0
        total += len(source.selections)
    step = max(1, total // VERIFY_SAMPLE)
    samples: list[PositionSample] = []
    index = 0  # the running number of text selections in file order
    for source in raw_sources:
        block = source.block
        if block is not None:
            first = -index % step
            for k in range(first, len(block), step):
                samples.append(
                    PositionSample(source.guid, block.starts[k], block.ends[k], block.names[k])
                )
            index += len(block)
        for s in source.selections:
            if (s.region is None or s.spans_text) and s.from_sync is None and s.to_sync is None:
                if index % step == 0:
                    samples.append(PositionSample(source.guid, s.start, s.end, s.name))
                index += 1
    return samples
