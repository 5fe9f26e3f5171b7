"""The ``similar`` strategy with a fake embedding model registered through llm's plugin hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import llm
import pytest
from qualcode_llm.similar import SimilarStrategy, calibrate

from qualcode.errors import OptionError
from qualcode.model import Code, Coder, Coding, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner

CODED = (
    "I was alone all winter. Nobody called me, I was lonely. We went to the shops. "
    "I felt isolated and alone. The weather was grey. I spent the days alone."
)
UNCODED = "The group helped a lot. I sat alone by myself. The bus was late."


def project() -> Project:
    p = Project()
    p.add_document(Document(id="d1", name="coded", text=CODED))
    p.add_document(Document(id="d2", name="new", text=UNCODED))
    p.add_code(Code(id="c1", name="Isolation", definition="being alone"))
    p.add_coder(Coder(id="h1", name="Ana"))
    for sentence in (
        "I was alone all winter.",
        "Nobody called me, I was lonely.",
        "I felt isolated and alone.",
        "I spent the days alone.",
    ):
        start = CODED.index(sentence)
        p.add_coding(Coding(f"k{start}", "d1", "c1", start, start + len(sentence), "h1"))
    return p


def embedder() -> Any:
    return llm.get_embedding_model("fake-embed")


def test_calibrate_finds_the_lowest_threshold_reaching_the_precision() -> None:
    scores = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.2, False)]
    assert calibrate(scores, 1.0) == 0.8
    assert calibrate(scores, 0.75) == 0.6
    assert calibrate([(0.5, False)], 0.5) is None


def test_similar_proposes_units_like_the_coded_ones(tmp_path: Path) -> None:
    notes: list[str] = []
    result = SimilarStrategy(notify=notes.append).run(
        project(), SerialRunner(), embedding_model="fake-embed", cache_dir=str(tmp_path)
    )
    proposed = {UNCODED[c.start : c.end] for c in result.codings if c.document_id == "d2"}
    assert proposed == {"I sat alone by myself."}
    coding = next(c for c in result.codings if c.document_id == "d2")
    assert coding.provenance.parameters["similarity"] >= coding.provenance.parameters["threshold"]
    figures = [n for n in notes if "held-out precision" in n]
    # calibration: the 1st, 3rd and 5th sentences; held out: the 2nd, 4th and 6th, all coded
    assert len(figures) == 1 and "Isolation" in figures[0]
    assert "held-out precision 1.00 (3 of 3 units)" in figures[0]
    # a rerun embeds nothing: every vector comes from the cache
    before = len(embedder().embedded)
    again = SimilarStrategy(notify=notes.append).run(
        project(), SerialRunner(), embedding_model="fake-embed", cache_dir=str(tmp_path)
    )
    assert len(embedder().embedded) == before
    assert again.codings == result.codings


def test_unknown_embedding_model_lists_the_installed_ones(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="fake-embed"):
        SimilarStrategy().run(project(), SerialRunner(), embedding_model="nope")
