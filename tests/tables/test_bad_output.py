"""Bad outputs for the table exports: one clear line, exit code 1, nothing half-written.

Tests run as root, where a folder's mode does not stop writes, so a folder without write
permission is made with monkeypatch (the PermissionError the system would give), as in
tests/foundation/test_output_safety.py.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode.cli import make_app
from qualcode.errors import OutputError
from qualcode.formats.tables import write_table
from qualcode.formats.tables.csv_tables import write_csv_rows
from qualcode.project import Project

EXPORTS = {
    "segments.csv": "segments-csv",
    "presence.csv": "presence-csv",
    "counts.csv": "counts-csv",
    "codebook.csv": "codebook-csv",
    "codebook.md": "codebook-md",
    "codebook.docx": "codebook-docx",
    "study.xlsx": "workbook-xlsx",
    "segments.xlsx": "segments-xlsx",
    "codebook.xlsx": "codebook-xlsx",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(make_app(), list(args))


@pytest.fixture
def study(small_project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "in" / "study.qualcode.json"
    path.parent.mkdir()
    qualcode.save(small_project, path)
    return path


def assert_one_line(result: Result, expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {expected}\n"
    assert result.stdout == ""


@pytest.mark.parametrize("name", EXPORTS)
def test_a_missing_folder_is_one_line(study: Path, tmp_path: Path, name: str) -> None:
    output = tmp_path / "missing" / name
    result = run("convert", str(study), str(output), "--to", EXPORTS[name])
    assert_one_line(result, f"{output}: the output folder does not exist; create it")
    assert not output.parent.exists()


@pytest.mark.parametrize("name", EXPORTS)
def test_a_folder_without_write_permission_is_one_line(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir") or ".") == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / "x.tmp"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    output = folder / name
    result = run("convert", str(study), str(output), "--to", EXPORTS[name])
    assert_one_line(result, f"{output}: cannot write here: permission denied")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", EXPORTS)
def test_a_full_disk_keeps_the_old_output(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    output = tmp_path / name
    output.write_bytes(b"the good old output")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    result = run("convert", str(study), str(output), "--to", EXPORTS[name])
    assert_one_line(result, f"{output}: no space left on device")
    assert output.read_bytes() == b"the good old output"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in", name])


def test_a_failure_half_way_through_the_rows_leaves_the_old_file(tmp_path: Path) -> None:
    output = tmp_path / "segments.csv"
    output.write_bytes(b"the good old output")

    def rows() -> Any:
        yield ("a", 1)
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="no space left on device"):
        write_csv_rows(output, ["text", "number"], rows())
    assert output.read_bytes() == b"the good old output"
    assert [p.name for p in tmp_path.iterdir()] == ["segments.csv"]


def test_write_table_into_a_missing_folder(small_project: Project, tmp_path: Path) -> None:
    from qualcode.analysis import code_frequencies

    for suffix in (".csv", ".xlsx"):
        output = tmp_path / "missing" / f"table{suffix}"
        with pytest.raises(OutputError, match="the output folder does not exist"):
            write_table(code_frequencies(small_project), output)
