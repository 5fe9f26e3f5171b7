"""The ``llm`` strategy: deductive coding with the codebook, by a language model.

Each unit (sentence, paragraph, speaker turn or window of paragraphs) goes to the model with the
codebook; the model answers, through structured output where it has it and as JSON in text where
not, with the codes that apply, a quote and a one-line rationale. Each quote is anchored in the
unit (:mod:`.anchoring`) or rejected and counted; each coding records its model and settings in
provenance and its rationale as a memo. Every answer is cached (:mod:`.cache`), so a rerun asks
nothing and gives the same codings, and a stopped run resumes.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from qualcode.errors import EmptyCorpusError, OptionError, QualcodeError
from qualcode.model import Coder, Coding, Memo, Provenance, ProvenanceMethod
from qualcode.options import Option, check_options
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult, nondeterministic
from qualcode.strategies.textunits import stable_id
from qualcode_llm import answers, prompts
from qualcode_llm.anchoring import Match, UnitAnchors
from qualcode_llm.cache import AnswerCache, answer_key, user_cache_dir
from qualcode_llm.evaluation import evaluate, format_evaluation
from qualcode_llm.models import ModelFailure, Reply, ask, model_host, option_names, plugin_version
from qualcode_llm.models import resolve_model as resolve_model
from qualcode_llm.units import UNIT_KINDS, Unit, document_units

if TYPE_CHECKING:  # llm imports its command line (click) when imported: only where used
    import llm


VERSION = "0.1.0"

DECLARED: tuple[Option, ...] = (
    Option(
        "model", "the model's name or alias as llm knows it ('llm models')", "string", required=True
    ),
    Option(
        "unit", "what the model reads at a time", "string", default="paragraph", choices=UNIT_KINDS
    ),
    Option("window", "paragraphs per unit with unit=window", "integer", default=3, minimum=1),
    Option(
        "temperature",
        "the model's temperature, where it takes one",
        "number",
        default=0.0,
        minimum=0,
        maximum=2,
    ),
    Option("cache", "keep every answer on disk and replay it on reruns", "boolean", default=True),
    Option("cache_dir", "the answer cache's folder (default: the user's cache folder)", "string"),
    Option("local_only", "refuse models that send text off this machine", "boolean", default=False),
    Option(
        "sample",
        "code only this many units, spread over the documents people coded, and "
        "print agreement with them",
        "integer",
        minimum=1,
    ),
    Option("limit", "code at most this many units", "integer", minimum=1),
    Option("jobs", "requests to the model at once", "integer", default=1, minimum=1, maximum=64),
    Option(
        "retries",
        "retries of a rate-limited or timed-out request",
        "integer",
        default=4,
        minimum=0,
        maximum=20,
    ),
    Option(
        "retry_wait",
        "seconds before the first retry (doubling after)",
        "number",
        default=1.0,
        minimum=0,
    ),
    Option("documents", "only documents whose names match these patterns", "strings"),
)


def _notify(message: str) -> None:
    print(message, file=sys.stderr)


@attrs.frozen
class Question:
    """One request: a unit's prompt and its cache key."""

    prompt: str
    key: str


@attrs.frozen
class Answer:
    """What came back for one question: a reply (``source`` ``cache`` or ``model``) or a
    failure's description (``source`` ``failed``)."""

    source: str
    reply: Reply | None = None
    failure: str = ""


class Asker:
    """Answers questions from the cache, else from the model (and caches what it says)."""

    def __init__(
        self,
        model: llm.Model,
        *,
        system: str,
        schema: dict[str, Any] | None,
        options: dict[str, Any],
        retries: int,
        wait: float,
        cache: AnswerCache | None,
    ) -> None:
        self.model = model
        self.system = system
        self.schema = schema
        self.options = options
        self.retries = retries
        self.wait = wait
        self.cache = cache

    def __call__(self, question: Question) -> Answer:
        if self.cache is not None:
            cached = self.cache.get(question.key)
            if cached is not None:
                return Answer("cache", _reply(cached))
        try:
            reply = ask(
                self.model,
                question.prompt,
                system=self.system,
                schema=self.schema,
                options=self.options,
                retries=self.retries,
                wait=self.wait,
            )
        except ModelFailure as failure:
            return Answer("failed", failure=str(failure))
        if self.cache is not None:
            self.cache.put(question.key, reply.to_json())
        return Answer("model", reply)


def _reply(data: dict[str, Any]) -> Reply:
    tokens_in, tokens_out = data.get("input"), data.get("output")
    return Reply(
        str(data["text"]),
        tokens_in if isinstance(tokens_in, int) else None,
        tokens_out if isinstance(tokens_out, int) else None,
    )


@attrs.define
class Tally:
    """What happened to the answers, for the warnings."""

    cached: int = 0
    asked: int = 0
    failed: list[str] = attrs.field(factory=list)
    malformed: int = 0
    rejected: int = 0
    unknown_codes: set[str] = attrs.field(factory=set)
    normalised: int = 0
    tokens: int = 0


class LlmStrategy(Strategy):
    """Deductive coding with the codebook by a language model, through ``llm``."""

    name = "llm"
    version = VERSION
    description = "code units with the codebook by a language model (-o model=NAME)"
    declared = DECLARED
    options = {option.name: option.help for option in DECLARED}
    deterministic = False

    def __init__(self, notify: Callable[[str], None] = _notify) -> None:
        """``notify`` receives what the user must see before or while the model works (where
        text is sent, the sample's figures); by default it is printed on stderr."""
        self.notify = notify

    def run(self, project: Project, runner: Runner, **given: Any) -> StrategyResult:
        """Propose codings of ``project``'s units by the model named in ``given['model']``."""
        opts = check_options(DECLARED, given, owner="strategy 'llm'")
        codes = prompts.codable_codes(project)
        if not codes:
            raise OptionError(
                "the project has no codes to apply: a model codes with the codebook",
                hint="add codes with definitions, or import a codebook (.qdc) first",
            )
        warnings: list[str] = []
        undefined = [code.name for code in codes if not code.definition.strip()]
        if undefined:
            warnings.append(
                f"{len(undefined)} codes have no definition, so the model sees only their "
                f"names: {', '.join(undefined)}"
            )
        model = resolve_model(opts["model"])
        host = model_host(model)
        if host is not None and opts["local_only"]:
            raise OptionError(
                f"model {model.model_id!r} sends text to {host}, and local_only is set",
                hint="choose a model that runs on this machine (e.g. through llm-ollama)",
            )
        units = self._units(project, opts)
        codebook = prompts.build_codebook(project, codes)
        with_schema = bool(model.supports_schema)
        if not with_schema:
            warnings.append(
                f"model {model.model_id!r} has no structured output; its answers were read as "
                "JSON in text"
            )
        system = prompts.system_prompt(codebook, with_schema=with_schema)
        model_options: dict[str, Any] = {}
        temperature = opts["temperature"]
        if "temperature" in option_names(model):
            model_options["temperature"] = temperature
        else:
            temperature = None
        cache = None
        if opts["cache"]:
            cache = AnswerCache(Path(opts.get("cache_dir") or user_cache_dir()).expanduser())
        else:
            warnings.append(
                "the answer cache is off: a rerun asks the model again and may give other codings"
            )
        request = {**model_options, "schema": with_schema}
        questions = [
            Question(
                prompts.unit_prompt(unit.text),
                answer_key(model.model_id, system, prompts.unit_prompt(unit.text), request),
            )
            for unit in units
        ]
        if host is not None:
            waiting = [
                unit
                for unit, question in zip(units, questions, strict=True)
                if cache is None or cache.get(question.key) is None
            ]
            if waiting:
                characters = sum(len(unit.text) for unit in waiting)
                self.notify(
                    f"llm: sending {characters} characters of text ({len(waiting)} units) to "
                    f"model {model.model_id} at {host}"
                )
        asker = nondeterministic(
            Asker(
                model,
                system=system,
                schema=prompts.ANSWER_SCHEMA if with_schema else None,
                options=model_options,
                retries=opts["retries"],
                wait=opts["retry_wait"],
                cache=cache,
            )
        )
        replies = self._ask_all(asker, questions, runner, opts["jobs"])
        coder = model_coder(model.model_id)
        plugin, plugin_version_ = plugin_version(model)
        parameters = {
            "strategy": self.name,
            "strategy_version": self.version,
            "plugin": plugin,
            "plugin_version": plugin_version_,
            "llm_version": _llm_version(),
            "temperature": temperature,
            "unit": opts["unit"],
            "structured_output": with_schema,
            "prompt_template_sha256": prompts.template_digest(),
            "codebook_sha256": codebook.digest,
        }
        provenance = {
            label: Provenance(
                method=ProvenanceMethod.MODEL,
                name=model.model_id,
                version=plugin_version_,
                rule=label,
                parameters={k: v for k, v in parameters.items() if v is not None},
            )
            for label, _ in codebook.labels
        }
        tally = Tally()
        codings: list[Coding] = []
        memos: list[Memo] = []
        ids = codebook.ids_by_label
        labels = {code_id: label for label, code_id in codebook.labels}
        seen: set[str] = set()
        for unit, answer in zip(units, replies, strict=True):
            if answer.reply is None:
                tally.failed.append(answer.failure)
                continue
            if answer.source == "cache":
                tally.cached += 1
            else:
                tally.asked += 1
            tally.tokens += (answer.reply.input_tokens or 0) + (answer.reply.output_tokens or 0)
            try:
                proposals = answers.parse_answer(answer.reply.text)
            except answers.MalformedAnswer:
                tally.malformed += 1
                continue
            anchors = UnitAnchors(unit.text)
            for proposal in proposals:
                code_id = ids.get(proposal.code) or ids.get(proposal.code.casefold())
                if code_id is None:
                    tally.unknown_codes.add(proposal.code)
                    continue
                label = labels[code_id]
                found = anchors.anchor(proposal.quote)
                if found is None:
                    tally.rejected += 1
                    continue
                if found.match is Match.NORMALISED:
                    tally.normalised += 1
                start, end = unit.start + found.start, unit.start + found.end
                coding_id = stable_id("llm-coding", coder.id, unit.document_id, code_id, start, end)
                if coding_id in seen:
                    continue
                seen.add(coding_id)
                codings.append(
                    Coding(
                        id=coding_id,
                        document_id=unit.document_id,
                        code_id=code_id,
                        start=start,
                        end=end,
                        coder_id=coder.id,
                        provenance=provenance[label],
                    )
                )
                if proposal.rationale:
                    memos.append(
                        Memo(
                            id=stable_id("llm-rationale", coding_id),
                            name=f"{model.model_id}: why {label}",
                            text=proposal.rationale,
                            target_ids=(coding_id,),
                        )
                    )
        warnings.extend(_tally_warnings(tally, model.model_id))
        if "sample" in opts:
            evaluation = evaluate(project, units, codings, coder)
            self.notify(format_evaluation(evaluation, model.model_id))
        if tally.failed and len(tally.failed) == len(units):
            raise QualcodeError(
                f"model {model.model_id!r} answered none of {len(units)} units: {tally.failed[0]}",
                hint="check the model with 'llm -m MODEL hello'; answers so far are cached",
            )
        self.notify(
            f"llm: {len(units)} units, {tally.cached} answers from the cache, {tally.asked} "
            f"from the model, {tally.tokens} tokens"
        )
        return StrategyResult(coder=coder, codings=codings, memos=memos, warnings=warnings)

    def _units(self, project: Project, opts: dict[str, Any]) -> list[Unit]:
        patterns = opts.get("documents", ())
        documents = [
            d
            for d in project.documents
            if d.text.strip()
            and (not patterns or any(fnmatch.fnmatch(d.name, p) for p in patterns))
        ]
        units = [u for d in documents for u in document_units(d, opts["unit"], opts["window"])]
        if not units:
            raise EmptyCorpusError(
                "no document has text for the model to read",
                hint="import documents with text, or check the documents option",
            )
        if "sample" in opts:
            units = sample_units(project, units, opts["sample"])
        if "limit" in opts:
            units = units[: opts["limit"]]
        return units

    def _ask_all(
        self,
        asker: Callable[[Question], Answer],
        questions: list[Question],
        runner: Runner,
        jobs: int,
    ) -> list[Answer]:
        if jobs > 1:
            with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
                return list(pool.map(asker, questions))
        return list(runner.imap(asker, questions))


def model_coder(model_id: str) -> Coder:
    """The machine coder of one model: each model is its own coder, to compare with people."""
    return Coder(id=stable_id("coder", "llm", model_id), name=f"llm {model_id}", machine=True)


def sample_units(project: Project, units: list[Unit], size: int) -> list[Unit]:
    """``size`` units spread evenly over the units of documents that people coded (over all
    units where people coded none)."""
    human = {c.id for c in project.coders if not c.machine}
    coded = {c.document_id for c in project.codings if c.coder_id in human}
    pool = [u for u in units if u.document_id in coded] or units
    if size >= len(pool):
        return pool
    return [pool[i * len(pool) // size] for i in range(size)]


def _llm_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("llm")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _tally_warnings(tally: Tally, model_id: str) -> Iterable[str]:
    if tally.rejected:
        yield (
            f"{tally.rejected} quotes of {model_id} are not in the text they were given, and "
            "were not coded"
        )
    if tally.unknown_codes:
        names = ", ".join(sorted(tally.unknown_codes))
        yield f"{model_id} named codes that are not in the codebook (not coded): {names}"
    if tally.malformed:
        yield f"{tally.malformed} answers of {model_id} held no readable codings (cached as given)"
    if tally.failed:
        yield (
            f"{len(tally.failed)} units got no answer ({tally.failed[0]}); run again to ask "
            "for them (the answers so far are cached)"
        )
