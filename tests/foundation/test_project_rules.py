"""The integrity rules of the Project aggregate: every error names what is wrong."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from qualcode import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Link,
    Memo,
    Project,
    Set,
    Theme,
    Variable,
    VariableType,
    new_id,
)
from qualcode.errors import (
    CycleError,
    DuplicateIdError,
    IntegrityError,
    MissingReferenceError,
    QualcodeError,
    SpanError,
    ValueTypeError,
)
from qualcode.model import FrozenMap, Provenance, ProvenanceMethod, canonical_id, value_matches
from qualcode.strategies.base import StrategyResult


def small() -> tuple[Project, Document, Code]:
    project = Project()
    document = project.add_document(Document(id=new_id(), name="d", text="hello world"))
    code = project.add_code(Code(id=new_id(), name="c"))
    return project, document, code


def coding(document: Document, code: Code, start: int = 0, end: int = 5, **kw: object) -> Coding:
    return Coding(id=new_id(), document_id=document.id, code_id=code.id, start=start, end=end, **kw)  # type: ignore[arg-type]


def test_errors_are_qualcode_errors() -> None:
    for cls in (CycleError, DuplicateIdError, MissingReferenceError, SpanError, ValueTypeError):
        assert issubclass(cls, IntegrityError)
        assert issubclass(cls, QualcodeError)


def test_ids_are_canonical() -> None:
    raw = "{6F1D3C2E-9A4B-4C1E-8D7F-0A5B3C2D1E0F}"
    assert canonical_id(raw) == "6f1d3c2e-9a4b-4c1e-8d7f-0a5b3c2d1e0f"
    assert Code(id=raw, name="x").id == "6f1d3c2e-9a4b-4c1e-8d7f-0a5b3c2d1e0f"


# -- missing references -----------------------------------------------------------------------


def test_coding_needs_its_document_code_and_coder() -> None:
    project, document, code = small()
    with pytest.raises(MissingReferenceError, match="document"):
        project.add_coding(attrs.evolve(coding(document, code), document_id=new_id()))
    with pytest.raises(MissingReferenceError, match="code"):
        project.add_coding(attrs.evolve(coding(document, code), code_id=new_id()))
    with pytest.raises(MissingReferenceError, match="coder"):
        project.add_coding(coding(document, code, coder_id=new_id()))
    assert len(project.codings) == 0


def test_every_reference_is_checked() -> None:
    project, _, code = small()
    missing = new_id()
    attempts = [
        lambda: project.add_code(Code(id=new_id(), name="x", parent_id=missing)),
        lambda: project.add_theme(Theme(id=new_id(), name="t", code_ids=(missing,))),
        lambda: project.add_theme(Theme(id=new_id(), name="t", parent_id=missing)),
        lambda: project.add_case(Case(id=new_id(), name="k", code_ids=(missing,))),
        lambda: project.add_case(Case(id=new_id(), name="k", coding_ids=(missing,))),
        lambda: project.add_case(Case(id=new_id(), name="k", attributes={missing: "x"})),
        lambda: project.add_document(Document(id=new_id(), name="d", case_id=missing)),
        lambda: project.add_document(Document(id=new_id(), name="d", attributes={missing: 1})),
        lambda: project.add_memo(Memo(id=new_id(), name="m", target_ids=(missing,))),
        lambda: project.add_set(Set(id=new_id(), name="s", member_ids=(missing,))),
        lambda: project.add_link(Link(id=new_id(), name="l", origin_id=code.id, target_id=missing)),
        lambda: project.add_link(Link(id=new_id(), name="l", origin_id=missing, target_id=code.id)),
    ]
    before = project.counts()
    for attempt in attempts:
        with pytest.raises(MissingReferenceError) as caught:
            attempt()
        assert missing in str(caught.value)
    assert project.counts() == before


def test_lookup_of_a_missing_id_is_a_clear_error() -> None:
    project, _, _ = small()
    missing = new_id()
    with pytest.raises(MissingReferenceError, match=f"no document with id {missing}"):
        project.documents[missing]
    assert project.documents.get(missing) is None
    assert project.documents.get(None) is None
    with pytest.raises(MissingReferenceError):
        project.remove(missing)


# -- spans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 2), (0, 12), (12, 12), (11, 12)])
def test_span_outside_document_is_refused(start: int, end: int) -> None:
    project, document, code = small()
    with pytest.raises(SpanError) as caught:
        project.add_coding(coding(document, code, start, end))
    assert f"{start}..{end}" in str(caught.value)
    assert "'d'" in str(caught.value)


@pytest.mark.parametrize(("start", "end"), [(0, 0), (0, 11), (11, 11), (6, 11)])
def test_span_inside_or_at_the_edges_is_fine(start: int, end: int) -> None:
    project, document, code = small()
    added = project.add_coding(coding(document, code, start, end))
    assert project.quote(added) == "hello world"[start:end]


def test_replacing_text_too_short_for_its_codings_is_refused() -> None:
    project, document, code = small()
    project.add_coding(coding(document, code, 6, 11))
    with pytest.raises(SpanError, match="too short"):
        project.add_document(attrs.evolve(document, text="hello"), replace=True)
    project.add_document(attrs.evolve(document, text="HELLO WORLD!"), replace=True)
    assert project.documents[document.id].text == "HELLO WORLD!"


def test_memo_spans() -> None:
    project, document, _ = small()
    other = project.add_document(Document(id=new_id(), name="e", text="abc"))
    with pytest.raises(SpanError, match="start without an end"):
        project.add_memo(Memo(id=new_id(), name="m", target_ids=(document.id,), start=1))
    with pytest.raises(SpanError, match="exactly one document"):
        project.add_memo(
            Memo(id=new_id(), name="m", target_ids=(document.id, other.id), start=0, end=1)
        )
    with pytest.raises(SpanError, match="outside"):
        project.add_memo(Memo(id=new_id(), name="m", target_ids=(other.id,), start=0, end=4))
    memo = project.add_memo(Memo(id=new_id(), name="m", target_ids=(other.id,), start=0, end=3))
    assert project.memos[memo.id] == memo


# -- cycles -----------------------------------------------------------------------------------


def test_code_cycles_are_refused() -> None:
    project = Project()
    a = project.add_code(Code(id=new_id(), name="a"))
    b = project.add_code(Code(id=new_id(), name="b", parent_id=a.id))
    c = project.add_code(Code(id=new_id(), name="c", parent_id=b.id))
    with pytest.raises(CycleError, match="cycle"):
        project.add_code(attrs.evolve(a, parent_id=c.id), replace=True)
    with pytest.raises(CycleError):
        project.add_code(attrs.evolve(a, parent_id=a.id), replace=True)
    assert project.codes[a.id].parent_id is None
    # moving a subtree elsewhere is fine
    d = project.add_code(Code(id=new_id(), name="d"))
    project.add_code(attrs.evolve(b, parent_id=d.id), replace=True)
    assert project.code_path(c.id) == ("d", "b", "c")


def test_theme_cycles_are_refused() -> None:
    project = Project()
    a = project.add_theme(Theme(id=new_id(), name="a"))
    b = project.add_theme(Theme(id=new_id(), name="b", parent_id=a.id))
    with pytest.raises(CycleError):
        project.add_theme(attrs.evolve(a, parent_id=b.id), replace=True)
    with pytest.raises(CycleError):
        project.add_theme(attrs.evolve(a, parent_id=a.id), replace=True)


# -- duplicate ids ----------------------------------------------------------------------------


def test_ids_are_unique_across_kinds() -> None:
    project, document, code = small()
    with pytest.raises(DuplicateIdError) as caught:
        project.add_code(Code(id=document.id, name="same id as a document"))
    assert caught.value.guid == document.id
    with pytest.raises(DuplicateIdError):
        project.add_document(attrs.evolve(document, name="again"))
    existing = project.add_coding(coding(document, code))
    with pytest.raises(DuplicateIdError):
        project.add_codings([coding(document, code), existing])
    with pytest.raises(DuplicateIdError):
        project.add_codings([attrs.evolve(existing, id=code.id)])
    with pytest.raises(DuplicateIdError):
        project.add_coder(Coder(id=code.id, name="x"))


def test_replace_needs_an_existing_entity() -> None:
    project, _, _ = small()
    with pytest.raises(MissingReferenceError, match="cannot replace"):
        project.add_code(Code(id=new_id(), name="new"), replace=True)


def test_add_dispatches_on_the_kind() -> None:
    project, document, code = small()
    coder = Coder(id=new_id(), name="x")
    assert project.add(coder) is coder
    assert coder.id in project.coders
    added = project.add(coding(document, code))
    assert added.id in project.codings


# -- value types ------------------------------------------------------------------------------

GOOD: dict[VariableType, list[object]] = {
    VariableType.TEXT: ["", "x"],
    VariableType.BOOLEAN: [True, False],
    VariableType.INTEGER: [0, -3, 10**20],
    VariableType.FLOAT: [1.5, 2],
    VariableType.DATE: [dt.date(2024, 1, 2)],
    VariableType.DATETIME: [dt.datetime(2024, 1, 2, 3, 4), dt.datetime(2024, 1, 2, tzinfo=dt.UTC)],
}
BAD: dict[VariableType, list[object]] = {
    VariableType.TEXT: [1, True, dt.date(2024, 1, 1)],
    VariableType.BOOLEAN: [1, "true", 0],
    VariableType.INTEGER: [True, 1.0, "1"],
    VariableType.FLOAT: [False, "1.5"],
    VariableType.DATE: [dt.datetime(2024, 1, 2), "2024-01-02"],
    VariableType.DATETIME: [dt.date(2024, 1, 2), "2024-01-02T00:00"],
}


@pytest.mark.parametrize("kind", list(VariableType))
def test_values_must_fit_their_variable(kind: VariableType) -> None:
    project = Project()
    variable = project.add_variable(Variable(id=new_id(), name="v", type=kind))
    for value in GOOD[kind]:
        assert value_matches(kind, value)  # type: ignore[arg-type]
        project.add_case(Case(id=new_id(), name="ok", attributes={variable.id: value}))
    for value in BAD[kind]:
        assert not value_matches(kind, value)  # type: ignore[arg-type]
        with pytest.raises(ValueTypeError, match=f"type {kind.value}"):
            project.add_case(Case(id=new_id(), name="bad", attributes={variable.id: value}))
        with pytest.raises(ValueTypeError):
            project.add_document(Document(id=new_id(), name="bad", attributes={variable.id: value}))
    assert len(project.cases) == len(GOOD[kind])


# -- the model's own small rules --------------------------------------------------------------


def test_entities_are_frozen_and_hashable() -> None:
    case = Case(id=new_id(), name="k", attributes={"a": [1, {"b": 2}]}, code_ids=["x"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        case.name = "other"  # type: ignore[misc]
    assert isinstance(case.attributes, FrozenMap)
    assert case.attributes["a"] == (1, FrozenMap({"b": 2}))
    assert case.code_ids == ("x",)
    assert hash(case) == hash(attrs.evolve(case))
    assert len({case, attrs.evolve(case)}) == 1


def test_frozen_map_behaves_like_a_read_only_mapping() -> None:
    frozen = FrozenMap({"a": 1})
    assert frozen == {"a": 1}
    assert frozen != {"a": 2}
    assert frozen.__eq__(3) is NotImplemented
    assert list(frozen) == ["a"] and len(frozen) == 1
    assert "FrozenMap" in repr(frozen)
    with pytest.raises(TypeError):
        frozen["b"] = 2  # type: ignore[index]


def test_check_finds_problems_in_a_broken_project() -> None:
    project, document, code = small()
    project.add_coding(coding(document, code, 0, 5))
    assert project.check() == []
    # break the project behind the aggregate's back, as a buggy importer might
    project._codes[new_id()] = Code(id=new_id(), name="orphan", parent_id=new_id())
    a, b = new_id(), new_id()
    project._codes[a] = Code(id=a, name="a", parent_id=b)
    project._codes[b] = Code(id=b, name="b", parent_id=a)
    bad = coding(document, code, 0, 50)
    project._codings[bad.id] = bad
    kinds = sorted(type(p).__name__ for p in project.check())
    assert kinds == ["CycleError", "CycleError", "MissingReferenceError", "SpanError"]


def test_check_covers_every_kind_of_reference() -> None:
    """``check`` re-finds what the ``add_*`` methods refuse, for every kind of entity."""
    project, document, code = small()
    missing = new_id()
    broken = [
        Theme(id=new_id(), name="t", code_ids=(missing,)),
        Theme(id=new_id(), name="t2", parent_id=missing),
        Case(id=new_id(), name="k", coding_ids=(missing,)),
        Document(id=new_id(), name="d2", case_id=missing),
        Memo(id=new_id(), name="m", target_ids=(missing,)),
        Memo(id=new_id(), name="m2", target_ids=(document.id,), start=0, end=99),
        Set(id=new_id(), name="s", member_ids=(missing,)),
        Link(id=new_id(), name="l", origin_id=code.id, target_id=missing),
        coding(document, code, coder_id=missing),
    ]
    tables = {
        Theme: project._themes,
        Case: project._cases,
        Document: project._documents,
        Memo: project._memos,
        Set: project._sets,
        Link: project._links,
        Coding: project._codings,
    }
    for entity in broken:
        tables[type(entity)][entity.id] = entity  # type: ignore[index]
    problems = project.check()
    assert len(problems) == len(broken)
    assert sum(isinstance(p, SpanError) for p in problems) == 1
    assert sum(missing in str(p) for p in problems) == len(broken) - 1


def test_add_all_allows_forward_references_and_is_all_or_nothing() -> None:
    project = Project()
    child = Code(id=new_id(), name="child", parent_id="later-parent")
    parent = Code(id="later-parent", name="parent")
    group = Set(id=new_id(), name="s", member_ids=("later-memo",))
    memo = Memo(id="later-memo", name="m", target_ids=(child.id,))
    assert project.add_all([child, group, parent, memo]) == 4
    assert project.codes.ids() == [child.id, parent.id]
    assert project.check() == []
    before = project.counts()
    with pytest.raises(MissingReferenceError):
        project.add_all(
            [Code(id=new_id(), name="fine"), Code(id=new_id(), name="x", parent_id="nope")]
        )
    with pytest.raises(CycleError):
        a, b = new_id(), new_id()
        project.add_all([Code(id=a, name="a", parent_id=b), Code(id=b, name="b", parent_id=a)])
    with pytest.raises(DuplicateIdError):
        project.add_all([Code(id=new_id(), name="ok"), Coder(id=parent.id, name="same id")])
    assert project.counts() == before


def test_a_strategy_result_applied_twice_adds_nothing_the_second_time() -> None:
    """A third party's strategy need not skip what an earlier run proposed (the plugin guide's
    example does not): identical codes and codings are left as they are."""
    project = Project(name="twice")
    document = project.add_document(Document(id="doc", name="notes", text="We trained a lot."))
    machine = Coder(id="machine", name="word 1.0", machine=True)
    rule = Provenance(method=ProvenanceMethod.RULE, name="word", version="1.0", rule="trained")
    code = Code(id="code", name="Training")
    coding = Coding("c1", document.id, code.id, 3, 10, machine.id, provenance=rule)
    result = StrategyResult(coder=machine, codes=[code], codings=[coding])

    result.apply_to(project)
    result.apply_to(project)

    assert list(project.codings) == [coding] and list(project.codes) == [code]
    changed = StrategyResult(coder=machine, codings=[attrs.evolve(coding, end=9)])
    with pytest.raises(QualcodeError, match="c1"):
        changed.apply_to(project)
