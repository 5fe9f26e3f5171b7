"""The hand-made attacks that once got past qualcode: each is refused with a QualcodeError on one
line, or read correctly, and nothing else escapes."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import (
    CycleError,
    OutputError,
    ParseError,
    QualcodeError,
    UnsafeInputError,
)
from qualcode.formats import json_trees
from qualcode.formats.refiqda import container
from qualcode.formats.refiqda.validation import validate_file
from qualcode.model import Code, Document, new_id
from qualcode.project import Project
from qualcode.testing import sample_project

from .zips import rewrite_zip, with_lzma_member, with_unknown_method

# -- a .qdpx qualcode writes always reads back ------------------------------------------------


def test_a_long_repetitive_transcript_written_by_qualcode_reads_back(tmp_path: Path) -> None:
    text = "PN1: " + "um " * 1_500_000  # 4.5 MB that deflates about 1,000:1
    project = Project(name="repetitive")
    project.add_document(Document(id=new_id(), name="transcript", text=text))
    out = tmp_path / "repetitive.qdpx"
    qualcode.save(project, out)
    with zipfile.ZipFile(out) as archive:
        member = next(i for i in archive.infolist() if i.filename.startswith("sources/"))
    assert member.file_size > 250 * member.compress_size  # what the old ratio guard refused
    (document,) = qualcode.load(out).documents
    assert document.text == text


def _archive_of_big_members(path: Path, members: int, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", sample_qde())
        for index in range(members):
            archive.writestr(f"sources/{index}.txt", b"a" * size)
    return path


def sample_qde() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="P"/>'
    )


def test_members_adding_up_past_the_total_are_refused_before_any_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ten members of 1 GiB once grew the process to 6 GiB: the same shape, in kilobytes
    path = _archive_of_big_members(tmp_path / "ten.qdpx", members=10, size=100_000)

    def no_inflating(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(container, "inflate_member", no_inflating)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(UnsafeInputError, match="expands to more than 500000 bytes"):
        qualcode.load(path, max_bytes=500_000)
    with pytest.raises(UnsafeInputError):
        container.QdpxArchive(path, container.Limits(max_total=999_999))


def test_members_within_the_total_are_read(tmp_path: Path) -> None:
    path = _archive_of_big_members(tmp_path / "ten.qdpx", members=10, size=100_000)
    with container.QdpxArchive(path, container.Limits(max_total=1_000_200)) as archive:
        assert archive.read_member("sources/3.txt") == b"a" * 100_000


def test_a_member_read_again_counts_again_towards_the_total(tmp_path: Path) -> None:
    path = _archive_of_big_members(tmp_path / "one.qdpx", members=1, size=100_000)
    with container.QdpxArchive(path, container.Limits(max_total=250_000)) as archive:
        archive.read_member("sources/0.txt")
        archive.read_member("sources/0.txt")
        with pytest.raises(UnsafeInputError):
            archive.read_member("sources/0.txt")


# -- a bare .qde and the links in its sources folder ------------------------------------------


def _bare_qde(folder: Path, text_file: str) -> Path:
    folder.mkdir()
    (folder / "sources").mkdir()
    qde = folder / "project.qde"
    qde.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="P"><Sources>'
        '<TextSource guid="00000000-0000-4000-8000-000000000001" name="T" '
        f'plainTextPath="internal://{text_file}"/></Sources></Project>',
        encoding="utf-8",
    )
    return qde


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_link_in_sources_to_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET PASSWORD", encoding="utf-8")
    qde = _bare_qde(tmp_path / "project", "t.txt")
    (qde.parent / "sources" / "t.txt").symlink_to(secret)
    with pytest.raises(UnsafeInputError, match="outside the project's folder") as caught:
        qualcode.load(qde)
    assert "TOP SECRET" not in str(caught.value)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_validating_a_qde_does_not_follow_a_link_out_of_the_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET PASSWORD", encoding="utf-8")
    qde = _bare_qde(tmp_path / "project", "t.txt")
    (qde.parent / "sources" / "t.txt").symlink_to(secret)
    problems = validate_file(qde)
    assert any("outside the project's folder" in problem.message for problem in problems)
    assert not any("SECRET" in str(problem) for problem in problems)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_link_in_sources_to_a_file_inside_the_folder_is_read(tmp_path: Path) -> None:
    qde = _bare_qde(tmp_path / "project", "t.txt")
    (qde.parent / "texts").mkdir()
    (qde.parent / "texts" / "t.txt").write_text("Hello from inside", encoding="utf-8")
    (qde.parent / "sources" / "t.txt").symlink_to(Path("..") / "texts" / "t.txt")
    (document,) = qualcode.load(qde).documents
    assert document.text == "Hello from inside"


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_sources_folder_that_is_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "t.txt").write_text("TOP SECRET", encoding="utf-8")
    qde = _bare_qde(tmp_path / "project", "t.txt")
    (qde.parent / "sources").rmdir()
    (qde.parent / "sources").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafeInputError):
        qualcode.load(qde)


# -- ZIP members compressed with LZMA (method 14) or an unknown method ------------------------


def test_a_damaged_lzma_member_of_a_qdpx_is_a_parse_error(tmp_path: Path) -> None:
    good = tmp_path / "good.qdpx"
    qualcode.save(sample_project(), good)
    with zipfile.ZipFile(good) as archive:
        source = next(n for n in archive.namelist() if n.startswith("sources/"))
    for name in ("project.qde", source):
        bad = tmp_path / "lzma.qdpx"
        bad.write_bytes(with_lzma_member(good.read_bytes(), name))
        with pytest.raises(ParseError, match="cannot extract"):
            qualcode.load(bad)


def test_an_lzma_member_of_a_qdpx_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.qdpx"
    qualcode.save(sample_project(), good)
    lzma_file = tmp_path / "lzma.qdpx"
    lzma_file.write_bytes(rewrite_zip(good.read_bytes(), method=lambda n: zipfile.ZIP_LZMA))
    assert len(qualcode.load(lzma_file).documents) == len(qualcode.load(good).documents)


def test_a_member_with_an_unknown_method_of_a_qdpx_is_a_parse_error(tmp_path: Path) -> None:
    good = tmp_path / "good.qdpx"
    qualcode.save(sample_project(), good)
    bad = tmp_path / "method99.qdpx"
    bad.write_bytes(with_unknown_method(good.read_bytes(), "project.qde"))
    with pytest.raises(ParseError):
        qualcode.load(bad)


@pytest.mark.parametrize("damage", ["lzma", "method"])
def test_a_docx_part_that_cannot_be_inflated_is_a_parse_error(tmp_path: Path, damage: str) -> None:
    docx = tmp_path / "source.docx"
    docx.write_bytes(_docx_bytes())
    bad = tmp_path / "bad.docx"
    if damage == "lzma":
        bad.write_bytes(with_lzma_member(docx.read_bytes(), "word/document.xml"))
    else:
        bad.write_bytes(with_unknown_method(docx.read_bytes(), "word/document.xml"))
    with pytest.raises(ParseError, match=r"word/document\.xml"):
        qualcode.load(bad)


def _docx_bytes() -> bytes:
    """A minimal Word document (main part, relationships, content types)."""
    import io

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Hello '
            "there</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def test_the_minimal_docx_reads() -> None:
    # the attacks above damage a document that is otherwise read
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ok.docx"
        path.write_bytes(_docx_bytes())
        (document,) = qualcode.load(path).documents
    assert document.text.strip() == "Hello there"


# -- native JSON ------------------------------------------------------------------------------


def _saved_sample(tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "sample.json"
    qualcode.save(sample_project(), path)
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    "parameters",
    [
        {"terms": ["a", "b"]},
        {"options": {"window": [1, {"deep": 2}]}},
        {"map": {"terms": ["a"], "nested": {"map": {"k": [1, 2]}}}},
    ],
)
def test_provenance_parameters_holding_lists_and_maps_save_again(
    tmp_path: Path, parameters: dict[str, object]
) -> None:
    data = _saved_sample(tmp_path)
    provenances = data["provenances"]
    assert isinstance(provenances, list)
    provenances[1]["parameters"] = parameters
    path = tmp_path / "lists.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    project = qualcode.load(path)
    assert len({coding.provenance for coding in project.codings}) >= 2  # hashing works
    again, twice = tmp_path / "again.json", tmp_path / "twice.json"
    qualcode.save(project, again)
    qualcode.save(qualcode.load(again), twice)
    assert again.read_bytes() == twice.read_bytes()
    saved = json.loads(again.read_text(encoding="utf-8"))["provenances"][1]["parameters"]
    assert json.dumps(saved).count("[") == json.dumps(parameters).count("[")  # lists kept


def _code_chain(tmp_path: Path, depth: int) -> Path:
    data = _saved_sample(tmp_path)
    ids = [new_id() for _ in range(depth)]
    data["codes"] = [
        {"id": code_id, "name": f"level {level}", "parent_id": ids[level - 1] if level else None}
        for level, code_id in enumerate(ids)
    ]
    for section in ("codings", "themes", "cases", "documents", "memos", "sets", "links"):
        data[section] = []
    path = tmp_path / f"chain{depth}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_code_tree_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = _code_chain(tmp_path, 5_000)  # 100,000 levels ran past five minutes
    with pytest.raises(ParseError, match="more than 100 levels deep") as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)


def test_a_code_tree_at_the_limit_reads_and_saves(tmp_path: Path) -> None:
    path = _code_chain(tmp_path, json_trees.MAX_TREE_DEPTH)
    project = qualcode.load(path)
    assert len(project.codes) == json_trees.MAX_TREE_DEPTH
    qualcode.save(project, tmp_path / "again.json")


def test_a_code_tree_too_deep_to_read_back_is_not_written(tmp_path: Path) -> None:
    project = Project(name="deep")
    parent = None
    for level in range(json_trees.MAX_TREE_DEPTH + 1):
        code = Code(id=new_id(), name=f"level {level}", parent_id=parent)
        project.add_code(code)
        parent = code.id
    out = tmp_path / "deep.json"
    with pytest.raises(OutputError, match="levels deep"):
        qualcode.save(project, out)
    assert not out.exists()


def test_a_long_cycle_of_codes_is_found_in_one_pass(tmp_path: Path) -> None:
    path = _code_chain(tmp_path, 50)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["codes"][0]["parent_id"] = data["codes"][-1]["id"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CycleError, match="cycle"):
        qualcode.load(path)


# -- one line per error -----------------------------------------------------------------------


def test_an_error_is_one_line_whatever_its_parts_hold() -> None:
    error = QualcodeError(
        "cannot parse:\nline two\r\nline three", path="a\nb.qde", hint="try\u2028this"
    )
    assert "\n" not in str(error) and "\r" not in str(error) and "\u2028" not in str(error)
    assert str(error).splitlines() == [str(error)]
    assert "line two" in str(error) and "line three" in str(error)
    assert error.message.splitlines() == [error.message]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows forbids newlines in file names")
@pytest.mark.parametrize("suffix", [".qde", ".qdc", ".xlsx"])
def test_a_refused_file_with_a_newline_in_its_name_is_one_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"two\nlines{suffix}"
    path.write_bytes(b"<Project xmlns='urn:QDA-XML:project:1.0'>QDA-XML:project <broken")
    with pytest.raises(QualcodeError) as caught:
        qualcode.load(path, suffix.lstrip("."))
    assert len(str(caught.value).splitlines()) == 1
