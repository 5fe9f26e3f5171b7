"""The main job on the example study: build the peer workers project, code it, export it.

Run from the repository root with ``make demo`` (or ``python examples/demo.py --out out``). Steps:

1. import the interview transcripts and diary entries (plain text) with their case, time point
   and kind;
2. add the cases with typed attributes, the two interviewers as coders, and the deductive codebook;
3. apply the installed coding strategies (``keywords`` with ``rules.toml``, then ``inductive``);
4. save the project as qualcode JSON and, where the REFI-QDA exporter is installed, as a .qdpx
   for NVivo;
5. print what the project holds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
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
    Variable,
    VariableType,
)
from qualcode.plugins import default_plugins
from qualcode.strategies.base import SerialRunner

STUDY = Path(__file__).resolve().parent / "peer-workers"
FILE_NAME = re.compile(r"(?P<case>PN\d)_T(?P<wave>\d)(?:_entry(?P<entry>\d+))?$")


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


def add_documents(project: Project, cases: dict[str, str]) -> None:
    """Interviews and diary entries, each with its case, time point and kind."""
    interviewer = Variable(id=qualcode.new_id(), name="interviewer")
    project.add_variable(interviewer)
    with (STUDY / "interviewers.csv").open(encoding="utf-8", newline="") as stream:
        who = {(r["case"], int(r["wave"])): r["interviewer"] for r in csv.DictReader(stream)}
    for folder, kind in (("interviews", DocumentKind.INTERVIEW), ("diaries", DocumentKind.DIARY)):
        for path in sorted((STUDY / folder).glob("*.txt")):
            match = FILE_NAME.match(path.stem)
            if match is None:
                raise SystemExit(f"{path.name}: name does not follow PN<n>_T<wave>[_entry<k>]")
            case, wave = match["case"], int(match["wave"])
            (document,) = qualcode.load(path, kind=kind.value).documents
            attributes = {interviewer.id: who[case, wave]} if kind is DocumentKind.INTERVIEW else {}
            project.add_document(
                attrs.evolve(
                    document,
                    name=path.stem,
                    case_id=cases[case],
                    time_point=wave,
                    attributes=attributes,
                )
            )


def build_project() -> Project:
    project = Project(
        name="Peer workers study",
        description="A fictional longitudinal study of three peer workers (examples/peer-workers).",
    )
    cases = add_cases(project)
    add_coders(project)
    add_codebook(project)
    add_documents(project, cases)
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
        result = strategies.get(name)().run(project, SerialRunner(), **options)
        result.apply_to(project)
        print(
            f"demo: {name}: {len(result.codings)} codings, {len(result.codes)} new codes",
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
