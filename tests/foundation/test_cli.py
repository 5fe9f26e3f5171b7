"""The command line through Typer's CliRunner: data on stdout, one-line errors, exit codes."""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner, Result

import qualcode
from qualcode.cli import make_app
from qualcode.plugins import DEFAULT_PLUGINS, ENTRY_POINT_GROUP, default_plugins
from qualcode.testing import assert_projects_equal
from qualcode.testing import sample_project as build_sample

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(make_app(), list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "study.json"
    qualcode.save(build_sample(), path)
    return path


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"qualcode {qualcode.__version__}\n"


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "Usage" in result.output
    assert "convert" in result.output


def test_plugins_lists_the_builtins() -> None:
    result = run("plugins")
    assert result.exit_code == 0, result.output
    for module in DEFAULT_PLUGINS:
        assert f"{module} (built-in " in result.stdout
    assert "importers: json" in result.stdout


def test_plugins_as_json() -> None:
    result = run("plugins", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    by_name = {p["name"]: p for p in listed}
    assert set(DEFAULT_PLUGINS) <= set(by_name)
    native = by_name["qualcode.formats.native_json"]
    assert native["builtin"] is True
    assert native["version"] == qualcode.__version__
    assert native["provides"]["exporters"] == ["json"]


INFO_KEYS = [
    "documents",
    "codes",
    "themes",
    "codings",
    "cases",
    "coders",
    "memos",
    "variables",
    "sets",
    "links",
]


def test_info_json_has_integer_counts(project_file: Path) -> None:
    result = run("info", str(project_file), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = build_sample()
    for key in INFO_KEYS:
        assert type(data[key]) is int
        assert data[key] == len(getattr(expected, key))
    assert data["name"] == expected.name


def test_info_as_text(project_file: Path) -> None:
    result = run("info", str(project_file))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Peer workers (sample)"
    assert any(line.split() == ["codings", "12"] for line in lines)


def test_info_reads_a_text_file(tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text("hello")
    data = json.loads(run("info", str(source), "--json").stdout)
    assert data["documents"] == 1 and data["codings"] == 0


def test_convert_text_to_json(tmp_path: Path) -> None:
    source = tmp_path / "PN1.txt"
    source.write_bytes(b"Interviewer: hi\r\nPN1: hello \xf0\x9f\x98\x80\r\n")
    before = digest(source)
    target = tmp_path / "PN1.json"
    result = run("convert", str(source), str(target))
    assert result.exit_code == 0, result.output
    assert digest(source) == before
    assert f"wrote {target} (json)" in result.stderr
    assert result.stdout == ""
    (document,) = qualcode.load(target).documents
    assert document.text == "Interviewer: hi\nPN1: hello 😀\n"
    assert document.text_origin is not None and document.text_origin.newline == "\r\n"


def test_convert_json_to_json_is_lossless(project_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.data"
    before = digest(project_file)
    result = run("convert", str(project_file), str(target), "--to", "json", "--strict")
    assert result.exit_code == 0, result.output
    assert digest(project_file) == before
    assert_projects_equal(qualcode.load(project_file), qualcode.load(target, format="json"))
    indented = tmp_path / "indented.json"
    assert run("convert", str(project_file), str(indented), "-o", "indent=2").exit_code == 0
    assert indented.read_text(encoding="utf-8").startswith("{\n")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["-o", "indnet=2"], "exporter 'json' has no option 'indnet'; its options are: indent"),
        (
            ["--target", "nvivo"],
            "exporter 'json' has no option 'target'; its options are: indent; --target is for "
            "REFI-QDA outputs (.qdpx, .qde)",
        ),
        (["-o", "document=x", "-o", "a=1"], "exporter 'json' has no options 'a', 'document'"),
    ],
)
def test_convert_refuses_options_the_exporter_does_not_take(
    project_file: Path, tmp_path: Path, arguments: list[str], expected: str
) -> None:
    target = tmp_path / "copy.json"
    result = run("convert", str(project_file), str(target), *arguments)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and expected in result.stderr
    assert not target.exists()


def test_convert_quiet_prints_nothing_and_still_writes(tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    qualcode.save(build_sample(), source)
    target = tmp_path / "study.qdpx"

    loud = run("convert", str(source), str(tmp_path / "loud.qdpx"))
    quiet = run("convert", str(source), str(target), "-q")

    assert loud.exit_code == quiet.exit_code == 0
    assert "wrote" in loud.stderr
    assert quiet.stderr == "" and quiet.stdout == ""
    assert len(qualcode.load(target).codings) == len(build_sample().codings)


LOSSY_PLUGIN = """
    from pathlib import Path
    from qualcode import Exporter, LossReport, hookimpl

    class CodesOnlyExporter(Exporter):
        name = "codes-only"
        extensions = (".codes",)
        description = "writes the code names and nothing else"

        def write(self, project, path: Path, **options) -> LossReport:
            path.write_text("\\n".join(c.name for c in project.codes), encoding="utf-8")
            report = LossReport()
            report.add("coding", count=len(project.codings))
            report.add("document", count=len(project.documents))
            return report

    @hookimpl
    def register_exporters():
        return [CodesOnlyExporter]
"""


@pytest.fixture
def lossy_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A tiny lossy exporter, installed as a third-party distribution with an entry point."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "qc_lossy.py").write_text(textwrap.dedent(LOSSY_PLUGIN))
    info = root / "qualcode_lossy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualcode-lossy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nlossy = qc_lossy\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv("QUALCODE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    default_plugins.cache_clear()
    yield
    default_plugins.cache_clear()


@pytest.mark.usefixtures("lossy_plugin")
def test_strict_refuses_a_lossy_conversion(project_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.codes"
    result = run("convert", str(project_file), str(target), "--strict")
    assert result.exit_code == 1
    assert not target.exists()
    assert "strict: lost: coding (12x)" in result.stderr
    assert "would be lost" in result.stderr
    assert result.stdout == ""


@pytest.mark.usefixtures("lossy_plugin")
def test_without_strict_the_losses_are_reported(project_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.codes"
    result = run("convert", str(project_file), str(target))
    assert result.exit_code == 0, result.output
    assert "export: lost: coding (12x)" in result.stderr
    assert "export: lost: document (6x)" in result.stderr
    assert target.read_text(encoding="utf-8").splitlines()[0] == "Work"
    assert "codes-only" in run("plugins").stdout


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_unknown_output_format(project_file: Path, tmp_path: Path) -> None:
    line = one_line_error(run("convert", str(project_file), str(tmp_path / "x.out"), "--to", "pdf"))
    assert "unknown exporter 'pdf'" in line and "json" in line
    line = one_line_error(run("convert", str(project_file), str(tmp_path / "x.unknownext")))
    assert "cannot tell which format to write" in line


def test_unknown_input_format(project_file: Path, tmp_path: Path) -> None:
    line = one_line_error(run("info", str(project_file), "--from", "atlas"))
    assert "unknown importer 'atlas'" in line


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    line = one_line_error(run("info", str(missing)))
    assert str(missing) in line
    one_line_error(run("convert", str(missing), str(tmp_path / "out.json")))
    assert not (tmp_path / "out.json").exists()


def test_corrupt_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "qualcode", ')
    line = one_line_error(run("info", str(bad)))
    assert "not valid JSON" in line


def test_refuses_to_overwrite_its_input(project_file: Path) -> None:
    before = digest(project_file)
    line = one_line_error(run("convert", str(project_file), str(project_file)))
    assert "replace the input" in line
    assert digest(project_file) == before


@pytest.mark.parametrize(
    "args",
    [
        ["convert"],
        ["convert", "only-one-argument.json"],
        ["info", "x.json", "--no-such-option"],
        ["no-such-command"],
        ["convert", "a.json", "b.json", "-o", "no-equals-sign"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def walk(command: Any, path: str = "qualcode") -> Iterator[tuple[str, Any]]:
    """Every command under ``command``, groups and nested groups included.

    (Typer vendors its own click, so this goes by the ``commands`` mapping of groups.)
    """
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, f"{path} {name}")


def missing_help(app: typer.Typer) -> tuple[int, list[str]]:
    """How many commands the app has, and each command or parameter without help text."""
    root = typer.main.get_command(app)
    missing: list[str] = []
    commands = list(walk(root))
    for path, command in commands:
        if not (command.help or command.short_help):
            missing.append(f"command {path!r}")
        for param in command.params:
            if not getattr(param, "help", None):
                missing.append(f"{path} {param.name}")
    return len(commands), missing


def test_every_command_and_option_has_help() -> None:
    count, missing = missing_help(make_app())
    assert count > 3
    assert not missing, "no help text: " + ", ".join(missing)


def test_the_help_check_finds_what_is_missing() -> None:
    app = typer.Typer(help="A test app.")

    @app.command()
    def documented(
        flag: Annotated[bool, typer.Option("--flag", help="A flag.")] = False,
    ) -> None:
        """Has help."""

    @app.command()
    def bare(path: str, loud: bool = False) -> None:
        pass

    _, missing = missing_help(app)
    assert missing == ["command 'qualcode bare'", "qualcode bare path", "qualcode bare loud"]


MULTILINE_PLUGIN = """
    from pathlib import Path
    from qualcode import Importer, hookimpl
    from qualcode.errors import ParseError

    class GrumpyImporter(Importer):
        name = "grumpy"
        extensions = (".grumpy",)

        def read(self, path: Path, **options):
            raise ParseError("line one\\nline two", path=path, hint="try\\nagain")

    @hookimpl
    def register_importers():
        return [GrumpyImporter]
"""


def test_an_error_message_with_newlines_still_prints_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "qc_grumpy.py").write_text(textwrap.dedent(MULTILINE_PLUGIN))
    info = root / "qualcode_grumpy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualcode-grumpy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\ngrumpy = qc_grumpy\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv("QUALCODE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    source = tmp_path / "x.grumpy"
    source.write_text("anything")
    default_plugins.cache_clear()
    try:
        line = one_line_error(run("info", str(source)))
    finally:
        default_plugins.cache_clear()
    assert line == f"error: {source}: line one line two; try again"
