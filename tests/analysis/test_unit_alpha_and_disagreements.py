"""Alpha over sentences for several coders; the disagreement list; a machine against people."""

from __future__ import annotations

import pytest

from qualcode import Code, Coder, Coding, Document, Project, new_id
from qualcode.analysis.agreement import krippendorff_alpha
from qualcode.analysis.disagreements import disagreement_table, disagreements, machine_scores
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.unit_alpha import alpha_by_units

TEXT = "Peer work helps. I felt alone. Training came late. My manager listened."
S = [(0, 16), (17, 30), (31, 50), (51, 71)]  # the four sentences


def project() -> Project:
    p = Project()
    for coder in ("alice", "bob", "carol"):
        p.add_coder(Coder(id=coder, name=coder.title()))
    p.add_coder(Coder(id="kw", name="keywords", machine=True))
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="iso", name="Isolation"))
    p.add_document(Document(id="d1", name="PN1_T1", text=TEXT))
    p.add_document(Document(id="d2", name="PN1_T2", text=TEXT))
    return p


def code(p: Project, coder: str, code_id: str, sentence: int, doc: str = "d1") -> None:
    start, end = S[sentence]
    p.add_coding(Coding(new_id(), doc, code_id, start + 1, end - 1, coder_id=coder))


def test_sentence_alpha_for_three_coders_equals_alpha_of_the_rating_table() -> None:
    p = project()
    assert [TEXT[s:e] for s, e in S][1] == "I felt alone."
    for coder in ("alice", "bob", "carol"):
        code(p, coder, "sup", 0)
    code(p, "alice", "sup", 3)
    code(p, "bob", "sup", 3)
    code(p, "alice", "iso", 1)
    code(p, "carol", "iso", 1)
    result = alpha_by_units(p, ["Alice", "Bob", "Carol"])
    support = [[1, 0, 0, 1], [1, 0, 0, 1], [1, 0, 0, 0]]
    isolation = [[0, 1, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]]
    by_code = {c.code_id: c for c in result.codes}
    assert by_code["sup"].alpha == pytest.approx(krippendorff_alpha(support))
    assert by_code["iso"].alpha == pytest.approx(krippendorff_alpha(isolation))
    pooled = [s + i for s, i in zip(support, isolation, strict=True)]
    assert result.pooled == pytest.approx(krippendorff_alpha(pooled))
    assert by_code["sup"].units == 4
    table = result.to_table(p)
    assert table.column("code") == ["Support", "Isolation", "(all)"]


def test_a_document_a_coder_did_not_code_is_missing_not_absent() -> None:
    p = project()
    code(p, "alice", "sup", 0)
    code(p, "bob", "sup", 0)
    code(p, "alice", "sup", 2, doc="d2")  # Bob never opened d2
    result = alpha_by_units(p, ["Alice", "Bob"])
    (support,) = result.codes
    assert support.units == 4  # d2's sentences are rated by Alice only
    assert support.alpha == pytest.approx(krippendorff_alpha([[1, 0, 0, 0], [1, 0, 0, 0]]))


def test_an_undefined_alpha_says_why() -> None:
    p = project()
    code(p, "alice", "sup", 0)
    code(p, "bob", "sup", 1)
    # The text is one paragraph, which both coders marked: no variation, alpha undefined.
    result = alpha_by_units(p, ["Alice", "Bob"], unit="paragraph")
    (support,) = result.codes
    assert support.alpha is None
    assert "undefined" in support.undefined
    assert result.pooled is None
    assert "undefined" in result.pooled_undefined
    assert result.to_table(p).column("alpha") == [None, None]


def test_alpha_bad_input() -> None:
    p = project()
    code(p, "alice", "sup", 0)
    with pytest.raises(AnalysisInputError, match="two coders or more"):
        alpha_by_units(p, ["Alice"])
    with pytest.raises(AnalysisInputError, match="Bob coded no text"):
        alpha_by_units(p, ["Alice", "Bob"])


def test_the_disagreement_list_has_each_stretch_and_its_quote() -> None:
    p = project()
    p.add_coding(Coding(new_id(), "d1", "sup", 0, 30, coder_id="alice"))
    p.add_coding(Coding(new_id(), "d1", "sup", 17, 50, coder_id="bob"))
    found = disagreements(p, "Alice", "Bob")
    assert [(d.start, d.end, d.coded_by) for d in found] == [(0, 17, "first"), (30, 50, "second")]
    table = disagreement_table(p, "Alice", "Bob")
    assert table.column("quote") == [TEXT[0:17], TEXT[30:50]]
    assert table.column("coded by") == ["Alice", "Bob"]
    assert table.column("not by") == ["Bob", "Alice"]


def test_precision_recall_and_f1_of_a_machine_against_people() -> None:
    p = project()
    p.add_coding(Coding(new_id(), "d1", "sup", 0, 40, coder_id="alice"))
    p.add_coding(Coding(new_id(), "d1", "sup", 20, 60, coder_id="kw"))  # 20 shared
    (scores,) = machine_scores(p, "Alice", "keywords")
    assert scores.precision == pytest.approx(20 / 40)
    assert scores.recall == pytest.approx(20 / 40)
    assert scores.f1 == pytest.approx(0.5)
