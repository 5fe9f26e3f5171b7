"""The escaping rule for formula-looking cells, and texts of every kind through CSV and back."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis.table import Table
from qualcode.formats.tables import escape_formula, unescape_formula, write_table

FORMULA_TEXTS = st.text(alphabet=st.sampled_from(list("=+-@\t\r'ab, \n\"")), max_size=8)


def test_the_rule_on_examples() -> None:
    assert escape_formula("=SUM(A1)") == "'=SUM(A1)"
    assert escape_formula("-5") == "'-5"
    assert escape_formula("+1") == "'+1"
    assert escape_formula("@team") == "'@team"
    assert escape_formula("\tindented") == "'\tindented"
    assert escape_formula("\rstart") == "'\rstart"
    assert escape_formula("'=x") == "''=x"  # so that the rule can be undone
    assert escape_formula("'twas") == "'twas"  # an apostrophe alone is left as it is
    assert escape_formula("a=b") == "a=b"
    assert escape_formula("") == ""
    assert unescape_formula("''=x") == "'=x"
    assert unescape_formula("'twas") == "'twas"


@given(FORMULA_TEXTS | st.text(max_size=20))
def test_unescape_undoes_escape(text: str) -> None:
    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
        )
        | FORMULA_TEXTS,
        min_size=1,
        max_size=6,
    )
)
def test_any_text_reads_back_exactly_through_csv(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        table = Table(("text",), [(text,) for text in texts])
        assert write_table(table, path).lines() == []
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
    assert [unescape_formula(row[0]) if row else "" for row in rows[1:]] == texts
