"""Native JSON: values of the wrong type, unknown and missing fields, and lone surrogates.

Each is one clear line naming the file, the entity and the field, never Python's own wording,
and nothing that would only fail later (an export, a save) gets past the reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from typer.testing import CliRunner

import qualcode
from qualcode import Document, Project, new_id
from qualcode.cli import make_app
from qualcode.errors import OutputError, ParseError
from qualcode.formats.native_json import _CODING_FIELDS, decode_project, encode_project
from qualcode.model import Coding
from qualcode.testing import sample_project

Change = Callable[[dict[str, Any]], Any]


def good_data() -> dict[str, Any]:
    return json.loads(json.dumps(encode_project(sample_project())))


def write(tmp_path: Path, data: Any, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load_error(tmp_path: Path, change: Change) -> str:
    """The message of the ParseError that loading the sample project, changed, raises."""
    data = good_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    assert caught.value.path == str(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ")
    assert "\n" not in text
    assert "Error" not in text  # no Python exception names (TypeError, KeyError ...)
    return text.removeprefix(f"{path}: ")


def first(data: dict[str, Any], section: str, key: str | None = None) -> dict[str, Any]:
    """The first entity of ``section`` (that has ``key``, if given)."""
    return next(item for item in data[section] if key is None or key in item)


# -- whole numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(6.5, "6.5"), ("6", '"6"'), (None, "null"), (True, "true")]
)
@pytest.mark.parametrize("field", ["start", "end"])
def test_a_coding_position_must_be_a_whole_number(
    tmp_path: Path, field: str, value: Any, shown: str
) -> None:
    coding_id = good_data()["codings"][0]["id"]

    def change(data: dict[str, Any]) -> None:
        data["codings"][0][field] = value

    message = load_error(tmp_path, change)
    assert message == (
        f"coding {coding_id}: {field} must be a whole number, not {shown} (in section 'codings')"
    )


def test_a_whole_number_written_as_a_float_is_refused_too(tmp_path: Path) -> None:
    """6.0 is not 6: JSON writers that keep integers write 6."""

    def change(data: dict[str, Any]) -> None:
        data["codings"][0]["start"] = float(data["codings"][0]["start"])

    assert "start must be a whole number, not " in load_error(tmp_path, change)


def set_time_point(data: dict[str, Any]) -> str:
    document = first(data, "documents")
    document["time_point"] = 1.5
    return f"document {document['id']}: time_point must be a whole number or null, not 1.5"


def set_memo_start(data: dict[str, Any]) -> str:
    memo = first(data, "memos", "start")
    memo["start"] = "0"
    return f'memo {memo["id"]}: start must be a whole number or null, not "0"'


def set_turn_end(data: dict[str, Any]) -> str:
    document = first(data, "documents", "turns")
    document["turns"][0]["end"] = True
    return f"document {document['id']}: turns[0].end must be a whole number, not true"


def set_paragraph_level(data: dict[str, Any]) -> str:
    document = first(data, "documents", "paragraphs")
    document["paragraphs"][1]["heading_level"] = 1.0
    return f"document {document['id']}: paragraphs[1].heading_level must be a whole number, not 1.0"


def set_sync_time(data: dict[str, Any]) -> str:
    document = first(data, "documents", "sync_points")
    document["sync_points"][0]["time_ms"] = None
    return f"document {document['id']}: sync_points[0].time_ms must be a whole number, not null"


def set_media_end(data: dict[str, Any]) -> str:
    coding = next(c for c in data["codings"] if c.get("region", {}).get("region") == "media")
    coding["region"]["end_ms"] = 9.5
    return f"coding {coding['id']}: region.end_ms must be a whole number, not 9.5"


def set_picture_corner(data: dict[str, Any]) -> str:
    coding = next(c for c in data["codings"] if c.get("region", {}).get("region") == "picture")
    coding["region"]["first_x"] = "10"
    return f'coding {coding["id"]}: region.first_x must be a whole number, not "10"'


def set_pdf_page(data: dict[str, Any]) -> str:
    coding = next(c for c in data["codings"] if c.get("region", {}).get("region") == "pdf")
    coding["region"]["page"] = False
    return f"coding {coding['id']}: region.page must be a whole number, not false"


def set_pdf_corner(data: dict[str, Any]) -> str:
    coding = next(c for c in data["codings"] if c.get("region", {}).get("region") == "pdf")
    coding["region"]["first_x"] = True
    return f"coding {coding['id']}: region.first_x must be a number, not true"


def set_provenance_index(data: dict[str, Any]) -> str:
    coding = data["codings"][0]
    coding["provenance"] = True
    count = len(data["provenances"])
    return (
        f"coding {coding['id']}: provenance must be an index into provenances "
        f"(0 to {count - 1}), not true"
    )


def set_negative_provenance(data: dict[str, Any]) -> str:
    coding = data["codings"][0]
    coding["provenance"] = -1
    return f"coding {coding['id']}: provenance must be an index into provenances"


def set_machine_flag(data: dict[str, Any]) -> str:
    coder = first(data, "coders")
    coder["machine"] = 1
    return f"coder {coder['id']}: machine must be true or false, not 1"


def set_name_number(data: dict[str, Any]) -> str:
    code = first(data, "codes")
    code["name"] = 7
    return f"code {code['id']}: name must be a string, not 7"


def set_code_ids_string(data: dict[str, Any]) -> str:
    theme = first(data, "themes", "code_ids")
    theme["code_ids"] = "abc"
    return f'theme {theme["id"]}: code_ids must be an array, not "abc"'


@pytest.mark.parametrize(
    "change",
    [
        set_time_point,
        set_memo_start,
        set_turn_end,
        set_paragraph_level,
        set_sync_time,
        set_media_end,
        set_picture_corner,
        set_pdf_page,
        set_pdf_corner,
        set_provenance_index,
        set_negative_provenance,
        set_machine_flag,
        set_name_number,
        set_code_ids_string,
    ],
)
def test_every_typed_field_is_checked(tmp_path: Path, change: Callable[..., str]) -> None:
    expected: list[str] = []
    message = load_error(tmp_path, lambda data: expected.append(change(data)))
    assert message.startswith(expected[0]), message


def test_the_coding_fields_are_in_the_order_of_the_model() -> None:
    """The reader builds codings by position, in this order."""
    assert list(_CODING_FIELDS) == [field.name for field in attrs.fields(Coding)]


def test_unusual_but_valid_codings_still_load(tmp_path: Path) -> None:
    """A coder written as null, a provenance written as 0, an id in upper case with braces."""
    data = good_data()
    coding = data["codings"][0]
    coding["coder_id"] = None
    coding["provenance"] = 0
    coding["id"] = "{" + coding["id"].upper() + "}"
    project = qualcode.load(write(tmp_path, data))
    loaded = project.codings[coding["id"].strip("{}").lower()]
    assert loaded.coder_id is None
    assert loaded.provenance == qualcode.MANUAL


# -- unknown and missing fields -----------------------------------------------------------------


def test_an_unknown_field_is_named_as_unknown_with_the_known_ones(tmp_path: Path) -> None:
    code_id = good_data()["codes"][0]["id"]

    def change(data: dict[str, Any]) -> None:
        data["codes"][0]["colour"] = "#ff0000"

    message = load_error(tmp_path, change)
    assert message.startswith(
        f"code {code_id}: unknown field 'colour' (in section 'codes'); the known fields are: "
        "id, name, parent_id, color, codable, "
    )
    assert "missing" not in message


def test_an_unknown_field_of_a_coding_or_a_nested_structure(tmp_path: Path) -> None:
    def coding(data: dict[str, Any]) -> None:
        data["codings"][0]["colour"] = "red"

    assert (
        "unknown field 'colour' (in section 'codings'); the known fields are: id, document_id"
        in load_error(tmp_path, coding)
    )

    def nested(data: dict[str, Any]) -> None:
        first(data, "documents", "source_file")["source_file"]["size"] = 3

    message = load_error(tmp_path, nested)
    assert (
        "unknown field 'source_file.size' (in section 'documents'); the known fields are: "
        "name, data" in message
    )


def test_an_unknown_field_of_the_project_head(tmp_path: Path) -> None:
    message = load_error(tmp_path, lambda data: data["project"].update(title="x"))
    assert message.startswith("project: unknown field 'title'; the known fields are: name, ")


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    document_id = good_data()["documents"][0]["id"]
    message = load_error(tmp_path, lambda data: data["documents"][0].pop("name"))
    assert message == f"document {document_id}: 'name' is missing (in section 'documents')"


def test_a_missing_id_names_the_entity_by_its_place(tmp_path: Path) -> None:
    message = load_error(tmp_path, lambda data: data["documents"][1].pop("id"))
    assert message == "document at documents[1]: 'id' is missing (in section 'documents')"


def test_a_missing_field_of_a_coding(tmp_path: Path) -> None:
    coding_id = good_data()["codings"][0]["id"]
    message = load_error(tmp_path, lambda data: data["codings"][0].pop("document_id"))
    assert message == f"coding {coding_id}: 'document_id' is missing (in section 'codings')"


def test_a_section_that_is_not_an_array(tmp_path: Path) -> None:
    message = load_error(tmp_path, lambda data: data.update(codes=5))
    assert message == "'codes' must be an array, not 5"


def test_a_version_of_true_is_not_version_1(tmp_path: Path) -> None:
    message = load_error(tmp_path, lambda data: data.update(version=True))
    assert "version True is not supported" in message


# -- lone surrogates ---------------------------------------------------------------------------


def write_text(tmp_path: Path, text: str) -> Path:
    """A file holding ``text`` as written (JSON escapes such as ``\\ud800`` kept as they are)."""
    path = tmp_path / "surrogate.json"
    path.write_text(text, encoding="utf-8")
    return path


def with_escape(change: Callable[[dict[str, Any]], Any]) -> str:
    """The sample project as JSON text, changed, with every ``@SURROGATE@`` an escape."""
    data = good_data()
    change(data)
    return json.dumps(data).replace("@SURROGATE@", "\\ud800")


def test_a_lone_surrogate_in_a_text_is_refused_with_its_place(tmp_path: Path) -> None:
    document_id = good_data()["documents"][0]["id"]

    def change(data: dict[str, Any]) -> None:
        document = data["documents"][0]
        document["text"] = "ab@SURROGATE@" + document["text"][3:]

    path = write_text(tmp_path, with_escape(change))
    with pytest.raises(ParseError) as caught:
        qualcode.load(path)
    assert str(caught.value) == (
        f"{path}: document {document_id}: text holds a lone surrogate (U+D800) at character 3 "
        "(in section 'documents')"
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: first(d, "codes").update(name="x@SURROGATE@"), "name holds"),
        (
            lambda d: first(d, "codes", "examples")["examples"].append("@SURROGATE@"),
            "examples[",
        ),
        (
            lambda d: first(d, "cases", "attributes")["attributes"]["map"].update(
                {"@SURROGATE@": 1}
            ),
            "attributes.map has a member name that holds",
        ),
        (lambda d: d["project"].update(name="@SURROGATE@"), "project: name holds"),
        (lambda d: d["codings"][0].update(id="@SURROGATE@"), "coding at codings[0]: id holds"),
        (lambda d: d["codings"][0].update(code_id="@SURROGATE@"), ": code_id holds"),
        (lambda d: d["provenances"][1].update(name="@SURROGATE@"), "provenances[1]: name holds"),
    ],
)
def test_a_lone_surrogate_anywhere_is_refused(tmp_path: Path, change: Change, where: str) -> None:
    path = write_text(tmp_path, with_escape(change))
    with pytest.raises(ParseError, match="lone surrogate \\(U\\+D800\\)") as caught:
        qualcode.load(path)
    assert where in str(caught.value)


def test_an_encoded_surrogate_is_refused_too(tmp_path: Path) -> None:
    """The bytes ED A0 80 (U+D800 encoded as if it were a character) are not UTF-8 either."""
    text = with_escape(lambda d: first(d, "documents").update(text="@SURROGATE@"))
    path = tmp_path / "encoded.json"
    path.write_bytes(text.replace("\\ud800", "\udc00").encode("utf-8", "surrogatepass"))
    with pytest.raises(ParseError):
        qualcode.load(path)


def test_a_surrogate_pair_written_as_two_escapes_is_one_character(tmp_path: Path) -> None:
    text = with_escape(lambda d: first(d, "codes").update(name="smile @PAIR@"))
    path = write_text(tmp_path, text.replace("@PAIR@", "\\ud83d\\ude00"))
    project = qualcode.load(path)
    assert any(code.name == "smile \U0001f600" for code in project.codes)


def test_decode_project_checks_strings_too() -> None:
    data = good_data()
    data["documents"][0]["text"] = "x\udfff" + data["documents"][0]["text"][2:]
    with pytest.raises(
        ParseError, match="text holds a lone surrogate \\(U\\+DFFF\\) at character 2"
    ):
        decode_project(data)


def test_saving_a_project_with_a_lone_surrogate_is_a_clear_error(tmp_path: Path) -> None:
    """A project made in Python can hold one; JSON (UTF-8) cannot, so nothing is written."""
    project = Project(name="p")
    document = project.add_document(Document(id=new_id(), name="d", text="ok \ud800"))
    path = tmp_path / "out.json"
    with pytest.raises(OutputError) as caught:
        qualcode.save(project, path)
    assert str(caught.value).startswith(
        f"{path}: document {document.id}: text holds a lone surrogate (U+D800) at character 4"
    )
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


# -- through the command line ------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(make_app(), [str(a) for a in args])


def test_validate_and_convert_give_one_line_for_a_fractional_position(tmp_path: Path) -> None:
    """The QA case: 6.5 passed validate and JSON output, then REFI export crashed."""
    data = good_data()
    data["codings"][0]["start"] = 6.5
    path = write(tmp_path, data)
    checked = run("validate", str(path))
    assert checked.exit_code == 1
    assert "start must be a whole number, not 6.5" in checked.output
    for output in ("out.qdpx", "out.json"):
        result = run("convert", str(path), str(tmp_path / output))
        assert result.exit_code == 1, result.output
        (line,) = result.output.strip().splitlines()
        assert line == (
            f"error: {path}: coding {data['codings'][0]['id']}: start must be a whole number, "
            "not 6.5 (in section 'codings')"
        )
        assert not (tmp_path / output).exists()


def test_convert_refuses_a_lone_surrogate_in_one_line(tmp_path: Path) -> None:
    path = write_text(
        tmp_path, with_escape(lambda d: first(d, "documents").update(text="@SURROGATE@"))
    )
    for output in ("out.qdpx", "out.json"):
        result = run("convert", str(path), str(tmp_path / output))
        assert result.exit_code == 1, result.output
        (line,) = result.output.strip().splitlines()
        assert "text holds a lone surrogate (U+D800) at character 1" in line
        assert not (tmp_path / output).exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "qualcode", "x": NaN}', "NaN is not a number JSON allows"),
        ('{"format": "qualcode", "x": -Infinity}', "-Infinity is not a number JSON allows"),
        ('{"format": "qualcode", "x": 1e400}', "1e400 is too large a number"),
        (
            '{"format": "qualcode", "x": ' + "9" * 5000 + "}",
            "a whole number has more than 4,300 digits",
        ),
        ('{"format": "qualcode", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "too deeply"),
    ],
    ids=["nan", "infinity", "overflow", "digits", "depth"],
)
def test_numbers_and_depths_json_cannot_hold_are_one_clear_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    # they leaked RecursionError and ValueError, or were read as non-finite floats
    path = tmp_path / "odd.qualcode.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match=expected) as error:
        qualcode.load(path)
    assert error.value.path == str(path)


def test_a_non_finite_number_made_in_python_is_refused_on_writing(tmp_path: Path) -> None:
    project = sample_project()
    coding = next(c for c in project.codings if c.region is not None)
    region = attrs.evolve(coding.region, first_x=float("nan"))
    project.add(attrs.evolve(coding, region=region), replace=True)
    out = tmp_path / "out.qualcode.json"
    with pytest.raises(OutputError, match="not finite"):
        qualcode.save(project, out)
    assert not out.exists()


@pytest.mark.parametrize("indent", ["2", 2, "0"])
def test_indent_given_as_text_or_number(tmp_path: Path, indent: object) -> None:
    out = tmp_path / "out.qualcode.json"
    qualcode.save(sample_project(), out, indent=indent)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("{\n" + " " * int(str(indent)) + '"format"')
    assert qualcode.load(out).name == sample_project().name


@pytest.mark.parametrize("indent", ["abc", "-1", True, "17", "٣"])
def test_a_bad_indent_is_an_option_error(tmp_path: Path, indent: object) -> None:
    # "2" reached json.dumps as a string and became the indent text itself: a corrupt file
    with pytest.raises(qualcode.QualcodeError, match="option 'indent'"):
        qualcode.save(sample_project(), tmp_path / "out.qualcode.json", indent=indent)


def test_an_unknown_member_at_the_top_level_is_named(tmp_path: Path) -> None:
    # it was accepted silently, while unknown fields of entities are named
    data = good_data()
    data["extra"] = 1
    with pytest.raises(ParseError, match="unknown member\\(s\\) 'extra' at the top level"):
        qualcode.load(write(tmp_path, data, "odd.qualcode.json"))
