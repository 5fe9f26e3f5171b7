"""Serial against Dask (and the process pool) on CPU-bound, strategy-like work.

Two workloads over the same generated corpus (interview-like documents of about 10,000
characters, from a fixed seed):

- ``tasks``: a dictionary coder in miniature, timed as ``runner.map`` alone: each document is
  split into sentences (``qualcode.text.sentences``) and every sentence is searched with one
  compiled pattern per code; a hit codes the sentence.
- ``keywords``: the real ``keywords`` strategy, end to end (``strategy.run``: reading the rules,
  building the matcher, the tasks on the runner, assembling the codings), with a rules file of
  ``--codes`` x ``--terms`` terms, sentence context.

    python plugins/qualcode-dask/benchmarks/dask_bench.py [--workload tasks|keywords|both]
        [--documents N] [--jobs N] [--repeat N] [--scheduler ADDR]

Prints the wall time of each runner (the runners take turns; best of ``--repeat``), the speed-up
over serial, the CPU time (this process and each worker) and the speed-up the run would reach
with a core per worker (serial CPU time over this process's plus the busiest worker's), and
checks that every runner gave the same result. The Dask cluster (``--jobs`` single-threaded
worker processes on 127.0.0.1, or the one at ``--scheduler``) is started once, before timing; its
start time is printed separately. Figures: docs/performance-dask.md.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psutil
from qualcode_dask import DaskRunner

from qualcode.model import Document
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.project import Project
from qualcode.strategies.base import Runner, SerialRunner
from qualcode.strategies.runners import ProcessPoolRunner
from qualcode.text import sentences

Rules = tuple[tuple[str, tuple[str, ...]], ...]
Task = tuple[str, str, Rules]
Hit = tuple[str, str, int, int]

VOCABULARY = 20_000
"""Distinct words of the generated texts; a dictionary of 1,000 terms hits about one word in 20."""

SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gu", "ri")


def make_vocabulary(size: int, chooser: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(chooser.choices(SYLLABLES, k=chooser.randint(2, 4))))
    return sorted(words)


def make_corpus(
    documents: int, codes: int, terms_per_code: int, seed: int = 1
) -> tuple[list[tuple[str, str]], Rules]:
    """``documents`` (id, text) pairs of about 10,000 characters, and the rules per code."""
    chooser = random.Random(seed)
    vocabulary = make_vocabulary(VOCABULARY, chooser)
    terms = chooser.sample(vocabulary, codes * terms_per_code)
    rules = tuple(
        (f"code-{n:04d}", tuple(terms[n * terms_per_code : (n + 1) * terms_per_code]))
        for n in range(codes)
    )
    texts: list[tuple[str, str]] = []
    for number in range(documents):
        parts = []
        length = 0
        while length < 10_000:
            sentence = " ".join(chooser.choices(vocabulary, k=chooser.randint(6, 20))) + ". "
            parts.append(sentence.capitalize())
            length += len(sentence)
        texts.append((f"doc-{number:05d}", "".join(parts)))
    return texts, rules


def code_document(task: Task) -> list[Hit]:
    """Each sentence that contains one of a code's terms, coded with that code."""
    document_id, text, rules = task
    patterns = [(code, re.compile(rf"\b(?:{'|'.join(terms)})\b")) for code, terms in rules]
    hits: list[Hit] = []
    for span in sentences(text):
        sentence = text[span.start : span.end]
        for code, pattern in patterns:
            if pattern.search(sentence):
                hits.append((document_id, code, span.start, span.end))
    return hits


class Run:
    """One timed run: wall time, and CPU time of this process and of the workers."""

    def __init__(self, wall: float, cpu_here: float, cpu_workers: list[float]) -> None:
        self.wall = wall
        self.cpu_here = cpu_here
        self.cpu_workers = cpu_workers

    @property
    def cpu(self) -> float:
        return self.cpu_here + sum(self.cpu_workers)

    def core_bound(self, serial_cpu: float) -> float:
        """The speed-up were every worker on a core of its own: serial CPU time over the CPU
        time of this process plus that of the busiest worker (independent of other load)."""
        return serial_cpu / (self.cpu_here + max(self.cpu_workers, default=0.0))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def worker_cpu(pids: Sequence[int]) -> list[float]:
    times = []
    for pid in pids:
        try:
            cpu = psutil.Process(pid).cpu_times()
        except psutil.Error:  # a remote worker, or one that is gone
            continue
        times.append(cpu.user + cpu.system)
    return times


def measure(
    work: Callable[[], Any], workers: Callable[[], list[float]] | None = None
) -> tuple[Run, Any]:
    """One run of ``work`` and its result. ``workers`` gives the CPU times of long-lived
    workers; without it, the child processes that finished during the run are counted."""
    before = workers() if workers else [children_cpu()]
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu_here = time.perf_counter() - started, time.process_time() - cpu_started
    after = workers() if workers else [children_cpu()]
    spent = [late - early for early, late in zip(before, after, strict=True)]
    return Run(wall, cpu_here, spent), result


def best_of(
    repeat: int, contenders: dict[str, tuple[Callable[[], Any], Callable[[], list[float]] | None]]
) -> dict[str, tuple[Run, Any]]:
    """The fastest of ``repeat`` runs of each contender, taking turns so that all of them meet
    the same conditions on a shared machine."""
    best: dict[str, tuple[Run, Any]] = {}
    for _ in range(repeat):
        for name, (work, workers) in contenders.items():
            run, result = measure(work, workers)
            if name not in best or run.wall < best[name][0].wall:
                best[name] = (run, result)
    return best


def write_rules(rules: Rules, folder: Path) -> Path:
    path = folder / "bench-rules.toml"
    lines = ['[settings]\nunit = "sentence"\ncreate_missing = true\n']
    for code, terms in rules:
        quoted = ", ".join(f'"{term}"' for term in terms)
        lines.append(f'[[rule]]\ncode = "{code}"\nterms = [{quoted}]\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def workloads(
    chosen: str, texts: list[tuple[str, str]], rules: Rules, folder: Path
) -> dict[str, Callable[[Runner], Any]]:
    """Each chosen workload as ``run(runner) -> comparable result``."""
    found: dict[str, Callable[[Runner], Any]] = {}
    if chosen in ("tasks", "both"):
        tasks = [(document_id, text, rules) for document_id, text in texts]
        found["tasks"] = lambda runner: runner.map(code_document, tasks)
    if chosen in ("keywords", "both"):
        strategies = Plugins(get_plugin_manager(load_entrypoints=False)).strategies
        if "keywords" not in strategies:
            raise SystemExit("the keywords strategy is not installed")
        keywords = strategies.get("keywords")()
        project = Project(name="benchmark")
        for number, (_, text) in enumerate(texts):
            project.add_document(
                Document(id=f"20000000-0000-4000-8000-{number:012d}", name=f"d{number}", text=text)
            )
        rules_file = write_rules(rules, folder)

        def run_keywords(runner: Runner) -> Any:
            result = keywords.run(project, runner, rules=rules_file)
            return (result.coder, result.codes, result.codings)

        found["keywords"] = run_keywords
    return found


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--workload",
        choices=("tasks", "keywords", "both"),
        default="tasks",
        help="tasks (default): runner.map alone; keywords: the keywords strategy end to end",
    )
    parser.add_argument("--documents", type=int, default=400, help="documents of ~10,000 chars")
    parser.add_argument("--codes", type=int, default=200, help="codes in the dictionary")
    parser.add_argument("--terms", type=int, default=5, help="terms per code")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per runner; the best counts")
    parser.add_argument("--scheduler", default=None, help="an existing Dask scheduler address")
    args = parser.parse_args(argv)

    texts, rules = make_corpus(args.documents, args.codes, args.terms)
    characters = sum(len(text) for _, text in texts)
    print(
        f"corpus: {len(texts)} documents, {characters / 1e6:.1f} M characters, "
        f"{args.codes} codes x {args.terms} terms; jobs={args.jobs}, best of {args.repeat}; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
    )
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        chosen = workloads(args.workload, texts, rules, Path(folder))
        dask = DaskRunner(jobs=args.jobs, scheduler=args.scheduler)
        started = time.perf_counter()
        dask.client  # noqa: B018 - start (or connect to) the cluster before timing
        start_time = time.perf_counter() - started
        pool = ProcessPoolRunner(jobs=args.jobs)
        try:
            pids = sorted(dask.client.run(os.getpid).values())
            for name, run in chosen.items():
                measured = best_of(
                    args.repeat,
                    {
                        "serial": (functools.partial(run, SerialRunner()), None),
                        "processes": (functools.partial(run, pool), None),
                        "dask": (functools.partial(run, dask), functools.partial(worker_cpu, pids)),
                    },
                )
                (serial, serial_result), (pooled, pooled_result), (spread, spread_result) = (
                    measured["serial"],
                    measured["processes"],
                    measured["dask"],
                )
                if pooled_result != serial_result or spread_result != serial_result:
                    raise SystemExit(f"{name}: the runners disagree; this is a bug")
                # the pool's workers are counted together: spread their time evenly
                pooled.cpu_workers = [sum(pooled.cpu_workers) / args.jobs] * args.jobs
                print(f"{name}: results identical across runners")
                print(
                    "  runner       wall   speed-up   CPU: total   here   workers"
                    "   speed-up, a core per worker"
                )
                for label, (one, _) in measured.items():
                    speed_up = serial.wall / one.wall
                    workers = " + ".join(f"{cpu:.2f}" for cpu in one.cpu_workers) or "-"
                    print(
                        f"  {label:<10} {one.wall:6.2f} s   {speed_up:5.2f}x"
                        f"   {one.cpu:6.2f} s {one.cpu_here:6.2f} s   {workers}"
                        f"   {one.core_bound(serial.cpu):5.2f}x"
                    )
                figures[name] = {
                    "serial": serial.wall,
                    "processes": pooled.wall,
                    "dask": spread.wall,
                    "dask_core_bound": spread.core_bound(serial.cpu),
                }
        finally:
            dask.close()
            pool.close()
    print(
        f"dask cluster start (not timed above): {start_time:.2f} s; "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )
    return figures


if __name__ == "__main__":
    main()
