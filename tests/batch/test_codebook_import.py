"""Codebooks (TOML, CSV, REFI-QDA .qdc) brought into a project, from Python and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qualcode
from qualcode import Code, CodeOrigin, Coding, Document, Project, new_id
from qualcode.batch import ReadAs, import_files
from qualcode.cli import make_app
from qualcode.codebooks import read_codebook
from qualcode.errors import ParseError

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "examples" / "peer-workers"

QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="a tool of ours">
  <Codes>
    <Code guid="11111111-1111-4111-8111-111111111111" name="Relationships" isCodable="true">
      <Code guid="22222222-2222-4222-8222-222222222222" name="With clients" isCodable="true">
        <Description>Trust, rapport and boundaries with clients.</Description>
      </Code>
    </Code>
    <Code guid="33333333-3333-4333-8333-333333333333" name="Career progression" isCodable="true"/>
  </Codes>
</CodeBook>
"""


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


def codebook_names() -> list[str]:
    import tomllib

    with (STUDY / "codebook.toml").open("rb") as stream:
        return [entry["name"] for entry in tomllib.load(stream)["code"]]


def test_the_example_codebook_and_themes_come_in_from_the_command_line(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = tmp_path / "study.qualcode.json"
    inputs = [str(STUDY / "codebook.toml"), str(STUDY / "themes.toml")]
    result = runner.invoke(app, ["import", *inputs, "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "codebook.toml: codebook, 7 code(s) added" in result.stderr
    assert "themes.toml: codebook, 4 theme(s)" in result.stderr
    project = qualcode.load(target)
    assert sorted(c.name for c in project.codes) == sorted(codebook_names())
    culture = project.code_by_path(["Organisational culture"])
    assert culture is not None
    assert culture.origin is CodeOrigin.DEDUCTIVE
    assert culture.definition.startswith("How the organisation treats peer workers")
    assert culture.exclusion.startswith("Relationships with individual professionals")
    assert culture.examples == (
        "They say lived experience is valued but nobody asks us in meetings.",
    )
    themes = {t.name: t for t in project.themes}
    legitimacy = themes["Negotiating legitimacy"]
    assert sorted(project.codes[i].name for i in legitimacy.code_ids) == [
        "Organisational culture",
        "Relationships with professionals",
    ]
    assert themes["Recognition in pay and progression"].parent_id == legitimacy.id

    again = runner.invoke(app, ["import", str(STUDY / "codebook.toml"), "--into", str(target)])
    assert again.exit_code == 0, again.stderr
    assert "codebook.toml: codebook, 7 code(s) already in the project" in again.stderr
    assert len(qualcode.load(target).codes) == 7  # merged by path: no duplicates


def test_a_code_already_in_the_project_keeps_its_id_and_codings_and_gains_its_fields() -> None:
    project = Project(name="study")
    document = project.add_document(Document(id=new_id(), name="d", text="We were never asked."))
    existing = project.add_code(Code(id=new_id(), name="Organisational culture"))
    project.add_coding(
        Coding(id=new_id(), document_id=document.id, code_id=existing.id, start=0, end=7)
    )

    result = import_files([STUDY / "codebook.toml"], project)

    assert result.outcomes[0].codebook is not None
    assert result.outcomes[0].codebook.codes_matched == 1
    assert result.outcomes[0].codebook.codes_filled == 1
    assert len(project.codes) == 7
    culture = project.codes[existing.id]
    assert culture.definition.startswith("How the organisation treats peer workers")
    assert culture.color == "#ff7f0e"
    assert [c.code_id for c in project.codings] == [existing.id]


def test_fields_a_code_already_has_are_kept() -> None:
    project = Project(name="study")
    mine = project.add_code(
        Code(id=new_id(), name="Career progression", definition="Our own definition.")
    )
    import_files([STUDY / "codebook.toml"], project)
    assert project.codes[mine.id].definition == "Our own definition."


def test_a_csv_codebook_with_paths_is_detected_and_merged_into_the_tree(tmp_path: Path) -> None:
    codebook = write(
        tmp_path / "codes.csv",
        "code,definition,examples,colour\n"
        'Relationships/With clients,Trust and rapport,"I\'ve been there | They open up",#2ca02c\n'
        "Relationships/With professionals,Nurses and managers,,\n"
        "Career progression,Paid work after the role,,\n",
    )
    project = Project(name="study")
    parent = project.add_code(Code(id=new_id(), name="Relationships"))

    result = import_files([codebook], project)

    assert result.outcomes[0].read_as is ReadAs.CODEBOOK
    assert "columns 'code' and 'definition'" in result.outcomes[0].detected
    assert result.documents == 0
    assert sorted(project.code_path(c.id) for c in project.codes) == [
        ("Career progression",),
        ("Relationships",),
        ("Relationships", "With clients"),
        ("Relationships", "With professionals"),
    ]
    clients = project.code_by_path(["Relationships", "With clients"])
    assert clients is not None
    assert clients.parent_id == parent.id
    assert clients.examples == ("I've been there", "They open up")
    assert clients.color == "#2ca02c"


def test_a_qdc_codebook_merges_by_path(tmp_path: Path, runner: CliRunner, app: typer.Typer) -> None:
    qdc = write(tmp_path / "shared.qdc", QDC)
    project = Project(name="study")
    relationships = project.add_code(Code(id=new_id(), name="Relationships"))
    target = tmp_path / "study.qualcode.json"
    qualcode.save(project, target)

    result = runner.invoke(app, ["import", str(qdc), "--into", str(target)])

    assert result.exit_code == 0, result.stderr
    assert (
        "shared.qdc: codebook, 2 code(s) added, 1 code(s) already in the project" in result.stderr
    )
    merged = qualcode.load(target)
    assert sorted(merged.code_path(c.id) for c in merged.codes) == [
        ("Career progression",),
        ("Relationships",),
        ("Relationships", "With clients"),
    ]
    clients = merged.code_by_path(["Relationships", "With clients"])
    assert clients is not None
    assert clients.parent_id == relationships.id
    assert clients.definition.startswith("Trust, rapport")


def test_themes_naming_codes_of_neither_the_file_nor_the_project_are_refused(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = tmp_path / "study.qualcode.json"
    before = qualcode.save(Project(name="study"), target)
    assert before.lossless
    data = target.read_bytes()
    result = runner.invoke(app, ["import", str(STUDY / "themes.toml"), "--into", str(target)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "themes.toml: theme 1 ('Lived experience as expertise'): no code" in result.stderr
    assert "import the codebook before its themes" in result.stderr
    assert target.read_bytes() == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[code]\nname = 'x'\n", "not valid TOML"),
        ("[[code]]\nname = 'x'\ndefinitoin = 'typo'\n", "code 1: unknown key(s) 'definitoin'"),
        ("[[code]]\ndefinition = 'no name'\n", "code 1: 'name' is missing or empty"),
        ("[[code]]\nname = 3\n", "code 1: 'name' must be text"),
        ("[[code]]\nname = 'x'\nexamples = [1]\n", "'examples' must be a list of texts"),
        ("[[code]]\nname = 'x'\norigin = 'abductive'\n", "unknown origin 'abductive'"),
        ("title = 'nothing else'\n", "no [[code]] or [[theme]] tables"),
        ("[[theme]]\nname = 't'\nstatus = 'done'\n", "unknown status 'done'"),
        ("[[theme]]\nname = 't'\nparent = 'u'\n", "its parent 'u' is not a theme above it"),
    ],
)
def test_a_bad_toml_codebook_is_a_parse_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "codebook.toml", text)
    with pytest.raises(ParseError, match=re.escape(message)) as raised:
        read_codebook(path)
    assert raised.value.path == str(path)


def test_a_codebook_table_without_a_code_column_says_which_columns_it_needs(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "codes.csv", "label,definition\nx,y\n")
    with pytest.raises(ParseError, match="no 'code' or 'name' column"):
        import_files([path], read_as="codebook")
