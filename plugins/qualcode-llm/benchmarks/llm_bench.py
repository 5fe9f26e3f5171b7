"""qualcode's own work per unit in the ``llm`` strategy, and what the answer cache saves.

Two fake models are registered through llm's own plugin hook: ``bench-instant`` answers at once,
``bench-slow`` after ``--delay`` seconds; both answer with one coding whose quote is retyped
(straight quotes for curly ones), so every answer is parsed and anchored the normalising way.

- ``own work``: the strategy over ``--units`` paragraphs with the instant model and a fresh
  cache (prompt building, llm's request path, parsing, anchoring, cache writes), per unit; then
  the same run again, every answer from the cache.
- ``cache``: a first run over ``--slow-units`` paragraphs with the slow model, against the
  fully cached rerun, in the same process; the ratio is printed.

    python plugins/qualcode-llm/benchmarks/llm_bench.py [--units N] [--slow-units N] [--delay S]

Exits 1 when a target is missed. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from typing import Any

import llm
from qualcode_llm import LlmStrategy

from qualcode.model import Code, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner

PARAGRAPH = "PN{n}: After the move I felt “completely” alone – nobody called for weeks on end."
QUOTE = 'I felt "completely" alone - nobody called'


def answer() -> str:
    return json.dumps(
        {"codings": [{"code": "Isolation", "quote": QUOTE, "rationale": "feels alone"}]}
    )


class Instant(llm.Model):
    model_id = "bench-instant"
    supports_schema = True
    delay = 0.0

    def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Any:
        if self.delay:
            time.sleep(self.delay)
        yield answer()


class Slow(Instant):
    model_id = "bench-slow"


class BenchModels:
    @llm.hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        register(Instant())
        register(Slow())


def project_of(units: int) -> Project:
    project = Project()
    per_document = 100
    for first in range(0, units, per_document):
        text = "\n".join(
            PARAGRAPH.format(n=n) for n in range(first, min(units, first + per_document))
        )
        project.add_document(Document(id=f"d{first}", name=f"doc {first}", text=text))
    project.add_code(Code(id="c1", name="Isolation", definition="feeling alone"))
    return project


def timed(project: Project, model: str, cache_dir: str) -> tuple[float, int]:
    start = time.perf_counter()
    result = LlmStrategy(notify=lambda _: None).run(
        project, SerialRunner(), model=model, cache_dir=cache_dir
    )
    return time.perf_counter() - start, len(result.codings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--slow-units", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    llm.get_models()
    llm.plugins.pm.register(BenchModels(), name="qualcode-bench-models")
    Slow.delay = args.delay
    with tempfile.TemporaryDirectory() as cache:  # once-per-process lookups, before timing
        timed(project_of(1), "bench-instant", cache)

    project = project_of(args.units)
    with tempfile.TemporaryDirectory() as cache:
        first, codings = timed(project, "bench-instant", cache)
        again, codings_again = timed(project, "bench-instant", cache)
    assert codings == codings_again == args.units
    print(f"instant model, {args.units} units: {first / args.units * 1000:.3f} ms per unit")
    print(f"  fully cached rerun: {again / args.units * 1000:.3f} ms per unit")

    slow_project = project_of(args.slow_units)
    with tempfile.TemporaryDirectory() as cache:
        slow, _ = timed(slow_project, "bench-slow", cache)
        cached, _ = timed(slow_project, "bench-slow", cache)
    print(
        f"{args.delay * 1000:.0f} ms model, {args.slow_units} units: first run {slow:.2f} s, "
        f"cached rerun {cached:.3f} s, {slow / cached:.0f}x faster"
    )
    met = first / args.units < 0.001 and slow / cached >= 100
    print("targets (under 1 ms per unit; cached rerun at least 100x):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
