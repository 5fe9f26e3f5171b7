"""The table exports on the command line: `qualcode convert` by extension or with --to NAME."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode.cli import make_app
from qualcode.project import Project

GOLDEN = Path(__file__).parent / "golden"


def run(*args: str) -> Result:
    return CliRunner().invoke(make_app(), list(args))


@pytest.fixture
def study(small_project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "study.qualcode.json"
    qualcode.save(small_project, path)
    return path


def test_a_csv_output_is_the_coded_segments(study: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    result = run("convert", str(study), str(output))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"wrote {output} (segments-csv)\n")
    assert output.read_bytes() == (GOLDEN / "segments.csv").read_bytes()


@pytest.mark.parametrize(
    "name,output,golden,options",
    [
        ("codebook-md", "book.md", "codebook.md", []),
        ("codebook-csv", "book.csv", "codebook.csv", []),
        ("presence-csv", "presence.csv", "presence-by-case.csv", []),
        ("counts-csv", "counts.csv", "counts-by-document.csv", ["-o", "rows=document"]),
    ],
)
def test_to_names_an_export(
    study: Path, tmp_path: Path, name: str, output: str, golden: str, options: list[str]
) -> None:
    path = tmp_path / output
    result = run("convert", str(study), str(path), "--to", name, *options)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"wrote {path} ({name})\n")
    assert path.read_bytes() == (GOLDEN / golden).read_bytes()


def test_bad_options_are_one_line(study: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    result = run("convert", str(study), str(output), "-o", "formulas=never")
    assert result.exit_code == 1
    assert result.stderr == f"error: {output}: formulas must be escape or keep, not 'never'\n"
    result = run("convert", str(study), str(output), "--to", "counts-csv", "-o", "rows=colour")
    assert result.exit_code == 1
    assert "the project has no attribute 'colour'" in result.stderr
    assert "Traceback" not in result.output
    assert not output.exists()


def test_exported_codebook_imports_into_a_new_project(study: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    assert run("convert", str(study), str(book), "--to", "codebook-csv").exit_code == 0
    target = tmp_path / "new.qualcode.json"
    result = run("import", str(book), "--into", str(target))
    assert result.exit_code == 0, result.output
    project = qualcode.load(target)
    humour = project.code_by_path(["Work", "Humour"])
    assert humour is not None and humour.definition == '- laughter, jokes\n- "irony"'
    work = project.code_by_path(["Work"])
    assert work is not None and work.examples == ("the new rota", "=a formula-looking example")


def test_an_xlsx_output_is_the_workbook(study: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    output = tmp_path / "out.xlsx"
    result = run("convert", str(study), str(output))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"wrote {output} (workbook-xlsx)\n")
    assert len(openpyxl.load_workbook(output).sheetnames) == 7


def test_region_codings_report_what_the_rows_cannot_hold(tmp_path: Path) -> None:
    from qualcode.model import Code, Coding, Document, PdfRegion, SourceKind

    project = Project()
    project.add_document(Document(id="d", name="scan", text="text", source=SourceKind.PDF))
    project.add_code(Code(id="c", name="C"))
    project.add_coding(
        Coding(
            id="k", document_id="d", code_id="c", start=0, end=4, region=PdfRegion(0, 1, 2, 3, 4)
        )
    )
    source = tmp_path / "p.qualcode.json"
    qualcode.save(project, source)
    output = tmp_path / "out.csv"
    result = run("convert", str(source), str(output))
    assert result.exit_code == 0, result.output
    assert "regions of codings (PDF boxes, picture areas, time ranges)" in result.stderr
    with output.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream))[1][-3:] == ["0", "4", "text"]


def test_no_two_built_in_exporters_claim_one_extension() -> None:
    """The extension alone picks one exporter; the other table exports are chosen by name."""
    from qualcode.plugins import Plugins, get_plugin_manager

    claimed: dict[str, str] = {}
    for cls in Plugins(get_plugin_manager(load_entrypoints=False)).exporters:
        for extension in cls.extensions:
            assert claimed.setdefault(extension, cls.name) == cls.name, extension
    assert {claimed[e] for e in (".csv", ".xlsx", ".md", ".docx")} == {
        "segments-csv",
        "workbook-xlsx",
        "codebook-md",
        "docx",
    }


def test_strict_conversion_probes_each_export_with_its_kind_of_file(
    study: Path, tmp_path: Path
) -> None:
    for name in ("codebook-docx", "segments-xlsx", "counts-csv"):
        output = tmp_path / f"out-{name}"
        result = run("convert", str(study), str(output), "--to", name, "--strict")
        assert result.exit_code == 0, result.output
        assert output.stat().st_size > 0
