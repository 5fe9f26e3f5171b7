"""Benchmark of the HTML report of a large project.

1. Writing the report of ``--codings`` codings (100,000 by default) over ``--documents``
   documents, with 60 codes, 6 themes, 40 cases over 4 time points and two people and a machine
   coding. Target: under 10 seconds on one core. The report is written by one thread, so its
   CPU time is its time on one core; that is what the target is checked against, as wall time
   on a shared machine counts the other work too (both are printed, with the load average).
   Baseline measured in the same run: only putting the same quotes into a page, as JSON
   written to a file (the least any such report must do).
2. Opening it in headless Chromium (Debian's package, through Playwright, as the browser test
   does): first paint and first contentful paint from the browser's performance timing API,
   and the load event. Target: first paint within 3 seconds. Skipped with ``--no-browser`` or
   where Chromium or Playwright is missing (said so).

Run: ``python benchmarks/report_bench.py``; ``--codings 20000`` for a quick run. Prints the
figures; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from qualcode.model import Case, Code, Coder, Coding, Document, Theme
from qualcode.project import Project
from qualcode.reports import write_report

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    *[
        "support",
        "peer",
        "worker",
        "recovery",
        "shift",
        "training",
        "team",
        "client",
        "manager",
        "service",
        "harm",
    ],
    *[
        "reduction",
        "boundaries",
        "supervision",
        "trust",
        "wage",
        "contract",
        "naloxone",
        "outreach",
        "housing",
    ],
    *["lived", "experience", "我们", "支持", "同伴", "كنا", "الدعم", "🎉"],
]


def build(codings: int, documents: int, seed: int = 7) -> Project:
    rng = random.Random(seed)
    project = Project(name="Report benchmark")
    for coder_id, name, machine in (
        ("a", "Alice", False),
        ("b", "Bob", False),
        ("m", "rules", True),
    ):
        project.add_coder(Coder(id=coder_id, name=name, machine=machine))
    for number in range(40):
        project.add_case(Case(id=f"case-{number}", name=f"P{number:02d}"))
    for number in range(12):
        project.add_code(Code(id=f"top-{number}", name=f"Area {number}"))
    for number in range(48):
        project.add_code(
            Code(id=f"code-{number}", name=f"Code {number}", parent_id=f"top-{number % 12}")
        )
    for number in range(6):
        codes = tuple(f"code-{n}" for n in range(number * 8, number * 8 + 8))
        project.add_theme(Theme(id=f"theme-{number}", name=f"Theme {number}", code_ids=codes))
    texts = []
    for number in range(documents):
        text = " ".join(rng.choice(WORDS) for _ in range(3000))
        texts.append(len(text))
        project.add_document(
            Document(
                id=f"doc-{number}",
                name=f"P{number % 40:02d}_T{number % 4 + 1}.txt",
                text=text,
                case_id=f"case-{number % 40}",
                time_point=number % 4 + 1,
            )
        )
    batch = []
    for number in range(codings):
        document = rng.randrange(documents)
        start = rng.randrange(texts[document] - 400)
        batch.append(
            Coding(
                f"coding-{number}",
                f"doc-{document}",
                f"code-{rng.randrange(48)}",
                start,
                start + rng.randint(20, 400),
                coder_id=rng.choice("aabm"),
            )
        )
    project.add_codings(batch)
    return project


def baseline(project: Project, path: Path) -> float:
    """Seconds to write only the quotes, as JSON, to a file."""
    started = time.perf_counter()
    rows = [
        [
            c.code_id,
            c.document_id,
            c.start,
            c.end,
            project.documents[c.document_id].text[c.start : c.end],
        ]
        for c in project.codings
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return time.perf_counter() - started


def browser_helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "report_browser", ROOT / "tests" / "reports" / "browser.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_paint(report: Path, repeat: int) -> dict[str, float] | None:
    helper = browser_helper()
    problem = helper.missing()
    if problem:
        print(f"browser: skipped: {problem}")
        return None
    from playwright.sync_api import sync_playwright

    best: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = helper.launch(playwright)
        try:
            for _ in range(repeat):
                page, errors = helper.open_page(browser, report)
                page.wait_for_selector("#quote-list .quote")
                times = helper.paint_times(page)
                if errors:
                    print(f"browser: console errors: {errors[:3]}")
                for name, value in times.items():
                    best[name] = min(best.get(name, value), value)
                page.close()
        finally:
            browser.close()
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3, help="browser loads (best kept)")
    parser.add_argument("--no-browser", action="store_true", help="skip the first-paint part")
    args = parser.parse_args()
    started = time.perf_counter()
    project = build(args.codings, args.documents)
    print(
        f"project: {len(project.codings):,} codings, {len(project.documents)} documents, "
        f"{len(project.codes)} codes (built in {time.perf_counter() - started:.1f} s)"
    )
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.html"
        base = baseline(project, Path(folder) / "quotes.json")
        cpu, wall = time.process_time(), time.perf_counter()
        write_report(project, report)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        size = report.stat().st_size
        print(
            f"write report: {wall:.2f} s wall, {cpu:.2f} s CPU, {size / 1e6:.1f} MB; "
            f"baseline (quotes as JSON only) {base:.2f} s; ratio {wall / base:.1f}x"
        )
        print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"target: under 10 s on one core (CPU time): {'met' if cpu < 10 else 'MISSED'}")
        if cpu >= 10:
            missed.append("write")
        if not args.no_browser:
            times = first_paint(report, args.repeat)
            if times is not None:
                print(
                    "browser (best of {}): first paint {:.0f} ms, first contentful paint {:.0f} ms,"
                    " DOMContentLoaded {:.0f} ms, load {:.0f} ms".format(
                        args.repeat,
                        times.get("first-paint", float("nan")),
                        times.get("first-contentful-paint", float("nan")),
                        times["dom-content-loaded"],
                        times["load"],
                    )
                )
                paint = times.get("first-contentful-paint", times.get("first-paint", 1e9))
                print(f"target: first paint within 3 s: {'met' if paint < 3000 else 'MISSED'}")
                if paint >= 3000:
                    missed.append("first paint")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
