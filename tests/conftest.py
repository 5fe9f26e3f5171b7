"""Shared test configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The shared folder beside the project (samples and the REFI-QDA schemas)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the project")
    return SHARED
