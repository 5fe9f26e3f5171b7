"""Batch import: many files and folders, each read by its importer, merged into one project.

:func:`import_files` reads every input with the importer its name (or ``format``) calls for and
merges each single-file project into a target project with
:class:`~qualcode.analysis.merge.Merger`. A filename pattern
such as ``{case}_T{wave}.docx`` assigns each file's documents a case (created when missing) and a
time point. Without ``keep_going`` the first bad file raises and the target is left untouched by
that call's caller (nothing is written); with it, bad files are reported and skipped.
:func:`import_into` adds reading and atomically writing the target file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.analysis.merge import Merger
from qualcode.api import load, save
from qualcode.errors import (
    InputNotFoundError,
    OptionError,
    QualcodeError,
)
from qualcode.model import (
    Case,
    DocumentKind,
    new_id,
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
