"""qualcode's own round trip: model -> .qdpx/.qde -> model is identity, and output validates.

Identity includes the order of every collection: REFI-QDA nests codes under their parents and
codings under their sources, and qualcode's note restores the project's own order.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from lxml import etree

from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.plugin import QdeExporter, QdeImporter, QdpxExporter, QdpxImporter
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.losses import LossReport
from qualcode.model import (
    Code,
    Coding,
    Document,
    Memo,
    Provenance,
    ProvenanceMethod,
    frozen_map,
    new_id,
)
from qualcode.project import Project
from qualcode.testing import assert_projects_equal, check_roundtrip, projects, sample_project

from .conftest import assert_valid, qde_of


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_sample_project_survives_and_validates(
    tmp_path: Path, target: str, project_schema: etree.XMLSchema
) -> None:
    project = sample_project()
    report, back = check_roundtrip(QdpxExporter, QdpxImporter, project, tmp_path, target=target)
    assert_valid(project_schema, qde_of(tmp_path / "roundtrip.qdpx"))
    assert_projects_equal(project, back)
    if target == "spec":
        assert report.lossless, report.lines()
    else:
        assert not report.lossless  # tools other than qualcode lose qualcode's own fields


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_bare_qde_survives_and_validates(
    tmp_path: Path, target: str, project_schema: etree.XMLSchema
) -> None:
    project = sample_project()
    _report, back = check_roundtrip(QdeExporter, QdeImporter, project, tmp_path, target=target)
    assert_valid(project_schema, (tmp_path / "roundtrip.qde").read_bytes())
    assert_projects_equal(project, back)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(project=projects())
def test_any_project_survives_its_own_round_trip(
    project: Project, project_schema: etree.XMLSchema
) -> None:
    for target in ("spec", "nvivo"):
        with tempfile.TemporaryDirectory() as folder:
            report, back = check_roundtrip(
                QdpxExporter, QdpxImporter, project, folder, target=target
            )
            assert_valid(project_schema, qde_of(Path(folder) / "roundtrip.qdpx"))
            # spec: check_roundtrip compared if nothing was lost. Other targets report what
            # their tool cannot show, but qualcode reads all of that back from its note.
            compared = report.lossless or (target != "spec" and _only_tool_losses(report))
            if compared:
                assert_projects_equal(project, back)
            event(f"{target}: {'compared' if compared else 'really lossy'}")


def _only_tool_losses(report: LossReport) -> bool:
    """Whether every loss is one only other tools suffer (qualcode's note carries it)."""
    return all(loss.where == TARGETS["nvivo"].label for loss in report)


@pytest.mark.parametrize("target", ["spec", "nvivo"])
def test_a_lone_surrogate_in_a_text_becomes_u_fffd_and_is_reported(
    tmp_path: Path, target: str
) -> None:
    """UTF-8 cannot encode a lone surrogate (a project made in Python can hold one). The text
    file gets U+FFFD, one position wide like the original (it was '?', without a word in the
    report), counted with the characters XML cannot hold; qualcode's note keeps the exact text."""
    text = "ab\ud800cd efg"
    project = Project(name="p")
    document = project.add_document(Document(id=new_id(), name="d", text=text))
    code = project.add_code(Code(id=new_id(), name="c"))
    coding = project.add_coding(
        Coding(id=new_id(), document_id=document.id, code_id=code.id, start=6, end=9)
    )
    path = tmp_path / "out.qdpx"
    report = QdpxExporter().write(project, path, target=target)
    with zipfile.ZipFile(path) as archive:
        (data,) = [archive.read(n) for n in archive.namelist() if n.endswith(".txt")]
    assert data.removeprefix(b"\xef\xbb\xbf") == "ab\ufffdcd efg".encode()
    lines = report.lines()
    if target == "nvivo":  # other programs see U+FFFD
        assert lines == [
            "written for NVivo (target nvivo; as asked)",
            "lost: characters XML cannot hold (replaced by U+FFFD) in NVivo",
        ]
    else:  # the standard's target: qualcode reads the exact text back, so nothing is lost
        assert lines == ["written for the REFI-QDA standard (target spec; as asked)"]
    back = QdpxImporter().read(path).project
    assert back.documents[document.id].text == text
    assert back.quote(back.codings[coding.id]) == "efg"


def test_a_strategys_codings_share_their_provenance_in_the_note(tmp_path: Path) -> None:
    project = Project(name="coded by a strategy")
    code = project.add_code(Code(id=new_id(), name="Training"))
    text = "training " * 3000
    document = project.add_document(Document(id=new_id(), name="Interview", text=text))
    provenance = Provenance(
        method=ProvenanceMethod.RULE,
        name="keywords",
        version="1.0",
        rule="train*",
        parameters=frozen_map({"unit": "hit", "window": 5, "whole_word": True}),
    )
    codings = [
        Coding(new_id(), document.id, code.id, 9 * n, 9 * n + 8, provenance=provenance)
        for n in range(3000)
    ]
    project.add_codings(codings)
    path = tmp_path / "coded.qdpx"
    QdpxExporter().write(project, path)

    note = qde_of(path).decode("utf-8")
    assert note.count('"rule":"train*"') == 1  # written once, referred to 3,000 times
    assert_projects_equal(QdpxImporter().read(path).project, project)


def test_a_text_over_ten_megabytes_reads_back(tmp_path: Path) -> None:
    """libxml2 refuses a text node over 10 MB unless told otherwise: a long memo, or qualcode's
    note for a large project, must still read back."""
    project = sample_project()
    memo = project.add_memo(Memo(id=new_id(), name="Field notes", text="notes " * 2_000_000))
    for exporter, importer, name in (
        (QdpxExporter(), QdpxImporter(), "long.qdpx"),
        (QdeExporter(), QdeImporter(), "long.qde"),
    ):
        exporter.write(project, tmp_path / name)
        back = importer.read(tmp_path / name).project
        assert back.memos[memo.id].text == memo.text


def test_notes_of_version_1_still_read_and_references_resolve() -> None:
    provenance = {"method": "rule", "name": "keywords", "version": "1.0"}
    old = extras.Extras.from_json(
        json.dumps(
            {"format": extras.FORMAT, "version": 1, "entities": {"a": {"provenance": provenance}}}
        )
    )
    new = extras.Extras.from_json(
        json.dumps(
            {
                "format": extras.FORMAT,
                "version": 2,
                "shared": [provenance],
                "entities": {
                    "a": {"provenance": {"$shared": 0}},
                    "b": {"provenance": {"$shared": 7}},
                },
            }
        )
    )
    assert old is not None and new is not None
    assert old.entities["a"]["provenance"] == new.entities["a"]["provenance"] == provenance
    assert new.entities["b"]["provenance"] == {"$shared": 7}  # dangling: reported when applied
    assert extras.Extras.from_json(json.dumps({"format": extras.FORMAT, "version": 3})) is None
