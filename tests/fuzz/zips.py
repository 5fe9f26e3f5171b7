"""Rewriting ZIP archives member by member, as the attacks and the fuzz harness need."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

Edit = Callable[[str, bytes], bytes | None]
"""Given a member's name and bytes: its new bytes, or None to leave it out."""


def rewrite_zip(
    data: bytes, edit: Edit | None = None, method: Callable[[str], int] | None = None
) -> bytes:
    """``data`` (a ZIP) with each member passed through ``edit`` and compressed with
    ``method(name)`` (default: as it was)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            if edit is not None:
                edited = edit(info.filename, member)
                if edited is None:
                    continue
                member = edited
            kind = method(info.filename) if method else info.compress_type
            target.writestr(info.filename, member, compress_type=kind)
    return out.getvalue()


def member_data_offset(data: bytes, name: str) -> int:
    """Where the compressed bytes of member ``name`` begin in the archive ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    return header + 30 + name_length + extra_length


def with_lzma_member(data: bytes, name: str) -> bytes:
    """``data`` with member ``name`` compressed by LZMA (ZIP method 14) and its LZMA properties
    damaged, so that inflating it raises :class:`lzma.LZMAError`."""
    rezipped = bytearray(
        rewrite_zip(data, method=lambda n: zipfile.ZIP_LZMA if n == name else zipfile.ZIP_DEFLATED)
    )
    start = member_data_offset(bytes(rezipped), name)
    rezipped[start + 4 : start + 9] = b"\xff" * 5  # the properties after the 4-byte header
    return bytes(rezipped)


def with_unknown_method(data: bytes, name: str, method: int = 99) -> bytes:
    """``data`` with member ``name`` claiming a compression method no reader knows."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    raw[info.header_offset + 8 : info.header_offset + 10] = method.to_bytes(2, "little")
    encoded = name.encode("utf-8")
    position = 0
    while True:  # the central directory entry naming this member
        position = raw.find(b"PK\x01\x02", position)
        if position < 0:
            break
        length = int.from_bytes(raw[position + 28 : position + 30], "little")
        if raw[position + 46 : position + 46 + length] == encoded:
            raw[position + 10 : position + 12] = method.to_bytes(2, "little")
            break
        position += 4
    return bytes(raw)
