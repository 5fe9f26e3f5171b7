"""The .qdpx container: a ZIP with one ``.qde`` and a ``sources/`` folder, opened safely.

Reading refuses member paths that are absolute or climb out with ``..``, and bounds what the
archive may expand to by absolute sizes: each member read at most :attr:`Limits.max_member`
bytes, and all members together at most :attr:`Limits.max_total`, checked against the sizes the
ZIP declares before anything is inflated, and again against what is inflated (a member may never
expand beyond its declared size). There is no bound on the compression ratio: a long,
repetitive transcript compresses 1,000:1 like a decompression bomb does, and a project qualcode
wrote must always read back. Every ZIP failure (including a compression method Python cannot
decode, or damaged LZMA or bzip2 data) is a :class:`~qualcode.errors.ParseError` naming the
file. Member names are read with ``\\`` as a separator too (some Windows zip tools write it),
and macOS's metadata (``__MACOSX/`` and ``._*`` files) is ignored. Writing refuses internal
files over 2^31-1 bytes, the limit of the standard.
"""

from __future__ import annotations

import lzma
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO

import attrs

from qualcode.errors import OutputError, ParseError, UnsafeInputError
from qualcode.fileio import atomic_output, read_bytes, require_file
from qualcode.formats.refiqda.zip_inflate import INFLATE_ERRORS, can_inflate, inflate_member
from qualcode.formats.refiqda.zip_writer import Content, write_zip

_EXTRACT_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    *INFLATE_ERRORS,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)
"""What extracting a damaged or encrypted member raises."""

MAX_INTERNAL_FILE = 2**31 - 1
"""The largest internal file REFI-QDA allows (bytes)."""


@attrs.frozen
class Limits:
    """Bounds on what a container may expand to, in absolute bytes (never a ratio)."""

    max_member: int = MAX_INTERNAL_FILE
    """Largest decompressed size of one member, in bytes."""
    max_total: int = 4 * 2**30
    """Largest decompressed size of all members together, in bytes: the sizes the archive
    declares for its members (checked on opening), and the bytes read (a member read twice
    counts twice)."""


DEFAULT_LIMITS = Limits()

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str, label: str) -> None:
    """Refuse a ZIP member name that is absolute or leaves the archive's folder (``\\`` and
    ``/`` both count as separators, as :func:`member_name` reads them)."""
    unified = member_name(name)
    parts = unified.split("/")
    if unified.startswith("/") or _DRIVE.match(unified) or ".." in parts or "\x00" in name:
        raise UnsafeInputError(
            f"the archive holds a member with an unsafe path: {name!r}",
            path=label,
            hint="an archive member may not be absolute or contain '..'; the file was not read",
        )


def member_name(name: str) -> str:
    """A member name with ``/`` as its only separator: some Windows zip tools write
    ``Sources\\<guid>.txt``, which :mod:`zipfile` leaves as it is except on Windows."""
    return name.replace("\\", "/")


def is_macos_metadata(name: str) -> bool:
    """Whether a member (named with ``/``) is macOS metadata, not part of the project.

    The Finder's "Compress" puts each file's resource fork beside it: ``__MACOSX/<path>`` holds
    an AppleDouble ``._<file>`` for every file of the archive, so a re-zipped .qdpx would seem
    to hold two .qde files. Both the ``__MACOSX/`` folder and ``._*`` files anywhere are ignored.
    """
    folders, _, leaf = name.rpartition("/")
    if leaf.startswith("._"):
        return True
    return any(part.lower() == "__macosx" for part in folders.split("/"))


class QdpxArchive:
    """A .qdpx opened for reading: its ``.qde`` and its internal source files."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = require_file(path)
        self.label = str(path)
        self.limits = limits
        self._read_total = 0
        self._file: IO[bytes] | None = None
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            UnicodeDecodeError,
        ) as error:
            raise ParseError(
                f"not a readable ZIP archive ({error})",
                path=self.label,
                hint="a .qdpx is a ZIP file; export the project again",
            ) from None
        self._files: dict[str, zipfile.ZipInfo] = {}
        """Members by name with ``/`` separators (some Windows tools write ``\\``), without
        folders and macOS's resource-fork files."""
        for info in infos:
            check_member_name(info.filename, self.label)
            name = member_name(info.filename)
            if name[-1:] not in ("", "/") and not is_macos_metadata(name):
                self._files.setdefault(name, info)  # not ZipInfo.is_dir(): empty names fail it
        self._check_declared_total()
        self.qde_name = self._find_qde()
        base = posixpath.dirname(self.qde_name)
        self._sources: dict[str, str] = {}
        self._by_basename: dict[str, str] = {}
        for name in self._files:
            folder, _, leaf = name.rpartition("/")
            if not leaf:
                continue
            self._by_basename.setdefault(leaf.lower(), name)
            parent = posixpath.dirname(folder) if folder else None
            if folder and folder.rpartition("/")[2].lower() == "sources" and parent == base:
                self._sources[leaf.lower()] = name

    def _check_declared_total(self) -> None:
        """Refuse an archive whose members declare more bytes than the total allows, before
        anything is inflated (each member is later held to its declared size)."""
        declared = sum(info.file_size for info in self._files.values())
        if declared > self.limits.max_total:
            raise _too_much(self.label, self.limits.max_total)

    def _raw(self) -> IO[bytes]:
        """The archive file itself, for reading members' raw bytes."""
        if self._file is None:
            self._file = self.path.open("rb")
        return self._file

    def close(self) -> None:
        self._zip.close()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> QdpxArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _find_qde(self) -> str:
        candidates = [n for n in self._files if n.lower().endswith(".qde")]
        root = [n for n in candidates if "/" not in n]
        chosen = root or candidates
        if len(chosen) == 1:
            return chosen[0]
        if not chosen:
            raise ParseError(
                "the archive holds no .qde project file",
                path=self.label,
                hint="a .qdpx needs one project.qde at its root",
            )
        raise ParseError(
            f"the archive holds {len(chosen)} .qde files ({', '.join(sorted(chosen))})",
            path=self.label,
            hint="keep exactly one .qde in the archive",
        )

    def read_qde(self) -> bytes:
        """The bytes of the project XML."""
        return self.read_member(self.qde_name)

    def source_member(self, file_name: str) -> str | None:
        """The member holding internal file ``file_name`` (``Sources/`` in any case), or None."""
        leaf = PurePosixPath(file_name.replace("\\", "/")).name.lower()
        return self._sources.get(leaf) or self._by_basename.get(leaf)

    def member_label(self, member: str) -> str:
        return f"{self.label}!{member}"

    def read_member(self, member: str) -> bytes:
        """A member's bytes, within the size bounds."""
        info = self._files[member]
        label = self.member_label(member)
        limits = self.limits
        declared = info.file_size
        if declared > limits.max_member:
            raise UnsafeInputError(
                f"member expands to {declared} bytes, over the limit of {limits.max_member}",
                path=label,
                hint="REFI-QDA internal files are at most 2^31-1 bytes",
            )
        if self._read_total + declared > limits.max_total:
            raise _too_much(self.label, limits.max_total)
        try:
            if can_inflate(info):
                data = inflate_member(self._raw(), info)
            else:
                with self._zip.open(info) as stream:
                    data = stream.read(declared + 1)  # one byte more shows a lying header
            if len(data) > declared:
                raise UnsafeInputError("member expands beyond its declared size", path=label)
        except UnsafeInputError:
            raise
        except _EXTRACT_ERRORS as error:
            raise ParseError(
                f"cannot extract ({error})",
                path=label,
                hint="the archive is damaged or encrypted; export the project again",
            ) from None
        self._read_total += len(data)
        return data


class SourcesFolder:
    """The internal files of a bare .qde: the ``sources/`` folder (any case) beside it.

    A file is read only if it really lies in the .qde's folder: a symbolic link in ``sources/``
    that leads out of it (to a secret elsewhere on the machine) is refused, not followed. Files
    are bounded by the same :class:`Limits` as a .qdpx's members.
    """

    def __init__(self, qde: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.qde = qde
        self.limits = limits
        self.folder = qde.parent.resolve()
        self._read_total = 0
        sources = next(
            (p for p in qde.parent.iterdir() if p.is_dir() and p.name.lower() == "sources"), None
        )
        self.files: dict[str, Path] = {}
        """Files of the folder by lower-case name."""
        if sources is not None:
            self.files = {p.name.lower(): p for p in sources.iterdir() if p.is_file()}

    def has(self, file_name: str) -> bool:
        """Whether the folder holds internal file ``file_name`` (any case)."""
        return _leaf(file_name) in self.files

    def read(self, file_name: str) -> bytes | None:
        """The bytes of internal file ``file_name``, or None if the folder lacks it (or it is
        larger than one internal file may be)."""
        match = self.files.get(_leaf(file_name))
        if match is None:
            return None
        real = match.resolve()
        if not real.is_relative_to(self.folder):
            raise UnsafeInputError(
                f"internal file {match.name} is a link to a file outside the project's folder",
                path=match,
                hint="copy the file into the sources folder instead of linking to it; "
                "nothing was read",
            )
        size = real.stat().st_size
        if size > self.limits.max_member:
            return None
        self._read_total += size
        if self._read_total > self.limits.max_total:
            raise _too_much(str(self.qde), self.limits.max_total)
        return read_bytes(real)


def _leaf(file_name: str) -> str:
    """The lower-case last part of an internal file's name (``\\`` separates too)."""
    return PurePosixPath(file_name.replace("\\", "/")).name.lower()


def _too_much(label: str, limit: int) -> UnsafeInputError:
    return UnsafeInputError(
        f"the archive expands to more than {limit} bytes",
        path=label,
        hint="the file was not read; to read a larger project, raise the option max_bytes",
    )


def write_qdpx(
    path: Path,
    qde: bytes | list[bytes],
    sources: Iterable[tuple[str, bytes]],
    folder: str = "sources",
) -> None:
    """Write a .qdpx atomically: ``project.qde`` (bytes, or pieces to be joined) and
    ``<folder>/<name>`` per internal file."""
    entries = list(sources)
    for name, data in entries:
        if len(data) > MAX_INTERNAL_FILE:
            raise OutputError(
                f"internal file {name} has {len(data)} bytes, over the REFI-QDA limit of "
                f"{MAX_INTERNAL_FILE}",
                path=path,
                hint="keep the file outside the project (a relative or absolute path) instead",
            )
    with atomic_output(path) as stream:
        _write_zip(stream, qde, entries, folder)


def _write_zip(
    stream: IO[bytes], qde: bytes | list[bytes], entries: list[tuple[str, bytes]], folder: str
) -> None:
    members: list[tuple[str, Content]] = [("project.qde", qde)]
    members += [(f"{folder}/{name}", data) for name, data in entries]
    write_zip(stream, members, level=1)
