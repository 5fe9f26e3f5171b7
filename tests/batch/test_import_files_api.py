"""``qualcode.import_files``: the one library call behind ``qualcode import``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qualcode
from qualcode import Project
from qualcode.cli import make_app
from qualcode.errors import OptionError

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "examples" / "peer-workers"


def test_import_files_is_public_and_writes_a_project_file(tmp_path: Path) -> None:
    target = tmp_path / "study.qualcode.json"
    result = qualcode.import_files(
        [STUDY / "codebook.toml", STUDY / "cases.csv", STUDY / "interviews"],
        target,
        pattern="{case}_T{wave}",
        kind="interview",
    )
    assert "import_files" in qualcode.__all__
    assert result.written == target
    assert result.report.lossless
    project = qualcode.load(target)
    assert len(project.documents) == result.documents == 12
    assert len(project.codes) == 7
    assert sorted(c.name for c in project.cases) == ["PN1", "PN2", "PN3"]
    assert all(len(c.attributes) == 5 for c in project.cases)


def test_into_a_project_in_memory_changes_it_and_writes_nothing(tmp_path: Path) -> None:
    project = Project(name="study")
    result = qualcode.import_files([STUDY / "codebook.toml"], project)
    assert result.project is project
    assert result.written is None
    assert len(project.codes) == 7
    with pytest.raises(OptionError, match="choose how a project file is written"):
        qualcode.import_files([STUDY / "codebook.toml"], project, target="nvivo")


def test_target_reaches_the_refi_qda_exporter(tmp_path: Path) -> None:
    result = qualcode.import_files([STUDY / "codebook.toml"], tmp_path / "s.qdpx", target="nvivo")
    assert any("in NVivo" in line for line in result.export_report.lines())
    plain = qualcode.import_files([STUDY / "codebook.toml"], tmp_path / "p.qdpx")
    assert not any("in NVivo" in line for line in plain.export_report.lines())


def test_import_takes_target_like_convert(tmp_path: Path) -> None:
    app: typer.Typer = make_app()
    runner = CliRunner()
    target = tmp_path / "study.qdpx"
    inputs = [str(STUDY / "codebook.toml")]
    result = runner.invoke(app, ["import", *inputs, "--into", str(target), "--target", "nvivo"])
    assert result.exit_code == 0, result.stderr
    assert "in NVivo" in result.stderr
    assert qualcode.load(target).codes

    json_target = tmp_path / "study.qualcode.json"
    refused = runner.invoke(
        app, ["import", *inputs, "--into", str(json_target), "--target", "nvivo"]
    )
    assert refused.exit_code == 1
    assert "--target is for REFI-QDA outputs" in refused.stderr
    assert not json_target.exists()
