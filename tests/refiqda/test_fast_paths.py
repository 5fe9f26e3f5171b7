"""The fast paths of reading and writing give exactly what the element-by-element paths give.

Reading: sources whose selections all have the common shape are read as columns
(:mod:`qualcode.formats.refiqda.selection_block`); any file read with that path switched off must
give the same project and the same report. Writing: selections rendered as text
(:mod:`qualcode.formats.refiqda.selection_xml`) must give the same bytes as lxml elements.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import tempfile
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualcode.formats.refiqda.sources as sources_module
from qualcode.formats.base import ImportResult
from qualcode.formats.refiqda import extras, selection_block, writer_base
from qualcode.formats.refiqda.plugin import QdpxImporter
from qualcode.formats.refiqda.targets import TARGETS, get_target
from qualcode.formats.refiqda.writer import QdeWriter
from qualcode.project import Project
from qualcode.testing import assert_projects_equal, projects, sample_project

from .builders import project_xml, qdpx
from .conftest import assert_valid

USERS = ("00000001-0000-4000-8000-000000000001", "00000002-0000-4000-8000-000000000002")
CODES = ("00000003-0000-4000-8000-000000000003", "00000004-0000-4000-8000-000000000004")
SOURCE = "00000005-0000-4000-8000-000000000005"
TEXT = "Peer work\r\nis hard 😀 and good.\r\nWe felt trust, naïve café talk.\r\n"


def _read(path: Path, *, fast: bool) -> ImportResult:
    """Read ``path``; new GUIDs (for blank ones) are numbered, so that two readings compare."""
    numbers = itertools.count()

    def numbered() -> str:
        return f"{next(numbers):08x}-9999-4000-8000-000000000000"

    with contextlib.ExitStack() as stack:
        for module in (sources_module, selection_block):
            stack.enter_context(mock.patch.object(module, "new_id", numbered))
        if not fast:
            stack.enter_context(mock.patch.object(sources_module, "read_block", lambda *a: None))
        return QdpxImporter().read(path)


def _assert_same_reading(path: Path) -> ImportResult:
    fast, slow = _read(path, fast=True), _read(path, fast=False)
    assert_projects_equal(slow.project, fast.project)
    assert fast.report.losses == slow.report.losses
    assert fast.report.warnings == slow.report.warnings
    return fast


_GUIDS = st.sampled_from(
    [
        'guid="{guid}"',
        'guid="{{{guid_upper}}}"',
        'guid=" "',
        "",
    ]
)
_TIMES = st.sampled_from(
    ['creationDateTime="2024-03-01T09:00:00Z"', 'creationDateTime="yesterday"', ""]
)
_USERS = st.sampled_from(
    [
        f'creatingUser="{USERS[0]}"',
        f'creatingUser="{USERS[1].upper()}"',
        'creatingUser="00000009-0000-4000-8000-000000000009"',  # not among the users
        'creatingUser=""',
        "",
    ]
)
_EXTRAS = st.sampled_from(
    [""] * 5 + ["<Description />", "<Description> </Description>", "<Description>why</Description>"]
)


@st.composite
def _selection(draw: st.DrawFn, number: int) -> str:
    guid = f"{number:08x}-1111-4000-8000-{number:012x}"
    start = draw(st.integers(-2, len(TEXT) + 4))
    end = draw(st.one_of(st.integers(-2, len(TEXT) + 4), st.none()))
    positions = f'startPosition="{start}"' + ("" if end is None else f' endPosition="{end}"')
    if draw(st.integers(0, 9)) == 0:
        positions = f'startPosition="{start}.0" endPosition="{start}"'
    name = draw(st.sampled_from(["", 'name="Peer work"', 'name=""']))
    changed = draw(st.sampled_from(["", 'modifiedDateTime="2024-03-02T09:00:00Z"']))
    selection_guid = draw(_GUIDS).format(guid=guid, guid_upper=guid.upper())
    coding_guid = draw(_GUIDS).format(guid="c" + guid[1:], guid_upper="C" + guid[1:].upper())
    code = draw(st.sampled_from(CODES))
    coding_children = f'<CodeRef targetGUID="{code}"/>'
    if draw(st.integers(0, 9)) == 0:
        coding_children += f'<NoteRef targetGUID="{USERS[0]}"/>'
    coding = f"<Coding {coding_guid} {draw(_USERS)} {draw(_TIMES)}>{coding_children}</Coding>"
    if draw(st.integers(0, 14)) == 0:
        coding = ""  # a selection without a coding
    elif draw(st.integers(0, 14)) == 0:
        coding += coding.replace(code, CODES[0])  # two codings
    return (
        f"<PlainTextSelection {selection_guid} {name} {positions} {draw(_USERS)} "
        f"{draw(_TIMES)} {changed}>{draw(_EXTRAS)}{coding}</PlainTextSelection>"
    )


@st.composite
def _qde(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 6))
    selections = "".join(draw(_selection(number)) for number in range(count))
    origin = draw(st.sampled_from(["NVivo 12", "MAXQDA 2022", "Other Tool"]))
    namespace = draw(st.sampled_from(["urn:QDA-XML:project:1.0", ""]))
    body = (
        f'<Users><User guid="{USERS[0]}" name="a"/><User guid="{USERS[1]}" name="b"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODES[0]}" name="one" isCodable="true"/>'
        f'<Code guid="{CODES[1]}" name="two" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SOURCE}" name="interview" '
        f'plainTextPath="internal://{SOURCE}.txt">{selections}</TextSource></Sources>'
    )
    return project_xml(body, origin=origin, namespace=namespace)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(qde=_qde())
def test_reading_by_columns_gives_what_reading_by_elements_gives(qde: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = qdpx(Path(folder) / "p.qdpx", qde, {f"sources/{SOURCE}.txt": TEXT.encode("utf-8")})
        try:
            slow = _read(path, fast=False)
        except Exception as error:  # a file the reader refuses must be refused either way
            with pytest.raises(type(error)):
                _read(path, fast=True)
            event("refused")
            return
        real, used = sources_module.read_block, []

        def spy(*args: Any) -> Any:
            found = real(*args)
            used.append(found is not None)
            return found

        with mock.patch.object(sources_module, "read_block", spy):
            fast = _read(path, fast=True)
        event("read by columns" if any(used) else "read by elements")
        assert_projects_equal(slow.project, fast.project)
        assert fast.report.losses == slow.report.losses
        assert fast.report.warnings == slow.report.warnings
        event(f"{len(fast.project.codings)} codings")


def test_common_shape_is_read_by_columns(tmp_path: Path) -> None:
    selections = "".join(
        f'<PlainTextSelection guid="{n:08x}-1111-4000-8000-{n:012x}" startPosition="0" '
        f'endPosition="4" creatingUser="{USERS[0]}" modifiedDateTime="2024-03-02T09:00:00Z">'
        f'<Description /><Coding guid="{n:08x}-2222-4000-8000-{n:012x}">'
        f'<CodeRef targetGUID="{CODES[n % 2]}"/></Coding></PlainTextSelection>'
        for n in range(5)
    )
    body = (
        f'<Users><User guid="{USERS[0]}" name="a"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODES[0]}" name="one" isCodable="true"/>'
        f'<Code guid="{CODES[1]}" name="two" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SOURCE}" name="interview" '
        f'plainTextPath="internal://{SOURCE}.txt">{selections}</TextSource></Sources>'
    )
    path = qdpx(
        tmp_path / "p.qdpx", project_xml(body), {f"sources/{SOURCE}.txt": b"Peer work is hard"}
    )
    blocks: list[bool] = []
    real = sources_module.read_block

    def spy(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        blocks.append(found is not None)
        return found

    with mock.patch.object(sources_module, "read_block", spy):
        result = _assert_same_reading(path)
    assert blocks == [True]
    assert [c.code_id for c in result.project.codings] == [CODES[n % 2] for n in range(5)]
    assert {c.coder_id for c in result.project.codings} == {USERS[0]}
    # who last changed each selection and when is kept (issue 11), not reported lost
    changed = {c.modified_at for c in result.project.codings}
    assert changed == {dt.datetime(2024, 3, 2, 9, tzinfo=dt.UTC)}
    assert {c.modified_by for c in result.project.codings} == {None}
    assert result.report.lossless, result.report.lines()


def test_nvivo_sample_reads_the_same_both_ways(nvivo_sample: Path) -> None:
    result = _assert_same_reading(nvivo_sample)
    assert len(result.project.codings) > 0


def _written(project: Project, target: str, *, container: bool, as_text: bool) -> bytes:
    writer = QdeWriter(project, get_target(target), container=container, version="test")
    if as_text:
        return writer.build()
    with mock.patch.object(writer_base.XmlWriter, "ids_are_plain", lambda self: False):
        return writer.build()


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("container", [True, False])
def test_selections_as_text_are_the_bytes_lxml_writes(
    target: str, container: bool, project_schema: etree.XMLSchema
) -> None:
    project = sample_project()
    data = _written(project, target, container=container, as_text=True)
    assert data == _written(project, target, container=container, as_text=False)
    assert_valid(project_schema, data)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(project=projects())
def test_any_project_writes_the_same_bytes_both_ways(project: Project) -> None:
    for target, container in (("spec", True), ("nvivo", False)):
        as_text = _written(project, target, container=container, as_text=True)
        assert as_text == _written(project, target, container=container, as_text=False)
        etree.fromstring(as_text)  # well-formed


@given(parts=st.lists(st.text(), min_size=1, max_size=3))
def test_derived_ids_are_the_name_based_uuids_of_the_standard_library(parts: list[str]) -> None:
    name = "/".join(parts)
    try:
        expected = str(uuid.uuid5(extras.NAMESPACE, name))
    except UnicodeEncodeError:  # a lone surrogate: neither can encode it
        with pytest.raises(UnicodeEncodeError):
            extras.derived_id(*parts)
        return
    assert extras.derived_id(*parts) == expected


@given(
    ids=st.lists(st.text(st.characters(blacklist_categories=("Cs",)))),
    suffix=st.sampled_from(["selection", "anchor", ""]),
)
def test_derived_ids_in_bulk_are_the_derived_id_of_each(ids: list[str], suffix: str) -> None:
    expected = [str(uuid.uuid5(extras.NAMESPACE, f"{i}/{suffix}")) for i in ids]
    assert extras.derived_ids(ids, suffix) == expected
    assert extras.derived_ids(ids, suffix) == [extras.derived_id(i, suffix) for i in ids]
