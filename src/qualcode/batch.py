"""Batch import: many files and folders merged into one project, in memory or in a project file.

:func:`import_files` is what ``qualcode import`` does, as one library call. Each input is read
as one of three things:

- **documents** (the default): read by the importer its name (or ``format``) calls for, and
  merged with :class:`~qualcode.analysis.merge.Merger`; a filename pattern such as
  ``{case}_T{wave}*`` (see :mod:`qualcode.filename_patterns`) assigns each file's documents a
  case (created when missing) and a time point;
- a **codebook** (``.toml``, ``.qdc``, or a CSV whose header has ``code`` and ``definition``
  columns): codes merged by path, themes by name (see :mod:`qualcode.codebooks`);
- a **cases table** (a CSV/TSV whose first column is ``case``): attributes set on the cases of
  the same names, cases created when missing (see :mod:`qualcode.cases_table`).

``read_as`` forces one of them for every input. Without ``keep_going`` the first bad file raises
and nothing is written; with it, bad files are reported and skipped. Given a path, ``into`` is a
project file that is loaded when it exists and written once, atomically, at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.analysis.merge import Merger
from qualcode.api import load, save
from qualcode.cases_table import TABLE_OPTIONS, CasesMerge, merge_cases
from qualcode.cases_table import read_cases_table as read_cases
from qualcode.codebooks import (
    CODEBOOK_EXTENSIONS,
    CodebookMerge,
    merge_codebook,
    read_codebook,
)
from qualcode.errors import InputNotFoundError, OptionError, QualcodeError
from qualcode.fileio import check_input, check_output
from qualcode.filename_patterns import PATTERN_FIELDS, FilenamePattern
from qualcode.import_plans import (
    CASES_READER,
    CODEBOOK_READER,
    TABLE_EXTENSIONS,
    Plan,
    ReadAs,
    plan_for,
)
from qualcode.import_plans import read_as as read_as_choice
from qualcode.losses import LossReport
from qualcode.model import Case, DocumentKind, new_id
from qualcode.options import option_names
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project

__all__ = [
    "PATTERN_FIELDS",
    "BatchResult",
    "FileOutcome",
    "FilenamePattern",
    "NothingImportedError",
    "Progress",
    "ReadAs",
    "collect_files",
    "import_files",
    "import_into",
    "importer_options",
]

Progress = Callable[[Path, int, int], None]
"""Called with a file, how many files are done, and how many there are: once before the first
file (0 done) and after each file."""


# -- results ----------------------------------------------------------------------------------


@attrs.frozen
class FileOutcome:
    """What happened to one input file."""

    path: Path
    importer: str | None
    """The importer that read it, ``codebook`` or ``cases table``; None when it failed early."""
    documents: int = 0
    error: QualcodeError | None = None
    report: LossReport = attrs.field(factory=LossReport)
    read_as: ReadAs = ReadAs.DOCUMENTS
    codebook: CodebookMerge | None = None
    """For a codebook: codes and themes added or matched."""
    cases: CasesMerge | None = None
    """For a cases table: cases updated and created."""
    detected: str = ""
    """Why a file was read as a codebook or cases table without being asked to, if it was."""

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """One line saying what this file added, e.g. ``codebook.toml: 7 code(s) added``."""
        if self.error is not None:
            return f"{self.path.name}: skipped: {self.error}"
        if self.codebook is not None:
            what = f"codebook, {self.codebook.summary()}"
        elif self.cases is not None:
            what = f"cases table, {self.cases.summary()}"
        else:
            what = f"{self.documents} document(s)"
        return f"{self.path.name}: {what}" + (f" ({self.detected})" if self.detected else "")


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
    """The project file written, when ``into`` was a path."""

    @property
    def imported(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def documents(self) -> int:
        return sum(o.documents for o in self.outcomes)


class NothingImportedError(QualcodeError):
    """Every input failed (with ``keep_going``): :attr:`result` says why each one did."""

    def __init__(self, result: BatchResult, target: Path) -> None:
        super().__init__(
            f"none of the {len(result.outcomes)} file(s) could be imported; nothing was written",
            path=target,
            hint="see the skipped files above",
        )
        self.result = result


# -- finding inputs ---------------------------------------------------------------------------


def collect_files(
    inputs: Sequence[str | Path],
    plugins: Plugins,
    format: str | None = None,
    exclude: Iterable[Path] = (),
    read_as: ReadAs | str | None = None,
) -> list[Path]:
    """The files to import: files as given, folders searched (recursively, sorted by path).

    In a folder only files some importer claims by extension are taken (with ``format``: that
    importer's extensions; read as a codebook or cases table: those the reader takes), skipping
    hidden files, Office lock files (``~$...``) and ``exclude``.
    """
    excluded = {p.resolve() for p in exclude}
    if read_as == ReadAs.CODEBOOK:
        extensions: tuple[str, ...] = CODEBOOK_EXTENSIONS
    elif read_as == ReadAs.CASES:
        extensions = (*TABLE_EXTENSIONS, ".xlsx")
    elif format is not None:
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
    into: Project | str | Path | None = None,
    *,
    read_as: ReadAs | str | None = None,
    pattern: str | FilenamePattern | None = None,
    kind: DocumentKind | str | None = None,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
    keep_going: bool = False,
    to: str | None = None,
    target: str | None = None,
    plugins: Plugins | None = None,
    exclude: Iterable[Path] = (),
    progress: Progress | None = None,
) -> BatchResult:
    """Import every file of ``inputs`` into a project: what ``qualcode import`` does.

    ``into`` is a :class:`Project` (changed in place), a project file (created, or loaded and
    extended, then written atomically once every input was read; nothing is written if an input
    fails without ``keep_going``, or if none could be imported), or None for a new project.

    ``read_as`` reads every input as documents, a codebook or a cases table (default: decided
    per file, see :func:`qualcode.import_plans.plan_for`). ``pattern`` assigns case and time
    point from file names, ``kind`` sets every document's kind, ``format`` names the importer for
    all documents (default: detected per file). ``options`` go to the readers, each getting
    those it declares (:attr:`Importer.options`, :data:`qualcode.cases_table.TABLE_OPTIONS`):
    an option that no reader of the run declares is an :class:`OptionError` before any file is
    read. ``to`` names the exporter of a project file (default: from its extension) and
    ``target`` is the program a REFI-QDA file is written for (e.g. ``nvivo``). Without
    ``keep_going`` the first bad file raises its :class:`QualcodeError`; with it the file is
    recorded in the result's outcomes and skipped. The result carries the project and the
    report of what was not carried.
    """
    plugins = plugins or default_plugins()
    if isinstance(into, Project) or into is None:
        if to is not None or target is not None:
            raise OptionError(
                "'to' and 'target' choose how a project file is written",
                hint="pass a file name as into, or save the project with qualcode.save",
            )
        batch = _Batch.prepare(inputs, plugins, read_as, pattern, kind, format, options, ())
        return batch.run(into if into is not None else Project(), keep_going, progress)
    return _import_into_file(
        inputs,
        Path(into),
        plugins,
        read_as=read_as,
        pattern=pattern,
        kind=kind,
        format=format,
        options=options,
        keep_going=keep_going,
        to=to,
        target=target,
        progress=progress,
    )


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
    """Import ``inputs`` into the project file ``target``: :func:`import_files` with a path as
    ``into`` and ``target_format`` as ``to`` (kept for scripts written before it)."""
    return import_files(
        inputs,
        Path(target),
        to=target_format,
        pattern=pattern,
        kind=kind,
        format=format,
        options=options,
        keep_going=keep_going,
        plugins=plugins,
        progress=progress,
    )


def _import_into_file(
    inputs: Sequence[str | Path],
    path: Path,
    plugins: Plugins,
    *,
    read_as: ReadAs | str | None,
    pattern: str | FilenamePattern | None,
    kind: DocumentKind | str | None,
    format: str | None,
    options: Mapping[str, Any] | None,
    keep_going: bool,
    to: str | None,
    target: str | None,
    progress: Progress | None,
) -> BatchResult:
    check_output(path)  # a folder or a missing folder fails before any work
    exporter_name = to or plugins.exporter_for(path)
    exporter = plugins.exporters.get(exporter_name)
    export_options: dict[str, Any] = {}
    if target is not None:
        if "target" not in option_names(exporter):
            raise OptionError(
                f"the {exporter_name} exporter takes no target program",
                path=path,
                hint="--target is for REFI-QDA outputs (.qdpx, .qde)",
            )
        export_options["target"] = target
    batch = _Batch.prepare(inputs, plugins, read_as, pattern, kind, format, options, [path])
    if path.is_file():
        project = load(check_input(path), plugins=plugins)
    else:  # a new file (a device or a FIFO, such as /dev/null, starts empty too)
        project = Project(name=_project_name(path))
    result = batch.run(project, keep_going, progress)
    if not result.imported:
        raise NothingImportedError(result, path)
    result.export_report = save(
        result.project, path, exporter_name, plugins=plugins, **export_options
    )
    result.written = path
    return result


def _project_name(path: Path) -> str:
    name = path.name
    return name.split(".", 1)[0] if "." in name else name


@attrs.frozen
class _Batch:
    """A batch checked before any file is read: each file with its plan (or why it has none)."""

    plugins: Plugins
    files: list[tuple[Path, Plan | QualcodeError]]
    options: dict[str, dict[str, Any]]
    """The options each reader of the batch gets, by importer name (or codebook, cases table)."""
    pattern: FilenamePattern | None
    kind: DocumentKind | None

    @classmethod
    def prepare(
        cls,
        inputs: Sequence[str | Path],
        plugins: Plugins,
        read_as: ReadAs | str | None,
        pattern: str | FilenamePattern | None,
        kind: DocumentKind | str | None,
        format: str | None,
        options: Mapping[str, Any] | None,
        exclude: Iterable[Path],
    ) -> _Batch:
        forced = read_as_choice(read_as) if read_as is not None else None
        compiled = FilenamePattern.compile(pattern) if isinstance(pattern, str) else pattern
        document_kind = _kind(kind) if kind is not None else None
        if format is not None:
            plugins.importers.get(format)  # an unknown format fails before any work
        found = collect_files(inputs, plugins, format, exclude, forced)
        if not found:
            raise InputNotFoundError(
                "no files to import in " + ", ".join(str(p) for p in inputs),
                hint="name files, or folders holding files of a known format",
            )
        files: list[tuple[Path, Plan | QualcodeError]] = []
        for path in found:
            try:
                check_input(path)
                files.append((path, plan_for(path, plugins, forced, format, options or {})))
            except QualcodeError as error:  # raised, or skipped, in its turn
                files.append((path, error))
        readers = {plan.reader for _, plan in files if isinstance(plan, Plan)}
        chosen = importer_options(options or {}, readers, plugins)
        return cls(plugins, files, chosen, compiled, document_kind)

    def run(self, project: Project, keep_going: bool, progress: Progress | None) -> BatchResult:
        result = BatchResult(project)
        merger = Merger(project)
        total = len(self.files)
        if progress is not None:
            progress(self.files[0][0], 0, total)
        for done, (path, plan) in enumerate(self.files, start=1):
            try:
                if isinstance(plan, QualcodeError):
                    raise plan
                outcome = self._read_one(path, plan, project, merger)
                if outcome.read_as is not ReadAs.DOCUMENTS:  # the project changed under it
                    merger = Merger(project)
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

    def _read_one(self, path: Path, plan: Plan, project: Project, merger: Merger) -> FileOutcome:
        options = self.options.get(plan.reader, {})
        if plan.read_as is ReadAs.CODEBOOK:
            codebook = read_codebook(path, project)
            merged = merge_codebook(project, codebook, str(path))
            return FileOutcome(
                path,
                CODEBOOK_READER,
                report=codebook.report,
                read_as=plan.read_as,
                codebook=merged,
                detected=plan.detected,
            )
        if plan.read_as is ReadAs.CASES:
            report = LossReport()
            cases = merge_cases(project, read_cases(path, report, **options), str(path))
            return FileOutcome(
                path,
                CASES_READER,
                report=report,
                read_as=plan.read_as,
                cases=cases,
                detected=plan.detected,
            )
        return _import_documents(
            path, merger, self.plugins, self.pattern, self.kind, plan.importer, options
        )


def importer_options(
    options: Mapping[str, Any], importers: Iterable[str], plugins: Plugins
) -> dict[str, dict[str, Any]]:
    """The options each of ``importers`` gets: those it declares in :attr:`Importer.options`.

    ``codebook`` and ``cases table`` are readers too (the codebook takes no options, the cases
    table :data:`~qualcode.cases_table.TABLE_OPTIONS`). An option that none of them declares is
    an :class:`OptionError` naming it, the readers and the options they know, so a misspelt name
    never passes unnoticed.
    """
    declared: dict[str, tuple[str, ...]] = {}
    for name in sorted(set(importers)):
        if name == CODEBOOK_READER:
            declared[name] = ()
        elif name == CASES_READER:
            declared[name] = tuple(TABLE_OPTIONS)
        else:
            declared[name] = option_names(plugins.importers.get(name))
    if not declared:
        return {}
    known = sorted({key for accepted in declared.values() for key in accepted})
    unknown = [key for key in options if key not in known]
    if unknown:
        names = list(declared)
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
        name: {key: value for key, value in options.items() if key in accepted}
        for name, accepted in declared.items()
    }


def _kind(value: DocumentKind | str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise OptionError(f"unknown document kind {value!r}; use one of: {known}") from None


def _import_documents(
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
            raise pattern.mismatch(path)
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
