"""pluggy decides the order of hook results: tryfirst, trylast and wrappers work as documented."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from qualcode import Exporter, Importer, ImportResult, LossReport, Project, hookimpl
from qualcode.errors import PluginError
from qualcode.formats.refiqda.plugin import QdpxExporter, QdpxImporter
from qualcode.plugins import DEFAULT_PLUGINS, Plugins, get_plugin_manager


class OtherQdpxExporter(Exporter):
    name = "other-qdpx"
    extensions = (".qdpx",)

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        raise NotImplementedError


class OtherQdpxImporter(Importer):
    name = "other-qdpx"
    extensions = (".qdpx",)

    def read(self, path: Path, **options: Any) -> ImportResult:
        raise NotImplementedError


class Plain:
    @hookimpl
    def register_exporters(self) -> list[type[Exporter]]:
        return [OtherQdpxExporter]

    @hookimpl
    def register_importers(self) -> list[type[Importer]]:
        return [OtherQdpxImporter]


class First:
    @hookimpl(tryfirst=True)
    def register_exporters(self) -> list[type[Exporter]]:
        return [OtherQdpxExporter]

    @hookimpl(tryfirst=True)
    def register_importers(self) -> list[type[Importer]]:
        return [OtherQdpxImporter]


def plugins(*extra: object) -> Plugins:
    return Plugins(get_plugin_manager(load_entrypoints=False, extra=extra))


def test_by_default_the_built_in_format_keeps_its_extension(tmp_path: Path) -> None:
    found = plugins(Plain())
    assert found.exporter_for(tmp_path / "out.qdpx") == QdpxExporter.name
    assert found.detect(tmp_path / "in.qdpx") == QdpxImporter.name
    assert "other-qdpx" in found.exporters and "other-qdpx" in found.importers


def test_a_tryfirst_plugin_takes_an_extension_from_the_built_ins(tmp_path: Path) -> None:
    found = plugins(First())
    assert found.exporter_for(tmp_path / "out.qdpx") == "other-qdpx"
    assert found.detect(tmp_path / "in.qdpx") == "other-qdpx"
    assert next(iter(found.exporters)) is OtherQdpxExporter


class Wrapper:
    """A new-style hook wrapper that takes one exporter out of what the others register."""

    @hookimpl(wrapper=True)
    def register_exporters(self) -> Generator[None, list[list[type[Exporter]]], Any]:
        results = yield
        return [[cls for cls in result if cls.name != "docx"] for result in results]


def test_a_hook_wrapper_sees_and_changes_the_results() -> None:
    assert "docx" in plugins().exporters
    assert "docx" not in plugins(Wrapper()).exporters


class JunkWrapper:
    @hookimpl(wrapper=True)
    def register_exporters(self) -> Generator[None, Any, Any]:
        yield
        return [None]


def test_a_wrapper_returning_junk_is_named_at_registration() -> None:
    with pytest.raises(PluginError, match=r"register_exporters \(as changed by a hook wrapper\)"):
        plugins(JunkWrapper())


def test_the_order_of_the_built_in_list_decides_nothing() -> None:
    """No two built-ins claim one extension, so precedence among them never matters."""
    found = Plugins(get_plugin_manager(load_entrypoints=False))
    for registry in (found.importers, found.exporters):
        claimed: dict[str, str] = {}
        for cls in registry:
            for extension in cls.extensions:
                assert claimed.setdefault(extension, cls.name) == cls.name, extension
    registered = [name for name, _ in get_plugin_manager(load_entrypoints=False).list_name_plugin()]
    assert registered == list(DEFAULT_PLUGINS)
