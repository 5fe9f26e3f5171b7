"""qualcode finds the installed plugin through its entry point, like any third-party plugin."""

from __future__ import annotations

import json
from importlib.metadata import entry_points, version
from pathlib import Path

import pytest
from qualcode_html import HtmlImporter, plugin
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.plugins import AUTOLOAD_SWITCH, ENTRY_POINT_GROUP, Plugins, get_plugin_manager

DISTRIBUTION = "qualcode-html"


def test_the_entry_point_is_installed() -> None:
    (found,) = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == "html"]
    assert found.value == "qualcode_html.plugin"
    assert found.dist is not None
    assert found.dist.name == DISTRIBUTION


def test_the_plugin_manager_lists_it_under_its_distribution() -> None:
    manager = get_plugin_manager()
    assert manager.get_plugin("html") is plugin
    dists = {dist.project_name: module for module, dist in manager.list_plugin_distinfo()}
    assert dists[DISTRIBUTION] is plugin


def test_the_importer_is_registered() -> None:
    plugins = Plugins(get_plugin_manager())
    assert "html" in plugins.importers
    assert plugins.importers.get("html") is HtmlImporter


@pytest.mark.parametrize("name", ["interview.html", "INTERVIEW.HTM"])
def test_load_detects_html_by_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<h1>PN1</h1><p>Hello</p>", encoding="utf-8")
    project = qualcode.load(path)
    (document,) = project.documents
    assert document.text == "PN1\nHello"
    assert qualcode.load(str(path), format="html").counts()["documents"] == 1


def test_load_detects_html_by_content(tmp_path: Path) -> None:
    path = tmp_path / "saved-page"
    path.write_text("<!DOCTYPE html><html><body><p>No extension</p></body></html>")
    (document,) = qualcode.load(path).documents
    assert document.text == "No extension"


def test_the_cli_lists_it_with_its_version() -> None:
    result = CliRunner().invoke(make_app(), ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    entry = listed["html"]
    assert entry["distribution"] == DISTRIBUTION
    assert entry["version"] == version(DISTRIBUTION)
    assert entry["builtin"] is False
    assert entry["provides"] == {"importers": ["html"]}


def test_the_cli_converts_html_to_json(tmp_path: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text("<h2>Title</h2><p>Body <img src='a.png'></p>", encoding="utf-8")
    target = tmp_path / "page.qualcode.json"
    result = CliRunner().invoke(make_app(), ["convert", str(source), str(target)])
    assert result.exit_code == 0, result.output
    assert "<img>" in result.stderr
    (document,) = qualcode.load(target).documents
    assert document.text == "Title\nBody"
    assert [(p.style, p.heading_level) for p in document.paragraphs] == [("h2", 2), ("p", 0)]


def test_the_autoload_switch_hides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOLOAD_SWITCH, "1")
    manager = get_plugin_manager()
    assert manager.get_plugin("html") is None
    assert "html" not in Plugins(manager).importers
    assert "text" in Plugins(manager).importers  # the built-ins still load


def test_it_can_be_blocked_by_name() -> None:
    manager = get_plugin_manager(block=["html"])
    assert "html" not in Plugins(manager).importers
