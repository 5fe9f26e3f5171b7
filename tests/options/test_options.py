"""The one options contract: declarations, checking, parsing and its wording."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

import qualcode
from qualcode import Project, hookimpl
from qualcode.errors import OptionError, PluginError
from qualcode.options import (
    Option,
    check_options,
    declared_options,
    parse_assignments,
    parse_boolean,
)
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.strategies.base import Runner, Strategy, StrategyResult

OWNER = "strategy 'demo'"
DECLARED = (
    Option("mode", "how to work", kind="string", default="fast", choices=("fast", "slow")),
    Option("limit", "at most this many", kind="integer", minimum=1, maximum=10),
    Option("share", "a share", kind="number", minimum=0, maximum=1),
    Option("stem", "stem words", kind="boolean", default=False),
    Option("words", "words to find", kind="strings"),
    Option("roles", "roles by speaker", kind="mapping"),
    Option("anything", "passed on as given"),
)


def test_defaults_fill_in_and_options_without_one_stay_absent() -> None:
    assert check_options(DECLARED, {}, owner=OWNER) == {"mode": "fast", "stem": False}


def test_strings_from_the_command_line_are_parsed_to_their_kinds() -> None:
    given = {
        "mode": "slow",
        "limit": " 3 ",
        "share": "0.25",
        "stem": "Yes",
        "words": "a, b,,c",
        "roles": "PN*=participant, I?=interviewer",
        "anything": "x=y",
    }
    assert check_options(DECLARED, given, owner=OWNER) == {
        "mode": "slow",
        "limit": 3,
        "share": 0.25,
        "stem": True,
        "words": ("a", "b", "c"),
        "roles": (("PN*", "participant"), ("I?", "interviewer")),
        "anything": "x=y",
    }


def test_python_values_are_accepted_as_they_are() -> None:
    given = {"limit": 10, "share": 1, "stem": True, "words": ["x"], "roles": {"A": "b"}}
    parsed = check_options(DECLARED, given, owner=OWNER)
    assert parsed["limit"] == 10
    assert parsed["share"] == 1.0
    assert parsed["words"] == ("x",)
    assert parsed["roles"] == (("A", "b"),)


def test_none_counts_as_not_given() -> None:
    assert check_options(DECLARED, {"limit": None}, owner=OWNER) == {"mode": "fast", "stem": False}


def test_an_unknown_option_is_named_with_the_known_ones() -> None:
    with pytest.raises(OptionError) as caught:
        check_options(DECLARED, {"limt": "3"}, owner=OWNER)
    assert str(caught.value).startswith("strategy 'demo' has no option 'limt'")
    assert "its options are: mode, limit, share, stem, words, roles, anything" in str(caught.value)


def test_several_unknown_options_are_named_together() -> None:
    with pytest.raises(OptionError, match="has no options 'a', 'b'"):
        check_options(DECLARED, {"b": 1, "a": 2}, owner=OWNER)


def test_a_plugin_without_options_says_so() -> None:
    with pytest.raises(OptionError, match="it takes no options"):
        check_options((), {"x": 1}, owner="importer 'txt'")


def test_a_missing_required_option_is_named() -> None:
    required = (Option("rules", "the rules file", kind="string", required=True),)
    with pytest.raises(OptionError, match="strategy 'demo' needs the option 'rules'"):
        check_options(required, {}, owner=OWNER)


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("mode", "medium", "must be one of fast, slow, not 'medium'"),
        ("mode", 3, "must be a string, not 3"),
        ("limit", "0", "must be a whole number from 1 to 10, not '0'"),
        ("limit", "11", "must be a whole number from 1 to 10"),
        ("limit", "2.5", "must be a whole number from 1 to 10"),
        ("limit", 2.0, "must be a whole number from 1 to 10"),
        ("limit", True, "must be a whole number from 1 to 10"),
        ("share", "nan", "must be a number from 0 to 1"),
        ("share", "inf", "must be a number from 0 to 1"),
        ("share", "1e999", "must be a number from 0 to 1"),
        ("share", "1.5", "must be a number from 0 to 1"),
        ("stem", "maybe", "must be true or false, not 'maybe'"),
        ("words", [1, 2], "must be a list of strings"),
        ("roles", "PN1", "must be pairs like 'key=value,key=value'"),
        ("roles", {"A": ""}, "must be a mapping of names to names, none empty"),
    ],
)
def test_an_ill_typed_value_says_what_it_must_be(name: str, value: Any, wanted: str) -> None:
    with pytest.raises(OptionError) as caught:
        check_options(DECLARED, {name: value}, owner=OWNER)
    message = str(caught.value)
    assert message.startswith(f"option {name!r} of strategy 'demo' ")
    assert wanted in message


@pytest.mark.parametrize(
    ("word", "expected"),
    [("true", True), (" ON ", True), ("1", True), ("no", False), ("OFF", False), ("0", False)],
)
def test_one_boolean_reader(word: str, expected: bool) -> None:
    assert parse_boolean(word) is expected


@pytest.mark.parametrize("value", ["", "y", "2", None, 1])
def test_the_boolean_reader_refuses_what_is_not_a_yes_or_no(value: Any) -> None:
    assert parse_boolean(value) is None


def test_assignments_from_the_command_line() -> None:
    assert parse_assignments(["a=1", "b=x=y", "a=2", "c="]) == {"a": "2", "b": "x=y", "c": ""}
    with pytest.raises(OptionError, match="expects KEY=VALUE, got 'oops'"):
        parse_assignments(["oops"])
    with pytest.raises(OptionError, match="got '=1'"):
        parse_assignments(["=1"])


class Declared:
    options: ClassVar[Any] = DECLARED


class OldStyle:
    options: ClassVar[Any] = {"max_bytes": "refuse larger archives"}


def test_declarations_are_read_from_a_class_in_both_forms() -> None:
    assert declared_options(Declared) == DECLARED
    assert declared_options(OldStyle) == (Option("max_bytes", "refuse larger archives"),)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ("max_bytes", "must be a tuple of qualcode.options.Option"),
        (("max_bytes",), "holds 'max_bytes', which is not a qualcode.options.Option"),
        ((Option("a", "x"), Option("a", "y")), "option 'a' is declared twice"),
        ((Option("a b", "x"),), "option name 'a b' is not a valid name"),
        ((Option("a", "x", kind="float"),), "option 'a' has kind 'float'"),  # type: ignore[arg-type]
        ({"a": 1}, "must map names to help texts"),
    ],
)
def test_a_malformed_declaration_names_the_class(options: Any, problem: str) -> None:
    broken = type("Broken", (), {"options": options, "__module__": "plugin_x"})
    with pytest.raises(PluginError) as caught:
        declared_options(broken)
    assert "plugin_x.Broken declares its options wrongly" in str(caught.value)
    assert problem in str(caught.value)


def test_a_declaration_describes_itself_for_listings() -> None:
    assert DECLARED[1].describe() == {
        "name": "limit",
        "kind": "integer",
        "help": "at most this many",
        "minimum": 1,
        "maximum": 10,
    }
    assert DECLARED[0].describe()["choices"] == ["fast", "slow"]


class BadlyDeclaredStrategy(Strategy):
    name = "badly-declared"
    version = "1"
    description = "declares its options as bare names"
    options: ClassVar[Any] = ("rules",)

    def run(self, project: Project, runner: Runner, **options: Any) -> StrategyResult:
        raise NotImplementedError


class ThirdParty:
    @hookimpl
    def register_strategies(self) -> list[type[Strategy]]:
        return [BadlyDeclaredStrategy]


def test_a_plugin_with_a_malformed_declaration_is_named_at_registration() -> None:
    with pytest.raises(PluginError) as caught:
        Plugins(get_plugin_manager(load_entrypoints=False, extra=[ThirdParty()]))
    message = str(caught.value)
    assert "BadlyDeclaredStrategy" in message
    assert "declares its options wrongly" in message


def test_the_strategies_listing_comes_from_the_declarations() -> None:
    listing = Plugins(get_plugin_manager(load_entrypoints=False)).strategy_list()
    keywords = next(s for s in listing["strategies"] if s["name"] == "keywords")
    names = [option["name"] for option in keywords["options"]]
    assert names[:2] == ["rules", "codebook_fields"]
    assert all(set(option) >= {"name", "kind", "help"} for option in keywords["options"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: qualcode.save(Project(), "x.qualcode.json", colour="red"),
            "exporter 'json' has no option 'colour'",
        ),
    ],
)
def test_one_wording_for_an_unknown_option_everywhere(call: Any, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        call()


def test_the_plugins_listing_shows_each_class_options() -> None:
    listing = Plugins(get_plugin_manager(load_entrypoints=False)).plugin_list()
    refiqda = next(p for p in listing if p["name"] == "qualcode.formats.refiqda.plugin")
    (max_bytes,) = refiqda["options"]["importers"]["qdpx"]
    assert [o["name"] for o in refiqda["options"]["exporters"]["qdpx"]] == [
        "target",
        "qualcode_note",
    ]
    assert max_bytes == {
        "name": "max_bytes",
        "kind": "integer",
        "help": "refuse archives that expand to more bytes than this",
        "minimum": 1,
    }
