"""The HTML report: one self-contained page a co-author opens in any browser, offline.

:func:`write_report` gathers the report's content (:mod:`qualcode.reports.data`) and renders
it with Jinja2 (autoescaping on) from the templates in this package: inline CSS, inline SVG
charts and one small inline script that draws the quotes a page at a time and filters them
with the search box. Nothing is fetched from the network. The page is written atomically.

Jinja2 comes with the ``report`` extra: ``pip install 'qualcode[report]'``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.fileio import check_output, write_bytes_atomically
from qualcode.project import Project
from qualcode.reports.data import Scope, gather

if TYPE_CHECKING:
    from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
EXTRA = "report"


class MissingExtraError(QualcodeError):
    """A feature needs an optional dependency that is not installed."""


def _jinja() -> Any:
    try:
        return importlib.import_module("jinja2")
    except ImportError:
        raise MissingExtraError(
            "the HTML report needs Jinja2, which is not installed",
            hint=f"pip install 'qualcode[{EXTRA}]'",
        ) from None


def _environment() -> Any:
    jinja2 = _jinja()
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["number"] = lambda value: f"{value:,}"
    environment.filters["counted"] = _counted
    return environment


def _counted(value: int, word: str) -> str:
    """``1 coding``, ``2,000 codings``."""
    return f"{value:,} {word}" + ("" if value == 1 else "s")


def _raw(name: str) -> Markup:
    """A file of the templates folder (CSS, JavaScript) to inline as it is."""
    return _markup((TEMPLATES / name).read_text(encoding="utf-8"))


def _markup(text: str) -> Markup:
    """``text`` marked as safe HTML (markupsafe comes with Jinja2, so is imported after it)."""
    from markupsafe import Markup

    return Markup(text)


def _script_json(data: Any) -> Markup:
    """``data`` as JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left to
    end the element early; characters outside ASCII kept as they are (smaller)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _markup(text)


def render_report(
    project: Project,
    *,
    title: str | None = None,
    cooccurrence_scope: Scope = "overlap",
    quote_limit: int = 2000,
    page_size: int = 50,
    generated: dt.datetime | None = None,
) -> str:
    """The report of ``project`` as HTML text (see :func:`write_report`)."""
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, not {page_size}")
    environment = _environment()
    data = gather(
        project,
        title=title,
        cooccurrence_scope=cooccurrence_scope,
        quote_limit=quote_limit,
        generated=generated,
    )
    template = environment.get_template("report.html.j2")
    rendered: str = template.render(
        report=data,
        page_size=page_size,
        style=_raw("report.css"),
        script=_raw("report.js"),
        quote_json=_script_json(data.quote_data),
    )
    return rendered


def write_report(
    project: Project,
    path: str | Path,
    *,
    title: str | None = None,
    cooccurrence_scope: Scope = "overlap",
    quote_limit: int = 2000,
    page_size: int = 50,
    generated: dt.datetime | None = None,
) -> Path:
    """Write the HTML report of ``project`` to ``path`` (atomically) and return the path.

    The page holds the project overview; themes, codes and sample quotes with their sources;
    code frequencies by time point and by case; a co-occurrence heat map (``cooccurrence_scope``:
    overlap, sentence, paragraph or document); the theme map; agreement between the people who
    coded; and every quote, ``page_size`` a page, filtered by a search box. Quotes longer than
    ``quote_limit`` characters are cut there. An output in a missing folder or one that cannot
    be written is an :class:`~qualcode.errors.OutputError` naming it, and nothing is written.
    """
    target = Path(path)
    check_output(target)  # before the work: a missing folder is said at once
    page = render_report(
        project,
        title=title,
        cooccurrence_scope=cooccurrence_scope,
        quote_limit=quote_limit,
        page_size=page_size,
        generated=generated,
    )
    write_bytes_atomically(target, page.encode("utf-8"))
    return target
