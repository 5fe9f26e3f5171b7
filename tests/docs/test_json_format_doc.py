"""docs/formats/json.md describes what the native JSON reader and writer really do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from qualcode.errors import ParseError
from qualcode.formats import native_json

PAGE = Path(__file__).resolve().parents[2] / "docs" / "formats" / "json.md"


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def example() -> dict[str, Any]:
    (block,) = re.findall(r"^```json\n(.*?)^```", page(), flags=re.MULTILINE | re.DOTALL)
    data: dict[str, Any] = json.loads(block)
    return data


def test_the_example_reads_and_writes_back_the_same() -> None:
    data = example()
    project = native_json.decode_project(data)
    assert native_json.encode_project(project) == data
    quotes = [project.quote(coding) for coding in project.codings]
    assert quotes == ["The training was short", "training"]


def test_the_example_is_written_as_documented(tmp_path: Path) -> None:
    project = native_json.decode_project(example())
    target = tmp_path / "example.qualcode.json"
    native_json.JsonExporter().write(project, target, indent=2)
    written = target.read_text(encoding="utf-8")
    assert json.loads(written) == example()
    assert "😀" in written  # characters are written as themselves
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_every_section_is_in_the_table() -> None:
    text = page()
    members = ["format", "version", "project", "provenances"]
    members += [name for name, _cls in native_json._SECTIONS]
    assert list(example()) == members
    for member in members:
        assert f"| `{member}` |" in text


def test_unknown_members_are_rejected() -> None:
    data = example()
    data["codes"][0]["colour"] = "#000000"
    with pytest.raises(ParseError, match="section 'codes'"):
        native_json.decode_project(data)


def test_a_newer_version_is_refused() -> None:
    data = example() | {"version": native_json.FORMAT_VERSION + 1}
    with pytest.raises(ParseError, match="upgrade"):
        native_json.decode_project(data)
