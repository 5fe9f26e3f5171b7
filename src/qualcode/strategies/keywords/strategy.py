"""The ``keywords`` strategy: deductive coding with a dictionary of terms per code.

The rules come from a TOML file (:mod:`.rules`) or from the codebook's fields. One task per
document goes to the runner; each task finds every term in one pass (:mod:`.matcher`), widens hits
to the chosen unit (:mod:`.context`) and merges what overlaps. Codings are made by the machine
coder ``qualcode keywords <version>``, carry the terms that fired in their provenance, and have
ids derived from what they code, so the same input gives the same codings, in the same order,
whatever the runner.
Existing codings are never changed; codings the project already holds are not proposed again.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import hashlib
import re
import uuid
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import EmptyCorpusError, OptionError
from qualcode.model import (
    Code,
    CodeOrigin,
    Coder,
    Coding,
    Document,
    Provenance,
    ProvenanceMethod,
    frozen_map,
)
from qualcode.options import check_plugin_options
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult
from qualcode.strategies.keywords.context import (
    ContextFinder,
    Regions,
    Span,
    intersect_spans,
    merge_spans,
)
from qualcode.strategies.keywords.matcher import Entry, Matcher, matcher_for
from qualcode.strategies.keywords.rules import (
    CODEBOOK_FIELDS,
    SETTING_KEYS,
    RulesError,
    RuleSet,
    check_settings,
    load_rules,
    rules_from_codebook,
)
from qualcode.text import speaker_turns

NAMESPACE = uuid.UUID("6f0c5d1e-3b7a-4c52-9d0e-8a4f2b1c7e93")
"""Namespace of the ids this strategy derives (coder, created codes, codings)."""

DEFAULTS: dict[str, Any] = {
    "unit": "sentence",
    "window": 5,
    "whole_word": True,
    "case_sensitive": False,
    "stem": False,
    "language": "english",
    "within": (),
    "speakers": (),
    "exclude_scope": "hit",
    "create_missing": False,
}


@attrs.frozen
class Plan:
    """What a task does with the hits of one document (shared by all tasks of a run)."""

    unit: str
    window: int
    exclude_scope: str
    owners: tuple[tuple[tuple[int, bool], ...], ...]
    """Per entry: ``(code slot, excluding)`` for every rule that uses it."""
    labels: tuple[str, ...]
    """Per entry: the term or expression as written, for provenance."""
    coder_id: str = ""
    code_ids: tuple[str, ...] = ()
    """Per code slot: the code's id (for the codings' ids)."""


@attrs.frozen
class DocumentTask:
    """The picklable work for one document."""

    matcher: Matcher
    plan: Plan
    document_id: str
    text: str
    paragraphs: tuple[Span, ...] = ()
    turns: tuple[Span, ...] = ()
    regions: tuple[Span, ...] | None = None
    """Where hits count (None: the whole text)."""


Found = tuple[str, int, int, int, str]
"""A proposed coding of one document: ``(coding id, code slot, start, end, rule that fired)``."""


def coding_id(coder_id: str, document_id: str, code_id: str, start: int, end: int) -> str:
    """The id of a coding, derived from what it codes (a UUID version 5 in :data:`NAMESPACE`)."""
    return CodingIds(coder_id, document_id)(code_id, start, end)


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
"""The first hex digit of a UUID's variant field, from the hash's digit there (RFC 4122)."""


class CodingIds:
    """The ids of one document's codings (:func:`coding_id`), made cheaply in bulk: the hash of
    what the codings of one code share is computed once and copied for each span."""

    def __init__(self, coder_id: str, document_id: str) -> None:
        self.prefix = NAMESPACE.bytes + f"{coder_id}|{document_id}|".encode()
        self.by_code: dict[str, Any] = {}

    def __call__(self, code_id: str, start: int, end: int) -> str:
        common = self.by_code.get(code_id)
        if common is None:
            common = self.by_code[code_id] = hashlib.sha1(self.prefix + f"{code_id}|".encode())
        digest = common.copy()
        digest.update(b"%d|%d" % (start, end))
        h = digest.hexdigest()
        # a UUID of version 5: the version digit is 5, the variant's two top bits are 10
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (if it runs): bulk work makes many small objects and
    no cycles, and every collection on the way would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def code_document(task: DocumentTask) -> list[Found]:
    """Find, widen and merge the hits of one document (runs in a worker)."""
    with collector_paused():
        return _code_document(task)


def _code_document(task: DocumentTask) -> list[Found]:
    text = task.text
    plan = task.plan
    owners = plan.owners
    regions = Regions(task.regions) if task.regions is not None else None
    finder = ContextFinder(
        text, plan.unit, window=plan.window, paragraphs=task.paragraphs, turns=task.turns
    )
    hits = task.matcher.find(text)
    # exclusions per code slot
    exclusions: dict[int, list[Span]] = {}
    for start, end, entry in hits:
        for slot, excluding in owners[entry]:
            if excluding:
                exclusions.setdefault(slot, []).append((start, end))
    proposals: dict[int, list[tuple[int, int, int]]] = {}
    exclude_hits = plan.exclude_scope == "hit" and bool(exclusions)
    span = finder.spanner()
    for start, end, entry in hits:
        context: Span | None = None
        for slot, excluding in owners[entry]:
            if excluding:
                continue
            if exclude_hits and _covered(exclusions.get(slot), start, end):
                continue
            if regions is None:
                if context is None:  # the same for every code the term serves
                    context = span(start, end)
                    if context is None or context[0] >= context[1]:
                        break
                bounded = context
            else:
                bounds = regions.around(start, end)
                if bounds is None:
                    continue
                whole = span(start, end)
                if whole is None:
                    continue
                bounded = (max(whole[0], bounds[0]), min(whole[1], bounds[1]))
                if bounded[0] >= bounded[1]:
                    continue
            if slot in proposals:
                proposals[slot].append((bounded[0], bounded[1], entry))
            else:
                proposals[slot] = [(bounded[0], bounded[1], entry)]
    merged: list[tuple[int, int, int, tuple[int, ...]]] = []
    for slot in sorted(proposals):
        for start, end, entries in _merge(proposals[slot]):
            if plan.exclude_scope == "unit" and _overlaps(exclusions.get(slot), start, end):
                continue
            merged.append((start, end, slot, entries))
    merged.sort()
    labels = plan.labels
    code_ids = plan.code_ids
    ids = CodingIds(plan.coder_id, task.document_id)
    rules: dict[tuple[int, ...], str] = {}
    found: list[Found] = []
    for start, end, slot, entries in merged:
        if len(entries) == 1:  # most often one term fired
            rule = labels[entries[0]]
        elif entries in rules:
            rule = rules[entries]
        else:
            rule = rules[entries] = ", ".join([labels[entry] for entry in entries])
        found.append((ids(code_ids[slot], start, end), slot, start, end, rule))
    return found


def _covered(spans: list[Span] | None, start: int, end: int) -> bool:
    return spans is not None and any(s <= start and end <= e for s, e in spans)


def _overlaps(spans: list[Span] | None, start: int, end: int) -> bool:
    return spans is not None and any(s < end and start < e for s, e in spans)


def _merge(items: list[tuple[int, int, int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """Overlapping contexts of one code joined, with the entries that fired, in order."""
    merged: list[tuple[int, int, tuple[int, ...]]] = []
    for start, end, entry in sorted(items):
        if (merged and start < merged[-1][1]) or (merged and (start, end) == merged[-1][:2]):
            first, last, entries = merged[-1]
            if entry not in entries:
                entries = (*entries, entry)
            merged[-1] = (first, max(last, end), entries)
        else:
            merged.append((start, end, (entry,)))
    return merged


class KeywordsStrategy(Strategy):
    """Deductive coding: apply a dictionary of terms per code (wildcards, stems, expressions)."""

    name = "keywords"
    version = "1.0"
    description = "deductive coding with a dictionary of terms per code (TOML rules or codebook)"
    options = {
        "rules": "a TOML rules file (see docs/strategies/keywords.md); without it, the codebook",
        "codebook_fields": (
            f"without rules: codebook fields that give terms, some of {', '.join(CODEBOOK_FIELDS)}"
            " (default examples,keywords)"
        ),
        **SETTING_KEYS,
    }

    def run(self, project: Project, runner: Runner, **options: Any) -> StrategyResult:
        check_plugin_options(type(self), options, owner="strategy 'keywords'")
        rule_set = self._rule_set(project, options)
        settings = dict(DEFAULTS)
        settings.update(rule_set.settings)
        settings.update(
            check_settings(
                {k: v for k, v in options.items() if k in SETTING_KEYS and v is not None}
            )
        )
        documents = [d for d in project.documents if d.text.strip()]
        if not documents:
            raise EmptyCorpusError(
                "the project has no documents with text; there is nothing to code",
                hint="import documents first (qualcode import)",
            )
        coder = _machine_coder(project)
        codes, slots, rule_slots = _resolve_codes(
            project, rule_set, bool(settings["create_missing"])
        )
        entries, plan = _plan(rule_set, rule_slots, settings)
        plan = attrs.evolve(plan, coder_id=coder.id, code_ids=tuple(code.id for code in slots))
        matcher = matcher_for(tuple(entries)).prepare()
        within_ids = _resolve_within(project, settings["within"])
        within_spans: dict[str, list[Span]] = {}
        if within_ids is not None:
            for coding in project.codings:
                if coding.code_id in within_ids and coding.end > coding.start:
                    within_spans.setdefault(coding.document_id, []).append(
                        (coding.start, coding.end)
                    )
        speakers = tuple(name.casefold() for name in settings["speakers"])
        heard: set[str] = set()
        tasks = [
            _task(project, document, matcher, plan, within_ids, speakers, within_spans, heard)
            for document in documents
        ]
        provenance = Provenance(
            method=ProvenanceMethod.RULE,
            name=self.name,
            version=self.version,
            parameters=frozen_map(_parameters(settings, rule_set)),
        )
        with collector_paused():
            # codings are built from early documents while later ones are still coded
            results = runner.imap(code_document, tasks)
            codings = _codings(documents, results, plan, coder, provenance, project.codings)
        return StrategyResult(
            coder=coder,
            codes=codes,
            codings=codings,
            warnings=_unheard(settings["speakers"], heard),
            hints=[] if codings else _nothing_matched(rule_set, settings, len(documents)),
        )

    def _rule_set(self, project: Project, options: Mapping[str, Any]) -> RuleSet:
        rules = options.get("rules")
        if isinstance(rules, RuleSet):
            return rules
        if rules is not None:
            return load_rules(Path(rules))
        fields = options.get("codebook_fields") or ("examples", "keywords")
        if isinstance(fields, str):
            fields = tuple(part.strip() for part in fields.split(",") if part.strip())
        flags = check_settings(
            {
                k: options[k]
                for k in ("whole_word", "case_sensitive", "stem", "language")
                if options.get(k) is not None
            }
        )
        return rules_from_codebook(project, fields, **flags)


def _codings(
    documents: Sequence[Document],
    results: Iterable[list[Found]],
    plan: Plan,
    coder: Coder,
    template: Provenance,
    existing: Container[str],
) -> list[Coding]:
    """The codings the tasks found, but those the project holds already; codings whose rules
    read alike share one provenance (``template`` with the rule)."""
    provenances: dict[str, Provenance] = {}
    code_ids = plan.code_ids
    coder_id = coder.id
    codings: list[Coding] = []
    for document, found in zip(documents, results, strict=True):
        document_id = document.id
        for identifier, slot, start, end, rule in found:
            if identifier in existing:
                continue
            provenance = provenances.get(rule)
            if provenance is None:
                provenance = provenances[rule] = attrs.evolve(template, rule=rule)
            # by position: a third cheaper than by keyword, for tens of thousands of codings
            # (id, document_id, code_id, start, end, coder_id, created, provenance)
            codings.append(
                Coding(
                    identifier, document_id, code_ids[slot], start, end, coder_id, None, provenance
                )
            )
    return codings


def _machine_coder(project: Project) -> Coder:
    coder_id = str(uuid.uuid5(NAMESPACE, "coder:keywords"))
    existing = project.coders.get(coder_id)
    return (
        existing
        if existing is not None
        else Coder(id=coder_id, name=f"qualcode keywords {KeywordsStrategy.version}", machine=True)
    )


def _find_code(project: Project, path: tuple[str, ...]) -> list[Code]:
    if len(path) == 1:
        return project.codes.by_name(path[0])
    found = project.code_by_path(path)
    return [found] if found is not None else []


def _resolve_codes(
    project: Project, rule_set: RuleSet, create: bool
) -> tuple[list[Code], list[Code], list[int]]:
    """The codes to create, the distinct codes of the rules (slots), and each rule's slot."""
    created: dict[tuple[str, ...], Code] = {}
    slots: list[Code] = []
    rule_slots: list[int] = []
    for rule in rule_set.rules:
        matches = _find_code(project, rule.code)
        if len(matches) > 1:
            paths = "; ".join("/".join(project.code_path(code.id)) for code in matches)
            raise RulesError(
                f"rule {rule.index + 1}: several codes are named {rule.label!r} ({paths})",
                path=rule_set.path,
                line=rule.line,
                hint="give the code as a list of names from the top of the tree",
            )
        if matches:
            code = matches[0]
        elif create:
            code = _create_code(project, rule.code, created)
        else:
            raise RulesError(
                f"rule {rule.index + 1}: the codebook has no code {rule.label!r}",
                path=rule_set.path,
                line=rule.line,
                hint="fix the name, or pass create_missing=true to create the code",
            )
        if code not in slots:
            slots.append(code)
        rule_slots.append(slots.index(code))
    return list(created.values()), slots, rule_slots


def _create_code(
    project: Project, path: tuple[str, ...], created: dict[tuple[str, ...], Code]
) -> Code:
    parent: Code | None = None
    for depth in range(1, len(path) + 1):
        prefix = path[:depth]
        code = created.get(prefix) or (
            project.code_by_path(prefix) if depth > 1 or parent is None else None
        )
        if code is None:
            code = Code(
                id=str(uuid.uuid5(NAMESPACE, "code:" + "/".join(prefix))),
                name=prefix[-1],
                parent_id=parent.id if parent is not None else None,
                origin=CodeOrigin.DEDUCTIVE,
            )
            created[prefix] = code
        parent = code
    assert parent is not None
    return parent


def _plan(
    rule_set: RuleSet, rule_slots: Sequence[int], settings: Mapping[str, Any]
) -> tuple[list[Entry], Plan]:
    """The distinct entries to find, and who owns each (the same term may serve many rules)."""
    index: dict[Entry, int] = {}
    owners: list[list[tuple[int, bool]]] = []
    labels: list[str] = []

    def add(entry: Entry, slot: int, excluding: bool, label: str) -> None:
        number = index.get(entry)
        if number is None:
            number = index[entry] = len(owners)
            owners.append([])
            labels.append(label)
        if (slot, excluding) not in owners[number]:
            owners[number].append((slot, excluding))

    for rule, slot in zip(rule_set.rules, rule_slots, strict=True):
        kind: Any = "stem" if rule.stem else "term"
        for excluding, terms in ((False, rule.terms), (True, rule.exclude)):
            for term in terms:
                entry = Entry(
                    kind=kind,
                    pattern=term,
                    whole_word=rule.whole_word,
                    case_sensitive=rule.case_sensitive,
                    language=rule.language,
                )
                add(entry, slot, excluding, term)
        for expression in rule.regex:
            entry = Entry(kind="regex", pattern=expression, case_sensitive=rule.case_sensitive)
            add(entry, slot, False, f"regex {expression}")
    plan = Plan(
        unit=settings["unit"],
        window=settings["window"],
        exclude_scope=settings["exclude_scope"],
        owners=tuple(tuple(o) for o in owners),
        labels=tuple(labels),
    )
    return list(index), plan


def _resolve_within(project: Project, names: Sequence[str]) -> set[str] | None:
    """The ids of the codes named by ``within`` (names, or paths written A/B) and of the codes
    below them (a parent is often only a heading for its subcodes), or None."""
    if not names:
        return None
    found: set[str] = set()
    for name in names:
        path = tuple(part.strip() for part in name.split("/")) if "/" in name else (name,)
        matches = _find_code(project, path) or project.codes.by_name(name)
        if not matches:
            raise OptionError(
                f"within: the codebook has no code {name!r}",
                hint="name a code of the project (a path is written Parent/Child)",
            )
        for code in matches:
            found.add(code.id)
            found.update(below.id for below in project.descendants(code.id))
    return found


def _task(
    project: Project,
    document: Document,
    matcher: Matcher,
    plan: Plan,
    within: set[str] | None,
    speakers: Sequence[str],
    codings_by_document: Mapping[str, list[Span]],
    heard: set[str],
) -> DocumentTask:
    """The task for one document; the names of its speakers are added to ``heard`` when the
    search is limited to some speakers."""
    text = document.text
    paragraphs = tuple((p.start, p.end) for p in document.paragraphs)
    turns: tuple[tuple[str, Span], ...] = ()
    if plan.unit == "turn" or speakers:
        if document.turns:
            turns = tuple(
                (t.speaker, (_after_label(text, t.start, t.end, t.speaker), t.end))
                for t in document.turns
            )
        else:
            turns = tuple(
                (speaker, (label.end, turn.end)) for speaker, label, turn in speaker_turns(text)
            )
    regions: list[Span] | None = None
    if within is not None:
        regions = merge_spans(codings_by_document.get(document.id, []))
    if speakers:
        heard.update(name for name, _ in turns)
    if speakers and turns:  # a document without turns (a diary) is searched whole
        spoken = merge_spans(
            [
                span
                for name, span in turns
                if any(fnmatch.fnmatchcase(name.casefold(), p) for p in speakers)
            ]
        )
        regions = spoken if regions is None else intersect_spans(regions, spoken)
    return DocumentTask(
        matcher=matcher,
        plan=plan,
        document_id=document.id,
        text=text,
        paragraphs=paragraphs,
        turns=tuple(span for _, span in turns),
        regions=tuple(regions) if regions is not None else None,
    )


def _unheard(patterns: Sequence[str], heard: set[str]) -> list[str]:
    """A warning for each ``speakers`` pattern that no speaker of the documents matches."""
    names = sorted(heard, key=str.casefold)
    found = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") if names else "none"
    return [
        f"no speaker matches {pattern!r} (speakers found: {found})"
        for pattern in patterns
        if not any(fnmatch.fnmatchcase(name.casefold(), pattern.casefold()) for name in heard)
    ]


def _nothing_matched(rule_set: RuleSet, settings: Mapping[str, Any], documents: int) -> list[str]:
    """Why a run proposed no coding, and what to try."""
    where = "the document" if documents == 1 else f"{documents} documents"
    limits = [
        f"{name}={','.join(settings[name])}" for name in ("speakers", "within") if settings[name]
    ]
    searched = f" (searched only with {' and '.join(limits)})" if limits else ""
    return [
        f"no term of the {len(rule_set.rules)} rule(s) matched in {where}{searched}, or every "
        "match is in the project already; check the terms' spelling and wildcards ('support*' "
        "also matches 'supported'), the language of the stems, and the rules' options "
        "(see the keywords strategy's documentation)"
    ]


_LABEL_END = re.compile(
    r"\s*(?:\(\d{1,2}:\d{2}(?::\d{2})?\))?\s*:[ \t]*|\][ \t]+\d{1,2}:\d{2}[\d:.,]*[ \t]*\n"
    r"|\][ \t]*| {2,}\d{1,2}:\d{2}[\d:.,]*(?:[ \t]*-->[ \t]*[\d:.,]+)?[ \t]*\n"
    r"| \d{1,2}:\d{2}:\d{2}[\d.,]*[ \t]*\n"
)
"""The end of a speaker label after the name: ``:``, ``(00:01:02):``, ``]``, or the time that
ends a heading line before the speech (``]  11:02:09``, ``  0:03``, `` 0:03:15``)."""


def _after_label(text: str, start: int, end: int, speaker: str) -> int:
    """Where a recorded turn's words begin: after a ``Speaker:`` or ``[Speaker]`` label."""
    at = start + 1 if text.startswith("[", start) else start
    if speaker and text.startswith(speaker, at):
        match = _LABEL_END.match(text, at + len(speaker), end)
        if match is not None:
            return match.end()
    return start


def _parameters(settings: Mapping[str, Any], rule_set: RuleSet) -> dict[str, Any]:
    """The settings of the run, as recorded in every coding's provenance."""
    parameters: dict[str, Any] = {
        "unit": settings["unit"],
        "exclude_scope": settings["exclude_scope"],
    }
    if settings["unit"] == "words":
        parameters["window"] = settings["window"]
    if settings["within"]:
        parameters["within"] = list(settings["within"])
    if settings["speakers"]:
        parameters["speakers"] = list(settings["speakers"])
    parameters["rules"] = rule_set.path.name if rule_set.path is not None else "codebook"
    return parameters
