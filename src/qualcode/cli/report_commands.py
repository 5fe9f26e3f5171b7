"""The ``report`` command: a project's HTML report, one self-contained page to share.

Thin: it loads the project and calls :func:`qualcode.reports.write_report`.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from qualcode.api import load
from qualcode.cli.common import message, user_errors
from qualcode.fileio import check_input, check_output
from qualcode.hookspecs import hookimpl


class CooccurrenceScope(enum.StrEnum):
    OVERLAP = "overlap"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    DOCUMENT = "document"


def report(
    path: Annotated[
        Path,
        typer.Argument(
            help="The project to report on (any format qualcode reads).", readable=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The HTML file to write, e.g. report.html (its folder must exist).",
            readable=False,
        ),
    ],
    title: Annotated[
        str | None, typer.Option(help="The report's title (default: the project's name).")
    ] = None,
    cooccurrence: Annotated[
        CooccurrenceScope,
        typer.Option(
            help="When two codes count as found together in the heat map: overlapping codings, "
            "or the same sentence, paragraph or document."
        ),
    ] = CooccurrenceScope.OVERLAP,
    page_size: Annotated[
        int, typer.Option(min=1, help="Quotes drawn a page at a time in the quote browser.")
    ] = 50,
) -> None:
    """Write an HTML report of a project: overview, themes, codes and quotes, charts of code
    frequencies by time point and case, a co-occurrence heat map, the theme map, agreement
    between coders and a searchable list of quotes. One self-contained file that opens offline
    in any browser and prints to PDF. Needs the report extra: pip install 'qualcode[report]'."""
    from qualcode.reports import write_report

    with user_errors():
        check_output(out)
        project = load(check_input(path))
        written = write_report(
            project,
            out,
            title=title,
            cooccurrence_scope=cooccurrence.value,
            page_size=page_size,
        )
    message(f"wrote {written}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    app.command()(report)
