"""A broken or clashing installed plugin: named in one error line, and the CLI keeps working.

Installed plugins are faked as tiny distributions (a module and a ``.dist-info`` folder with an
entry point in group ``qualcode``) on ``sys.path``; plugin objects go in through ``extra``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode import Importer, ImportResult, Project, hookimpl
from qualcode.cli import make_app
from qualcode.errors import PluginError
from qualcode.plugins import (
    AUTOLOAD_SWITCH,
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    Plugins,
    default_plugins,
    get_plugin_manager,
)

runner = CliRunner()

Install = Callable[[str, str], None]
"""``install(name, source)``: a distribution ``qualcode-<name> 0.1`` whose entry point ``<name>``
is a module with ``source``."""

GOOD = """
    from pathlib import Path
    from qualcode import Importer, ImportResult, Project, hookimpl

    class GoodImporter(Importer):
        name = "good"
        extensions = (".good",)

        def read(self, path: Path, **options) -> ImportResult:
            return ImportResult(Project(name="good"))

    @hookimpl
    def register_importers():
        return [GoodImporter]
"""

CLASH = """
    from qualcode import hookimpl
    from qualcode.formats.plaintext import PlainTextImporter

    class OtherTextImporter(PlainTextImporter):
        pass  # keeps the name "text"

    @hookimpl
    def register_importers():
        return [OtherTextImporter]
"""

BROKEN = {
    "ImportError": "from qualcode import no_such_name\n",
    "RuntimeError": "raise RuntimeError('the licence server is down')\n",
}


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """Install fake distributions for one test; forget their modules and the cached plugins."""
    site = tmp_path / "site"
    site.mkdir()
    modules: list[str] = []

    def install_one(name: str, source: str) -> None:
        module = f"qc_broken_plugins_{name}"
        modules.append(module)
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        info = site / f"qualcode_{name}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: qualcode-{name}\nVersion: 0.1\n"
        )
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {module}\n")

    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv(AUTOLOAD_SWITCH, raising=False)
    default_plugins.cache_clear()
    yield install_one
    default_plugins.cache_clear()
    for module in modules:
        sys.modules.pop(module, None)


def run(*args: str) -> Result:
    return runner.invoke(make_app(), list(args))


def error_lines(result: Result) -> list[str]:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    return lines


# --- the library: errors that name the plugin ------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_plugin_that_fails_to_load_is_named(install: Install, kind: str) -> None:
    install("broken", BROKEN[kind])
    with pytest.raises(PluginError) as caught:
        get_plugin_manager(load_entrypoints=True)
    message = str(caught.value)
    assert "plugin 'broken' from qualcode-broken 0.1 failed to load" in message
    assert kind in message
    assert f"{AUTOLOAD_SWITCH}=1" in message


def test_errors_list_leaves_out_the_broken_plugin_and_keeps_the_others(install: Install) -> None:
    install("broken", BROKEN["ImportError"])
    install("good", GOOD)
    errors: list[PluginError] = []
    manager = get_plugin_manager(load_entrypoints=True, errors=errors)
    assert [str(error).split(" failed")[0] for error in errors] == [
        "plugin 'broken' from qualcode-broken 0.1"
    ]
    found = Plugins(manager)
    assert "good" in found.importers and "text" in found.importers
    assert manager.get_plugin("broken") is None


def test_a_clash_names_both_plugins_and_the_way_out(install: Install) -> None:
    install("clash", CLASH)
    with pytest.raises(PluginError) as caught:
        Plugins(get_plugin_manager(load_entrypoints=True))
    message = str(caught.value)
    assert "two importers are named 'text'" in message
    assert "(built-in plugin qualcode.formats.plaintext)" in message
    assert "OtherTextImporter (plugin 'clash' from qualcode-clash 0.1)" in message
    assert f"{AUTOLOAD_SWITCH}=1" in message


def test_an_unknown_hook_in_an_installed_plugin_names_its_distribution(install: Install) -> None:
    install(
        "typo",
        """
        from qualcode import hookimpl

        @hookimpl
        def register_importer():  # missing "s"
            return []
        """,
    )
    with pytest.raises(PluginError) as caught:
        get_plugin_manager(load_entrypoints=True)
    message = str(caught.value)
    assert "plugin 'typo' from qualcode-typo 0.1" in message
    assert "'register_importer'" in message


class Loud(Importer):
    name = "loud"
    extensions = (".loud",)

    def read(self, path: Path, **options: Any) -> ImportResult:
        return ImportResult(Project())


class GivesAnInstance:
    @hookimpl
    def register_importers(self) -> list[Any]:
        return [Loud()]


class GivesNone:
    @hookimpl
    def register_importers(self) -> None:  # forgot the return
        Loud.__name__  # noqa: B018


class GivesAClass:
    @hookimpl
    def register_importers(self) -> Any:
        return Loud  # not in a list


class Raises:
    @hookimpl
    def register_importers(self) -> list[type[Importer]]:
        raise ModuleNotFoundError("No module named 'loudness'")


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (GivesAnInstance(), "register_importers returned an instance of Loud, not a class"),
        (GivesNone(), "register_importers returned None, not a list of classes"),
        (GivesAClass(), "register_importers returned an object of type ABCMeta, not a list"),
        (Raises(), "register_importers failed: No module named 'loudness'"),
    ],
    ids=["instance", "none", "not-a-list", "raises"],
)
def test_a_registration_hook_mistake_is_caught_at_registration(
    plugin: object, expected: str
) -> None:
    with pytest.raises(PluginError) as caught:
        Plugins(get_plugin_manager(load_entrypoints=False, extra=[plugin]))
    message = str(caught.value)
    assert f"plugin {__name__}.{type(plugin).__qualname__}: {expected}" in message
    assert AUTOLOAD_SWITCH not in message  # not an installed plugin: that switch would not help


def test_a_registration_hook_mistake_in_an_installed_plugin(install: Install) -> None:
    install(
        "shapes",
        """
        from qualcode import hookimpl
        from qualcode.formats.plaintext import PlainTextImporter

        @hookimpl
        def register_exporters():
            return [PlainTextImporter()]
        """,
    )
    with pytest.raises(PluginError) as caught:
        Plugins(get_plugin_manager(load_entrypoints=True))
    message = str(caught.value)
    assert (
        "plugin 'shapes' from qualcode-shapes 0.1: register_exporters returned an instance of "
        "PlainTextImporter, not a class"
    ) in message
    assert "e.g. [PlainTextImporter]" in message and f"{AUTOLOAD_SWITCH}=1" in message


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(params=["broken", "clash"])
def bad_plugin(request: pytest.FixtureRequest, install: Install) -> str:
    """One broken (fails to import) or clashing installed plugin, beside a good one."""
    install("good", GOOD)
    if request.param == "broken":
        install("broken", BROKEN["RuntimeError"])
        return "plugin 'broken' from qualcode-broken 0.1 failed to load: the licence server"
    install("clash", CLASH)
    return "two importers are named 'text'"


def test_version_and_help_still_work(bad_plugin: str) -> None:
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"qualcode {qualcode.__version__}\n"
    result = run("--help")
    assert result.exit_code == 0, result.output
    assert "convert" in result.stdout and "plugins" in result.stdout


def test_a_command_that_needs_the_plugins_says_so_in_one_line(
    bad_plugin: str, tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello")
    for args in (["info", str(source)], ["convert", str(source), str(tmp_path / "out.json")]):
        lines = error_lines(run(*args))
        assert len(lines) == 1
        assert bad_plugin in lines[0]
        assert f"{AUTOLOAD_SWITCH}=1" in lines[0]
    assert not (tmp_path / "out.json").exists()


def test_plugins_lists_what_loaded_and_names_the_broken_one(bad_plugin: str) -> None:
    result = run("plugins")
    lines = error_lines(result)
    assert len(lines) == 1 and bad_plugin in lines[0]
    for module in DEFAULT_PLUGINS:
        assert f"{module} (built-in " in result.stdout
    assert "good (qualcode-good 0.1)\n  importers: good\n" in result.stdout
    if "clash" in bad_plugin:
        assert "clash (qualcode-clash 0.1)\n  importers: text\n" in result.stdout
    listed = json.loads(run("plugins", "--json").stdout)
    assert "good" in {entry["name"] for entry in listed}


def test_the_console_script_has_no_traceback(install: Install, tmp_path: Path) -> None:
    """Through ``main()`` in a fresh process, as a user runs it."""
    install("broken", BROKEN["ImportError"])
    site = str(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([site, *sys.path])}
    env.pop(AUTOLOAD_SWITCH, None)
    script = "from qualcode.cli import main; main()"

    def qualcode_cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", script, *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    version = qualcode_cli("--version")
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"qualcode {qualcode.__version__}\n",
        "",
    )
    listed = qualcode_cli("plugins")
    assert listed.returncode == 1
    assert "Traceback" not in listed.stderr
    assert listed.stderr.startswith("error: plugin 'broken' from qualcode-broken 0.1 failed")
    assert len(listed.stderr.splitlines()) == 1
    env[AUTOLOAD_SWITCH] = "1"
    switched_off = qualcode_cli("plugins")
    assert switched_off.returncode == 0 and switched_off.stderr == ""
