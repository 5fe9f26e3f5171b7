"""The whole plugin contract of qualcode.

A plugin is a module or object with functions marked ``@qualcode.hookimpl`` whose names are those
below. Registration hooks return classes; every class carries a unique ``name``. Built-in formats,
strategies and commands are registered through these same hooks.

pluggy decides the order: the built-in plugins are registered last, so their implementations are
called first, unless a plugin marks its own ``@hookimpl(tryfirst=True)``. The command line's own
plugins (``register_commands``) are registered only when the command line starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from qualcode.formats.base import Exporter, Importer
    from qualcode.strategies.base import Runner, Strategy
    from qualcode.validation import FileValidation

PROJECT_NAME = "qualcode"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_importers() -> list[type[Importer]]:
    """Importer classes this plugin provides; each has a unique ``name`` and ``extensions``."""
    raise NotImplementedError


@hookspec
def register_exporters() -> list[type[Exporter]]:
    """Exporter classes this plugin provides; each has a unique ``name`` and ``extensions``."""
    raise NotImplementedError


@hookspec
def register_strategies() -> list[type[Strategy]]:
    """Coding strategy classes this plugin provides; each has a unique ``name``."""
    raise NotImplementedError


@hookspec
def register_runners() -> list[type[Runner]]:
    """Runner classes (how strategy work is executed) this plugin provides; unique ``name``."""
    raise NotImplementedError


@hookspec
def register_commands(app: typer.Typer) -> None:
    """Add commands to the ``qualcode`` command line, e.g. with ``@app.command()``.

    Called only when the command line starts, never by the library: import ``typer`` and your
    command modules inside this function, so that ``import qualcode`` stays free of them.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def validate_file(path: Path, format: str, schemas: Path | None) -> FileValidation | None:
    """Every problem of ``path``, a file of the importer ``format``, or None to leave it to others.

    ``schemas`` is a folder of schemas the user named (``--schemas``), or None. Problems are
    returned, not raised. The first non-None answer wins; a file no plugin validates is read and
    its project checked (``Project.check()``).
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def detect_format(path: Path, head: bytes, importers: Sequence[type[Importer]]) -> str | None:
    """The name of the importer that should read ``path``, or None if this plugin cannot tell.

    ``head`` holds the file's first bytes (empty for a folder); ``importers`` are the importer
    classes registered. An implementation may take any subset of these arguments.

    The first non-None answer wins; the built-in detection (by extension, then by content) runs
    last, so a plugin can override it.
    """
    raise NotImplementedError
