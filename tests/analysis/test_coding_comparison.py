"""NVivo's coding comparison: cells by character, sentence and paragraph; pooling; bad input."""

from __future__ import annotations

import random

import pytest

from qualcode import Code, Coder, Coding, Document, Project, new_id
from qualcode.analysis import coverage
from qualcode.analysis.comparison import Cells, compare_coders
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.spans import merged, overlap, touched_units
from qualcode.errors import QualcodeError


def project_with(text: str, *documents: str) -> Project:
    project = Project()
    project.add_coder(Coder(id="alice", name="Alice"))
    project.add_coder(Coder(id="bob", name="Bob"))
    project.add_coder(Coder(id="kw", name="keywords", machine=True))
    project.add_code(Code(id="c1", name="Support"))
    project.add_code(Code(id="c2", name="Stress"))
    project.add_document(Document(id="d1", name="PN1_T1", text=text))
    for number, other in enumerate(documents, start=2):
        project.add_document(Document(id=f"d{number}", name=f"doc {number}", text=other))
    return project


def code(project: Project, coder: str, code_id: str, start: int, end: int, doc: str = "d1") -> None:
    project.add_coding(Coding(new_id(), doc, code_id, start, end, coder_id=coder))


def test_nvivo_help_example_gives_85_percent() -> None:
    # 1,000 characters: 50 coded by both, 150 by one only, 800 by neither.
    project = project_with("x" * 1000)
    code(project, "alice", "c1", 0, 100)
    code(project, "bob", "c1", 50, 200)
    comparison = compare_coders(project, "Alice", "Bob")
    (row,) = comparison.rows
    assert row.cells == Cells(both=50, first_only=50, second_only=100, neither=800)
    assert row.cells.agreement == pytest.approx(0.85)
    chance = 0.1 * 0.15 + 0.9 * 0.85
    assert row.cells.kappa == pytest.approx((0.85 - chance) / (1 - chance))


def test_overlapping_codings_of_one_side_count_once(sweep: str) -> None:
    project = project_with("y" * 100)
    code(project, "alice", "c1", 0, 30)
    code(project, "alice", "c1", 20, 50)  # overlaps the first: 50 characters in all
    code(project, "bob", "c1", 40, 60)
    comparison = compare_coders(project, "alice", "bob")
    (row,) = comparison.rows
    assert row.cells == Cells(both=10, first_only=40, second_only=10, neither=40)
    assert comparison.notes == (
        "Alice: 1 overlapping or touching codings of one code were merged first, "
        "so each character counts once",
    )


def test_pooling_adds_counts_and_never_averages_kappas() -> None:
    project = project_with("a" * 100, "b" * 300)
    code(project, "alice", "c1", 0, 50)
    code(project, "bob", "c1", 0, 50)  # d1: perfect agreement
    code(project, "alice", "c1", 0, 100, doc="d2")
    code(project, "bob", "c1", 200, 300, doc="d2")  # d2: no shared character
    comparison = compare_coders(project, "Alice", "Bob")
    (code_row,) = comparison.by_code()
    assert code_row.cells == Cells(both=50, first_only=100, second_only=100, neither=150)
    assert code_row.cells == comparison.pooled()
    kappas = [row.cells.kappa for row in comparison.rows]
    assert code_row.cells.kappa != pytest.approx(sum(kappas) / 2)


def test_a_code_only_one_side_used_is_compared_in_every_document() -> None:
    project = project_with("z" * 40, "w" * 60)
    code(project, "alice", "c1", 0, 10)
    code(project, "bob", "c1", 0, 10)
    code(project, "alice", "c2", 0, 20)  # Bob never used c2
    code(project, "alice", "c1", 0, 5, doc="d2")
    code(project, "bob", "c1", 0, 5, doc="d2")
    comparison = compare_coders(project, "Alice", "Bob")
    cells = {(r.code_id, r.document_id): r.cells for r in comparison.rows}
    assert cells["c2", "d1"] == Cells(0, 20, 0, 20)
    assert cells["c2", "d2"] == Cells(0, 0, 0, 60)


def test_nobody_coding_a_code_in_a_document_is_complete_agreement_by_nvivo_rule() -> None:
    cells = Cells(neither=500)
    assert cells.agreement == 1.0
    assert cells.chance_complete
    assert cells.kappa == 1.0
    assert not Cells(1, 0, 0, 9).chance_complete


def test_sentences_are_marked_by_any_coded_character() -> None:
    text = "One sentence here. Two is next. Three ends it."
    project = project_with(text)
    code(project, "alice", "c1", 0, 3)  # in sentence 1
    code(project, "bob", "c1", 2, 25)  # sentences 1 and 2
    (row,) = compare_coders(project, "Alice", "Bob", unit="sentence").rows
    assert row.cells == Cells(both=1, first_only=0, second_only=1, neither=1)


def test_paragraphs_follow_the_source_layout_or_the_lines() -> None:
    text = "First paragraph.\nSecond paragraph.\n\nThird one."
    project = project_with(text)
    code(project, "alice", "c1", text.index("Second"), text.index("Second") + 3)
    code(project, "bob", "c1", text.index("Third"), len(text))
    (row,) = compare_coders(project, "Alice", "Bob", unit="paragraph").rows
    assert row.cells == Cells(both=0, first_only=1, second_only=1, neither=1)


def test_groups_of_coders_and_a_machine_coder() -> None:
    project = project_with("q" * 100)
    project.add_coder(Coder(id="carol", name="Carol"))
    code(project, "alice", "c1", 0, 10)
    code(project, "carol", "c1", 90, 100)
    code(project, "kw", "c1", 0, 100)
    comparison = compare_coders(project, ["Alice", "Carol"], "keywords")
    (row,) = comparison.rows
    assert row.cells == Cells(both=20, first_only=0, second_only=80, neither=0)
    table = comparison.to_table()
    assert table.columns[0] == "code"
    assert table.column("agreement %") == [20.0]
    assert "Alice, Carol and keywords" in table.title


def test_unknown_coders_are_named_with_the_known_ones() -> None:
    project = project_with("text")
    code(project, "alice", "c1", 0, 2)
    with pytest.raises(
        AnalysisInputError, match="no coder 'Zed'; its coders: Alice, Bob, keywords"
    ):
        compare_coders(project, "Alice", "Zed")
    with pytest.raises(KeyError):
        compare_coders(project, "Alice", "Zed")


def test_a_coder_without_codings_and_one_on_both_sides_are_errors() -> None:
    project = project_with("text")
    code(project, "alice", "c1", 0, 2)
    with pytest.raises(QualcodeError, match="Bob coded no text"):
        compare_coders(project, "Alice", "Bob")
    with pytest.raises(QualcodeError, match="cannot be on both sides: Alice"):
        compare_coders(project, "Alice", ["Bob", "alice"])
    with pytest.raises(ValueError, match="unit must be one of"):
        compare_coders(project, "Alice", "Bob", unit="word")  # type: ignore[arg-type]


def per_character(
    project: Project, first: set[str], second: set[str]
) -> dict[tuple[str, str], Cells]:
    """The per-character way (sets of positions per coder and code), as an oracle."""
    result: dict[tuple[str, str], Cells] = {}
    for document in project.documents:
        for code_ in project.codes:
            a = {
                i
                for c in project.codings
                if c.document_id == document.id and c.code_id == code_.id and c.coder_id in first
                for i in range(c.start, c.end)
            }
            b = {
                i
                for c in project.codings
                if c.document_id == document.id and c.code_id == code_.id and c.coder_id in second
                for i in range(c.start, c.end)
            }
            n = len(document.text)
            result[code_.id, document.id] = Cells(
                len(a & b), len(a - b), len(b - a), n - len(a | b)
            )
    return result


@pytest.fixture(params=["numpy", "python"])
def sweep(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both sweeps: NumPy's bulk one (where installed) and the Python one."""
    if request.param == "numpy":
        pytest.importorskip("numpy")
    else:
        monkeypatch.setattr(coverage, "_numpy", lambda: None)
    return str(request.param)


@pytest.mark.parametrize("seed", range(40))
def test_the_sweep_equals_the_per_character_count(seed: int, sweep: str) -> None:
    rng = random.Random(seed)
    project = project_with("t" * rng.randint(1, 200), "u" * rng.randint(1, 200))
    for _ in range(rng.randint(2, 25)):
        doc = rng.choice(["d1", "d2"])
        length = len(project.documents[doc].text)
        start = rng.randrange(length)
        end = rng.randint(start, length)
        code(project, rng.choice(["alice", "bob"]), rng.choice(["c1", "c2"]), start, end, doc)
    try:
        comparison = compare_coders(
            project, "Alice", "Bob", documents=["d1", "d2"], codes=["c1", "c2"]
        )
    except AnalysisInputError:
        return  # one side coded no text: nothing to compare
    oracle = per_character(project, {"alice"}, {"bob"})
    for row in comparison.rows:
        assert row.cells == oracle[row.code_id, row.document_id]


def test_span_helpers() -> None:
    assert merged([(5, 7), (0, 2), (1, 3), (3, 4), (9, 9)]) == [(0, 4), (5, 7)]
    assert overlap([(0, 4), (6, 10)], [(2, 8)]) == 4
    assert touched_units([(0, 5), (5, 10), (10, 15)], [(4, 6)]) == [True, True, False]
    assert touched_units([(0, 5), (5, 10)], [(10, 12)]) == [False, False]
