"""Bad input and hostile files: only QualcodeError escapes, and nothing dangerous happens."""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualcode
from qualcode.errors import OutputError, ParseError, QualcodeError, UnsafeInputError
from qualcode.formats.refiqda import container
from qualcode.testing import sample_project

from .builders import G, project_xml, qdpx

SMALL = project_xml(
    f'<CodeBook><Codes><Code guid="{G["code"]}" name="A" isCodable="true"/></Codes></CodeBook>'
    f'<Sources><TextSource guid="{G["source"]}" name="T" plainTextPath="internal://t.txt">'
    f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="5">'
    f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
    "</PlainTextSelection></TextSource></Sources>"
)


def test_corrupt_zip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.qdpx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)


def test_truncated_zip(tmp_path: Path) -> None:
    good = qdpx(tmp_path / "good.qdpx", SMALL, {"sources/t.txt": b"Hello world"})
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(ParseError):
        qualcode.load(cut)


def test_truncated_xml_names_file_and_line(tmp_path: Path) -> None:
    text = SMALL.replace("><", ">\n<")
    path = qdpx(tmp_path / "t.qdpx", text[: len(text) // 2], {"sources/t.txt": b"Hello"})
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    error = caught.value
    assert error.path is not None and error.path.endswith("project.qde")
    assert error.line is not None and error.line > 1
    assert f":{error.line}:" in str(error)


def test_malformed_xml_attribute(tmp_path: Path) -> None:
    bad = SMALL.replace('startPosition="0"', 'startPosition="zero"')
    with pytest.raises(ParseError) as caught:
        qualcode.load(qdpx(tmp_path / "t.qdpx", bad, {"sources/t.txt": b"Hello"}))
    assert caught.value.line == 2 and "startPosition" in str(caught.value)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    xml = SMALL.replace(
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [{entities}]>\n',
    ).replace('name="Test"', 'name="&j;"')
    with pytest.raises(UnsafeInputError):
        qualcode.load(qdpx(tmp_path / "bomb.qdpx", xml, {"sources/t.txt": b"Hello"}))


def test_external_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = SMALL.replace(
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>\n',
    ).replace('name="T"', 'name="&x;"')
    with pytest.raises(UnsafeInputError) as caught:
        qualcode.load(qdpx(tmp_path / "xxe.qdpx", xml, {"sources/t.txt": b"Hello"}))
    assert "TOP SECRET" not in str(caught.value)


@pytest.mark.parametrize(
    "member",
    ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt", "C:/evil.txt", "..\\evil.txt"],
)
def test_unsafe_member_paths_are_refused(tmp_path: Path, member: str) -> None:
    path = qdpx(tmp_path / "slip.qdpx", SMALL, {"sources/t.txt": b"Hello", member: b"x"})
    with pytest.raises(UnsafeInputError):
        qualcode.load(path)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_decompression_bomb_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "zbomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", SMALL)
        archive.writestr("sources/t.txt", b"\0" * (64 * 2**20))
    assert path.stat().st_size < 2**20
    # bounded by absolute sizes, not by its ratio: a repetitive text of our own compresses as
    # well as a bomb does, and must read back (tests/fuzz/test_attacks.py)
    with pytest.raises(UnsafeInputError, match="expands to more than"):
        qualcode.load(path, max_bytes=32 * 2**20)


def test_max_bytes_bounds_what_an_archive_may_expand_to(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "t.qdpx", SMALL, {"sources/t.txt": b"Hello world " * 1000})
    assert len(qualcode.load(path).documents) == 1
    with pytest.raises(UnsafeInputError):
        qualcode.load(path, max_bytes=5000)


def test_internal_files_over_the_limit_are_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container, "MAX_INTERNAL_FILE", 10)
    out = tmp_path / "big.qdpx"
    with pytest.raises(OutputError) as caught:
        qualcode.save(sample_project(), out)
    assert "REFI-QDA limit" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_several_qde_files_are_refused(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "two.qdpx", SMALL, {"other.qde": SMALL.encode()})
    with pytest.raises(ParseError, match=r"2 \.qde files"):
        qualcode.load(path)


# -- mutation ---------------------------------------------------------------------------------


def _valid_archive() -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.qdpx"
        qualcode.save(sample_project(), path)
        data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        qde = archive.read("project.qde")
    return data, qde


VALID_ZIP, VALID_QDE = _valid_archive()


def _load_only_qualcode_errors(path: Path) -> None:
    with contextlib.suppress(QualcodeError):
        qualcode.load(path)


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, length, replacement in edits:
        at = position % (len(out) + 1)
        out[at : at + length] = replacement
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 10**7), st.integers(0, 8), st.binary(max_size=8)),
    min_size=1,
    max_size=4,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(edits=EDITS)
def test_mutated_zip_bytes_only_raise_qualcode_errors(edits: list[tuple[int, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.qdpx"
        path.write_bytes(_mutate(VALID_ZIP, edits))
        _load_only_qualcode_errors(path)


@SETTINGS
@given(edits=EDITS)
def test_mutated_xml_only_raises_qualcode_errors(edits: list[tuple[int, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.qdpx"
        with zipfile.ZipFile(io.BytesIO(VALID_ZIP)) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "project.qde":
                    data = _mutate(data, edits)
                target.writestr(info.filename, data)
        _load_only_qualcode_errors(path)


_TOKENS = [b'"', b"<", b">", b"/>", b"-1", b"99999999", b"{", b"x", b"", b"\xff", b"&amp;", b"true"]


@SETTINGS
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(_TOKENS)), min_size=1, max_size=6
    )
)
def test_xml_with_changed_values_only_raises_qualcode_errors(
    picks: list[tuple[int, bytes]],
) -> None:
    quotes = [i for i, byte in enumerate(VALID_QDE) if byte == ord('"')]
    edits = [(quotes[i % len(quotes)] + 1, 1, token) for i, token in picks]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.qdpx"
        with zipfile.ZipFile(io.BytesIO(VALID_ZIP)) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "project.qde":
                    data = _mutate(data, edits)
                target.writestr(info.filename, data)
        _load_only_qualcode_errors(path)
