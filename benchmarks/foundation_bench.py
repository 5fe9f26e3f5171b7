"""Benchmark: building, saving and loading projects of 10k, 100k and 1M codings.

Each size builds a project through the public API (``Project.add_codings`` fed by a generator,
so the benchmark itself holds no list of codings), saves it as native JSON and loads it back.
It prints the time per coding of each step at each size and the ratio of the largest size to
the smallest (target: at most 1.5, i.e. linear), then the memory per coding of the built project
at the largest size, measured with ``tracemalloc`` in a separate build (target: under 500 bytes),
and for information the memory per coding of that project once loaded back from JSON.

Codings look like real ones: 200 documents of about 5,000 characters, 60 codes, 3 coders, spans
of 20 to 400 characters, a creation time on a third of them, a rule provenance on a quarter.

Times are CPU time of the process (``--wall`` for wall-clock time); of several rounds at each
size under 1M the best is kept.

Run: ``python benchmarks/foundation_bench.py [--sizes 10000,100000,1000000] [--repeat 5] [--wall]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import qualcode
from qualcode import (
    Code,
    Coder,
    Coding,
    Document,
    Project,
    Provenance,
    ProvenanceMethod,
    new_id,
)

DOCUMENTS = 200
CODES = 60
TEXT_SIZE = 5_000
WORDS = ("peer", "work", "training", "boundaries", "clients", "team", "shift", "recovery", "trust")
RULE = Provenance(
    method=ProvenanceMethod.RULE, name="keywords", version="1.0", parameters={"terms": ["x"]}
)
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def base_project(generator: random.Random) -> Project:
    """Documents, codes and coders, ready for codings."""
    project = Project(name="benchmark")
    for number in range(3):
        project.add_coder(Coder(id=new_id(), name=f"coder {number}", machine=number == 2))
    parent = None
    for number in range(CODES):
        code = project.add_code(Code(id=new_id(), name=f"code {number}", parent_id=parent))
        parent = code.id if number % 10 == 0 else parent
    for number in range(DOCUMENTS):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < TEXT_SIZE:
            words.append(generator.choice(WORDS))
        project.add_document(
            Document(id=new_id(), name=f"doc {number}", text=" ".join(words)[:TEXT_SIZE])
        )
    return project


def codings(project: Project, count: int, generator: random.Random) -> Iterator[Coding]:
    """``count`` codings over the project's documents and codes, made one at a time."""
    documents = project.documents.ids()
    codes = project.codes.ids()
    coders = project.coders.ids()
    for number in range(count):
        start = generator.randrange(TEXT_SIZE - 400)
        yield Coding(
            id=new_id(),
            document_id=documents[number % DOCUMENTS],
            code_id=codes[generator.randrange(CODES)],
            start=start,
            end=start + generator.randrange(20, 400),
            coder_id=coders[number % 3],
            created=START + dt.timedelta(seconds=number) if number % 3 == 0 else None,
            provenance=RULE if number % 4 == 0 else qualcode.MANUAL,
        )


def one_round(
    size: int, folder: Path, generator: random.Random, clock: Callable[[], float]
) -> dict[str, float]:
    """Seconds to build, save and load a project of ``size`` codings, by ``clock``."""
    project = base_project(generator)
    target = folder / f"bench-{size}.json"
    gc.collect()
    began = clock()
    project.add_codings(codings(project, size, generator))
    built = clock()
    qualcode.save(project, target)
    saved = clock()
    del project
    gc.collect()
    reloaded = clock()
    loaded = qualcode.load(target)
    done = clock()
    assert len(loaded.codings) == size
    target.unlink()
    times = {"build": built - began, "save": saved - built, "load": done - reloaded}
    times["total"] = sum(times.values())
    return times


def measure(size: int, folder: Path, repeat: int, clock: Callable[[], float]) -> dict[str, float]:
    """Seconds per coding of build, save, load and their total at ``size`` codings.

    Of several rounds, the one with the best total is kept.
    """
    rounds = [one_round(size, folder, random.Random(size + n), clock) for n in range(repeat)]
    best = min(rounds, key=lambda times: times["total"])
    return {step: seconds / size for step, seconds in best.items()}


def memory_per_coding(size: int) -> float:
    """Bytes per coding that a built project of ``size`` codings holds (tracemalloc)."""
    generator = random.Random(0)
    project = base_project(generator)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    project.add_codings(codings(project, size, generator))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(project.codings) == size
    return (after - before) / size


def loaded_memory_per_coding(size: int, folder: Path) -> float:
    """Bytes per coding that a project of ``size`` codings holds once loaded from JSON."""
    generator = random.Random(0)
    project = base_project(generator)
    project.add_codings(codings(project, size, generator))
    target = folder / "memory.json"
    qualcode.save(project, target)
    del project
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loaded = qualcode.load(target)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(loaded.codings) == size
    target.unlink()
    return (after - before) / size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated sizes")
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds for sizes under 1M (best kept)"
    )
    parser.add_argument("--wall", action="store_true", help="measure wall-clock time, not CPU")
    args = parser.parse_args(argv)
    # CPU time of this process by default: what the code costs whatever else runs on the
    # machine, and without the fixed wait of fsync when saving
    clock = time.perf_counter if args.wall else time.process_time
    unit = "wall" if args.wall else "CPU"
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"python {sys.version.split()[0]}, qualcode {qualcode.__version__}")
    print(
        f"{'codings':>10} {'build':>9} {'save':>9} {'load':>9} {'total':>9}"
        f"  (µs per coding, {unit} time)"
    )
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            repeat = args.repeat if size < 1_000_000 else 1
            results[size] = measure(size, Path(folder), repeat, clock)
            row = " ".join(f"{results[size][s] * 1e6:9.2f}" for s in ("build", "save", "load"))
            print(f"{size:>10,} {row} {results[size]['total'] * 1e6:9.2f}")
    smallest, largest = min(sizes), max(sizes)
    ok = True
    if largest != smallest:
        ratios = {
            step: results[largest][step] / results[smallest][step]
            for step in ("build", "save", "load", "total")
        }
        shown = ", ".join(f"{step} {ratio:.2f}" for step, ratio in ratios.items())
        verdict = "ok" if ratios["total"] <= 1.5 else "FAIL"
        ok = ok and verdict == "ok"
        print(
            f"ratio {largest:,}/{smallest:,} per coding: {shown} (target total <= 1.5: {verdict})"
        )
    memory = memory_per_coding(largest)
    verdict = "ok" if memory < 500 else "FAIL"
    ok = ok and verdict == "ok"
    print(f"memory at {largest:,} codings: {memory:.0f} bytes per coding (target < 500: {verdict})")
    with tempfile.TemporaryDirectory() as folder:
        loaded = loaded_memory_per_coding(largest, Path(folder))
    print(f"memory of the same project loaded from JSON: {loaded:.0f} bytes per coding")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
