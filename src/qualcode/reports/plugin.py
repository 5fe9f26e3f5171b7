"""The HTML report as an exporter, registered like every built-in format.

``qualcode convert study.qualcode.json report.html`` and ``qualcode.save(project,
"report.html")`` write the report (``qualcode report`` is the same with its own options).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualcode.formats.base import Exporter
from qualcode.hookspecs import hookimpl
from qualcode.losses import LossReport
from qualcode.options import Option, check_plugin_options
from qualcode.project import Project


class HtmlReportExporter(Exporter):
    name = "report-html"
    extensions = (".html", ".htm")
    description = "the self-contained HTML report of a project (needs qualcode[report])"
    options = (
        Option("title", "the report's title (default: the project's name)", kind="string"),
        Option(
            "cooccurrence",
            "codes together by overlap, sentence, paragraph or document",
            kind="string",
            default="overlap",
            choices=("overlap", "sentence", "paragraph", "document"),
        ),
        Option("page_size", "quotes shown a page", kind="integer", default=50, minimum=1),
    )

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        from qualcode.reports.html import write_report

        given = check_plugin_options(type(self), options, owner=f"exporter {self.name!r}")
        write_report(
            project,
            path,
            title=given.get("title"),
            cooccurrence_scope=given["cooccurrence"],
            page_size=given["page_size"],
        )
        return LossReport()  # a report shows the project; it is not a copy of it

    def losses(self, project: Project, **options: Any) -> LossReport:
        return LossReport()


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return [HtmlReportExporter]
