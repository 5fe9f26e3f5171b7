"""Shared test configuration, and the rule about ``../shared``.

Some tests read real files that are not kept in this repository: sample projects exported by
NVivo and Word, and the REFI-QDA schemas. They live in a folder named ``shared`` beside the
repository (``../shared``). Without it those tests are skipped with a reason that starts
"needs ../shared"; ``.ci/run`` sets ``QUALCODE_REQUIRE_SHARED=1``, which turns such a skip into a
failure, so CI never passes without having run them.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QUALCODE_SHARED_DIR") or REPO.parent / "shared")
"""``../shared`` (``QUALCODE_SHARED_DIR`` names another folder, for the test of this rule)."""

NEEDS_SHARED = "needs ../shared"
"""How every skip for want of the shared folder begins."""
REQUIRE_SHARED = "QUALCODE_REQUIRE_SHARED"
"""Set (by .ci/run) to make a test that needs ../shared fail rather than skip without it."""


@pytest.fixture
def shared_dir() -> Path:
    """The shared folder beside the project (samples and the REFI-QDA schemas)."""
    if not SHARED.is_dir():
        pytest.skip(
            f"{NEEDS_SHARED}: this test reads real sample files kept outside the repository, in "
            "the folder 'shared' beside it (samples and the REFI-QDA schemas), which is missing"
        )
    return SHARED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None]:
    """With ``QUALCODE_REQUIRE_SHARED`` set, a skip for want of ../shared is a failure."""
    report = yield
    if report.skipped and os.environ.get(REQUIRE_SHARED) and NEEDS_SHARED in str(report.longrepr):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_SHARED} is set, so this may not be skipped: {reason}"
    return report
