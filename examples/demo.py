"""The main job on the example study: build the peer workers project, code it, export it.

Run from the repository root with ``make demo`` (or ``python examples/demo.py --out out``). Steps:

1. add the cases with typed attributes, the deductive codebook and the candidate themes that
   group its codes (each read by the library, as ``qualcode import`` reads them), and the two
   interviewers as coders;
2. batch-import the interviews (Word files the two researchers coded with comments) and the diary
   entries (plain text), each with the case and time point its file name gives;
3. apply the installed coding strategies (``keywords`` with ``rules.toml``, then ``inductive``);
4. save the project as qualcode JSON, as a .qdpx for NVivo, as an Excel workbook (coded
   segments, codebook, tables) and as the self-contained HTML report;
5. print what the project holds, how far the two researchers agree (NVivo's coding comparison,
   by character, per code and pooled) and the codes by time point.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import attrs

import qualcode
from qualcode import (
    Coder,
    DocumentKind,
    Project,
    Variable,
    analysis,
)
from qualcode.batch import import_files
from qualcode.plugins import default_plugins

STUDY = Path(__file__).resolve().parent / "peer-workers"


def add_study_tables(project: Project) -> None:
    """The cases with their typed attributes (cases.csv), the deductive codebook
    (codebook.toml) and the candidate themes that group its codes (themes.toml).

    The same as ``qualcode import cases.csv codebook.toml themes.toml --into ...``: each file is
    recognised (a table whose first column is ``case``; TOML codebooks) and merged, codes by
    path, cases by name.
    """
    result = import_files(
        [STUDY / "cases.csv", STUDY / "codebook.toml", STUDY / "themes.toml"], project
    )
    for outcome in result.outcomes:
        print(f"demo: {outcome.summary()}", file=sys.stderr)


def add_coders(project: Project) -> dict[str, str]:
    """The two interviewers, who also code; returns label -> coder id."""
    names = {"I1": "Researcher One", "I2": "Researcher Two"}
    return {
        label: project.add_coder(Coder(id=qualcode.new_id(), name=name)).id
        for label, name in names.items()
    }


def add_documents(project: Project) -> None:
    """Interviews (Word files coded with comments by the two researchers) and diary entries.

    Batch import reads them, takes each file's case and time point from its name, and merges the
    Word comments into the codebook's codes and the researchers' coders (matched by name).
    """
    interviews = import_files(
        [STUDY / "word"], project, pattern="{case}_T{wave}.docx", kind=DocumentKind.INTERVIEW
    )
    diaries = import_files(
        [STUDY / "diaries"], project, pattern="{case}_T{wave}_entry*.txt", kind=DocumentKind.DIARY
    )
    for result in (interviews, diaries):
        for line in result.report.lines():
            print(f"demo: import: {line}", file=sys.stderr)

    interviewer = project.add_variable(Variable(id=qualcode.new_id(), name="interviewer"))
    with (STUDY / "interviewers.csv").open(encoding="utf-8", newline="") as stream:
        who = {(r["case"], int(r["wave"])): r["interviewer"] for r in csv.DictReader(stream)}
    for document in list(project.documents):
        case = project.cases.get(document.case_id)
        if document.kind is DocumentKind.INTERVIEW and case is not None:
            label = who[case.name, document.time_point or 0]
            project.add_document(
                attrs.evolve(document, attributes={interviewer.id: label}), replace=True
            )


def build_project() -> Project:
    project = Project(
        name="Peer workers study",
        description="A fictional longitudinal study of three peer workers (examples/peer-workers).",
    )
    add_study_tables(project)
    add_coders(project)
    add_documents(project)
    return project


def apply_strategies(project: Project) -> None:
    """Apply the installed strategies the demo knows about, announcing each on stderr."""
    strategies = default_plugins().strategies
    plans: list[tuple[str, dict[str, object]]] = [
        ("keywords", {"rules": STUDY / "rules.toml", "unit": "sentence"}),
        ("inductive", {"speakers": "PN*"}),
    ]
    for name, options in plans:
        rules = options.get("rules")
        if name not in strategies or (isinstance(rules, Path) and not rules.exists()):
            print(f"demo: strategy {name!r} is not available, skipped", file=sys.stderr)
            continue
        result = qualcode.code(project, name, **options)  # runs it and adds what it proposes
        proposed = result.proposed
        print(
            f"demo: {name}: {len(proposed.codings)} codings, {len(proposed.codes)} new codes",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    project = build_project()
    apply_strategies(project)

    native = args.out / "peer-workers.qualcode.json"
    qualcode.save(project, native, indent=1)
    print(f"demo: wrote {native}", file=sys.stderr)
    if "qdpx" in default_plugins().exporters:
        qdpx = args.out / "peer-workers-nvivo.qdpx"
        report = qualcode.save(project, qdpx, target="nvivo")
        for line in report.lines():
            print(f"demo: export: {line}", file=sys.stderr)
        print(f"demo: wrote {qdpx}", file=sys.stderr)
    write_shared_outputs(project, args.out)

    counts = project.counts()
    print(f"{project.name}")
    for key in ("documents", "cases", "coders", "codes", "codings", "themes", "memos"):
        print(f"  {key:<10} {counts[key]}")
    for case in project.cases:
        waves = [d.time_point for d in project.case_documents(case.id)]
        print(f"  {case.name}: {len(waves)} documents over time points {sorted(set(waves))}")
    print_agreement(project)
    print_codes_by_time_point(project)


def write_shared_outputs(project: Project, out: Path) -> None:
    """The files co-authors open without qualcode: an Excel workbook of the coded segments,
    the codebook and the tables, and the self-contained HTML report. Each needs an extra
    (``xlsx``: openpyxl; ``report``: Jinja2); without it the demo says so and goes on."""
    for name, extra in (("peer-workers.xlsx", "xlsx"), ("peer-workers-report.html", "report")):
        target = out / name
        try:
            qualcode.save(project, target)
        except qualcode.QualcodeError as error:
            print(f"demo: {name} not written ({error}; pip install 'qualcode[{extra}]')")
            continue
        print(f"demo: wrote {target}", file=sys.stderr)


def print_agreement(project: Project) -> None:
    """The two researchers' coding comparison on the interviews they both coded."""
    comparison = analysis.compare_coders(project, "Researcher One", "Researcher Two")
    print(
        f"\nAgreement of Researcher One and Researcher Two (by character, "
        f"{len(comparison.documents)} interviews)"
    )
    for row in sorted(comparison.by_code(), key=lambda r: project.code_path(r.code_id)):
        cells = row.cells
        if cells.both + cells.first_only + cells.second_only == 0:
            continue  # a code neither researcher used
        name = "/".join(project.code_path(row.code_id))
        print(f"  {name:<40} {cells.agreement:7.1%}  kappa {cells.kappa:6.3f}")
    pooled = comparison.pooled()
    print(f"  {'(all codes)':<40} {pooled.agreement:7.1%}  kappa {pooled.kappa:6.3f}")


def print_codes_by_time_point(project: Project) -> None:
    """Codings per code at each time point, the researchers' and the strategies' together."""
    table = analysis.crosstab(project, rows="time", cols="code")
    used = [
        index
        for index, name in enumerate(table.columns[1:], start=1)
        if any(row[index] for row in table.rows)
    ]
    width = max([4, *(len(table.columns[index]) for index in used)])
    print("\nCodings by time point")
    print(f"  {'code':<{width}} " + " ".join(f"{row[0]:>4}" for row in table.rows))
    for index in used:
        counts = " ".join(f"{row[index]:>4}" for row in table.rows)
        print(f"  {table.columns[index]:<{width}} {counts}")


if __name__ == "__main__":
    main()
