"""Reading inputs safely and writing outputs atomically.

Inputs are never modified. Outputs are written to a temporary file in the destination's folder
and moved into place with :func:`os.replace`, so a failure never leaves a half-written file where a
good one was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qualcode.errors import InputNotFoundError, OutputError


def require_file(path: str | Path) -> Path:
    """``path`` as a Path, or an :class:`InputNotFoundError` naming it."""
    path = Path(path)
    if not path.exists():
        raise InputNotFoundError("no such file", path=path, hint="check the path")
    if not path.is_file():
        raise InputNotFoundError("not a file", path=path)
    return path


def read_bytes(path: str | Path) -> bytes:
    """The whole content of an input file, with a clear error if it cannot be read."""
    path = require_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputNotFoundError(f"cannot read: {error.strerror}", path=path) from error


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", path=target)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, mode) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(_output_mode(target))
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise


def _output_mode(target: Path) -> int:
    """The permission bits for a new output: those of the file it replaces, else 0o666 - umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path) as stream:
        stream.write(data)
