"""The library side of validation: problems as data, and no crash on damaged input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.formats.refiqda.validation import (
    SCHEMAS_VARIABLE,
    Problem,
    Schemas,
    schema_folder,
    validate_file,
)

from .conftest import TEXT, TEXT_FILE, find, rich_project, write_qdpx, xml_bytes

CLEAN_QDE = xml_bytes(rich_project())


def test_problem_location_names_file_member_line_and_guid() -> None:
    problem = Problem("a.qdpx", "broken", "project.qde", 12, "abc", "reference")
    assert str(problem) == "a.qdpx!project.qde:12 (guid abc): broken"
    assert Problem("a.qdc", "broken").location == "a.qdc"
    assert problem.as_dict() == {
        "file": "a.qdpx",
        "member": "project.qde",
        "line": 12,
        "guid": "abc",
        "check": "reference",
        "message": "broken",
    }


def test_the_schema_folder_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(SCHEMAS_VARIABLE, raising=False)
    assert schema_folder(None) is None
    monkeypatch.setenv(SCHEMAS_VARIABLE, str(tmp_path))
    assert schema_folder(None) == tmp_path
    assert schema_folder(tmp_path / "other") == tmp_path / "other"


def test_a_folder_without_the_schema_needed_is_an_error(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "small.qdpx", rich_project())
    with pytest.raises(QualcodeError, match=r"Project\.xsd"):
        validate_file(path, schemas=Schemas(tmp_path))


def test_a_file_that_is_not_a_schema_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Project.xsd").write_text("<not-a-schema/>", encoding="utf-8")
    path = write_qdpx(tmp_path / "small.qdpx", rich_project())
    with pytest.raises(QualcodeError, match="schema"):
        validate_file(path, schemas=Schemas(tmp_path))


def test_the_schema_reports_every_violation_with_its_line(shared_dir: Path, tmp_path: Path) -> None:
    root = rich_project()
    del find(root, "Code").attrib["isCodable"]
    del find(root, "Variable").attrib["typeOfVariable"]
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    problems = validate_file(path, schemas=Schemas(shared_dir / "refi-qda"))
    assert [p.check for p in problems] == ["schema", "schema"]
    assert all(p.member == "project.qde" and p.line for p in problems)
    assert "isCodable" in problems[0].message and "typeOfVariable" in problems[1].message


def test_an_unsafe_member_path_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", CLEAN_QDE)
        archive.writestr("../escape.txt", b"x")
    (problem,) = validate_file(path)
    assert problem.check == "read"
    assert "unsafe" in problem.message


def test_xml_entities_are_refused_not_expanded(tmp_path: Path) -> None:
    data = CLEAN_QDE.replace(
        b"<Project", b'<!DOCTYPE Project [<!ENTITY x "xxxxxxxx">]>\n<Project', 1
    )
    path = tmp_path / "project.qde"
    path.write_bytes(data)
    (problem,) = validate_file(path)
    assert problem.check == "read"
    assert "entities" in problem.message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_damaged_files_give_problems_never_crashes(tmp_path: Path, data: st.DataObject) -> None:
    qde = bytearray(CLEAN_QDE)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(qde) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            qde[position] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del qde[position : position + data.draw(st.integers(1, 40))]
        else:
            qde[position:position] = data.draw(
                st.sampled_from([b'"', b"<", b">", b"-", b"{", b"&amp;", b"\xf0\x9f", b"99999"])
            )
    path = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", bytes(qde))
        archive.writestr(f"sources/{TEXT_FILE}", TEXT.encode("utf-8"))
    problems = validate_file(path)
    assert all(isinstance(p, Problem) and p.file == str(path) for p in problems)
