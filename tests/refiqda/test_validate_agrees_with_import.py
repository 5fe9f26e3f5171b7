"""``qualcode validate`` agrees with the importer: what makes an import fail is a problem,
positions are checked under the convention the importer reads them with, and one fault gives
one line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qualcode.cli import make_app
from qualcode.formats.refiqda.validation import Problem, Schemas, check_file, validate_file

from .builders import G, project_xml, qdpx

TEXT = "Peer work helps. Training was short.\n"
TEXT_FILE = f"{G['source']}.txt"
CODES = (
    f'<CodeBook><Codes><Code guid="{G["code"]}" name="Help" isCodable="true"/></Codes></CodeBook>'
)


@pytest.fixture
def schemas() -> Schemas:
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda"
    if not (folder / "Project.xsd").is_file():
        pytest.skip(
            "needs ../shared: the REFI-QDA schemas (refi-qda/Project.xsd and Codebook.xsd, which "
            "belong to the standard and are not kept in this repository) are missing from it"
        )
    return Schemas(folder)


def invoke(*args: object) -> Result:
    return CliRunner().invoke(make_app(), [str(a) for a in args], env={"QUALCODE_REFI_SCHEMAS": ""})


def selection(start: str, end: str, guid: str = G["sel"], coding: str = G["coding"]) -> str:
    return (
        f'\n<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{coding}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PlainTextSelection>"
    )


def text_project(tmp_path: Path, selections: str, codes: str = CODES, origin: str = "X 1") -> Path:
    """A .qdpx: ``codes`` and one text source (TEXT, inline) holding ``selections``."""
    body = (
        f"\n{codes}\n<Sources><TextSource "
        f'guid="{G["source"]}" name="Interview"><PlainTextContent>{TEXT}</PlainTextContent>'
        f"{selections}\n</TextSource></Sources>\n"
    )
    return qdpx(tmp_path / "project.qdpx", project_xml(body, origin=origin))


def line_with(path: Path, fragment: str) -> int:
    """The line of the .qde in ``path`` where ``fragment`` first occurs."""
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".qde")]
        lines = archive.read(name).decode("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def codebook(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "codebook.qdc"
    path.write_text(
        '<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f"{code}</Codes></CodeBook>",
        encoding="utf-8",
    )
    return path


# -- bug 3: what makes the import fail is a problem ----------------------------------------


@pytest.mark.parametrize(
    ("code", "wanted"),
    [
        (f'<Code guid="{G["code"]}" name="a" isCodable="maybe"/>', "isCodable='maybe'"),
        ('<Code guid="x" name="a" isCodable="maybe"/>', "isCodable='maybe'"),
        ('<Code name="a" isCodable="true"/>', "missing guid"),
    ],
)
def test_a_codebook_the_importer_refuses_is_a_problem(
    tmp_path: Path, code: str, wanted: str
) -> None:
    path = codebook(tmp_path, code)
    (problem,) = validate_file(path)
    assert problem.check == "read"
    assert problem.line == 2 and problem.member is None
    assert wanted in problem.message and "(element Code)" in problem.message
    assert problem.message.startswith("qualcode cannot import the file: ")
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert result.stdout.strip() == str(problem)


def test_a_picture_selection_the_importer_refuses_is_a_problem(tmp_path: Path) -> None:
    body = (
        f"{CODES}\n<Sources>\n"
        f'<PictureSource guid="{G["picture"]}" name="p">\n'
        f'<PictureSelection guid="{G["psel"]}" firstX="a" firstY="0" secondX="1" secondY="1">'
        f'<Coding guid="{G["coding"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        "</PictureSelection></PictureSource></Sources>"
    )
    path = qdpx(tmp_path / "picture.qdpx", project_xml(body))
    (problem,) = validate_file(path)
    line = line_with(path, "<PictureSelection")
    assert (problem.member, problem.line, problem.check) == ("project.qde", line, "read")
    assert "firstX='a' is not an integer (element PictureSelection)" in problem.message
    assert invoke("validate", path).exit_code == 1


def test_a_fault_both_checks_find_is_one_problem(tmp_path: Path) -> None:
    """A position that is not a number, a CodeRef without its target: qualcode's own check
    says so, and the importer's failure on the same attribute is not said again."""
    path = text_project(tmp_path, selection("abc", "5"))
    (problem,) = validate_file(path)
    assert "startPosition='abc' is not a whole number" in problem.message
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="I">'
        f"<PlainTextContent>{TEXT}</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="4">'
        f'<Coding guid="{G["coding"]}"><CodeRef/></Coding></PlainTextSelection>'
        "</TextSource></Sources>"
    )
    path = qdpx(tmp_path / "noref.qdpx", project_xml(body))
    (problem,) = validate_file(path)
    assert problem.message == "<CodeRef> has no targetGUID"


def test_a_file_the_importer_reads_gives_no_read_problem(tmp_path: Path) -> None:
    assert validate_file(text_project(tmp_path, selection("0", "4"))) == []


# -- bug 4: positions as the importer reads them --------------------------------------------

LINES = "First line of the text.\nSecond line is here.\nThird line follows now.\n"
LINES += "Fourth one.\nFifth line is last.\n"
QUOTES = ["line of the", "Second line", "follows now", "Fourth one", "Fifth line", "last"]


def atlas_crlf_two(tmp_path: Path, extra: str = "") -> Path:
    """ATLAS.ti (known to count a line end 1) with a CRLF text whose positions count CRLF 2."""
    crlf = LINES.replace("\n", "\r\n")
    selections = ""
    for index, quote in enumerate(QUOTES):
        start = crlf.index(quote)
        name = quote if len(quote) < 8 else quote[:6] + "…"
        selections += (
            f'\n<PlainTextSelection guid="eeeeeeee-0000-4000-8000-0000000000{index:02d}" '
            f'name="{name}" startPosition="{start}" endPosition="{start + len(quote)}">'
            f'<Coding guid="ffffffff-0000-4000-8000-0000000000{index:02d}">'
            f'<CodeRef targetGUID="{G["code"]}"/></Coding></PlainTextSelection>'
        )
    body = (
        f'\n{CODES}\n<Sources><TextSource guid="{G["source"]}" name="Doc" '
        f'plainTextPath="internal://{TEXT_FILE}">{selections}{extra}\n</TextSource></Sources>\n'
    )
    return qdpx(
        tmp_path / "atlas.qdpx",
        project_xml(body, origin="ATLAS.ti 23.2.0"),
        {f"sources/{TEXT_FILE}": crlf.encode("utf-8")},
        qde_name="Trial.qde",
    )


def test_a_file_read_under_a_fallback_convention_is_valid_with_a_note(tmp_path: Path) -> None:
    path = atlas_crlf_two(tmp_path)
    found = check_file(path)
    assert found.problems == []
    (note,) = found.notes
    assert note.check == "positions" and note.member == "Trial.qde"
    assert "code points of the text as written (the standard) fits 100%" in note.message
    result = invoke("validate", path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert f"note: {note}" in result.stderr
    assert "no problems in 1 file" in result.stderr


def test_spans_are_checked_under_the_convention_the_importer_chose(tmp_path: Path) -> None:
    past = len(LINES.replace("\n", "\r\n")) + 1
    extra = selection("0", str(past), "eeeeeeee-0000-4000-8000-0000000000aa", G["coding3"])
    (problem,) = validate_file(atlas_crlf_two(tmp_path, extra))
    assert problem.check == "span"
    assert f"at 0-{past} lies outside" in problem.message
    assert problem.message.endswith("counting code points of the text as written (the standard)")


@pytest.mark.parametrize("value", ["", "4.0"])
def test_a_value_the_schema_refuses_is_not_reported_again(
    tmp_path: Path, schemas: Schemas, value: str
) -> None:
    path = text_project(tmp_path, selection(value, value or "9"))
    problems = validate_file(path, schemas=schemas)
    assert [p.check for p in problems] == ["schema"] * (1 if value == "" else 2)
    assert all("not a whole number" not in p.message for p in problems)
    assert "startPosition" in problems[0].message


def test_a_missing_attribute_the_schema_reports_is_one_line(
    tmp_path: Path, schemas: Schemas
) -> None:
    body = (
        f'{CODES}<Sources><TextSource guid="{G["source"]}" name="I">'
        f"<PlainTextContent>{TEXT}</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" startPosition="0" endPosition="4">'
        f'<Coding guid="{G["coding"]}"><CodeRef/></Coding></PlainTextSelection>'
        "</TextSource></Sources>"
    )
    (problem,) = validate_file(qdpx(tmp_path / "noref.qdpx", project_xml(body)), schemas=schemas)
    assert problem.check == "schema" and "targetGUID" in problem.message
    (problem,) = validate_file(
        codebook(tmp_path, '<Code name="a" isCodable="true"/>'), schemas=schemas
    )
    assert problem.check == "schema" and "'guid' is required" in problem.message


def test_other_problems_on_a_line_the_schema_reported_stay(
    tmp_path: Path, schemas: Schemas
) -> None:
    """Only qualcode's line about the same attribute goes: a selection with a date the schema
    refuses still has its span checked, and that is a second fault."""
    bad_date = selection("0", "900").replace(
        "<PlainTextSelection ", '<PlainTextSelection creationDateTime="soon" '
    )
    path = text_project(tmp_path, bad_date)
    problems = validate_file(path, schemas=schemas)
    assert [p.check for p in problems] == ["schema", "span"]
    assert "creationDateTime" in problems[0].message and "0-900" in problems[1].message
    assert problems[0].line == problems[1].line


# -- bug 6: clearer messages, codes that are not for coding ----------------------------------


def test_a_span_with_negative_positions_reads_unambiguously(tmp_path: Path) -> None:
    (problem,) = validate_file(text_project(tmp_path, selection("-5", "3")))
    assert "PlainTextSelection at -5 to 3 lies outside" in problem.message
    (problem,) = validate_file(text_project(tmp_path, selection("-5", "-2")))
    assert "at -5 to -2 lies outside" in problem.message


@pytest.mark.parametrize("value", ["false", "0", "False"])
def test_a_coding_of_a_code_that_is_not_codable(tmp_path: Path, value: str) -> None:
    codes = (
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="Category" isCodable="{value}"/>'
        "</Codes></CodeBook>"
    )
    path = text_project(tmp_path, selection("0", "4"), codes)
    (problem,) = validate_file(path)
    assert problem == Problem(
        str(path),
        f"<Coding> applies code 'Category' (line {line_with(path, '<Code ')}), which is not "
        f"codable (isCodable={value!r}); qualcode imports the coding all the same",
        "project.qde",
        line_with(path, "<Coding"),
        G["coding"],
        "reference",
    )
    assert invoke("validate", path).exit_code == 1


def test_a_case_may_name_a_code_that_is_not_codable(tmp_path: Path) -> None:
    codes = (
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="Category" isCodable="false"/>'
        f'</Codes></CodeBook><Cases><Case guid="{G["case"]}" name="P1">'
        f'<CodeRef targetGUID="{G["code"]}"/></Case></Cases>'
    )
    assert validate_file(text_project(tmp_path, "", codes)) == []
