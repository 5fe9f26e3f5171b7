"""The plain table every analysis returns: named columns and rows of values.

A :class:`Table` is what a query, a crosstab or an agreement report gives back, and what the
exporters (CSV, XLSX, HTML reports) and the command line's renderers take. It needs nothing to
be used; :meth:`Table.to_pandas` gives a DataFrame where pandas is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from qualcode.errors import QualcodeError


def _columns(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(columns)


def _rows(rows: Sequence[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in rows)


@attrs.frozen
class Table:
    """Rows of values under named columns, with a title saying what the table shows."""

    columns: tuple[str, ...] = attrs.field(converter=_columns)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=_rows)
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if len(set(self.columns)) != len(self.columns):
            raise ValueError(f"a table's column names must differ: {list(self.columns)}")
        width = len(self.columns)
        for number, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(
                    f"row {number} of table {self.title!r} has {len(row)} values for "
                    f"{width} columns"
                )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each row as a mapping of column name to value."""
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))

    def column(self, name: str) -> list[Any]:
        """The values of one column, top to bottom."""
        try:
            index = self.columns.index(name)
        except ValueError:
            raise KeyError(
                f"table {self.title!r} has no column {name!r}; its columns: "
                + ", ".join(self.columns)
            ) from None
        return [row[index] for row in self.rows]

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as mappings (e.g. for JSON)."""
        return list(self)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of this table; pandas is not a dependency of qualcode."""
        try:
            pandas = importlib.import_module("pandas")
        except ImportError:
            raise QualcodeError(
                "Table.to_pandas() needs pandas, which is not installed",
                hint="pip install pandas",
            ) from None
        return pandas.DataFrame(list(self.rows), columns=list(self.columns))
