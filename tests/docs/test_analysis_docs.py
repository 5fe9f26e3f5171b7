"""The analysis pages' examples run and print what the pages show.

Conventions (as in the tutorial): the ``python`` blocks of a page run in order in one namespace,
in an empty folder; in a block, the lines that start with ``# `` are what the block prints.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysis"
PYTHON = re.compile(r"^```python\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_the_examples_print_what_the_page_shows(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = (DOCS / page).read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    blocks = list(PYTHON.finditer(source))
    assert blocks, f"docs/analysis/{page} has no Python example"
    for match in blocks:
        code = match.group(1)
        line = source.count("\n", 0, match.start()) + 1
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"docs/analysis/{page}:{line}", "exec"), namespace)
        shown = [text[2:] for text in code.splitlines() if text.startswith("# ")]
        assert printed.getvalue().splitlines() == shown, f"docs/analysis/{page} line {line}"
