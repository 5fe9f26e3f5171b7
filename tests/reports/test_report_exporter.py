"""The report is a registered exporter: save and convert write it by its extension."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode import Code, Coding, Document, Project, new_id
from qualcode.cli import make_app
from qualcode.errors import OptionError
from qualcode.plugins import default_plugins

pytest.importorskip("jinja2")


def small() -> Project:
    project = Project(name="Peer workers")
    project.add_code(Code(id="sup", name="Support"))
    project.add_document(Document(id="d1", name="PN1_T1", text="My manager listened."))
    project.add_coding(Coding(new_id(), "d1", "sup", 3, 10))
    return project


def test_save_writes_the_report_by_its_extension(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    report = qualcode.save(small(), out, title="Our study")
    assert report.lossless
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "Our study" in page and "manager" in page
    assert default_plugins().exporter_for(out) == "report-html"


def test_convert_writes_it_and_its_options_are_checked(tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    qualcode.save(small(), source)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        make_app(), ["convert", str(source), str(out), "-o", "page_size=10"]
    )
    assert result.exit_code == 0, result.output
    assert "Peer workers" in out.read_text(encoding="utf-8")
    with pytest.raises(OptionError, match="option 'cooccurrence' of exporter 'report-html'"):
        qualcode.save(small(), tmp_path / "x.html", cooccurrence="words")
