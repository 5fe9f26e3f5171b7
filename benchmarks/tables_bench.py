"""Benchmark of the coded segments CSV export against Python's csv module, in the same run.

The project has ``--codings`` codings (default 1,000,000) over ``--documents`` documents, with
cases carrying two attributes, a code tree, themes, two coders and rule provenance on half the
codings, so every column of the export is filled. The baseline is the standard library's
``csv.writer`` writing the very rows the export writes (already built, as tuples, to a file
opened the same way); the export does everything from the project: names, paths, themes, quotes,
escaping, and writes atomically. Target: the export at least half the baseline's speed
(baseline time / export time >= 0.5). Times are CPU seconds of this process, the best of
``--repeat`` runs, because other work shares the machine.

Run: ``python benchmarks/tables_bench.py``; ``--codings 100000`` for a quick run. Prints the
figures and the ratio; exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qualcode.formats.tables.cells import CellCleaner
from qualcode.formats.tables.csv_tables import ENCODING
from qualcode.formats.tables.plugin import SegmentsCsvExporter
from qualcode.formats.tables.segments import segment_columns, segment_rows
from qualcode.losses import LossReport
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    DocumentKind,
    Provenance,
    ProvenanceMethod,
    Theme,
    Variable,
)
from qualcode.project import Project

WORDS = ["we", "talked", "about", "the", "rota", "and", "=", "the", "clients,", '"twice"']
WORDS += ["--", "then", "laughed", "about", "it"]


def build(codings: int, documents: int, seed: int) -> Project:
    rng = random.Random(seed)
    project = Project(name="tables benchmark")
    role = project.add_variable(Variable(id="v-role", name="role"))
    site = project.add_variable(Variable(id="v-site", name="site"))
    for number in range(documents // 2):
        project.add_case(
            Case(
                id=f"case-{number}",
                name=f"P{number}",
                attributes={
                    role.id: rng.choice(["peer", "manager"]),
                    site.id: f"site {number % 7}",
                },
            )
        )
    for number in range(documents):
        text = "\n".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 20))) for _ in range(400)
        )
        project.add_document(
            Document(
                id=f"doc-{number}",
                name=f"interview {number}",
                text=text,
                kind=DocumentKind.INTERVIEW,
                case_id=f"case-{number // 2}",
                time_point=1 + number % 2,
            )
        )
    parents = [project.add_code(Code(id=f"p{n}", name=f"Parent {n}")) for n in range(10)]
    codes = [
        project.add_code(Code(id=f"c{n}", name=f"Child {n}", parent_id=parents[n % 10].id))
        for n in range(50)
    ]
    project.add_theme(Theme(id="t1", name="Coping", code_ids=[c.id for c in codes[:20]]))
    project.add_coder(Coder(id="a", name="Researcher One"))
    project.add_coder(Coder(id="m", name="keywords", machine=True))
    rule = Provenance(method=ProvenanceMethod.RULE, name="keywords", version="1.0", rule="rota")
    lengths = {d.id: len(d.text) for d in project.documents}
    batch = []
    for number in range(codings):
        document = f"doc-{rng.randrange(documents)}"
        start = rng.randrange(lengths[document] - 300)
        machine = number % 2 == 1
        batch.append(
            Coding(
                f"k{number}",
                document,
                codes[rng.randrange(len(codes))].id,
                start,
                start + rng.randint(20, 300),
                coder_id="m" if machine else "a",
                provenance=rule if machine else Provenance(),
            )
        )
    project.add_codings(batch)
    return project


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        begin = time.process_time()
        work()
        times.append(time.process_time() - begin)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    begin = time.perf_counter()
    project = build(args.codings, args.documents, args.seed)
    print(f"built {args.codings:,} codings in {time.perf_counter() - begin:.1f} s")
    cleaner = CellCleaner("csv", LossReport(), "coded segments")
    header = segment_columns(project)
    rows = list(segment_rows(project, cleaner))  # the baseline's prepared tuples

    with tempfile.TemporaryDirectory() as folder:
        baseline_path = Path(folder) / "baseline.csv"
        export_path = Path(folder) / "export.csv"

        def baseline() -> None:
            with baseline_path.open("w", encoding=ENCODING, newline="") as raw:
                stream: io.TextIOBase = raw
                writer = csv.writer(stream, lineterminator="\r\n")
                writer.writerow(header)
                writer.writerows(rows)

        exporter = SegmentsCsvExporter()

        def export() -> None:
            exporter.write(project, export_path)

        baseline_time = best(args.repeat, baseline)
        export_time = best(args.repeat, export)
        same = baseline_path.read_bytes() == export_path.read_bytes()
        size = export_path.stat().st_size
    ratio = baseline_time / export_time
    print(f"csv module, prepared tuples: {baseline_time:.2f} s CPU")
    print(f"segments-csv export:         {export_time:.2f} s CPU ({size / 1e6:.0f} MB)")
    print(f"files identical: {same}")
    print(f"speed of the export / csv module: {ratio:.2f} (target >= 0.5)")
    return 0 if ratio >= 0.5 and same else 1


if __name__ == "__main__":
    sys.exit(main())
