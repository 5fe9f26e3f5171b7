"""An empty project exports as valid files that hold the headers and nothing else."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode.formats.tables.codebook_export import CODEBOOK_COLUMNS
from qualcode.formats.tables.plugin import EXPORTERS
from qualcode.formats.tables.segments import SEGMENT_COLUMNS
from qualcode.project import Project


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_every_export_of_an_empty_project(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    docx = pytest.importorskip("docx")
    project = Project(name="Nothing yet")
    for exporter in EXPORTERS:
        out = tmp_path / f"{exporter.name}{exporter.file_suffix}"
        assert exporter().write(project, out).lines() == [], exporter.name
    assert read_csv(tmp_path / "segments-csv.csv") == [list(SEGMENT_COLUMNS)]
    assert read_csv(tmp_path / "presence-csv.csv") == [["case"]]
    assert read_csv(tmp_path / "codebook-csv.csv") == [list(CODEBOOK_COLUMNS)]
    workbook = openpyxl.load_workbook(tmp_path / "workbook-xlsx.xlsx")
    assert len(workbook.sheetnames) == 7
    segments = [[c.value for c in row] for row in workbook["Coded segments"].iter_rows()]
    assert segments == [list(SEGMENT_COLUMNS)]
    markdown = (tmp_path / "codebook-md.md").read_text(encoding="utf-8")
    assert markdown == "# Codebook: Nothing yet\n\n0 code(s), 0 theme(s).\n"
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "codebook-docx.docx")).paragraphs]
    assert paragraphs == ["Codebook: Nothing yet", "0 code(s), 0 theme(s)."]
