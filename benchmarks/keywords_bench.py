"""Benchmark of the ``keywords`` strategy against two baselines measured in the same run.

A dictionary of 1,000 terms (a tenth with a ``*`` wildcard, a tenth two-word phrases) is applied
to a generated corpus of 20 million characters, coding sentences. Baselines:

* a loop of one regular-expression search per term (how auto-coding is often done), measured on
  ``--loop-terms`` of the terms over the whole corpus and scaled to all terms (each term's search
  is independent of the others, so the scaling is linear);
* one raw Aho-Corasick pass (pyahocorasick) over the lower-cased text that only counts hits.

Run: ``python benchmarks/keywords_bench.py`` (needs ``pip install pyahocorasick``);
``--chars 2000000`` for a quick run. Prints the figures and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from qualcode.model import Code, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.keywords.matcher import Entry, Matcher
from qualcode.strategies.keywords.rules import Rule, RuleSet
from qualcode.strategies.keywords.strategy import KeywordsStrategy
from qualcode.strategies.runners import ProcessPoolRunner

SYLLABLES = [
    *("ka", "lo", "mi", "ne", "tru", "sta", "pre", "vin", "del", "or", "ash", "qui", "ben"),
    *("zo", "fa", "ri", "tem", "pol", "gu", "sh", "an", "el", "is", "ur", "ost", "ped", "cal"),
    *("mon", "ter", "vak"),
]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def corpus(rng: random.Random, words: list[str], chars: int, per_document: int) -> list[str]:
    """Documents of sentences of Zipf-distributed words, with paragraph breaks."""
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    documents: list[str] = []
    total = 0
    while total < chars:
        parts: list[str] = []
        size = 0
        while size < per_document:
            sentence = " ".join(rng.choices(words, weights, k=rng.randint(6, 20)))
            piece = sentence.capitalize() + rng.choice((". ", "? ", ".\n", "! "))
            parts.append(piece)
            size += len(piece)
        text = "".join(parts)
        documents.append(text)
        total += len(text)
    return documents


def dictionary(rng: random.Random, words: list[str], size: int) -> list[str]:
    """Terms from the less common words: a tenth wildcards (a stem of at least five letters,
    as in ``train*``), a tenth two-word phrases."""
    chosen = rng.sample(words[100:], size)
    terms: list[str] = []
    for index, word in enumerate(chosen):
        if index % 10 == 0 and len(word) >= 6:
            terms.append(word[: max(5, len(word) - 2)] + "*")
        elif index % 10 == 1:
            terms.append(word + " " + rng.choice(words[:300]))
        else:
            terms.append(word)
    return terms


STATISTIC: Callable[[list[float]], float] = statistics.median
"""How the times of the repeated calls are summed up (``--statistic``)."""


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median (or best) wall-clock time of ``repeat`` calls and the last result."""
    times, _, result = all_times(function, repeat)
    return STATISTIC(times), result


def all_times(function: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], Any]:
    """The wall-clock and CPU time (of this process) of each of ``repeat`` calls, and the last
    result. CPU time is what a single-process run costs whatever else the machine is doing."""
    walls: list[float] = []
    cpus: list[float] = []
    result: Any = None
    for _ in range(repeat):
        result = None  # the previous call's result is freed here, not inside the next timing
        start, cpu_start = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu_start)
    return walls, cpus, result


Runs = tuple[list[float], list[float], Any]
"""Wall-clock times, CPU times of this process, and the last result of repeated calls."""


def in_turns(contenders: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Runs]:
    """Each contender called ``repeat`` times, one call of each in turn."""
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, function in contenders.items():
            results.pop(name, None)  # the last result is freed before the next call
            wall, cpu, results[name] = all_times(function, 1)
            walls[name] += wall
            cpus[name] += cpu
    return {name: (walls[name], cpus[name], results[name]) for name in contenders}


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} (1, 5, 15 min)"


def per_term_loop(texts: list[str], terms: list[str]) -> int:
    """One case-insensitive, whole-word regular-expression search per term over every text."""
    hits = 0
    for term in terms:
        body = re.escape(term).replace(r"\*", r"\w*").replace(r"\ ", r"\s+")
        pattern = re.compile(rf"\b{body}\b", re.IGNORECASE)
        for text in texts:
            for _ in pattern.finditer(text):
                hits += 1
    return hits


def raw_aho_corasick(texts: list[str], terms: list[str]) -> int:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for term in terms:
        literal = term.rstrip("*").lower()
        automaton.add_word(literal, literal)
    automaton.make_automaton()

    def count() -> int:
        hits = 0
        for text in texts:
            for _ in automaton.iter(text.lower()):
                hits += 1
        return hits

    return count()


def pool_map(function: Callable[[str], Any], texts: list[str], jobs: int, fork: bool) -> Any:
    """A pool started, the texts handed to it and a trivial function mapped over them."""
    runner = ProcessPoolRunner(jobs=jobs, fork=fork)
    try:
        return runner.map(function, texts)
    finally:
        runner.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=20_000_000, help="corpus size")
    parser.add_argument("--terms", type=int, default=1_000, help="dictionary size")
    parser.add_argument("--codes", type=int, default=50, help="codes the terms are spread over")
    parser.add_argument("--document", type=int, default=50_000, help="characters per document")
    parser.add_argument("--loop-terms", type=int, default=50, help="terms timed in the loop")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the pool run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    parser.add_argument(
        "--statistic",
        choices=("median", "best"),
        default="median",
        help="figure of the repeated runs: their median, or the best (least disturbed) one",
    )
    parser.add_argument("--seed", type=int, default=20_24)
    options = parser.parse_args(argv)
    global STATISTIC
    STATISTIC = min if options.statistic == "best" else statistics.median

    rng = random.Random(options.seed)
    words = vocabulary(rng)
    texts = corpus(rng, words, options.chars, options.document)
    terms = dictionary(rng, words, options.terms)
    chars = sum(len(t) for t in texts)
    print(
        f"corpus: {chars:,} characters in {len(texts)} documents; dictionary: {len(terms)} terms "
        f"over {options.codes} codes; unit: sentence; cpus: {os.cpu_count()}"
    )

    project = Project(name="benchmark")
    codes = [project.add_code(Code(id=f"code-{n}", name=f"code {n}")) for n in range(options.codes)]
    for number, text in enumerate(texts):
        project.add_document(Document(id=f"doc-{number}", name=f"document {number}", text=text))
    per_code = -(-len(terms) // len(codes))
    rules = RuleSet(
        rules=tuple(
            Rule(index=n, code=(code.name,), terms=tuple(terms[n * per_code : (n + 1) * per_code]))
            for n, code in enumerate(codes)
            if terms[n * per_code : (n + 1) * per_code]
        )
    )
    strategy = KeywordsStrategy()

    print(load())
    matcher = Matcher([Entry(kind="term", pattern=t) for t in terms])
    # the contenders take turns, so that a change in the machine's load meets all of them
    runs = in_turns(
        {
            "serial": lambda: strategy.run(project, SerialRunner(), rules=rules, unit="sentence"),
            "matching": lambda: sum(len(matcher.find(t)) for t in texts),
            "raw": lambda: raw_aho_corasick(texts, terms),
            "pool": lambda: strategy.run(
                project, ProcessPoolRunner(jobs=options.jobs), rules=rules, unit="sentence"
            ),
            "piped": lambda: strategy.run(
                project,
                ProcessPoolRunner(jobs=options.jobs, fork=False),
                rules=rules,
                unit="sentence",
            ),
        },
        options.repeat,
    )
    serial_times, serial_cpus, serial = runs["serial"]
    serial_time = STATISTIC(serial_times)
    print(f"keywords, serial:          {serial_time:8.2f} s  ({len(serial.codings):,} codings)")
    print(f"  first run (cold caches): {serial_times[0]:8.2f} s")
    match_time, hits = STATISTIC(runs["matching"][0]), runs["matching"][2]
    print(f"  of which matching:       {match_time:8.2f} s  ({hits:,} whole-word hits)")
    pool_time, pooled = STATISTIC(runs["pool"][0]), runs["pool"][2]
    same = pooled.codings == serial.codings
    print(f"keywords, {options.jobs} processes:     {pool_time:8.2f} s  (identical output: {same})")
    piped_time, piped = STATISTIC(runs["piped"][0]), runs["piped"][2]
    same = same and piped.codings == serial.codings
    print(f"  tasks sent through pipes:{piped_time:8.2f} s  (fork=False)")
    for fork in (True, False):
        handover, _ = timed(partial(pool_map, len, texts, options.jobs, fork), options.repeat)
        way = "inherited by forked workers" if fork else "sent through pipes"
        print(f"  mapping len() over the texts, {way}: {handover:.3f} s")
    raw_times, raw_cpus, raw_hits = runs["raw"]
    raw_time = STATISTIC(raw_times)
    print(f"raw Aho-Corasick count:    {raw_time:8.2f} s  ({raw_hits:,} substring hits)")

    sample = terms[:: max(1, len(terms) // options.loop_terms)][: options.loop_terms]
    loop_sample, _ = timed(lambda: per_term_loop(texts, sample), 1)
    loop_time = loop_sample * len(terms) / len(sample)
    print(
        f"per-term regex loop:       {loop_time:8.2f} s  "
        f"(measured {loop_sample:.2f} s for {len(sample)} terms, scaled to {len(terms)})"
    )

    print(load())
    print()
    print(f"speed-up over the per-term loop:  {loop_time / serial_time:7.1f}x  (target >= 20x)")
    print(f"time relative to the raw pass:    {serial_time / raw_time:7.2f}x  (target <= 3x)")
    print(
        f"  the same in CPU time:           {STATISTIC(serial_cpus) / STATISTIC(raw_cpus):7.2f}x"
        f"  ({STATISTIC(serial_cpus):.2f} s against {STATISTIC(raw_cpus):.2f} s)"
    )
    print(f"  matching alone vs the raw pass: {match_time / raw_time:7.2f}x")
    print(
        f"{options.jobs} processes vs serial:          {serial_time / pool_time:7.2f}x  "
        f"(target >= 1.6x)"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
