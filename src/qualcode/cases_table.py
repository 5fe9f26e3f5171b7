"""Cases tables: one row per case, its attributes in columns, set on the cases of a project.

A cases table (CSV/TSV or XLSX) has a header row whose first column, ``case``, names each case
(another column can be chosen with ``case_column``); every other column is an attribute, its
:class:`~qualcode.model.Variable` type inferred from the values as for survey tables (integer,
float, boolean, date, datetime, else text). ``examples/peer-workers/cases.csv`` is one.

:func:`read_cases_table` reads it into a project holding only variables and cases;
:func:`merge_cases` sets its values on the project's cases of the same names, creating the cases
and variables that are missing. A value in the table replaces the one the case had; an empty
cell leaves it as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from qualcode.analysis.merge import Merger
from qualcode.codebooks import read_table
from qualcode.errors import OptionError, ParseError
from qualcode.losses import LossReport
from qualcode.model import Case, Value, Variable, new_id
from qualcode.project import Project

if TYPE_CHECKING:  # the table reader is imported when a file is read, not with qualcode
    from qualcode.formats.survey_xlsx import Cell

CASE_COLUMN = "case"
"""The name (compared without case) of the column that names the cases, by default."""

TABLE_OPTIONS = {
    "case_column": "the column naming the cases (default: 'case', which must come first "
    "when the table is detected rather than asked for)",
    "delimiter": "the cell separator of a CSV file (default: guessed from the header)",
    "encoding": "read a CSV file in this encoding instead of detecting UTF-8/UTF-16",
    "sheet": "the sheet of an .xlsx file to read (default: the first)",
}
"""The options :func:`read_cases_table` takes."""


def is_cases_table(header: Sequence[object]) -> bool:
    """Whether a table's header row is a cases table's: its first column is ``case``."""
    return bool(header) and str(header[0]).strip().lstrip("\ufeff").lower() == CASE_COLUMN


@attrs.frozen
class CasesMerge:
    """What :func:`merge_cases` did to the project."""

    cases_updated: int
    """Cases the project had, by name."""
    cases_created: list[str]
    """Names of the cases the table added."""
    variables_created: int
    values_replaced: int
    """Values a case had that the table changed."""

    def summary(self) -> str:
        """E.g. ``attributes of 3 case(s) set (2 created: PN4, PN5), 5 new variable(s)``."""
        total = self.cases_updated + len(self.cases_created)
        text = f"attributes of {total} case(s) set"
        if self.cases_created:
            shown = ", ".join(self.cases_created[:5])
            more = f" and {len(self.cases_created) - 5} more" if len(self.cases_created) > 5 else ""
            text += f" ({len(self.cases_created)} created: {shown}{more})"
        if self.variables_created:
            text += f", {self.variables_created} new variable(s)"
        if self.values_replaced:
            text += f", {self.values_replaced} value(s) replaced"
        return text


def read_cases_table(path: str | Path, report: LossReport | None = None, **options: Any) -> Project:
    """The cases and typed variables of a cases table, as a project of their own.

    Options: see :data:`TABLE_OPTIONS`. A row whose case name is empty is skipped and reported;
    a case named on several rows takes its values from the first, and differing values are
    reported.
    """
    from qualcode.formats.survey_table import convert, infer_type

    path = Path(path)
    report = report if report is not None else LossReport()
    unknown = sorted(set(options) - set(TABLE_OPTIONS))
    if unknown:
        raise OptionError(
            f"unknown option(s) {', '.join(map(repr, unknown))} for a cases table",
            path=path,
            hint="known: " + ", ".join(TABLE_OPTIONS),
        )
    table = read_table(path, report, {k: v for k, v in options.items() if k != "case_column"})
    header = [str(cell).strip().lstrip("\ufeff") for cell in table.header]
    case_index = _case_column(header, path, options.get("case_column"))
    project = Project(name=path.stem)

    def cells(index: int) -> list[Cell]:
        return [row[index] if index < len(row) else None for row in table.rows]

    variables: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, name in enumerate(header):
        if index == case_index:
            continue
        if not name or name in seen:
            what = "columns without a name" if not name else f"repeated column {name!r}"
            report.add(f"{what} (not read)", path.name)
            continue
        seen.add(name)
        variable = Variable(id=new_id(), name=name, type=infer_type(cells(index)))
        variables.append((index, project.add_variable(variable).id))
    values: dict[str, dict[str, Value]] = {}
    differing = 0
    for row in table.rows:
        name = _text(row[case_index] if case_index < len(row) else None)
        if not name:
            report.add("rows without a case name (not read)", path.name)
            continue
        case_values = values.setdefault(name, {})
        for index, variable_id in variables:
            cell = row[index] if index < len(row) else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            value = convert(cell, project.variables[variable_id].type)
            if variable_id in case_values:
                differing += case_values[variable_id] != value
                continue
            case_values[variable_id] = value
    if differing:
        report.warn(
            f"{path.name}: {differing} value(s) differ between rows of the same case; "
            "the first was kept"
        )
    for name, case_values in values.items():
        project.add_case(Case(id=new_id(), name=name, attributes=case_values))
    return project


def merge_cases(project: Project, cases: Project, where: str = "") -> CasesMerge:
    """Set the attributes of ``cases`` (from :func:`read_cases_table`) on ``project``.

    Cases and variables are matched by name; missing ones are created. A variable whose values
    no longer fit its type is widened (integer to float) or refused with a
    :class:`~qualcode.errors.ValueTypeError`, leaving ``project`` as it was.
    """
    known_cases = {case.name for case in project.cases}
    known_variables = {variable.name for variable in project.variables}
    merger = Merger(project, replace_case_values=True)
    merger.merge(cases, where)
    created = [case.name for case in cases.cases if case.name not in known_cases]
    new_variables = sum(1 for v in cases.variables if v.name not in known_variables)
    return CasesMerge(
        len(cases.cases) - len(created), created, new_variables, merger.replaced_values
    )


def _case_column(header: list[str], path: Path, wanted: object) -> int:
    name = str(wanted).strip() if wanted is not None and str(wanted).strip() else CASE_COLUMN
    lowered = [cell.lower() for cell in header]
    if name in header:
        return header.index(name)
    if name.lower() in lowered:
        return lowered.index(name.lower())
    raise ParseError(
        f"no column {name!r} naming the cases; the columns are: {', '.join(header)}",
        path=path,
        hint="head the column of case names 'case', or pass the option case_column=NAME",
    )


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
