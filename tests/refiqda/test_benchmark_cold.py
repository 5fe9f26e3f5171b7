"""The REFI-QDA benchmark's cold steps time their imports: nothing is imported before the clock.

``benchmarks/refiqda_bench.py`` runs each cold repetition as a fresh process that takes the time
as its first statement; if the module imported lxml, zipfile or qualcode at its top, those imports
would run before the clock and the cold figures would flatter whichever side needs them most.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_module_imports_nothing_a_step_needs_before_its_clock() -> None:
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        f"sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "import refiqda_bench\n"
        "print(' '.join(sorted(set(sys.modules) - before - {'refiqda_bench'})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    imported = set(done.stdout.split())
    assert not imported & {"lxml", "lxml.etree", "zipfile", "qualcode", "json", "argparse"}
    # only ``from __future__ import annotations`` (a compiler directive) precedes the clock
    assert imported <= {"__future__"}, f"imported before any step's clock: {sorted(imported)}"


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cold") / "small.qdpx"
    _module("refiqda_generate").generate(path, sources=4, codings=40, chars=8_000)
    return path


@pytest.mark.parametrize("step", ["baseline", "import"])
def test_a_cold_step_runs_in_a_fresh_process_and_reports_its_times(
    step: str, small_file: Path
) -> None:
    result = _module("refiqda_bench")._cold_once(step, small_file)
    assert "error" not in result, result
    assert result["step"] == step
    assert 0 < result["cpu"] <= result["process_cpu"]
    assert result["peak_mib"] > 0
