"""Every hook in qualcode.hookspecs is described in docs/plugins/hooks.md."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qualcode import hookspecs

PAGE = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"


def hook_specs() -> list[Callable[..., Any]]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [
        function
        for _name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    ]


def signature_line(function: Callable[..., Any]) -> str:
    """``def name(arg: Type, ...) -> Return:`` as written in the spec."""
    signature = inspect.signature(function)  # annotations stay strings (postponed evaluation)
    arguments = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {function.__name__}({arguments}) -> {signature.return_annotation}:"


def normalized(text: str) -> str:
    return " ".join(text.replace("``", "`").split())


def sections() -> dict[str, str]:
    """The page's ``## name`` sections by heading."""
    parts = re.split(r"^## +(\S+)[ \t]*$", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_there_are_hooks_to_document() -> None:
    names = {function.__name__ for function in hook_specs()}
    assert {"register_importers", "register_exporters", "detect_format"} <= names


@pytest.mark.parametrize("spec", hook_specs(), ids=lambda function: function.__name__)
def test_hook_is_documented(spec: Callable[..., Any]) -> None:
    documented = sections()
    assert spec.__name__ in documented, f"docs/plugins/hooks.md has no section ## {spec.__name__}"
    section = documented[spec.__name__]
    assert signature_line(spec) in section, "the section must show the hook's signature"
    docstring = inspect.getdoc(spec)
    assert docstring, f"hook {spec.__name__} has no docstring"
    assert normalized(docstring) in normalized(section), "the section must quote the docstring"


def test_no_section_describes_a_hook_that_does_not_exist() -> None:
    names = {function.__name__ for function in hook_specs()}
    assert set(sections()) <= names
