"""A seeded, replayable fuzz run over every registered importer, and ``save`` of what each accepts.

Seeds are our own files (examples/peer-workers/, and projects, pages, subtitles and workbooks
we write here) and the samples in ../shared. Each case mutates one seed (see mutations.py),
reads it with the seed's importer (now and then another importer, or detection), and, when it
is accepted, saves the project in one of our formats and reads that file back. Only a
:class:`~qualcode.errors.QualcodeError`, on one line, may escape reading; saving may refuse
with one; what was saved must read back.

The default run is small (a few seconds). Environment variables make it larger or replay a
case; a failure names its case:

- ``QUALCODE_FUZZ_CASES``: cases per seed file (default 3), e.g. ``2000`` for a long run;
- ``QUALCODE_FUZZ_SEED``: the run's seed (default 12); a case is seed, seed file and number;
- ``QUALCODE_FUZZ_REPLAY``: ``SEEDFILE:NUMBER`` runs that one case (with the same seed);
- ``QUALCODE_FUZZ_KEEP``: a folder where the input of each failing case is kept.
"""

from __future__ import annotations

import os
import random
import shutil
import traceback
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import qualcode
from qualcode.errors import QualcodeError
from qualcode.plugins import default_plugins
from qualcode.testing import sample_project

from .mutations import mutate

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "peer-workers"
SHARED_SAMPLES = REPO.parent / "shared" / "samples"

CASES = int(os.environ.get("QUALCODE_FUZZ_CASES", "3"))
SEED = os.environ.get("QUALCODE_FUZZ_SEED", "12")
REPLAY = os.environ.get("QUALCODE_FUZZ_REPLAY")
SAVE_FORMATS = (".qualcode.json", ".qdpx", ".qde", ".qdc")
"""Where accepted projects are saved (each case picks one) and read back from."""


@attrs.frozen
class Seed:
    """One file to mutate and the importer it is meant for."""

    name: str
    importer: str
    data: bytes


def _ours(folder: Path) -> Iterator[Seed]:
    """Files we write ourselves: a project in each of our formats, a page, subtitles, a sheet."""
    project = sample_project()
    for suffix, importer in ((".qualcode.json", "json"), (".qdpx", "qdpx"), (".qdc", "qdc")):
        path = folder / f"sample{suffix}"
        qualcode.save(project, path)
        yield Seed(path.name, importer, path.read_bytes())
    qde = folder / "sample.qde"
    qualcode.save(project, qde)
    yield Seed(qde.name, "qde", qde.read_bytes())
    yield Seed(
        "page.html",
        "html",
        b'<!doctype html><html><head><meta charset="windows-1252"><title>Notes</title></head>'
        b"<body><h1>Field note</h1><p>We met at the \xe9cole.</p><table><tr><td>PN1</td>"
        b"<td>Yes</td></tr></table><ul><li>one</li><li>two</li></ul></body></html>",
    )
    yield Seed(
        "talk.srt",
        "srt",
        b"1\n00:00:01,000 --> 00:00:04,000\nInterviewer: How did it start?\n\n"
        b"2\n00:00:04,500 --> 00:00:09,000\nPN1: With a training course.\n",
    )
    yield Seed(
        "talk.vtt",
        "vtt",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How did it start?\n\n"
        b"00:00:04.500 --> 00:00:09.000\n<v PN1>With a training course.\n",
    )
    try:
        import openpyxl
    except ModuleNotFoundError:
        return
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["id", "age", "joined", "answer"],
        ["R1", 34, "2024-01-02", "I liked it, mostly."],
        ["R2", 41.5, "2024-02-03", "More evenings please"],
    ):
        sheet.append(row)
    sheet["E1"] = "twice"
    sheet["E2"] = "=B2*2"
    path = folder / "survey.xlsx"
    workbook.save(path)
    yield Seed(path.name, "xlsx", path.read_bytes())


def _examples() -> Iterator[Seed]:
    """Our example study and the shared samples (when ../shared is there)."""
    picks = [
        ("cases.csv", "csv"),
        ("word-coding.csv", "csv"),
        ("interviews/PN1_T1.txt", "text"),
        ("diaries/PN2_T3_entry1.txt", "text"),
        ("word/PN1_T1.docx", "docx"),
    ]
    for name, importer in picks:
        path = EXAMPLES / name
        if path.is_file():
            yield Seed(path.name, importer, path.read_bytes())
    shared = [
        ("nvivo-win12.6__oltas.qdpx", "qdpx"),
        ("word-comments__doc_v1.docx", "docx"),
    ]
    for name, importer in shared:
        path = SHARED_SAMPLES / name
        if path.is_file():
            yield Seed(path.name, importer, path.read_bytes())


def _seeds(folder: Path) -> list[Seed]:
    return [*_ours(folder), *_examples()]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Seed]:
    folder = tmp_path_factory.mktemp("seeds")
    return {seed.name: seed for seed in _seeds(folder)}


SEED_NAMES = [
    "sample.qualcode.json",
    "sample.qdpx",
    "sample.qdc",
    "sample.qde",
    "page.html",
    "talk.srt",
    "talk.vtt",
    "survey.xlsx",
    "cases.csv",
    "word-coding.csv",
    "PN1_T1.txt",
    "PN2_T3_entry1.txt",
    "PN1_T1.docx",
    "nvivo-win12.6__oltas.qdpx",
    "word-comments__doc_v1.docx",
]


def test_every_importer_has_a_seed(seeds: dict[str, Seed]) -> None:
    importers = set(default_plugins().importers.names())
    assert importers <= {seed.importer for seed in seeds.values()}
    assert set(seeds) <= set(SEED_NAMES)


def _cases() -> list[tuple[str, int]]:
    if REPLAY:
        name, _, number = REPLAY.rpartition(":")
        return [(name, int(number))]
    return [(name, number) for name in SEED_NAMES for number in range(CASES)]


@pytest.mark.parametrize(("seed_name", "number"), _cases())
def test_mutated_inputs_are_read_or_refused_and_what_is_saved_reads_back(
    seeds: dict[str, Seed], tmp_path: Path, seed_name: str, number: int
) -> None:
    seed = seeds.get(seed_name)
    if seed is None:
        pytest.skip(f"{seed_name} is not available here (an optional package or ../shared)")
    rng = random.Random(f"{SEED}:{seed_name}:{number}")
    data, change = mutate(seed.name, seed.data, rng)
    case = f"case {SEED}:{seed_name}:{number} ({change})"
    importers = list(default_plugins().importers.names())
    roll = rng.random()
    importer: str | None = seed.importer
    if roll < 0.15:
        importer = rng.choice(importers)
    elif roll < 0.25:
        importer = None  # detected from the name and content
    path = tmp_path / seed.name
    path.write_bytes(data)
    saved_as = rng.choice(SAVE_FORMATS)
    try:
        _check_case(path, importer, tmp_path / f"saved{saved_as}")
    except AssertionError as failure:
        _keep(path, case)
        raise AssertionError(f"{case}, read with {importer or 'detection'}: {failure}") from None
    assert path.read_bytes() == data, f"{case}: the input was modified"


def _check_case(path: Path, importer: str | None, out: Path) -> None:
    try:
        project = qualcode.load(path, importer)
    except QualcodeError as error:
        assert len(str(error).splitlines()) == 1, f"a refusal on several lines: {error!s}"
        return
    except Exception:
        raise AssertionError(f"reading raised\n{traceback.format_exc()}") from None
    try:
        qualcode.save(project, out)
    except QualcodeError as error:
        assert len(str(error).splitlines()) == 1, f"a refusal on several lines: {error!s}"
        return
    except Exception:
        raise AssertionError(f"saving what was read raised\n{traceback.format_exc()}") from None
    try:
        qualcode.load(out)
    except Exception:
        raise AssertionError(
            f"qualcode refused the {out.name} it wrote\n{traceback.format_exc()}"
        ) from None


def _keep(path: Path, case: str) -> None:
    keep = os.environ.get("QUALCODE_FUZZ_KEEP")
    if keep:
        target = Path(keep) / case.split(" (", 1)[0].replace(":", "_").replace(" ", "_")
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)
