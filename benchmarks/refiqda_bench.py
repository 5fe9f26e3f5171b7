"""Benchmark: reading and writing a large REFI-QDA project, against a baseline of the same run.

The run writes a schema-valid .qdpx (see ``refiqda_generate.py``: by default 1,000 text sources,
200,000 codings, 20 million characters), validates it once against ``Project.xsd`` when the
shared folder ``../shared/refi-qda`` sits beside the repository, then measures each step in a
fresh subprocess:

- ``baseline``: only unzip, parse the ``.qde`` with lxml into a tree, and decode the source texts;
- ``floor-columns`` and ``floor``: the baseline plus the least any import must do to hold the
  codings as typed values (``floor-columns``: columns of numbers, times and GUID strings;
  ``floor``: one ``Coding`` per coding, as the model holds them), checking nothing;
- ``floor-expat``: ``floor`` with the standard library's expat parser instead of lxml;
- ``import``: qualcode's full import, ``qualcode.load(path)``;
- ``export``: ``qualcode.save(project, "out.qdpx")`` of the imported project (the load before it
  is not timed);
- ``pyrefiqda``: the PyPI package ``pyrefiqda`` loading the same file (``RefiProject.load``:
  extract the archive to a folder, bind the XML to pydantic models; it does not read texts).

Time: CPU time of the subprocess (``time.process_time``), best of ``--repeat`` rounds (the machine
is shared, so wall time is noisy; ``--wall`` uses best-of-N wall time instead). Memory: the peak
resident set size (``ru_maxrss``) of the subprocess after its first round, minus that of a
subprocess that only imports the same modules ("net"); raw figures are printed too.

Targets (issue 3): import <= 1.5x the baseline's time and <= 1.2x its net peak memory, export
<= 2x the baseline's time, import >= 5x faster than pyrefiqda.

Run: ``python benchmarks/refiqda_bench.py [--sources 1000] [--codings 200000]
[--chars 20000000] [--repeat 3] [--wall] [--skip-pyrefiqda]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "shared" / "refi-qda" / "Project.xsd"
STEPS = (
    "bare",
    "baseline",
    "floor-columns",
    "floor",
    "floor-expat",
    "import",
    "export",
    "bare-pyrefiqda",
    "pyrefiqda",
)


# -- the steps (each runs in its own subprocess) ------------------------------------------------


def _baseline(path: Path) -> object:
    """Unzip, parse the .qde into an lxml tree, decode every source text."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"), parser)
        texts = [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("sources/")
        ]
    return root, texts


def _floor(path: Path, objects: bool) -> object:
    """The least any import must add to the baseline to hold the codings (the floor).

    The baseline's unzipping and decoding; the project XML parsed as a stream of text sources
    (lxml's ``iterparse`` filtered by tag in C, each source freed once read: cheaper than the
    baseline's whole tree followed by queries on it, 1.34 s against 1.80 s on the default
    project); from each source the values a ``Coding`` holds, pulled with compiled XPath
    queries as plain strings; positions made numbers, times parsed; with ``objects``, one
    ``Coding`` made from each row. Nothing is checked, converted or reported, and users, codes
    and texts are not turned into model objects: no import that keeps typed codings can do
    less. The cyclic garbage collector is paused, as qualcode's reader pauses it.
    """
    gc.disable()
    try:
        return _floor_rows(path, objects)
    finally:
        gc.enable()


def _floor_rows(path: Path, objects: bool) -> object:
    import io

    from lxml import etree

    from qualcode.model import Coding

    data, texts = _unzip(path)
    spaces = {"q": "urn:QDA-XML:project:1.0"}

    def query(expression: str) -> Any:
        return etree.XPath(expression, namespaces=spaces, smart_strings=False)

    coding = "q:PlainTextSelection/q:Coding"
    queries = [
        query(f"{coding}/@guid"),
        query("q:PlainTextSelection/@startPosition"),
        query("q:PlainTextSelection/@endPosition"),
        query(f"{coding}/q:CodeRef/@targetGUID"),
        query(f"{coding}/@creatingUser"),
        query(f"{coding}/@creationDateTime"),
    ]
    columns: list[list[str]] = [[] for _ in queries]
    documents: list[str] = []
    events = etree.iterparse(
        io.BytesIO(data), tag="{*}TextSource", resolve_entities=False, load_dtd=False
    )
    for _, source in events:
        before = len(columns[0])
        for column, values in zip(columns, queries, strict=True):
            column.extend(values(source))
        documents.extend([source.get("guid")] * (len(columns[0]) - before))
        source.clear()
        source.getparent().remove(source)
    ids, starts, ends, codes, coders, times = columns
    typed = _typed(ids, documents, codes, starts, ends, coders, times)
    if not objects:
        return texts, typed
    return texts, list(map(Coding, *typed))


def _floor_expat(path: Path) -> object:
    """The floor with the standard library's expat parser instead of lxml: no tree at all, one
    Python call per element start, the values a ``Coding`` holds gathered as the parse goes."""
    from xml.parsers import expat

    from qualcode.model import Coding

    gc.disable()
    try:
        data, texts = _unzip(path)
        starts: list[str] = []
        ends: list[str] = []
        ids: list[str] = []
        coders: list[str] = []
        times: list[str] = []
        codes: list[str] = []
        documents: list[str] = []
        document = [""]

        space = "urn:QDA-XML:project:1.0 "
        code_ref, coding, selection, source = (
            space + name for name in ("CodeRef", "Coding", "PlainTextSelection", "TextSource")
        )

        def start(name: str, attributes: dict[str, str]) -> None:
            if name == code_ref:
                codes.append(attributes["targetGUID"])
            elif name == coding:
                ids.append(attributes["guid"])
                coders.append(attributes["creatingUser"])
                times.append(attributes["creationDateTime"])
            elif name == selection:
                starts.append(attributes["startPosition"])
                ends.append(attributes["endPosition"])
                documents.append(document[0])
            elif name == source:
                document[0] = attributes["guid"]

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.Parse(data, True)
        typed = _typed(ids, documents, codes, starts, ends, coders, times)
        return texts, list(map(Coding, *typed))
    finally:
        gc.enable()


def _unzip(path: Path) -> tuple[bytes, list[str]]:
    """The project XML as bytes and every source text decoded, as the baseline reads them."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read("project.qde")
        texts = [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("sources/")
        ]
    return data, texts


def _typed(
    ids: list[str],
    documents: list[str],
    codes: list[str],
    starts: list[str],
    ends: list[str],
    coders: list[str],
    times: list[str],
) -> tuple[list[Any], ...]:
    """The columns of a ``Coding`` as it holds them: positions as numbers, times parsed."""
    import datetime as dt

    return (
        ids,
        documents,
        codes,
        list(map(int, starts)),
        list(map(int, ends)),
        coders,
        list(map(dt.datetime.fromisoformat, times)),
    )


def _import(path: Path) -> object:
    import qualcode

    return qualcode.load(path)


def _pyrefiqda(path: Path) -> object:
    from pyrefiqda import RefiProject  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory() as folder:
        return RefiProject.load(path, extract_dir=folder)


def _prepare(step: str, path: Path) -> Callable[[], object]:
    """The callable one round of ``step`` runs, after untimed preparation."""
    import qualcode
    from qualcode.plugins import default_plugins

    default_plugins()
    if step == "bare":
        return lambda: None
    if step == "bare-pyrefiqda":
        import pyrefiqda

        return lambda: None
    if step == "baseline":
        return lambda: _baseline(path)
    if step == "floor-columns":
        return lambda: _floor(path, objects=False)
    if step == "floor":
        return lambda: _floor(path, objects=True)
    if step == "floor-expat":
        return lambda: _floor_expat(path)
    if step == "import":
        return lambda: _import(path)
    if step == "pyrefiqda":
        import pyrefiqda  # noqa: F401

        return lambda: _pyrefiqda(path)
    if step == "export":
        project = qualcode.load(path)
        out = path.with_name("exported.qdpx")
        return lambda: qualcode.save(project, out)
    raise SystemExit(f"unknown step {step!r}")


def run_step(step: str, path: Path, repeat: int, wall: bool) -> dict[str, Any]:
    """Run ``step`` ``repeat`` times in this process: best time, peak memory after round one."""
    action = _prepare(step, path)
    clock = time.perf_counter if wall else time.process_time
    best = float("inf")
    peak_kib = high_water_kib = 0
    for round_number in range(repeat):
        gc.collect()
        began = clock()
        result = action()
        best = min(best, clock() - began)
        del result
        if round_number == 0:
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            high_water_kib = _high_water_kib()
    return {
        "step": step,
        "seconds": best,
        "peak_mib": peak_kib / 1024,
        "high_water_mib": high_water_kib / 1024,
    }


def _high_water_kib() -> int:
    """VmHWM of /proc/self/status (Linux), a cross-check of ru_maxrss; 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- the driver ---------------------------------------------------------------------------------


def _in_subprocess(step: str, path: Path, repeat: int, wall: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--file", str(path)]
    command += ["--repeat", str(repeat)] + (["--wall"] if wall else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"step": step, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _generate(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Write (and validate) the project in a subprocess, so this process stays small."""
    command = [sys.executable, str(HERE / "refiqda_generate.py"), str(path)]
    command += ["--sources", str(args.sources), "--codings", str(args.codings)]
    command += ["--chars", str(args.chars)]
    if SCHEMA.exists():
        command += ["--schema", str(SCHEMA)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    held: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if held.get("valid") is False:
        raise SystemExit("the generated project is not valid against Project.xsd")
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--codings", type=int, default=200_000)
    parser.add_argument("--chars", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per step; best kept")
    parser.add_argument("--wall", action="store_true", help="wall-clock time, not CPU time")
    parser.add_argument("--skip-pyrefiqda", action="store_true")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.file, args.repeat, args.wall)))
        return

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "benchmark.qdpx"
        held = _generate(path, args)
        size = path.stat().st_size / 2**20
        checked = {
            True: "valid against Project.xsd",
            None: "not validated (../shared/refi-qda/Project.xsd absent)",
        }[held.get("valid")]
        print(
            f"project: {held['sources']:,} text sources, {held['codings']:,} codings, "
            f"{held['characters']:,} characters; {size:.1f} MiB; {checked}"
        )
        clock = "wall-clock time, best of" if args.wall else "CPU time, best of"
        print(f"time: {clock} {args.repeat}; memory: peak RSS (ru_maxrss) of a fresh process")
        steps = [s for s in STEPS if not (args.skip_pyrefiqda and "pyrefiqda" in s)]
        results = {}
        for step in steps:
            rounds = 1 if step == "pyrefiqda" else args.repeat
            results[step] = _in_subprocess(step, path, rounds, args.wall)
    _print(results)


def _print(results: dict[str, dict[str, Any]]) -> None:
    base = results["baseline"]
    print(
        f"{'step':<15}{'seconds':>9}{'x base':>8}{'peak MiB':>10}{'VmHWM':>8}"
        f"{'net MiB':>9}{'x base':>8}"
    )
    for step, result in results.items():
        if "error" in result:
            print(f"{step:<15} failed: {result['error']}")
            continue
        bare = results["bare-pyrefiqda" if "pyrefiqda" in step else "bare"]
        net = result["peak_mib"] - bare["peak_mib"]
        base_net = base["peak_mib"] - results["bare"]["peak_mib"]
        print(
            f"{step:<15}{result['seconds']:>9.3f}{result['seconds'] / base['seconds']:>8.2f}"
            f"{result['peak_mib']:>10.0f}{result['high_water_mib']:>8.0f}"
            f"{net:>9.0f}{net / base_net:>8.2f}"
        )
    checks = [("import time", "import", 1.5), ("export time", "export", 2.0)]
    for label, step, limit in checks:
        if "seconds" in results.get(step, {}):
            ratio = results[step]["seconds"] / base["seconds"]
            print(f"target {label} <= {limit}x baseline: {ratio:.2f}x")
    for step in ("floor-columns", "floor", "floor-expat"):
        if "seconds" in results.get(step, {}):
            ratio = results[step]["seconds"] / base["seconds"]
            print(f"{step} (no import keeping typed codings does less): {ratio:.2f}x baseline")
    if "peak_mib" in results.get("import", {}):
        bare_mib = results["bare"]["peak_mib"]
        ratio = (results["import"]["peak_mib"] - bare_mib) / (base["peak_mib"] - bare_mib)
        print(f"target import net peak memory <= 1.2x baseline: {ratio:.2f}x")
    if "seconds" in results.get("pyrefiqda", {}) and "seconds" in results.get("import", {}):
        speedup = results["pyrefiqda"]["seconds"] / results["import"]["seconds"]
        print(f"target import >= 5x faster than pyrefiqda: {speedup:.1f}x")


if __name__ == "__main__":
    main()
