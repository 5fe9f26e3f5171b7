"""Reading a deflated ZIP member with Intel's ISA-L when the optional ``isal`` package is there.

Inflating the project XML and the texts is part of every import (about 0.3 s for 120 MB with
zlib); ISA-L's inflate takes about half of that and its CRC-32 a sixth. :mod:`zipfile` always
inflates with :mod:`zlib`, so this reads the member's raw bytes itself, from the offsets
:mod:`zipfile` found in the central directory, checking what :mod:`zipfile` checks: the local
header's signature and name, the size (never inflating more than the declared size plus one
byte, so a lying header is caught) and the CRC-32. Anything else (stored or encrypted members,
or no ``isal``) is left to :mod:`zipfile`.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO

from qualcode.formats.refiqda.zip_writer import FAST_CODEC

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_NOT_PLAIN = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption
_UTF8_NAME = 0x800

INFLATE_ERRORS: tuple[type[Exception], ...] = () if FAST_CODEC is None else (FAST_CODEC.error,)
"""What the fast inflater raises on damaged data (besides :class:`zipfile.BadZipFile`)."""


def can_inflate(info: zipfile.ZipInfo) -> bool:
    """Whether :func:`inflate_member` reads this member (else use :mod:`zipfile`)."""
    return (
        FAST_CODEC is not None
        and info.compress_type == zipfile.ZIP_DEFLATED
        and not info.flag_bits & _NOT_PLAIN
    )


def inflate_member(file: IO[bytes], info: zipfile.ZipInfo, codec: object = None) -> bytes:
    """The member's bytes: at most ``info.file_size + 1`` of them (more means a lying header).

    Raises :class:`zipfile.BadZipFile` for a damaged header, a short member or a CRC mismatch.
    """
    inflater_module: object = codec or FAST_CODEC
    assert inflater_module is not None
    file.seek(info.header_offset)
    header = file.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local file header of {info.filename!r}")
    fields = _LOCAL.unpack(header)
    flags, name_length, extra_length = fields[3], fields[10], fields[11]
    if flags & _NOT_PLAIN:
        raise zipfile.BadZipFile(f"local header of {info.filename!r} differs from the directory")
    name = file.read(name_length)
    if name.decode("utf-8" if flags & _UTF8_NAME else "cp437") != info.orig_filename:
        raise zipfile.BadZipFile(f"file name in directory and header differ: {info.filename!r}")
    file.seek(extra_length, 1)
    raw = file.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise EOFError(f"member {info.filename!r} is truncated")
    inflater = inflater_module.decompressobj(-15)  # type: ignore[attr-defined]
    data: bytes = inflater.decompress(raw, info.file_size + 1)
    if len(data) > info.file_size:
        return data  # the caller refuses it
    if len(data) < info.file_size or not inflater.eof:
        raise zipfile.BadZipFile(f"member {info.filename!r} is truncated or damaged")
    crc: int = inflater_module.crc32(data)  # type: ignore[attr-defined]
    if crc & 0xFFFFFFFF != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for file {info.filename!r}")
    return data
