"""The plugin system: built-ins through the same path, entry points, blocking, overriding."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from qualcode import Importer, ImportResult, Project, hookimpl
from qualcode.errors import (
    PluginError,
    UnknownFormatError,
    UnknownRunnerError,
    UnknownStrategyError,
)
from qualcode.formats.native_json import JsonImporter
from qualcode.plugins import (
    AUTOLOAD_SWITCH,
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    Plugins,
    Registry,
    get_plugin_manager,
)


def plugins(**kwargs: Any) -> Plugins:
    kwargs.setdefault("load_entrypoints", False)
    return Plugins(get_plugin_manager(**kwargs))


def test_builtins_are_registered_as_ordinary_plugins() -> None:
    manager = get_plugin_manager(load_entrypoints=False)
    names = [name for name, _ in manager.list_name_plugin()]
    assert names == list(DEFAULT_PLUGINS)
    listed = Plugins(manager).plugin_list()
    assert all(p["builtin"] for p in listed)
    by_name = {p["name"]: p for p in listed}
    assert by_name["qualcode.formats.native_json"]["provides"] == {
        "importers": ["json"],
        "exporters": ["json"],
    }
    assert by_name["qualcode.formats.detection"]["hooks"] == ["detect_format"]


def test_each_call_builds_a_fresh_manager() -> None:
    assert get_plugin_manager(load_entrypoints=False) is not get_plugin_manager(
        load_entrypoints=False
    )


class OtherJsonImporter(Importer):
    name = "json"
    extensions = (".json",)

    def read(self, path: Path, **options: Any) -> ImportResult:
        return ImportResult(Project())


class ClashingPlugin:
    @hookimpl
    def register_importers(self) -> list[type[Importer]]:
        return [OtherJsonImporter]


def test_duplicate_names_are_an_error_naming_both_classes() -> None:
    with pytest.raises(PluginError) as caught:
        plugins(extra=[ClashingPlugin()])
    message = str(caught.value)
    assert "'json'" in message
    assert "qualcode.formats.native_json.JsonImporter" in message
    assert f"{__name__}.OtherJsonImporter" in message


def test_registering_the_same_class_twice_is_fine() -> None:
    registry: Registry[Importer] = Registry("importer", [JsonImporter, JsonImporter])
    assert registry.names() == ["json"]


def test_a_class_without_a_name_is_refused() -> None:
    class Nameless(Importer):
        def read(self, path: Path, **options: Any) -> ImportResult:
            raise NotImplementedError

    with pytest.raises(PluginError, match="Nameless has no name"):
        Registry("importer", [Nameless])


def test_registry_lookup() -> None:
    found = plugins()
    assert found.importers.get("json") is JsonImporter
    assert "json" in found.importers and len(found.importers) == len(list(found.importers))
    with pytest.raises(UnknownFormatError, match="unknown importer 'x'; known importers: "):
        found.importers.get("x")
    with pytest.raises(UnknownStrategyError, match="unknown strategy 'x'; known strategies: "):
        found.strategies.get("x")
    with pytest.raises(UnknownRunnerError, match="unknown runner 'x'; known runners: "):
        found.runners.get("x")


def test_an_unknown_strategy_is_about_strategies_and_every_lookup_is_a_key_error() -> None:
    found = plugins()
    with pytest.raises(KeyError) as caught:
        found.strategies.get("keyword")
    assert not isinstance(caught.value, UnknownFormatError)
    assert str(caught.value).startswith("unknown strategy 'keyword'")  # not KeyError's quoting
    for registry in (found.importers, found.exporters, found.runners):
        with pytest.raises(KeyError):
            registry.get("nothing")


def test_blocked_plugins_do_not_load() -> None:
    found = plugins(block=["qualcode.formats.plaintext"])
    assert "text" not in found.importers
    assert "json" in found.importers


class Shouter(Importer):
    name = "shout"
    extensions = (".shout",)
    description = "upper-case text"

    def read(self, path: Path, **options: Any) -> ImportResult:
        return ImportResult(Project(name=path.read_text().upper()))


class ThirdParty:
    """A third-party plugin given as an object (as a test or an application would)."""

    @hookimpl
    def register_importers(self) -> list[type[Importer]]:
        return [Shouter]

    @hookimpl
    def detect_format(self, path: Path, head: bytes) -> str | None:
        return "shout" if head.startswith(b"HEY") else None


def test_a_third_party_plugin_object_through_extra(tmp_path: Path) -> None:
    found = plugins(extra=[ThirdParty()])
    assert found.importers.get("shout") is Shouter
    loud = tmp_path / "greeting.json"  # the built-in would say json by extension
    loud.write_bytes(b"HEY there")
    assert found.detect(loud) == "shout"  # firstresult: the plugin answers first
    quiet = tmp_path / "other.json"
    quiet.write_bytes(b"{}")
    assert found.detect(quiet) == "json"  # the plugin has no opinion: the built-in decides
    assert found.detect(tmp_path / "by-extension.shout") == "shout"
    assert plugins().importers.names() == sorted(set(plugins().importers.names()))


def test_detection_by_content_when_the_name_says_nothing(tmp_path: Path) -> None:
    found = plugins()
    path = tmp_path / "project.data"
    path.write_bytes(b'{"format": "qualcode", "version": 1}')
    assert found.detect(path) == "json"
    longest = tmp_path / "a.qualcode.json"
    longest.write_bytes(b"{}")
    assert found.detect(longest) == "json"


def install_fake_distribution(
    root: Path, monkeypatch: pytest.MonkeyPatch, module_source: str, module: str = "qc_fake"
) -> None:
    """A real (if tiny) installed distribution with an entry point in group ``qualcode``."""
    (root / f"{module}.py").write_text(textwrap.dedent(module_source))
    info = root / "qualcode_fake-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualcode-fake\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nfake = {module}\n")
    monkeypatch.syspath_prepend(str(root))


FAKE_PLUGIN = """
    from pathlib import Path
    from qualcode import Importer, ImportResult, Project, hookimpl

    class FakeImporter(Importer):
        name = "fake"
        extensions = (".fake",)

        def read(self, path: Path, **options) -> ImportResult:
            return ImportResult(Project(name="fake"))

    @hookimpl
    def register_importers():
        return [FakeImporter]
"""


@pytest.mark.parametrize(("switch", "loaded"), [(None, True), ("0", True), ("1", False)])
def test_entry_point_plugins_and_the_autoload_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: str | None, loaded: bool
) -> None:
    install_fake_distribution(tmp_path, monkeypatch, FAKE_PLUGIN)
    if switch is None:
        monkeypatch.delenv(AUTOLOAD_SWITCH, raising=False)
    else:
        monkeypatch.setenv(AUTOLOAD_SWITCH, switch)
    found = Plugins(get_plugin_manager())
    assert ("fake" in found.importers) is loaded
    if loaded:
        entry = next(p for p in found.plugin_list() if p["name"] == "fake")
        assert entry["distribution"] == "qualcode-fake"
        assert entry["version"] == "1.2.3"
        assert entry["builtin"] is False
        assert entry["provides"] == {"importers": ["fake"]}
        # blocking a third party by its entry point name
        blocked = Plugins(get_plugin_manager(block=["fake"]))
        assert "fake" not in blocked.importers


def test_explicit_argument_beats_the_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_distribution(tmp_path, monkeypatch, FAKE_PLUGIN)
    monkeypatch.setenv(AUTOLOAD_SWITCH, "1")
    assert "fake" in Plugins(get_plugin_manager(load_entrypoints=True)).importers


def test_a_broken_entry_point_is_a_plugin_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_distribution(tmp_path, monkeypatch, "raise RuntimeError('oops')\n", "qc_broken")
    with pytest.raises(PluginError, match="failed to load: oops"):
        get_plugin_manager(load_entrypoints=True)


def test_a_hook_with_a_wrong_name_is_refused() -> None:
    class Misspelled:
        @hookimpl
        def register_importer(self) -> list[type[Importer]]:  # missing "s"
            return []

    with pytest.raises(PluginError, match="register_importer") as caught:
        get_plugin_manager(load_entrypoints=False, extra=[Misspelled()])
    assert "Misspelled" in str(caught.value)
