"""The library's front door: read, load and save projects in any registered format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualcode.errors import InputNotFoundError, about_file
from qualcode.formats.base import ImportResult
from qualcode.losses import LossReport
from qualcode.options import check_plugin_options
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project


def read(
    path: str | Path, format: str | None = None, *, plugins: Plugins | None = None, **options: Any
) -> ImportResult:
    """Read a project and the report of what the import could not carry.

    ``format`` names an importer (see ``qualcode plugins``); without it the format is detected
    from the file name, then the content. ``options`` are the importer's own (an option it does
    not declare is an :class:`~qualcode.errors.OptionError`).
    """
    path = Path(path)
    if not path.exists():
        raise InputNotFoundError("no such file or folder", path=path, hint="check the path")
    plugins = plugins or default_plugins()
    name = format or plugins.detect(path)
    importer = plugins.importers.get(name)()
    with about_file(path):
        check_plugin_options(type(importer), options, owner=f"importer {name!r}")
        return importer.read(path, **options)


def load(
    path: str | Path, format: str | None = None, *, plugins: Plugins | None = None, **options: Any
) -> Project:
    """Load a project from a file; see :func:`read` for the report of what was not carried."""
    return read(path, format, plugins=plugins, **options).project


def save(
    project: Project,
    path: str | Path,
    format: str | None = None,
    *,
    plugins: Plugins | None = None,
    **options: Any,
) -> LossReport:
    """Write ``project`` to ``path`` atomically and return what the format could not carry.

    ``format`` names an exporter; without it the file name's extension decides. ``options``
    are the exporter's own (an option it does not declare is an
    :class:`~qualcode.errors.OptionError`).
    """
    path = Path(path)
    plugins = plugins or default_plugins()
    name = format or plugins.exporter_for(path)
    exporter = plugins.exporters.get(name)()
    with about_file(path):
        check_plugin_options(type(exporter), options, owner=f"exporter {name!r}")
        return exporter.write(project, path, **options)
