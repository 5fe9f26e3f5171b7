"""docs/formats/tables.md: its Python examples run, and its column references are complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qualcode
from qualcode.formats.tables.codebook_export import CODEBOOK_COLUMNS
from qualcode.formats.tables.plugin import EXPORTERS
from qualcode.formats.tables.segments import SEGMENT_COLUMNS
from qualcode.model import Coder, Coding
from qualcode.project import Project

PAGE = Path(__file__).resolve().parents[2] / "docs" / "formats" / "tables.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def first_cells(section: str | None) -> set[str]:
    """The backquoted names in the first column of the tables under a heading of the page
    (None: above the first heading of level 2)."""
    text = PAGE.read_text(encoding="utf-8")
    if section is not None:
        text = text.split(f"\n## {section}\n", 1)[1]
    text = text.split("\n## ", 1)[0]
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return names


def test_every_column_and_export_is_documented() -> None:
    assert set(SEGMENT_COLUMNS) <= first_cells("Coded segments")
    assert set(CODEBOOK_COLUMNS) <= first_cells("Codebooks")
    assert {cls.name for cls in EXPORTERS} == first_cells(None)


def test_the_python_examples_run(
    small_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("pandas")
    second = small_project.add_coder(
        Coder(id="00000000-0000-0000-0000-0000000000f3", name="Researcher Two")
    )
    first = next(iter(small_project.codings))
    small_project.add_coding(
        Coding(
            id="00000000-0000-0000-0000-0000000000b1",
            document_id=first.document_id,
            code_id=first.code_id,
            start=first.start,
            end=first.end - 5,
            coder_id=second.id,
        )
    )
    qualcode.save(small_project, tmp_path / "study.qualcode.json")
    monkeypatch.chdir(tmp_path)
    writing, reading = python_blocks()
    namespace: dict[str, object] = {}
    exec(writing, namespace)
    assert (tmp_path / "presence.csv").exists() and (tmp_path / "analysis.xlsx").exists()
    qualcode.save(small_project, tmp_path / "segments.csv")
    exec(reading, namespace)
    segments = namespace["segments"]
    assert list(segments["quote"]) == [small_project.quote(c) for c in small_project.codings]  # type: ignore[index]
    assert segments["role"][0] == "=peer worker"  # type: ignore[index]
