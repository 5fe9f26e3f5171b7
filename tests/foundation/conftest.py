"""Fixtures of the foundation tests: those that plugin authors get from ``qualcode.testing``."""

from __future__ import annotations

from qualcode.testing import fixture_qualcode_plugins, fixture_sample_project

__all__ = ["fixture_qualcode_plugins", "fixture_sample_project"]
