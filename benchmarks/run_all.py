"""Run every benchmark one after the other (``make bench``); each prints its own ratios.

The benchmarks are independent scripts: this only runs them in turn with the same interpreter and
reports which missed a target (a benchmark exits non-zero when it does) or failed. Pass
``--quick`` for smaller sizes that finish in a few minutes (the figures in docs/performance.md come
from full runs).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "samples" / "word-comments__doc_v1.docx"

FULL: dict[str, list[str]] = {
    "foundation": ["benchmarks/foundation_bench.py"],
    "refiqda": ["benchmarks/refiqda_bench.py"],
    "docx": ["benchmarks/docx_bench.py"] + (["--real", str(SAMPLE)] if SAMPLE.exists() else []),
    "survey": ["benchmarks/survey_bench.py"],
    "keywords": ["benchmarks/keywords_bench.py"],
    "dask": ["plugins/qualcode-dask/benchmarks/dask_bench.py"],
    "analysis": ["benchmarks/analysis_bench.py"],
    "report": ["benchmarks/report_bench.py"],
    "tables": ["benchmarks/tables_bench.py"],
}
QUICK: dict[str, list[str]] = {
    "foundation": ["--sizes", "10000,100000"],
    "refiqda": ["--sources", "100", "--codings", "20000", "--chars", "2000000", "--repeat", "1"],
    "docx": ["--sizes", "20,100", "--repeat", "1"],
    "survey": ["--sizes", "2500,10000", "--repeats", "1"],
    "keywords": ["--chars", "2000000", "--repeat", "1"],
    "dask": ["--documents", "100", "--repeat", "1"],
    "analysis": ["--codings", "50000", "--chars", "2000000", "--documents", "100"],
    "report": ["--codings", "20000", "--documents", "100", "--repeat", "1"],
    "tables": ["--codings", "100000", "--repeat", "1"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument("names", nargs="*", help=f"only these ({', '.join(FULL)})")
    args = parser.parse_args()
    outcomes: dict[str, int] = {}
    for name, command in FULL.items():
        if args.names and name not in args.names:
            continue
        extra = QUICK[name] if args.quick else []
        print(f"\n=== {name}: {' '.join(command + extra)}", flush=True)
        outcomes[name] = subprocess.run([sys.executable, *command, *extra], cwd=ROOT).returncode
    print("\n=== summary")
    for name, code in outcomes.items():
        print(f"{name:<11} {'ok' if code == 0 else f'exit {code} (a target missed or a failure)'}")
    return 0 if all(code == 0 for code in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
