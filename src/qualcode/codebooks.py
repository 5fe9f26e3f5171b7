"""Codebooks brought into a project: codes and themes from TOML, CSV/XLSX or REFI-QDA .qdc files.

A codebook file is read into a project holding only codes (and themes, and sets from a .qdc) by
:func:`read_codebook`; :func:`merge_codebook` adds it to a project. Codes are matched by their
path in the code tree, so a code already in the project is never added twice: it keeps its id
and codings, and only codebook fields it lacks (definition, inclusion and exclusion criteria,
examples, colour, origin) are filled in from the file.

The formats we read, all written by hand or by a spreadsheet:

- **TOML**: a ``[[code]]`` table per code (``name``, ``color``, ``definition``, ``inclusion``,
  ``exclusion``, ``examples``, ``origin``) and a ``[[theme]]`` table per theme (``name``,
  ``codes``, ``parent``, ``definition``, ``narrative``, ``status``), as in
  ``examples/peer-workers/codebook.toml`` and ``themes.toml``;
- **CSV/TSV or XLSX**: a header row with a ``code`` (or ``name``) column and any of
  ``definition``, ``inclusion``, ``exclusion``, ``examples``, ``color`` (or ``colour``) and
  ``origin``; several examples in one cell are separated by line breaks or `` | ``; in a CSV,
  a cell starting with ``'`` then ``=``, ``+``, ``-`` or ``@`` loses the ``'`` (Excel's formula
  guard, as the ``codebook-csv`` export writes it);
- **REFI-QDA .qdc**, as NVivo, ATLAS.ti, MAXQDA and QualCoder export them.

A code name with ``/`` is a path: ``Relationships/With clients`` is the code ``With clients``
under ``Relationships`` (created when missing). A theme names its codes the same way, in the
file or already in the project. Codes of a TOML or table codebook are deductive unless their
``origin`` says otherwise.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from qualcode.analysis.merge import Merger
from qualcode.errors import ParseError
from qualcode.fileio import read_bytes
from qualcode.losses import LossReport
from qualcode.model import Code, CodeOrigin, Theme, ThemeStatus, new_id
from qualcode.project import Project

if TYPE_CHECKING:  # the readers are imported when a file is read, not with qualcode
    from qualcode.formats.survey_table import Table

CODEBOOK_EXTENSIONS = (".toml", ".qdc", ".csv", ".tsv", ".xlsx")
"""The file name endings :func:`read_codebook` reads."""

CODE_KEYS = ("name", "color", "definition", "inclusion", "exclusion", "examples", "origin")
"""The keys of a TOML ``[[code]]`` table."""

THEME_KEYS = ("name", "codes", "parent", "definition", "narrative", "status")
"""The keys of a TOML ``[[theme]]`` table."""

TABLE_COLUMNS = {
    "code": "name",
    "name": "name",
    "definition": "definition",
    "description": "definition",
    "inclusion": "inclusion",
    "exclusion": "exclusion",
    "examples": "examples",
    "example": "examples",
    "color": "color",
    "colour": "color",
    "origin": "origin",
}
"""Column names (compared without case) of a codebook table, and the field each one fills."""

FILLED_FIELDS = ("definition", "inclusion", "exclusion", "examples", "color", "origin")
"""The fields of a code already in the project that a codebook fills in when they are empty."""


def is_codebook_table(header: Sequence[object]) -> bool:
    """Whether a table's header row is a codebook's: a ``code`` or ``name`` column and a
    ``definition`` column (a survey table has no column called definition)."""
    names = {str(cell).strip().lower() for cell in header if cell is not None}
    return bool(names & {"code", "name"}) and "definition" in names


@attrs.frozen
class CodebookMerge:
    """What :func:`merge_codebook` did to the project."""

    codes_added: int
    codes_matched: int
    """Codes of the file that the project already had (matched by path)."""
    codes_filled: int
    """Of those, how many got codebook fields they lacked."""
    themes: int

    def summary(self) -> str:
        """E.g. ``7 code(s) added, 2 code(s) already in the project (1 completed), 3 theme(s)``."""
        parts = []
        if self.codes_added or not (self.codes_matched or self.themes):
            parts.append(f"{self.codes_added} code(s) added")
        if self.codes_matched:
            filled = f" ({self.codes_filled} completed)" if self.codes_filled else ""
            parts.append(f"{self.codes_matched} code(s) already in the project{filled}")
        if self.themes:
            parts.append(f"{self.themes} theme(s)")
        return ", ".join(parts)


@attrs.frozen
class Codebook:
    """A codebook read from a file: its codes and themes as a project of their own."""

    project: Project
    report: LossReport
    placeholders: frozenset[str] = frozenset()
    """Ids of codes that stand for codes of the project a theme names (not in the file)."""


def read_codebook(path: str | Path, project: Project | None = None) -> Codebook:
    """The codes and themes of a codebook file, as a project of their own.

    ``project`` is the project the codebook is for: a theme may name codes that are only there
    (a ``themes.toml`` read after the codebook). Raises a :class:`ParseError` naming the file
    for anything it cannot read.
    """
    path = Path(path)
    report = LossReport()
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        from qualcode.formats.refiqda.codebook import read_codebook as read_qdc

        return Codebook(read_qdc(path, report), report)
    if suffix == ".toml":
        builder = _Builder(path, project, report)
        builder.from_toml(read_bytes(path))
        return builder.codebook()
    if suffix in (".csv", ".tsv", ".xlsx"):
        table = read_table(path, report)
        builder = _Builder(path, project, report)
        builder.from_table(table)
        return builder.codebook()
    raise ParseError(
        f"a codebook is read from {', '.join(CODEBOOK_EXTENSIONS)} files, not {suffix or 'this'}",
        path=path,
        hint="save the codebook as TOML or CSV, or export it from your program as .qdc",
    )


def read_table(path: Path, report: LossReport, options: Mapping[str, Any] | None = None) -> Table:
    """A CSV/TSV or XLSX file as a header and rows of cells (see :mod:`.formats.survey_table`)."""
    from qualcode.formats.survey_table import read_csv_table, read_xlsx_table

    chosen = dict(options or {})
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_table(path, chosen, report)
    return read_csv_table(read_bytes(path), path, chosen, report)


def merge_codebook(
    project: Project, codebook: Codebook | Project, where: str = ""
) -> CodebookMerge:
    """Add a codebook's codes and themes to ``project``, codes matched by path.

    A code the project already has keeps its id, name and codings; each of its
    :data:`FILLED_FIELDS` that is empty gets the codebook's value. Themes are matched by name
    (their codes joined). Returns the counts, for a report.
    """
    if isinstance(codebook, Codebook):
        source, placeholders = codebook.project, codebook.placeholders
    else:
        source, placeholders = codebook, frozenset()
    existing = {project.code_path(code.id): code.id for code in project.codes}
    ids = Merger(project).merge(source, where)
    matched = filled = 0
    listed = [code for code in source.codes if code.id not in placeholders]
    for code in listed:
        path = source.code_path(code.id)
        if path not in existing:
            continue
        matched += 1
        target = project.codes[ids[code.id]]
        changes = {
            field: getattr(code, field)
            for field in FILLED_FIELDS
            if getattr(code, field) and not getattr(target, field)
        }
        if changes:
            filled += 1
            project.add_code(attrs.evolve(target, **changes), replace=True)
    return CodebookMerge(len(listed) - matched, matched, filled, len(source.themes))


@attrs.define
class _Builder:
    """Builds a codebook project from parsed entries, checking each value as it goes."""

    path: Path
    known: Project | None
    report: LossReport
    project: Project = attrs.field(init=False)
    codes: dict[tuple[str, ...], str] = attrs.field(factory=dict)
    listed: set[tuple[str, ...]] = attrs.field(factory=set)
    placeholders: set[str] = attrs.field(factory=set)

    def __attrs_post_init__(self) -> None:
        self.project = Project(name=self.path.stem)

    def codebook(self) -> Codebook:
        return Codebook(self.project, self.report, frozenset(self.placeholders))

    # -- TOML -----------------------------------------------------------------------------

    def from_toml(self, data: bytes) -> None:
        try:
            document = tomllib.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ParseError(
                f"not UTF-8 (byte {error.start})", path=self.path, hint="save it as UTF-8"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ParseError(f"not valid TOML: {error}", path=self.path) from None
        unknown = [key for key in document if key not in ("code", "theme")]
        if unknown:
            self.report.add(
                "unknown tables (a codebook has [[code]] and [[theme]])",
                f"{self.path.name}: {', '.join(unknown)}",
                len(unknown),
            )
        codes = self._entries(document, "code")
        themes = self._entries(document, "theme")
        if not codes and not themes:
            raise ParseError(
                "no [[code]] or [[theme]] tables",
                path=self.path,
                hint="a codebook lists each code as a [[code]] table with a name",
            )
        for number, entry in enumerate(codes, start=1):
            where = f"code {number}"
            self._unknown_keys(entry, CODE_KEYS, where)
            self.add_code(
                self._text(entry, "name", where, required=True),
                color=self._text(entry, "color", where) or None,
                definition=self._text(entry, "definition", where),
                inclusion=self._text(entry, "inclusion", where),
                exclusion=self._text(entry, "exclusion", where),
                examples=self._texts(entry, "examples", where),
                origin=self._origin(self._text(entry, "origin", where), where),
            )
        added: dict[str, str] = {}
        for number, entry in enumerate(themes, start=1):
            where = f"theme {number}"
            self._unknown_keys(entry, THEME_KEYS, where)
            name = self._text(entry, "name", where, required=True)
            parent = self._text(entry, "parent", where)
            if parent and parent not in added:
                raise ParseError(
                    f"{where} ({name!r}): its parent {parent!r} is not a theme above it",
                    path=self.path,
                    hint="list a theme before its subthemes",
                )
            status = self._text(entry, "status", where) or ThemeStatus.CANDIDATE.value
            try:
                theme_status = ThemeStatus(status)
            except ValueError:
                known = ", ".join(s.value for s in ThemeStatus)
                raise ParseError(
                    f"{where} ({name!r}): unknown status {status!r}", path=self.path, hint=known
                ) from None
            theme = self.project.add_theme(
                Theme(
                    id=new_id(),
                    name=name,
                    code_ids=[
                        self.theme_code(code, f"{where} ({name!r})")
                        for code in self._texts(entry, "codes", where)
                    ],
                    parent_id=added[parent] if parent else None,
                    definition=self._text(entry, "definition", where),
                    narrative=self._text(entry, "narrative", where),
                    status=theme_status,
                )
            )
            added[name] = theme.id

    def _entries(self, document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        entries = document.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ParseError(f"{key!r} must be a list of tables, written [[{key}]]", path=self.path)
        return entries

    def _unknown_keys(self, entry: Mapping[str, Any], known: Sequence[str], where: str) -> None:
        unknown = sorted(set(entry) - set(known))
        if unknown:
            raise ParseError(
                f"{where}: unknown key(s) {', '.join(map(repr, unknown))}",
                path=self.path,
                hint="known: " + ", ".join(known),
            )

    def _text(
        self, entry: Mapping[str, Any], key: str, where: str, *, required: bool = False
    ) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise ParseError(f"{where}: {key!r} must be text, not {value!r}", path=self.path)
        if required and not value.strip():
            raise ParseError(f"{where}: {key!r} is missing or empty", path=self.path)
        return value.strip() if required else value

    def _texts(self, entry: Mapping[str, Any], key: str, where: str) -> list[str]:
        value = entry.get(key, [])
        if isinstance(value, str):
            return [value] if value.strip() else []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ParseError(f"{where}: {key!r} must be a list of texts", path=self.path)
        return [item for item in value if item.strip()]

    def _origin(self, value: str, where: str) -> CodeOrigin:
        if not value:
            return CodeOrigin.DEDUCTIVE
        try:
            return CodeOrigin(value.strip().lower())
        except ValueError:
            known = ", ".join(o.value for o in CodeOrigin)
            raise ParseError(
                f"{where}: unknown origin {value!r}", path=self.path, hint=f"use {known}"
            ) from None

    # -- tables ---------------------------------------------------------------------------

    def from_table(self, table: Table) -> None:
        fields: dict[int, str] = {}
        ignored: list[str] = []
        for index, raw in enumerate(table.header):
            column = str(raw).strip().lstrip("\ufeff")
            field = TABLE_COLUMNS.get(column.lower())
            if field is None or field in fields.values():
                if column:
                    ignored.append(column)
                continue
            fields[index] = field
        if "name" not in fields.values():
            raise ParseError(
                "no 'code' or 'name' column in the header row",
                path=self.path,
                hint="a codebook table has a column 'code' naming each code, and may have "
                + ", ".join(sorted({f for f in TABLE_COLUMNS.values() if f != "name"})),
            )
        if ignored:
            self.report.add(
                f"columns a codebook does not have ({', '.join(map(repr, ignored))})",
                self.path.name,
                len(ignored),
            )
        # a CSV cell that starts like a formula was written with a leading ' (Excel's safety)
        csv_cells = self.path.suffix.lower() in (".csv", ".tsv")
        for number, row in zip(table.row_numbers, table.rows, strict=True):
            values = {
                field: _cell_text(row[index], csv_cells) if index < len(row) else ""
                for index, field in fields.items()
            }
            where = f"row {number}"
            if not values["name"].strip():
                self.report.add("rows without a code name", self.path.name)
                continue
            self.add_code(
                values["name"],
                color=values.get("color", "").strip() or None,
                definition=values.get("definition", ""),
                inclusion=values.get("inclusion", ""),
                exclusion=values.get("exclusion", ""),
                examples=_split_examples(values.get("examples", "")),
                origin=self._origin(values.get("origin", "").strip(), where),
            )

    # -- codes ----------------------------------------------------------------------------

    def add_code(self, name: str, **fields: Any) -> None:
        """Add the code at path ``name`` (parents created as plain codes); a code named twice
        is reported and its first entry kept."""
        path = code_path(name)
        if not path:
            raise ParseError(f"the code name {name!r} is empty", path=self.path)
        if path in self.listed:
            self.report.add("codes listed twice (the first was kept)", self.path.name)
            return
        self.listed.add(path)
        parent = self._ensure(path[:-1])
        if path in self.codes:  # created as a parent earlier: fill it in
            code = self.project.codes[self.codes[path]]
            self.project.add_code(attrs.evolve(code, **fields), replace=True)
            return
        code = self.project.add_code(Code(id=new_id(), name=path[-1], parent_id=parent, **fields))
        self.codes[path] = code.id

    def _ensure(self, path: tuple[str, ...]) -> str | None:
        """The id of the code at ``path`` in this codebook, created (empty) when missing."""
        if not path:
            return None
        found = self.codes.get(path)
        if found is None:
            parent = self._ensure(path[:-1])
            found = self.project.add_code(Code(id=new_id(), name=path[-1], parent_id=parent)).id
            self.codes[path] = found
        return found

    def theme_code(self, name: str, where: str) -> str:
        """The id of the code a theme names: from this file, else a placeholder for the
        project's own code at that path (matched again when the codebook is merged)."""
        path = code_path(name)
        if path in self.codes:
            return self.codes[path]
        if path and self.known is not None and self.known.code_by_path(path) is not None:
            before = set(self.codes.values())
            placeholder = self._ensure(path)
            assert placeholder is not None  # the path is not empty
            self.placeholders.update(set(self.codes.values()) - before)
            return placeholder
        raise ParseError(
            f"{where}: no code {name!r} in this file or in the project",
            path=self.path,
            hint="import the codebook before its themes, or fix the name",
        )


def code_path(name: str) -> tuple[str, ...]:
    """``"A/B"`` as the path ``("A", "B")``; parts are stripped and empty parts dropped."""
    return tuple(part.strip() for part in name.split("/") if part.strip())


def _cell_text(cell: object, csv_cell: bool = False) -> str:
    """A cell as text; a CSV cell loses the ``'`` that keeps Excel from running a formula
    (``'=x`` is ``=x``, as :mod:`qualcode.formats.tables.cells` writes it)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if csv_cell and isinstance(cell, str):
        from qualcode.formats.tables.cells import unescape_formula

        return unescape_formula(cell)
    return str(cell)


def _split_examples(cell: str) -> list[str]:
    parts = [line for chunk in cell.splitlines() for line in chunk.split(" | ")]
    return [part.strip() for part in parts if part.strip()]
