"""Fixtures and conformance checks for plugin authors (and qualcode's own tests).

- :func:`sample_project`: a small project that uses every kind of entity and every field.
- :func:`projects`: a Hypothesis strategy producing valid random projects. It needs the
  ``testing`` extra (``pip install 'qualcode[testing]'``, which installs Hypothesis); without
  it, calling :func:`projects` raises a ModuleNotFoundError naming that extra. Everything else
  here works without it.
- :func:`assert_projects_equal`: compares two projects field by field with a readable diff.
- :func:`check_importer` and :func:`check_roundtrip`: what every importer and exporter must do.

As a pytest plugin (``pytest_plugins = ["qualcode.testing"]``) this module offers the fixtures
``sample_project`` and ``qualcode_plugins`` (a fresh :class:`~qualcode.plugins.Plugins` without
third-party entry points).
"""

from __future__ import annotations

from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.project import Project
from qualcode.testing.compare import (
    COLLECTIONS,
    PROJECT_FIELDS,
    assert_projects_equal,
    project_differences,
)
from qualcode.testing.conformance import check_importer, check_roundtrip
from qualcode.testing.sample import sample_id, sample_project
from qualcode.testing.strategies import projects

__all__ = [
    "COLLECTIONS",
    "PROJECT_FIELDS",
    "assert_projects_equal",
    "check_importer",
    "check_roundtrip",
    "project_differences",
    "projects",
    "sample_id",
    "sample_project",
]

# -- the pytest plugin ------------------------------------------------------------------------

try:
    import pytest
except ModuleNotFoundError:  # pragma: no cover - only without pytest installed
    pass
else:

    @pytest.fixture(name="sample_project")
    def fixture_sample_project() -> Project:
        """A fresh :func:`sample_project` for each test."""
        return sample_project()

    @pytest.fixture(name="qualcode_plugins")
    def fixture_qualcode_plugins() -> Plugins:
        """A fresh plugin registry with the built-ins only (no third-party entry points)."""
        return Plugins(get_plugin_manager(load_entrypoints=False))
