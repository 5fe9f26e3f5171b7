"""Batch import: many files and folders, each read by its importer, merged into one project.

:func:`import_files` reads every input with the importer its name (or ``format``) calls for and
merges each single-file project into a target project with :class:`Merger`. A filename pattern
such as ``{case}_T{wave}.docx`` assigns each file's documents a case (created when missing) and a
time point. Without ``keep_going`` the first bad file raises and the target is left untouched by
that call's caller (nothing is written); with it, bad files are reported and skipped.
:func:`import_into` adds reading and atomically writing the target file.

Merging matches codes by their path in the code tree, coders, cases, variables, themes and sets by
name; documents, codings, memos and links are always added (with fresh ids where an id is taken).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.api import load, save
from qualcode.errors import (
    InputNotFoundError,
    OptionError,
    QualcodeError,
    ValueTypeError,
)
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    DocumentKind,
    Link,
    Memo,
    Set,
    Theme,
    Value,
    Variable,
    VariableType,
    new_id,
    value_matches,
)
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project
from qualcode.reports import LossReport

Progress = Callable[[Path, int, int], None]
"""Called with a file, how many files are done, and how many there are: once before the first
file (0 done) and after each file."""

# -- filename patterns ------------------------------------------------------------------------

PATTERN_FIELDS: Mapping[str, str] = {
    "case": r"(?P<case>.+?)",
    "wave": r"(?P<wave>\d+)",
    "time_point": r"(?P<wave>\d+)",
    "kind": r"(?P<kind>[A-Za-z_]+)",
    "any": r".*?",
}
"""The fields a filename pattern may use; ``*`` also matches anything."""


@attrs.frozen
class FilenamePattern:
    """A filename pattern such as ``{case}_T{wave}.docx``, compiled to a regular expression.

    ``{case}`` names the case, ``{wave}`` (or ``{time_point}``) is a whole number, ``{kind}`` a
    document kind, ``{any}`` and ``*`` match anything. The rest must match literally (letters
    without regard to case). A pattern without an extension is matched against the name without
    its extension too.
    """

    text: str
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, text: str) -> FilenamePattern:
        parts: list[str] = []
        seen: set[str] = set()
        for token in re.split(r"(\{[^{}]*\}|\*)", text):
            if token == "*":
                parts.append(".*?")
            elif token.startswith("{") and token.endswith("}"):
                field = token[1:-1].strip()
                if field not in PATTERN_FIELDS:
                    known = ", ".join("{" + name + "}" for name in PATTERN_FIELDS)
                    raise OptionError(
                        f"unknown field {token} in pattern {text!r}", hint=f"use {known} or *"
                    )
                group = "wave" if field == "time_point" else field
                if group in seen and group != "any":
                    raise OptionError(f"pattern {text!r} uses {token} twice")
                seen.add(group)
                parts.append(PATTERN_FIELDS[field])
            elif "{" in token or "}" in token:
                raise OptionError(f"unbalanced brace in pattern {text!r}")
            else:
                parts.append(re.escape(token))
        if not seen and "*" not in text:
            raise OptionError(
                f"pattern {text!r} has no field", hint="e.g. --pattern '{case}_T{wave}.docx'"
            )
        return cls(text, re.compile("".join(parts), re.IGNORECASE))

    def match(self, path: Path) -> dict[str, str] | None:
        """The fields of ``path``'s name, or None when it does not match."""
        for name in (path.stem, path.name):
            found = self.regex.fullmatch(name)
            if found is not None:
                return {k: v for k, v in found.groupdict().items() if v is not None}
        return None


# -- results ----------------------------------------------------------------------------------


@attrs.frozen
class FileOutcome:
    """What happened to one input file."""

    path: Path
    importer: str | None
    documents: int = 0
    error: QualcodeError | None = None
    report: LossReport = attrs.field(factory=LossReport)

    @property
    def ok(self) -> bool:
        return self.error is None


@attrs.define
class BatchResult:
    """The merged project, and per file what was imported or why it was skipped."""

    project: Project
    outcomes: list[FileOutcome] = attrs.field(factory=list)
    report: LossReport = attrs.field(factory=LossReport)
    """What the importers could not carry, over all files."""
    export_report: LossReport = attrs.field(factory=LossReport)
    """What writing the project could not carry (empty until it is written)."""
    written: Path | None = None

    @property
    def imported(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def documents(self) -> int:
        return sum(o.documents for o in self.outcomes)


# -- finding inputs ---------------------------------------------------------------------------


def collect_files(
    inputs: Sequence[str | Path],
    plugins: Plugins,
    format: str | None = None,
    exclude: Iterable[Path] = (),
) -> list[Path]:
    """The files to import: files as given, folders searched (recursively, sorted by path).

    In a folder only files some importer claims by extension are taken (with ``format``: that
    importer's extensions), skipping hidden files, Office lock files (``~$...``) and ``exclude``.
    """
    excluded = {p.resolve() for p in exclude}
    if format is not None:
        extensions = tuple(plugins.importers.get(format).extensions)
    else:
        extensions = tuple(ext for cls in plugins.importers for ext in cls.extensions)
    found: list[Path] = []
    seen: set[Path] = set()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
            chosen = [
                p
                for p in candidates
                if not _hidden(p.relative_to(path))
                and (not extensions or p.name.lower().endswith(extensions))
            ]
        elif path.exists():
            chosen = [path]
        else:
            raise InputNotFoundError("no such file or folder", path=path, hint="check the path")
        for candidate in chosen:
            resolved = candidate.resolve()
            if resolved in excluded or resolved in seen:
                continue
            seen.add(resolved)
            found.append(candidate)
    return found


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in relative.parts)


# -- merging ----------------------------------------------------------------------------------


class Merger:
    """Merges single-file projects into one target project, in time linear in their size.

    Indexes of the target (codes by path, coders, cases, variables, themes and sets by name) are
    built once and kept up to date. :meth:`merge` checks everything that can conflict before it
    changes the target, so a failed merge leaves the target as it was.
    """

    def __init__(self, target: Project) -> None:
        self.target = target
        self.coders = {c.name: c.id for c in target.coders}
        self.variables = {v.name: v.id for v in target.variables}
        self.cases = {c.name: c.id for c in target.cases}
        self.themes = {t.name: t.id for t in target.themes}
        self.sets = {s.name: s.id for s in target.sets}
        self.codes = {target.code_path(c.id): c.id for c in target.codes}
        self.document_names = {d.name for d in target.documents}

    def merge(self, source: Project, where: str = "") -> dict[str, str]:
        """Add ``source`` to the target; returns the map from source ids to target ids."""
        variable_plan = self._plan_variables(source, where)
        ids: dict[str, str] = {}
        for coder in source.coders:
            ids[coder.id] = self._merge_coder(coder)
        for variable in source.variables:
            ids[variable.id] = self._merge_variable(variable, variable_plan)
        for code in sorted(source.codes, key=lambda c: len(source.code_path(c.id))):
            ids[code.id] = self._merge_code(source, code, ids)
        for case in source.cases:
            ids[case.id] = self._merge_case(case, ids)
        for document in source.documents:
            ids[document.id] = self._add_document(document, ids)
        codings = [self._mapped_coding(coding, ids) for coding in source.codings]
        self.target.add_codings(codings)
        for coding, added in zip(source.codings, codings, strict=True):
            ids[coding.id] = added.id
        for case in source.cases:
            self._attach_case_references(case, ids)
        for theme in _parents_first(list(source.themes)):
            ids[theme.id] = self._merge_theme(theme, ids)
        for memo in source.memos:
            ids[memo.id] = self._add_memo(memo, ids)
        for group in source.sets:
            ids[group.id] = self._merge_set(group, ids)
        for link in source.links:
            ids[link.id] = self._add_link(link, ids)
        return ids

    # each entity kind ------------------------------------------------------------------------

    def _free_id(self, wanted: str) -> str:
        return wanted if self.target.find(wanted) is None else new_id()

    def _merge_coder(self, coder: Coder) -> str:
        existing = self.coders.get(coder.name)
        if existing is not None:
            return existing
        added = self.target.add_coder(attrs.evolve(coder, id=self._free_id(coder.id)))
        self.coders[coder.name] = added.id
        return added.id

    def _plan_variables(self, source: Project, where: str) -> dict[str, VariableType]:
        """The type each target variable must have after the merge; raises on a conflict."""
        values: dict[str, list[Value]] = {v.id: [] for v in source.variables}
        for holder in (*source.cases, *source.documents):
            for variable_id, value in holder.attributes.items():
                values[variable_id].append(value)
        plan: dict[str, VariableType] = {}
        for variable in source.variables:
            existing_id = self.variables.get(variable.name)
            if existing_id is None:
                continue
            existing = self.target.variables[existing_id]
            wanted = existing.type
            for value in values[variable.id]:
                widened = _widen(wanted, value)
                if widened is None:
                    raise ValueTypeError(
                        f"variable {variable.name!r} is {existing.type.value} in the project but "
                        f"{variable.type.value} in this file (value {value!r})",
                        path=where or None,
                        hint="rename the column or make the values agree",
                    )
                wanted = widened
            plan[existing_id] = wanted
        return plan

    def _merge_variable(self, variable: Variable, plan: Mapping[str, VariableType]) -> str:
        existing_id = self.variables.get(variable.name)
        if existing_id is not None:
            existing = self.target.variables[existing_id]
            wanted = plan.get(existing_id, existing.type)
            if wanted is not existing.type:
                self.target.add_variable(attrs.evolve(existing, type=wanted), replace=True)
            return existing_id
        added = self.target.add_variable(attrs.evolve(variable, id=self._free_id(variable.id)))
        self.variables[variable.name] = added.id
        return added.id

    def _merge_code(self, source: Project, code: Code, ids: dict[str, str]) -> str:
        path = source.code_path(code.id)
        existing = self.codes.get(path)
        if existing is not None:
            return existing
        parent = ids[code.parent_id] if code.parent_id is not None else None
        added = self.target.add_code(
            attrs.evolve(
                code,
                id=self._free_id(code.id),
                parent_id=parent,
                created_by=_mapped(code.created_by, ids),
                modified_by=_mapped(code.modified_by, ids),
            )
        )
        self.codes[path] = added.id
        return added.id

    def _values(self, attributes: Mapping[str, Value], ids: Mapping[str, str]) -> dict[str, Value]:
        converted: dict[str, Value] = {}
        for variable_id, value in attributes.items():
            target_id = ids[variable_id]
            converted[target_id] = _fit(value, self.target.variables[target_id].type)
        return converted

    def _merge_case(self, case: Case, ids: dict[str, str]) -> str:
        values = self._values(case.attributes, ids)
        existing_id = self.cases.get(case.name)
        if existing_id is None:
            added = self.target.add_case(
                Case(
                    id=self._free_id(case.id),
                    name=case.name,
                    description=case.description,
                    attributes=values,
                )
            )
            self.cases[case.name] = added.id
            return added.id
        existing = self.target.cases[existing_id]
        merged = dict(existing.attributes)
        for variable_id, value in values.items():
            merged.setdefault(variable_id, value)
        if merged != dict(existing.attributes):
            self.target.add_case(attrs.evolve(existing, attributes=merged), replace=True)
        return existing_id

    def _attach_case_references(self, case: Case, ids: Mapping[str, str]) -> None:
        if not case.code_ids and not case.coding_ids:
            return
        target = self.target.cases[ids[case.id]]
        code_ids = list(dict.fromkeys([*target.code_ids, *(ids[i] for i in case.code_ids)]))
        coding_ids = list(dict.fromkeys([*target.coding_ids, *(ids[i] for i in case.coding_ids)]))
        self.target.add_case(
            attrs.evolve(target, code_ids=code_ids, coding_ids=coding_ids), replace=True
        )

    def _add_document(self, document: Document, ids: Mapping[str, str]) -> str:
        self.document_names.add(document.name)
        added = self.target.add_document(
            attrs.evolve(
                document,
                id=self._free_id(document.id),
                case_id=_mapped(document.case_id, ids),
                attributes=self._values(document.attributes, ids),
                created_by=_mapped(document.created_by, ids),
                modified_by=_mapped(document.modified_by, ids),
            )
        )
        return added.id

    def _mapped_coding(self, coding: Coding, ids: Mapping[str, str]) -> Coding:
        return attrs.evolve(
            coding,
            id=self._free_id(coding.id),
            document_id=ids[coding.document_id],
            code_id=ids[coding.code_id],
            coder_id=_mapped(coding.coder_id, ids),
        )

    def _merge_theme(self, theme: Theme, ids: Mapping[str, str]) -> str:
        code_ids = [ids[i] for i in theme.code_ids]
        existing_id = self.themes.get(theme.name)
        if existing_id is not None:
            existing = self.target.themes[existing_id]
            joined = list(dict.fromkeys([*existing.code_ids, *code_ids]))
            if joined != list(existing.code_ids):
                self.target.add_theme(attrs.evolve(existing, code_ids=joined), replace=True)
            return existing_id
        added = self.target.add_theme(
            attrs.evolve(
                theme,
                id=self._free_id(theme.id),
                code_ids=code_ids,
                parent_id=_mapped(theme.parent_id, ids),
            )
        )
        self.themes[theme.name] = added.id
        return added.id

    def _add_memo(self, memo: Memo, ids: Mapping[str, str]) -> str:
        added = self.target.add_memo(
            attrs.evolve(
                memo,
                id=self._free_id(memo.id),
                target_ids=[ids.get(i, i) for i in memo.target_ids],
                created_by=_mapped(memo.created_by, ids),
                modified_by=_mapped(memo.modified_by, ids),
            )
        )
        return added.id

    def _merge_set(self, group: Set, ids: Mapping[str, str]) -> str:
        members = [ids.get(i, i) for i in group.member_ids]
        existing_id = self.sets.get(group.name)
        if existing_id is not None:
            existing = self.target.sets[existing_id]
            joined = list(dict.fromkeys([*existing.member_ids, *members]))
            self.target.add_set(attrs.evolve(existing, member_ids=joined), replace=True)
            return existing_id
        added = self.target.add_set(
            attrs.evolve(group, id=self._free_id(group.id), member_ids=members)
        )
        self.sets[group.name] = added.id
        return added.id

    def _add_link(self, link: Link, ids: Mapping[str, str]) -> str:
        added = self.target.add_link(
            attrs.evolve(
                link,
                id=self._free_id(link.id),
                origin_id=ids.get(link.origin_id, link.origin_id),
                target_id=ids.get(link.target_id, link.target_id),
            )
        )
        return added.id


def _mapped(value: str | None, ids: Mapping[str, str]) -> str | None:
    """A reference carried over: mapped when it names a merged entity, else kept as it is."""
    return None if value is None else ids.get(value, value)


def _parents_first(themes: list[Theme]) -> list[Theme]:
    by_id = {t.id: t for t in themes}

    def depth(theme: Theme) -> int:
        level, current, seen = 0, theme.parent_id, set()
        while current in by_id and current not in seen:
            seen.add(current)
            level += 1
            current = by_id[current].parent_id
        return level

    return sorted(themes, key=depth)


def _widen(kind: VariableType, value: Value) -> VariableType | None:
    """The type that holds both ``kind``'s values and ``value``, or None if there is none."""
    if value_matches(kind, value) or kind is VariableType.TEXT:
        return kind
    if kind is VariableType.INTEGER and value_matches(VariableType.FLOAT, value):
        return VariableType.FLOAT
    return None


def _fit(value: Value, kind: VariableType) -> Value:
    """``value`` as a value of ``kind`` (which :func:`_widen` allowed)."""
    if value_matches(kind, value):
        return value
    if kind is VariableType.TEXT:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if kind is VariableType.FLOAT and isinstance(value, int):
        return float(value)
    raise ValueTypeError(f"value {value!r} does not fit a variable of type {kind.value}")


# -- the batch --------------------------------------------------------------------------------


def import_files(
    inputs: Sequence[str | Path],
    project: Project | None = None,
    *,
    pattern: str | FilenamePattern | None = None,
    kind: DocumentKind | str | None = None,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
    keep_going: bool = False,
    plugins: Plugins | None = None,
    exclude: Iterable[Path] = (),
    progress: Progress | None = None,
) -> BatchResult:
    """Import every file of ``inputs`` into ``project`` (a new one if None).

    ``pattern`` assigns case and time point from file names; ``kind`` sets every document's
    kind; ``format`` names the importer for all files (default: detected per file); ``options``
    go to every importer. Without ``keep_going`` the first bad file raises its
    :class:`QualcodeError`; with it the file is recorded in the result's outcomes and skipped.
    """
    plugins = plugins or default_plugins()
    project = project if project is not None else Project()
    compiled = FilenamePattern.compile(pattern) if isinstance(pattern, str) else pattern
    document_kind = _kind(kind) if kind is not None else None
    if format is not None:
        plugins.importers.get(format)  # an unknown format fails before any work
    files = collect_files(inputs, plugins, format, exclude)
    if not files:
        raise InputNotFoundError(
            "no files to import in " + ", ".join(str(p) for p in inputs),
            hint="name files, or folders holding files of a known format",
        )
    result = BatchResult(project)
    merger = Merger(project)
    if progress is not None:
        progress(files[0], 0, len(files))
    for done, path in enumerate(files, start=1):
        try:
            outcome = _import_one(
                path, merger, plugins, compiled, document_kind, format, dict(options or {})
            )
        except QualcodeError as error:
            if not keep_going:
                raise
            if error.path is None:
                error.path = str(path)
            outcome = FileOutcome(path, None, error=error)
        result.outcomes.append(outcome)
        result.report.extend(outcome.report)
        if progress is not None:
            progress(path, done, len(files))
    return result


def _kind(value: DocumentKind | str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise OptionError(f"unknown document kind {value!r}; use one of: {known}") from None


def _import_one(
    path: Path,
    merger: Merger,
    plugins: Plugins,
    pattern: FilenamePattern | None,
    kind: DocumentKind | None,
    format: str | None,
    options: dict[str, Any],
) -> FileOutcome:
    fields: dict[str, str] = {}
    if pattern is not None:
        matched = pattern.match(path)
        if matched is None:
            raise OptionError(
                f"the file name does not match the pattern {pattern.text!r}",
                path=path,
                hint="rename the file, change --pattern, or pass --keep-going to skip it",
            )
        fields = matched
    file_kind = _kind(fields["kind"].lower()) if "kind" in fields else kind
    name = format or plugins.detect(path)
    importer = plugins.importers.get(name)()
    imported = importer.read(path, **options)
    source = imported.project
    if not len(source.documents):
        imported.report.warn(f"{path.name}: no documents in this file")
    _assign(source, fields.get("case"), fields.get("wave"), file_kind)
    repeated = [d.name for d in source.documents if d.name in merger.document_names]
    if repeated:
        shown = ", ".join(repr(name) for name in repeated[:3])
        more = f" and {len(repeated) - 3} more" if len(repeated) > 3 else ""
        imported.report.warn(
            f"{path.name}: the project already has documents named {shown}{more}; "
            "they were added again"
        )
    merger.merge(source, str(path))
    return FileOutcome(path, name, len(source.documents), report=imported.report)


def _assign(
    source: Project, case_name: str | None, wave: str | None, kind: DocumentKind | None
) -> None:
    """Give every document of a single-file project the case, time point and kind asked for."""
    changes: dict[str, Any] = {}
    if case_name is not None:
        found = source.cases.by_name(case_name)
        case = found[0] if found else source.add_case(Case(id=new_id(), name=case_name))
        changes["case_id"] = case.id
    if wave is not None:
        changes["time_point"] = int(wave)
    if kind is not None:
        changes["kind"] = kind
    if changes:
        for document in list(source.documents):
            source.add_document(attrs.evolve(document, **changes), replace=True)


def import_into(
    inputs: Sequence[str | Path],
    target: str | Path,
    *,
    target_format: str | None = None,
    pattern: str | FilenamePattern | None = None,
    kind: DocumentKind | str | None = None,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
    keep_going: bool = False,
    plugins: Plugins | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Import ``inputs`` into the project file ``target`` (created, or loaded and extended).

    The file is written once, atomically, after every input was read; if any input fails
    without ``keep_going``, or none could be imported, nothing is written.
    """
    target = Path(target)
    plugins = plugins or default_plugins()
    exporter = target_format or plugins.exporter_for(target)
    plugins.exporters.get(exporter)
    if target.exists():
        project = load(target, plugins=plugins)
    else:
        if not target.parent.is_dir():
            raise InputNotFoundError(
                "the folder of the project file does not exist", path=target, hint="create it"
            )
        project = Project(name=_project_name(target))
    result = import_files(
        inputs,
        project,
        pattern=pattern,
        kind=kind,
        format=format,
        options=options,
        keep_going=keep_going,
        plugins=plugins,
        exclude=[target],
        progress=progress,
    )
    if not result.imported:
        raise QualcodeError(
            f"none of the {len(result.outcomes)} file(s) could be imported; nothing was written",
            path=target,
            hint="see the errors above",
        )
    result.export_report = save(result.project, target, exporter, plugins=plugins)
    result.written = target
    return result


def _project_name(path: Path) -> str:
    name = path.name
    return name.split(".", 1)[0] if "." in name else name
