"""The benchmark's floor holds the same codings as a real import, so it measures the real work.

``benchmarks/refiqda_bench.py`` compares the import with a "floor": the least work any import
must do to hold the codings. If the floor skipped part of that work (a column, the typed values,
a source) its figure would be too low to prove anything; these tests pin it to the import.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import qualcode
from qualcode.model import Coding

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("floor") / "benchmark.qdpx"
    held = _module("refiqda_generate").generate(path, sources=12, codings=600, chars=60_000)
    assert held["codings"] == 600
    return path


def _row(coding: Coding) -> tuple[object, ...]:
    return (
        coding.id,
        coding.document_id,
        coding.code_id,
        coding.start,
        coding.end,
        coding.coder_id,
        coding.created,
    )


def test_the_floor_holds_every_coding_the_import_holds(project_file: Path) -> None:
    texts, codings = _module("refiqda_bench")._floor(project_file, objects=True)
    project = qualcode.load(project_file)
    assert len(codings) == 600
    assert sorted(map(_row, codings)) == sorted(map(_row, project.codings))
    assert sorted(texts) == sorted(document.text for document in project.documents)


def test_the_floor_columns_are_the_same_values_typed(project_file: Path) -> None:
    texts, columns = _module("refiqda_bench")._floor(project_file, objects=False)
    project = qualcode.load(project_file)
    assert sorted(zip(*columns, strict=True)) == sorted(map(_row, project.codings))
    assert len(texts) == 12


def test_the_expat_floor_holds_every_coding_the_import_holds(project_file: Path) -> None:
    texts, codings = _module("refiqda_bench")._floor_expat(project_file)
    project = qualcode.load(project_file)
    assert sorted(map(_row, codings)) == sorted(map(_row, project.codings))
    assert sorted(texts) == sorted(document.text for document in project.documents)
