"""docs/api.md is generated from docstrings: every public name has one, every function is on it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import qualcode

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "api.md"


def public() -> list[str]:
    return [name for name in qualcode.__all__ if not name.startswith("_") and name != "MANUAL"]


@pytest.mark.parametrize("name", public())
def test_every_public_name_has_a_docstring(name: str) -> None:
    value = getattr(qualcode, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert inspect.getdoc(value), f"qualcode.{name} has no docstring"


def test_every_public_function_is_on_the_api_page() -> None:
    shown = set(re.findall(r"^::: qualcode\.(\w+)", PAGE.read_text(encoding="utf-8"), re.M))
    functions = {name for name in public() if inspect.isfunction(getattr(qualcode, name))}
    functions.discard("new_id")  # documented with the model (docs/model.md)
    assert functions <= shown, f"not on docs/api.md: {sorted(functions - shown)}"


def test_the_api_page_is_built_by_mkdocstrings() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "mkdocstrings" in config and "api.md" in config
    assert "mkdocstrings" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
