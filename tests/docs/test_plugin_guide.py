"""docs/plugins/guide.md shows the real template plugin, and its code templates work."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path
from typing import Any

import pytest

import qualcode
from qualcode.errors import OptionError
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.testing import sample_project

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "plugins" / "guide.md"
TEMPLATE = ROOT / "plugins" / "qualcode-html"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [code for lang, code in FENCE.findall(text) if lang == language]


def block_containing(marker: str) -> str:
    (code,) = [code for code in blocks("python") if marker in code]
    return code


def module_of(code: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(code, f"docs/plugins/guide.md ({name})", "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def templates() -> dict[str, types.ModuleType]:
    return {
        "importer": module_of(block_containing("class NotesImporter"), "notes_template"),
        "exporter": module_of(block_containing("class CodingsCsvExporter"), "csv_template"),
        "strategy": module_of(block_containing("class WordStrategy"), "word_template"),
    }


def test_the_packaging_shown_is_the_template_plugins() -> None:
    (toml,) = blocks("toml")
    assert toml == (TEMPLATE / "pyproject.toml").read_text(encoding="utf-8")


def test_the_hook_module_shown_is_the_template_plugins() -> None:
    shown = block_containing("from qualcode_html.importer import HtmlImporter")
    assert shown == (TEMPLATE / "src" / "qualcode_html" / "plugin.py").read_text(encoding="utf-8")


def test_the_conftest_shown_imports_the_fixtures() -> None:
    module = module_of(block_containing("fixture_sample_project"), "conftest_template")
    assert callable(module.fixture_sample_project)


def test_the_templates_register_through_the_hooks(
    templates: dict[str, types.ModuleType], tmp_path: Path
) -> None:
    manager = get_plugin_manager(load_entrypoints=False, extra=templates.values())
    plugins = Plugins(manager)
    assert "notes" in plugins.importers
    assert "codings-csv" in plugins.exporters
    assert "word" in plugins.strategies
    path = tmp_path / "visit.notes"
    path.write_text("# Visit\n\nQuiet day.\n", encoding="utf-8")
    (document,) = qualcode.load(path, plugins=plugins).documents
    assert document.kind.value == "field_note"
    target = tmp_path / "sample.codings.csv"
    report = qualcode.save(sample_project(), target, plugins=plugins)
    assert target.is_file()
    assert not report.lossless


def test_the_template_tests_pass(templates: dict[str, types.ModuleType], tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    for module in templates.values():
        namespace.update(vars(module))
    tests = module_of(block_containing("def test_notes_import"), "template_tests")
    vars(tests).update({k: v for k, v in namespace.items() if k[0].isupper()})
    functions = [f for name, f in vars(tests).items() if name.startswith("test_")]
    assert len(functions) == 4
    for function in functions:
        wanted = inspect.signature(function).parameters
        arguments = {"tmp_path": tmp_path, "sample_project": sample_project()}
        function(**{name: arguments[name] for name in wanted})


def test_the_importer_template_refuses_an_unknown_kind_in_one_line(
    templates: dict[str, types.ModuleType], tmp_path: Path
) -> None:
    # it let Python's ValueError escape, against the guide's own rule
    source = tmp_path / "visit.notes"
    source.write_text("# Visit\n\nA quiet morning.\n", encoding="utf-8")
    importer = templates["importer"].NotesImporter()
    with pytest.raises(OptionError, match="unknown kind 'bogus'") as error:
        importer.read(source, kind="bogus")
    assert error.value.path == str(source)
    assert importer.read(source).project.documents
