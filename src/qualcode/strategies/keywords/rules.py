"""Keyword rules: what to look for, per code, read from a TOML file or from the codebook.

A rules file has an optional ``[settings]`` table (defaults for every rule and for the run) and
one ``[[rule]]`` table per rule; the layout is documented in ``docs/strategies/keywords.md``::

    [settings]
    unit = "sentence"

    [[rule]]
    code = "Training and preparation"
    terms = ["train*", "induction", "course"]
    exclude = ["train station"]

Errors name the file, the line and the key, and say what to write instead.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import OptionError, ParseError
from qualcode.fileio import read_bytes
from qualcode.model import Code
from qualcode.options import parse_boolean
from qualcode.project import Project

UNITS = ("hit", "words", "sentence", "paragraph", "turn", "document")
"""The coded context of a hit: the hit itself, the hit plus or minus ``window`` words, its
sentence, paragraph or speaker turn, or the whole document."""

EXCLUDE_SCOPES = ("hit", "unit")
"""Where an exclusion term cancels a hit: when it covers the hit, or anywhere in the unit."""

SETTING_KEYS: dict[str, str] = {
    "unit": f"coded context: one of {', '.join(UNITS)} (default sentence)",
    "window": "for unit 'words': how many words either side of the hit (default 5)",
    "whole_word": "match whole words only (default true)",
    "case_sensitive": "match case exactly (default false)",
    "stem": "match word forms through a stemmer (default false; needs qualcode[stem])",
    "language": "the stemmer's language, e.g. english, german, arabic (default english)",
    "within": "only search text already coded with these codes (names or paths A/B)",
    "speakers": (
        "only search the turns of these speakers (names or patterns such as PN*, any case);"
        " documents without speaker turns are searched whole"
    ),
    "exclude_scope": "where an exclusion term cancels a hit: hit (covering it) or unit",
    "create_missing": "create codes named by rules that are not in the codebook (default false)",
}
"""Keys of the ``[settings]`` table (and options of the strategy) with their help."""

RULE_KEYS: dict[str, str] = {
    "code": "the code to apply: a name, or a list of names from the top of the code tree",
    "terms": "words and phrases; * matches any letters, ? one letter",
    "exclude": "terms that cancel a hit (see exclude_scope)",
    "regex": "regular expressions (Python syntax), searched as written",
    "whole_word": "override the setting for this rule",
    "case_sensitive": "override the setting for this rule",
    "stem": "override the setting for this rule",
    "language": "override the setting for this rule",
}
"""Keys of a ``[[rule]]`` table with their help."""


class RulesError(ParseError):
    """A rules file (or rules taken from a codebook) cannot be used as written."""


@attrs.frozen
class Rule:
    """One rule: the terms, exclusions and expressions that code text with one code."""

    index: int
    """Position of the rule among the rules (0-based), used to order codings."""
    code: tuple[str, ...]
    """The code's path of names from the top of the code tree (one name for a top code)."""
    terms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    whole_word: bool = True
    case_sensitive: bool = False
    stem: bool = False
    language: str = "english"
    line: int | None = None
    """The line of the rule's table in its file, for error messages."""

    @property
    def label(self) -> str:
        return "/".join(self.code)


@attrs.frozen
class RuleSet:
    """The rules of one run and the settings that came with them."""

    rules: tuple[Rule, ...]
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    path: Path | None = None


# -- locating keys in the source, for error messages --------------------------------------------

_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


class _Lines:
    """Where each table and key of a TOML source starts (1-based lines), approximately."""

    def __init__(self, source: str) -> None:
        self.settings: dict[str, int] = {}
        self.settings_line: int | None = None
        self.rules: list[tuple[int, dict[str, int]]] = []
        current: dict[str, int] | None = None
        for number, line in enumerate(source.splitlines(), start=1):
            header = _HEADER.match(line)
            if header is not None:
                name = header.group(2).strip()
                if header.group(1) and name == "rule":
                    current = {}
                    self.rules.append((number, current))
                elif not header.group(1) and name == "settings":
                    current = self.settings
                    self.settings_line = number
                else:
                    current = None
                continue
            key = _KEY.match(line)
            if key is not None and current is not None:
                current.setdefault(key.group(1).strip("\"'"), number)

    def rule(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.rules):
            return None
        header, keys = self.rules[index]
        return keys.get(key, header) if key is not None else header

    def setting(self, key: str | None = None) -> int | None:
        if key is None:
            return self.settings_line
        return self.settings.get(key, self.settings_line)


# -- reading ------------------------------------------------------------------------------------

_DECODE_LINE = re.compile(r"at line (\d+)")


def load_rules(path: str | Path) -> RuleSet:
    """Read a rules file; a :class:`RulesError` names the line and key of any problem."""
    path = Path(path)
    data = read_bytes(path)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RulesError(
            f"not UTF-8 (bad byte at offset {error.start})",
            path=path,
            hint="save the rules file as UTF-8",
        ) from error
    return parse_rules(source, path=path)


def parse_rules(source: str, *, path: Path | None = None) -> RuleSet:
    """Rules from the text of a TOML rules file (``path`` only names it in errors)."""
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        found = _DECODE_LINE.search(str(error))
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in str(error):
            line = max(1, len(source.splitlines()))  # the last line
        raise RulesError(
            f"not valid TOML: {error}",
            path=path,
            line=line,
            hint="see docs/strategies/keywords.md for the layout of a rules file",
        ) from error
    lines = _Lines(source)
    where = _Where(path, lines)
    unknown = sorted(set(document) - {"settings", "rule"})
    if unknown:
        raise RulesError(
            f"unknown table or key {unknown[0]!r} at the top level",
            path=path,
            hint="a rules file has a [settings] table and [[rule]] tables",
        )
    raw_settings = document.get("settings", {})
    if not isinstance(raw_settings, dict):
        raise where.setting_error(None, "'settings' must be a table: write [settings]")
    settings = check_settings(raw_settings, where)
    raw_rules = document.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise RulesError(
            "'rule' must be an array of tables: write [[rule]] before each rule", path=path
        )
    if not raw_rules:
        raise RulesError(
            "the rules file has no rules", path=path, hint="add a [[rule]] table with a code"
        )
    rules = tuple(_read_rule(index, raw, settings, where) for index, raw in enumerate(raw_rules))
    return RuleSet(rules=rules, settings=settings, path=path)


@attrs.frozen
class _Where:
    """Builds errors that name the file, line and key."""

    path: Path | None
    lines: _Lines | None

    def rule_error(self, index: int, key: str | None, message: str) -> RulesError:
        line = self.lines.rule(index, key) if self.lines is not None else None
        prefix = f"rule {index + 1}" + (f", key {key!r}" if key else "")
        return RulesError(f"{prefix}: {message}", path=self.path, line=line)

    def setting_error(self, key: str | None, message: str) -> RulesError:
        if self.lines is None:  # given as an option (command line or API), not in rules
            return RulesError(f"option {key!r}: {message}" if key else message)
        line = self.lines.setting(key)
        prefix = "[settings]" + (f", key {key!r}" if key else "")
        return RulesError(f"{prefix}: {message}", path=self.path, line=line)


def check_settings(raw: Mapping[str, Any], where: _Where | None = None) -> dict[str, Any]:
    """Settings with their types checked (from a file's ``[settings]`` or from options).

    Strings are accepted for every value (as typed on a command line) and converted.
    """
    where = where or _Where(None, None)
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SETTING_KEYS:
            raise where.setting_error(
                key, f"unknown key; known keys: {', '.join(sorted(SETTING_KEYS))}"
            )
        settings[key] = _setting_value(key, value, where)
    return settings


def _setting_value(key: str, value: Any, where: _Where) -> Any:
    def fail(message: str) -> RulesError:
        return where.setting_error(key, message)

    if key == "unit":
        if value not in UNITS:
            raise fail(f"{value!r} is not a unit; use one of {', '.join(UNITS)}")
        return value
    if key == "exclude_scope":
        if value not in EXCLUDE_SCOPES:
            raise fail(f"{value!r} is not a scope; use one of {', '.join(EXCLUDE_SCOPES)}")
        return value
    if key == "window":
        number = _as_int(value)
        if number is None or number < 0:
            raise fail(f"{value!r} is not a whole number of words (0 or more)")
        return number
    if key in ("whole_word", "case_sensitive", "stem", "create_missing"):
        flag = _as_bool(value)
        if flag is None:
            raise fail(f"{value!r} is not true or false")
        return flag
    if key == "language":
        if not isinstance(value, str) or not value:
            raise fail("expected a language name such as english")
        return value.lower()
    # within, speakers: names; a string may list several separated by commas
    names = _as_names(value)
    if names is None:
        raise fail("expected a name or a list of names")
    return names


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _as_bool(value: Any) -> bool | None:
    return parse_boolean(value)


def _as_names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def _read_rule(
    index: int, raw: Mapping[str, Any], settings: Mapping[str, Any], where: _Where
) -> Rule:
    for key in raw:
        if key not in RULE_KEYS:
            raise where.rule_error(
                index, key, f"unknown key; known keys: {', '.join(sorted(RULE_KEYS))}"
            )
    if "code" not in raw:
        raise where.rule_error(index, None, "has no 'code'; name the code this rule applies")
    code = raw["code"]
    if isinstance(code, str):
        path: tuple[str, ...] = (code,)
    elif isinstance(code, list) and code and all(isinstance(c, str) for c in code):
        path = tuple(code)
    else:
        raise where.rule_error(index, "code", "expected a code name or a list of names")
    if not all(name.strip() for name in path):
        raise where.rule_error(index, "code", "a code name is empty")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("terms", "exclude", "regex"):
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise where.rule_error(index, key, "expected a list of strings")
        lists[key] = tuple(value)
    flags: dict[str, Any] = {}
    for key in ("whole_word", "case_sensitive", "stem"):
        value = raw.get(key, settings.get(key, key == "whole_word"))
        if not isinstance(value, bool):
            raise where.rule_error(index, key, f"{value!r} is not true or false")
        flags[key] = value
    language = raw.get("language", settings.get("language", "english"))
    if not isinstance(language, str) or not language:
        raise where.rule_error(index, "language", "expected a language name such as english")
    rule = Rule(
        index=index,
        code=path,
        terms=lists["terms"],
        exclude=lists["exclude"],
        regex=lists["regex"],
        whole_word=flags["whole_word"],
        case_sensitive=flags["case_sensitive"],
        stem=flags["stem"],
        language=language.lower(),
        line=where.lines.rule(index) if where.lines is not None else None,
    )
    check_rule(rule, where)
    return rule


def check_rule(rule: Rule, where: _Where | None = None) -> None:
    """Refuse a rule that cannot work: nothing to find, an empty term, a bad expression."""
    where = where or _Where(None, None)
    index = rule.index
    if not rule.terms and not rule.regex:
        raise where.rule_error(index, None, "has no 'terms' and no 'regex'; nothing to look for")
    for key, terms in (("terms", rule.terms), ("exclude", rule.exclude)):
        for term in terms:
            if not term.strip():
                raise where.rule_error(index, key, "a term is empty")
            if not term.replace("*", "").replace("?", "").strip():
                raise where.rule_error(
                    index, key, f"term {term!r} is only wildcards; it would match everything"
                )
            if rule.stem and ("*" in term or "?" in term):
                raise where.rule_error(
                    index,
                    key,
                    f"term {term!r}: wildcards and stem cannot be combined",
                )
    for expression in rule.regex:
        try:
            compiled = re.compile(expression)
        except re.error as error:
            raise where.rule_error(
                index, "regex", f"{expression!r} does not compile: {error}"
            ) from error
        if compiled.fullmatch(""):
            raise where.rule_error(
                index, "regex", f"{expression!r} matches empty text; it would match everywhere"
            )
    if rule.stem:
        from qualcode.strategies.keywords.stemming import check_language

        problem = check_language(rule.language)
        if problem is not None:
            raise where.rule_error(
                index, "stem" if problem.startswith("stem") else "language", problem
            )


# -- rules from the codebook --------------------------------------------------------------------

CODEBOOK_FIELDS = ("name", "examples", "keywords")
"""Codebook fields that can supply terms: the code's name, its examples, and the words listed on a
line ``Keywords: a, b, c`` of its definition or inclusion criteria."""

_KEYWORDS_LINE = re.compile(r"^\s*(?:keywords|terms)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def rules_from_codebook(
    project: Project, fields: Sequence[str] = ("examples", "keywords"), **flags: Any
) -> RuleSet:
    """One rule per code whose chosen codebook ``fields`` give terms (codes in tree order)."""
    for field in fields:
        if field not in CODEBOOK_FIELDS:
            raise OptionError(
                f"unknown codebook field {field!r}",
                hint=f"use some of: {', '.join(CODEBOOK_FIELDS)}",
            )
    rules: list[Rule] = []
    for code in _tree_order(project):
        if not code.codable:
            continue
        terms = _codebook_terms(code, fields)
        if terms:
            rule = Rule(index=len(rules), code=project.code_path(code.id), terms=terms, **flags)
            check_rule(rule)
            rules.append(rule)
    if not rules:
        raise RulesError(
            f"no code of the codebook has terms in its {' or '.join(fields)}",
            hint="give a rules file (--rules) or fill the codes' examples or a 'Keywords:' line",
        )
    return RuleSet(rules=tuple(rules))


def _codebook_terms(code: Code, fields: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for field in fields:
        if field == "name":
            found.append(code.name)
        elif field == "examples":
            found.extend(e.strip() for e in code.examples)
        else:
            for text in (code.definition, code.inclusion):
                for match in _KEYWORDS_LINE.finditer(text):
                    found.extend(part.strip() for part in match.group(1).split(","))
    unique: dict[str, None] = {}
    for term in found:
        if term and term.replace("*", "").replace("?", "").strip():
            unique.setdefault(term, None)
    return tuple(unique)


def _tree_order(project: Project) -> list[Code]:
    ordered: list[Code] = []
    for top in project.children(None):
        ordered.append(top)
        ordered.extend(project.descendants(top.id))
    return ordered
