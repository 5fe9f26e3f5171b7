"""The command line handles .qdpx, .qde and .qdc through the same plugins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
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
    assert bad.exit_code == 1 and f"{out}: unknown target 'word'" in bad.output
    strict = runner.invoke(
        app, ["convert", str(nvivo_sample), str(out), "--target", "x", "--strict"]
    )
    assert strict.exit_code == 1 and f"{out}: unknown target 'x'" in strict.output
    assert not out.exists()


def test_the_api_names_the_file_in_an_option_error(nvivo_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.qdpx"
    with pytest.raises(qualcode.QualcodeError, match=f"^{re.escape(str(out))}: unknown target"):
        qualcode.save(qualcode.load(nvivo_sample), out, target="word")
    with pytest.raises(
        qualcode.QualcodeError, match=f"^{re.escape(str(nvivo_sample))}: importer 'qdpx' has no"
    ):
        qualcode.read(nvivo_sample, bogus=1)
