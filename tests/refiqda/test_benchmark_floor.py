"""The benchmark's floor holds the same codings as a real import, so it measures the real work.

``benchmarks/refiqda_bench.py`` compares the import with a "floor": the least work any import
must do to hold the codings. If the floor skipped part of that work (a column, the typed values,
a source) its figure would be too low to prove anything; these tests pin it to the import, also
on files whose codings carry no creation time, or carry it on some selections only.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

import qualcode
from qualcode.model import Coding

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
QDA = "{urn:QDA-XML:project:1.0}"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated(folder: Path, *, dates: bool) -> Path:
    path = folder / "benchmark.qdpx"
    held = _module("refiqda_generate").generate(
        path, sources=12, codings=600, chars=60_000, dates=dates
    )
    assert held["codings"] == 600
    return path


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generated(tmp_path_factory.mktemp("floor"), dates=True)


@pytest.fixture(scope="module")
def undated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No selection or coding says when it was made."""
    return _generated(tmp_path_factory.mktemp("undated"), dates=False)


@pytest.fixture(scope="module")
def mixed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """In the first source, the codings lack their user and time but their selections have
    them; in the second, every other coding and its selection lack their time."""
    dated = _generated(tmp_path_factory.mktemp("dated"), dates=True)
    with zipfile.ZipFile(dated) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(members["project.qde"])
    first, second = list(root.iter(f"{QDA}TextSource"))[:2]
    for coding in first.iter(f"{QDA}Coding"):
        del coding.attrib["creationDateTime"], coding.attrib["creatingUser"]
    for selection in list(second.iter(f"{QDA}PlainTextSelection"))[::2]:
        del selection.attrib["creationDateTime"]
        del selection.find(f"{QDA}Coding").attrib["creationDateTime"]
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    path = tmp_path_factory.mktemp("mixed") / "mixed.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
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


def _key(row: tuple[object, ...]) -> str:
    return str(row[0])


FILES = ["project_file", "undated_file", "mixed_file"]


@pytest.mark.parametrize("name", FILES)
def test_the_floor_holds_every_coding_the_import_holds(
    name: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(name)
    texts, codings = _module("refiqda_bench")._floor(path, objects=True)
    project = qualcode.load(path)
    assert len(codings) == 600
    assert sorted(map(_row, codings), key=_key) == sorted(map(_row, project.codings), key=_key)
    assert sorted(texts) == sorted(document.text for document in project.documents)


@pytest.mark.parametrize("name", FILES)
def test_the_floor_columns_are_the_same_values_typed(
    name: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(name)
    texts, columns = _module("refiqda_bench")._floor(path, objects=False)
    project = qualcode.load(path)
    rows = sorted(zip(*columns, strict=True), key=_key)
    assert rows == sorted(map(_row, project.codings), key=_key)
    assert len(texts) == 12


@pytest.mark.parametrize("name", FILES)
def test_the_expat_floor_holds_every_coding_the_import_holds(
    name: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(name)
    texts, codings = _module("refiqda_bench")._floor_expat(path)
    project = qualcode.load(path)
    assert sorted(map(_row, codings), key=_key) == sorted(map(_row, project.codings), key=_key)
    assert sorted(texts) == sorted(document.text for document in project.documents)


def test_the_undated_and_mixed_files_are_what_they_claim(
    undated_file: Path, mixed_file: Path
) -> None:
    """The files above really lack the times (else the tests would prove nothing)."""
    undated = qualcode.load(undated_file)
    assert {coding.created for coding in undated.codings} == {None}
    mixed = qualcode.load(mixed_file)
    times = [coding.created for coding in mixed.codings]
    assert times.count(None) == 25  # every other one of the second source's 50 selections
    assert len(set(times)) > 500


def test_the_baseline_walks_every_coding(project_file: Path) -> None:
    root, codings, texts = _module("refiqda_bench")._baseline(str(project_file))
    assert codings == 600 == len(root.findall(f".//{QDA}Coding"))
    assert len(texts) == 12
