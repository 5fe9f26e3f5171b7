"""Writing a project as REFI-QDA XML (a .qde, inside a .qdpx or alone), strictly.

The XML follows Project.xsd in every detail of order and type; positions, line ends and BOM follow
the chosen :class:`~qualcode.formats.refiqda.targets.Target`. One selection is written per
coding (NVivo's way; every reader accepts it), named with the start of its quote so a reader can
check positions. What the target cannot hold is listed in the returned
:class:`~qualcode.losses.LossReport`.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

from qualcode.errors import OptionError
from qualcode.formats.refiqda import descriptions, extras
from qualcode.formats.refiqda.source_writer import SourceWriter
from qualcode.formats.refiqda.writer_base import COLOR, VARIABLE_TYPES, check_code_depth, q
from qualcode.formats.refiqda.written_text import shift_structure
from qualcode.formats.refiqda.xml import PROJECT_NS, Element
from qualcode.model import Code, LinkDirection

_DIRECTIONS = {
    LinkDirection.ASSOCIATIVE: "Associative",
    LinkDirection.ONE_WAY: "OneWay",
    LinkDirection.BIDIRECTIONAL: "Bidirectional",
}


NOTE_OPTION_HELP = (
    "auto (default): write qualcode's note only when the file cannot otherwise carry what"
    " qualcode needs to read it back unchanged; no: never (what only the note keeps is"
    " reported lost)"
)
_NOTE_CHOICES = {"auto": True, "yes": True, "true": True, "no": False, "false": False}


def wants_note(value: object) -> bool:
    """The ``qualcode_note`` option as a flag (None: the default, ``auto``)."""
    if value is None or value is True:
        return True
    if value is False:
        return False
    choice = _NOTE_CHOICES.get(str(value).strip().lower())
    if choice is None:
        raise OptionError(f"qualcode_note must be auto or no, not {value!r}")
    return choice


class QdeWriter(SourceWriter):
    """Builds the XML of one project for one target.

    With ``container=True`` texts and original files go into internal files (collected in
    :attr:`files` for the .qdpx); otherwise texts are inline and original files are referred to
    by path only.
    """

    # -- the project -----------------------------------------------------------------------

    def build(self) -> bytes:
        """The .qde bytes (internal files collect in :attr:`files`)."""
        return b"".join(self.build_pieces())

    def build_pieces(self) -> list[bytes]:
        """The .qde bytes in pieces, as :meth:`build` joins them."""
        project = self.project
        self._plan_memos()
        origin = extras.written_origin(self.version, self.target.name, project.origin)
        if extras.is_unsafe(project.origin):
            origin = extras.written_origin(self.version, self.target.name, "")
        root = etree.Element(
            q("Project"),
            {
                k: v
                for k, v in {
                    "name": self.clean(project.name),
                    "origin": origin,
                    "creatingUserGUID": self._user(project.created_by),
                    "creationDateTime": self._time(project.created_at),
                    "modifyingUserGUID": self._user(project.modified_by),
                    "modifiedDateTime": self._time(project.modified_at),
                }.items()
                if v is not None
            },
            nsmap={None: PROJECT_NS},  # type: ignore[dict-item]
        )
        if len(project.coders):
            users = self.sub(root, "Users")
            for coder in project.coders:
                self.sub(users, "User", guid=coder.id, name=coder.name, id=coder.initials or None)
        self._codebook(root)
        self._variables(root)
        self._cases(root)
        self._sources(root)
        if self.relative_paths:
            # QualCoder's importer adds basePath to every relative path without checking that
            # there is one (refi.py, name_creating_user_create_date_source_path_helper) and
            # stops on None; qualcode does not know the base, so it is empty.
            root.set("basePath", "")
        self._notes(root)
        self._links(root)
        self.theme_descriptions()
        self._sets(root)
        if project.description:
            self.text_child(root, "Description", project.description)
        for memo_id in self._memo_refs.get("", ()):
            self.sub(root, "NoteRef", targetGUID=memo_id)
        self._finish_data_note()
        self._report_losses()
        data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        return self.spliced.pieces(data)

    def _plan_memos(self) -> None:
        """Where each memo is referenced from: a NoteRef where the schema has one, else a Link."""
        project = self.project
        noteref_ok = {c.id for c in project.codes} | {d.id for d in project.documents}
        noteref_ok |= {c.id for c in project.codings} | {link.id for link in project.links}
        for memo in project.memos:
            if not memo.target_ids:
                self._memo_refs[""].append(memo.id)
            for target in memo.target_ids:
                if memo.start is not None and target in project.documents:
                    self._anchors[target].append(memo)
                elif target in noteref_ok:
                    self._memo_refs[target].append(memo.id)
                else:
                    self._memo_links.append((memo.id, target))

    def _codebook(self, root: Element) -> None:
        project = self.project
        if not len(project.codes):
            return
        check_code_depth(project)
        children: dict[str | None, list[Code]] = defaultdict(list)
        for code in project.codes:
            children[code.parent_id].append(code)
        codes = self.sub(self.sub(root, "CodeBook"), "Codes")
        stack: list[tuple[Element, Code]] = [(codes, c) for c in reversed(children[None])]
        while stack:
            parent, code = stack.pop()
            element = self.code_element(parent, code)
            stack.extend((element, c) for c in reversed(children[code.id]))

    def code_element(
        self, parent: Element, code: Code, namespace: str = PROJECT_NS, with_notes: bool = True
    ) -> Element:
        """A ``Code`` element in ``namespace`` (the codebook writer shares this)."""
        self.written_order["codes"].append(code.id)
        color = code.color
        if color is not None and not COLOR.match(color):
            self.report.add("code colours that are not #RRGGBB", "codes")
            color = None
        element = etree.SubElement(
            parent,
            f"{{{namespace}}}Code",
            {
                k: v
                for k, v in {
                    "guid": code.id,
                    "name": self.clean(code.name),
                    "isCodable": "true" if code.codable else "false",
                    "color": color,
                }.items()
                if v is not None
            },
        )
        text = descriptions.render_code(
            descriptions.CodeFields(
                definition=code.definition,
                inclusion=code.inclusion,
                exclusion=code.exclusion,
                examples=code.examples,
                origin=code.origin,
                status=code.status,
            )
        )
        self._descriptions[code.id] = text
        if text:
            description = etree.SubElement(element, f"{{{namespace}}}Description")
            description.text = self.clean(text)
        if with_notes:
            self.note_refs(element, code.id)
        return element

    def _variables(self, root: Element) -> None:
        project = self.project
        documents = list(project.documents)
        needs_kind = any(d.kind.value != "other" for d in documents)
        needs_time = any(d.time_point is not None for d in documents)
        if not (len(project.variables) or needs_kind or needs_time):
            return
        variables = self.sub(root, "Variables")
        for variable in project.variables:
            element = self.sub(
                variables,
                "Variable",
                guid=variable.id,
                name=variable.name,
                typeOfVariable=VARIABLE_TYPES[variable.type],
            )
            self.description(element, variable.description)
        if needs_kind:
            self._kind_variable = extras.derived_id(self.project.name, "kind")
            self.sub(
                variables,
                "Variable",
                guid=self._kind_variable,
                name=extras.KIND_VARIABLE,
                typeOfVariable="Text",
            )
        if needs_time:
            self._time_variable = extras.derived_id(self.project.name, "time point")
            self.sub(
                variables,
                "Variable",
                guid=self._time_variable,
                name=extras.TIME_POINT_VARIABLE,
                typeOfVariable="Integer",
            )

    def _cases(self, root: Element) -> None:
        project = self.project
        if not len(project.cases):
            return
        by_case: dict[str, list[str]] = defaultdict(list)
        for document in project.documents:
            if document.case_id is not None:
                by_case[document.case_id].append(document.id)
        cases = self.sub(root, "Cases")
        for case in project.cases:
            element = self.sub(cases, "Case", guid=case.id, name=case.name)
            self.description(element, case.description)
            for code_id in case.code_ids:
                self.sub(element, "CodeRef", targetGUID=code_id)
            for variable_id, value in case.attributes.items():
                self.variable_value(element, variable_id, value)
            for document_id in by_case.get(case.id, ()):
                self.sub(element, "SourceRef", targetGUID=document_id)
            for coding_id in case.coding_ids:
                self.sub(element, "SelectionRef", targetGUID=self._selection_of[coding_id])

    # -- notes, links, sets ----------------------------------------------------------------

    def _notes(self, root: Element) -> None:
        """The memos, each with a creation time: QualCoder's importer (refi.py, parse_notes)
        stops on a note with neither ``creationDateTime`` nor ``modifiedDateTime``. A memo
        without one gets :meth:`fallback_time` (its last change, else the project's, else the
        export time), and qualcode's note remembers that it had none."""
        project = self.project
        self._notes_element = notes = self.sub(root, "Notes")
        for memo in project.memos:
            created = memo.created_at
            if created is None:
                created = self.fallback_time(memo.modified_at)
                self.extras.put(memo.id, {"created_at": None})
            note = self.sub(
                notes,
                "Note",
                guid=memo.id,
                name=memo.name,
                creatingUser=self._user(memo.created_by),
                creationDateTime=self._time(created),
                modifyingUser=self._user(memo.modified_by),
                modifiedDateTime=self._time(memo.modified_at),
            )
            self.text_child(note, "PlainTextContent", memo.text)

    def _finish_data_note(self) -> None:
        """Write qualcode's note, once everything else is written, if it carries anything the
        XML cannot say and the options allow it; leave out an empty ``Notes``."""
        data = extras.collect(
            self.project, self.extras, self._descriptions, inline_text=not self.container
        )
        extras.settle_code_fields(data, self.project, self._descriptions)
        for entity_id, fields in self.restorable.items():
            values = data.entities.get(entity_id)
            if values is not None:
                for name in fields:
                    values.pop(name, None)
                if not values:
                    del data.entities[entity_id]
        for document_id, form in self.written_forms.items():
            stored = data.entities.get(document_id)
            if stored:
                shift_structure(stored, form)
        for kind, written in self.written_order.items():
            ids = getattr(self.project, kind).ids()
            if ids != written:
                data.order[kind] = ids
        if self._kind_variable is not None:
            data.variables["kind"] = self._kind_variable
        if self._time_variable is not None:
            data.variables["time_point"] = self._time_variable
        notes = self._notes_element
        assert notes is not None
        if self._needs_note(data):
            if self.note_wanted:
                self._write_data_note(notes, data)
            else:
                self._report_note_left_out(data)
        root = notes.getparent()
        if not len(notes) and root is not None:
            root.remove(notes)

    def _write_data_note(self, notes: Element, data: extras.Extras) -> None:
        project = self.project
        note = self.sub(
            notes,
            "Note",
            guid=extras.derived_id(project.name, "qualcode data"),
            name=extras.NOTE_NAME,
            creationDateTime=self._time(self.fallback_time()),
        )
        self.text_child(note, "Description", extras.note_description(self.target.label))
        self.text_child(note, "PlainTextContent", data.to_json())
        self.note_written = True

    def _report_note_left_out(self, data: extras.Extras) -> None:
        """What qualcode will not read back because its note was left out, beyond what the
        target's own loss lines already name."""
        where = f"{self.target.label}, without qualcode's note"
        read_back = self.read_back_origins
        recoded = sum(
            1
            for d in self.project.documents
            if d.text_origin is not None and d.text_origin != read_back.get(d.id)
        )
        lines = [
            ("how source texts were encoded (byte order mark, line ends)", recoded),
            ("the order of codes and codings", 1 if data.order else 0),
            ("ids that are not GUIDs (read back as the GUIDs written)", len(data.ids)),
            (
                "memos without a creation time (read back with the time written)",
                sum(1 for m in self.project.memos if m.created_at is None),
            ),
        ]
        for what, count in lines:
            if count:
                self.report.add(what, where, count)
        if not any(count for _, count in lines):
            self.report.add("other details only qualcode's note keeps", where)

    def _needs_note(self, data: extras.Extras) -> bool:
        """Whether the note carries anything that reading the XML alone would not give back."""
        if data.order or data.variables or data.real_links or data.ids or data.shared:
            return True
        if set(data.project) - {"origin"}:
            return True
        if "origin" in data.project and extras.is_unsafe(self.project.origin):
            return True
        read_back = self.read_back_origins
        if any(d.text_origin != read_back.get(d.id) for d in self.project.documents):
            return True
        read_as_written = {"text_origin"}  # and equal to what is read back (checked above)
        return any(not values.keys() <= read_as_written for values in data.entities.values())

    def theme_descriptions(self) -> dict[str, str]:
        """Theme id -> the description text that marks its set as a theme."""
        for theme in self.project.themes:
            self._descriptions[theme.id] = descriptions.render_theme(
                descriptions.ThemeFields(theme.status, theme.definition, theme.narrative)
            )
        return self._descriptions

    def _links(self, root: Element) -> None:
        project = self.project
        if not (len(project.links) or self._memo_links):
            return
        links = self.sub(root, "Links")
        for link in project.links:
            color = link.color if link.color is None or COLOR.match(link.color) else None
            if color != link.color:
                self.report.add("link colours that are not #RRGGBB", "links")
            element = self.sub(
                links,
                "Link",
                guid=link.id,
                name=link.name,
                direction=_DIRECTIONS[link.direction],
                color=color,
                originGUID=link.origin_id,
                targetGUID=link.target_id,
            )
            self.note_refs(element, link.id)
        for memo_id, target in self._memo_links:
            self.sub(
                links,
                "Link",
                guid=extras.derived_id(memo_id, "attached", target),
                name="memo",
                direction="OneWay",
                originGUID=memo_id,
                targetGUID=target,
            )

    def _sets(self, root: Element) -> None:
        project = self.project
        if not (len(project.sets) or len(project.themes)):
            return
        sets = self.sub(root, "Sets")
        codes, documents, memos = project.codes, project.documents, project.memos
        for group in project.sets:
            element = self.sub(sets, "Set", guid=group.id, name=group.name)
            self.description(element, group.description)
            kept = 0
            for tag, table in (
                ("MemberCode", codes),
                ("MemberSource", documents),
                ("MemberNote", memos),
            ):
                for member in group.member_ids:
                    if member in table:
                        self.sub(element, tag, targetGUID=member)
                        kept += 1
            if kept < len(group.member_ids):
                self._tool_loss(
                    "set members other than codes, sources and notes",
                    len(group.member_ids) - kept,
                )
        for theme in project.themes:
            element = self.sub(sets, "Set", guid=theme.id, name=theme.name)
            self.description(element, self._descriptions[theme.id])
            for code_id in theme.code_ids:
                self.sub(element, "MemberCode", targetGUID=code_id)

    # -- losses ----------------------------------------------------------------------------

    def _report_losses(self) -> None:
        if self._replaced:  # qualcode's note keeps the originals
            self._tool_loss("characters XML cannot hold (replaced by U+FFFD)", self._replaced)
        target = self.target
        if not target.only_qualcode_reads and not self.losses_reach_qualcode:
            return
        project = self.project
        where = target.label  # these are shown approximately by other tools
        if len(project.themes):
            self.report.add("themes", where, len(project.themes), kept_as="sets of codes")
        fielded = [
            c
            for c in project.codes
            if c.inclusion or c.exclusion or c.examples or c.origin or c.status.value != "active"
        ]
        if fielded:
            self.report.add(
                "codebook fields", where, len(fielded), kept_as="text in the code's description"
            )
        machine = sum(1 for c in project.codings if c.provenance.method.value != "manual")
        if machine:
            self.report.add("provenance of machine codings", where, machine)
        structured = sum(1 for d in project.documents if d.paragraphs or d.turns)
        if structured:
            self.report.add("paragraph and speaker-turn structure", where, structured)
        kinds = sum(1 for d in project.documents if d.kind.value != "other" or d.time_point)
        if kinds:
            self.report.add("document kinds and time points", where, kinds, kept_as="variables")
        machines = sum(1 for coder in project.coders if coder.machine)
        if machines:
            self.report.add("machine coders", where, machines, kept_as="ordinary users")
        dated = sum(
            1
            for c in project.codes
            if c.created_by or c.created_at or c.modified_by or c.modified_at
        )
        if dated:
            self.report.add("who created and changed codes, and when", where, dated)
        if self._memo_links:
            self.report.add(
                "memos attached to things other than codes, sources, codings and links",
                where,
                len(self._memo_links),
                kept_as="links from the note",
            )
