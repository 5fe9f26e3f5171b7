"""The ``inductive`` strategy: candidate codes suggested by the data.

Two methods, run alone or together:

* ``keyness``: terms and phrases of 1 to ``max_words`` words that one case, time point or document
  kind uses distinctively more often than all other documents (log-likelihood, see
  :mod:`.keyness`). Each becomes a candidate code coded at the sentences (or hits, or turns)
  where the group uses it.
* ``clusters``: groups of similar sentences or turns (TF-IDF and spherical k-means, see
  :mod:`.clusters`); each group becomes a candidate code named after its heaviest words, with its
  most typical quotes as examples, coded at every member.

Every suggestion is a new code with ``origin=inductive`` and ``status=candidate`` for a person to
rename, merge or drop. Human codings are never touched.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

import attrs

from qualcode.errors import EmptyCorpusError, OptionError
from qualcode.model import (
    Code,
    CodeOrigin,
    CodeStatus,
    Coding,
    Document,
    DocumentKind,
    Provenance,
    ProvenanceMethod,
)
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult
from qualcode.strategies.inductive import clusters as clustering
from qualcode.strategies.inductive import keyness
from qualcode.strategies.textunits import (
    STOP_WORDS,
    Options,
    document_turns,
    free_id,
    machine_coder,
    matches_any,
    phrase,
    stable_id,
)

METHODS = ("keyness", "clusters", "both")
COMPARISONS = ("case", "time_point", "kind")


def regions(document: Document, speakers: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """The stretches to analyse: turn bodies (labels left out) of the chosen speakers, or the
    whole text of a document without speaker turns (a diary, a field note)."""
    turns = document_turns(document)
    if turns:
        return tuple(
            (t.body_start, t.end)
            for t in turns
            if t.body_start < t.end and (not speakers or matches_any(t.speaker, speakers))
        )
    return ((0, len(document.text)),)


@attrs.define
class _Run:
    """What one run builds up: the result, and the codes made or found by path."""

    strategy: InductiveStrategy
    project: Project
    runner: Runner
    result: StrategyResult
    codes: dict[tuple[str, ...], str] = attrs.field(factory=dict)

    def code(self, path: tuple[str, ...], **fields: Any) -> str:
        known = self.codes.get(path)
        if known is not None:
            return known
        parent = self.code(path[:-1], codable=False) if len(path) > 1 else None
        existing = self.project.code_by_path(path)
        if existing is not None:
            self.codes[path] = existing.id
            return existing.id
        code = Code(
            id=free_id(self.project, self.strategy.name, "code", *path),
            name=path[-1],
            parent_id=parent,
            origin=CodeOrigin.INDUCTIVE,
            status=CodeStatus.CANDIDATE,
            **fields,
        )
        self.result.codes.append(code)
        self.codes[path] = code.id
        return code.id

    def coding(self, document_id: str, code_id: str, start: int, end: int, how: Provenance) -> None:
        coding_id = stable_id(self.strategy.name, document_id, code_id, start, end)
        if coding_id in self.project.codings:
            return  # proposed by an earlier run already
        self.result.codings.append(
            Coding(
                id=coding_id,
                document_id=document_id,
                code_id=code_id,
                start=start,
                end=end,
                coder_id=self.result.coder.id,
                provenance=how,
            )
        )


MAX_PHRASE_WORDS = 10
"""The longest phrase keyness looks for: each more word adds a pass over every text."""


class InductiveStrategy(Strategy):
    """Suggests candidate codes: distinctive terms (keyness) and groups of similar passages."""

    name = "inductive"
    version = "1.0"
    description = "suggest candidate codes: distinctive terms per case/time point/kind, and groups"
    options: ClassVar[dict[str, str]] = {
        "method": "keyness, clusters or both (default both)",
        "compare": "keyness: compare each case (default), time_point or kind with the rest",
        "speakers": "only the turns of these speakers (comma-separated patterns, e.g. PN*)",
        "root": "name of the code the suggestions go under (default 'Inductive suggestions')",
        "max_words": (
            "keyness: longest phrase in words (default 3; Chinese and Japanese: twice as many"
            " characters)"
        ),
        "min_frequency": "keyness: fewest uses of a term in the group (default 3)",
        "min_documents": "keyness: fewest documents of the group using the term (default 1)",
        "min_score": "keyness: lowest log-likelihood (default 6.63, p < 0.01)",
        "top": "keyness: most terms per group (default 10)",
        "context": "keyness: what to code around a use: sentence (default), hit or turn",
        "stop_words": "leave out the built-in stop words (default true)",
        "extra_stop_words": "more words to leave out (comma-separated)",
        "unit": "clusters: sentence (default) or turn",
        "clusters": "clusters: how many groups to form (default: about sqrt(units / 2))",
        "min_cluster_size": "clusters: smallest group to suggest (default 3)",
        "min_words": "clusters: fewest content words for a unit to take part (default 3)",
        "quotes": "clusters: typical quotes kept as the code's examples (default 3)",
    }

    def run(self, project: Project, runner: Runner, **options: Any) -> StrategyResult:
        given = Options(self.name, self.options, options)
        method = given.string("method", "both", METHODS)
        speakers = given.strings("speakers", ())
        stop_words = frozenset(
            (STOP_WORDS if given.boolean("stop_words", True) else frozenset())
            | {w.casefold() for w in given.strings("extra_stop_words", ())}
        )
        root = given.string("root", "Inductive suggestions").strip()
        documents = [d for d in project.documents if d.text.strip()]
        if not documents:
            raise EmptyCorpusError(
                "the project has no documents with text to suggest codes from",
                hint="import documents first (qualcode import)",
            )
        parts = [keyness.Region(d.id, d.text, regions(d, speakers)) for d in documents]
        if not any(part.spans for part in parts):
            raise EmptyCorpusError(
                f"no text is left to analyse: no turn of the speakers {', '.join(speakers)}",
                hint="check the speakers option against the labels in the transcripts",
            )
        run = _Run(
            self, project, runner, StrategyResult(coder=machine_coder(self.name, self.version))
        )
        base = (root,) if root else ()
        if method in ("keyness", "both"):
            self._keyness(run, given, documents, parts, stop_words, base, speakers)
        if method in ("clusters", "both"):
            self._clusters(run, given, parts, stop_words, base, speakers)
        return run.result

    # -- keyness ---------------------------------------------------------------------------

    def _keyness(
        self,
        run: _Run,
        given: Options,
        documents: Sequence[Document],
        parts: Sequence[keyness.Region],
        stop_words: frozenset[str],
        base: tuple[str, ...],
        speakers: Sequence[str],
    ) -> None:
        compare = given.string("compare", "case", COMPARISONS)
        max_words = given.integer("max_words", 3, minimum=1, maximum=MAX_PHRASE_WORDS)
        min_frequency = given.integer("min_frequency", 3, minimum=1)
        min_documents = given.integer("min_documents", 1, minimum=1)
        min_score = given.number("min_score", 6.63)
        top = given.integer("top", 10, minimum=1)
        context = given.string("context", "sentence", ("sentence", "hit", "turn"))
        settings = {
            "method": "keyness",
            "statistic": "log-likelihood (Rayson & Garside 2000)",
            "compare": compare,
            "max_words": max_words,
            "min_frequency": min_frequency,
            "min_documents": min_documents,
            "min_score": min_score,
            "top": top,
            "context": context,
            "speakers": list(speakers),
        }
        keys = [self._group(run.project, d, compare) for d in documents]
        labels = _group_labels(run.project, compare, keys)
        if len(labels) == 1 and all(key is not None for key in keys):
            raise OptionError(
                f"every document has the same {compare.replace('_', ' ')}: nothing to compare with",
                hint="choose another compare=... or use method=clusters",
            )
        if not labels:
            raise OptionError(
                f"no document has a {compare.replace('_', ' ')} to compare",
                hint="give documents cases, time points or kinds, choose another compare=..., "
                "or use method=clusters",
            )
        counts = run.runner.map(
            keyness.count_terms, [keyness.CountTask(p, max_words, stop_words) for p in parts]
        )
        groups: dict[Hashable, list[keyness.Counts]] = {key: [] for key in labels}
        rest: list[keyness.Counts] = []
        for key, count in zip(keys, counts, strict=True):
            (groups[key] if key is not None else rest).append(count)
        chosen = keyness.key_terms(
            groups,
            rest,
            min_frequency=min_frequency,
            min_documents=min_documents,
            min_score=min_score,
            top=top,
        )
        context = "region" if context == "turn" else context
        tasks: list[keyness.LocateTask] = []
        for key, part in zip(keys, parts, strict=True):
            terms = tuple(k.term for k in chosen.get(key, [])) if key is not None else ()
            tasks.append(keyness.LocateTask(part, terms, context))
        hits = run.runner.map(keyness.locate_terms, tasks)
        term_codes: dict[tuple[Hashable, keyness.Term], str] = {}
        for key, label in labels.items():
            for rank, key_term in enumerate(chosen[key], 1):
                term_codes[(key, key_term.term)] = run.code(
                    (*base, f"Distinctive for {label}", phrase(key_term.term)),
                    definition=_describe(key_term, label, rank),
                )
        by_term = {(k.group, k.term): k for ks in chosen.values() for k in ks}
        for key, part, found in zip(keys, parts, hits, strict=True):
            for term, start, end in found:
                key_term = by_term[(key, term)]
                how = Provenance(
                    method=ProvenanceMethod.RULE,
                    name=self.name,
                    version=self.version,
                    rule=f"keyness: {phrase(term)!r} for {labels[key]} "
                    f"(log-likelihood {key_term.score:.2f})",
                    parameters=settings,
                )
                run.coding(part.document_id, term_codes[(key, term)], start, end, how)

    @staticmethod
    def _group(project: Project, document: Document, compare: str) -> Hashable:
        if compare == "case":
            return document.case_id if document.case_id in project.cases else None
        if compare == "time_point":
            return document.time_point
        return document.kind

    # -- clusters --------------------------------------------------------------------------

    def _clusters(
        self,
        run: _Run,
        given: Options,
        parts: Sequence[keyness.Region],
        stop_words: frozenset[str],
        base: tuple[str, ...],
        speakers: Sequence[str],
    ) -> None:
        unit = given.string("unit", "sentence", ("sentence", "turn"))
        min_words = given.integer("min_words", 3, minimum=1)
        min_size = given.integer("min_cluster_size", 3, minimum=1)
        quotes = given.integer("quotes", 3, minimum=0)
        tasks = [clustering.UnitTask(p, unit, stop_words, min_words) for p in parts]
        units = [u for found in run.runner.map(clustering.split_units, tasks) for u in found]
        if len(units) < 2:
            raise EmptyCorpusError(
                f"too few {unit}s with {min_words} or more content words to group "
                f"({len(units)} found)",
                hint="lower min_words, use unit=turn, or method=keyness",
            )
        k = given.integer("clusters", clustering.default_k(len(units)), minimum=1)
        vectors = clustering.tfidf(units)
        found = clustering.clusters(vectors, k, min_size)
        settings = {
            "method": "clusters",
            "unit": unit,
            "clusters": k,
            "min_cluster_size": min_size,
            "min_words": min_words,
            "speakers": list(speakers),
        }
        texts = {p.document_id: p.text for p in parts}
        for number, cluster in enumerate(found, 1):
            words = cluster.label()
            typical = [
                " ".join(texts[units[i].document_id][units[i].start : units[i].end].split())
                for i in cluster.members[:quotes]
            ]
            code_id = run.code(
                (*base, "Similar passages", f"Group {number}: {', '.join(words)}"),
                definition=f"{len(cluster.members)} similar {unit}s sharing the words "
                f"{', '.join(words)} (mean similarity to the centre {cluster.cohesion:.2f}).",
                examples=typical,
            )
            members = sorted(zip(cluster.members, cluster.similarities, strict=True))
            for index, similarity in members:
                member = units[index]
                how = Provenance(
                    method=ProvenanceMethod.MODEL,
                    name=self.name,
                    version=self.version,
                    rule=f"group {number}: similarity {similarity:.3f}",
                    parameters=settings,
                )
                run.coding(member.document_id, code_id, member.start, member.end, how)


def _group_labels(project: Project, compare: str, keys: Sequence[Hashable]) -> dict[Hashable, str]:
    """Each group that occurs, in a stable order, with its label."""
    present = {key for key in keys if key is not None}
    if compare == "case":
        return {c.id: f"case {c.name}" for c in project.cases if c.id in present}
    if compare == "time_point":
        return {t: f"time point {t}" for t in sorted(present)}  # type: ignore[type-var]
    return {kind: f"kind {kind.value}" for kind in DocumentKind if kind in present}


def _describe(key_term: keyness.KeyTerm, label: str, rank: int) -> str:
    per = 10_000
    target = key_term.target / key_term.target_size * per
    reference = key_term.reference / key_term.reference_size * per
    return (
        f"Candidate {rank} for {label}: used {key_term.target} times in "
        f"{key_term.documents} document(s) ({target:.1f} per {per:,} words) against "
        f"{key_term.reference} times in the rest ({reference:.1f} per {per:,}); "
        f"log-likelihood {key_term.score:.2f}."
    )
