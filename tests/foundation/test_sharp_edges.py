"""Sharp edges a new user of the API met: repr, lookups, code_by_path, CRLF, the testing extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import qualcode
from qualcode import Code, Coder, Coding, Document, Project
from qualcode.errors import MissingReferenceError


def small_project() -> Project:
    project = Project(name="study")
    project.add_code(Code(id="feelings", name="Feelings"))
    project.add_code(Code(id="fear", name="Fear", parent_id="feelings"))
    project.add_document(Document(id="doc", name="PN1", text="I was afraid.\nThen not."))
    project.add_coder(Coder(id="me", name="Me"))
    project.add_coding(Coding(id="c1", document_id="doc", code_id="fear", start=0, end=13))
    return project


def test_repr_is_a_one_line_summary() -> None:
    project = small_project()
    for number in range(200):
        project.add_document(Document(id=f"d{number}", name=f"D{number}", text="x" * 100))
    shown = repr(project)
    assert "\n" not in shown and len(shown) < 200
    assert shown == "<Project 'study': documents=201, codes=2, codings=1, coders=1>"
    assert repr(Project()) == "<Project 'Untitled project': empty>"


@pytest.mark.parametrize("field", ["code_id", "document_id", "case_id", "coder_id"])
def test_find_codings_with_an_unknown_id_raises_like_a_lookup(field: str) -> None:
    project = small_project()
    with pytest.raises(MissingReferenceError, match=r"no \w+ with id nope"):
        project.find_codings(**{field: "nope"})
    with pytest.raises(KeyError):
        project.find_codings(**{field: "nope"})


def test_find_codings_with_known_ids_still_filters() -> None:
    project = small_project()
    assert [c.id for c in project.find_codings(code_id="feelings", include_subcodes=True)] == ["c1"]
    assert project.find_codings(code_id="feelings") == []


def test_project_lookups_are_key_errors() -> None:
    with pytest.raises(KeyError):
        small_project().codes["nope"]


def test_code_by_path_takes_names_and_refuses_a_string() -> None:
    project = small_project()
    assert project.code_by_path(("Feelings", "Fear")) == project.codes["fear"]
    assert project.code_by_path(["Feelings", "Hope"]) is None
    with pytest.raises(TypeError, match="sequence of names"):
        project.code_by_path("Feelings/Fear")


def test_a_crlf_text_is_kept_as_the_docs_say(tmp_path: Path) -> None:
    """docs/model.md: accepted as it is, each \\r one code point; importers give \\n."""
    project = small_project()
    text = "one\r\ntwo"
    project.add_document(Document(id="crlf", name="Windows", text=text))
    project.add_coding(Coding(id="c2", document_id="crlf", code_id="fear", start=5, end=8))
    assert project.documents["crlf"].text == text
    assert project.quote(project.codings["c2"]) == "two"
    source = tmp_path / "windows.txt"
    source.write_bytes(text.encode())
    loaded = qualcode.load(source)
    only = next(iter(loaded.documents))
    assert only.text == "one\ntwo" and only.text_origin.newline == "\r\n"
    docs = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
    assert "counts it as one code point" in docs and "Importers always give canonical texts" in docs


def test_the_import_report_of_load_is_reachable_through_read(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"one\r\ntwo\r\n")
    result = qualcode.read(source)
    assert result.project.documents.ids() and result.report is not None
    assert "read" in qualcode.__all__ and (qualcode.load.__doc__ or "").count("read") >= 1


def test_the_testing_helpers_name_the_extra_they_need(tmp_path: Path) -> None:
    """In a fresh interpreter where Hypothesis cannot be imported."""
    probe = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import qualcode.testing as t\n"
        "t.sample_project()\n"
        "try:\n    t.projects()\n"
        "except ModuleNotFoundError as e:\n    print(e.name, '|', e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(sys.path)},
    )
    assert done.stdout.startswith("hypothesis | ")
    assert "qualcode[testing]" in done.stdout
