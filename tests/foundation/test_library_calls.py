"""Everything the command line does is one library call: convert, code, validate, save(target=)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import qualcode
from qualcode import Code, Document, Project
from qualcode.errors import (
    LossError,
    OptionError,
    OutputError,
    OutputIsInputError,
    UnknownRunnerError,
    UnknownStrategyError,
)
from qualcode.strategies.base import SerialRunner

TEXT = "The induction course was good.\nThe team culture helped me.\n"
RULES = '[[rule]]\ncode = "Culture"\nterms = ["culture"]\n'


def small_project() -> Project:
    project = Project(name="study")
    project.add_code(Code(id="code-1", name="Culture"))
    project.add_document(Document(id="doc-1", name="PN1", text=TEXT))
    return project


def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def text_members(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n) for n in archive.namelist() if n.endswith(".txt")]


# -- convert ------------------------------------------------------------------------------------


def test_convert_returns_the_formats_and_both_reports(tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    qualcode.save(small_project(), source)
    before = source.read_bytes()
    result = qualcode.convert(source, tmp_path / "study.qdpx", target="nvivo")
    assert (result.importer, result.exporter) == ("json", "qdpx")
    assert result.destination.exists() and source.read_bytes() == before
    assert result.project.documents["doc-1"].text == TEXT
    assert [
        m.startswith(b"\xef\xbb\xbf") or m.startswith(b"\xff\xfe")
        for m in text_members(result.destination)
    ] == [True]  # nvivo's texts carry a BOM
    assert list(result.report) == list(result.import_report) + list(result.export_report)


def test_convert_refuses_an_option_the_exporter_does_not_take(tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    qualcode.save(small_project(), source)
    with pytest.raises(OptionError, match="exporter 'json' has no option 'target'"):
        qualcode.convert(source, tmp_path / "out.json", target="nvivo")
    assert not (tmp_path / "out.json").exists()


def test_strict_convert_writes_nothing_and_carries_the_report(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text(TEXT, encoding="utf-8")
    project = small_project()
    project.add_document(Document(id="doc-2", name="memo-like", text="x"))
    json_source = tmp_path / "study.qualcode.json"
    qualcode.save(project, json_source)
    destination = tmp_path / "out.qdc"  # a codebook holds no documents
    with pytest.raises(LossError) as caught:
        qualcode.convert(json_source, destination, strict=True)
    assert caught.value.report is not None and not caught.value.report.lossless
    assert not destination.exists()


@pytest.mark.parametrize("call", ["convert", "code"])
def test_the_output_would_replace_the_input_is_one_error_type(tmp_path: Path, call: str) -> None:
    source = tmp_path / "study.qualcode.json"
    qualcode.save(small_project(), source)
    before = source.read_bytes()
    from typer.testing import CliRunner

    from qualcode.cli import make_app

    if call == "convert":
        with pytest.raises(OutputIsInputError, match="the output would replace the input"):
            qualcode.convert(source, source)
        args = ["convert", str(source), str(source)]
    else:
        args = [
            "code",
            str(source),
            str(source),
            "-s",
            "keywords",
            "--rules",
            str(rules_file(tmp_path)),
        ]
    result = CliRunner().invoke(make_app(), args)
    assert result.exit_code == 1
    assert "the output would replace the input" in result.stderr
    assert issubclass(OutputIsInputError, OutputError)
    assert source.read_bytes() == before


# -- code ---------------------------------------------------------------------------------------


def test_code_looks_up_checks_runs_and_applies(tmp_path: Path) -> None:
    project = small_project()
    result = qualcode.code(project, "keywords", rules=rules_file(tmp_path), unit="sentence")
    assert result.strategy == "keywords" and result.runner == "serial"
    assert len(result.proposed.codings) == 1
    coding = result.proposed.codings[0]
    assert project.codings[coding.id] == coding  # applied to the project
    assert project.quote(coding) == "The team culture helped me."
    assert result.summary().startswith("keywords: 1 coding in 1 document by ")


def test_code_takes_a_runner_object_and_leaves_it_open(tmp_path: Path) -> None:
    closed: list[bool] = []

    class Watched(SerialRunner):
        def close(self) -> None:
            closed.append(True)

    result = qualcode.code(
        small_project(), "keywords", rules=rules_file(tmp_path), runner=Watched()
    )
    assert result.runner == "serial" and closed == []


def test_code_errors_name_strategies_runners_and_options(tmp_path: Path) -> None:
    project = small_project()
    with pytest.raises(UnknownStrategyError, match="unknown strategy 'keyword'"):
        qualcode.code(project, "keyword")
    with pytest.raises(UnknownRunnerError, match="unknown runner 'fast'"):
        qualcode.code(project, "keywords", rules=rules_file(tmp_path), runner="fast")
    with pytest.raises(OptionError, match="strategy 'keywords' has no option 'colour'"):
        qualcode.code(project, "keywords", rules=rules_file(tmp_path), colour="red")
    assert len(project.codings) == 0


def test_the_code_command_passes_target_to_the_qdpx_exporter(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qualcode.cli import make_app

    source = tmp_path / "study.qualcode.json"
    qualcode.save(small_project(), source)
    rules = str(rules_file(tmp_path))
    cli = CliRunner()
    out = tmp_path / "coded.qdpx"
    result = cli.invoke(
        make_app(),
        [
            "code",
            str(source),
            str(out),
            "-s",
            "keywords",
            "--rules",
            rules,
            "--target",
            "nvivo",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [m[:3] == b"\xef\xbb\xbf" or m[:2] == b"\xff\xfe" for m in text_members(out)] == [True]
    spec = tmp_path / "spec.qdpx"
    result = cli.invoke(
        make_app(), ["code", str(source), str(spec), "-s", "keywords", "--rules", rules, "-q"]
    )
    assert result.exit_code == 0, result.output
    assert text_members(spec) != text_members(out)
    result = cli.invoke(
        make_app(),
        [
            "code",
            str(source),
            str(tmp_path / "x.json"),
            "-s",
            "keywords",
            "--rules",
            rules,
            "--target",
            "nvivo",
        ],
    )
    assert result.exit_code == 1
    assert "exporter 'json' has no option 'target'" in result.stderr


# -- save(target=) ------------------------------------------------------------------------------


def test_save_passes_target_to_the_exporter(tmp_path: Path) -> None:
    nvivo, spec = tmp_path / "nvivo.qdpx", tmp_path / "spec.qdpx"
    qualcode.save(small_project(), nvivo, target="nvivo")
    qualcode.save(small_project(), spec)
    assert text_members(nvivo) != text_members(spec)
    with pytest.raises(OptionError, match="unknown target 'nvivio'") as caught:
        qualcode.save(small_project(), tmp_path / "bad.qdpx", target="nvivio")
    assert caught.value.path == str(tmp_path / "bad.qdpx")


# -- validate -----------------------------------------------------------------------------------


def test_validate_checks_each_file_by_its_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUALCODE_REFI_SCHEMAS", raising=False)
    good = tmp_path / "good.qdpx"
    qualcode.save(small_project(), good)
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"not a zip")
    missing = tmp_path / "missing.json"
    result = qualcode.validate([good, broken, missing])
    assert result.files == [good, broken, missing]
    assert {p.file for p in result.problems} == {str(broken), str(missing)}
    assert all(p.check == "read" for p in result.problems)
    assert [r.startswith("schema validation skipped") for r in result.unchecked] == [True]
    assert not result.ok and result.files_with_problems() == 2
    assert qualcode.validate(good).ok


class OwnValidation:
    """A third party validating its own format through the hook."""

    @qualcode.hookimpl
    def validate_file(self, path: Path, format: str) -> qualcode.validation.FileValidation | None:
        if format != "text":
            return None
        return qualcode.validation.FileValidation(
            [qualcode.Problem(str(path), "too short", check="length")]
        )


def test_any_format_can_be_validated_through_the_hook(tmp_path: Path) -> None:
    from qualcode.plugins import Plugins, get_plugin_manager

    notes = tmp_path / "notes.txt"
    notes.write_text("hi", encoding="utf-8")
    plain = qualcode.validate(notes, plugins=Plugins(get_plugin_manager(load_entrypoints=False)))
    assert plain.ok  # without the plugin: read, and the project checked
    plugins = Plugins(get_plugin_manager(load_entrypoints=False, extra=[OwnValidation()]))
    found = qualcode.validate(notes, plugins=plugins)
    assert [str(p) for p in found.problems] == [f"{notes}: too short"]


def test_coding_result_shows_hints_a_strategy_gives() -> None:
    import attrs

    from qualcode import Coder, StrategyResult
    from qualcode.coding import CodingResult

    @attrs.define
    class WithHints(StrategyResult):
        hints: list[str] = attrs.field(factory=list)

    coder = Coder(id="m", name="machine")
    given = CodingResult("x", "serial", WithHints(coder=coder, hints=["try unit=turn"]))
    assert given.hints == ["try unit=turn"]
    assert CodingResult("x", "serial", StrategyResult(coder=coder)).hints == []
