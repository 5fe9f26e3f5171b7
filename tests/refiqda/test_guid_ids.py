"""A project whose ids are not GUIDs (built in Python, or read from qualcode's JSON) is written as
schema-valid REFI-QDA, and qualcode reads its export back with the original ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import qualcode
from qualcode.formats.refiqda.guid_ids import _GUID, _all_guids
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Link,
    Memo,
    Set,
    Theme,
    Variable,
    VariableType,
)
from qualcode.project import Project
from qualcode.testing.compare import assert_projects_equal

from .conftest import assert_valid, qde_of

GUID_A = "0badc0de-0000-4000-8000-000000000001"


def readable_ids() -> Project:
    project = Project(name="ids", created_by="alice")
    project.add_all(
        [
            Coder(id="alice", name="Alice"),
            Coder(id=GUID_A, name="Bo"),  # a GUID id stays as it is
            Variable(id="age", name="Age", type=VariableType.INTEGER),
            Case(
                id="p1",
                name="P1",
                attributes={"age": 34},
                code_ids=("money",),
                coding_ids=("k2",),
            ),
            Document(id="doc 1", name="Interview", text="We could not pay the rent.", case_id="p1"),
            Code(id="money", name="Money", created_by="alice"),
            Code(id="rent", name="Rent", parent_id="money"),
            Theme(id="t1", name="Getting by", code_ids=("money", "rent")),
            Coding(
                id="k1",
                document_id="doc 1",
                code_id="rent",
                start=20,
                end=25,
                coder_id="alice",
                created=dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC),
            ),
            Coding(id="k2", document_id="doc 1", code_id="money", start=0, end=5, coder_id=GUID_A),
            Memo(id="m1", name="On rent", text="often", target_ids=("k1",), created_by="alice"),
            Memo(id="m2", name="On P1", text="quiet", target_ids=("p1",)),
            Set(id="s1", name="Early", member_ids=("doc 1", "money", "m1")),
            Link(id="l1", name="leads to", origin_id="money", target_id="rent"),
        ]
    )
    return project


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_ids_that_are_not_guids_are_written_as_guids_and_read_back(
    tmp_path: Path, target: str, project_schema: etree.XMLSchema
) -> None:
    original = readable_ids()
    out = tmp_path / "ids.qdpx"
    qualcode.save(original, out, target=target)
    qde = qde_of(out)
    assert_valid(project_schema, qde)
    root = etree.fromstring(qde)
    written = {v for e in root.iter() for k, v in e.attrib.items() if k.endswith(("guid", "GUID"))}
    assert "money" not in written and "doc 1" not in written and GUID_A in written
    assert_projects_equal(original, qualcode.load(out))


def test_a_bare_qde_and_a_codebook_are_valid_too(
    tmp_path: Path, project_schema: etree.XMLSchema, codebook_schema: etree.XMLSchema
) -> None:
    original = readable_ids()
    qualcode.save(original, tmp_path / "ids.qde")
    assert_valid(project_schema, (tmp_path / "ids.qde").read_bytes())
    assert_projects_equal(original, qualcode.load(tmp_path / "ids.qde"))
    qualcode.save(original, tmp_path / "ids.qdc")
    assert_valid(codebook_schema, (tmp_path / "ids.qdc").read_bytes())
    codes = qualcode.load(tmp_path / "ids.qdc").codes
    assert sorted(code.name for code in codes) == ["Money", "Rent"]


@given(
    st.lists(
        st.one_of(
            st.uuids().map(str),
            st.text(alphabet="0123456789abcdefABCDEF-{}x\n", min_size=30, max_size=40),
        ),
        max_size=5,
    )
)
def test_the_quick_guid_check_agrees_with_the_pattern(ids: list[str]) -> None:
    assert _all_guids(ids) == all(_GUID.fullmatch(value) is not None for value in ids)


def test_a_lone_surrogate_in_an_id_or_the_project_name_is_written_and_read_back(
    tmp_path: Path, project_schema: etree.XMLSchema
) -> None:
    # a project made in Python may hold one; the GUID derived from it must not fail to encode
    original = Project(name="a\ud800")
    original.add(Code(id="code-\ud800", name="C"))
    out = tmp_path / "odd.qdpx"
    qualcode.save(original, out, target="nvivo")
    assert_valid(project_schema, qde_of(out))
    assert_projects_equal(original, qualcode.load(out))
