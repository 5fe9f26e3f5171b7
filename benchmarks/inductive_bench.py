"""Benchmark of the ``inductive`` strategy's clustering (``method=clusters``) against the
straightforward algorithm it replaced, measured in the same run.

Two generated corpora of documents of about 10,000 characters, from a fixed seed:

* ``interviews``: sentences drawn from a dozen topic vocabularies, each interview dwelling on a
  few topics, mixed with shared filler words and English stop words, so that k-means finds
  real groups and converges the way it does on interviews;
* ``random``: sentences of words drawn uniformly from 20,000 random syllable-words, made as
  ``make_corpus`` of ``plugins/qualcode-dask/benchmarks/dask_bench.py`` makes them; the groups
  are unnatural (most sentences end up in one loose group) and the similarities all small.

Contenders, taking turns (best CPU time of ``--repeat`` calls each):

* ``reference``: TF-IDF and the clusters by the plain algorithm of
  :mod:`qualcode.testing.plain_clustering` (every unit against every centre in every round;
  the code of ``clusters.py`` before it was made faster);
* ``clusters.py``: the same from :mod:`qualcode.strategies.inductive.clusters`;
* ``strategy, reference`` and ``strategy``: the whole strategy run (``method=clusters``, serial,
  every member coded: ``code_all``),
  with the reference algorithm patched in and as shipped.

Both must give identical clusters, codes and codings; the run fails otherwise.

Run: ``python benchmarks/inductive_bench.py`` (``--documents 50,200`` for a quick run).
Figures: docs/strategies/inductive.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any
from unittest import mock

from qualcode.model import Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.inductive import clusters as clustering
from qualcode.strategies.inductive.keyness import Region
from qualcode.strategies.inductive.strategy import InductiveStrategy
from qualcode.strategies.textunits import STOP_WORDS
from qualcode.testing.plain_clustering import plain_clusters, plain_tfidf

# -- corpora ----------------------------------------------------------------------------------

SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gu", "ri")
FUNCTION_WORDS = (
    *("i", "the", "and", "it", "was", "to", "of", "you", "that", "in", "so", "we", "a"),
    *("they", "but", "my", "is", "for", "with", "on", "not", "just", "at", "be", "have"),
)
"""Built-in stop words, as common in interviews as they are in any English text."""


def made_up_words(chooser: random.Random, size: int, taken: set[str]) -> list[str]:
    words: list[str] = []
    while len(words) < size:
        word = "".join(chooser.choices(SYLLABLES, k=chooser.randint(2, 4)))
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def zipf(size: int) -> list[float]:
    """Cumulative Zipf weights over ``size`` ranks, for ``random.choices(cum_weights=...)``."""
    total, cumulative = 0.0, []
    for rank in range(size):
        total += 1.0 / (rank + 1)
        cumulative.append(total)
    return cumulative


def interview_corpus(documents: int, seed: int = 1, topics: int = 12) -> list[str]:
    """Interviews of about 10,000 characters. Each talks mostly about three of ``topics`` topics
    (60 words each); a sentence of 6 to 22 words takes about a third of them from its topic, a
    quarter from 300 filler words shared by all, the rest stop words."""
    chooser = random.Random(seed)
    taken: set[str] = set(FUNCTION_WORDS)
    vocabularies = [made_up_words(chooser, 60, taken) for _ in range(topics)]
    filler = made_up_words(chooser, 300, taken)
    topic_weights, filler_weights = zipf(60), zipf(300)
    texts: list[str] = []
    for _ in range(documents):
        own = chooser.sample(range(topics), 3)
        parts: list[str] = []
        length = 0
        while length < 10_000:
            topic = vocabularies[
                chooser.choice(own) if chooser.random() < 0.85 else chooser.randrange(topics)
            ]
            words: list[str] = []
            for _ in range(chooser.randint(6, 22)):
                draw = chooser.random()
                if draw < 0.35:
                    words += chooser.choices(topic, cum_weights=topic_weights)
                elif draw < 0.6:
                    words += chooser.choices(filler, cum_weights=filler_weights)
                else:
                    words.append(chooser.choice(FUNCTION_WORDS))
            sentence = " ".join(words).capitalize() + chooser.choice((". ", ". ", "? ", ".\n"))
            parts.append(sentence)
            length += len(sentence)
        texts.append("".join(parts))
    return texts


def random_corpus(documents: int, seed: int = 1) -> list[str]:
    """Documents of about 10,000 characters of sentences of 6 to 20 words drawn uniformly from
    20,000 made-up words (as ``make_corpus`` of the Dask benchmark)."""
    chooser = random.Random(seed)
    vocabulary = sorted(made_up_words(chooser, 20_000, set()))
    texts: list[str] = []
    for _ in range(documents):
        parts: list[str] = []
        length = 0
        while length < 10_000:
            sentence = " ".join(chooser.choices(vocabulary, k=chooser.randint(6, 20))) + ". "
            parts.append(sentence.capitalize())
            length += len(sentence)
        texts.append("".join(parts))
    return texts


CORPORA: dict[str, Callable[[int, int], list[str]]] = {
    "interviews": interview_corpus,
    "random": random_corpus,
}


def project_of(texts: Sequence[str]) -> Project:
    project = Project(name="benchmark")
    for number, text in enumerate(texts):
        project.add_document(Document(id=f"doc-{number:05d}", name=f"document {number}", text=text))
    return project


def units_of(texts: Sequence[str]) -> list[clustering.Unit]:
    """The sentences with at least three content words, as the strategy finds them."""
    return [
        unit
        for number, text in enumerate(texts)
        for unit in clustering.split_units(
            clustering.UnitTask(
                Region(f"doc-{number:05d}", text, ((0, len(text)),)), "sentence", STOP_WORDS, 3
            )
        )
    ]


# -- timing -----------------------------------------------------------------------------------

Runs = tuple[list[float], Any]
"""CPU times of this process and the last result of repeated calls."""


def in_turns(contenders: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Runs]:
    """Each contender called ``repeat`` times, one call of each in turn; CPU time of each call."""
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, function in contenders.items():
            results.pop(name, None)  # the last result is freed before the next call
            start = time.process_time()
            results[name] = function()
            cpus[name].append(time.process_time() - start)
    return {name: (cpus[name], results[name]) for name in contenders}


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} (1, 5, 15 min)"


def with_reference(function: Callable[[], Any]) -> Callable[[], Any]:
    """``function`` run with the reference TF-IDF and clusters in place of the module's."""

    def patched() -> Any:
        with (
            mock.patch.object(clustering, "tfidf", plain_tfidf),
            mock.patch.object(clustering, "clusters", plain_clusters),
        ):
            return function()

    return patched


def measure(corpus: str, documents: int, repeat: int, seed: int) -> bool:
    texts = CORPORA[corpus](documents, seed)
    units = units_of(texts)
    k = clustering.default_k(len(units))
    project = project_of(texts)
    strategy = InductiveStrategy()
    chars = sum(len(t) for t in texts)

    def run() -> Any:
        return strategy.run(project, SerialRunner(), method="clusters", code_all=True)

    runs = in_turns(
        {
            "reference": lambda: plain_clusters(plain_tfidf(units), k, 3),
            "clusters.py": lambda: clustering.clusters(clustering.tfidf(units), k, 3),
            "strategy, reference": with_reference(run),
            "strategy": run,
        },
        repeat,
    )
    old, new = runs["reference"], runs["clusters.py"]
    old_run, new_run = runs["strategy, reference"], runs["strategy"]
    same = old[1] == new[1] and (old_run[1].codes, old_run[1].codings) == (
        new_run[1].codes,
        new_run[1].codings,
    )
    print(
        f"{corpus}, {documents} documents ({chars:,} characters, {len(units):,} units, k={k}, "
        f"{len(new[1])} clusters; identical: {same})"
    )
    print(
        f"  tfidf + clusters: reference {min(old[0]):7.2f} s, clusters.py {min(new[0]):6.2f} s "
        f"({min(old[0]) / min(new[0]):5.1f}x)"
    )
    print(
        f"  whole strategy:   reference {min(old_run[0]):7.2f} s, now {min(new_run[0]):14.2f} s "
        f"({min(old_run[0]) / min(new_run[0]):5.1f}x)"
    )
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--documents", default="50,200,500", help="corpus sizes, in documents (comma-separated)"
    )
    parser.add_argument(
        "--corpus", choices=(*CORPORA, "both"), default="both", help="which generated corpus"
    )
    parser.add_argument("--repeat", type=int, default=3, help="calls per contender (best CPU time)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    sizes = [int(n) for n in options.documents.split(",")]
    corpora = list(CORPORA) if options.corpus == "both" else [options.corpus]
    print(f"CPU seconds of this process, best of {options.repeat}; cpus: {os.cpu_count()}")
    print(load())
    same = True
    for corpus in corpora:
        for documents in sizes:
            same = measure(corpus, documents, options.repeat, options.seed) and same
    print(load())
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
