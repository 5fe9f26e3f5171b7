"""Fixtures for the REFI-QDA tests: the schemas and the real NVivo sample from ../shared."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

NVIVO_SAMPLE = "samples/nvivo-win12.6__oltas.qdpx"


@pytest.fixture(scope="session")
def _shared() -> Path:
    shared = Path(__file__).resolve().parents[2].parent / "shared"
    if not shared.is_dir():
        pytest.skip(
            "needs ../shared: the REFI-QDA tests read the standard's schemas and a real NVivo "
            "project from the folder 'shared' beside the repository, which is missing"
        )
    return shared


@pytest.fixture(scope="session")
def project_schema(_shared: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_shared / "refi-qda" / "Project.xsd")))


@pytest.fixture(scope="session")
def codebook_schema(_shared: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_shared / "refi-qda" / "Codebook.xsd")))


@pytest.fixture(scope="session")
def nvivo_sample(_shared: Path) -> Path:
    path = _shared / NVIVO_SAMPLE
    if not path.is_file():
        pytest.skip(f"needs ../shared: the real NVivo project {NVIVO_SAMPLE} is missing from it")
    return path


def qde_of(path: Path) -> bytes:
    """The .qde bytes of a .qdpx."""
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".qde")]
        return archive.read(name)


def assert_valid(schema: etree.XMLSchema, data: bytes) -> None:
    """Fail with the schema's first errors unless ``data`` validates."""
    document = etree.fromstring(data)
    if not schema.validate(document):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:5])
        raise AssertionError(f"schema errors:\n{errors}")
