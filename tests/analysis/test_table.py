"""The plain Table every analysis returns."""

from __future__ import annotations

import pytest

from qualcode.analysis.table import Table


def test_rows_columns_and_mappings() -> None:
    table = Table(["code", "count"], [["Support", 3], ("Stress", 1)], title="Codes")
    assert len(table) == 2
    assert table.column("count") == [3, 1]
    assert table.to_dicts() == [{"code": "Support", "count": 3}, {"code": "Stress", "count": 1}]
    assert table.rows[0] == ("Support", 3)


def test_a_missing_column_is_a_key_error_naming_the_columns() -> None:
    table = Table(["code"], [], title="Codes")
    with pytest.raises(KeyError, match="no column 'count'; its columns: code"):
        table.column("count")


def test_rows_must_fit_the_columns_and_names_must_differ() -> None:
    with pytest.raises(ValueError, match="row 1 of table 'T' has 1 values for 2 columns"):
        Table(["a", "b"], [[1, 2], [3]], title="T")
    with pytest.raises(ValueError, match="column names must differ"):
        Table(["a", "a"], [])


def test_to_pandas() -> None:
    pytest.importorskip("pandas")
    frame = Table(["a", "b"], [[1, "x"], [2, "y"]]).to_pandas()
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].tolist() == [1, 2]
