"""``qualcode validate``: clean files pass, files broken on purpose give one line per problem."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import qualcode
from qualcode.testing import sample_project

from .conftest import (
    CASE,
    CODE,
    CODEBOOK_NS,
    CODING,
    NOTE,
    SELECTION,
    SET,
    SOURCE,
    TEXT,
    TEXT_FILE,
    USER,
    Invoke,
    find,
    line_with,
    minimal_project,
    q,
    qde_of,
    rich_project,
    write_qdpx,
    xml_bytes,
)

MISSING = "0b7a2c1e-0000-4000-8000-0000000000ff"
GRAPH = "0b7a2c1e-0000-4000-8000-0000000000a0"
VERTEX_ONE = "0b7a2c1e-0000-4000-8000-0000000000a1"
VERTEX_TWO = "0b7a2c1e-0000-4000-8000-0000000000a2"
EDGE = "0b7a2c1e-0000-4000-8000-0000000000a3"
SKIPPED = "schema validation skipped"


def problem_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.strip()]


# -- clean files ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["spec", "nvivo", "atlasti", "maxqda", "qualcoder"])
@pytest.mark.parametrize("extension", ["qdpx", "qde", "qdc"])
def test_our_own_exports_validate_clean(
    invoke: Invoke, schemas: Path, tmp_path: Path, target: str, extension: str
) -> None:
    path = tmp_path / f"sample.{extension}"
    qualcode.save(sample_project(), path, target=target)
    result = invoke("validate", path, "--schemas", schemas)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no problems in 1 file" in result.stderr
    assert SKIPPED not in result.stderr


def test_the_nvivo_sample_validates_clean(
    invoke: Invoke, schemas: Path, nvivo_sample: Path
) -> None:
    result = invoke("validate", nvivo_sample, "--schemas", schemas)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_a_small_hand_built_project_validates_clean(
    invoke: Invoke, schemas: Path, tmp_path: Path
) -> None:
    path = write_qdpx(tmp_path / "small.qdpx", minimal_project())
    result = invoke("validate", path, "--schemas", schemas)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_the_schema_folder_can_come_from_the_environment(
    invoke: Invoke, schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_qdpx(tmp_path / "small.qdpx", minimal_project())
    root = minimal_project()
    del find(root, "Code").attrib["isCodable"]
    broken = write_qdpx(tmp_path / "broken.qdpx", root)
    monkeypatch.setenv("QUALCODE_REFI_SCHEMAS", str(schemas))
    clean = invoke("validate", path)
    assert clean.exit_code == 0
    assert SKIPPED not in clean.stderr
    result = invoke("validate", broken)
    assert result.exit_code == 1
    assert "isCodable" in result.stdout


# -- the schema ---------------------------------------------------------------------------------


def test_without_schemas_it_says_once_that_the_schema_was_skipped(
    invoke: Invoke, tmp_path: Path
) -> None:
    first = write_qdpx(tmp_path / "a.qdpx", minimal_project())
    second = write_qdpx(tmp_path / "b.qdpx", minimal_project())
    result = invoke("validate", first, second)
    assert result.exit_code == 0
    assert result.stderr.count(SKIPPED) == 1
    assert "--schemas" in result.stderr and "QUALCODE_REFI_SCHEMAS" in result.stderr
    assert result.stdout == ""


def test_a_code_without_is_codable_breaks_the_schema(
    invoke: Invoke, schemas: Path, tmp_path: Path
) -> None:
    root = minimal_project()
    del find(root, "Code").attrib["isCodable"]
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    line = line_with(qde_of(path), f'<Code guid="{CODE}"')
    result = invoke("validate", path, "--schemas", schemas)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line}: schema: ")
    assert "isCodable" in only
    # without the schema, nothing else is wrong with it
    assert invoke("validate", path).exit_code == 0


def test_a_codebook_with_an_empty_sets_breaks_the_schema(
    invoke: Invoke, schemas: Path, tmp_path: Path
) -> None:
    root = etree.Element(
        q("CodeBook", CODEBOOK_NS), {"origin": "Taguette"}, nsmap={None: CODEBOOK_NS}
    )
    codes = etree.SubElement(root, q("Codes", CODEBOOK_NS))
    etree.SubElement(
        codes, q("Code", CODEBOOK_NS), {"guid": CODE, "name": "Help", "isCodable": "true"}
    )
    etree.SubElement(root, q("Sets", CODEBOOK_NS))
    data = xml_bytes(root)
    path = tmp_path / "codes.qdc"
    path.write_bytes(data)
    result = invoke("validate", path, "--schemas", schemas)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}:{line_with(data, '<Sets')}: schema: ")
    assert "Sets" in only


def test_a_missing_schema_folder_is_an_error(invoke: Invoke, tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "small.qdpx", minimal_project())
    result = invoke("validate", path, "--schemas", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "nowhere" in result.stderr


# -- what a schema cannot check -----------------------------------------------------------------


def test_a_dangling_code_ref(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "CodeRef").set("targetGUID", MISSING.upper())
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    line = line_with(qde_of(path), "<CodeRef")
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line} (guid {MISSING}): <CodeRef> targetGUID ")
    assert "no element" in only
    assert "1 problem(s) in 1 of 1 file" in result.stderr


def test_a_project_with_every_kind_of_reference_validates_clean(
    invoke: Invoke, schemas: Path, tmp_path: Path
) -> None:
    result = invoke(
        "validate", write_qdpx(tmp_path / "rich.qdpx", rich_project()), "--schemas", schemas
    )
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    ("element", "attribute", "owner"),
    [
        ("CodeRef", "targetGUID", CASE),
        ("SourceRef", "targetGUID", CASE),
        ("SelectionRef", "targetGUID", CASE),
        ("VariableRef", "targetGUID", None),
        ("NoteRef", "targetGUID", None),
        ("MemberCode", "targetGUID", SET),
        ("MemberSource", "targetGUID", SET),
        ("MemberNote", "targetGUID", SET),
        ("Link", "originGUID", None),
        ("Link", "targetGUID", None),
        ("Note", "creatingUser", None),
    ],
)
def test_every_kind_of_reference_must_resolve(
    invoke: Invoke, tmp_path: Path, element: str, attribute: str, owner: str | None
) -> None:
    root = rich_project()
    holder = find(root, "Case" if owner == CASE else "Set") if owner else root
    target = next(holder.iter(q(element)))
    target.set(attribute, MISSING)
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"(guid {MISSING}): <{element}> {attribute} names a GUID" in only


def graph_of_two_vertices(root: etree._Element) -> etree._Element:
    """A graph of the code and the note joined by an edge that represents nothing (as ATLAS.ti
    writes network links); returns the edge."""
    graphs = etree.SubElement(root, q("Graphs"))
    graph = etree.SubElement(graphs, q("Graph"), {"guid": GRAPH, "name": "Network"})
    for guid, represented, x in ((VERTEX_ONE, CODE, "10"), (VERTEX_TWO, NOTE, "200")):
        etree.SubElement(
            graph,
            q("Vertex"),
            {"guid": guid, "representedGUID": represented, "firstX": x, "firstY": "20"},
        )
    return etree.SubElement(
        graph, q("Edge"), {"guid": EDGE, "sourceVertex": VERTEX_ONE, "targetVertex": VERTEX_TWO}
    )


def test_an_edge_that_represents_nothing_is_fine(
    invoke: Invoke, schemas: Path, tmp_path: Path
) -> None:
    root = rich_project()
    graph_of_two_vertices(root)
    result = invoke("validate", write_qdpx(tmp_path / "graph.qdpx", root), "--schemas", schemas)
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("attribute", ["sourceVertex", "targetVertex"])
def test_an_edge_needs_both_its_vertices(invoke: Invoke, tmp_path: Path, attribute: str) -> None:
    root = rich_project()
    del graph_of_two_vertices(root).attrib[attribute]
    result = invoke("validate", write_qdpx(tmp_path / "graph.qdpx", root))
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"<Edge> has no {attribute}" in only


def test_a_value_of_the_wrong_type_for_its_variable(invoke: Invoke, tmp_path: Path) -> None:
    root = rich_project()
    find(root, "IntegerValue").tag = q("TextValue")
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line_with(qde_of(path), '<VariableValue')}: ")
    assert "TextValue" in only and "Integer" in only


def test_a_reference_to_the_wrong_kind_of_element(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "CodeRef").set("targetGUID", SOURCE)
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"(guid {SOURCE})" in only
    assert "<TextSource>" in only and "not a code" in only


def test_an_unknown_user(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "Coding").set("creatingUser", "{" + MISSING + "}")
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    line = line_with(qde_of(path), f'<Coding guid="{CODING}"')
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line} (guid {MISSING}): <Coding> creatingUser")


def test_guids_differing_only_in_case_and_braces_are_duplicates(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = minimal_project()
    codes = find(root, "Codes")
    twin = "{" + CODE.upper() + "}"
    etree.SubElement(codes, q("Code"), {"guid": twin, "name": "Twin", "isCodable": "true"})
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    data = qde_of(path)
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line_with(data, twin)} (guid {CODE}): ")
    assert "duplicate GUID" in only
    assert f"line {line_with(data, f'<Code guid={chr(34)}{CODE}')}" in only


def test_a_selection_past_the_end_of_its_text(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    end = len(TEXT) + 5
    find(root, "PlainTextSelection").set("endPosition", str(end))
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    line = line_with(qde_of(path), "<PlainTextSelection")
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line} (guid {SELECTION}): PlainTextSelection")
    assert f"0-{end}" in only and f"has {len(TEXT)} positions" in only


def test_a_selection_ending_exactly_at_the_end_is_fine(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "PlainTextSelection").set("endPosition", str(len(TEXT)))
    result = invoke("validate", write_qdpx(tmp_path / "ok.qdpx", root))
    assert result.exit_code == 0, result.stdout


def test_a_selection_that_ends_before_it_starts(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    selection = find(root, "PlainTextSelection")
    selection.set("startPosition", "10")
    selection.set("endPosition", "4")
    result = invoke("validate", write_qdpx(tmp_path / "bad.qdpx", root))
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"(guid {SELECTION})" in only and "startPosition 10 is after endPosition 4" in only


@pytest.mark.parametrize(
    ("origin", "ok_end"),
    [
        # one emoji: two UTF-16 code units but one code point; the file's CRLF counts 2 for
        # NVivo and the standard (the text as written), 1 for ATLAS.ti
        ("NVivo for Windows 12.6", len("ab 😀 cd\r\nef".encode("utf-16-le")) // 2),
        ("Some Tool 1.0", len("ab 😀 cd\r\nef")),
        ("ATLAS.ti 23", len("ab 😀 cd\nef")),
    ],
)
def test_spans_are_checked_as_the_producer_counts(
    invoke: Invoke, tmp_path: Path, origin: str, ok_end: int
) -> None:
    """A span that fits the producer's convention is valid; one that fits only another
    convention is valid with a note (the importer reads it that way and warns, so validate
    says the same); one that fits no convention is a problem."""
    raw = "\ufeffab 😀 cd\r\nef".encode()
    widest = len("ab 😀 cd\r\nef".encode("utf-16-le")) // 2  # UTF-16, CRLF counting 2
    cases = [(ok_end, 0, False), (widest + 1, 1, None)]  # None: a note may say so, or not
    if ok_end < widest:
        cases.append((ok_end + 1, 0, True))
    for end, expected, noted in cases:
        root = minimal_project(origin)
        find(root, "PlainTextSelection").set("endPosition", str(end))
        path = write_qdpx(tmp_path / f"x{end}.qdpx", root, {TEXT_FILE: raw})
        result = invoke("validate", path)
        assert result.exit_code == expected, (end, result.stdout)
        if noted is not None:
            assert ("note: " in result.stderr) == noted, (end, result.stderr)


def test_a_missing_source_member(invoke: Invoke, tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "bad.qdpx", minimal_project(), files={})
    line = line_with(qde_of(path), "<TextSource")
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:{line} (guid {SOURCE}): <TextSource> plainTextPath")
    assert "missing from the archive" in only


def test_a_missing_rich_text_file(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "TextSource").set("richTextPath", "internal://gone.docx")
    result = invoke("validate", write_qdpx(tmp_path / "bad.qdpx", root))
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert "richTextPath 'internal://gone.docx'" in only and "missing" in only


def test_a_code_nested_inside_itself_is_a_cycle(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    code = find(root, "Code")
    etree.SubElement(code, q("Code"), {"guid": CODE, "name": "Again", "isCodable": "true"})
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", path)
    assert result.exit_code == 1
    lines = problem_lines(result.stdout)
    assert any("cycle" in line and f"(guid {CODE})" in line for line in lines)
    assert any("duplicate GUID" in line for line in lines)


def test_a_dangling_member_of_a_codebook_set(invoke: Invoke, tmp_path: Path) -> None:
    root = etree.Element(q("CodeBook", CODEBOOK_NS), nsmap={None: CODEBOOK_NS})
    codes = etree.SubElement(root, q("Codes", CODEBOOK_NS))
    etree.SubElement(
        codes, q("Code", CODEBOOK_NS), {"guid": CODE, "name": "Help", "isCodable": "true"}
    )
    sets = etree.SubElement(root, q("Sets", CODEBOOK_NS))
    group = etree.SubElement(sets, q("Set", CODEBOOK_NS), {"guid": USER, "name": "Group"})
    etree.SubElement(group, q("MemberCode", CODEBOOK_NS), {"guid": CODE})
    etree.SubElement(group, q("MemberCode", CODEBOOK_NS), {"guid": MISSING})
    path = tmp_path / "codes.qdc"
    path.write_bytes(xml_bytes(root))
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"(guid {MISSING})" in only and "<MemberCode> guid" in only


def test_a_bare_qde_reads_its_files_from_the_sources_folder(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "project.qde"
    path.write_bytes(xml_bytes(minimal_project()))
    missing = invoke("validate", path)
    assert missing.exit_code == 1
    assert "missing from the sources folder" in missing.stdout
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / TEXT_FILE).write_text(TEXT, encoding="utf-8")
    assert invoke("validate", path).exit_code == 0


# -- unreadable files and output forms ----------------------------------------------------------


def test_a_corrupt_archive_is_one_problem(invoke: Invoke, tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "bad.qdpx", minimal_project())
    path.write_bytes(path.read_bytes()[:40])
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}: ")


def test_malformed_xml_is_one_problem_with_its_line(invoke: Invoke, tmp_path: Path) -> None:
    data = xml_bytes(minimal_project())
    cut = data[: data.index(b"<Sources")]
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", cut)
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(f"{path}!project.qde:")
    assert "malformed XML" in only


def test_json_output_is_a_list_of_problem_objects(invoke: Invoke, tmp_path: Path) -> None:
    root = minimal_project()
    find(root, "CodeRef").set("targetGUID", MISSING)
    path = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", path, "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert problem["file"] == str(path)
    assert problem["member"] == "project.qde"
    assert problem["line"] == line_with(qde_of(path), "<CodeRef")
    assert problem["guid"] == MISSING
    assert problem["check"] == "reference"
    assert "CodeRef" in problem["message"]
    clean = invoke("validate", write_qdpx(tmp_path / "ok.qdpx", minimal_project()), "--json")
    assert clean.exit_code == 0
    assert json.loads(clean.stdout) == []


def test_other_formats_are_loaded_and_checked(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "sample.qualcode.json"
    qualcode.save(sample_project(), path)
    result = invoke("validate", path)
    assert result.exit_code == 0, result.stdout
    assert SKIPPED not in result.stderr
    broken = tmp_path / "broken.qualcode.json"
    broken.write_text(path.read_text(encoding="utf-8")[:200], encoding="utf-8")
    bad = invoke("validate", broken)
    assert bad.exit_code == 1
    (only,) = problem_lines(bad.stdout)
    assert only.startswith(f"{broken}")


def test_problems_in_several_files_are_all_listed(invoke: Invoke, tmp_path: Path) -> None:
    good = write_qdpx(tmp_path / "good.qdpx", minimal_project())
    root = minimal_project()
    find(root, "CodeRef").set("targetGUID", MISSING)
    bad = write_qdpx(tmp_path / "bad.qdpx", root)
    result = invoke("validate", good, bad)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only.startswith(str(bad))
    assert "1 problem(s) in 1 of 2 files" in result.stderr


# -- a text given both as a file and inline; edges inside surrogate pairs ----------------------


def test_a_text_source_with_both_a_file_and_inline_text(invoke: Invoke, tmp_path: Path) -> None:
    """FACTS.md: plainTextPath or PlainTextContent, never both."""
    root = minimal_project()
    etree.SubElement(find(root, "TextSource"), q("PlainTextContent")).text = TEXT
    find(root, "PlainTextSelection").addprevious(find(root, "PlainTextContent"))
    path = write_qdpx(tmp_path / "both.qdpx", root)
    line = line_with(qde_of(path), "<TextSource")
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only == (
        f"{path}!project.qde:{line} (guid {SOURCE}): TextSource has both plainTextPath and "
        "PlainTextContent; the standard allows one (qualcode reads the PlainTextContent unless "
        "it is empty)"
    )


def test_a_note_with_both_a_file_and_inline_text(invoke: Invoke, tmp_path: Path) -> None:
    root = rich_project()
    find(root, "Note").set("plainTextPath", f"internal://{TEXT_FILE}")
    result = invoke("validate", write_qdpx(tmp_path / "both.qdpx", root))
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert f"(guid {NOTE}): Note has both plainTextPath and PlainTextContent" in only


def test_spans_are_checked_against_the_text_the_importer_uses(
    invoke: Invoke, tmp_path: Path
) -> None:
    """An empty PlainTextContent beside a file: the importer reads the file, so the selection
    (0-16) is checked against the file's text, not against the empty inline text."""
    root = minimal_project()
    source = find(root, "TextSource")
    source.insert(0, etree.Element(q("PlainTextContent")))
    result = invoke("validate", write_qdpx(tmp_path / "both.qdpx", root))
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert "has both plainTextPath and PlainTextContent" in only  # and no "outside its text"


EMOJI = "ab \U0001f600 cd\nef"


@pytest.mark.parametrize("attribute", ["startPosition", "endPosition"])
def test_an_nvivo_edge_inside_a_surrogate_pair(
    invoke: Invoke, tmp_path: Path, attribute: str
) -> None:
    """NVivo counts UTF-16 code units (its origin says so): 4 is between the emoji's halves."""
    root = minimal_project("NVivo for Windows 12.6")
    selection = find(root, "PlainTextSelection")
    selection.set("startPosition", "4" if attribute == "startPosition" else "0")
    selection.set("endPosition", "4" if attribute == "endPosition" else "9")
    path = write_qdpx(tmp_path / "split.qdpx", root, {TEXT_FILE: EMOJI.encode()})
    line = line_with(qde_of(path), "<PlainTextSelection")
    result = invoke("validate", path)
    assert result.exit_code == 1
    (only,) = problem_lines(result.stdout)
    assert only == (
        f"{path}!project.qde:{line} (guid {SELECTION}): PlainTextSelection {attribute} 4 falls "
        "inside a character (U+1F600, a UTF-16 surrogate pair) counting UTF-16 code units of "
        "the text as written"
    )


def test_edges_around_a_surrogate_pair_are_fine(invoke: Invoke, tmp_path: Path) -> None:
    for origin, start, end in (("NVivo for Windows 12.6", 3, 5), ("Some Tool 1.0", 3, 4)):
        root = minimal_project(origin)
        selection = find(root, "PlainTextSelection")
        selection.set("startPosition", str(start))
        selection.set("endPosition", str(end))
        path = write_qdpx(tmp_path / "ok.qdpx", root, {TEXT_FILE: EMOJI.encode()})
        result = invoke("validate", path)
        assert result.exit_code == 0, (origin, result.stdout)
