"""Benchmark: batch import of survey responses from CSV.

Generates a survey table (one open answer per respondent, six attribute columns), then times in
the same run:

- baseline: reading the same file with Python's ``csv`` module into a list of rows;
- read: the ``csv`` importer (decoding, typing attributes, building cases and documents);
- batch: ``qualcode import`` as a library call (read, merge into a new project, write JSON).

Prints seconds per thousand responses and the ratio to the baseline, for several sizes, so that
linearity shows. Run: ``python benchmarks/survey_bench.py [--sizes 2500,5000,10000,20000]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qualcode.batch import import_into
from qualcode.formats.survey_table import CsvSurveyImporter

SAMPLE = (
    "the service was good but waiting times were long and staff seemed tired although "
    "they tried hard to help me with my questions about the new rules for parking "
    "and I would like more evening appointments because I work during the day"
)
WORDS = SAMPLE.split(" ")


def make_survey(path: Path, rows: int, seed: int = 7) -> None:
    """A survey CSV with ``rows`` respondents, each with one open answer of 10 to 60 words."""
    generator = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "age", "score", "member", "joined", "region", "answer"])
    for number in range(rows):
        answer = " ".join(generator.choices(WORDS, k=generator.randint(10, 60)))
        writer.writerow(
            [
                f"R{number:06d}",
                generator.randint(18, 90),
                f"{generator.random() * 10:.2f}",
                generator.choice(["yes", "no"]),
                f"2024-{generator.randint(1, 12):02d}-{generator.randint(1, 28):02d}",
                generator.choice(["north", "south", "east", "west"]),
                answer.capitalize() + ".",
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def best_of(repeats: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    print(
        f"{'responses':>10} {'baseline s/1k':>14} {'read s/1k':>10} {'batch s/1k':>11} "
        f"{'read/base':>10} {'batch/base':>11}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            survey = Path(folder) / f"survey_{size}.csv"
            make_survey(survey, size)
            target = Path(folder) / f"study_{size}.qualcode.json"

            def baseline(survey: Path = survey) -> object:
                with survey.open(encoding="utf-8", newline="") as stream:
                    return list(csv.reader(stream))

            def read(survey: Path = survey) -> object:
                return CsvSurveyImporter().read(survey, text_columns="answer")

            def batch(survey: Path = survey, target: Path = target) -> object:
                target.unlink(missing_ok=True)
                return import_into([survey], target, options={"text_columns": "answer"})

            base_s = best_of(arguments.repeats, baseline)
            read_s = best_of(arguments.repeats, read)
            batch_s = best_of(arguments.repeats, batch)
            per_k = 1000 / size
            print(
                f"{size:>10} {base_s * per_k:>14.4f} {read_s * per_k:>10.4f} "
                f"{batch_s * per_k:>11.4f} {read_s / base_s:>10.1f} {batch_s / base_s:>11.1f}"
            )


if __name__ == "__main__":
    main()
