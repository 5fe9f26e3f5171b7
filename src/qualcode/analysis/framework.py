"""Framework matrices (Ritchie and Spencer's framework method): cases by themes, summarised.

Rows are cases, time points, or case by time point; columns are themes or codes. Each cell holds
a researcher's summary of what that row says about that column, stored in the project as a
:class:`~qualcode.model.Memo` named ``"<matrix>: <row> | <column>"`` and attached to the row's
case (where the row is a case), the column's theme or code, and the codings that support it. So
a summary survives native JSON and travels to NVivo, ATLAS.ti or MAXQDA as a note on those
things. Cells can be pre-filled with their quotes; summaries written in Python, or in a CSV of
the matrix, come back in with :func:`set_summary` and :func:`read_summaries`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import attrs

from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.table import Table
from qualcode.errors import ParseError
from qualcode.model import Coding, Document, Memo, new_id
from qualcode.project import Project

RowAxis = Literal["case", "time", "case-time"]
ColumnAxis = Literal["theme", "code"]
QUOTE_SEPARATOR = "\n\n"


def _row_labels(project: Project, rows: str) -> dict[str, tuple[str, str | None]]:
    """Each document's row: id -> (label, case id)."""
    if rows not in ("case", "time", "case-time"):
        raise ValueError(f"rows must be case, time or case-time, not {rows!r}")
    labels: dict[str, tuple[str, str | None]] = {}
    for document in project.documents:
        case = project.cases.get(document.case_id)
        time = f"T{document.time_point}" if document.time_point is not None else None
        if rows == "case" and case is not None:
            labels[document.id] = (case.name, case.id)
        elif rows == "time" and time is not None:
            labels[document.id] = (time, None)
        elif rows == "case-time" and case is not None and time is not None:
            labels[document.id] = (f"{case.name} / {time}", case.id)
    return labels


def _columns(project: Project, cols: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The columns as (label, id), and for each code the column ids it feeds."""
    if cols == "theme":
        columns = [(theme.name, theme.id) for theme in project.themes]
        feeds: dict[str, list[str]] = defaultdict(list)
        for theme in project.themes:
            for code_id in theme.code_ids:
                feeds[code_id].append(theme.id)
        return columns, dict(feeds)
    if cols == "code":
        columns = [("/".join(project.code_path(c.id)), c.id) for c in project.codes]
        return columns, {c.id: [c.id] for c in project.codes}
    raise ValueError(f"cols must be theme or code, not {cols!r}")


def memo_name(matrix: str, row: str, column: str) -> str:
    """The name of the memo holding one cell's summary."""
    return f"{matrix}: {row} | {column}"


@attrs.frozen
class FrameworkMatrix:
    """A framework matrix of a project: its cells' summaries and supporting codings."""

    project: Project
    name: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    support: Mapping[tuple[str, str], tuple[Coding, ...]]
    """The codings behind each (row, column) cell."""
    row_cases: Mapping[str, str | None]
    column_ids: Mapping[str, str]

    def summary(self, row: str, column: str) -> str:
        """The summary written for a cell, or "" where there is none."""
        for memo in self.project.memos.by_name(memo_name(self.name, row, column)):
            return memo.text
        return ""

    def quotes(self, row: str, column: str) -> list[str]:
        """The quotes of the codings behind a cell, in document order."""
        return [self.project.quote(coding) for coding in self.support.get((row, column), ())]

    def to_table(self, *, quotes: bool = False) -> Table:
        """The matrix: each cell its summary or, with ``quotes``, where no summary is written
        yet, its quotes separated by blank lines."""
        body = []
        for row in self.rows:
            cells: list[str] = []
            for column in self.columns:
                text = self.summary(row, column)
                if not text and quotes:
                    text = QUOTE_SEPARATOR.join(self.quotes(row, column))
                cells.append(text)
            body.append((row, *cells))
        return Table(("row", *self.columns), body, title=f"Framework matrix {self.name!r}")


def framework_matrix(
    project: Project,
    *,
    name: str = "Framework",
    rows: RowAxis = "case",
    cols: ColumnAxis = "theme",
) -> FrameworkMatrix:
    """The framework matrix ``name`` of ``project`` with its rows, columns and support."""
    row_of = _row_labels(project, rows)
    columns, feeds = _columns(project, cols)
    label_of = {column_id: label for label, column_id in columns}
    support: dict[tuple[str, str], list[Coding]] = defaultdict(list)
    order = {document_id: n for n, document_id in enumerate(project.documents.ids())}
    for coding in sorted(project.codings, key=lambda c: (order[c.document_id], c.start, c.end)):
        row = row_of.get(coding.document_id)
        if row is None:
            continue
        for column_id in feeds.get(coding.code_id, ()):
            support[row[0], label_of[column_id]].append(coding)
    row_labels = list(dict.fromkeys(label for label, _ in _sorted_rows(project, row_of)))
    return FrameworkMatrix(
        project,
        name,
        tuple(row_labels),
        tuple(label for label, _ in columns),
        {key: tuple(value) for key, value in support.items()},
        dict(row_of.values()),
        dict(columns),
    )


def _sorted_rows(
    project: Project, row_of: Mapping[str, tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    documents = project.documents
    case_order = {case.id: n for n, case in enumerate(project.cases)}

    def key(item: tuple[str, tuple[str, str | None]]) -> tuple[int, int]:
        document: Document = documents[item[0]]
        return (
            case_order.get(document.case_id or "", -1),
            document.time_point if document.time_point is not None else 0,
        )

    return [row for _, row in sorted(row_of.items(), key=key)]


def set_summary(matrix: FrameworkMatrix, row: str, column: str, text: str) -> Memo:
    """Write (or replace) the summary of one cell; returns its memo."""
    if row not in matrix.rows:
        raise AnalysisInputError(
            f"matrix {matrix.name!r} has no row {row!r}; its rows: {', '.join(matrix.rows)}"
        )
    if column not in matrix.columns:
        raise AnalysisInputError(
            f"matrix {matrix.name!r} has no column {column!r}; its columns: "
            + ", ".join(matrix.columns)
        )
    project = matrix.project
    targets = [matrix.column_ids[column]]
    case_id = matrix.row_cases.get(row)
    if case_id is not None:
        targets.insert(0, case_id)
    targets.extend(coding.id for coding in matrix.support.get((row, column), ()))
    name = memo_name(matrix.name, row, column)
    existing = project.memos.by_name(name)
    memo = Memo(
        id=existing[0].id if existing else new_id(),
        name=name,
        text=text,
        target_ids=tuple(targets),
    )
    return project.add_memo(memo, replace=bool(existing))


def read_summaries(matrix: FrameworkMatrix, path: str | Path) -> int:
    """Bring back the summaries typed into a CSV of the matrix (as :meth:`to_table` writes it:
    a header of ``row`` and the columns, one line per row). Cells that still hold only their
    pre-filled quotes, and empty cells, are left alone. Returns how many summaries were set."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            lines = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ParseError(f"cannot read the matrix: {error}", path=path) from None
    if not lines:
        raise ParseError("the matrix file is empty", path=path)
    header = lines[0]
    unknown = [name for name in header[1:] if name not in matrix.columns]
    if unknown:
        raise ParseError(
            f"columns {', '.join(map(repr, unknown))} are not in matrix {matrix.name!r}; "
            f"its columns: {', '.join(matrix.columns)}",
            path=path,
        )
    written = 0
    for number, line in enumerate(lines[1:], start=2):
        if not line or not line[0].strip():
            continue
        row = line[0]
        if row not in matrix.rows:
            raise ParseError(
                f"row {row!r} is not in matrix {matrix.name!r}", path=path, line=number
            )
        for column, text in zip(header[1:], line[1:], strict=False):
            prefilled = QUOTE_SEPARATOR.join(matrix.quotes(row, column))
            if not text.strip() or text == prefilled or text == matrix.summary(row, column):
                continue
            set_summary(matrix, row, column, text)
            written += 1
    return written


def summaries(matrix: FrameworkMatrix) -> Iterable[tuple[str, str, str]]:
    """Every (row, column, summary) written so far."""
    for row in matrix.rows:
        for column in matrix.columns:
            text = matrix.summary(row, column)
            if text:
                yield row, column, text
