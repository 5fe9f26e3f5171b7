"""Coding retrieval (AND, OR, NOT, NEAR, SAME) with filters; keyword in context; frequencies."""

from __future__ import annotations

import pytest

from qualcode import Case, Code, Coder, Coding, Document, DocumentKind, Project, Variable, new_id
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.queries import (
    Filters,
    code,
    code_frequencies,
    near,
    retrieve,
    same,
    text_search,
)

TEXT = "Support came late. My manager listened to me. Training was hard but useful."


def study() -> Project:
    p = Project()
    p.add_coder(Coder(id="alice", name="Alice"))
    p.add_coder(Coder(id="bob", name="Bob"))
    p.add_variable(Variable(id="v-role", name="role"))
    p.add_case(Case(id="pn1", name="PN1", attributes={"v-role": "peer"}))
    p.add_case(Case(id="pn2", name="PN2", attributes={"v-role": "lead"}))
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="mgr", name="Manager", parent_id="sup"))
    p.add_code(Code(id="trn", name="Training"))
    p.add_document(
        Document(
            id="d1",
            name="PN1_T1",
            text=TEXT,
            case_id="pn1",
            time_point=1,
            kind=DocumentKind.INTERVIEW,
        )
    )
    p.add_document(
        Document(
            id="d2", name="PN2_T2", text=TEXT, case_id="pn2", time_point=2, kind=DocumentKind.DIARY
        )
    )
    return p


def mark(p: Project, doc: str, code_id: str, quote: str, coder: str = "alice") -> None:
    start = TEXT.index(quote)
    p.add_coding(Coding(new_id(), doc, code_id, start, start + len(quote), coder_id=coder))


def quotes(table: object) -> list[str]:
    return table.column("quote")  # type: ignore[attr-defined, no-any-return]


def test_and_or_not() -> None:
    p = study()
    mark(p, "d1", "sup", "Support came late. My manager listened")
    mark(p, "d1", "trn", "My manager listened to me. Training")
    assert quotes(retrieve(p, code("Support") & code("Training"))) == ["My manager listened"]
    assert quotes(retrieve(p, code("Support") | code("Training"))) == [
        "Support came late. My manager listened to me. Training"
    ]
    assert quotes(retrieve(p, code("Support") - code("Training"))) == ["Support came late. "]
    assert retrieve(p, code("Support") & code("Training")).title == (
        "Passages coded (Support AND Training)"
    )


def test_subcodes_count_unless_asked_not_to() -> None:
    p = study()
    mark(p, "d1", "mgr", "My manager listened")
    assert quotes(retrieve(p, code("Support"))) == ["My manager listened"]
    assert quotes(retrieve(p, code("Support", include_subcodes=False))) == []
    assert quotes(retrieve(p, code("Support/Manager"))) == ["My manager listened"]


def test_near_and_same_sentence() -> None:
    p = study()
    mark(p, "d1", "sup", "Support")
    mark(p, "d1", "trn", "useful")
    mark(p, "d1", "mgr", "late")
    # "Support" is word 1, "useful" word 13: 12 words apart.
    assert quotes(
        retrieve(p, near(code("Support", include_subcodes=False), code("Training"), words=12))
    ) == ["Support"]
    assert (
        quotes(
            retrieve(p, near(code("Support", include_subcodes=False), code("Training"), words=11))
        )
        == []
    )
    assert quotes(retrieve(p, same(code("Support", include_subcodes=False), code("Manager")))) == [
        "Support came late."
    ]
    assert (
        quotes(retrieve(p, same(code("Support", include_subcodes=False), code("Training")))) == []
    )


def test_filters_by_case_attribute_time_kind_and_coder() -> None:
    p = study()
    mark(p, "d1", "trn", "Training")
    mark(p, "d2", "trn", "Training", coder="bob")
    everything = retrieve(p, code("Training"))
    assert everything.column("document") == ["PN1_T1", "PN2_T2"]
    assert retrieve(p, code("Training"), filters=Filters(cases=("PN2",))).column("document") == [
        "PN2_T2"
    ]
    assert retrieve(p, code("Training"), filters=Filters(attributes={"role": "peer"})).column(
        "document"
    ) == ["PN1_T1"]
    assert retrieve(p, code("Training"), filters=Filters(time_points=(2,))).column("case") == [
        "PN2"
    ]
    assert retrieve(p, code("Training"), filters=Filters(kinds=("interview",))).column(
        "document"
    ) == ["PN1_T1"]
    assert retrieve(p, code("Training"), coders="Bob").column("document") == ["PN2_T2"]


def test_unknown_names_list_the_known_ones() -> None:
    p = study()
    with pytest.raises(
        AnalysisInputError, match="no code 'Care'; its codes: Support, Support/Manager, Training"
    ):
        retrieve(p, code("Care"))
    with pytest.raises(AnalysisInputError, match="no case 'PN9'; its cases: PN1, PN2"):
        retrieve(p, code("Support"), filters=Filters(cases=("PN9",)))
    with pytest.raises(AnalysisInputError, match="no attribute 'age'; its attributes: role"):
        retrieve(p, code("Support"), filters=Filters(attributes={"age": "30"}))
    with pytest.raises(AnalysisInputError, match="unknown document kind 'memo'"):
        retrieve(p, code("Support"), filters=Filters(kinds=("memo",)))
    with pytest.raises(ValueError, match="words must be 0 or more"):
        near(code("a"), code("b"), words=-1)


def test_keyword_in_context() -> None:
    p = study()
    table = text_search(p, "manager LISTENED", width=10)
    assert table.column("document") == ["PN1_T1", "PN2_T2"]
    assert table.rows[0][3:] == ("late. My", "manager listened", "to me. Tr")
    assert len(text_search(p, "train")) == 0  # whole words by default
    assert len(text_search(p, "train", whole_word=False)) == 2
    assert len(text_search(p, "support", case_sensitive=True)) == 0
    with pytest.raises(ValueError, match="give a word"):
        text_search(p, "  ")


def test_code_frequencies_down_the_tree() -> None:
    p = study()
    mark(p, "d1", "sup", "Support came late.")
    mark(p, "d1", "mgr", "My manager")
    mark(p, "d2", "mgr", "My manager")
    table = code_frequencies(p)
    assert table.columns == ("code", "depth", "codings", "documents", "cases", "characters")
    assert table.rows == (
        ("Support", 0, 3, 2, 2, 18 + 10 + 10),
        ("Support/Manager", 1, 2, 2, 2, 20),
        ("Training", 0, 0, 0, 0, 0),
    )
    flat = code_frequencies(p, include_subcodes=False)
    assert flat.rows[0] == ("Support", 0, 1, 1, 1, 18)


@pytest.mark.parametrize("seed", range(30))
def test_near_finds_what_a_scan_of_every_pair_finds(seed: int) -> None:
    import random
    import re

    rng = random.Random(seed)
    words = " ".join(rng.choice(["peer", "work", "help", "late", "ok"]) for _ in range(60))
    p = Project()
    p.add_code(Code(id="a", name="A"))
    p.add_code(Code(id="b", name="B"))
    p.add_document(Document(id="d", name="d", text=words))
    for code_id in ("a", "b") * 6:
        start = rng.randrange(len(words) - 1)
        end = rng.randint(start + 1, min(len(words), start + 30))
        p.add_coding(Coding(new_id(), "d", code_id, start, end))
    distance = rng.randint(0, 8)
    found = retrieve(p, near(code("A"), code("B"), words=distance)).column("start")
    starts = [m.start() for m in re.finditer(r"\w+", words)]

    def word_at(position: int) -> int:
        return sum(1 for s in starts if s <= position)

    from qualcode.analysis.spans import merged

    a = merged((c.start, c.end) for c in p.codings if c.code_id == "a")
    b = merged((c.start, c.end) for c in p.codings if c.code_id == "b")
    expected = [
        s
        for s, e in a
        if any(
            word_at(bs) - word_at(max(s, e - 1)) <= distance
            and word_at(s) - word_at(max(bs, be - 1)) <= distance
            for bs, be in b
        )
    ]
    assert found == expected
