"""The ``inductive`` strategy: candidate codes suggested by the data.

Two methods, run alone or together:

* ``keyness``: terms and phrases of 1 to ``max_words`` words that one case (or document, time
  point or document kind) uses distinctively more often than all other documents (log-likelihood,
  see :mod:`.keyness`). Each becomes a candidate code.
* ``clusters``: groups of similar sentences or turns (TF-IDF and spherical k-means, see
  :mod:`.clusters`); each group becomes a candidate code named after its heaviest words, with its
  most typical quotes as examples.

Every suggestion is a new code with ``origin=inductive`` and ``status=candidate`` for a person to
rename, merge or drop, coded by the machine coder at its most typical passages (``passages``, see
:mod:`.passages`), or at every passage with ``code_all``. Stop words are those of the languages
the text is written in (see :mod:`.languages`). Human codings are never touched.
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
from qualcode.strategies.inductive.languages import (
    SAMPLE_CHARACTERS,
    StopWords,
    choose_stop_words,
)
from qualcode.strategies.inductive.passages import Passage, densities, typical_term_passages
from qualcode.strategies.textunits import (
    Options,
    document_turns,
    free_id,
    machine_coder,
    matches_any,
    phrase,
    stable_id,
)

METHODS = ("keyness", "clusters", "both")
COMPARISONS = ("auto", "case", "document", "time_point", "kind")
TYPICAL_PASSAGES = 5
"""How many passages each candidate is coded at by default: its most typical ones."""


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
    stop: StopWords
    limit: int | None
    """How many typical passages each candidate is coded at (``None``: every passage)."""
    codes: dict[tuple[str, ...], str] = attrs.field(factory=dict)

    def settings(self) -> dict[str, Any]:
        """The parameters every suggestion of the run shares, for its provenance."""
        return {
            "languages": ",".join(self.stop.languages),
            "stop_words": self.stop.source,
            "passages": "all" if self.limit is None else self.limit,
        }

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
    description = (
        "suggest candidate codes, each with its most typical passages: distinctive terms per"
        " case/document/time point/kind, and groups of similar passages"
    )
    options: ClassVar[dict[str, str]] = {
        "method": "keyness, clusters or both (default both)",
        "compare": (
            "keyness: compare each case, document, time_point or kind with the rest (default"
            " auto: cases when the documents belong to two or more, else documents)"
        ),
        "speakers": "only the turns of these speakers (comma-separated patterns, e.g. PN*)",
        "root": "name of the code the suggestions go under (default 'Inductive suggestions')",
        "passages": f"the most typical passages coded per candidate (default {TYPICAL_PASSAGES})",
        "code_all": "code every passage of every candidate, not only the typical ones (default"
        " false)",
        "languages": (
            "stop-word languages as ISO 639-1 codes, e.g. en,es (default: the languages the"
            " text is written in)"
        ),
        "stop_words": "leave out the stop words of the text's languages (default true)",
        "extra_stop_words": "more words to leave out (comma-separated)",
        "keep_words": "words to keep although a stop-word list has them (comma-separated)",
        "max_words": (
            "keyness: longest phrase in words (default 3; Chinese and Japanese: twice as many"
            " characters)"
        ),
        "min_frequency": (
            "keyness: fewest uses of a term in the group (default 3; 2 when documents are compared)"
        ),
        "min_documents": "keyness: fewest documents of the group using the term (default 1)",
        "min_score": "keyness: lowest log-likelihood (default 6.63, p < 0.01)",
        "top": "keyness: most terms per group (default 10)",
        "context": "keyness: what to code around a use: sentence (default), hit or turn",
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
        root = given.string("root", "Inductive suggestions").strip()
        code_all = given.boolean("code_all", False)
        limit = given.integer("passages", TYPICAL_PASSAGES, minimum=1)
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
        stop = choose_stop_words(
            [_sample(part) for part in parts],
            languages=given.strings("languages", ()),
            enabled=given.boolean("stop_words", True),
            extra=given.strings("extra_stop_words", ()),
            keep=given.strings("keep_words", ()),
        )
        run = _Run(
            self,
            project,
            runner,
            StrategyResult(coder=machine_coder(self.name, self.version)),
            stop,
            None if code_all else limit,
        )
        note = stop.note()
        if note is not None:
            run.result.warnings.append(note)
        base = (root,) if root else ()
        skipped = None
        if method in ("keyness", "both"):
            skipped = self._keyness(run, given, documents, parts, base, speakers, method)
        if method in ("clusters", "both"):
            try:
                self._clusters(run, given, parts, base, speakers)
            except EmptyCorpusError as error:
                if skipped is None:
                    raise
                raise EmptyCorpusError(
                    f"nothing to suggest: {skipped}, and {error.message}", hint=error.hint
                ) from None
        return run.result

    # -- keyness ---------------------------------------------------------------------------

    def _keyness(
        self,
        run: _Run,
        given: Options,
        documents: Sequence[Document],
        parts: Sequence[keyness.Region],
        base: tuple[str, ...],
        speakers: Sequence[str],
        method: str,
    ) -> str | None:
        """Suggest distinctive terms; returns why it did not when the default comparison has
        nothing to compare and clusters run too (an explicit choice that cannot work is an
        error)."""
        chosen_compare = given.string("compare", "auto", COMPARISONS)
        compare = _comparison(run.project, documents, chosen_compare)
        max_words = given.integer("max_words", 3, minimum=1, maximum=MAX_PHRASE_WORDS)
        # one document is a smaller group than a case's documents: a term used twice in it and
        # nowhere else passes the default min_score among six or more documents of equal length
        min_frequency = given.integer("min_frequency", 2 if compare == "document" else 3, minimum=1)
        min_documents = given.integer("min_documents", 1, minimum=1)
        min_score = given.number("min_score", 6.63)
        top = given.integer("top", 10, minimum=1)
        context = given.string("context", "sentence", ("sentence", "hit", "turn"))
        keys = [self._group(run.project, d, compare) for d in documents]
        labels = _group_labels(run.project, compare, keys)
        problem = _nothing_to_compare(compare, labels, keys)
        if problem is not None:
            if chosen_compare == "auto" and method == "both":
                run.result.warnings.append(
                    f"no distinctive terms: {problem}; only groups of similar passages are"
                    " suggested"
                )
                return problem
            raise OptionError(
                problem,
                hint="import more documents, or use method=clusters"
                if compare == "document"
                else "give documents cases, time points or kinds, choose another compare=..., "
                "or use method=clusters",
            )
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
            **run.settings(),
        }
        counts = run.runner.map(
            keyness.count_terms, [keyness.CountTask(p, max_words, run.stop.words) for p in parts]
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
        if not any(chosen.values()):
            run.result.warnings.append(
                f"no term is distinctive for any {compare.replace('_', ' ')} at these thresholds"
                f" (min_frequency={min_frequency}, min_score={min_score}); lower them to see"
                " more"
            )
        located = "region" if context == "turn" else context
        tasks: list[keyness.LocateTask] = []
        for key, part in zip(keys, parts, strict=True):
            terms = tuple(k.term for k in chosen.get(key, [])) if key is not None else ()
            tasks.append(keyness.LocateTask(part, terms, located))
        hits = run.runner.map(keyness.locate_terms, tasks)
        uses: dict[tuple[Hashable, keyness.Term], list[Passage]] = {}
        group_hits: dict[Hashable, list[tuple[Hashable, str, int, int]]] = {}
        for position, (key, part, found) in enumerate(zip(keys, parts, hits, strict=True)):
            for term, start, end in found:
                uses.setdefault((key, term), []).append(
                    Passage(part.document_id, position, start, end)
                )
                group_hits.setdefault(key, []).append((term, part.document_id, start, end))
        for key, label in labels.items():
            density = densities(group_hits.get(key, []))
            for rank, key_term in enumerate(chosen[key], 1):
                passages = uses.get((key, key_term.term), [])
                selected = typical_term_passages(passages, density, run.limit)
                code_id = run.code(
                    (*base, f"Distinctive for {label}", phrase(key_term.term)),
                    definition=_describe(key_term, label, rank)
                    + _coded_at(len(selected), len(passages), "passage", " where it is used"),
                )
                for passage, typical in selected:
                    rule = (
                        f"keyness: {phrase(key_term.term)!r} for {label} "
                        f"(log-likelihood {key_term.score:.2f})"
                    )
                    if run.limit is not None:
                        rule += f"; typical passage {typical} of {len(passages)}"
                    how = Provenance(
                        method=ProvenanceMethod.RULE,
                        name=self.name,
                        version=self.version,
                        rule=rule,
                        parameters=settings,
                    )
                    run.coding(passage.document_id, code_id, passage.start, passage.end, how)
        return None

    @staticmethod
    def _group(project: Project, document: Document, compare: str) -> Hashable:
        if compare == "case":
            return document.case_id if document.case_id in project.cases else None
        if compare == "document":
            return document.id
        if compare == "time_point":
            return document.time_point
        return document.kind

    # -- clusters --------------------------------------------------------------------------

    def _clusters(
        self,
        run: _Run,
        given: Options,
        parts: Sequence[keyness.Region],
        base: tuple[str, ...],
        speakers: Sequence[str],
    ) -> None:
        unit = given.string("unit", "sentence", ("sentence", "turn"))
        min_words = given.integer("min_words", 3, minimum=1)
        min_size = given.integer("min_cluster_size", 3, minimum=1)
        quotes = given.integer("quotes", 3, minimum=0)
        tasks = [clustering.UnitTask(p, unit, run.stop.words, min_words) for p in parts]
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
        if not found:
            run.result.warnings.append(
                f"no group of similar {unit}s reached min_cluster_size={min_size} among"
                f" {len(units)} {unit}s; lower min_cluster_size or clusters=..."
            )
        settings = {
            "method": "clusters",
            "unit": unit,
            "clusters": k,
            "min_cluster_size": min_size,
            "min_words": min_words,
            "speakers": list(speakers),
            **run.settings(),
        }
        texts = {p.document_id: p.text for p in parts}
        for number, cluster in enumerate(found, 1):
            words = cluster.label()
            typical = [
                " ".join(texts[units[i].document_id][units[i].start : units[i].end].split())
                for i in cluster.members[:quotes]
            ]
            members = list(zip(cluster.members, cluster.similarities, strict=True))
            selected = members if run.limit is None else members[: run.limit]
            code_id = run.code(
                (*base, "Similar passages", f"Group {number}: {', '.join(words)}"),
                definition=f"{len(cluster.members)} similar {unit}s sharing the words "
                f"{', '.join(words)} (mean similarity to the centre {cluster.cohesion:.2f})."
                + _coded_at(len(selected), len(members), unit, ", closest to the centre"),
                examples=typical,
            )
            ranks = {index: rank for rank, (index, _) in enumerate(selected, 1)}
            for index, similarity in sorted(selected):
                member = units[index]
                rule = f"group {number}: similarity {similarity:.3f}"
                if run.limit is not None:
                    rule += f"; typical passage {ranks[index]} of {len(members)}"
                how = Provenance(
                    method=ProvenanceMethod.MODEL,
                    name=self.name,
                    version=self.version,
                    rule=rule,
                    parameters=settings,
                )
                run.coding(member.document_id, code_id, member.start, member.end, how)


def _sample(part: keyness.Region) -> str:
    """The analysed text of a document, enough of it to tell its languages."""
    pieces: list[str] = []
    size = 0
    for start, end in part.spans:
        pieces.append(part.text[start : min(end, start + SAMPLE_CHARACTERS - size)])
        size += len(pieces[-1])
        if size >= SAMPLE_CHARACTERS:
            break
    return "\n".join(pieces)


def _comparison(project: Project, documents: Sequence[Document], compare: str) -> str:
    """The groups keyness compares: ``auto`` is cases when the documents belong to two or
    more, else the documents themselves."""
    if compare != "auto":
        return compare
    cases = {d.case_id for d in documents if d.case_id is not None and d.case_id in project.cases}
    return "case" if len(cases) >= 2 else "document"


def _nothing_to_compare(
    compare: str, labels: dict[Hashable, str], keys: Sequence[Hashable]
) -> str | None:
    """Why keyness cannot compare these groups, or ``None`` when it can."""
    what = compare.replace("_", " ")
    if compare == "document" and len(labels) < 2:
        return "there is only one document with text, so no other to compare it with"
    if len(labels) == 1 and all(key is not None for key in keys):
        return f"every document has the same {what}: nothing to compare with"
    if not labels:
        return f"no document has a {what} to compare"
    return None


def _coded_at(selected: int, total: int, what: str, typical: str) -> str:
    """Which passages a candidate is coded at, for its definition."""
    if total == 1:
        return f" Coded at its one {what}."
    if selected == total:
        return f" Coded at all {total} {what}s."
    return f" Coded at the {selected} most typical of its {total} {what}s{typical}."


def _group_labels(project: Project, compare: str, keys: Sequence[Hashable]) -> dict[Hashable, str]:
    """Each group that occurs, in a stable order, with its label."""
    present = {key for key in keys if key is not None}
    if compare == "case":
        return {c.id: f"case {c.name}" for c in project.cases if c.id in present}
    if compare == "document":
        return {d.id: f"document {d.name}" for d in project.documents if d.id in present}
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
