"""A writer killed mid-write leaves its temporary file; the next write to that output removes it
when it is stale, and touches nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import qualcode
from qualcode import fileio
from qualcode.testing import sample_project

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and process ids are POSIX here")

_KILLED_WRITER = """
import os, signal, sys
from qualcode.fileio import atomic_output
with atomic_output(sys.argv[1]) as stream:
    stream.write(b"half of a project")
    stream.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_the_temporary_file_of_a_killed_writer_is_swept_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "OUT.qdpx"
    qualcode.save(sample_project(), out)
    before = out.read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(out)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    (left,) = _leftovers(tmp_path)
    assert left.startswith(".OUT.qdpx.qualcode-")
    assert out.read_bytes() == before  # the old project is intact
    _age(tmp_path / left, fileio.STALE_AFTER + 5)
    qualcode.save(sample_project(), out)
    assert _leftovers(tmp_path) == []
    assert len(qualcode.load(out).documents) == len(sample_project().documents)


def test_only_stale_temporaries_of_this_output_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "OUT.qdpx"
    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".OUT.qdpx.qualcode-{dead}-abc123.tmp"
    fresh = tmp_path / f".OUT.qdpx.qualcode-{dead}-def456.tmp"  # another machine may write it
    live = tmp_path / f".OUT.qdpx.qualcode-{alive}-ghi789.tmp"  # a concurrent writer
    abandoned = tmp_path / f".OUT.qdpx.qualcode-{alive}-jkl012.tmp"
    others = [
        tmp_path / ".OUT.qdpx.abc123.tmp",  # not our naming
        tmp_path / f".OTHER.qdpx.qualcode-{dead}-abc123.tmp",  # another output's
        tmp_path / f"OUT.qdpx.qualcode-{dead}-abc123.tmp",
        tmp_path / f".OUT.qdpx.qualcode-{dead}-abc123.tmp.keep",
    ]
    for path in [stale, fresh, live, abandoned, *others]:
        path.write_bytes(b"partial")
        _age(path, fileio.STALE_AFTER + 5)
    _age(fresh, 1)
    _age(abandoned, fileio.ABANDONED_AFTER + 5)
    folder_named_like_one = tmp_path / f".OUT.qdpx.qualcode-{dead}-mno345.tmp"
    folder_named_like_one.mkdir()
    _age(folder_named_like_one, fileio.ABANDONED_AFTER + 5)

    removed = fileio.sweep_stale_temporaries(out)

    assert sorted(removed) == sorted([stale, abandoned])
    for path in [fresh, live, *others, folder_named_like_one]:
        assert path.exists(), path.name


def test_a_write_names_its_temporary_file_after_its_process(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    with fileio.atomic_output(out) as stream:
        seen = _leftovers(tmp_path)
        stream.write(b"{}")
    assert len(seen) == 1 and seen[0].startswith(f".out.json.qualcode-{os.getpid()}-")
    assert fileio.sweep_stale_temporaries(out) == []
