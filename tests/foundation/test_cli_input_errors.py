"""Bad inputs on the command line: one line naming the file, exit code 1, nothing written.

Unreadable files are made with monkeypatch (``os.access`` saying no, or ``open`` raising a
PermissionError), since tests run as root, who may read anything.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode import cli
from qualcode.batch import import_files
from qualcode.cli import make_app
from qualcode.errors import OptionError
from qualcode.testing import sample_project

runner = CliRunner()

CSV = "id,q1,q2\nR1,yes,A longer answer about the service\nR2,no,Another long answer here\n"
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hello there\n"
CSV_KNOWN = "attribute_columns, delimiter, encoding, id_column, kind, text_column, text_columns"


def run(*args: str) -> Result:
    return runner.invoke(make_app(), list(args))


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_one_line(result: Result, expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {expected}\n"
    assert "Traceback" not in result.output


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qdpx"
    qualcode.save(sample_project(), path)
    return path


@pytest.fixture
def unreadable_by_access(study: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``study``, which ``os.access`` says cannot be read (as for a normal user after chmod 000)."""
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if os.fspath(path) == str(study) and mode & os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return study


@pytest.fixture
def unreadable_by_open(study: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``study``, which cannot be opened: ``open`` raises a PermissionError, ``os.access`` lies."""
    real_open = Path.open

    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if str(self) == str(study):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    return study


# -- unreadable inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["unreadable_by_access", "unreadable_by_open"])
def test_an_unreadable_input_is_one_line_and_exit_code_1(
    how: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    study: Path = request.getfixturevalue(how)
    expected = f"{study}: cannot read: permission denied"
    output = tmp_path / "out.json"
    assert_one_line(run("info", str(study)), expected)
    assert_one_line(run("convert", str(study), str(output)), expected)
    assert_one_line(run("import", str(study), "--into", str(output)), expected)
    assert_one_line(run("code", str(study), str(output), "-s", "structure"), expected)
    assert not output.exists()


def test_code_checks_its_rules_and_output_before_any_work(study: Path, tmp_path: Path) -> None:
    readable = study
    output = tmp_path / "out.json"
    assert_one_line(
        run("code", str(readable), str(output), "-s", "keywords", "--rules", str(tmp_path)),
        f"{tmp_path}: is a folder; name a file",
    )
    assert_one_line(
        run("code", str(readable), str(tmp_path), "-s", "structure"),
        f"{tmp_path}: is a folder; name a file to write",
    )
    assert_one_line(
        run("code", str(tmp_path), str(output), "-s", "structure"),
        f"{tmp_path}: is a folder; name a file",
    )
    assert not output.exists()


def test_the_library_says_a_folder_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(qualcode.QualcodeError, match="is a folder"):
        qualcode.load(tmp_path)


def test_validate_reports_an_unreadable_file_as_a_problem(unreadable_by_access: Path) -> None:
    result = run("validate", str(unreadable_by_access))
    assert result.exit_code == 1, result.output
    assert result.stdout == f"{unreadable_by_access}: cannot read: permission denied\n"
    assert "Traceback" not in result.output


def test_import_keep_going_skips_an_unreadable_file(
    unreadable_by_open: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Some text to import.", encoding="utf-8")
    target = tmp_path / "project.json"
    result = run(
        "import", str(unreadable_by_open), str(other), "--into", str(target), "--keep-going"
    )
    assert result.exit_code == 0, result.output
    assert f"skipped: {unreadable_by_open}: cannot read: permission denied" in result.stderr
    assert [d.name for d in qualcode.load(target).documents] == ["other"]


def test_an_output_that_cannot_be_read_is_not_a_usage_error(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer checked that a path argument is readable, even the output (e.g. /dev/stdout)."""
    output = tmp_path / "out.json"
    output.write_bytes(b"old")
    output.chmod(0o200)
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if os.fspath(path) == str(output) and mode & os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = run("convert", str(study), str(output))
    assert result.exit_code == 0, result.output
    assert qualcode.load(output).name == sample_project().name


def test_a_missing_input_is_still_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "absent.qdpx"
    expected = f"{missing}: no such file or folder; check the path"
    assert_one_line(run("info", str(missing)), expected)
    assert_one_line(run("convert", str(missing), str(tmp_path / "out.json")), expected)
    assert names(tmp_path) == []


# -- folders given as files -------------------------------------------------------------------


@pytest.mark.parametrize("source_format", [None, "json", "qdpx"])
def test_a_folder_as_input_is_a_folder(tmp_path: Path, source_format: str | None) -> None:
    folder = tmp_path / "project.json"
    folder.mkdir()
    options = ["--from", source_format] if source_format else []
    expected = f"{folder}: is a folder; name a file"
    assert_one_line(run("info", str(folder), *options), expected)
    output = tmp_path / "out.qdpx"
    assert_one_line(run("convert", str(folder), str(output), *options), expected)
    assert not output.exists()


def test_a_folder_read_by_an_importer_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(qualcode.QualcodeError, match="is a folder"):
        qualcode.load(tmp_path, "json")


def test_validate_says_a_folder_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "project.qdpx"
    folder.mkdir()
    result = run("validate", str(folder))
    assert result.exit_code == 1
    assert result.stdout == f"{folder}: is a folder; name a file\n"


def test_import_still_walks_a_folder(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Some text.", encoding="utf-8")
    target = tmp_path / "project.json"
    result = run("import", str(tmp_path / "in"), "--into", str(target), "--quiet")
    assert result.exit_code == 0, result.output
    assert len(qualcode.load(target).documents) == 1


# -- importer options -------------------------------------------------------------------------


def test_an_unknown_import_option_is_refused(tmp_path: Path) -> None:
    survey = tmp_path / "two.csv"
    survey.write_text(CSV, encoding="utf-8")
    target = tmp_path / "two.qualcode.json"
    result = run("import", str(survey), "--into", str(target), "-o", "text_colums=q1")
    assert_one_line(
        result, f"unknown option 'text_colums' for the csv importer; known: {CSV_KNOWN}"
    )
    assert not target.exists()


def test_a_known_import_option_still_works(tmp_path: Path) -> None:
    survey = tmp_path / "two.csv"
    survey.write_text(CSV, encoding="utf-8")
    target = tmp_path / "two.qualcode.json"
    result = run("import", str(survey), "--into", str(target), "-o", "text_columns=q1", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(d.text for d in qualcode.load(target).documents) == ["no", "yes"]


def test_an_option_one_importer_of_the_run_knows_is_accepted(study: Path, tmp_path: Path) -> None:
    """text_columns is the csv importer's; the qdpx importer does not get it (nor refuse it)."""
    survey = tmp_path / "two.csv"
    survey.write_text(CSV, encoding="utf-8")
    target = tmp_path / "all.qualcode.json"
    result = run(
        "import", str(survey), str(study), "--into", str(target), "-o", "text_columns=q1", "-q"
    )
    assert result.exit_code == 0, result.output
    texts = {d.text for d in qualcode.load(target).documents}
    assert {"yes", "no"} <= texts


def test_an_option_no_importer_of_the_run_knows_names_them_all(tmp_path: Path) -> None:
    (tmp_path / "two.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "talk.vtt").write_text(VTT, encoding="utf-8")
    target = tmp_path / "out.json"
    result = run("import", str(tmp_path), "--into", str(target), "-o", "nope=1", "-o", "x=2")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown options 'nope', 'x' for the csv and vtt ")
    assert "importers; known: attribute_columns, " in result.stderr
    assert "speaker_pattern" in result.stderr
    assert not target.exists()


def test_import_files_checks_options_before_reading(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"not even JSON")
    with pytest.raises(OptionError, match="unknown option 'indent' for the json importer"):
        import_files([tmp_path / "a.json"], options={"indent": "2"})


# -- Ctrl-C -----------------------------------------------------------------------------------


def test_ctrl_c_during_a_command_is_one_line_and_exit_code_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "study.json"
    qualcode.save(sample_project(), source)
    output = tmp_path / "out.qdpx"
    output.write_bytes(b"old")
    import qualcode.formats.refiqda.container as container

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(container, "_write_zip", interrupted)
    result = run("convert", str(source), str(output))
    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"
    assert output.read_bytes() == b"old"
    assert names(tmp_path) == ["out.qdpx", "study.json"]


def test_ctrl_c_while_loading_the_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def make_app() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "make_app", make_app)
    monkeypatch.setattr(sys, "argv", ["qualcode", "plugins"])
    try:
        cli.main()
    except SystemExit as stop:
        assert stop.code == 130
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped: Python prints a traceback")
    else:
        pytest.fail("main() did not exit")
    assert capsys.readouterr().err == "interrupted\n"


def test_sigint_while_waiting_for_a_fifo_reader(tmp_path: Path) -> None:
    """A real Ctrl-C: the process waits to open a FIFO nobody reads, and gets SIGINT."""
    source = tmp_path / "study.json"
    qualcode.save(sample_project(), source)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    main = "from qualcode.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", main, "convert", str(source), str(fifo), "--to", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                waiting = wchan.read_text() in ("wait_for_partner", "fifo_open")
            except OSError:  # not Linux, or the process is gone
                waiting = False
            if waiting or process.poll() is not None:
                break
            time.sleep(0.05)
        else:
            pytest.skip("cannot tell when the process waits for the FIFO")
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert err == "interrupted\n"
    assert out == ""
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(tmp_path) == ["pipe", "study.json"]
