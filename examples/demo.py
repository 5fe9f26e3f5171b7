"""The main job on the example study: build the peer workers project, code it, export it.

Run from the repository root with ``make demo`` (or ``python examples/demo.py --out out``). Steps:

1. add the cases with typed attributes, the two interviewers as coders, the deductive codebook,
   and the candidate themes that group its codes;
2. batch-import the interviews (Word files the two researchers coded with comments) and the diary
   entries (plain text), each with the case and time point its file name gives;
3. apply the installed coding strategies (``keywords`` with ``rules.toml``, then ``inductive``);
4. save the project as qualcode JSON and, where the REFI-QDA exporter is installed, as a .qdpx
   for NVivo;
5. print what the project holds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tomllib
from pathlib import Path

import attrs

import qualcode
from qualcode import (
    Case,
    Code,
    CodeOrigin,
    Coder,
    DocumentKind,
    Project,
    Theme,
    ThemeStatus,
    Variable,
    VariableType,
)
from qualcode.batch import import_files
from qualcode.plugins import default_plugins

STUDY = Path(__file__).resolve().parent / "peer-workers"


def add_cases(project: Project) -> dict[str, str]:
    """Cases from cases.csv with typed attributes; returns case name -> id."""
    variables = {
        "role": Variable(id=qualcode.new_id(), name="role"),
        "organisation_type": Variable(id=qualcode.new_id(), name="organisation type"),
        "years_lived_experience": Variable(
            id=qualcode.new_id(), name="years of lived experience", type=VariableType.INTEGER
        ),
        "started": Variable(id=qualcode.new_id(), name="started", type=VariableType.DATE),
        "full_time": Variable(id=qualcode.new_id(), name="full time", type=VariableType.BOOLEAN),
    }
    for variable in variables.values():
        project.add_variable(variable)
    ids: dict[str, str] = {}
    with (STUDY / "cases.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            values = {
                variables["role"].id: row["role"],
                variables["organisation_type"].id: row["organisation_type"],
                variables["years_lived_experience"].id: int(row["years_lived_experience"]),
                variables["started"].id: dt.date.fromisoformat(row["started"]),
                variables["full_time"].id: row["full_time"] == "true",
            }
            case = project.add_case(Case(id=qualcode.new_id(), name=row["case"], attributes=values))
            ids[case.name] = case.id
    return ids


def add_coders(project: Project) -> dict[str, str]:
    """The two interviewers, who also code; returns label -> coder id."""
    names = {"I1": "Researcher One", "I2": "Researcher Two"}
    return {
        label: project.add_coder(Coder(id=qualcode.new_id(), name=name)).id
        for label, name in names.items()
    }


def add_codebook(project: Project) -> None:
    """The deductive codebook from codebook.toml."""
    with (STUDY / "codebook.toml").open("rb") as stream:
        book = tomllib.load(stream)
    for entry in book["code"]:
        project.add_code(
            Code(
                id=qualcode.new_id(),
                name=entry["name"],
                color=entry.get("color"),
                definition=entry.get("definition", ""),
                inclusion=entry.get("inclusion", ""),
                exclusion=entry.get("exclusion", ""),
                examples=entry.get("examples", []),
                origin=CodeOrigin.DEDUCTIVE,
            )
        )


def add_themes(project: Project) -> None:
    """The candidate themes from themes.toml, each grouping codebook codes (parents first)."""
    with (STUDY / "themes.toml").open("rb") as stream:
        entries = tomllib.load(stream)["theme"]
    codes = {code.name: code.id for code in project.codes}
    themes: dict[str, str] = {}
    for entry in entries:
        theme = project.add_theme(
            Theme(
                id=qualcode.new_id(),
                name=entry["name"],
                code_ids=[codes[name] for name in entry["codes"]],
                parent_id=themes[entry["parent"]] if "parent" in entry else None,
                definition=entry.get("definition", ""),
                narrative=entry.get("narrative", ""),
                status=ThemeStatus(entry.get("status", "candidate")),
            )
        )
        themes[theme.name] = theme.id


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
    add_cases(project)
    add_coders(project)
    add_codebook(project)
    add_themes(project)
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

    counts = project.counts()
    print(f"{project.name}")
    for key in ("documents", "cases", "coders", "codes", "codings", "themes", "memos"):
        print(f"  {key:<10} {counts[key]}")
    for case in project.cases:
        waves = [d.time_point for d in project.case_documents(case.id)]
        print(f"  {case.name}: {len(waves)} documents over time points {sorted(set(waves))}")


if __name__ == "__main__":
    main()
