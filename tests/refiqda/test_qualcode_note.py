"""qualcode's note: written only when the file cannot otherwise give back what qualcode needs,
small, named for the person who sees it in another program, and left out on request.

The note used to go into every export (a JSON memo of several KB even on a plain NVivo to NVivo
conversion, shown in the user's NVivo project). What the XML already says is now read back from
the XML: a code's codebook fields from its description, the project's origin from
``Project/@origin``, a text's encoding where it is written the way it came, an original file
stored under the name qualcode reads it back with.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.errors import OptionError
from qualcode.formats.refiqda import extras
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.model import new_id
from qualcode.testing import assert_projects_equal, sample_project
from qualcode.testing.compare import project_differences

from .conftest import qde_of

NS = {"q": "urn:QDA-XML:project:1.0"}


def _notes(path: Path) -> list[etree._Element]:
    return etree.fromstring(qde_of(path)).findall("q:Notes/q:Note", NS)


def _data_note(path: Path) -> etree._Element | None:
    found = [n for n in _notes(path) if n.get("name") == extras.NOTE_NAME]
    assert len(found) <= 1
    return found[0] if found else None


def test_nvivo_to_nvivo_writes_no_note_and_reads_back_the_same(
    nvivo_sample: Path, tmp_path: Path
) -> None:
    project = qualcode.load(nvivo_sample)
    out = tmp_path / "for-nvivo.qdpx"
    report = qualcode.save(project, out, target="nvivo")
    assert report.lossless, report.lines()
    assert b"<Notes" not in qde_of(out)  # nothing at all: the sample has no memos
    assert project_differences(project, qualcode.load(out)) == []


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_target_gives_the_nvivo_sample_back_with_a_small_note(
    nvivo_sample: Path, tmp_path: Path, target: str
) -> None:
    project = qualcode.load(nvivo_sample)
    out = tmp_path / f"for-{target}.qdpx"
    qualcode.save(project, out, target=target)
    assert project_differences(project, qualcode.load(out)) == []
    note = _data_note(out)
    if note is None:
        return
    text = note.findtext("q:PlainTextContent", namespaces=NS) or ""
    data = json.loads(text)
    # what the note says: the texts were re-encoded (the sample's had a BOM and CRLF)
    assert list(data["entities"]) == [d.id for d in project.documents]
    assert list(data["entities"][project.documents.ids()[0]]) == ["text_origin"]
    assert len(text) < 300  # 5,854 characters before: code definitions, the original's name


def test_the_note_is_named_and_described_for_a_person(tmp_path: Path) -> None:
    out = tmp_path / "sample.qdpx"
    qualcode.save(sample_project(), out, target="nvivo")
    note = _data_note(out)
    assert note is not None
    assert not note.get("name", "").startswith("qualcode data")
    description = note.findtext("q:Description", namespaces=NS) or ""
    assert "NVivo has no place for" in description and "delete it" in description
    assert note.get("creationDateTime")


def test_a_note_under_its_old_name_is_still_read(tmp_path: Path) -> None:
    project = sample_project()
    out = tmp_path / "sample.qdpx"
    qualcode.save(project, out, target="spec")
    renamed = tmp_path / "old-name.qdpx"
    (old_name,) = extras.OLD_NOTE_NAMES
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(renamed, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "project.qde":
                data = data.replace(
                    f'name="{extras.NOTE_NAME}"'.encode(), f'name="{old_name}"'.encode()
                )
                assert old_name.encode() in data
            copy.writestr(item, data)
    assert_projects_equal(project, qualcode.load(renamed))


def test_codebook_fields_a_description_gives_back_need_no_note(tmp_path: Path) -> None:
    project = qualcode.Project(name="Codebook", origin="")
    project.add_code(
        qualcode.Code(
            id=new_id(),
            name="money",
            definition="Talk about money.",
            inclusion="any mention of debt",
            examples=("we could not pay",),
            origin=qualcode.CodeOrigin.DEDUCTIVE,
        )
    )
    out = tmp_path / "codebook.qdpx"
    assert qualcode.save(project, out, target="spec").lossless
    assert _notes(out) == []
    assert project_differences(project, qualcode.load(out)) == []


def test_a_definition_that_looks_like_a_field_keeps_the_note(tmp_path: Path) -> None:
    """A definition with a line the description parser would take for a field: the note keeps
    the exact fields."""
    project = qualcode.Project(name="Codebook")
    project.add_code(
        qualcode.Code(id=new_id(), name="c", definition="Mind this\nInclusion: a trap")
    )
    out = tmp_path / "trap.qdpx"
    qualcode.save(project, out, target="nvivo")
    assert _data_note(out) is not None
    assert project_differences(project, qualcode.load(out)) == []


def test_the_origin_travels_in_the_project_attribute(nvivo_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "for-nvivo.qdpx"
    qualcode.save(qualcode.load(nvivo_sample), out, target="nvivo")
    origin = etree.fromstring(qde_of(out)).get("origin", "")
    assert (
        origin.startswith("qualcode ") and "(target: nvivo) from NVivo for Windows 12.6" in origin
    )
    assert extras.original_origin(origin) == "NVivo for Windows 12.6"
    assert extras.original_origin("qualcode 1.0 (target: spec)") == ""
    assert extras.original_origin("MAXQDA 24") == "MAXQDA 24"


def test_a_memo_without_a_time_gets_its_last_change_or_the_projects(tmp_path: Path) -> None:
    changed = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
    project_time = dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    project = qualcode.Project(name="Memos", modified_at=project_time)
    project.add_memo(qualcode.Memo(id=new_id(), name="changed", text="a", modified_at=changed))
    project.add_memo(qualcode.Memo(id=new_id(), name="never", text="b"))
    out = tmp_path / "memos.qdpx"
    qualcode.save(project, out, target="qualcoder")
    times = {n.get("name"): n.get("creationDateTime") for n in _notes(out)}
    assert times["changed"] == "2024-05-01T09:30:00Z"
    assert times["never"] == "2023-01-02T03:04:05Z"
    assert_projects_equal(project, qualcode.load(out))  # both come back without a time


def test_leaving_the_note_out_is_an_option_and_is_reported(tmp_path: Path) -> None:
    project = sample_project()
    out = tmp_path / "no-note.qdpx"
    report = qualcode.save(project, out, target="spec", qualcode_note="no")
    assert _data_note(out) is None
    lines = "\n".join(report.lines())
    assert "themes" in lines and "without qualcode's note" in lines
    with_note = qualcode.save(project, tmp_path / "note.qdpx", target="spec")
    assert with_note.lossless and _data_note(tmp_path / "note.qdpx") is not None
    with pytest.raises(OptionError, match="qualcode_note must be auto or no"):
        qualcode.save(project, tmp_path / "x.qdpx", qualcode_note="sometimes")


def test_the_cli_takes_the_option(nvivo_sample: Path, tmp_path: Path) -> None:
    runner, app = CliRunner(), make_app()
    out = tmp_path / "spec.qdpx"
    arguments = [
        "convert",
        str(nvivo_sample),
        str(out),
        "--target",
        "spec",
        "-o",
        "qualcode_note=no",
    ]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert _notes(out) == []
    assert "how source texts were encoded" in result.output
    bad = runner.invoke(app, [*arguments[:5], "-o", "qualcode_note=maybe"])
    assert bad.exit_code == 1 and "qualcode_note must be auto or no" in bad.output


def test_without_a_project_time_a_memo_gets_the_latest_time_in_the_project(
    tmp_path: Path,
) -> None:
    latest = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    project = qualcode.Project(name="Late")
    project.add_document(
        qualcode.Document(id=new_id(), name="d", text="x", created_at=latest - dt.timedelta(1))
    )
    project.add_code(qualcode.Code(id=new_id(), name="c", modified_at=latest))
    project.add_memo(qualcode.Memo(id=new_id(), name="m", text="y"))
    out = tmp_path / "late.qdpx"
    qualcode.save(project, out, target="qualcoder")
    (memo_note,) = [n for n in _notes(out) if n.get("name") == "m"]
    assert memo_note.get("creationDateTime") == "2025-03-04T05:06:07Z"


def test_a_project_without_any_time_is_written_the_same_every_time(tmp_path: Path) -> None:
    project = qualcode.Project(name="Timeless")
    project.add_memo(qualcode.Memo(id=new_id(), name="m", text="y"))
    first, second = tmp_path / "1.qdpx", tmp_path / "2.qdpx"
    qualcode.save(project, first, target="qualcoder")
    qualcode.save(project, second, target="qualcoder")
    (note,) = [n for n in _notes(first) if n.get("name") == "m"]
    assert note.get("creationDateTime")
    assert qde_of(first) == qde_of(second)
