"""The code tree helpers, coding queries, quotes, cascading removal and bulk addition."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import Code, Coding, Document, Project, new_id
from qualcode.testing import COLLECTIONS, projects, sample_id


def ids(name: str) -> str:
    return sample_id(name)


# -- the code tree ----------------------------------------------------------------------------


def test_children_descendants_and_paths(sample_project: Project) -> None:
    top = [c.name for c in sample_project.children(None)]
    assert top == ["Work", "Boundaries and self-care", "Humour"]
    under_work = [c.name for c in sample_project.children(ids("code:work"))]
    assert under_work == ["Training and preparation", "Career progression"]
    below = [c.name for c in sample_project.descendants(ids("code:work"))]
    assert below == ["Training and preparation", "Formal training", "Career progression"]
    assert sample_project.descendants(ids("code:formal")) == []
    assert sample_project.code_path(ids("code:formal")) == (
        "Work",
        "Training and preparation",
        "Formal training",
    )
    found = sample_project.code_by_path(["Work", "Training and preparation", "Formal training"])
    assert found is not None and found.id == ids("code:formal")
    assert sample_project.code_by_path(["Work", "Nope"]) is None
    assert sample_project.code_by_path(["Formal training"]) is None  # not at the top


def test_same_names_under_different_parents() -> None:
    project = Project()
    a = project.add_code(Code(id=new_id(), name="A"))
    b = project.add_code(Code(id=new_id(), name="B"))
    a_other = project.add_code(Code(id=new_id(), name="Other", parent_id=a.id))
    b_other = project.add_code(Code(id=new_id(), name="Other", parent_id=b.id))
    assert project.code_by_path(["A", "Other"]) == a_other
    assert project.code_by_path(["B", "Other"]) == b_other
    assert project.codes.by_name("Other") == [a_other, b_other]


def test_collections_look_up_by_id(sample_project: Project) -> None:
    codes = sample_project.codes
    assert ids("code:work") in codes
    assert codes[ids("code:work")].name == "Work"
    assert codes.ids()[0] == ids("code:work")
    assert len(codes) == len(list(codes))
    assert "6" in repr(codes)
    assert sample_project.find(ids("memo:anchored")) == sample_project.memos[ids("memo:anchored")]
    assert sample_project.find(new_id()) is None


# -- queries ----------------------------------------------------------------------------------


def expected(project: Project, keep: Callable[[Coding], bool]) -> list[str]:
    """An independent filter over all codings, for comparison with find_codings."""
    return [c.id for c in project.codings if keep(c)]


def test_find_codings_by_each_filter(sample_project: Project) -> None:
    p = sample_project
    docs = p.documents
    training, work = ids("code:training"), ids("code:work")
    subtree = {training, ids("code:formal")}

    def found(**filters: Any) -> list[str]:
        return [c.id for c in p.find_codings(**filters)]

    assert found() == p.codings.ids()
    assert found(code_id=training) == expected(p, lambda c: c.code_id == training)
    assert found(code_id=training, include_subcodes=True) == expected(
        p, lambda c: c.code_id in subtree
    )
    assert found(code_id=work) == []
    assert len(found(code_id=work, include_subcodes=True)) == len(
        expected(
            p, lambda c: c.code_id != ids("code:boundaries") and c.code_id != ids("code:humour")
        )
    )
    diary = ids("doc:pn1-diary")
    assert found(document_id=diary) == expected(p, lambda c: c.document_id == diary)
    pn1 = ids("case:pn1")
    assert found(case_id=pn1) == expected(p, lambda c: docs[c.document_id].case_id == pn1)
    assert found(time_point=1) == expected(p, lambda c: docs[c.document_id].time_point == 1)
    machine = ids("coder:keywords")
    assert found(coder_id=machine) == expected(p, lambda c: c.coder_id == machine)
    combined = found(case_id=pn1, time_point=2, coder_id=machine)
    assert combined == [ids("coding:c6")]
    assert found(case_id=pn1, document_id=ids("doc:survey")) == []
    # every result is a real coding, and each filter is non-trivial in the sample
    for filters in ({"case_id": pn1}, {"time_point": 1}, {"coder_id": machine}):
        assert 0 < len(found(**filters)) < len(p.codings)


def test_case_documents_in_time_order(sample_project: Project) -> None:
    documents = sample_project.case_documents(ids("case:pn1"))
    assert [d.time_point for d in documents] == [1, 2]
    assert sample_project.time_points() == [1, 2, 3]
    project = Project()
    from qualcode import Case

    case = project.add_case(Case(id=new_id(), name="k"))
    for point in (3, None, 1):
        project.add_document(
            Document(id=new_id(), name=str(point), case_id=case.id, time_point=point)
        )
    assert [d.name for d in project.case_documents(case.id)] == ["1", "3", "None"]


def test_quote_is_the_text_between_the_offsets(sample_project: Project) -> None:
    quotes = {c.id: sample_project.quote(c) for c in sample_project.codings}
    assert quotes[ids("coding:c5")] == "😀"
    assert quotes[ids("coding:c6")] == "研修"
    assert quotes[ids("coding:c1")] == "The training was short."
    assert quotes[ids("coding:picture")] == ""


# -- removal ----------------------------------------------------------------------------------


def test_removing_a_document_removes_its_codings_and_references(sample_project: Project) -> None:
    p = sample_project
    interview = ids("doc:pn1-w1")
    its_codings = set(expected(p, lambda c: c.document_id == interview))
    assert its_codings
    removed = p.remove(interview)
    assert removed.id == interview
    assert interview not in p.documents
    assert not its_codings & set(p.codings.ids())
    assert all(interview not in s.member_ids for s in p.sets)
    assert all(interview not in (link.origin_id, link.target_id) for link in p.links)
    assert ids("link:2") not in p.links
    # the coding the case pointed at was in the interview
    assert p.cases[ids("case:pn1")].coding_ids == ()
    memo = p.memos[ids("memo:training")]
    assert ids("coding:c1") not in memo.target_ids and ids("code:training") in memo.target_ids
    assert p.check() == []


def test_removing_a_code_removes_subcodes_and_their_codings(sample_project: Project) -> None:
    p = sample_project
    work = ids("code:work")
    subtree = {work} | {c.id for c in p.descendants(work)}
    p.remove(work)
    assert not subtree & set(p.codes.ids())
    assert all(c.code_id not in subtree for c in p.codings)
    assert all(not subtree & set(t.code_ids) for t in p.themes)
    assert all(not subtree & set(s.member_ids) for s in p.sets)
    assert ids("link:1") not in p.links
    assert p.check() == []
    assert len(p.codes) == 2


def test_removing_a_case_or_a_parent_theme_keeps_the_rest(sample_project: Project) -> None:
    p = sample_project
    pn1 = ids("case:pn1")
    p.remove(pn1)
    assert all(d.case_id != pn1 for d in p.documents)
    assert ids("doc:pn1-w1") in p.documents
    p.remove(ids("theme:becoming"))
    assert p.themes[ids("theme:learning")].parent_id is None


def test_removing_a_coding_updates_case_and_memos(sample_project: Project) -> None:
    p = sample_project
    p.remove(ids("coding:c3"))
    assert p.cases[ids("case:pn1")].coding_ids == ()
    count = len(p.codings)
    p.remove(ids("memo:training"))
    assert len(p.codings) == count
    assert ids("link:2") not in p.links


# -- bulk addition ----------------------------------------------------------------------------


def bulk(n: int, document: Document, code: Code) -> list[Coding]:
    size = len(document.text)
    return [
        Coding(id=new_id(), document_id=document.id, code_id=code.id, start=i % size, end=size)
        for i in range(n)
    ]


def test_add_codings_at_100k_is_correct() -> None:
    project = Project()
    document = project.add_document(Document(id=new_id(), name="d", text="x" * 997))
    code = project.add_code(Code(id=new_id(), name="c"))
    codings = bulk(100_000, document, code)
    assert project.add_codings(iter(codings)) == 100_000
    assert project.codings.ids() == [c.id for c in codings]
    assert project.codings[codings[-1].id] is codings[-1]
    assert len(project.find_codings(code_id=code.id)) == 100_000


def test_add_codings_stops_at_the_first_bad_one() -> None:
    project = Project()
    document = project.add_document(Document(id=new_id(), name="d", text="abc"))
    code = project.add_code(Code(id=new_id(), name="c"))
    good = bulk(3, document, code)
    bad = attrs.evolve(good[1], id=new_id(), end=99)
    from qualcode.errors import SpanError

    with pytest.raises(SpanError):
        project.add_codings([good[0], bad, good[2]])
    assert project.codings.ids() == [good[0].id]


def count_calls(action: Callable[[], object]) -> int:
    """How many Python and C function calls ``action`` makes (a measure of work, not time)."""
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def test_add_codings_work_grows_linearly() -> None:
    """Adding 2n codings costs twice adding n, and the same however many the project holds."""

    def work(n: int, existing: int) -> int:
        project = Project()
        document = project.add_document(Document(id=new_id(), name="d", text="x" * 50))
        code = project.add_code(Code(id=new_id(), name="c"))
        project.add_codings(bulk(existing, document, code))
        batch = bulk(n, document, code)
        return count_calls(lambda: project.add_codings(batch))

    small, large = work(1_000, 0), work(2_000, 0)
    assert large / small == pytest.approx(2.0, rel=0.05)
    assert work(1_000, 50_000) == pytest.approx(small, rel=0.05)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_removing_anything_leaves_a_sound_project(data: st.DataObject) -> None:
    project = data.draw(projects())
    everything = [e.id for name in COLLECTIONS for e in getattr(project, name)]
    if not everything:
        return
    gone = data.draw(st.sampled_from(everything))
    project.remove(gone)
    assert project.find(gone) is None
    assert project.check() == []


def test_removing_a_coder_or_a_variable(sample_project: Project) -> None:
    p = sample_project
    machine = ids("coder:keywords")
    made = set(expected(p, lambda c: c.coder_id == machine))
    assert made
    p.remove(machine)
    assert not made & set(p.codings.ids())
    role = ids("var:role")
    p.remove(role)
    assert all(role not in c.attributes for c in p.cases)
    assert p.cases[ids("case:pn1")].attributes[ids("var:paid")] is True
    assert p.check() == []


def test_removing_an_anchor_document_clears_the_memo_span(sample_project: Project) -> None:
    p = sample_project
    p.remove(ids("doc:pn1-diary"))
    memo = p.memos[ids("memo:anchored")]
    assert (memo.target_ids, memo.start, memo.end) == ((), None, None)
    assert p.check() == []


def test_links_to_removed_links_go_too() -> None:
    from qualcode import Link, Memo, Set

    p = Project()
    a = p.add_code(Code(id=new_id(), name="a"))
    b = p.add_code(Code(id=new_id(), name="b"))
    first = p.add_link(Link(id=new_id(), name="1", origin_id=a.id, target_id=b.id))
    second = p.add_link(Link(id=new_id(), name="2", origin_id=first.id, target_id=a.id))
    memo = p.add_memo(Memo(id=new_id(), name="m", target_ids=(second.id,)))
    group = p.add_set(Set(id=new_id(), name="s", member_ids=(second.id, a.id)))
    p.remove(b.id)
    assert len(p.links) == 0
    assert p.memos[memo.id].target_ids == ()
    assert p.sets[group.id].member_ids == (a.id,)
    assert p.check() == []
