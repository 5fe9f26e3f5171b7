"""The helpers of ``qualcode.testing`` do what plugin authors rely on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from qualcode import (
    Coding,
    Document,
    DocumentKind,
    Exporter,
    Importer,
    ImportResult,
    LossReport,
    MediaRange,
    PdfRegion,
    PictureRegion,
    Project,
    ProvenanceMethod,
    SourceKind,
    VariableType,
)
from qualcode.formats.native_json import JsonExporter, JsonImporter
from qualcode.formats.plaintext import PlainTextImporter
from qualcode.plugins import Plugins
from qualcode.testing import (
    assert_projects_equal,
    check_importer,
    check_roundtrip,
    project_differences,
    projects,
    sample_project,
)


def test_sample_project_uses_every_kind_of_entity(sample_project: Project) -> None:
    counts = sample_project.counts()
    assert all(count > 0 for count in counts.values()), counts
    assert sample_project.check() == []
    coders = list(sample_project.coders)
    assert {c.machine for c in coders} == {True, False}
    assert {v.type for v in sample_project.variables} == set(VariableType)
    kinds = {d.kind for d in sample_project.documents}
    assert {DocumentKind.INTERVIEW, DocumentKind.DIARY, DocumentKind.FOCUS_GROUP} <= kinds
    assert {d.time_point for d in sample_project.documents} >= {1, 2, 3}
    assert any(d.source is SourceKind.PDF for d in sample_project.documents)
    assert any(d.source_file and d.source_file.data for d in sample_project.documents)
    assert any(d.paragraphs for d in sample_project.documents)
    assert any(d.turns for d in sample_project.documents)
    assert any(d.sync_points for d in sample_project.documents)
    texts = "".join(d.text for d in sample_project.documents)
    assert any(ord(ch) > 0xFFFF for ch in texts)  # emoji
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts)  # CJK
    assert any("\u0590" <= ch <= "\u06ff" for ch in texts)  # Hebrew / Arabic
    regions = {type(c.region) for c in sample_project.codings}
    assert {PdfRegion, PictureRegion, MediaRange} <= regions
    methods = {c.provenance.method for c in sample_project.codings}
    assert {ProvenanceMethod.MANUAL, ProvenanceMethod.RULE} <= methods
    depth = max(len(sample_project.code_path(c.id)) for c in sample_project.codes)
    assert depth >= 3
    assert any(c.definition and c.inclusion and c.exclusion for c in sample_project.codes)
    assert any(t.parent_id for t in sample_project.themes)
    assert any(m.start is not None for m in sample_project.memos)
    assert any(c.attributes for c in sample_project.cases)
    assert any(c.coding_ids for c in sample_project.cases)


def test_sample_project_is_the_same_each_time() -> None:
    assert_projects_equal(sample_project(), sample_project())


def test_differences_are_reported_readably(sample_project: Project) -> None:
    other = sample_project_copy_of(sample_project)
    coding = next(iter(other.codings))
    other.add_coding(attrs.evolve(coding, end=coding.start), replace=True)
    other.name = "changed"
    with pytest.raises(AssertionError) as caught:
        assert_projects_equal(sample_project, other)
    text = str(caught.value)
    assert "project field 'name'" in text
    assert f"coding {coding.id}: field 'end'" in text


def test_order_matters_only_when_asked(sample_project: Project) -> None:
    reordered = Project(name=sample_project.name)
    for field in ("description", "origin", "created_by", "created_at", "modified_by"):
        setattr(reordered, field, getattr(sample_project, field))
    reordered.modified_at = sample_project.modified_at
    for collection in ("coders", "variables", "codes", "themes", "cases", "documents"):
        for entity in getattr(sample_project, collection):
            if collection == "cases":
                entity = attrs.evolve(entity, coding_ids=())
            reordered.add(entity)
    reordered.add_codings(reversed(list(sample_project.codings)))
    for case in sample_project.cases:
        reordered.add_case(case, replace=True)
    for collection in ("memos", "sets", "links"):
        for entity in getattr(sample_project, collection):
            reordered.add(entity)
    assert project_differences(sample_project, reordered) == [
        "codings: same ids in a different order"
    ]
    assert_projects_equal(sample_project, reordered, ordered=False)


def sample_project_copy_of(project: Project) -> Project:
    from qualcode.formats.native_json import decode_project, encode_project

    return decode_project(encode_project(project))


@settings(max_examples=30, deadline=None)
@given(projects())
def test_random_projects_are_valid(project: Project) -> None:
    assert project.check() == []
    for coding in project.codings:
        assert 0 <= coding.start <= coding.end <= len(project.documents[coding.document_id].text)


def test_check_importer_accepts_a_good_importer(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_bytes(b"hello\r\nworld\r\n")
    result = check_importer(PlainTextImporter, source)
    assert [d.text for d in result.project.documents] == ["hello\nworld\n"]


class _ModifyingImporter(Importer):
    name = "modifying"
    extensions = (".txt",)

    def read(self, path: Path, **options: Any) -> ImportResult:
        path.write_bytes(b"changed")
        return ImportResult(Project())


class _NamelessImporter(Importer):
    extensions = (".txt",)

    def read(self, path: Path, **options: Any) -> ImportResult:
        return ImportResult(Project())


@pytest.mark.parametrize(
    ("importer", "complaint"),
    [(_ModifyingImporter, "modified its input"), (_NamelessImporter, "has no name")],
)
def test_check_importer_catches_bad_importers(
    tmp_path: Path, importer: type[Importer], complaint: str
) -> None:
    source = tmp_path / "note.txt"
    source.write_bytes(b"hello")
    with pytest.raises(AssertionError, match=complaint):
        check_importer(importer, source)


def test_check_roundtrip_passes_for_native_json(sample_project: Project, tmp_path: Path) -> None:
    report, back = check_roundtrip(JsonExporter, JsonImporter, sample_project, tmp_path)
    assert report.lossless
    assert back.counts() == sample_project.counts()


class _ForgetfulExporter(JsonExporter):
    """Claims to be lossless but drops every coding."""

    name = "forgetful"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        copy = sample_project_copy_of(project)
        for coding_id in copy.codings.ids():
            copy.remove(coding_id)
        return super().write(copy, path, **options)


class _HonestExporter(_ForgetfulExporter):
    """Drops every coding and says so."""

    name = "honest"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        super().write(project, path, **options)
        report = LossReport()
        report.add("coding", count=len(project.codings))
        return report

    def losses(self, project: Project, **options: Any) -> LossReport:
        return Exporter.losses(self, project, **options)


def test_check_roundtrip_catches_an_unreported_loss(
    sample_project: Project, tmp_path: Path
) -> None:
    with pytest.raises(AssertionError, match="only in the first project"):
        check_roundtrip(_ForgetfulExporter, JsonImporter, sample_project, tmp_path)


def test_check_roundtrip_accepts_a_reported_loss(sample_project: Project, tmp_path: Path) -> None:
    report, back = check_roundtrip(_HonestExporter, JsonImporter, sample_project, tmp_path)
    assert not report.lossless
    assert len(back.codings) == 0


def test_plugins_fixture_has_the_builtins(qualcode_plugins: Plugins) -> None:
    assert {"json", "text"} <= set(qualcode_plugins.importers.names())
    assert "json" in qualcode_plugins.exporters


def test_usable_as_a_pytest_plugin(tmp_path: Path) -> None:
    test_file = tmp_path / "test_plugin_author.py"
    test_file.write_text(
        textwrap.dedent(
            """
            pytest_plugins = ["qualcode.testing"]

            def test_fixtures(sample_project, qualcode_plugins):
                assert len(sample_project.codings) > 0
                assert "json" in qualcode_plugins.exporters
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_document_of_sample_keeps_its_text(sample_project: Project) -> None:
    for coding in sample_project.codings:
        document: Document = sample_project.documents[coding.document_id]
        assert sample_project.quote(coding) == document.text[coding.start : coding.end]
        assert isinstance(coding, Coding)


class _MeddlingExporter(JsonExporter):
    """Renames the project it was asked to write."""

    name = "meddling"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        project.name = "renamed by the exporter"
        return super().write(project, path, **options)


def test_check_roundtrip_catches_an_exporter_that_changes_the_project(
    sample_project: Project, tmp_path: Path
) -> None:
    with pytest.raises(AssertionError, match="changed the project"):
        check_roundtrip(_MeddlingExporter, JsonImporter, sample_project, tmp_path)
