"""Memos, links, themes and sets: the entities that may refer to one another in any direction."""

from __future__ import annotations

from typing import Any

import attrs

from qualcode.errors import IntegrityError, SpanError
from qualcode.formats.refiqda import descriptions
from qualcode.formats.refiqda.builder_base import REGION_NOTE_LOSS, BuilderBase
from qualcode.model import Link, Memo, Set, Theme


class RelationsBuilder(BuilderBase):
    """Adds memos, links, themes and sets once every other entity exists."""

    def _memos_and_links(self) -> None:
        """Memos, links, themes and sets, which may refer to one another in any direction.

        First each is added with the references that already resolve (links once both ends
        exist); then memos and sets get their full references and themes their parents.
        """
        project = self.project
        links = self._links()
        memos = [self._memo(record) for record in self.r.notes.values()]
        themes, groups = self._themes_and_sets()
        for theme, _parent in themes:
            self.add(theme, "theme")
        for memo in self.selection_memos:
            self.add(memo, "memo")
        added_memos = [m for m in memos if self._add_memo(self._resolved(m))]
        added_groups = [
            g
            for g in groups
            if self.add(attrs.evolve(g, member_ids=self._existing(g.member_ids)), "set")
        ]
        waiting = links
        while waiting:  # in file order; a link to a later link waits for another round
            still: list[Link] = []
            for link in waiting:
                if project.find(link.origin_id) is None or project.find(link.target_id) is None:
                    still.append(link)
                else:
                    self.add(link, "link")
            if len(still) == len(waiting):
                break
            waiting = still
        for link in waiting:
            self.report.add("links to things that do not exist", link.name or link.id)
        for memo in added_memos:
            full_memo = self._resolved(memo, report=True)
            if full_memo != project.memos[memo.id]:
                self._replace(full_memo, "memo reference")
        self._project_notes()
        for group in added_groups:
            members = self._existing(group.member_ids, group.name)
            full_group = attrs.evolve(group, member_ids=members)
            if full_group != project.sets[group.id]:
                self._replace(full_group, "set member")
        for theme, parent in themes:
            if parent is not None and theme.id in project.themes:
                self._replace(attrs.evolve(theme, parent_id=parent), "theme parent")

    def _project_notes(self) -> None:
        """Check the project's own NoteRefs against the memos made.

        A memo without targets is about the whole project, so a note referenced only by the
        project needs nothing more. The model cannot say that a memo is about the project and
        about something else too: such a note keeps its other targets and its reference from
        the project is reported. A reference to a note that does not exist is reported too.
        """
        memos = self.project.memos
        missing = 0
        for note in dict.fromkeys(self.r.project_notes):
            memo = memos.get(note)
            if note not in self.r.notes:
                missing += 1
            elif memo is not None and memo.target_ids:  # (one not added is reported already)
                self.report.add(
                    "references from the project to notes attached elsewhere too (the note "
                    "keeps its other targets)",
                    memo.name,
                )
        if missing:
            self.report.add("references to things that do not exist", "Project", missing)

    def _existing(self, ids: tuple[str, ...] | list[str], owner: str | None = None) -> list[str]:
        found = [i for i in ids if self.project.find(i) is not None]
        if owner is not None and len(found) < len(ids):
            self.report.add("references to things that do not exist", owner, len(ids) - len(found))
        return found

    def _resolved(self, memo: Memo, *, report: bool = False) -> Memo:
        targets = self._existing(memo.target_ids, memo.name if report else None)
        return attrs.evolve(memo, target_ids=targets)

    def _links(self) -> list[Link]:
        """Links that are links; a link from a note (NVivo's way) attaches the note instead."""
        real_links = set(self.extras.real_links) if self.extras else set()
        links: list[Link] = []
        for link, notes in self.r.links:
            if link.origin_id in self.r.notes and link.id not in real_links:
                self._attach_note(link.origin_id, link.target_id)
                continue
            link = self.merged(link)
            origin = self._selection_end(link.origin_id, link.name or link.id)
            target = self._selection_end(link.target_id, link.name or link.id)
            links.append(attrs.evolve(link, origin_id=origin, target_id=target))
            for note in notes:
                self.attachments[note].append(link.id)
        for note, code_id in self.r.code_notes:
            self.attachments[note].append(code_id)
        for source in self.r.raw_sources:
            for note in source.note_refs:
                self.attachments[note].append(source.guid)
        return links

    def _attach_note(self, note: str, target: str) -> None:
        """Attach a note to what a link from it points at.

        A selection is not an entity of the model: the note goes to the selection's codings;
        without codings, a text selection becomes the note's span in its document, and a box
        or time range (which a memo cannot hold) leaves the note on its document, reported.
        """
        found = self.codings_of_selection(target)
        span = self.span_of_selection(target)
        document = self.document_of_selection(target)
        if found:
            self.attachments[note].extend(found)
        elif span is not None:
            self._anchor(note, *span)
        elif document is not None:
            self.attachments[note].append(document)
            record = self.r.notes.get(note)
            self.report.add(REGION_NOTE_LOSS, record.name if record else note)
        else:
            self.attachments[note].append(target)

    def _selection_end(self, guid: str, owner: str) -> str:
        """A link end as an entity: a selection becomes its one coding, else its document.

        Links join entities; a selection with exactly one coding is that coding (nothing is
        lost). A selection with none or several has no one entity to stand for it, so the link
        goes to its document and the loss is reported.
        """
        if self.project.find(guid) is not None:
            return guid
        found = self.codings_of_selection(guid)
        if found and len(found) == 1:
            return found[0]
        document = self.document_of_selection(guid)
        if document is None:
            return guid
        self.report.add("link ends on selections (the link goes to the document)", owner)
        return document

    def _selection_members(self, members: list[str], owner: str) -> list[str]:
        """Set members as entities: a selection becomes its codings, or its document.

        A selection without codings is kept as its document, reported, rather than dropped.
        An entity that a selection stands for and that is a member already is not added twice.
        """
        result: list[str] = []
        seen = set(members)
        for member in members:
            if self.project.find(member) is not None:
                result.append(member)
                continue
            found = self.codings_of_selection(member)
            document = self.document_of_selection(member)
            if found:
                result.extend(f for f in found if f not in seen)
                seen.update(found)
            elif document is not None:
                if document not in seen:
                    result.append(document)
                    seen.add(document)
                self.report.add(
                    "set members that are selections without codings (the document is the member)",
                    owner,
                )
            else:
                result.append(member)
        return result

    def _memo(self, note: Any) -> Memo:
        targets: list[str] = []
        anchor = self.anchors.get(note.guid)
        if anchor is not None:
            targets.append(anchor[0])
        for target in self.attachments.get(note.guid, ()):
            if target not in targets:
                targets.append(target)
        memo = Memo(
            id=note.guid,
            name=note.name,
            text=note.text,
            target_ids=targets,
            start=anchor[1] if anchor else None,
            end=anchor[2] if anchor else None,
            created_by=note.created_by,
            created_at=note.created_at,
            modified_by=note.modified_by,
            modified_at=note.modified_at,
        )
        stored = self.stored.get(note.guid, {})
        if "target_ids" in stored and sorted(stored["target_ids"]) == sorted(targets):
            memo = attrs.evolve(memo, target_ids=stored["target_ids"])
        merged: Memo = self.merged(memo, exclude=("target_ids",))
        return merged

    def _add_memo(self, memo: Memo) -> bool:
        try:
            self.project.add_memo(memo)
        except SpanError:
            self.report.add("note anchors that do not fit the model (kept without the span)")
            return self.add(attrs.evolve(memo, start=None, end=None), "memo")
        except IntegrityError as error:
            self.skip("memo", str(error))
            return False
        return True

    def _themes_and_sets(self) -> tuple[list[tuple[Theme, str | None]], list[Set]]:
        project = self.project
        themes: list[tuple[Theme, str | None]] = []
        groups: list[Set] = []
        for guid, name, description, members in self.r.sets:
            stored = self.stored.get(guid, {})
            fields = descriptions.parse_theme(description)
            is_theme = bool(stored.get("_theme")) or (
                fields is not None and all(m in project.codes for m in members)
            )
            if is_theme:
                fields = fields or descriptions.ThemeFields()
                theme = Theme(
                    id=guid,
                    name=name,
                    code_ids=[m for m in members if m in project.codes],
                    definition=fields.definition,
                    narrative=fields.narrative,
                    status=fields.status,
                )
                if stored.get("_description", description) == description:
                    theme = self.merged(theme)
                else:
                    theme = self.merged(
                        theme, exclude=("definition", "narrative", "status", "code_ids")
                    )
                themes.append((attrs.evolve(theme, parent_id=None), theme.parent_id))
                continue
            group = self.merged(
                Set(
                    id=guid,
                    name=name,
                    member_ids=self._selection_members(members, name),
                    description=description,
                )
            )
            groups.append(group)
        return themes, groups
