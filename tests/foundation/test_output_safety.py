"""Writing outputs: one-line errors when a write fails, links kept, devices and FIFOs written to.

Tests run as root, where a folder's mode does not stop writes, so failures of the system are
made with monkeypatch (an OSError with the errno the system would give). Folders, links and
FIFOs are real; a device is a regular file that a patched ``os.stat`` calls a character device.
No real device is written to: run as root against code that replaces outputs, a test writing to
/dev/null would replace the system's /dev/null.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import qualcode
from qualcode import fileio
from qualcode.cli import make_app
from qualcode.errors import OutputError
from qualcode.fileio import atomic_output, write_bytes_atomically
from qualcode.testing import sample_project

runner = CliRunner()

# output name -> extra convert arguments; every built-in exporter
FORMATS = {
    "out.qualcode.json": [],
    "out.qdpx": [],
    "out.qde": [],
    "out.qdc": [],
    "out.zip": ["--to", "docx"],
}


def run(*args: str) -> Result:
    return runner.invoke(make_app(), list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "study.qualcode.json"
    path.parent.mkdir()
    qualcode.save(sample_project(), path)
    return path


def assert_one_line(result: Result, expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {expected}\n"
    assert "Traceback" not in result.output
    assert result.stdout == ""


# -- a failing write is one line, exit code 1 -------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_a_folder_that_cannot_be_written_to_is_one_line(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir") or ".") == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / "x.tmp"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    output = folder / name
    result = run("convert", str(study), str(output), *FORMATS[name])
    assert_one_line(result, f"{output}: cannot write here: permission denied")
    assert names(folder) == []


@pytest.mark.parametrize("name", FORMATS)
def test_a_full_disk_is_one_line_and_keeps_the_old_output(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / name
    output.write_bytes(b"the good old output")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    result = run("convert", str(study), str(output), *FORMATS[name])
    assert_one_line(result, f"{output}: no space left on device")
    assert output.read_bytes() == b"the good old output"
    assert names(folder) == [name]


class FullStream:
    """A file that takes a few bytes, then runs out of space (as a full disk does)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.room = 10

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return int(self.stream.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def __enter__(self) -> FullStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def test_running_out_of_space_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullStream(real_fdopen(*a, **k)))
    target = tmp_path / "study.json"
    with pytest.raises(OutputError) as caught:
        qualcode.save(sample_project(), target)
    assert str(caught.value) == f"{target}: no space left on device"
    assert names(tmp_path) == []


def test_an_output_that_is_a_folder_is_refused_before_any_work(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "outdir.json"
    folder.mkdir()

    def read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the input was read before the output was checked")

    monkeypatch.setattr("qualcode.cli.project_commands.read", read)
    result = run("convert", str(study), str(folder))
    assert_one_line(result, f"{folder}: is a folder; name a file to write")
    assert names(folder) == []
    assert names(tmp_path) == ["in", "outdir.json"]


def test_import_into_a_folder_is_refused_before_any_work(study: Path, tmp_path: Path) -> None:
    folder = tmp_path / "outdir.json"
    folder.mkdir()
    result = run("import", str(study), "--into", str(folder))
    assert_one_line(result, f"{folder}: is a folder; name a file to write")
    assert names(folder) == []


def test_a_folder_appearing_where_the_output_goes_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"

    def replace(source: Any, destination: Any) -> None:
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(source), str(destination))

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as caught:
        write_bytes_atomically(target, b"data")
    assert str(caught.value) == f"{target}: is a folder; name a file to write"
    assert names(tmp_path) == []


def test_a_failing_replace_keeps_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def replace(source: Any, destination: Any) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", str(source), str(target))

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match="cannot write: operation not permitted"):
        write_bytes_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.json"]


def test_an_oserror_about_another_file_is_not_called_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_output(tmp_path / "out.bin") as stream:
        stream.write(b"x")
        (tmp_path / "elsewhere.txt").read_bytes()
    assert names(tmp_path) == []


def test_import_that_cannot_write_is_one_line(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "project.qdpx"
    result = run("import", str(study), "--into", str(target), "--quiet")
    assert_one_line(result, f"{target}: no space left on device")
    assert not target.exists()


def test_code_that_cannot_write_is_one_line(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "coded.json"
    result = run("code", str(study), str(target), "-s", "keywords", "--quiet")
    assert_one_line(result, f"{target}: no space left on device")
    assert not target.exists()


# -- links, devices, FIFOs and sockets --------------------------------------------------------


def test_writing_through_a_link_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "study.json"
    target.write_bytes(b"old")
    links = tmp_path / "links"
    links.mkdir()
    link = links / "study.json"
    link.symlink_to(target)
    qualcode.save(sample_project(), link)
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert qualcode.load(target).name == sample_project().name
    assert names(real) == ["study.json"]
    assert names(links) == ["study.json"]


def test_a_link_to_a_file_not_yet_written_creates_the_file(tmp_path: Path) -> None:
    target = tmp_path / "real" / "study.json"
    target.parent.mkdir()
    link = tmp_path / "study.json"
    link.symlink_to(target)
    write_bytes_atomically(link, b"data")
    assert link.is_symlink()
    assert target.read_bytes() == b"data"


def test_convert_through_a_link_keeps_the_link(study: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.qdpx"
    target.write_bytes(b"old")
    link = tmp_path / "link.qdpx"
    link.symlink_to(target)
    result = run("convert", str(study), str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert qualcode.load(target).name == sample_project().name


def test_a_link_to_a_folder_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    link = tmp_path / "out.json"
    link.symlink_to(folder)
    with pytest.raises(OutputError, match="is a folder"):
        fileio.check_output(link)
    with pytest.raises(OutputError, match="is a folder"):
        write_bytes_atomically(link, b"data")
    assert link.is_symlink()
    assert names(folder) == []


@contextlib.contextmanager
def reading(fifo: Path) -> Iterator[list[bytes]]:
    """A thread reading everything written to ``fifo``; the bytes are in the list afterwards."""
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as stream:
            received.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        thread.join(timeout=30)
        assert not thread.is_alive(), "the FIFO was never closed"


def test_a_fifo_is_written_straight_through(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with reading(fifo) as received:
        qualcode.save(sample_project(), fifo)
    assert json.loads(received[0])["format"] == "qualcode"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(tmp_path) == ["out.json"]


def test_convert_to_a_fifo(study: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with reading(fifo) as received:
        result = run("convert", str(study), str(fifo), "--to", "qdpx")
    assert result.exit_code == 0, result.output
    assert received[0].startswith(b"PK\x03\x04")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(tmp_path) == ["in", "pipe"]


@pytest.fixture
def device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A regular file that ``os.stat`` (and so ``Path.stat``) reports as a character device.

    Replacing it or making a temporary file beside it fails the test.
    """
    path = tmp_path / "dev" / "null"
    path.parent.mkdir()
    path.write_bytes(b"old")
    real_stat = os.stat

    def fake_stat(where: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(where, *args, **kwargs)
        if os.fspath(where) == str(path):
            return os.stat_result((stat.S_IFCHR | 0o666, *tuple(found)[1:]))
        return found

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a device must not be replaced")

    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(os, "replace", refuse)
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir") or ".") == path.parent:
            refuse()
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return path


def test_a_device_is_written_straight_through(device: Path) -> None:
    assert stat.S_ISCHR(device.stat().st_mode)
    qualcode.save(sample_project(), device, "json")
    assert json.loads(device.read_bytes())["format"] == "qualcode"
    assert names(device.parent) == ["null"]


@pytest.mark.parametrize("name", FORMATS)
def test_convert_to_a_device_in_every_format(study: Path, device: Path, name: str) -> None:
    arguments = ["--to", name.split(".")[-1]]
    if name.endswith(".zip"):  # a device has no .zip name: one document, as one .docx
        first = next(iter(sample_project().documents)).name
        arguments = ["--to", "docx", "-o", f"document={first}"]
    result = run("convert", str(study), str(device), *arguments)
    assert result.exit_code == 0, result.output
    assert device.read_bytes() != b"old"
    assert names(device.parent) == ["null"]


def test_a_device_that_fails_is_one_line(device: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Full:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "open", Full)
    with pytest.raises(OutputError) as caught:
        write_bytes_atomically(device, b"data")
    assert str(caught.value) == f"{device}: no space left on device"


def test_a_socket_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("out.json")
        with pytest.raises(OutputError) as caught:
            write_bytes_atomically("out.json", b"data")
        assert str(caught.value) == "out.json: is a socket; cannot write to it"
        assert stat.S_ISSOCK(Path("out.json").lstat().st_mode)
    assert names(tmp_path) == ["out.json"]


def test_import_into_a_fifo_starts_a_new_project(study: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with reading(fifo) as received:
        result = run("import", str(study), "--into", str(fifo), "--to", "json", "--quiet")
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["project"]["name"] == "pipe"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_import_into_a_link_extends_its_target_and_keeps_the_link(
    study: Path, tmp_path: Path
) -> None:
    target = tmp_path / "real.qualcode.json"
    qualcode.save(sample_project(), target)
    before = len(qualcode.load(target).documents)
    link = tmp_path / "link.qualcode.json"
    link.symlink_to(target)
    extra = tmp_path / "extra.txt"
    extra.write_text("One more document.", encoding="utf-8")
    result = run("import", str(extra), "--into", str(link), "--quiet")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert len(qualcode.load(target).documents) == before + 1
