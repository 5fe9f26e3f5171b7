"""The hand-written ZIP writer matches what zipfile writes, with either deflate module."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from types import ModuleType

import pytest

from qualcode.formats.refiqda import zip_writer

MEMBERS = [
    ("project.qde", b"<?xml version='1.0'?>\n<Project/>\n" * 500),
    ("sources/3f2b0d0e-1c1e-4a7e-9a2f-0b7c2d7e5a11.txt", "Grüße, naïve café\n".encode() * 300),
    ("sources/übersicht.txt", b"non-ASCII member name"),
    ("sources/empty.txt", b""),
]
"""Members like a .qdpx's, with a non-ASCII name and an empty file."""

FIELDS = (
    "filename",
    "date_time",
    "compress_type",
    "create_system",
    "create_version",
    "extract_version",
    "flag_bits",
    "external_attr",
    "internal_attr",
    "file_size",
    "CRC",
    "extra",
    "comment",
)


def _codecs() -> list[ModuleType]:
    codecs: list[ModuleType] = [zlib]
    if zip_writer.FAST_CODEC is not None:
        codecs.append(zip_writer.FAST_CODEC)
    return codecs


def _zipfile_archive(now: float) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=time.localtime(now)[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_plain_zip_reads_back(codec: ModuleType) -> None:
    now = time.time()
    buffer = io.BytesIO()
    zip_writer.write_plain_zip(buffer, MEMBERS, codec, clock=lambda: now)
    ours = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert ours.testzip() is None  # every member's CRC checked
    assert ours.namelist() == [name for name, _ in MEMBERS]
    for name, data in MEMBERS:
        assert ours.read(name) == data
    assert all(info.compress_size < info.file_size for info in ours.infolist()[:2])


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_plain_zip_fields_of_every_member_match_zipfile(codec: ModuleType) -> None:
    now = time.time()
    buffer = io.BytesIO()
    zip_writer.write_plain_zip(buffer, MEMBERS, codec, clock=lambda: now)
    ours = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).infolist()
    theirs = zipfile.ZipFile(io.BytesIO(_zipfile_archive(now))).infolist()
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        assert {f: getattr(mine, f) for f in FIELDS} == {f: getattr(reference, f) for f in FIELDS}


def test_write_zip_reads_back_whichever_path_it_takes() -> None:
    buffer = io.BytesIO()
    zip_writer.write_zip(buffer, MEMBERS)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert archive.testzip() is None
    assert {name: archive.read(name) for name in archive.namelist()} == dict(MEMBERS)
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_large_archives_are_written_by_zipfile() -> None:
    pieces: list[tuple[str, zip_writer.Content]] = [("project.qde", [b"<Project>", b"</Project>"])]
    buffer = io.BytesIO()
    zip_writer.write_zip(buffer, [*pieces, *MEMBERS[1:]], plain_limit=0)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert archive.testzip() is None
    assert archive.read("project.qde") == b"<Project></Project>"
    assert [archive.read(name) for name, _ in MEMBERS[1:]] == [data for _, data in MEMBERS[1:]]


def test_large_archives_are_left_to_zipfile() -> None:
    assert zip_writer.fits_plain_zip(MEMBERS)
    total = sum(len(data) for _, data in MEMBERS)
    assert not zip_writer.fits_plain_zip(MEMBERS, limit=total)
    many = [(f"sources/{number}.txt", b"") for number in range(0xFFFF)]
    assert not zip_writer.fits_plain_zip(many)


@pytest.mark.parametrize("codec", _codecs(), ids=lambda module: module.__name__)
def test_a_member_in_pieces_is_written_as_if_joined(codec: ModuleType) -> None:
    now = time.time()
    pieces = [data[:7] if data else b"" for _, data in MEMBERS] + [b"", MEMBERS[0][1]]
    in_pieces: list[tuple[str, zip_writer.Content]] = [("project.qde", pieces), *MEMBERS[1:]]
    joined = [("project.qde", b"".join(pieces)), *MEMBERS[1:]]
    archives = []
    for members in (in_pieces, joined):
        buffer = io.BytesIO()
        zip_writer.write_plain_zip(buffer, members, codec, clock=lambda: now)
        archives.append(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    first, second = archives
    assert first.testzip() is None
    assert first.read("project.qde") == b"".join(pieces)
    assert [(i.filename, i.CRC, i.file_size) for i in first.infolist()] == [
        (i.filename, i.CRC, i.file_size) for i in second.infolist()
    ]
    fallback = io.BytesIO()
    zip_writer.write_zip(fallback, in_pieces)
    assert zipfile.ZipFile(fallback).read("project.qde") == b"".join(pieces)
