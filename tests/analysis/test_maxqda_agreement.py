"""MAXQDA's intercoder agreement: segments by overlap of their union, presence, frequency."""

from __future__ import annotations

import pytest

from qualcode import Code, Coder, Coding, Document, Project, new_id
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.segments import maxqda_agreement


def project() -> Project:
    p = Project()
    for coder in ("alice", "bob"):
        p.add_coder(Coder(id=coder, name=coder.title()))
    for code in ("c1", "c2", "c3"):
        p.add_code(Code(id=code, name=code.upper()))
    p.add_document(Document(id="d1", name="one", text="x" * 1000))
    p.add_document(Document(id="d2", name="two", text="y" * 1000))
    return p


def code(p: Project, coder: str, code_id: str, start: int, end: int, doc: str = "d1") -> None:
    p.add_coding(Coding(new_id(), doc, code_id, start, end, coder_id=coder))


def test_segments_agree_by_their_share_of_the_union() -> None:
    p = project()
    code(p, "alice", "c1", 0, 100)
    code(p, "bob", "c1", 0, 95)  # 95 of a union of 100: agrees at 90%
    code(p, "alice", "c1", 200, 300)
    code(p, "bob", "c1", 200, 280)  # 80 of 100: disagrees at 90%, agrees at 80%
    code(p, "alice", "c2", 500, 600)  # Bob has no c2 segment there
    result = maxqda_agreement(p, "Alice", "Bob")
    by_code = {c.code_id: c for c in result.codes}
    assert (by_code["c1"].agreements, by_code["c1"].disagreements) == (2, 2)
    assert (by_code["c2"].agreements, by_code["c2"].disagreements) == (0, 1)
    assert result.percentage == pytest.approx(2 / 5)
    looser = maxqda_agreement(p, "Alice", "Bob", min_overlap=0.8)
    assert {c.code_id: c.agreements for c in looser.codes}["c1"] == 4


def test_kappa_has_chance_one_over_the_number_of_codes() -> None:
    p = project()
    code(p, "alice", "c1", 0, 100)
    code(p, "bob", "c1", 0, 100)
    code(p, "alice", "c2", 200, 300)
    code(p, "bob", "c2", 400, 500)
    result = maxqda_agreement(p, "Alice", "Bob")
    # a = 1 matched segment of Alice's; b = 1 of Alice's and c = 1 of Bob's unmatched.
    observed = 1 / 3
    chance = 1 / 2
    assert result.kappa == pytest.approx((observed - chance) / (1 - chance))
    table = result.to_table()
    assert table.column("code") == ["C1", "C2", "(all)"]
    assert table.column("percentage") == [100.0, 0.0, 50.0]


def test_code_presence_and_frequency_per_document() -> None:
    p = project()
    code(p, "alice", "c1", 0, 10)
    code(p, "alice", "c1", 20, 30)
    code(p, "bob", "c1", 500, 510)  # present for both in d1, but 2 against 1
    code(p, "alice", "c2", 0, 10, doc="d2")  # only Alice
    code(p, "bob", "c3", 0, 10, doc="d2")
    code(p, "alice", "c3", 50, 60, doc="d2")  # both, once each
    presence = maxqda_agreement(p, "Alice", "Bob", criterion="presence")
    assert (presence.agreements, presence.disagreements) == (2, 1)
    frequency = maxqda_agreement(p, "Alice", "Bob", criterion="frequency")
    assert (frequency.agreements, frequency.disagreements) == (1, 2)
    assert presence.kappa == pytest.approx((2 / 3 - 0.5) / 0.5)


def test_bad_input() -> None:
    p = project()
    code(p, "alice", "c1", 0, 10)
    with pytest.raises(AnalysisInputError, match="Bob coded nothing"):
        maxqda_agreement(p, "Alice", "Bob")
    with pytest.raises(AnalysisInputError, match="no coder 'Eve'"):
        maxqda_agreement(p, "Alice", "Eve")
    with pytest.raises(ValueError, match="min_overlap"):
        maxqda_agreement(p, "Alice", "Bob", min_overlap=0)
    with pytest.raises(ValueError, match="criterion"):
        maxqda_agreement(p, "Alice", "Bob", criterion="words")  # type: ignore[arg-type]
