"""Analysis commands: ``agreement``, ``codes``, ``query``, ``matrix``, ``cooccurrence``,
``merge`` and ``split``. Each loads the project, calls one function of :mod:`qualcode.analysis`
and prints its table: as a table in the terminal, or as JSON or CSV with a flag."""

from __future__ import annotations

import csv
import enum
import json
import sys
from pathlib import Path
from typing import Annotated, Literal, cast

import typer

from qualcode import analysis
from qualcode.analysis.names import find_code
from qualcode.analysis.table import Table
from qualcode.api import load, save
from qualcode.cli.common import message, show_report, user_errors
from qualcode.errors import OptionError
from qualcode.fileio import check_input
from qualcode.hookspecs import hookimpl
from qualcode.project import Project


class Output(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


ProjectArgument = Annotated[
    Path, typer.Argument(help="The project to analyse (any format qualcode reads).", readable=False)
]
OutputOption = Annotated[
    Output,
    typer.Option(
        "--format",
        "-f",
        help="How to print the table: table (for reading), json or csv (for other programs).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (same as --format json).")]
CoderOption = Annotated[
    list[str] | None,
    typer.Option("--coder", "-c", help="Only the codings of this coder (repeatable)."),
]


def _load(path: Path) -> Project:
    return load(check_input(path))


def _print(table: Table, output: Output, as_json: bool) -> None:
    if as_json or output is Output.JSON:
        typer.echo(json.dumps(table.to_dicts(), indent=2, ensure_ascii=False, default=str))
    elif output is Output.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(["" if value is None else value for value in row] for row in table.rows)
    else:
        _print_rich(table)


def _print_rich(table: Table) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    shown = RichTable(title=table.title or None)
    for column in table.columns:
        shown.add_column(column, overflow="fold")
    for row in table.rows:
        shown.add_row(*("" if value is None else str(value) for value in row))
    Console().print(shown)


Columns = analysis.framework.ColumnAxis


class Unit(enum.StrEnum):
    CHARACTER = "character"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    SEGMENT = "segment"


def agreement(
    path: ProjectArgument,
    coders: Annotated[
        list[str],
        typer.Option(
            "--coder",
            "-c",
            help="A coder to compare, by name (give two; more for alpha by sentence or paragraph).",
        ),
    ],
    unit: Annotated[
        Unit,
        typer.Option(
            help="character, sentence or paragraph (NVivo's coding comparison; Krippendorff's "
            "alpha for three coders or more) or segment (MAXQDA's segment agreement)."
        ),
    ] = Unit.CHARACTER,
    code: Annotated[
        list[str] | None,
        typer.Option("--code", help="Only this code, by name or path (repeatable)."),
    ] = None,
    min_overlap: Annotated[
        float,
        typer.Option(help="For --unit segment: the share of two segments' union they must share."),
    ] = 0.9,
    output: OutputOption = Output.TABLE,
    as_json: JsonOption = False,
) -> None:
    """How far coders agree, per code and pooled, as NVivo or MAXQDA compute it."""
    with user_errors():
        project = _load(path)
        if len(coders) < 2:
            raise OptionError("name two coders to compare, e.g. --coder Alice --coder Bob")
        code_ids = [find_code(project, name).id for name in code] if code else None
        if unit is Unit.SEGMENT:
            if len(coders) != 2:
                raise OptionError("MAXQDA's segment agreement compares two coders")
            table = analysis.maxqda_agreement(
                project, coders[0], coders[1], min_overlap=min_overlap
            ).to_table()
        elif len(coders) > 2:
            if unit is Unit.CHARACTER:
                raise OptionError(
                    "three coders or more are compared by sentence or paragraph "
                    "(Krippendorff's alpha): add --unit sentence"
                )
            by_units = analysis.alpha_by_units(
                project,
                coders,
                unit=cast(Literal["sentence", "paragraph"], unit.value),
                codes=code_ids,
            )
            table = by_units.to_table(project)
        else:
            comparison = analysis.compare_coders(
                project,
                coders[0],
                coders[1],
                unit=cast(analysis.comparison.Unit, unit.value),
                codes=code_ids,
            )
            table = _with_total(comparison.to_table(per_document=False), comparison.pooled())
            for note in comparison.notes:
                message(f"note: {note}")
    _print(table, output, as_json)


def _with_total(table: Table, pooled: analysis.Cells) -> Table:
    total = (
        "(all)",
        "(all)",
        pooled.both,
        pooled.first_only,
        pooled.second_only,
        pooled.neither,
        round(pooled.agreement * 100, 2),
        round(pooled.kappa, 4),
    )
    return Table(table.columns, [*table.rows, total], title=table.title)


def codes(
    path: ProjectArgument,
    coder: CoderOption = None,
    output: OutputOption = Output.TABLE,
    as_json: JsonOption = False,
) -> None:
    """The code tree with codings, documents, cases and coded characters per code."""
    with user_errors():
        table = analysis.code_frequencies(_load(path), coders=coder or None)
    _print(table, output, as_json)


def query(
    path: ProjectArgument,
    code: Annotated[str, typer.Option("--code", help="The code to retrieve, by name or path.")],
    and_codes: Annotated[
        list[str] | None, typer.Option("--and", help="Also coded with this code (repeatable).")
    ] = None,
    or_codes: Annotated[
        list[str] | None, typer.Option("--or", help="Or coded with this code (repeatable).")
    ] = None,
    not_codes: Annotated[
        list[str] | None, typer.Option("--not", help="Not coded with this code (repeatable).")
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Only this case (repeatable).")
    ] = None,
    time: Annotated[
        list[int] | None, typer.Option("--time", help="Only this time point (repeatable).")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only documents of this kind, e.g. interview (repeatable)."),
    ] = None,
    attribute: Annotated[
        list[str] | None,
        typer.Option("--attribute", help="Only cases with NAME=VALUE (repeatable)."),
    ] = None,
    coder: CoderOption = None,
    output: OutputOption = Output.TABLE,
    as_json: JsonOption = False,
) -> None:
    """The coded passages of a code, combined with others, with their quotes."""
    with user_errors():
        expression = analysis.code(code)
        for name in and_codes or []:
            expression = expression & analysis.code(name)
        for name in or_codes or []:
            expression = expression | analysis.code(name)
        for name in not_codes or []:
            expression = expression - analysis.code(name)
        attributes: dict[str, str] = {}
        for pair in attribute or []:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise OptionError(f"--attribute expects NAME=VALUE, got {pair!r}")
            attributes[key.strip()] = value
        filters = analysis.Filters(
            cases=tuple(case or ()),
            attributes=attributes,
            time_points=tuple(time or ()),
            kinds=tuple(kind or ()),
        )
        table = analysis.retrieve(_load(path), expression, filters=filters, coders=coder or None)
    _print(table, output, as_json)


def matrix(
    path: ProjectArgument,
    rows: Annotated[
        str,
        typer.Option(help="case, time, case-time, document, or the name of an attribute."),
    ] = "case",
    cols: Annotated[str, typer.Option(help="code or theme.")] = "code",
    value: Annotated[str, typer.Option(help="count, presence (0/1) or characters.")] = "count",
    quotes: Annotated[
        bool,
        typer.Option(
            "--quotes",
            help="A framework matrix instead: each cell its summary, else its quotes "
            "(rows case, time or case-time).",
        ),
    ] = False,
    coder: CoderOption = None,
    output: OutputOption = Output.TABLE,
    as_json: JsonOption = False,
) -> None:
    """Codes or themes by case, time point or attribute; or a framework matrix."""
    with user_errors():
        project = _load(path)
        if cols not in ("code", "theme"):
            raise OptionError(f"--cols must be code or theme, not {cols!r}")
        if quotes:
            if rows not in ("case", "time", "case-time"):
                raise OptionError("a framework matrix has rows case, time or case-time")
            framework = analysis.framework_matrix(
                project, rows=cast(analysis.framework.RowAxis, rows), cols=cast(Columns, cols)
            )
            table = framework.to_table(quotes=True)
        else:
            if value not in ("count", "presence", "characters"):
                raise OptionError(f"--value must be count, presence or characters, not {value!r}")
            table = analysis.crosstab(
                project,
                rows=rows,
                cols=cast(Columns, cols),
                value=cast(analysis.crosstabs.Value, value),
                coders=coder or None,
            )
    _print(table, output, as_json)


def cooccurrence(
    path: ProjectArgument,
    scope: Annotated[
        str, typer.Option(help="overlap, sentence, paragraph or document.")
    ] = "overlap",
    coder: CoderOption = None,
    output: OutputOption = Output.TABLE,
    as_json: JsonOption = False,
) -> None:
    """Pairs of codes found together, with counts and Jaccard's index."""
    with user_errors():
        if scope not in ("overlap", "sentence", "paragraph", "document"):
            raise OptionError(
                f"--scope must be overlap, sentence, paragraph or document, not {scope!r}"
            )
        table = analysis.cooccurrence(
            _load(path), scope=cast(analysis.crosstabs.Scope, scope), coders=coder or None
        )
    _print(table, output, as_json)


def merge(
    base: Annotated[Path, typer.Argument(help="The project to merge into.", readable=False)],
    others: Annotated[
        list[Path], typer.Argument(help="Copies of it coded by others.", readable=False)
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The merged project to write.", readable=False)
    ],
) -> None:
    """Merge copies of a project coded by different people (documents matched by text)."""
    with user_errors():
        projects = [_load(other) for other in others]
        result = analysis.merge_coders_work(
            _load(base), projects, names=[other.name for other in others]
        )
        report = save(result.project, out)
    message(
        f"merged {result.added_codings} codings, {result.added_codes} new codes and "
        f"{result.added_coders} new coders into {out}"
    )
    show_report(result.report, "merge")
    show_report(report, "export")


def split(
    path: ProjectArgument,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The folder for the copies.", readable=False)
    ],
) -> None:
    """One copy of a project per coder, without the others' codings (for blind coding)."""
    with user_errors():
        project = _load(path)
        out.mkdir(parents=True, exist_ok=True)
        for name, copy in analysis.split_by_coder(project).items():
            safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
            target = out / f"{path.name.split('.')[0]}-{safe}.qualcode.json"
            save(copy, target)
            message(f"{name}: {len(copy.codings)} codings -> {target}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    for command in (agreement, codes, query, matrix, cooccurrence, merge, split):
        app.command()(command)
