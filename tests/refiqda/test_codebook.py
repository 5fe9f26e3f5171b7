"""Codebooks (.qdc): schema-valid output, namespace variants, themes and codebook fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import qualcode
from qualcode.errors import OutputError
from qualcode.model import Code, CodeOrigin, CodeStatus, Set, Theme, ThemeStatus
from qualcode.project import Project
from qualcode.testing import sample_project

from .builders import G
from .conftest import assert_valid


def _codebook_project() -> Project:
    project = Project(name="Codebook")
    project.add_code(
        Code(
            G["code"],
            "Money",
            color="#FF0000",
            definition="Talk about money.\nAny kind.",
            inclusion="debt, rent",
            exclusion="the economy",
            examples=("we could not pay", "bills"),
            origin=CodeOrigin.DEDUCTIVE,
            status=CodeStatus.CANDIDATE,
        )
    )
    project.add_code(Code(G["child"], "Debt", parent_id=G["code"], codable=False))
    project.add_code(Code(G["other"], "Family"))
    project.add_theme(
        Theme(
            G["set"],
            "Hardship",
            code_ids=(G["code"], G["other"]),
            definition="d",
            narrative="n",
            status=ThemeStatus.REVIEWED,
        )
    )
    project.add_set(Set(G["link"], "Core codes", member_ids=(G["child"],), description="core"))
    return project


def test_codebook_round_trip_is_identity(tmp_path: Path, codebook_schema: etree.XMLSchema) -> None:
    project = _codebook_project()
    out = tmp_path / "book.qdc"
    report = qualcode.save(project, out)
    assert report.lossless, report.lines()
    assert_valid(codebook_schema, out.read_bytes())
    back = qualcode.load(out)
    assert {c.id: c for c in back.codes} == {c.id: c for c in project.codes}
    assert list(back.themes) == list(project.themes)
    assert list(back.sets) == list(project.sets)


def test_codebook_description_is_human_readable(tmp_path: Path) -> None:
    out = tmp_path / "book.qdc"
    qualcode.save(_codebook_project(), out)
    text = out.read_text(encoding="utf-8")
    assert "Inclusion: debt, rent" in text and "Example: bills" in text
    assert "Origin: deductive" in text and "Theme: reviewed" in text


def test_codebook_of_a_whole_project_reports_what_it_leaves_out(
    tmp_path: Path, codebook_schema: etree.XMLSchema
) -> None:
    out = tmp_path / "sample.qdc"
    report = qualcode.save(sample_project(), out)
    assert_valid(codebook_schema, out.read_bytes())
    lost = " ".join(str(loss) for loss in report)
    assert "documents" in lost and "codings" in lost


def test_a_codebook_needs_a_code(tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        qualcode.save(Project(), tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


@pytest.mark.parametrize(
    "namespace",
    ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"],
)
def test_namespace_variants_and_empty_sets_read(tmp_path: Path, namespace: str) -> None:
    path = tmp_path / "taguette.qdc"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{namespace}" origin="Taguette">'
        f'<Codes><Code guid="{{{G["code"].upper()}}}" name="A" isCodable="true">'
        f'<Code guid="{G["child"]}" name="B" isCodable="true"/></Code></Codes><Sets/></CodeBook>',
        encoding="utf-8",
    )
    result = qualcode.read(path)
    project = result.project
    assert [c.name for c in project.codes] == ["A", "B"]
    assert project.codes[G["child"]].parent_id == G["code"]
    assert project.origin == "Taguette" and result.report.lossless


def test_project_codebook_sets_use_guid_attribute(tmp_path: Path) -> None:
    path = tmp_path / "sets.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        f'<Codes><Code guid="{G["code"]}" name="A" isCodable="true"/></Codes>'
        f'<Sets><Set guid="{G["set"]}" name="S"><MemberCode guid="{G["code"]}"/></Set></Sets>'
        "</CodeBook>",
        encoding="utf-8",
    )
    project = qualcode.load(path)
    assert project.sets[G["set"]].member_ids == (G["code"],)
