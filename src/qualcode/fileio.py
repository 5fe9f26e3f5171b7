"""Reading inputs safely and writing outputs atomically.

Inputs are never modified. An output that is a regular file, or does not exist yet, is written to
a temporary file in its folder and moved into place with :func:`os.replace`, so a failure never
leaves a half-written file where a good one was. A symbolic link is followed: its target is
replaced and the link stays a link. An output that exists and is a device or a FIFO (``/dev/null``,
a named pipe) cannot be replaced, so it is written straight through. A folder or a socket is
refused. Every failure is an :class:`InputNotFoundError` or :class:`OutputError` naming the path.
A process killed while writing leaves its temporary file behind; the next write to the same output
removes such files when they are stale (see :func:`sweep_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qualcode.errors import InputNotFoundError, OutputError

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""Errors that mean the data does not fit: their reason alone says it all."""


def reason(error: OSError) -> str:
    """What an OSError says, in lower case words: ``permission denied``, ``is a directory``."""
    text = error.strerror or (os.strerror(error.errno) if error.errno else "") or str(error)
    return text[:1].lower() + text[1:]


# -- inputs -----------------------------------------------------------------------------------


def check_input(path: str | Path, *, folder: bool = False) -> Path:
    """``path`` as a Path if it exists and can be read, else an :class:`InputNotFoundError`.

    A folder is refused ("is a folder") unless ``folder`` is true. Checked before any work, so
    that a bad input is one line naming it, never a traceback or a usage error.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        missing = InputNotFoundError("no such file or folder", path=path, hint="check the path")
        raise missing from None
    except OSError as error:
        raise InputNotFoundError(f"cannot read: {reason(error)}", path=path) from None
    if stat.S_ISDIR(mode):
        if not folder:
            raise InputNotFoundError("is a folder", path=path, hint="name a file")
        if not os.access(path, os.R_OK | os.X_OK):
            raise InputNotFoundError("cannot read: permission denied", path=path)
        return path
    if not os.access(path, os.R_OK):
        raise InputNotFoundError("cannot read: permission denied", path=path)
    if stat.S_ISREG(mode):  # os.access can say yes where open says no (ACLs, network folders)
        try:
            with path.open("rb"):
                pass
        except OSError as error:
            raise InputNotFoundError(f"cannot read: {reason(error)}", path=path) from None
    return path


def require_file(path: str | Path) -> Path:
    """``path`` as a Path, or an :class:`InputNotFoundError` naming it."""
    path = Path(path)
    if not path.exists():
        raise InputNotFoundError("no such file", path=path, hint="check the path")
    if path.is_dir():
        raise InputNotFoundError("is a folder", path=path, hint="name a file")
    if not path.is_file():
        raise InputNotFoundError("not a file", path=path)
    return path


def read_bytes(path: str | Path) -> bytes:
    """The whole content of an input file, with a clear error if it cannot be read."""
    path = require_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputNotFoundError(f"cannot read: {reason(error)}", path=path) from error


# -- outputs ----------------------------------------------------------------------------------


def check_output(path: str | Path) -> Path:
    """Where writing ``path`` will put the data, or an :class:`OutputError` if it cannot go there.

    A symbolic link gives its target; anything else gives ``path`` itself. Refuses a folder, a
    socket and a missing folder, so that callers can check before any work is done; whether the
    folder can be written to is only known when writing.
    """
    return _destination(Path(path))[0]


def _destination(target: Path) -> tuple[Path, bool]:
    """Where the data goes, and whether it goes straight through (a device or a FIFO)."""
    try:
        mode: int | None = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(f"cannot write: {reason(error)}", path=target) from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise OutputError("is a folder", path=target, hint="name a file to write")
        if stat.S_ISSOCK(mode):
            raise OutputError("is a socket; cannot write to it", path=target)
        if not stat.S_ISREG(mode):
            return target, True  # a device or a FIFO: opened as it is, never replaced
    destination = Path(os.path.realpath(target)) if target.is_symlink() else target
    if not _folder(destination).is_dir():
        raise OutputError("the output folder does not exist", path=target, hint="create it")
    return destination, False


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path()


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    On any exception the temporary file is removed and ``path`` is left as it was. A link's
    target is replaced (the link stays a link); an existing device or FIFO is written straight
    through. An ``OSError`` met writing becomes an :class:`OutputError` naming ``path``.
    """
    target = Path(path)
    destination, straight_through = _destination(target)
    if straight_through:
        with _straight_through(target, mode) as stream:
            yield stream
        return
    sweep_stale_temporaries(destination)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=_temporary_prefix(destination.name), suffix=".tmp", dir=_folder(destination)
        )
    except OSError as error:
        raise _output_error(target, error, creating=True) from None
    try:
        with os.fdopen(handle, mode) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(_output_mode(destination))
        Path(temporary).replace(destination)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError) and _about(error, target, destination, temporary):
            raise _output_error(target, error) from None
        raise


STALE_AFTER = 60.0
"""Seconds after its last change that a temporary file whose writer is gone counts as stale."""

ABANDONED_AFTER = 24 * 3600.0
"""Seconds after its last change that any of our temporary files counts as stale (its writer's
process id may since have been given to another process, or it wrote from another machine)."""


def _temporary_prefix(name: str) -> str:
    """How the temporary files for output ``name`` begin: ``.NAME.qualcode-PID-``."""
    return f".{name}.qualcode-{os.getpid()}-"


def sweep_stale_temporaries(destination: Path) -> list[Path]:
    """Remove the temporary files an earlier write to ``destination`` left behind (a process
    killed while writing cannot clean up); returns those removed.

    Only our own are touched: named exactly as :func:`atomic_output` names them for this output,
    and stale: their writing process is gone and they have not changed for
    :data:`STALE_AFTER` seconds, or they have not changed for :data:`ABANDONED_AFTER` seconds.
    A temporary file another live writer is filling is left alone. Nothing here fails a write.
    """
    pattern = re.compile(rf"\.{re.escape(destination.name)}\.qualcode-(\d{{1,10}})-[a-z0-9_]+\.tmp")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(_folder(destination)))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            age = now - info.st_mtime
            writer_gone = not _process_alive(int(match.group(1)))
            if age > ABANDONED_AFTER or (writer_gone and age > STALE_AFTER):
                stale = Path(entry.path)
                stale.unlink()
                removed.append(stale)
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (True when that cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name == "nt" or pid <= 0:
        return True  # os.kill would end the process on Windows: only age decides there
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or no process id at all
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


@contextlib.contextmanager
def _straight_through(target: Path, mode: str) -> Iterator[IO[bytes]]:
    """A device or FIFO opened for writing as it is: no temporary file, nothing replaced."""
    try:
        stream = target.open(mode)
    except OSError as error:
        raise _output_error(target, error) from None
    try:
        with stream:
            yield stream
            stream.flush()
    except OSError as error:
        if _about(error, target):
            raise _output_error(target, error) from None
        raise


def _about(error: OSError, *paths: str | Path) -> bool:
    """Whether ``error`` came from writing the output: no file named, or one of ``paths``."""
    named = {str(name) for name in (error.filename, error.filename2) if name is not None}
    return not named or bool(named & {str(p) for p in paths})


def _output_error(target: Path, error: OSError, *, creating: bool = False) -> OutputError:
    """The one-line error for an OSError met while writing ``target``."""
    if error.errno == errno.EISDIR:
        return OutputError("is a folder", path=target, hint="name a file to write")
    if error.errno in _FULL:
        return OutputError(reason(error), path=target)
    if creating:
        return OutputError(f"cannot write here: {reason(error)}", path=target)
    return OutputError(f"cannot write: {reason(error)}", path=target)


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
