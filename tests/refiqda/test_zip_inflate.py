"""Reading members' raw bytes ourselves gives what zipfile gives, and refuses what it refuses."""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from types import ModuleType

import pytest

from qualcode.formats.refiqda import zip_inflate, zip_writer

MEMBERS = {
    "project.qde": b"<Project>" + b"<Code name='x'/>" * 2000 + b"</Project>",
    "sources/grüße.txt": "Grüße aus Köln\n".encode() * 400,
    "sources/empty.txt": b"",
}


def _codecs() -> list[ModuleType]:
    codecs: list[ModuleType] = [zlib]
    if zip_writer.FAST_CODEC is not None:
        codecs.append(zip_writer.FAST_CODEC)
    return codecs


@pytest.fixture
def archive() -> tuple[io.BytesIO, zipfile.ZipFile]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in MEMBERS.items():
            zf.writestr(name, data)
    return buffer, zipfile.ZipFile(buffer)


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_every_member_reads_as_zipfile_reads_it(
    archive: tuple[io.BytesIO, zipfile.ZipFile], codec: ModuleType
) -> None:
    buffer, zf = archive
    for info in zf.infolist():
        assert (
            zip_inflate.inflate_member(buffer, info, codec)
            == zf.read(info)
            == MEMBERS[info.filename]
        )


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_damage_is_refused(archive: tuple[io.BytesIO, zipfile.ZipFile], codec: ModuleType) -> None:
    buffer, zf = archive
    info = zf.getinfo("project.qde")
    bad_crc = copy.copy(info)
    bad_crc.CRC ^= 1
    other_name = copy.copy(info)
    other_name.orig_filename = "other.qde"
    too_large = copy.copy(info)
    too_large.file_size += 10
    for broken in (bad_crc, other_name, too_large):
        with pytest.raises(zipfile.BadZipFile):
            zip_inflate.inflate_member(buffer, broken, codec)
    past_the_end = copy.copy(zf.infolist()[-1])
    past_the_end.compress_size += 10**6
    with pytest.raises(EOFError):
        zip_inflate.inflate_member(buffer, past_the_end, codec)


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_a_header_understating_the_size_gives_one_byte_more(
    archive: tuple[io.BytesIO, zipfile.ZipFile], codec: ModuleType
) -> None:
    buffer, zf = archive
    info = copy.copy(zf.getinfo("project.qde"))
    info.file_size -= 100
    data = zip_inflate.inflate_member(buffer, info, codec)
    assert len(data) == info.file_size + 1  # the caller refuses it


def test_only_plain_deflated_members_take_this_path(
    archive: tuple[io.BytesIO, zipfile.ZipFile],
) -> None:
    _, zf = archive
    info = zf.getinfo("project.qde")
    encrypted = copy.copy(info)
    encrypted.flag_bits |= 0x1
    stored = copy.copy(info)
    stored.compress_type = zipfile.ZIP_STORED
    assert not zip_inflate.can_inflate(encrypted)
    assert not zip_inflate.can_inflate(stored)
    assert zip_inflate.can_inflate(info) == (zip_writer.FAST_CODEC is not None)
