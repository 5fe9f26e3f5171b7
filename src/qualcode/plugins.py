"""Finding plugins and the typed registries over their hooks.

:func:`get_plugin_manager` is a factory: each call builds a fresh manager with the built-in
plugins, then (unless switched off) the plugins installed under the entry point group
``qualcode``. :class:`Plugins` is the typed view the rest of qualcode uses.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs
import pluggy

from qualcode import hookspecs
from qualcode.errors import (
    InputNotFoundError,
    PluginError,
    UnknownFormatError,
    UnknownNameError,
    UnknownRunnerError,
    UnknownStrategyError,
)
from qualcode.formats.base import Exporter, Importer
from qualcode.options import declared_options
from qualcode.strategies.base import Runner, Strategy

ENTRY_POINT_GROUP = "qualcode"
AUTOLOAD_SWITCH = "QUALCODE_DISABLE_PLUGIN_AUTOLOAD"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "qualcode.formats.plaintext",
    "qualcode.formats.native_json",
    "qualcode.formats.refiqda.plugin",
    "qualcode.formats.refiqda.validation_plugin",
    "qualcode.formats.docx.plugin",
    "qualcode.formats.detection",
    "qualcode.strategies.runners",
    "qualcode.strategies.builtin_plugin",
    "qualcode.strategies.keywords.plugin",
    "qualcode.formats.transcripts",
    "qualcode.formats.survey_table",
    "qualcode.formats.tables.plugin",
    "qualcode.reports.plugin",
)
"""The library's built-in plugins, registered exactly as a third party's would be.

The command line adds its own command plugins (``qualcode.cli.*``) when it starts, so the library
never imports the CLI. The order of this tuple decides nothing: no two built-ins claim one name or
one extension (a test checks), and pluggy orders the hooks (see :func:`get_plugin_manager`).
"""

C = TypeVar("C")

COMMAND_PLUGIN_PREFIX = "qualcode.cli."
"""The command line's own plugins are the modules of ``qualcode.cli`` (registered by the CLI)."""


def is_builtin(plugin_name: str) -> bool:
    """Whether a plugin's name is one of qualcode's own (formats, strategies, commands)."""
    return plugin_name in DEFAULT_PLUGINS or plugin_name.startswith(COMMAND_PLUGIN_PREFIX)


SKIP_INSTALLED = f"or set {AUTOLOAD_SWITCH}=1 to skip every installed plugin"
"""The end of every hint about an installed plugin: the way out that always works."""


def get_plugin_manager(
    *,
    load_entrypoints: bool | None = None,
    block: Iterable[str] = (),
    extra: Iterable[object] = (),
    errors: list[PluginError] | None = None,
) -> pluggy.PluginManager:
    """A new plugin manager with the built-in plugins and, by default, the installed ones.

    ``load_entrypoints=None`` loads entry points unless the environment variable
    ``QUALCODE_DISABLE_PLUGIN_AUTOLOAD`` is set to a non-empty value other than ``0``.
    ``block`` names plugins (module names for built-ins, entry point names for third parties)
    that must not load. ``extra`` plugin objects (for tests and applications) are registered
    like installed plugins.

    Precedence is pluggy's: the built-ins are registered last, so pluggy calls their hooks
    first, then ``extra`` plugins and installed plugins (the later registered first). A plugin
    whose hook is marked ``@hookimpl(tryfirst=True)`` comes before the built-ins, e.g. so that
    its exporter for ``.qdpx`` is chosen over the built-in one; ``trylast`` puts it after.

    An installed plugin that cannot be imported or registered is a :class:`PluginError` naming
    its entry point and distribution. Given an ``errors`` list, such a plugin is left out (and
    blocked) and its error appended instead, so that what did load can still be used or listed.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name in block:
        manager.set_blocked(name)
    if load_entrypoints is None:
        load_entrypoints = os.environ.get(AUTOLOAD_SWITCH, "") in ("", "0")
    if load_entrypoints:
        _load_entry_points(manager, errors)
    try:
        for plugin in extra:
            manager.register(plugin)
        for module_name in DEFAULT_PLUGINS:
            if not manager.is_blocked(module_name):
                manager.register(importlib.import_module(module_name), name=module_name)
        manager.check_pending()
    except pluggy.PluginValidationError as error:  # e.g. a misspelt hook name
        raise PluginError(
            f"a plugin is not valid: {error}",
            hint="check its hook names against qualcode.hookspecs",
        ) from error
    return manager


def _load_entry_points(manager: pluggy.PluginManager, errors: list[PluginError] | None) -> None:
    """Register the installed plugins one entry point at a time, so a failure can name its own.

    pluggy loads the entry point (in the order of its own scan, the one used here too, so the
    entry point it loads is the one named) and records its distribution for ``qualcode plugins``.
    """
    for dist in list(importlib.metadata.distributions()):
        for entry_point in dist.entry_points:
            name = entry_point.name
            if entry_point.group != ENTRY_POINT_GROUP:
                continue
            if manager.get_plugin(name) is not None or manager.is_blocked(name):
                continue  # like pluggy: the first distribution with a name wins
            label = f"plugin {name!r} from {_distribution_label(dist)}"
            try:
                try:  # a broken third-party plugin must not hide which one it is
                    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
                except Exception as error:
                    raise PluginError(
                        f"{label} failed to load: {_error_text(error)}",
                        hint=f"fix or uninstall it, {SKIP_INSTALLED}",
                    ) from error
                _check_known_hooks(manager, manager.get_plugin(name), label)
            except PluginError as error:
                if errors is None:
                    raise
                manager.set_blocked(name)  # also unregisters what a half-done register left
                errors.append(error)


def _check_known_hooks(manager: pluggy.PluginManager, plugin: object, label: str) -> None:
    """``check_pending`` for one installed plugin, with an error that names it."""
    for caller in manager.get_hookcallers(plugin) or []:
        if caller.has_spec():
            continue
        for implementation in caller.get_hookimpls():
            if implementation.plugin is plugin and not implementation.optionalhook:
                raise PluginError(
                    f"{label} is not valid: it implements an unknown hook {caller.name!r}",
                    hint="check its hook names against qualcode.hookspecs; "
                    f"fix or uninstall it, {SKIP_INSTALLED}",
                )


def _distribution_label(dist: Any) -> str:
    """``qualcode-notes 0.3.0``: a distribution (importlib's, or pluggy's facade over it)."""
    project = getattr(dist, "name", None) or getattr(dist, "project_name", None) or "unknown"
    return f"{project} {dist.version}"


def _error_text(error: BaseException) -> str:
    """``No module named 'x' (ModuleNotFoundError)``: an error's message and its kind."""
    text = " ".join(str(error).split())
    return f"{text} ({type(error).__name__})" if text else type(error).__name__


@attrs.frozen
class Source:
    """Where a registered class came from, to name it in an error."""

    label: str
    """E.g. ``built-in plugin qualcode.formats.plaintext``, ``plugin 'x' from qualcode-x 1.0``."""
    installed: bool = False
    """Whether it came from an installed (entry point) plugin."""


class Registry(Generic[C]):
    """Classes registered under unique names, for one kind (importers, exporters, ...)."""

    def __init__(
        self,
        kind: str,
        classes: Iterable[type[Any]],
        sources: Mapping[type[Any], Source] | None = None,
        unknown: type[UnknownNameError] = UnknownNameError,
    ) -> None:
        """``sources`` says which plugin each class came from, for the errors; ``unknown`` is
        the error :meth:`get` raises for a name not registered."""
        self.kind = kind
        self.unknown = unknown
        self.kinds = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
        self._classes: dict[str, type[Any]] = {}
        sources = sources or {}

        def described(cls: type[Any]) -> str:
            source = sources.get(cls)
            where = f" ({source.label})" if source is not None else ""
            return f"{cls.__module__}.{cls.__qualname__}{where}"

        for cls in classes:
            name = getattr(cls, "name", None)
            if not isinstance(name, str) or not name:
                raise PluginError(
                    f"{kind} class {described(cls)} has no name",
                    hint=_hint("give it a unique `name`", [sources.get(cls)]),
                )
            other = self._classes.get(name)
            if other is not None and other is not cls:
                raise PluginError(
                    f"two {self.kinds} are named {name!r}: {described(other)} and {described(cls)}",
                    hint=_hint(
                        "rename one of them, or uninstall one plugin",
                        [sources.get(other), sources.get(cls)],
                    ),
                )
            try:
                declared_options(cls)  # a malformed declaration is named at registration
            except PluginError as error:
                raise PluginError(
                    f"{kind} {described(cls)}: {error.message}",
                    hint=_hint(error.hint or "fix its options", [sources.get(cls)]),
                ) from None
            self._classes[name] = cls

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __len__(self) -> int:
        return len(self._classes)

    def __iter__(self) -> Iterator[type[C]]:
        """The classes in pluggy's order: the first is preferred where two claim one extension."""
        return iter(self._classes.values())

    def get(self, name: str) -> type[C]:
        """The class registered as ``name``; else :attr:`unknown` (a ``KeyError``) listing the
        known names."""
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise self.unknown(
                f"unknown {self.kind} {name!r}; known {self.kinds}: {known}"
            ) from None


def _hint(what: str, sources: Iterable[Source | None]) -> str:
    if any(source is not None and source.installed for source in sources):
        return f"{what}, {SKIP_INSTALLED}"
    return what


def _sources(manager: pluggy.PluginManager) -> dict[str, Source]:
    """Each registered plugin's name with its :class:`Source`."""
    dists = {id(plugin): dist for plugin, dist in manager.list_plugin_distinfo()}
    found: dict[str, Source] = {}
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        if is_builtin(name):
            found[name] = Source(f"built-in plugin {name}")
        elif id(plugin) in dists:
            label = f"plugin {name!r} from {_distribution_label(dists[id(plugin)])}"
            found[name] = Source(label, installed=True)
        elif name == str(id(plugin)):  # an object given without a name, as through ``extra``
            found[name] = Source(f"plugin {type(plugin).__module__}.{type(plugin).__qualname__}")
        else:
            found[name] = Source(f"plugin {name!r}")
    return found


def _registered(
    manager: pluggy.PluginManager, hook_name: str, sources: Mapping[str, Source]
) -> tuple[list[type[Any]], dict[type[Any], Source]]:
    """The classes a registration hook returns, in pluggy's order, with where each came from.

    The classes come from pluggy's own call of the hook, so ``tryfirst``, ``trylast`` and hook
    wrappers work as pluggy documents them: the earlier a class, the more it is preferred where
    two claim one extension. Before that, each plugin's implementation is called on its own, so
    that a mistake (a hook that raises, returns None or not a list, or an instance rather than a
    class) is an error naming the plugin, at registration rather than at first use.
    """
    origin: dict[type[Any], Source] = {}
    for implementation in getattr(manager.hook, hook_name).get_hookimpls():
        if implementation.hookwrapper or implementation.wrapper:
            continue
        source = sources.get(
            implementation.plugin_name, Source(f"plugin {implementation.plugin_name!r}")
        )
        where = f"{source.label}: {hook_name}"
        try:
            result = implementation.function()
        except Exception as error:
            if is_builtin(implementation.plugin_name):
                raise  # a bug in qualcode keeps its traceback
            raise PluginError(
                f"{where} failed: {_error_text(error)}", hint=_hint("fix or uninstall it", [source])
            ) from error
        for cls in _checked_classes(result, where, [source]):
            origin.setdefault(cls, source)
    try:
        called: object = getattr(manager.hook, hook_name)()
    except PluginError:
        raise
    except Exception as error:  # only a hook wrapper can fail here: every function worked above
        raise PluginError(
            f"a hook wrapper of {hook_name} failed: {_error_text(error)}",
            hint=f"fix or uninstall the plugin that wraps it, {SKIP_INSTALLED}",
        ) from error
    where = f"{hook_name} (as changed by a hook wrapper)"
    classes: list[type[Any]] = []
    for result in called if isinstance(called, list) else [called]:
        for cls in _checked_classes(result, where, []):
            classes.append(cls)
            origin.setdefault(cls, Source(f"a hook wrapper of {hook_name}"))
    return classes, origin


def _checked_classes(result: object, where: str, sources: list[Source | None]) -> list[type[Any]]:
    """``result`` of a registration hook if it is a list of classes, else an error at ``where``."""
    if not isinstance(result, list | tuple):
        got = "None" if result is None else f"an object of type {type(result).__name__}"
        raise PluginError(
            f"{where} returned {got}, not a list of classes",
            hint=_hint(
                "it must return a list, empty if it has nothing to register; "
                "fix or uninstall the plugin",
                sources,
            ),
        )
    for cls in result:
        if not isinstance(cls, type):
            raise PluginError(
                f"{where} returned an instance of {type(cls).__qualname__}, not a class",
                hint=_hint(
                    f"it must return the class itself, e.g. [{type(cls).__qualname__}]; "
                    "fix or uninstall the plugin",
                    sources,
                ),
            )
    return list(result)


class Plugins:
    """The typed view of a plugin manager: registries of importers, exporters, strategies..."""

    def __init__(self, manager: pluggy.PluginManager | None = None) -> None:
        self.manager = manager if manager is not None else get_plugin_manager()
        sources = _sources(self.manager)

        def registry(kind: str, hook_name: str, unknown: type[UnknownNameError]) -> Registry[Any]:
            return Registry(kind, *_registered(self.manager, hook_name, sources), unknown)

        self.importers: Registry[Importer] = registry(
            "importer", "register_importers", UnknownFormatError
        )
        self.exporters: Registry[Exporter] = registry(
            "exporter", "register_exporters", UnknownFormatError
        )
        self.strategies: Registry[Strategy] = registry(
            "strategy", "register_strategies", UnknownStrategyError
        )
        self.runners: Registry[Runner] = registry("runner", "register_runners", UnknownRunnerError)

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
        return plugin_list(self.manager)

    def strategy_list(self) -> dict[str, list[dict[str, Any]]]:
        """The strategies (with their options) and runners, as plain data, sorted by name (what
        ``qualcode strategies`` shows)."""
        return {
            "strategies": [
                {
                    "name": cls.name,
                    "version": cls.version,
                    "description": cls.description,
                    "module": cls.__module__,
                    "options": [option.describe() for option in declared_options(cls)],
                }
                for cls in sorted(self.strategies, key=lambda c: c.name)
            ],
            "runners": [
                {"name": cls.name, "description": cls.description, "module": cls.__module__}
                for cls in sorted(self.runners, key=lambda c: c.name)
            ],
        }


def inspect_plugins(
    prepare: Callable[[pluggy.PluginManager], None] | None = None,
) -> tuple[list[dict[str, Any]], list[PluginError]]:
    """Every plugin that loads, with what it provides, and an error for each that does not
    (what ``qualcode plugins`` shows): an installed plugin that fails to load, two classes
    with one name, a registration hook that returns the wrong thing. Never raises for these.

    ``prepare`` may register more plugins first (the command line registers its commands).
    """
    errors: list[PluginError] = []
    manager = get_plugin_manager(errors=errors)
    if prepare is not None:
        prepare(manager)
    if not errors:
        try:
            Plugins(manager)
        except PluginError as error:
            errors.append(error)
    return plugin_list(manager), errors


def plugin_list(manager: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Each plugin of ``manager`` with its version and what it provides.

    Needs no registries, so it also lists the plugins when two of them clash or one of them
    registers something wrong (what such a hook returns is listed as far as it can be).
    """
    dists = {id(plugin): dist for plugin, dist in manager.list_plugin_distinfo()}
    found: list[dict[str, Any]] = []
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        provides: dict[str, list[str]] = {}
        options: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for kind, hook_name in (
            ("importers", "register_importers"),
            ("exporters", "register_exporters"),
            ("strategies", "register_strategies"),
            ("runners", "register_runners"),
        ):
            function = getattr(plugin, hook_name, None)
            if function is not None and _is_hookimpl(function):
                provides[kind] = _provided_names(function)
                options[kind] = _provided_options(function)
        hooks = [
            hook_name
            for hook_name in ("register_commands", "detect_format", "validate_file")
            if _is_hookimpl(getattr(plugin, hook_name, None))
        ]
        dist = dists.get(id(plugin))
        found.append(
            {
                "name": name,
                "builtin": is_builtin(name),
                "distribution": dist.project_name if dist is not None else "qualcode",
                "version": dist.version if dist is not None else _own_version(),
                "provides": provides,
                "options": options,
                "hooks": hooks,
            }
        )
    found.sort(key=lambda plugin: not plugin["builtin"])  # built-ins first, then in order
    return found


def _provided_names(function: Any) -> list[str]:
    """The names of the classes a registration hook returns; none if it fails or returns junk."""
    try:
        result = function()
    except Exception:
        return []
    if not isinstance(result, list | tuple):
        return []
    return [str(getattr(cls, "name", cls)) for cls in result]


def _provided_options(function: Any) -> dict[str, list[dict[str, Any]]]:
    """Each class a registration hook returns, by name, with its declared options (as
    :meth:`~qualcode.options.Option.describe` gives them); a class whose declaration is
    malformed is left out (it is reported when the plugins register)."""
    try:
        result = function()
    except Exception:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for cls in result if isinstance(result, list | tuple) else ():
        if isinstance(cls, type):
            try:
                declared = declared_options(cls)
            except PluginError:
                continue
            found[str(getattr(cls, "name", cls.__qualname__))] = [o.describe() for o in declared]
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
