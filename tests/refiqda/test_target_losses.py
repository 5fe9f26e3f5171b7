"""Writing for another program reports every row of the how-to's "What other programs will not
see" that the project holds, so that `--strict` stops before any of it is written; for the
standard's target (read back by qualcode from its note) none of them is a loss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import qualcode
from qualcode.model import Case, Code, Coder, Coding, Document, Memo, PdfRegion, SourceKind, Theme
from qualcode.project import Project
from qualcode.testing.compare import assert_projects_equal

from .builders import G

UTC = dt.UTC


def _project() -> Project:
    project = Project(name="losses")
    project.add(Coder(id=G["user"], name="keywords 1.0", machine=True))
    project.add(
        Code(
            id=G["code"],
            name="Money",
            created_by=G["user"],
            created_at=dt.datetime(2024, 1, 2, tzinfo=UTC),
        )
    )
    project.add(Case(id=G["case"], name="P1"))
    project.add(Theme(id=G["set"], name="Getting by", code_ids=(G["code"],)))
    project.add(Memo(id=G["note"], name="About P1", text="quiet", target_ids=(G["case"],)))
    project.add(Memo(id=G["note2"], name="About the theme", text="x", target_ids=(G["set"],)))
    project.add(
        Document(id=G["pdf"], name="report.pdf", text="Rent went up.", source=SourceKind.PDF)
    )
    project.add(
        Coding(
            id=G["coding"],
            document_id=G["pdf"],
            code_id=G["code"],
            start=0,
            end=4,
            coder_id=G["user"],
            region=PdfRegion(page=0, first_x=10, first_y=10, second_x=90, second_y=40),
        )
    )
    return project


EXPECTED_LOST = {"who created and changed codes, and when": 1}
EXPECTED_KEPT = {
    ("themes", "sets of codes"): 1,
    ("machine coders", "ordinary users"): 1,
    (
        "memos attached to things other than codes, sources, codings and links",
        "links from the note",
    ): 2,
    ("PDF box codings that also span text", "a box and a separate text passage"): 1,
}
EXPECTED = {*EXPECTED_LOST, *(what for what, _form in EXPECTED_KEPT)}


@pytest.mark.parametrize("target", ["nvivo", "atlasti", "maxqda", "qualcoder"])
def test_program_targets_report_what_they_show_differently(tmp_path: Path, target: str) -> None:
    report = qualcode.save(_project(), tmp_path / "out.qdpx", target=target)
    assert {loss.what: loss.count for loss in report} == EXPECTED_LOST
    assert {(kept.what, kept.kept_as): kept.count for kept in report.kept} == EXPECTED_KEPT


def test_the_standard_target_loses_none_of_them_and_reads_back_identical(tmp_path: Path) -> None:
    project = _project()
    report = qualcode.save(project, tmp_path / "out.qdpx")
    assert not set(EXPECTED) & {loss.what for loss in report}
    assert_projects_equal(project, qualcode.load(tmp_path / "out.qdpx"))


def test_control_characters_in_coded_text_are_counted_once_where_replaced(tmp_path: Path) -> None:
    # a .txt holds U+0001 as it is; only qualcode's selection names (a copy of the quote) need
    # U+FFFD, and a copy is not a loss
    project = Project(name="control")
    project.add(Code(id=G["code"], name="C"))
    project.add(Document(id=G["source"], name="d", text="a\x01b c\x0bd"))
    for key, (start, end) in (("coding", (0, 3)), ("coding2", (2, 7))):
        project.add(
            Coding(id=G[key], document_id=G["source"], code_id=G["code"], start=start, end=end)
        )
    report = qualcode.save(project, tmp_path / "out.qdpx", target="nvivo")
    assert not [loss for loss in report if "XML cannot hold" in loss.what]
    back = qualcode.load(tmp_path / "out.qdpx")
    assert [back.quote(c) for c in back.codings] == ["a\x01b", "b c\x0bd"]
    project.add(Code(id=G["other"], name="Bell\x07"))
    report = qualcode.save(project, tmp_path / "out.qdpx", target="nvivo")
    assert [(loss.what, loss.count) for loss in report if "XML cannot hold" in loss.what] == [
        ("characters XML cannot hold (replaced by U+FFFD)", 1)
    ]


def _chain(depth: int) -> Project:
    project = Project(name="deep")
    parent = None
    for level in range(depth):
        code = project.add(Code(id=f"{level:08x}-0000-4000-8000-000000000000", name=f"c{level}"))
        if parent is not None:
            project.add(attrs.evolve(code, parent_id=parent), replace=True)
        parent = code.id
    return project


def test_a_code_tree_too_deep_to_read_back_is_refused(tmp_path: Path) -> None:
    # it was written, and then no XML reader (qualcode's neither) could parse it
    from qualcode.formats.refiqda.writer_base import MAX_CODE_DEPTH

    fits = _chain(MAX_CODE_DEPTH)
    qualcode.save(fits, tmp_path / "fits.qdpx")
    assert len(qualcode.load(tmp_path / "fits.qdpx").codes) == MAX_CODE_DEPTH
    deep = _chain(MAX_CODE_DEPTH + 1)
    for name in ("deep.qdpx", "deep.qdc"):
        with pytest.raises(qualcode.QualcodeError, match=f"{MAX_CODE_DEPTH + 1} levels deep"):
            qualcode.save(deep, tmp_path / name)
        assert not (tmp_path / name).exists()
