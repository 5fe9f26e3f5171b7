"""The REFI-QDA importers and exporters, registered as a built-in plugin.

``qdpx``: a whole project in a ZIP; ``qde``: the project XML alone (texts inline); ``qdc``: a
codebook. Exporters take ``target`` (spec, nvivo, atlasti, maxqda, qualcoder): the program whose
reading rules the file follows. Without it, a project keeps the profile of the program it came
from (its ``origin``: a project read from NVivo is written for NVivo), and any other project is
written by the standard. The report names the target written (:attr:`LossReport.target`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from qualcode.fileio import atomic_output, read_bytes, require_file
from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.formats.refiqda.codebook import read_codebook, write_codebook
from qualcode.formats.refiqda.container import (
    DEFAULT_LIMITS,
    Limits,
    QdpxArchive,
    SourcesFolder,
    write_qdpx,
)
from qualcode.formats.refiqda.guid_ids import guid_map, rekeyed
from qualcode.formats.refiqda.positions import target_for_origin
from qualcode.formats.refiqda.reader import QdeReader
from qualcode.formats.refiqda.targets import DEFAULT_TARGET, TARGETS, Target, get_target
from qualcode.formats.refiqda.writer import NOTE_OPTION_HELP, QdeWriter, wants_note
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.options import Option, check_options
from qualcode.project import Project

_TARGET_HELP = (
    "the program to write for: "
    + ", ".join(TARGETS)
    + " (default: the program the project came from, else spec)"
)


def _version() -> str:
    from qualcode import __version__

    return __version__


MAX_BYTES = Option(
    "max_bytes",
    "refuse archives that expand to more bytes than this",
    kind="integer",
    minimum=1,
)


def _limits(options: dict[str, Any], owner: str) -> Limits:
    checked = check_options((MAX_BYTES,), options, owner=owner)
    if "max_bytes" not in checked:
        return DEFAULT_LIMITS
    limit = int(checked["max_bytes"])
    return Limits(max_member=min(limit, DEFAULT_LIMITS.max_member), max_total=limit)


def _export_target(options: dict[str, Any], allowed: tuple[str, ...] = ("target",)) -> str:
    check_options([Option(name, name) for name in allowed], options, owner="the REFI-QDA exporter")
    return get_target(options.get("target")).name


class QdpxImporter(Importer):
    name = "qdpx"
    extensions = (".qdpx",)
    description = "REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder, ...)"
    options = (MAX_BYTES,)

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """A ZIP holding a ``.qde``: named in its first bytes, or else in its list of members
        (MAXQDA writes the texts first and ``project.qde`` last, and a .qdpx renamed .zip is
        common)."""
        if not head.startswith(b"PK\x03\x04"):
            return False
        return b".qde" in head or _lists_a_qde(path)

    def read(self, path: Path, **options: Any) -> ImportResult:
        limits = _limits(options, "importer 'qdpx'")
        report = LossReport()
        with QdpxArchive(path, limits) as archive:
            data = archive.read_qde()

            def resolve(name: str) -> bytes | None:
                member = archive.source_member(name)
                return archive.read_member(member) if member is not None else None

            reader = QdeReader(archive.member_label(archive.qde_name), resolve, report)
            project = _original_ids(reader.read(data), reader)
        return ImportResult(project, report)


def _lists_a_qde(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.lower().endswith(".qde") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


class QdeImporter(Importer):
    name = "qde"
    extensions = (".qde",)
    description = (
        "REFI-QDA project XML alone (.qde); internal files from a sources/ folder beside it"
    )
    options = {"max_bytes": "refuse internal files larger than this"}

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return b"<Project" in head and b"QDA-XML:project" in head

    def read(self, path: Path, **options: Any) -> ImportResult:
        limits = _limits(options, "importer 'qde'")
        path = require_file(path)
        report = LossReport()
        resolve = SourcesFolder(path, limits).read
        reader = QdeReader(str(path), resolve, report)
        project = _original_ids(reader.read(read_bytes(path)), reader)
        return ImportResult(project, report)


class QdcImporter(Importer):
    name = "qdc"
    extensions = (".qdc",)
    description = "REFI-QDA codebook (.qdc): codes and sets of codes"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return b"<CodeBook" in head and b"QDA-XML:codebook" in head

    def read(self, path: Path, **options: Any) -> ImportResult:
        _limits(options, "importer 'qdc'")
        report = LossReport()
        return ImportResult(read_codebook(require_file(path), report), report)


EXPORT_OPTIONS = ("target", "qualcode_note")
"""The options of the REFI-QDA project exporters."""


def chosen_target(project: Project, options: dict[str, Any]) -> tuple[Target, str]:
    """The target to write ``project`` for, and why, in words.

    The ``target`` option when given; else the profile of the program the project came from
    (:func:`.positions.target_for_origin` of ``project.origin``), so that a project read from
    NVivo goes back with NVivo's position counting; else the standard.
    """
    given = options.get("target")
    if given is not None and str(given).strip():
        return get_target(_export_target(options, EXPORT_OPTIONS)), "as asked"
    _export_target(options, EXPORT_OPTIONS)  # refuses unknown options
    name = target_for_origin(project.origin)
    if name in TARGETS and name != DEFAULT_TARGET:
        return TARGETS[name], f"the program the project came from, {project.origin.strip()!r}"
    return TARGETS[DEFAULT_TARGET], "the default: the project did not come from another program"


def _writer(project: Project, options: dict[str, Any], *, container: bool) -> QdeWriter:
    """The project writer for the target the options name (see :func:`chosen_target`)."""
    target, why = chosen_target(project, options)
    note = wants_note(options.get("qualcode_note"))
    ids = guid_map(project)
    writer = QdeWriter(
        rekeyed(project, ids), target, container=container, version=_version(), note=note
    )
    writer.extras.ids = {guid: original for original, guid in ids.items()}
    writer.report.target = target.name
    writer.report.written_for = f"{target.label} (target {target.name}; {why})"
    return writer


def _original_ids(project: Project, reader: QdeReader) -> Project:
    """The project with the ids qualcode wrote as GUIDs (see :mod:`.guid_ids`) given back."""
    if reader.extras is None or not reader.extras.ids:
        return project
    present = {guid: original for guid, original in reader.extras.ids.items() if project.find(guid)}
    return rekeyed(project, present)


class QdpxExporter(Exporter):
    name = "qdpx"
    extensions = (".qdpx",)
    description = "REFI-QDA project (.qdpx), schema-valid, positions for the chosen target"
    options = {"target": _TARGET_HELP, "qualcode_note": NOTE_OPTION_HELP}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        writer = _writer(project, options, container=True)
        qde = writer.build_pieces()
        write_qdpx(Path(path), qde, writer.files, folder=writer.target.folder)
        return writer.report

    def losses(self, project: Project, **options: Any) -> LossReport:
        """What :meth:`write` would report, without compressing or writing anything."""
        writer = _writer(project, options, container=True)
        writer.build()
        return writer.report


class QdeExporter(Exporter):
    name = "qde"
    extensions = (".qde",)
    description = "REFI-QDA project XML alone (.qde), texts inline, no original files"
    options = {"target": _TARGET_HELP, "qualcode_note": NOTE_OPTION_HELP}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        writer = _writer(project, options, container=False)
        data = writer.build()
        with atomic_output(path) as stream:
            stream.write(data)
        return writer.report

    def losses(self, project: Project, **options: Any) -> LossReport:
        """What :meth:`write` would report, without writing anything."""
        writer = _writer(project, options, container=False)
        writer.build()
        return writer.report


class QdcExporter(Exporter):
    name = "qdc"
    extensions = (".qdc",)
    description = "REFI-QDA codebook (.qdc): codes, sets of codes, themes as sets"
    options = {"target": "accepted for symmetry; a codebook is the same for every program"}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        _export_target(options)
        return write_codebook(rekeyed(project, guid_map(project)), Path(path), _version())


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [QdpxImporter, QdeImporter, QdcImporter]


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return [QdpxExporter, QdeExporter, QdcExporter]
