"""The ``similar`` strategy: code units like the researchers did, by meaning (embeddings).

Each code is described by what people coded with it and by its definition and examples; each
unit's similarity to a code is its highest cosine similarity to those passages. The threshold
above which a unit is proposed for a code is calibrated on the human codings: the units of the
documents people coded are split in two (alternately); passages coded in the first half describe
the codes, the threshold is the lowest that reaches ``precision`` on the first half, and the
precision it then reaches on the second, held-out half is reported. Vectors are cached on disk,
keyed by model and text, so a rerun embeds nothing.
"""

from __future__ import annotations

import fnmatch
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import EmptyCorpusError, OptionError
from qualcode.model import Code, Coder, Coding, Provenance, ProvenanceMethod
from qualcode.options import Option, check_options
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult
from qualcode.strategies.textunits import stable_id
from qualcode_llm.cache import AnswerCache, answer_key, user_cache_dir
from qualcode_llm.models import model_host, plugin_version
from qualcode_llm.units import UNIT_KINDS, Unit, document_units

if TYPE_CHECKING:  # llm imports its command line (click) when imported: only where used
    from llm.models import EmbeddingModel


DECLARED: tuple[Option, ...] = (
    Option(
        "embedding_model",
        "the embedding model's name ('llm embed-models')",
        "string",
        required=True,
    ),
    Option("unit", "what is compared", "string", default="sentence", choices=UNIT_KINDS),
    Option("window", "paragraphs per unit with unit=window", "integer", default=3, minimum=1),
    Option(
        "precision",
        "the precision the threshold is calibrated to reach",
        "number",
        default=0.8,
        minimum=0.01,
        maximum=1,
    ),
    Option(
        "threshold",
        "a fixed similarity threshold instead of a calibrated one",
        "number",
        minimum=-1,
        maximum=1,
    ),
    Option("cache", "keep every vector on disk and reuse it on reruns", "boolean", default=True),
    Option("cache_dir", "the cache's folder (default: the user's cache folder)", "string"),
    Option("local_only", "refuse models that send text off this machine", "boolean", default=False),
    Option("documents", "only documents whose names match these patterns", "strings"),
)


def _notify(message: str) -> None:
    print(message, file=sys.stderr)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine similarity of two vectors (0 where either is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def resolve_embedding_model(name: str) -> EmbeddingModel:
    """The embedding model ``llm`` knows by ``name``, or an error listing the installed ones."""
    import llm

    try:
        found: EmbeddingModel = llm.get_embedding_model(name)  # type: ignore[no-untyped-call]
        return found
    except llm.UnknownModelError:
        models = llm.get_embedding_models()  # type: ignore[no-untyped-call]
        installed = sorted(model.model_id for model in models)
        raise OptionError(
            f"no embedding model named {name!r} is installed "
            f"(installed: {', '.join(installed) or 'none'})",
            hint="add one with an llm plugin, e.g. 'llm install llm-sentence-transformers', "
            "then 'llm embed-models' lists the names",
        ) from None


class Embedder:
    """Vectors of texts from the model, through the cache."""

    def __init__(self, model: EmbeddingModel, cache: AnswerCache | None) -> None:
        self.model = model
        self.cache = cache
        self.embedded = 0

    def __call__(self, texts: Sequence[str]) -> list[list[float]]:
        keys = [answer_key(self.model.model_id, "", text, {"embedding": True}) for text in texts]
        vectors: dict[int, list[float]] = {}
        missing = []
        for index, key in enumerate(keys):
            cached = self.cache.get(key) if self.cache is not None else None
            if cached is not None:
                vectors[index] = json.loads(cached["text"])
            else:
                missing.append(index)
        if missing:
            fresh = list(self.model.embed_multi([texts[i] for i in missing]))
            self.embedded += len(missing)
            for index, vector in zip(missing, fresh, strict=True):
                vectors[index] = [float(x) for x in vector]
                if self.cache is not None:
                    self.cache.put(keys[index], {"text": json.dumps(vectors[index])})
        return [vectors[i] for i in range(len(texts))]


def calibrate(scores: Sequence[tuple[float, bool]], precision: float) -> float | None:
    """The lowest threshold whose units at or above it reach ``precision``; None if none does."""
    ordered = sorted(scores, key=lambda pair: -pair[0])
    best: float | None = None
    hits = 0
    for count, (score, relevant) in enumerate(ordered, start=1):
        hits += relevant
        if hits / count >= precision and (count == len(ordered) or ordered[count][0] < score):
            best = score
    return best


class SimilarStrategy(Strategy):
    """Proposes codes for units similar in meaning to what people coded with them."""

    name = "similar"
    version = "0.1.0"
    description = "code units like people did, by meaning (-o embedding_model=NAME)"
    declared = DECLARED
    options = {option.name: option.help for option in DECLARED}
    deterministic = False

    def __init__(self, notify: Callable[[str], None] = _notify) -> None:
        """``notify`` receives the calibration figures and privacy notices (default: stderr)."""
        self.notify = notify

    def run(self, project: Project, runner: Runner, **given: Any) -> StrategyResult:
        """Propose codings of units similar to each code's human-coded passages."""
        opts = check_options(DECLARED, given, owner="strategy 'similar'")
        codes = [c for c in project.codes if c.codable]
        if not codes:
            raise OptionError("the project has no codes", hint="add or import a codebook first")
        model = resolve_embedding_model(opts["embedding_model"])
        host = model_host(model)
        if host is not None and opts["local_only"]:
            raise OptionError(
                f"model {model.model_id!r} sends text to {host}, and local_only is set",
                hint="choose an embedding model that runs on this machine",
            )
        patterns = opts.get("documents", ())
        units = [
            u
            for d in project.documents
            if d.text.strip()
            and (not patterns or any(fnmatch.fnmatch(d.name, p) for p in patterns))
            for u in document_units(d, opts["unit"], opts["window"])
        ]
        if not units:
            raise EmptyCorpusError("no document has text to compare")
        warnings: list[str] = []
        cache = None
        if opts["cache"]:
            cache = AnswerCache(Path(opts.get("cache_dir") or user_cache_dir()).expanduser())
        else:
            warnings.append("the vector cache is off: a rerun embeds every unit again")
        if host is not None:
            self.notify(
                f"similar: sending up to {sum(len(u.text) for u in units)} characters of text to "
                f"model {model.model_id} at {host}"
            )
        embed = Embedder(model, cache)
        vectors = embed([u.text for u in units])
        people = {c.id for c in project.coders if not c.machine}
        human = [c for c in project.codings if c.coder_id in people and c.end > c.start]
        coded_documents = {c.document_id for c in human}
        in_coded = [i for i, u in enumerate(units) if u.document_id in coded_documents]
        calibration = set(in_coded[0::2])
        held_out = in_coded[1::2]
        coder = Coder(
            id=stable_id("coder", "similar", model.model_id),
            name=f"similar {model.model_id}",
            machine=True,
        )
        _, plugin_version_ = plugin_version(model)
        coded_spans: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for c in human:
            coded_spans.setdefault(c.code_id, {}).setdefault(c.document_id, []).append(
                (c.start, c.end)
            )
        calibration_at: dict[str, list[int]] = {}
        for i in sorted(calibration):
            calibration_at.setdefault(units[i].document_id, []).append(i)
        codings: list[Coding] = []
        for code in codes:
            # passages people coded in the calibration units, each with the unit it lies in,
            # so that a calibration unit is never compared with its own passage
            sources: list[int] = []
            passages: list[str] = []
            for c in human:
                if c.code_id != code.id:
                    continue
                for i in calibration_at.get(c.document_id, ()):
                    if units[i].start < c.end and c.start < units[i].end:
                        sources.append(i)
                        passages.append(project.documents[c.document_id].text[c.start : c.end])
                        break
            described = [t for t in (code.definition, *code.examples) if t.strip()]
            exemplars = embed(passages + described) if passages or described else []
            sources.extend([-1] * len(described))
            if not exemplars:
                warnings.append(f"code {code.name!r} has no coded passages, definition or examples")
                continue
            score = [
                max(
                    (
                        cosine(v, e)
                        for e, source in zip(exemplars, sources, strict=True)
                        if source != i
                    ),
                    default=-1.0,
                )
                for i, v in enumerate(vectors)
            ]
            spans = coded_spans.get(code.id, {})
            relevant = [
                any(u.start < end and start < u.end for start, end in spans.get(u.document_id, ()))
                for u in units
            ]
            threshold = opts.get("threshold")
            if threshold is None:
                threshold = calibrate(
                    [(score[i], relevant[i]) for i in sorted(calibration)], opts["precision"]
                )
                if threshold is None:
                    warnings.append(
                        f"code {code.name!r}: no threshold reaches precision "
                        f"{opts['precision']:g} on the calibration units; nothing proposed"
                    )
                    continue
            chosen = [i for i in held_out if score[i] >= threshold]
            right = sum(relevant[i] for i in chosen)
            figure = f"{right / len(chosen):.2f}" if chosen else "-"
            self.notify(
                f"similar: {code.name}: threshold {threshold:.3f}, held-out precision {figure} "
                f"({right} of {len(chosen)} units)"
            )
            for i, unit in enumerate(units):
                if score[i] >= threshold and i not in calibration and not relevant[i]:
                    codings.append(
                        _coding(
                            unit, code, coder, model.model_id, score[i], threshold, plugin_version_
                        )
                    )
        return StrategyResult(coder=coder, codings=codings, warnings=warnings)


def _coding(
    unit: Unit,
    code: Code,
    coder: Coder,
    model_id: str,
    similarity: float,
    threshold: float,
    version: str,
) -> Coding:
    return Coding(
        id=stable_id("similar-coding", coder.id, unit.document_id, code.id, unit.start, unit.end),
        document_id=unit.document_id,
        code_id=code.id,
        start=unit.start,
        end=unit.end,
        coder_id=coder.id,
        provenance=Provenance(
            method=ProvenanceMethod.MODEL,
            name=model_id,
            version=version,
            rule=code.name,
            parameters={
                "strategy": "similar",
                "similarity": round(similarity, 6),
                "threshold": round(threshold, 6),
            },
        ),
    )
