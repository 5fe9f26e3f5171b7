"""Finding plugins and the typed registries over their hooks.

:func:`get_plugin_manager` is a factory: each call builds a fresh manager with the built-in
plugins, then (unless switched off) the plugins installed under the entry point group
``qualcode``. :class:`Plugins` is the typed view the rest of qualcode uses.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import pluggy

from qualcode import hookspecs
from qualcode.errors import InputNotFoundError, PluginError, UnknownFormatError
from qualcode.formats.base import Exporter, Importer
from qualcode.strategies.base import Runner, Strategy

ENTRY_POINT_GROUP = "qualcode"
AUTOLOAD_SWITCH = "QUALCODE_DISABLE_PLUGIN_AUTOLOAD"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "qualcode.formats.plaintext",
    "qualcode.formats.native_json",
    "qualcode.formats.refiqda.plugin",
    "qualcode.formats.docx.plugin",
    "qualcode.formats.detection",
    "qualcode.strategies.runners",
    "qualcode.strategies.builtin_plugin",
    "qualcode.strategies.keywords.plugin",
    "qualcode.cli.project_commands",
    "qualcode.cli.plugin_commands",
    "qualcode.cli.coding_commands",
    "qualcode.formats.transcripts",
    "qualcode.formats.survey_table",
    "qualcode.cli.import_commands",
    "qualcode.cli.validate_commands",
)
"""Modules registered as built-in plugins, exactly as a third party's would be."""

C = TypeVar("C")


def get_plugin_manager(
    *,
    load_entrypoints: bool | None = None,
    block: Iterable[str] = (),
    extra: Iterable[object] = (),
) -> pluggy.PluginManager:
    """A new plugin manager with the built-in plugins and, by default, the installed ones.

    ``load_entrypoints=None`` loads entry points unless the environment variable
    ``QUALCODE_DISABLE_PLUGIN_AUTOLOAD`` is set to a non-empty value other than ``0``.
    ``block`` names plugins (module names for built-ins, entry point names for third parties)
    that must not load. ``extra`` plugin objects are registered after the built-ins (for tests).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name in block:
        manager.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if manager.is_blocked(module_name):
            continue
        module = importlib.import_module(module_name)
        manager.register(module, name=module_name)
    if load_entrypoints is None:
        load_entrypoints = os.environ.get(AUTOLOAD_SWITCH, "") in ("", "0")
    if load_entrypoints:
        try:
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as error:  # a broken third-party plugin must not hide which one it is
            raise PluginError(
                f"a plugin of group {ENTRY_POINT_GROUP!r} failed to load: {error}",
                hint=f"uninstall or fix it, or set {AUTOLOAD_SWITCH}=1 to skip installed plugins",
            ) from error
    try:
        for plugin in extra:
            manager.register(plugin)
        manager.check_pending()
    except pluggy.PluginValidationError as error:  # e.g. a misspelt hook name
        raise PluginError(
            f"a plugin is not valid: {error}",
            hint="check its hook names against qualcode.hookspecs",
        ) from error
    return manager


class Registry(Generic[C]):
    """Classes registered under unique names, for one kind (importers, exporters, ...)."""

    def __init__(self, kind: str, classes: Iterable[type[Any]]) -> None:
        self.kind = kind
        self.kinds = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
        self._classes: dict[str, type[Any]] = {}
        for cls in classes:
            name = getattr(cls, "name", None)
            if not isinstance(name, str) or not name:
                raise PluginError(f"{kind} class {cls.__module__}.{cls.__qualname__} has no name")
            other = self._classes.get(name)
            if other is not None and other is not cls:
                raise PluginError(
                    f"two {self.kinds} are named {name!r}: {other.__module__}.{other.__qualname__} "
                    f"and {cls.__module__}.{cls.__qualname__}"
                )
            self._classes[name] = cls

    def names(self) -> list[str]:
        return sorted(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __iter__(self) -> Any:
        return iter(self._classes.values())

    def __len__(self) -> int:
        return len(self._classes)

    def get(self, name: str) -> type[C]:
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise UnknownFormatError(
                f"unknown {self.kind} {name!r}; known {self.kinds}: {known}"
            ) from None


def _flatten(results: Sequence[Sequence[type[Any]] | None]) -> list[type[Any]]:
    # pluggy returns the last registered plugin's results first; reverse for registration order
    return [cls for result in reversed(results) if result for cls in result]


class Plugins:
    """The typed view of a plugin manager: registries of importers, exporters, strategies..."""

    def __init__(self, manager: pluggy.PluginManager | None = None) -> None:
        self.manager = manager if manager is not None else get_plugin_manager()
        hook = self.manager.hook
        self.importers: Registry[Importer] = Registry(
            "importer", _flatten(hook.register_importers())
        )
        self.exporters: Registry[Exporter] = Registry(
            "exporter", _flatten(hook.register_exporters())
        )
        self.strategies: Registry[Strategy] = Registry(
            "strategy", _flatten(hook.register_strategies())
        )
        self.runners: Registry[Runner] = Registry("runner", _flatten(hook.register_runners()))

    def detect(self, path: Path) -> str:
        """The importer name for ``path``: by the ``detect_format`` hook, else an error."""
        head = b""
        if path.is_dir():
            raise InputNotFoundError("is a folder", path=path, hint="name a file")
        if path.is_file():
            with path.open("rb") as stream:
                head = stream.read(4096)
        name = self.manager.hook.detect_format(path=path, head=head, importers=list(self.importers))
        if name is None:
            known = ", ".join(f"{cls.name} ({' '.join(cls.extensions)})" for cls in self.importers)
            raise UnknownFormatError(
                "cannot tell the format of this file", path=path, hint=f"use one of: {known}"
            )
        return str(name)

    def exporter_for(self, path: Path) -> str:
        """The exporter name for an output path, by its extension."""
        suffixes = _suffixes(path)
        for suffix in suffixes:
            for cls in self.exporters:
                if suffix in cls.extensions:
                    return str(cls.name)
        known = ", ".join(f"{cls.name} ({' '.join(cls.extensions)})" for cls in self.exporters)
        raise UnknownFormatError(
            "cannot tell which format to write from the file name",
            path=path,
            hint=f"name it with a known extension or pass a format: {known}",
        )

    def plugin_list(self) -> list[dict[str, Any]]:
        """Each plugin with its version and what it provides (for ``qualcode plugins``)."""
        dists = {id(plugin): dist for plugin, dist in self.manager.list_plugin_distinfo()}
        found: list[dict[str, Any]] = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:
                continue
            provides: dict[str, list[str]] = {}
            for kind, hook_name in (
                ("importers", "register_importers"),
                ("exporters", "register_exporters"),
                ("strategies", "register_strategies"),
                ("runners", "register_runners"),
            ):
                function = getattr(plugin, hook_name, None)
                if function is not None and _is_hookimpl(function):
                    provides[kind] = [cls.name for cls in function()]
            hooks = [
                hook_name
                for hook_name in ("register_commands", "detect_format")
                if _is_hookimpl(getattr(plugin, hook_name, None))
            ]
            dist = dists.get(id(plugin))
            found.append(
                {
                    "name": name,
                    "builtin": name in DEFAULT_PLUGINS,
                    "distribution": dist.project_name if dist is not None else "qualcode",
                    "version": dist.version if dist is not None else _own_version(),
                    "provides": provides,
                    "hooks": hooks,
                }
            )
        return found


def _is_hookimpl(function: object) -> bool:
    return function is not None and hasattr(function, f"{hookspecs.PROJECT_NAME}_impl")


def _own_version() -> str:
    from qualcode import __version__

    return __version__


def _suffixes(path: Path) -> list[str]:
    """Candidate extensions, longest first: ``a.qualcode.json`` -> ``.qualcode.json``, ``.json``."""
    name = path.name.lower()
    parts = name.split(".")
    return ["." + ".".join(parts[i:]) for i in range(1, len(parts))]


@functools.lru_cache(maxsize=1)
def default_plugins() -> Plugins:
    """The plugins of this process, found once (the library's load/save use these)."""
    return Plugins(get_plugin_manager())
