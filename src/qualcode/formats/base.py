"""The contract of importers and exporters, built-in or from a plugin.

An importer turns a file into a :class:`~qualcode.project.Project`; an exporter writes a project
to a file. Both report what they could not carry in a :class:`~qualcode.losses.LossReport`.
Plugins return their classes from the ``register_importers`` / ``register_exporters`` hooks; each
class has a unique ``name`` (the format name users type after ``--from``/``--to``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import attrs

from qualcode.losses import LossReport
from qualcode.options import OptionsDeclaration
from qualcode.project import Project


@attrs.define
class ImportResult:
    """A project read from a file, with what the import could not carry."""

    project: Project
    report: LossReport = attrs.field(factory=LossReport)


class Importer(ABC):
    """Reads one format. Subclasses set ``name``, ``extensions`` and ``description``."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    """File name endings this importer reads, lower case with the dot, e.g. ``(".txt",)``."""
    description: ClassVar[str] = ""
    options: ClassVar[OptionsDeclaration] = ()
    """The options :meth:`read` accepts: :class:`~qualcode.options.Option` declarations (or,
    the older form, a mapping of option name to help text)."""

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """Whether the file looks like this format from its first bytes (default: no opinion)."""
        return False

    @abstractmethod
    def read(self, path: Path, **options: Any) -> ImportResult:
        """Read ``path`` into a new project. Never modifies ``path``.

        Raises a :class:`~qualcode.errors.QualcodeError` subclass for bad input.
        """


class Exporter(ABC):
    """Writes one format. Subclasses set ``name``, ``extensions`` and ``description``."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    options: ClassVar[OptionsDeclaration] = ()

    @abstractmethod
    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        """Write ``project`` to ``path`` atomically and report what could not be carried."""

    def losses(self, project: Project, **options: Any) -> LossReport:
        """What :meth:`write` would lose, without writing (used by ``convert --strict``).

        The default writes to a temporary folder and returns the report.
        """
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            suffix = self.extensions[0] if self.extensions else ""
            return self.write(project, Path(folder) / f"probe{suffix}", **options)
