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
import unicodedata
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
from qualcode.fileio import check_input, check_output
from qualcode.losses import LossReport
from qualcode.model import (
    Case,
    DocumentKind,
    new_id,
)
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project

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
        """The fields of ``path``'s name, or None when it does not match.

        Names are read in Unicode NFC: macOS file systems hand out decomposed names (``E`` and a
        combining accent for ``É``), so the same participant would otherwise become two cases.
        """
        for name in (path.stem, path.name):
            found = self.regex.fullmatch(unicodedata.normalize("NFC", name))
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
            check_input(path, folder=True)  # an unreadable folder would look empty
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
    go to the importers, each getting those it declares (:attr:`Importer.options`): an option
    that no importer of the run declares is an :class:`OptionError` before any file is read.
    Without ``keep_going`` the first bad file raises its :class:`QualcodeError`; with it the file
    is recorded in the result's outcomes and skipped.
    """
    plugins = plugins or default_plugins()
    batch = _Batch.prepare(inputs, plugins, pattern, kind, format, options, exclude)
    return batch.run(project if project is not None else Project(), keep_going, progress)


@attrs.frozen
class _Batch:
    """A batch checked before any file is read: each file with its importer (or why none)."""

    plugins: Plugins
    files: list[tuple[Path, str | QualcodeError]]
    options: dict[str, dict[str, Any]]
    """The options each importer of the batch gets, by importer name."""
    pattern: FilenamePattern | None
    kind: DocumentKind | None

    @classmethod
    def prepare(
        cls,
        inputs: Sequence[str | Path],
        plugins: Plugins,
        pattern: str | FilenamePattern | None,
        kind: DocumentKind | str | None,
        format: str | None,
        options: Mapping[str, Any] | None,
        exclude: Iterable[Path],
    ) -> _Batch:
        compiled = FilenamePattern.compile(pattern) if isinstance(pattern, str) else pattern
        document_kind = _kind(kind) if kind is not None else None
        if format is not None:
            plugins.importers.get(format)  # an unknown format fails before any work
        found = collect_files(inputs, plugins, format, exclude)
        if not found:
            raise InputNotFoundError(
                "no files to import in " + ", ".join(str(p) for p in inputs),
                hint="name files, or folders holding files of a known format",
            )
        files: list[tuple[Path, str | QualcodeError]] = []
        for path in found:
            try:
                check_input(path)
                files.append((path, format or plugins.detect(path)))
            except QualcodeError as error:  # raised, or skipped, in its turn
                files.append((path, error))
        names = {name for _, name in files if isinstance(name, str)}
        chosen = importer_options(options or {}, names, plugins)
        return cls(plugins, files, chosen, compiled, document_kind)

    def run(self, project: Project, keep_going: bool, progress: Progress | None) -> BatchResult:
        result = BatchResult(project)
        merger = Merger(project)
        total = len(self.files)
        if progress is not None:
            progress(self.files[0][0], 0, total)
        for done, (path, name) in enumerate(self.files, start=1):
            try:
                if isinstance(name, QualcodeError):
                    raise name
                outcome = _import_one(
                    path, merger, self.plugins, self.pattern, self.kind, name, self.options[name]
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
                progress(path, done, total)
        return result


def importer_options(
    options: Mapping[str, Any], importers: Iterable[str], plugins: Plugins
) -> dict[str, dict[str, Any]]:
    """The options each of ``importers`` gets: those it declares in :attr:`Importer.options`.

    An option that none of them declares is an :class:`OptionError` naming it, the importers
    and the options they know, so a misspelt name never passes unnoticed.
    """
    classes = {name: plugins.importers.get(name) for name in sorted(set(importers))}
    if not classes:
        return {}
    known = sorted({key for cls in classes.values() for key in cls.options})
    unknown = [key for key in options if key not in known]
    if unknown:
        names = list(classes)
        which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        noun = "importer" if len(names) == 1 else "importers"
        label = "option" if len(unknown) == 1 else "options"
        shown = ", ".join(repr(key) for key in unknown)
        if known:
            hint = "known: " + ", ".join(known)
        else:
            hint = "it takes no options" if len(names) == 1 else "they take no options"
        raise OptionError(f"unknown {label} {shown} for the {which} {noun}", hint=hint)
    return {
        name: {key: value for key, value in options.items() if key in cls.options}
        for name, cls in classes.items()
    }


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
    name: str,
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


class NothingImportedError(QualcodeError):
    """Every input failed (with ``keep_going``): :attr:`result` says why each one did."""

    def __init__(self, result: BatchResult, target: Path) -> None:
        super().__init__(
            f"none of the {len(result.outcomes)} file(s) could be imported; nothing was written",
            path=target,
            hint="see the skipped files above",
        )
        self.result = result


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
    check_output(target)  # a folder or a missing folder fails before any work
    exporter = target_format or plugins.exporter_for(target)
    plugins.exporters.get(exporter)
    batch = _Batch.prepare(inputs, plugins, pattern, kind, format, options, [target])
    if target.is_file():
        project = load(check_input(target), plugins=plugins)
    else:  # a new file (a device or a FIFO, such as /dev/null, starts empty too)
        project = Project(name=_project_name(target))
    result = batch.run(project, keep_going, progress)
    if not result.imported:
        raise NothingImportedError(result, target)
    result.export_report = save(result.project, target, exporter, plugins=plugins)
    result.written = target
    return result


def _project_name(path: Path) -> str:
    name = path.name
    return name.split(".", 1)[0] if "." in name else name
