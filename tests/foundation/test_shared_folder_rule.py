"""Tests that need ../shared say so when skipped, and fail instead under .ci/run's setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/docx/test_comments.py::test_word_sample_comments"  # reads ../shared/samples


def run_without_shared(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUALCODE_SHARED_DIR": str(tmp_path / "no-shared-here")}
    env.pop("QUALCODE_REQUIRE_SHARED", None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_without_shared_the_skip_says_what_is_missing_and_where(tmp_path: Path) -> None:
    done = run_without_shared(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "needs ../shared: this test reads real sample files kept outside the repository" in (
        done.stdout
    )


def test_with_the_ci_setting_such_a_skip_is_a_failure(tmp_path: Path) -> None:
    done = run_without_shared(tmp_path, QUALCODE_REQUIRE_SHARED="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout  # it fails while its fixture sets up
    assert "QUALCODE_REQUIRE_SHARED is set, so this may not be skipped" in done.stdout


def test_ci_requires_the_shared_folder() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export QUALCODE_REQUIRE_SHARED=1" in script
    assert script.index("../shared") < script.index("make test")
