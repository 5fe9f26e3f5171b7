"""Registers the table exports: coded segments, code presence and counts, codebooks, a workbook.

Each is an ordinary exporter, chosen by ``--to NAME`` or by the output's extension (``.csv``:
coded segments; ``.xlsx``: the workbook of every table; ``.md``: the codebook). See
``docs/formats/tables.md`` for the columns of each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from qualcode.errors import OptionError
from qualcode.fileio import atomic_output, check_output
from qualcode.formats.base import Exporter
from qualcode.formats.tables.cells import CellCleaner, Formulas
from qualcode.formats.tables.codebook_export import (
    codebook_docx,
    codebook_markdown,
    codebook_table,
)
from qualcode.formats.tables.csv_tables import write_csv, write_csv_rows
from qualcode.formats.tables.segments import (
    counts_table,
    presence_table,
    segment_columns,
    segment_rows,
    segments_table,
)
from qualcode.formats.tables.xlsx_tables import openpyxl_module, write_xlsx
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.project import Project

_FORMULAS_HELP = (
    "escape (default): a text starting with = + - @ gets a leading ' so that Excel does not "
    "run it; keep: write texts unchanged (for R or pandas)"
)
_ROWS_HELP = "what each row is: case (default), document, time, case-time or an attribute's name"


class TableExporter(Exporter):
    """An exporter of this module: ``file_suffix`` is the kind of file it writes.

    Only the main export of each kind claims the extension (``.csv``: coded segments, ``.xlsx``:
    the workbook, ``.md``: the codebook), as no two built-in exporters may claim one; the others
    are chosen by name (``--to codebook-csv``).
    """

    file_suffix: ClassVar[str]

    def losses(self, project: Project, **options: Any) -> LossReport:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            return self.write(project, Path(folder) / f"probe{self.file_suffix}", **options)


def _formulas(options: dict[str, Any]) -> Formulas:
    value = str(options.get("formulas", "escape")).strip().lower()
    if value not in ("escape", "keep"):
        raise OptionError(f"formulas must be escape or keep, not {value!r}")
    return "escape" if value == "escape" else "keep"


def _region_losses(project: Project, report: LossReport) -> None:
    regions = sum(1 for coding in project.codings if coding.region is not None)
    if regions:
        report.add(
            "regions of codings (PDF boxes, picture areas, time ranges); rows give text positions",
            count=regions,
        )


class SegmentsCsvExporter(TableExporter):
    name = "segments-csv"
    file_suffix = ".csv"
    extensions = (".csv",)
    description = "coded segments as CSV for Excel and R: one row per coding, with its quote"
    options: ClassVar[dict[str, str]] = {"formulas": _FORMULAS_HELP}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        report = LossReport()
        cleaner = CellCleaner("csv", report, "coded segments", _formulas(options))
        header = [cleaner.text(name) for name in segment_columns(project)]
        write_csv_rows(path, header, segment_rows(project, cleaner))
        cleaner.finish()
        _region_losses(project, report)
        return report


class SegmentsXlsxExporter(TableExporter):
    name = "segments-xlsx"
    file_suffix = ".xlsx"
    description = "coded segments as an Excel sheet (needs the xlsx extra)"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        openpyxl_module()
        report = LossReport()
        write_xlsx([segments_table(project)], path, report=report)
        _region_losses(project, report)
        return report


class _MatrixCsvExporter(TableExporter):
    file_suffix = ".csv"
    options: ClassVar[dict[str, str]] = {"rows": _ROWS_HELP, "formulas": _FORMULAS_HELP}
    presence: ClassVar[bool]

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        formulas = _formulas(options)
        check_output(path)
        rows = str(options.get("rows", "case"))
        build = presence_table if self.presence else counts_table
        return write_csv(build(project, rows), path, formulas=formulas)


class PresenceCsvExporter(_MatrixCsvExporter):
    name = "presence-csv"
    description = "code presence (1 or 0) by case or document as CSV, a column per code"
    presence = True


class CountsCsvExporter(_MatrixCsvExporter):
    name = "counts-csv"
    description = "how many codings of each code a case or document has, as CSV"
    presence = False


class WorkbookXlsxExporter(TableExporter):
    name = "workbook-xlsx"
    file_suffix = ".xlsx"
    extensions = (".xlsx",)
    description = (
        "every table in one Excel workbook: coded segments, codebook, code frequencies, "
        "presence and counts by case and by document (needs the xlsx extra)"
    )

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        from qualcode.analysis.queries import code_frequencies

        openpyxl_module()
        check_output(path)
        report = LossReport()
        tables = [
            segments_table(project),
            codebook_table(project, report),
            code_frequencies(project, include_subcodes=False),
            presence_table(project, "case"),
            counts_table(project, "case"),
            presence_table(project, "document"),
            counts_table(project, "document"),
        ]
        write_xlsx(tables, path, report=report)
        _region_losses(project, report)
        return report


class CodebookCsvExporter(TableExporter):
    name = "codebook-csv"
    file_suffix = ".csv"
    description = "the codebook as CSV, the shape `qualcode import` reads back"
    options: ClassVar[dict[str, str]] = {"formulas": _FORMULAS_HELP}

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        report = LossReport()
        return write_csv(
            codebook_table(project, report), path, formulas=_formulas(options), report=report
        )


class CodebookXlsxExporter(TableExporter):
    name = "codebook-xlsx"
    file_suffix = ".xlsx"
    description = "the codebook as an Excel sheet, the shape `qualcode import` reads back"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        openpyxl_module()
        report = LossReport()
        return write_xlsx([codebook_table(project, report)], path, report=report)


class CodebookMarkdownExporter(TableExporter):
    name = "codebook-md"
    file_suffix = ".md"
    extensions = (".md",)
    description = "the codebook as a Markdown page: codes with their definitions, then themes"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        report = LossReport()
        text = codebook_markdown(project)
        cleaner = CellCleaner("csv", report, "codebook", "keep")  # UTF-8 cannot hold surrogates
        if cleaner.unwritable_in(text):
            text = cleaner.text(text)
            cleaner.finish()
        with atomic_output(path) as stream:
            stream.write(text.encode("utf-8"))
        return report


class CodebookDocxExporter(TableExporter):
    name = "codebook-docx"
    file_suffix = ".docx"
    description = "the codebook as a Word document: codes with their definitions, then themes"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        report = LossReport()
        data = codebook_docx(project, report)
        with atomic_output(path) as stream:
            stream.write(data)
        return report


EXPORTERS: tuple[type[TableExporter], ...] = (
    SegmentsCsvExporter,
    WorkbookXlsxExporter,
    SegmentsXlsxExporter,
    PresenceCsvExporter,
    CountsCsvExporter,
    CodebookCsvExporter,
    CodebookXlsxExporter,
    CodebookMarkdownExporter,
    CodebookDocxExporter,
)
"""Every table export; only segments-csv, workbook-xlsx and codebook-md claim an extension."""


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return list(EXPORTERS)
