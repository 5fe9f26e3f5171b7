"""The native JSON format: lossless, versioned, and clear about bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import qualcode
from qualcode import Code, Document, Link, Memo, Project, Set, Theme, new_id
from qualcode.errors import MissingReferenceError, ParseError, QualcodeError, SpanError
from qualcode.formats.native_json import (
    FORMAT_VERSION,
    JsonExporter,
    JsonImporter,
    decode_project,
    encode_project,
)
from qualcode.testing import assert_projects_equal, check_roundtrip, projects, sample_id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_model_to_json_to_model_is_identity(project: Project) -> None:
    text = json.dumps(encode_project(project), ensure_ascii=False, allow_nan=False)
    assert_projects_equal(project, decode_project(json.loads(text)))


def test_sample_project_round_trips_through_a_file(sample_project: Project, tmp_path: Path) -> None:
    report, back = check_roundtrip(JsonExporter, JsonImporter, sample_project, tmp_path)
    assert report.lossless
    assert back.documents[sample_id("doc:policy")].source_file == (
        sample_project.documents[sample_id("doc:policy")].source_file
    )


def test_indent_option_and_detection(sample_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "study.qualcode.json"
    qualcode.save(sample_project, target, indent=2)
    raw = target.read_text(encoding="utf-8")
    assert raw.startswith('{\n  "format": "qualcode"')
    assert "😀" in raw  # written as UTF-8, not escaped
    data = json.loads(raw)
    assert data["format"] == "qualcode" and data["version"] == FORMAT_VERSION
    assert len(data["codings"]) == len(sample_project.codings)
    # detected by content even under a name that says nothing
    renamed = tmp_path / "study.data"
    renamed.write_bytes(target.read_bytes())
    assert_projects_equal(sample_project, qualcode.load(renamed))


def test_forward_references_in_a_valid_project_load_back() -> None:
    """Edits can make an entity refer to one added after it; the file must still load."""
    project = Project()
    a = project.add_code(Code(id=new_id(), name="a"))
    b = project.add_code(Code(id=new_id(), name="b"))
    project.add_code(attrs.evolve(a, parent_id=b.id), replace=True)
    t1 = project.add_theme(Theme(id=new_id(), name="t1"))
    t2 = project.add_theme(Theme(id=new_id(), name="t2"))
    project.add_theme(attrs.evolve(t1, parent_id=t2.id), replace=True)
    document = project.add_document(Document(id=new_id(), name="d"))
    group = project.add_set(Set(id=new_id(), name="s"))
    memo = project.add_memo(Memo(id=new_id(), name="m", target_ids=(group.id,)))
    link = project.add_link(Link(id=new_id(), name="l", origin_id=memo.id, target_id=document.id))
    project.add_set(attrs.evolve(group, member_ids=(link.id,)), replace=True)
    assert_projects_equal(project, decode_project(encode_project(project)))


def write(tmp_path: Path, data: Any, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def good_data() -> dict[str, Any]:
    from qualcode.testing import sample_project

    return encode_project(sample_project())


def test_corrupt_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"format": "qualcode",\n "version": 1,\n "codes": [}')
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}:3: not valid JSON")


def test_not_utf8_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"format": "qualcode", "name": "\xff"}')
    with pytest.raises(ParseError, match="not valid JSON"):
        qualcode.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=FORMAT_VERSION + 1), "version 2 is not supported"),
        (lambda d: d.update(version="1"), "is not supported"),
        (lambda d: d.pop("format"), "not a qualcode JSON project"),
        (lambda d: d.update(format="nvivo"), "not a qualcode JSON project"),
    ],
)
def test_wrong_format_or_version(tmp_path: Path, change: Any, message: str) -> None:
    data = good_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(ParseError, match=message) as caught:
        qualcode.load(path, format="json")
    assert caught.value.path == str(path)


def test_a_list_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="not a qualcode JSON project"):
        qualcode.load(write(tmp_path, [1, 2]), format="json")


def dangling_coding(data: dict[str, Any]) -> None:
    data["codings"][0]["code_id"] = new_id()


def dangling_parent(data: dict[str, Any]) -> None:
    data["codes"][1]["parent_id"] = new_id()


def dangling_memo(data: dict[str, Any]) -> None:
    data["memos"][1]["target_ids"] = [new_id()]


def dangling_case_coding(data: dict[str, Any]) -> None:
    case = next(c for c in data["cases"] if "coding_ids" in c)
    case["coding_ids"] = [new_id()]


def outside_span(data: dict[str, Any]) -> None:
    data["codings"][0]["end"] = 10_000


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (dangling_coding, MissingReferenceError),
        (dangling_parent, MissingReferenceError),
        (dangling_memo, MissingReferenceError),
        (dangling_case_coding, MissingReferenceError),
        (outside_span, SpanError),
    ],
)
def test_broken_references_name_the_file(tmp_path: Path, change: Any, error: type) -> None:
    data = good_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(error) as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: ")


def missing_field(data: dict[str, Any]) -> None:
    del data["codings"][0]["start"]


def unknown_field(data: dict[str, Any]) -> None:
    data["codes"][0]["flavour"] = "sweet"


def bad_enum(data: dict[str, Any]) -> None:
    data["documents"][0]["kind"] = "podcast"


def bad_provenance_index(data: dict[str, Any]) -> None:
    data["codings"][0]["provenance"] = 99


def bad_date(data: dict[str, Any]) -> None:
    data["project"]["created_at"] = {"datetime": "yesterday"}


def section_not_a_list(data: dict[str, Any]) -> None:
    data["codes"] = 5


def entity_not_an_object(data: dict[str, Any]) -> None:
    data["coders"] = ["alex"]


def bad_region(data: dict[str, Any]) -> None:
    coding = next(c for c in data["codings"] if "region" in c)
    coding["region"] = {"region": "hologram"}


def bad_base64(data: dict[str, Any]) -> None:
    document = next(
        d for d in data["documents"] if "source_file" in d and "data" in d["source_file"]
    )
    document["source_file"]["data"] = {"base64": "!!not base64!!"}


def manual_not_first(data: dict[str, Any]) -> None:
    data["provenances"][0] = {"method": "rule", "name": "x"}


@pytest.mark.parametrize(
    "change",
    [
        missing_field,
        unknown_field,
        bad_enum,
        bad_provenance_index,
        bad_date,
        section_not_a_list,
        entity_not_an_object,
        bad_region,
        bad_base64,
        manual_not_first,
    ],
)
def test_corrupt_content_is_a_parse_error_naming_the_file(tmp_path: Path, change: Any) -> None:
    data = good_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(QualcodeError) as caught:
        qualcode.load(path)
    assert isinstance(caught.value, ParseError)
    assert caught.value.path == str(path)


def test_minimal_file_is_an_empty_project(tmp_path: Path) -> None:
    path = write(tmp_path, {"format": "qualcode", "version": FORMAT_VERSION, "project": {}})
    project = qualcode.load(path)
    assert project.name == "Untitled project"
    assert all(count == 0 for count in project.counts().values())


def test_codings_share_their_provenance(sample_project: Project) -> None:
    data = encode_project(sample_project)
    rule_codings = [c for c in sample_project.codings if c.provenance.method.value == "rule"]
    assert len(rule_codings) == 2
    assert len(data["provenances"]) == 3  # manual, the rule, the model
    back = decode_project(data)
    first, second = (back.codings[c.id] for c in rule_codings)
    assert first.provenance is second.provenance


def test_loaded_codings_share_the_id_strings_of_what_they_refer_to(
    sample_project: Project,
) -> None:
    """A million codings must not each hold copies of their document's and code's ids."""
    back = decode_project(json.loads(json.dumps(encode_project(sample_project))))
    for coding in back.codings:
        assert coding.document_id is back.documents[coding.document_id].id
        assert coding.code_id is back.codes[coding.code_id].id
        if coding.coder_id is not None:
            assert coding.coder_id is back.coders[coding.coder_id].id
