"""Reading keyword rules: the TOML layout, its errors (line and key), and codebook rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import OptionError, QualcodeError
from qualcode.model import Code
from qualcode.project import Project
from qualcode.strategies.keywords.rules import (
    RulesError,
    check_settings,
    load_rules,
    parse_rules,
    rules_from_codebook,
)

GOOD = """\
# rules for a small codebook
[settings]
unit = "paragraph"
case_sensitive = false

[[rule]]
code = "Training and preparation"
terms = ["train*", "induction course"]
exclude = ["train station"]

[[rule]]
code = ["Relationships", "With clients"]
terms = "client?"
regex = ['\\bservice users?\\b']
case_sensitive = true
"""


def test_a_good_file_gives_its_rules_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    rule_set = load_rules(path)
    assert rule_set.path == path
    assert rule_set.settings == {"unit": "paragraph", "case_sensitive": False}
    first, second = rule_set.rules
    assert first.code == ("Training and preparation",)
    assert first.terms == ("train*", "induction course")
    assert first.exclude == ("train station",)
    assert first.whole_word is True
    assert first.case_sensitive is False
    assert first.line == 6
    assert second.code == ("Relationships", "With clients")
    assert second.terms == ("client?",)
    assert second.regex == ("\\bservice users?\\b",)
    assert second.case_sensitive is True
    assert second.line == 11


def _error(source: str) -> RulesError:
    with pytest.raises(RulesError) as caught:
        parse_rules(source, path=Path("rules.toml"))
    return caught.value


def test_invalid_toml_names_the_line() -> None:
    error = _error('[[rule]]\ncode = "A"\nterms = ["a", \n\nunit = \n')
    assert error.line is not None and error.line >= 3
    assert error.path == "rules.toml"
    assert "not valid TOML" in str(error)


def test_an_unknown_key_names_its_line_and_key() -> None:
    error = _error('[[rule]]\ncode = "A"\nterms = ["a"]\n\n[[rule]]\ncode = "B"\ntrems = ["b"]\n')
    assert error.line == 7
    assert "'trems'" in str(error)
    assert "rule 2" in str(error)
    assert "terms" in str(error)  # the known keys are listed


def test_a_wrong_type_names_its_line_and_key() -> None:
    error = _error('[[rule]]\ncode = "A"\nterms = ["a"]\nwhole_word = "sometimes"\n')
    assert (error.line, "'whole_word'" in str(error)) == (4, True)


def test_a_bad_setting_names_its_line_and_key() -> None:
    error = _error('[settings]\ncase_sensitive = true\nunit = "chapter"\n\n[[rule]]\ncode = "A"\n')
    assert error.line == 3
    assert "'unit'" in str(error)
    assert "sentence" in str(error)  # the units are listed


def test_a_regex_that_does_not_compile_is_refused() -> None:
    error = _error('[[rule]]\ncode = "A"\n\nregex = ["(unclosed"]\n')
    assert error.line == 4
    assert "does not compile" in str(error)
    assert "(unclosed" in str(error)


def test_a_regex_matching_empty_text_is_refused() -> None:
    error = _error('[[rule]]\ncode = "A"\nregex = ["a*"]\n')
    assert "matches empty text" in str(error)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('terms = ["a"]\n', "no 'code'"),
        ('code = "A"\n', "nothing to look for"),
        ('code = "A"\nterms = ["*"]\n', "only wildcards"),
        ('code = "A"\nterms = ["  "]\n', "empty"),
        ('code = 3\nterms = ["a"]\n', "code name"),
        ('code = "A"\nterms = ["walk*"]\nstem = true\n', "wildcards and stem"),
        ('code = "A"\nterms = ["walk"]\nstem = true\nlanguage = "klingon"\n', "klingon"),
    ],
)
def test_rules_that_cannot_work_are_refused(body: str, words: str) -> None:
    error = _error("[[rule]]\n" + body)
    assert words in str(error)
    assert error.line is not None


def test_a_file_without_rules_is_refused() -> None:
    assert "no rules" in str(_error('[settings]\nunit = "hit"\n'))


def test_an_unknown_top_level_table_is_refused() -> None:
    assert "'rules'" in str(_error('[[rules]]\ncode = "A"\nterms = ["a"]\n'))


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(QualcodeError) as caught:
        load_rules(tmp_path / "absent.toml")
    assert "absent.toml" in str(caught.value)


def test_a_file_not_in_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[rule]]\ncode = "Café"\nterms = ["a"]\n'.encode("latin-1"))
    with pytest.raises(RulesError, match="UTF-8"):
        load_rules(path)


def test_settings_from_a_command_line_are_converted() -> None:
    settings = check_settings(
        {"window": "3", "whole_word": "no", "within": "A, B/C", "speakers": ["PN1"]}
    )
    assert settings == {
        "window": 3,
        "whole_word": False,
        "within": ("A", "B/C"),
        "speakers": ("PN1",),
    }
    with pytest.raises(RulesError, match="'window'"):
        check_settings({"window": "-2"})


def test_rules_come_from_the_codebook_fields() -> None:
    project = Project()
    parent = project.add_code(Code(id="c1", name="Culture", examples=["team spirit"]))
    project.add_code(
        Code(
            id="c2",
            name="Boundaries",
            parent_id=parent.id,
            definition="Keeping work and life apart.\nKeywords: boundar*, self-care, burnout",
        )
    )
    project.add_code(Code(id="c3", name="Nothing to find"))
    rule_set = rules_from_codebook(project)
    assert [(r.code, r.terms) for r in rule_set.rules] == [
        (("Culture",), ("team spirit",)),
        (("Culture", "Boundaries"), ("boundar*", "self-care", "burnout")),
    ]
    named = rules_from_codebook(project, ("name",))
    assert [r.terms for r in named.rules] == [("Culture",), ("Boundaries",), ("Nothing to find",)]


def test_a_codebook_without_terms_or_with_a_bad_field_is_refused() -> None:
    project = Project()
    project.add_code(Code(id="c1", name="Culture"))
    with pytest.raises(RulesError, match="no code of the codebook has terms"):
        rules_from_codebook(project)
    with pytest.raises(OptionError, match="colour"):
        rules_from_codebook(project, ("colour",))
