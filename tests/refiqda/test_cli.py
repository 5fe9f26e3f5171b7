"""The command line handles .qdpx, .qde and .qdc through the same plugins."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app


def test_convert_nvivo_sample_for_atlas(nvivo_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "for-atlas.qdpx"
    arguments = ["convert", str(nvivo_sample), str(out), "--target", "atlasti"]
    result = CliRunner().invoke(make_app(), arguments)
    assert result.exit_code == 0, result.output
    project = qualcode.load(out)
    assert len(project.codings) == 97


def test_info_on_a_codebook_and_an_unknown_target(nvivo_sample: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.qdc"
    runner = CliRunner()
    app = make_app()
    assert runner.invoke(app, ["convert", str(nvivo_sample), str(book)]).exit_code == 0
    result = runner.invoke(app, ["info", str(book), "--json"])
    assert result.exit_code == 0 and '"codes": 60' in result.stdout
    out = tmp_path / "x.qdpx"
    bad = runner.invoke(app, ["convert", str(nvivo_sample), str(out), "--target", "word"])
    assert bad.exit_code == 1 and "unknown target" in bad.output
