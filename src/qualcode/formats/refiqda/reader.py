"""Reading REFI-QDA XML into a project, leniently, reporting whatever cannot be carried.

:func:`read_qde` walks the XML section by section (see :mod:`.xml`), collects plain records,
chooses how to read positions (:mod:`.positions`), then builds the project in the order its
references need. Entities that would break a rule of the model are skipped and counted in the
report, never dropped silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator

import attrs

from qualcode.errors import ParseError
from qualcode.formats.refiqda import descriptions, extras
from qualcode.formats.refiqda.builder import ProjectBuilder
from qualcode.formats.refiqda.sources import FileResolver, RawSource, SourceParser
from qualcode.formats.refiqda.twins import merge_pdf_twins
from qualcode.formats.refiqda.xml import (
    Attributes,
    Element,
    child_text,
    children,
    line_of,
    local,
    stream,
    text_of,
)
from qualcode.losses import LossReport
from qualcode.model import (
    Code,
    Coder,
    Link,
    LinkDirection,
    SourceKind,
    Variable,
    VariableType,
    canonical_id,
)
from qualcode.project import Project

_VARIABLE_TYPES = {
    "text": VariableType.TEXT,
    "boolean": VariableType.BOOLEAN,
    "integer": VariableType.INTEGER,
    "float": VariableType.FLOAT,
    "date": VariableType.DATE,
    "datetime": VariableType.DATETIME,
}
_DIRECTIONS = {
    "associative": LinkDirection.ASSOCIATIVE,
    "oneway": LinkDirection.ONE_WAY,
    "bidirectional": LinkDirection.BIDIRECTIONAL,
}


@attrs.define
class _Note:
    guid: str
    name: str
    text: str
    created_by: str | None
    created_at: dt.datetime | None
    modified_by: str | None
    modified_at: dt.datetime | None


@attrs.define
class _Case:
    guid: str
    name: str
    description: str
    code_refs: list[str]
    values: list[tuple[str, str, str]]
    source_refs: list[str]
    selection_refs: list[str]


class QdeReader:
    """Reads one .qde document; internal files come from ``resolve``."""

    def __init__(self, label: str, resolve: FileResolver, report: LossReport) -> None:
        self.label = label
        self.report = report
        self.sources = SourceParser(label, resolve, report)
        self.project = Project()
        self.file_origin = ""
        self.coders: list[Coder] = []
        self.codes: list[tuple[Code, str]] = []
        self.code_notes: list[tuple[str, str]] = []
        self.variables: list[Variable] = []
        self.cases: list[_Case] = []
        self.raw_sources: list[RawSource] = []
        self.notes: dict[str, _Note] = {}
        self.links: list[tuple[Link, list[str]]] = []
        self.sets: list[tuple[str, str, str, list[str]]] = []
        self.project_notes: list[str] = []
        self.extras: extras.Extras | None = None

    def a(self, element: Element) -> Attributes:
        return Attributes(element, self.label)

    # -- pass 1: records -------------------------------------------------------------------

    def read(self, data: bytes) -> Project:
        """The project in ``data`` (the .qde bytes)."""
        with _collector_paused():
            return self._read(data)

    def _read(self, data: bytes) -> Project:
        handlers = {
            "Users": self._users,
            "CodeBook": self._codebook,
            "Variables": self._variables,
            "Cases": self._cases,
            "Notes": self._notes,
            "Links": self._links,
            "Sets": self.read_sets,
        }
        for event, element in stream(data, self.label):
            name = local(element)
            if event == "root":
                self._root(element)
            elif event == "item":
                source = self.sources.parse(element)
                if source is not None:
                    self.raw_sources.append(source)
            elif name in handlers:
                handlers[name](element)
            elif name == "Description":
                self.project.description = text_of(element)
            elif name == "NoteRef":
                self.project_notes.append(self.a(element).guid("targetGUID"))
            elif name == "Graphs":
                count = sum(1 for _ in children(element, "Graph"))
                self.report.add("graphs (qualcode has no diagrams)", "Graphs", count)
            else:
                self.report.add(f"unknown elements <{name}>", "Project")
        return self.build()

    def _root(self, root: Element) -> None:
        if local(root) != "Project":
            raise ParseError(
                f"the root element is <{local(root)}>, not <Project>",
                path=self.label,
                line=line_of(root),
                hint="this is not a REFI-QDA project file",
            )
        a = self.a(root)
        project = self.project
        project.name = a.text("name", "Untitled project")
        self.file_origin = a.text("origin")
        project.origin = extras.original_origin(self.file_origin)
        project.created_by = a.optional_guid("creatingUserGUID")
        project.created_at = a.datetime("creationDateTime")
        project.modified_by = a.optional_guid("modifyingUserGUID")
        project.modified_at = a.datetime("modifiedDateTime")
        if a.text("basePath").strip():
            self.report.add("the base path for files outside the project (paths kept as written)")

    def _users(self, element: Element) -> None:
        for user in children(element, "User"):
            a = self.a(user)
            initials = a.text("id")  # NVivo writes a user's initials here
            self.coders.append(
                Coder(id=a.guid(), name=a.text("name") or initials, initials=initials)
            )

    def _codebook(self, element: Element) -> None:
        for codes in children(element, "Codes"):
            self.read_codes(codes, None)

    def read_codes(self, parent: Element, parent_id: str | None) -> None:
        """Code elements under ``parent`` (recursively), parents first."""
        stack = [(c, parent_id) for c in reversed(list(children(parent, "Code")))]
        while stack:
            element, above = stack.pop()
            a = self.a(element)
            guid = a.guid()
            description = child_text(element, "Description") or ""
            fields = descriptions.parse_code(description)
            code = Code(
                id=guid,
                name=a.text("name"),
                parent_id=above,
                color=_color(a.optional("color"), self.report),
                codable=a.boolean("isCodable", True),
                definition=fields.definition,
                inclusion=fields.inclusion,
                exclusion=fields.exclusion,
                examples=fields.examples,
                origin=fields.origin,
                status=fields.status,
            )
            self.codes.append((code, description))
            for ref in children(element, "NoteRef"):
                self.code_notes.append((self.a(ref).guid("targetGUID"), guid))
            stack.extend((c, guid) for c in reversed(list(children(element, "Code"))))

    def _variables(self, element: Element) -> None:
        for item in children(element, "Variable"):
            a = self.a(item)
            kind_text = a.text("typeOfVariable", "Text").strip().lower()
            kind = _VARIABLE_TYPES.get(kind_text)
            if kind is None:
                self.report.add(f"variables of unknown type {kind_text!r} (read as text)")
                kind = VariableType.TEXT
            self.variables.append(
                Variable(
                    id=a.guid(),
                    name=a.text("name"),
                    type=kind,
                    description=child_text(item, "Description") or "",
                )
            )

    def _cases(self, element: Element) -> None:
        for item in children(element, "Case"):
            a = self.a(item)
            values = [v for v in map(self.sources.value, children(item, "VariableValue")) if v]

            def refs(name: str, node: Element = item) -> list[str]:
                return [self.a(r).guid("targetGUID") for r in children(node, name)]

            self.cases.append(
                _Case(
                    guid=a.guid(),
                    name=a.text("name"),
                    description=child_text(item, "Description") or "",
                    code_refs=refs("CodeRef"),
                    values=values,
                    source_refs=refs("SourceRef"),
                    selection_refs=refs("SelectionRef"),
                )
            )

    def _notes(self, element: Element) -> None:
        for note in children(element, "Note"):
            parsed = self.sources.parse_note(note)
            if parsed is None:
                continue
            guid, name, text = parsed
            if extras.is_note_name(name):
                found = extras.Extras.from_json(text)
                if found is not None:
                    self.extras = found
                    continue
            if guid in self.notes:  # the first is kept, as for every other element
                self.report.add("notes whose GUID is used twice (the later skipped)", name)
                continue
            a = self.a(note)
            self.notes[guid] = _Note(
                guid,
                name,
                text,
                a.optional_guid("creatingUser"),
                a.datetime("creationDateTime"),
                a.optional_guid("modifyingUser"),
                a.datetime("modifiedDateTime"),
            )

    def _links(self, element: Element) -> None:
        for item in children(element, "Link"):
            a = self.a(item)
            origin, target = a.optional_guid("originGUID"), a.optional_guid("targetGUID")
            if origin is None or target is None:
                self.report.add("links missing an end", "Links")
                continue
            direction = _DIRECTIONS.get(a.text("direction").strip().lower())
            link = Link(
                id=a.guid(),
                name=a.text("name"),
                origin_id=origin,
                target_id=target,
                direction=direction or LinkDirection.ASSOCIATIVE,
                color=_color(a.optional("color"), self.report),
            )
            notes = [self.a(r).guid("targetGUID") for r in children(item, "NoteRef")]
            self.links.append((link, notes))

    def read_sets(self, element: Element) -> None:
        """Set elements (members by ``targetGUID``, or ``guid`` as in codebooks)."""
        for item in children(element, "Set"):
            a = self.a(item)
            members = []
            for member in children(item):
                if local(member).startswith("Member"):
                    raw = member.get("targetGUID") or member.get("guid")
                    if raw:
                        members.append(canonical_id(raw))
            description = child_text(item, "Description") or ""
            self.sets.append((a.guid(), a.text("name"), description, members))

    # -- pass 2: the project ---------------------------------------------------------------

    def build(self) -> Project:
        """The project from the records read so far.

        PDF twins are merged here, not as each source is read: qualcode's note, which names the
        twins qualcode writes, comes after the sources.
        """
        stored = self.extras.entities if self.extras is not None else None
        for source in self.raw_sources:
            if source.kind is SourceKind.PDF:
                source.selections = merge_pdf_twins(source.selections, stored)
        return ProjectBuilder(self).build()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading.

    Reading makes about a million objects that all stay alive; the collector would walk them
    again and again for nothing (about 10% of an import of 200,000 codings). It is switched
    back on afterwards, also when reading fails, and left alone if it was already off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _color(value: str | None, report: LossReport) -> str | None:
    """A colour as ``#RRGGBB``/``#RGB``; ``rgb()``, ``rgba()`` and ``#AARRGGBB`` are converted.

    The conversion is reported as a loss (the how-to lists such colours among what the import
    report names): the form as written, and any transparency, are not kept. It is a loss line
    rather than a warning so that the count adds up over a codebook of many such colours.
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", text):
        return text
    if re.fullmatch(r"#[0-9A-Fa-f]{8}", text):
        report.add(
            "colours written as #AARRGGBB (converted to #RRGGBB, transparency dropped)", "colors"
        )
        return "#" + text[3:]
    match = re.fullmatch(r"(rgba?)\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(,[^)]*)?\)", text, re.I)
    if match:
        red, green, blue = (min(int(x), 255) for x in match.groups()[1:4])
        if match.group(5):
            report.add(
                "colours written as rgba() (converted to #RRGGBB, transparency dropped)", "colors"
            )
        else:
            report.add("colours written as rgb()", "colors", kept_as="#RRGGBB")
        return f"#{red:02x}{green:02x}{blue:02x}"
    report.add(f"colours in an unknown form (e.g. {text!r})", "colors")
    return None
