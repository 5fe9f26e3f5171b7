"""The shared machinery of the REFI-QDA writers: elements, clean text, references, values."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections import defaultdict

from lxml import etree

from qualcode.errors import OutputError
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.selection_xml import PLAIN_ATTRIBUTE, SplicedBlocks
from qualcode.formats.refiqda.targets import Target
from qualcode.formats.refiqda.written_text import WrittenText
from qualcode.formats.refiqda.xml import PROJECT_NS, Element, format_datetime
from qualcode.losses import LossReport
from qualcode.model import Coding, Memo, TextOrigin, Value, VariableType
from qualcode.project import Project

_NOT_XML = extras.NOT_XML
"""Characters XML 1.0 cannot hold."""
COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")

VARIABLE_TYPES = {
    VariableType.TEXT: "Text",
    VariableType.BOOLEAN: "Boolean",
    VariableType.INTEGER: "Integer",
    VariableType.FLOAT: "Float",
    VariableType.DATE: "Date",
    VariableType.DATETIME: "DateTime",
}


def q(name: str) -> str:
    """A tag in the project namespace."""
    return f"{{{PROJECT_NS}}}{name}"


MAX_CODE_DEPTH = 2000
"""The deepest code tree written: XML parsers (libxml2, which qualcode reads with too) refuse
documents nested more than 2,048 levels deep, and a project nests its codes a few levels down."""


def check_code_depth(project: Project) -> None:
    """Refuse a code tree too deep for any reader to parse the file written (linear time)."""
    depth: dict[str, int] = {}
    codes = project.codes
    for code in codes:
        path = []
        current: str | None = code.id
        while current is not None and current not in depth:
            path.append(current)
            current = codes[current].parent_id
        level = depth[current] if current is not None else 0
        for code_id in reversed(path):
            level += 1
            depth[code_id] = level
        if level > MAX_CODE_DEPTH:
            raise OutputError(
                f"the code tree is {level} levels deep; XML readers refuse files nested that deep",
                hint=f"flatten the code tree to at most {MAX_CODE_DEPTH} levels",
            )


class SelectionIds(dict[str, str]):
    """Coding id -> its selection's derived GUID, computed when first asked for."""

    def __missing__(self, coding_id: str) -> str:
        value = self[coding_id] = extras.derived_id(coding_id, "selection")
        return value


class XmlWriter:
    """State and helpers shared by the parts of the project writer."""

    def __init__(
        self,
        project: Project,
        target: Target,
        *,
        container: bool,
        version: str,
        note: bool = True,
        now: dt.datetime | None = None,
    ) -> None:
        self.project = project
        self.target = target
        self.container = container
        self.version = version
        self.note_wanted = note
        self.relative_paths = False
        """Whether a ``relative://`` path was written (QualCoder then needs a ``basePath``)."""
        """Whether qualcode's note may be written (it is, when it carries something)."""
        self.note_written = False
        self._now = now
        self.read_back_origins: dict[str, TextOrigin] = {}
        """Document id -> the text origin qualcode reads back from the text as written."""
        self.restorable: dict[str, set[str]] = defaultdict(set)
        """Entity id -> fields of its entry in the note that the XML alone gives back."""
        self.report = LossReport()
        self.files: list[tuple[str, bytes]] = []
        self._replaced = 0
        self._ids_are_plain: bool | None = None
        self.spliced = SplicedBlocks()
        """Selections rendered as text, spliced into the serialized XML."""
        self._memo_refs: dict[str, list[str]] = defaultdict(list)
        self._memo_links: list[tuple[str, str]] = []
        self._anchors: dict[str, list[Memo]] = defaultdict(list)
        self._selection_of: dict[str, str] = SelectionIds()
        """Coding id -> the GUID of the selection written for it (made on first use)."""
        self._descriptions: dict[str, str] = {}
        self._kind_variable: str | None = None
        self._time_variable: str | None = None
        self.extras = extras.Extras(target=target.name)
        self._notes_element: Element | None = None
        self.written_order: dict[str, list[str]] = {"codes": [], "codings": []}
        self.written_forms: dict[str, WrittenText] = {}
        """Documents whose text was written changed (see :mod:`.written_text`)."""

    @property
    def replaced(self) -> int:
        """How many characters XML cannot hold were replaced so far."""
        return self._replaced

    # -- helpers ---------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """``text`` with characters XML cannot hold replaced (and counted)."""
        if _NOT_XML.search(text) is None:
            return text
        cleaned, count = _NOT_XML.subn("\ufffd", text)
        self._replaced += count
        return cleaned

    def ids_are_plain(self) -> bool:
        """Whether every coding, code, coder and memo id can go into an attribute as it is
        (no character to clean or escape); checked once, in C."""
        if self._ids_are_plain is None:
            project = self.project
            ids = "".join(
                [
                    *project.codings.ids(),
                    *project.codes.ids(),
                    *project.coders.ids(),
                    *project.memos.ids(),
                ]
            )
            self._ids_are_plain = PLAIN_ATTRIBUTE.fullmatch(ids) is not None
        return self._ids_are_plain

    def sub(self, parent: Element, tag: str, /, **attributes: str | None) -> Element:
        """A child element ``tag`` with the attributes that are not None."""
        attrib = {k: self.clean(v) for k, v in attributes.items() if v is not None}
        return etree.SubElement(parent, q(tag), attrib)

    def text_child(self, parent: Element, name: str, text: str) -> Element:
        element = etree.SubElement(parent, q(name))
        element.text = self.clean(text)
        return element

    def description(self, parent: Element, text: str) -> None:
        if text:
            self.text_child(parent, "Description", text)

    def note_refs(self, parent: Element, entity_id: str) -> None:
        for memo_id in self._memo_refs.get(entity_id, ()):
            self.sub(parent, "NoteRef", targetGUID=memo_id)

    def fallback_time(self, *known: dt.datetime | None) -> dt.datetime:
        """The first time known, else the project's last change or creation, else the latest
        time anywhere in the project, else the time of this run's first export: for elements a
        reader needs a time on (see :meth:`QdeWriter._notes`). Never the wall clock of each
        export, so that the same project gives the same bytes within a run."""
        project = self.project
        for value in (*known, project.modified_at, project.created_at):
            if value is not None:
                return value
        if self._now is None:
            self._now = _latest_time(project) or _run_time()
        return self._now

    @property
    def losses_reach_qualcode(self) -> bool:
        """Whether what only qualcode's note keeps is lost to qualcode too (no note)."""
        return not self.note_wanted

    @staticmethod
    def _time(value: dt.datetime | None) -> str | None:
        return format_datetime(value) if value is not None else None

    @staticmethod
    def _user(value: str | None) -> str | None:
        return value if extras.is_guid(value) else None

    def _tool_loss(self, what: str, count: int = 1, *, kept_as: str = "") -> None:
        """A loss for tools other than qualcode (qualcode reads it back from its data note);
        with ``kept_as``, the form those tools see it in instead."""
        if self.target.only_qualcode_reads or self.losses_reach_qualcode:
            self.report.add(what, self.target.label, count, kept_as=kept_as)

    def _coding(self, parent: Element, coding: Coding) -> None:
        self.written_order["codings"].append(coding.id)
        element = self.sub(
            parent,
            "Coding",
            guid=coding.id,
            creatingUser=coding.coder_id,
            creationDateTime=self._time(coding.created),
        )
        self.sub(element, "CodeRef", targetGUID=coding.code_id)
        self.note_refs(element, coding.id)

    def variable_value(self, parent: Element, variable_id: str, value: Value) -> None:
        variable = self.project.variables.get(variable_id)
        kind = variable.type if variable is not None else VariableType.TEXT
        rendered = _render_value(kind, value)
        if rendered is None:
            self.report.add("variable values that REFI-QDA cannot type (NaN, infinity)", "values")
            return
        element = self.sub(parent, "VariableValue")
        self.sub(element, "VariableRef", targetGUID=variable_id)
        self.text_child(element, VARIABLE_TYPES[kind] + "Value", rendered)


def _latest_time(project: Project) -> dt.datetime | None:
    """The latest creation or change time of anything in the project (None if none has one)."""
    times = [c.created for c in project.codings if c.created is not None]
    for collection in (project.documents, project.codes, project.memos):
        for entity in collection:
            times.extend(t for t in (entity.created_at, entity.modified_at) if t is not None)
    aware = [t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC) for t in times]
    return max(aware, default=None)


_RUN_TIME: list[dt.datetime] = []


def _run_time() -> dt.datetime:
    """The time of this run's first export that needed one (UTC, whole seconds), kept."""
    if not _RUN_TIME:
        _RUN_TIME.append(dt.datetime.now(dt.UTC).replace(microsecond=0))
    return _RUN_TIME[0]


def _render_value(kind: VariableType, value: Value) -> str | None:
    if kind is VariableType.BOOLEAN:
        return "true" if value else "false"
    if kind is VariableType.FLOAT:
        number = float(value)  # type: ignore[arg-type]
        if number != number or number in (float("inf"), float("-inf")):
            return None
        return format(decimal.Decimal(repr(number)), "f")
    if kind is VariableType.DATETIME and isinstance(value, dt.datetime):
        return format_datetime(value)
    if kind is VariableType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
