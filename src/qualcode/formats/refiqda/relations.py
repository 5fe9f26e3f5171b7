"""Memos, links, themes and sets: the entities that may refer to one another in any direction."""

from __future__ import annotations

from typing import Any

import attrs

from qualcode.errors import IntegrityError, SpanError
from qualcode.formats.refiqda import descriptions
from qualcode.formats.refiqda.builder_base import BuilderBase
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
        for group in added_groups:
            members = self._existing(group.member_ids, group.name)
            full_group = attrs.evolve(group, member_ids=members)
            if full_group != project.sets[group.id]:
                self._replace(full_group, "set member")
        for theme, parent in themes:
            if parent is not None and theme.id in project.themes:
                self._replace(attrs.evolve(theme, parent_id=parent), "theme parent")

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
                target = link.target_id
                span = self.span_of_selection(target)
                found = self.codings_of_selection(target)
                if found:
                    self.attachments[link.origin_id].extend(found)
                elif span is not None:
                    self._anchor(link.origin_id, *span)
                else:
                    self.attachments[link.origin_id].append(target)
                continue
            links.append(self.merged(link))
            for note in notes:
                self.attachments[note].append(link.id)
        for note, code_id in self.r.code_notes:
            self.attachments[note].append(code_id)
        for source in self.r.raw_sources:
            for note in source.note_refs:
                self.attachments[note].append(source.guid)
        return links

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
                Set(id=guid, name=name, member_ids=members, description=description)
            )
            groups.append(group)
        return themes, groups
