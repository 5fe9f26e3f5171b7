"""Filename patterns: a trailing ``*`` allows the rest of a name, and a name that does not match
is an error saying what pattern to write."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from qualcode.batch import import_files
from qualcode.cli import make_app
from qualcode.errors import OptionError
from qualcode.filename_patterns import FilenamePattern

REPO = Path(__file__).resolve().parents[2]
DIARIES = REPO / "examples" / "peer-workers" / "diaries"


@pytest.mark.parametrize(
    ("pattern", "name", "fields"),
    [
        ("{case}_T{wave}*", "PN1_T1_entry1.txt", {"case": "PN1", "wave": "1"}),
        ("{case}_T{wave}*.txt", "PN1_T12_entry3.txt", {"case": "PN1", "wave": "12"}),
        ("{case}_T{wave}*", "PN1_T1.txt", {"case": "PN1", "wave": "1"}),
        ("{case}_T{wave}_*", "Anna_Ng_T2_diary.txt", {"case": "Anna_Ng", "wave": "2"}),
    ],
)
def test_a_trailing_star_allows_the_rest_of_a_name(
    pattern: str, name: str, fields: dict[str, str]
) -> None:
    assert FilenamePattern.compile(pattern).match(Path(name)) == fields


def test_the_example_diaries_import_with_a_trailing_star() -> None:
    result = import_files([DIARIES], pattern="{case}_T{wave}*")
    project = result.project
    assert sorted(c.name for c in project.cases) == ["PN1", "PN2", "PN3"]
    assert sorted({d.time_point for d in project.documents}) == [1, 2, 3]
    assert result.documents == 9


@pytest.mark.parametrize(
    ("pattern", "suggestion"),
    [("{case}_T{wave}", "{case}_T{wave}*"), ("{case}_T{wave}.txt", "{case}_T{wave}*.txt")],
)
def test_a_name_the_pattern_only_starts_says_to_end_it_with_a_star(
    pattern: str, suggestion: str
) -> None:
    with pytest.raises(OptionError) as raised:
        import_files([DIARIES / "PN1_T1_entry1.txt"], pattern=pattern)
    error = raised.value
    assert error.path is not None and error.path.endswith("PN1_T1_entry1.txt")
    assert f"end it with * to allow the rest: --pattern '{suggestion}'" in str(error)
    assert FilenamePattern.compile(suggestion).match(DIARIES / "PN1_T1_entry1.txt") is not None


def test_a_name_no_star_can_save_says_what_the_fields_match() -> None:
    with pytest.raises(OptionError, match=r"\{wave\} a whole number") as raised:
        import_files([DIARIES / "PN1_T1_entry1.txt"], pattern="{case}_W{wave}")
    assert "--pattern '" not in str(raised.value)


def test_on_the_command_line_the_error_is_one_line_with_the_pattern_to_write(
    tmp_path: Path,
) -> None:
    app: typer.Typer = make_app()
    target = tmp_path / "study.qualcode.json"
    result = CliRunner().invoke(
        app, ["import", str(DIARIES), "--into", str(target), "--pattern", "{case}_T{wave}"]
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert "--pattern '{case}_T{wave}*'" in result.stderr
    assert not target.exists()
