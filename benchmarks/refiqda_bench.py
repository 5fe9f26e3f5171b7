"""Benchmark: reading and writing a large REFI-QDA project, against a baseline of the same run.

The run writes a schema-valid .qdpx (see ``refiqda_generate.py``: by default 1,000 text sources,
200,000 codings, 20 million characters; ``--quick`` for 100 sources, 20,000 codings and 2
million characters), validates it once against ``Project.xsd`` when the shared folder
``../shared/refi-qda`` sits beside the repository, then measures these steps:

- ``baseline``: only unzip, parse the ``.qde`` with lxml into a tree, walk every ``Coding``
  element of the tree and decode every source text;
- ``floor-columns`` and ``floor``: the least any import must do to hold the codings as typed
  values (``floor-columns``: columns of numbers, times and GUID strings; ``floor``: one
  ``Coding`` per coding, as the model holds them), checking nothing;
- ``floor-expat``: ``floor`` with the standard library's expat parser instead of lxml;
- ``import``: qualcode's full import, ``qualcode.load(path)``;
- ``export``: ``qualcode.save(project, "out.qdpx")`` of the imported project (the load before it
  is not timed);
- ``pyrefiqda``: the PyPI package ``pyrefiqda`` loading the same file (``RefiProject.load``:
  extract the archive to a folder, bind the XML to pydantic models; it does not read texts).

Two ways of timing, both printed:

- **cold** (the figures that count): every repetition of every step is a fresh Python process
  that imports what its step needs and times its whole job, imports included, from its first
  statement (``time.process_time`` for CPU, ``time.perf_counter`` for wall time); the driver
  also times each process from outside (its CPU time from ``RUSAGE_CHILDREN``, interpreter start
  and exit included). Steps are interleaved round by round, so a change of load hits all of them;
  min and median over ``--repeat`` repetitions are printed, and ratios against the baseline's min
  and median of the same run. This is what a user running ``qualcode`` once on a file waits for.
- **warm** (``--warm-repeat N``, 0 to skip): one process per step imports the modules and loads
  the plugins untimed, then runs the step N times and keeps the best CPU time; the peak resident
  set size (``ru_maxrss``) after its first round, minus that of a process that only imports the
  same modules ("net"), gives the memory ratios. A warm baseline is much cheaper than a cold one,
  so warm ratios overstate what the import costs against it.

Targets (issue 3): import <= 1.5x the baseline's time and <= 1.2x its net peak memory, export
<= 2x the baseline's time, import >= 5x faster than pyrefiqda.

Run: ``python benchmarks/refiqda_bench.py [--sources 1000] [--codings 200000]
[--chars 20000000] [--quick] [--repeat 5] [--warm-repeat 3] [--steps baseline,import]
[--project FILE.qdpx] [--skip-pyrefiqda]``.
"""

from __future__ import annotations

import sys
import time

# Taken before any other import: a cold step's time includes importing what it needs.
_STARTED = (time.process_time(), time.perf_counter())

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

QDA = "urn:QDA-XML:project:1.0"
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
COLD_STEPS = ("baseline", "floor-columns", "floor", "floor-expat", "import", "export", "pyrefiqda")


# -- the steps (each runs in its own subprocess) ------------------------------------------------


def _baseline(path: str) -> object:
    """Unzip, parse the .qde into an lxml tree, walk every Coding, decode every source text."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"), parser)
        codings = sum(1 for _ in root.iter(f"{{{QDA}}}Coding"))
        texts = [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("sources/")
        ]
    return root, codings, texts


def _floor(path: str, objects: bool) -> object:
    """The least any import must add to the baseline to hold the codings (the floor).

    The baseline's unzipping and decoding; the project XML parsed as a stream of text sources
    (lxml's ``iterparse`` filtered by tag in C, each source freed once read: cheaper than the
    baseline's whole tree followed by queries on it); from each source the values a ``Coding``
    holds, pulled with compiled XPath queries as plain strings (a coding's user and time, else
    its selection's, else none, as qualcode reads them); positions made numbers, times parsed;
    with ``objects``, one ``Coding`` made from each row. Nothing is checked, converted or
    reported, and users, codes and texts are not turned into model objects: no import that keeps
    typed codings can do less. The cyclic garbage collector is paused, as qualcode's reader
    pauses it.
    """
    import gc

    gc.disable()
    try:
        return _floor_rows(path, objects)
    finally:
        gc.enable()


def _floor_rows(path: str, objects: bool) -> object:
    import io

    from lxml import etree

    from qualcode.model import Coding

    data, texts = _unzip(path)
    spaces = {"q": QDA}

    def query(expression: str) -> Any:
        return etree.XPath(expression, namespaces=spaces, smart_strings=False)

    selection = "q:PlainTextSelection"
    coding = f"{selection}/q:Coding"
    count = query(f"count({coding})")
    queries = [
        query(f"{coding}/@guid"),
        query(f"{selection}/@startPosition"),
        query(f"{selection}/@endPosition"),
        query(f"{coding}/q:CodeRef/@targetGUID"),
    ]
    optional = [(query(f"{coding}/@{name}"), name) for name in ("creatingUser", "creationDateTime")]
    selections = query(selection)
    columns: list[list[str]] = [[] for _ in queries]
    coders: list[str | None] = []
    times: list[str | None] = []
    documents: list[str] = []
    events = etree.iterparse(
        io.BytesIO(data), tag=f"{{{QDA}}}TextSource", resolve_entities=False, load_dtd=False
    )
    for _, source in events:
        number = int(count(source))
        for column, values in zip(columns, queries, strict=True):
            column.extend(values(source))
        for (values, name), column in zip(optional, (coders, times), strict=True):
            found = values(source)
            if len(found) == number:
                column.extend(found)
            else:  # some codings lack it: theirs, else their selection's, else none
                column.extend(_own_or_outer(selections(source), name))
        documents.extend([source.get("guid")] * number)
        source.clear()
        source.getparent().remove(source)
    ids, starts, ends, codes = columns
    typed = _typed(ids, documents, codes, starts, ends, coders, times)
    if not objects:
        return texts, typed
    return texts, list(map(Coding, *typed))


def _own_or_outer(selections: list[Any], name: str) -> list[str | None]:
    """Each selection's coding's ``name`` attribute, else the selection's, else None."""
    values: list[str | None] = []
    for element in selections:
        coding = element.find(f"{{{QDA}}}Coding")
        values.append(coding.get(name) or element.get(name))
    return values


def _floor_expat(path: str) -> object:
    """The floor with the standard library's expat parser instead of lxml: no tree at all, one
    Python call per element start, the values a ``Coding`` holds gathered as the parse goes."""
    import gc
    from xml.parsers import expat

    from qualcode.model import Coding

    gc.disable()
    try:
        data, texts = _unzip(path)
        starts: list[str] = []
        ends: list[str] = []
        ids: list[str] = []
        coders: list[str | None] = []
        times: list[str | None] = []
        codes: list[str] = []
        documents: list[str] = []
        document = [""]
        outer: dict[str, str] = {}

        space = f"{QDA} "
        code_ref, coding, selection, source = (
            space + name for name in ("CodeRef", "Coding", "PlainTextSelection", "TextSource")
        )

        def start(name: str, attributes: dict[str, str]) -> None:
            if name == code_ref:
                codes.append(attributes["targetGUID"])
            elif name == coding:
                ids.append(attributes["guid"])
                coders.append(attributes.get("creatingUser") or outer.get("creatingUser"))
                times.append(attributes.get("creationDateTime") or outer.get("creationDateTime"))
            elif name == selection:
                starts.append(attributes["startPosition"])
                ends.append(attributes["endPosition"])
                documents.append(document[0])
                outer.clear()
                outer.update(attributes)
            elif name == source:
                document[0] = attributes["guid"]

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.Parse(data, True)
        typed = _typed(ids, documents, codes, starts, ends, coders, times)
        return texts, list(map(Coding, *typed))
    finally:
        gc.enable()


def _unzip(path: str) -> tuple[bytes, list[str]]:
    """The project XML as bytes and every source text decoded, as the baseline reads them."""
    import zipfile

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
    coders: list[str | None],
    times: list[str | None],
) -> tuple[list[Any], ...]:
    """The columns of a ``Coding`` as it holds them: positions as numbers, times parsed."""
    import datetime as dt

    if None in times:
        parsed = [None if time is None else dt.datetime.fromisoformat(time) for time in times]
    else:
        parsed = list(map(dt.datetime.fromisoformat, times))  # type: ignore[arg-type]
    return (ids, documents, codes, list(map(int, starts)), list(map(int, ends)), coders, parsed)


def _import(path: str) -> object:
    import qualcode

    return qualcode.load(path)


def _pyrefiqda(path: str) -> object:
    import tempfile

    from pyrefiqda import RefiProject  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory() as folder:
        return RefiProject.load(path, extract_dir=folder)


JOBS: dict[str, Callable[[str], object]] = {
    "baseline": _baseline,
    "floor-columns": lambda path: _floor(path, objects=False),
    "floor": lambda path: _floor(path, objects=True),
    "floor-expat": _floor_expat,
    "import": _import,
    "pyrefiqda": _pyrefiqda,
}


# -- cold: one fresh process per repetition ----------------------------------------------------


def run_cold(step: str, path: str) -> dict[str, Any]:
    """One cold repetition of ``step`` in this (fresh) process: CPU and wall time since the
    process's first statement, imports included; for ``export``, since the untimed load ended."""
    started_cpu, started_wall = _STARTED
    if step == "export":
        import qualcode

        project = qualcode.load(path)
        out = path + ".exported.qdpx"
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        result: object = qualcode.save(project, out)
    else:
        result = JOBS[step](path)
    cpu = time.process_time() - started_cpu
    wall = time.perf_counter() - started_wall
    import resource

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del result
    return {"step": step, "cpu": cpu, "wall": wall, "peak_mib": peak_kib / 1024}


def _cold_once(step: str, path: Path) -> dict[str, Any]:
    """Run one cold repetition in a new process, also timed from outside."""
    import json
    import resource
    import subprocess

    if step == "interpreter":
        command = [sys.executable, "-c", "pass"]
    else:
        command = [sys.executable, __file__, "--cold", step, str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    process_wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    process_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        return {"step": step, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = {"step": step}
    if step != "interpreter":
        result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(process_cpu=process_cpu, process_wall=process_wall)
    return result


def measure_cold(steps: list[str], path: Path, repeat: int) -> dict[str, list[dict[str, Any]]]:
    """``repeat`` rounds, each running every step once in a fresh process, interleaved."""
    rounds: dict[str, list[dict[str, Any]]] = {step: [] for step in ["interpreter", *steps]}
    for _ in range(repeat):
        for step in rounds:
            rounds[step].append(_cold_once(step, path))
    return rounds


# -- warm: one process per step, imports untimed, best of N rounds ------------------------------


def _prepare(step: str, path: str) -> Callable[[], object]:
    """The callable one warm round of ``step`` runs, after untimed preparation."""
    import qualcode
    from qualcode.plugins import default_plugins

    default_plugins()
    if step == "bare":
        return lambda: None
    if step == "bare-pyrefiqda":
        import pyrefiqda

        return lambda: None
    if step == "export":
        project = qualcode.load(path)
        out = path + ".exported.qdpx"
        return lambda: qualcode.save(project, out)
    if step in JOBS:
        if step == "pyrefiqda":
            import pyrefiqda  # noqa: F401
        job = JOBS[step]
        return lambda: job(path)
    raise SystemExit(f"unknown step {step!r}")


def run_warm(step: str, path: str, repeat: int) -> dict[str, Any]:
    """Run ``step`` ``repeat`` times in this process: best CPU time, peak memory after round 1."""
    import gc
    import resource

    action = _prepare(step, path)
    best = float("inf")
    peak_kib = high_water_kib = 0
    for round_number in range(repeat):
        gc.collect()
        began = time.process_time()
        result = action()
        best = min(best, time.process_time() - began)
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
    from pathlib import Path

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _warm_in_subprocess(step: str, path: Path, repeat: int) -> dict[str, Any]:
    import json
    import subprocess

    command = [sys.executable, __file__, "--warm", step, str(path), str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"step": step, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the driver ---------------------------------------------------------------------------------


def _generate(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Write (and validate) the project in a subprocess, so this process stays small."""
    import json
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parent
    schema = here.parent.parent / "shared" / "refi-qda" / "Project.xsd"
    command = [sys.executable, str(here / "refiqda_generate.py"), str(path)]
    command += ["--sources", str(args.sources), "--codings", str(args.codings)]
    command += ["--chars", str(args.chars)]
    if schema.exists():
        command += ["--schema", str(schema)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    held: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if held.get("valid") is False:
        raise SystemExit("the generated project is not valid against Project.xsd")
    return held


def _arguments() -> argparse.Namespace:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--codings", type=int, default=200_000)
    parser.add_argument("--chars", type=int, default=20_000_000)
    parser.add_argument(
        "--quick", action="store_true", help="100 sources, 20,000 codings, 2M characters"
    )
    parser.add_argument("--repeat", type=int, default=5, help="cold repetitions per step")
    parser.add_argument(
        "--warm-repeat", type=int, default=3, help="warm rounds per step (best kept); 0: no warm"
    )
    parser.add_argument(
        "--steps",
        help=f"comma-separated steps to run (of {', '.join(COLD_STEPS)}); baseline is always run",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="measure this .qdpx (generated there first if it does not exist) and keep it",
    )
    parser.add_argument("--skip-pyrefiqda", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.sources, args.codings, args.chars = 100, 20_000, 2_000_000
    return args


def main() -> None:
    import os
    import tempfile
    from pathlib import Path

    args = _arguments()
    chosen = COLD_STEPS if not args.steps else tuple(args.steps.split(","))
    unknown = set(chosen) - set(COLD_STEPS)
    if unknown:
        raise SystemExit(f"unknown steps: {', '.join(sorted(unknown))}")
    cold_steps = [s for s in COLD_STEPS if s == "baseline" or s in chosen]
    if args.skip_pyrefiqda:
        cold_steps = [s for s in cold_steps if s != "pyrefiqda"]
    with tempfile.TemporaryDirectory() as folder:
        path = args.project or Path(folder) / "benchmark.qdpx"
        if path.exists():
            print(f"project: {path.name} as it is ({path.stat().st_size / 2**20:.1f} MiB)")
        else:
            held = _generate(path, args)
            checked = {
                True: "valid against Project.xsd",
                None: "not validated (../shared/refi-qda/Project.xsd absent)",
            }[held.get("valid")]
            print(
                f"project: {held['sources']:,} text sources, {held['codings']:,} codings, "
                f"{held['characters']:,} characters; {path.stat().st_size / 2**20:.1f} MiB; "
                f"{checked}"
            )
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        cold = measure_cold(
            [s for s in cold_steps if s != "pyrefiqda"] if args.repeat > 1 else cold_steps,
            path,
            args.repeat,
        )
        if "pyrefiqda" in cold_steps and args.repeat > 1:  # slow: one repetition
            cold["pyrefiqda"] = [_cold_once("pyrefiqda", path)]
        print(f"load average after cold: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        _print_cold(cold, args.repeat)
        if args.warm_repeat > 0:
            warm = {}
            for step in STEPS:
                if (step not in ("bare", "bare-pyrefiqda") and step not in cold_steps) or (
                    "pyrefiqda" in step and "pyrefiqda" not in cold_steps
                ):
                    continue
                rounds = 1 if step == "pyrefiqda" else args.warm_repeat
                warm[step] = _warm_in_subprocess(step, path, rounds)
            print(f"load average after warm: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            _print_warm(warm, args.warm_repeat)


def _median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def _print_cold(cold: dict[str, list[dict[str, Any]]], repeat: int) -> None:
    print(
        f"\ncold: each repetition a fresh process ({repeat} per step, interleaved); 'job' is timed"
        " inside the process from its first statement, imports included; 'process' is the whole"
        " process timed from outside (interpreter start and exit included)"
    )
    print(
        f"{'step':<15}{'job CPU s':>18}{'x baseline':>14}{'job wall s':>16}{'x baseline':>14}"
        f"{'process CPU s':>17}{'peak MiB':>10}"
    )
    print(f"{'':<15}{'min / median':>18}{'min / med':>14}{'min / median':>16}{'min / med':>14}")
    base = cold["baseline"]
    if any("error" in r for r in base):
        print(f"baseline failed: {base[0].get('error')}")
        return
    base_cpu = [r["cpu"] for r in base]
    base_wall = [r["wall"] for r in base]
    for step, results in cold.items():
        errors = [r["error"] for r in results if "error" in r]
        if errors:
            print(f"{step:<15} failed: {errors[0]}")
            continue
        process = [r["process_cpu"] for r in results]
        process_text = f"{min(process):.3f}/{_median(process):.3f}"
        if step == "interpreter":
            print(f"{step:<15}{'':>18}{'':>14}{'':>16}{'':>14}{process_text:>17}")
            continue
        cpu = [r["cpu"] for r in results]
        wall = [r["wall"] for r in results]
        print(
            f"{step:<15}{min(cpu):>9.3f} / {_median(cpu):<6.3f}"
            f"{min(cpu) / min(base_cpu):>7.2f} /{_median(cpu) / _median(base_cpu):>5.2f}"
            f"{min(wall):>8.3f} / {_median(wall):<5.3f}"
            f"{min(wall) / min(base_wall):>7.2f} /{_median(wall) / _median(base_wall):>5.2f}"
            f"{process_text:>17}{max(r['peak_mib'] for r in results):>10.0f}"
        )
    for label, step, limit in (("import", "import", 1.5), ("export", "export", 2.0)):
        if step in cold and not any("error" in r for r in cold[step]):
            cpu = [r["cpu"] for r in cold[step]]
            print(
                f"target {label} time <= {limit}x baseline (cold CPU): "
                f"{min(cpu) / min(base_cpu):.2f}x (min), {_median(cpu) / _median(base_cpu):.2f}x"
                " (median)"
            )
    pairs = [cold.get("pyrefiqda", []), cold.get("import", [])]
    if all(pairs) and not any("error" in r for r in pairs[0] + pairs[1]):
        speedup = min(r["cpu"] for r in pairs[0]) / min(r["cpu"] for r in pairs[1])
        print(f"target import >= 5x faster than pyrefiqda (cold CPU, min): {speedup:.1f}x")


def _print_warm(results: dict[str, dict[str, Any]], repeat: int) -> None:
    print(
        f"\nwarm: one process per step, modules imported and plugins loaded untimed, best CPU time"
        f" of {repeat} rounds (overstates ratios: a warm baseline is far cheaper than a cold one);"
        " memory: peak RSS after round 1, net of a process that only imports the modules"
    )
    base = results["baseline"]
    if "error" in base:
        print(f"baseline failed: {base['error']}")
        return
    print(
        f"{'step':<15}{'seconds':>9}{'x base':>8}{'peak MiB':>10}{'VmHWM':>8}"
        f"{'net MiB':>9}{'x base':>8}"
    )
    base_net = base["peak_mib"] - results["bare"]["peak_mib"]
    for step, result in results.items():
        if "error" in result:
            print(f"{step:<15} failed: {result['error']}")
            continue
        bare = results.get("bare-pyrefiqda" if "pyrefiqda" in step else "bare", results["bare"])
        net = result["peak_mib"] - bare["peak_mib"]
        print(
            f"{step:<15}{result['seconds']:>9.3f}{result['seconds'] / base['seconds']:>8.2f}"
            f"{result['peak_mib']:>10.0f}{result['high_water_mib']:>8.0f}"
            f"{net:>9.0f}{net / base_net:>8.2f}"
        )
    if "peak_mib" in results.get("import", {}):
        bare_mib = results["bare"]["peak_mib"]
        ratio = (results["import"]["peak_mib"] - bare_mib) / base_net
        print(f"target import net peak memory <= 1.2x baseline: {ratio:.2f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        measured = run_cold(sys.argv[2], sys.argv[3])
        import json

        print(json.dumps(measured))
    elif sys.argv[1:2] == ["--warm"]:
        import json

        print(json.dumps(run_warm(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
