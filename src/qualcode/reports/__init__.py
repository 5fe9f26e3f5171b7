"""Reports a researcher shares: the self-contained HTML report of a project.

``write_report(project, "report.html")`` writes one file a co-author opens in any browser,
offline, and prints to PDF from it. It needs the ``report`` extra (Jinja2):
``pip install 'qualcode[report]'``.
"""

from __future__ import annotations

from qualcode.reports.html import MissingExtraError, render_report, write_report

__all__ = ["MissingExtraError", "render_report", "write_report"]
