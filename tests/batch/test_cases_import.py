"""Cases tables (case attributes by case name) brought into a project, from Python and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qualcode
from qualcode import Case, Project, Variable, VariableType, new_id
from qualcode.batch import ReadAs, import_files
from qualcode.cli import make_app
from qualcode.errors import OptionError, ParseError, ValueTypeError

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "examples" / "peer-workers"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    return make_app()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def attributes(project: Project, case_name: str) -> dict[str, object]:
    case = project.cases.by_name(case_name)[0]
    return {project.variables[k].name: v for k, v in case.attributes.items()}


def test_the_example_cases_table_sets_typed_attributes_on_the_interviewees(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = tmp_path / "study.qualcode.json"
    interviews = runner.invoke(
        app,
        ["import", str(STUDY / "interviews"), "--into", str(target), "--pattern", "{case}_T{wave}"],
    )
    assert interviews.exit_code == 0, interviews.stderr
    before = qualcode.load(target)
    case_ids = {c.name: c.id for c in before.cases}

    result = runner.invoke(app, ["import", str(STUDY / "cases.csv"), "--into", str(target)])

    assert result.exit_code == 0, result.stderr
    assert "cases.csv: cases table, attributes of 3 case(s) set, 5 new variable(s)" in result.stderr
    assert "read as a cases table: its first column is 'case'" in result.stderr
    project = qualcode.load(target)
    assert len(project.documents) == 12  # not three more documents made of the table's rows
    assert {c.name: c.id for c in project.cases} == case_ids  # attached to the same cases
    types = {v.name: v.type for v in project.variables}
    assert types == {
        "role": VariableType.TEXT,
        "organisation type": VariableType.TEXT,
        "years of lived experience": VariableType.INTEGER,
        "started": VariableType.DATE,
        "full time": VariableType.BOOLEAN,
    }
    assert attributes(project, "PN2") == {
        "role": "peer navigator",
        "organisation type": "third sector outreach",
        "years of lived experience": 11,
        "started": dt.date(2023, 3, 13),
        "full time": False,
    }


def test_missing_cases_are_created_and_named_in_the_summary(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = tmp_path / "study.qualcode.json"
    project = Project(name="study")
    project.add_case(Case(id=new_id(), name="PN1"))
    qualcode.save(project, target)
    result = runner.invoke(app, ["import", str(STUDY / "cases.csv"), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "attributes of 3 case(s) set (2 created: PN2, PN3)" in result.stderr
    assert sorted(c.name for c in qualcode.load(target).cases) == ["PN1", "PN2", "PN3"]


def test_a_new_table_replaces_values_and_an_empty_cell_keeps_them(tmp_path: Path) -> None:
    project = Project(name="study")
    import_files(
        [write(tmp_path / "a.csv", "case,role,years\nP1,nurse,3\nP2,peer worker,5\n")], project
    )
    result = import_files(
        [write(tmp_path / "b.csv", "case,role,years\nP1,manager,\nP2,peer worker,6\n")], project
    )
    cases = result.outcomes[0].cases
    assert cases is not None
    assert cases.values_replaced == 2
    assert cases.cases_created == []
    assert attributes(project, "P1") == {"role": "manager", "years": 3}
    assert attributes(project, "P2") == {"role": "peer worker", "years": 6}
    assert len(project.variables) == 2


def test_as_cases_reads_a_table_whose_case_column_is_elsewhere(tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "site,participant,age\nNorth,R1,34\nSouth,R2,51\n")
    project = Project(name="study")
    result = import_files([table], project, read_as="cases", options={"case_column": "participant"})
    assert result.outcomes[0].read_as is ReadAs.CASES
    assert attributes(project, "R2") == {"site": "South", "age": 51}
    assert not len(project.documents)


def test_a_cases_table_without_its_case_column_says_how_to_name_it(tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "site,participant\nNorth,R1\n")
    with pytest.raises(ParseError, match="case_column=NAME") as raised:
        import_files([table], read_as=ReadAs.CASES)
    assert raised.value.path == str(table)


def test_an_option_no_reader_takes_is_refused_before_reading(tmp_path: Path) -> None:
    table = write(tmp_path / "cases.csv", "case,role\nP1,nurse\n")
    with pytest.raises(OptionError, match="unknown option 'text_colums' for the cases table"):
        import_files([table], options={"text_colums": "role"})


def test_as_documents_still_reads_a_cases_shaped_table_as_a_survey(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = tmp_path / "study.qualcode.json"
    result = runner.invoke(
        app,
        ["import", str(STUDY / "cases.csv"), "--into", str(target), "--as", "documents", "-q"],
    )
    assert result.exit_code == 0, result.stderr
    assert len(qualcode.load(target).documents) == 3


def test_a_value_that_does_not_fit_the_projects_variable_leaves_the_project_as_it_was(
    tmp_path: Path,
) -> None:
    project = Project(name="study")
    years = project.add_variable(Variable(id=new_id(), name="years", type=VariableType.INTEGER))
    project.add_case(Case(id=new_id(), name="P1", attributes={years.id: 3}))
    table = write(tmp_path / "cases.csv", "case,years\nP1,2023-01-01\nP9,4\n")
    with pytest.raises(ValueTypeError, match="variable 'years' is integer in the project"):
        import_files([table], project)
    assert [c.name for c in project.cases] == ["P1"]
    assert attributes(project, "P1") == {"years": 3}


def test_a_large_table_is_recognised_from_its_first_line(tmp_path: Path) -> None:
    # the header is found in the first 64 KiB; a multibyte character cut there must not hide it
    filler = "é" * 40_000  # two bytes each: the cut falls inside one
    table = write(tmp_path / "cases.csv", f"case,note\nP1,{filler}\n")
    project = Project(name="study")
    result = import_files([table], project)
    assert result.outcomes[0].read_as is ReadAs.CASES
    assert attributes(project, "P1") == {"note": filler}
