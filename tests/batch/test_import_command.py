"""The ``qualcode import`` command through Typer's CliRunner: output, exit codes, help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.model import DocumentKind

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hello from {name}\n"
CSV = "id,wave,answer\nR1,1,Long answer about the service\nR2,1,\nR3,2,Short one\n"


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


def test_import_creates_a_project_with_cases_and_waves(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    for name in ("P1_T1", "P2_T1", "P1_T2"):
        write(tmp_path / "in" / f"{name}.vtt", VTT.format(name=name))
    target = tmp_path / "study.qualcode.json"
    result = runner.invoke(
        app,
        [
            "import",
            str(tmp_path / "in"),
            "--into",
            str(target),
            "--pattern",
            "{case}_T{wave}.vtt",
            "--kind",
            "interview",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "imported 3 file(s), 3 document(s)" in result.stderr
    assert result.stdout == ""
    project = qualcode.load(target)
    assert sorted((d.name, d.time_point) for d in project.documents) == [
        ("P1_T1", 1),
        ("P1_T2", 2),
        ("P2_T1", 1),
    ]
    assert sorted(c.name for c in project.cases) == ["P1", "P2"]
    assert {d.kind for d in project.documents} == {DocumentKind.INTERVIEW}


def test_survey_options_reach_the_importer(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    survey = write(tmp_path / "survey.csv", CSV)
    target = tmp_path / "study.qualcode.json"
    result = runner.invoke(
        app,
        ["import", str(survey), "--into", str(target), "-o", "text_columns=answer", "--quiet"],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    project = qualcode.load(target)
    assert sorted(d.text for d in project.documents) == [
        "Long answer about the service",
        "Short one",
    ]
    assert [v.name for v in project.variables] == ["wave"]


def test_a_bad_file_is_exit_code_1_and_writes_nothing(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    write(tmp_path / "in" / "good.vtt", VTT.format(name="good"))
    write(tmp_path / "in" / "mixed.csv", "")
    (tmp_path / "in" / "mixed.csv").write_bytes(
        "id,answer\nR1,café\n".encode() + "R2,café\n".encode("cp1252")
    )
    target = tmp_path / "study.qualcode.json"
    result = runner.invoke(app, ["import", str(tmp_path / "in"), "--into", str(target)])
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert "mixed.csv" in result.stderr
    assert "'answer'" in result.stderr
    assert not target.exists()

    result = runner.invoke(
        app, ["import", str(tmp_path / "in"), "--into", str(target), "--keep-going"]
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped: " in result.stderr
    assert "mixed.csv" in result.stderr
    assert [d.name for d in qualcode.load(target).documents] == ["good"]


def test_when_every_file_fails_the_reasons_are_printed_before_the_error(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    # the error said "see the errors above" and there were none
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    write(tmp_path / "empty.vtt", "")
    target = tmp_path / "study.qualcode.json"
    arguments = [str(tmp_path / "broken.docx"), str(tmp_path / "empty.vtt")]
    result = runner.invoke(app, ["import", *arguments, "--into", str(target), "--keep-going"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["skipped", "skipped", "error"]
    assert "broken.docx" in lines[0] and "empty.vtt" in lines[1]
    assert "none of the 2 file(s) could be imported" in lines[2]
    assert not target.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["import", "x.vtt"],  # no --into
        ["import", "--into", "p.qualcode.json"],  # no input
        ["import", "x.vtt", "--into", "p.qualcode.json", "--kind", "podcast"],
        ["import", "x.vtt", "--into", "p.qualcode.json", "--pattern", "{who}.vtt"],
        ["import", "x.vtt", "--into", "p.qualcode.json", "-o", "novalue"],
    ],
)
def test_usage_errors_are_exit_code_2(
    tmp_path: Path,
    runner: CliRunner,
    app: typer.Typer,
    arguments: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(tmp_path / "x.vtt", VTT.format(name="x"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "p.qualcode.json").exists()


def test_unknown_format_and_missing_files_are_exit_code_1(
    tmp_path: Path, runner: CliRunner, app: typer.Typer
) -> None:
    target = str(tmp_path / "p.qualcode.json")
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.vtt"), "--into", target])
    assert missing.exit_code == 1
    assert "no such file" in missing.stderr
    unknown = runner.invoke(app, ["import", str(tmp_path), "--into", target, "--from", "nope"])
    assert unknown.exit_code == 1
    assert "unknown importer 'nope'" in unknown.stderr


def test_every_option_has_help_text(app: typer.Typer) -> None:
    group = typer.main.get_command(app)
    importer = group.commands["import"]  # type: ignore[attr-defined]
    assert importer.help
    assert len(importer.params) >= 9
    for parameter in importer.params:
        assert getattr(parameter, "help", None), parameter.name
