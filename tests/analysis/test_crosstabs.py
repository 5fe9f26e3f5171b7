"""Crosstabs by case, time point and attribute; co-occurrence; the case timeline."""

from __future__ import annotations

import random

import pytest

from qualcode import Case, Code, Coder, Coding, Document, Project, Theme, Variable, new_id
from qualcode.analysis.crosstabs import case_timeline, cooccurrence, crosstab
from qualcode.analysis.names import AnalysisInputError

TEXT = "We met weekly. Support helped. I was tired. Training was late. Fine."


def study() -> Project:
    p = Project()
    p.add_coder(Coder(id="alice", name="Alice"))
    p.add_coder(Coder(id="bob", name="Bob"))
    p.add_variable(Variable(id="v-role", name="role"))
    p.add_case(Case(id="pn1", name="PN1", attributes={"v-role": "peer"}))
    p.add_case(Case(id="pn2", name="PN2", attributes={"v-role": "lead"}))
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="emo", name="Emotional", parent_id="sup"))
    p.add_code(Code(id="str", name="Stress"))
    p.add_theme(Theme(id="t1", name="Being held", code_ids=("sup", "emo")))
    for case in ("pn1", "pn2"):
        for wave in (1, 2, 10):
            p.add_document(
                Document(
                    id=f"{case}-{wave}",
                    name=f"{case}_T{wave}",
                    text=TEXT,
                    case_id=case,
                    time_point=wave,
                )
            )
    return p


def code(p: Project, doc: str, code_id: str, start: int, end: int, coder: str = "alice") -> None:
    p.add_coding(Coding(new_id(), doc, code_id, start, end, coder_id=coder))


def test_codes_by_case_count_presence_and_characters() -> None:
    p = study()
    code(p, "pn1-1", "sup", 15, 30)
    code(p, "pn1-2", "sup", 0, 5)
    code(p, "pn2-1", "str", 31, 43)
    table = crosstab(p, rows="case")
    assert table.columns == ("case", "Support", "Support/Emotional", "Stress")
    assert table.rows == (("PN1", 2, 0, 0), ("PN2", 0, 0, 1))
    presence = crosstab(p, rows="case", value="presence")
    assert presence.rows == (("PN1", 1, 0, 0), ("PN2", 0, 0, 1))
    chars = crosstab(p, rows="case", value="characters")
    assert chars.rows == (("PN1", 20, 0, 0), ("PN2", 0, 0, 12))


def test_time_points_sort_naturally_and_case_by_time() -> None:
    p = study()
    code(p, "pn1-10", "sup", 0, 5)
    code(p, "pn1-2", "sup", 0, 5)
    assert crosstab(p, rows="time").column("time") == ["T1", "T2", "T10"]
    table = crosstab(p, rows="case-time")
    assert table.column("case-time")[:3] == ["PN1 / T1", "PN1 / T2", "PN1 / T10"]
    assert (
        dict(zip(table.column("case-time"), table.column("Support"), strict=True))["PN1 / T10"] == 1
    )


def test_rows_by_a_case_attribute_and_columns_by_theme() -> None:
    p = study()
    code(p, "pn1-1", "emo", 0, 5)
    code(p, "pn2-1", "sup", 0, 5)
    code(p, "pn2-2", "str", 0, 5)
    table = crosstab(p, rows="role", cols="theme")
    assert table.columns == ("role", "Being held")
    assert table.rows == (("peer", 1), ("lead", 1))
    with pytest.raises(AnalysisInputError, match="no attribute 'age'; its attributes: role"):
        crosstab(p, rows="age")


def test_only_some_coders() -> None:
    p = study()
    code(p, "pn1-1", "sup", 0, 5, coder="alice")
    code(p, "pn1-1", "sup", 6, 9, coder="bob")
    assert crosstab(p, coders="Bob").rows[0] == ("PN1", 1, 0, 0)
    with pytest.raises(AnalysisInputError, match="no coder 'Eve'"):
        crosstab(p, coders="Eve")


def test_cooccurrence_by_overlap_sentence_and_document() -> None:
    p = study()
    code(p, "pn1-1", "sup", 15, 30)  # "Support helped."
    code(p, "pn1-1", "str", 25, 43)  # overlaps it by 5 characters
    code(p, "pn1-2", "sup", 0, 5)
    code(p, "pn1-2", "str", 44, 50)  # same document, other sentence
    overlap = cooccurrence(p, scope="overlap")
    assert overlap.rows == (("Stress", "Support", 1, round(5 / (20 + 24 - 5), 4)),)
    sentence = cooccurrence(p, scope="sentence")
    assert sentence.rows[0][:3] == ("Stress", "Support", 1)
    document = cooccurrence(p, scope="document")
    assert document.rows == (("Stress", "Support", 2, 1.0),)


def test_overlap_count_equals_a_brute_force_count() -> None:
    rng = random.Random(5)
    p = study()
    codings = []
    for _ in range(200):
        start = rng.randrange(len(TEXT))
        end = rng.randint(start + 1, len(TEXT))
        code_id = rng.choice(["sup", "emo", "str"])
        code(p, "pn1-1", code_id, start, end)
        codings.append((code_id, start, end))
    brute: dict[tuple[str, str], int] = {}
    for i, (a, s1, e1) in enumerate(codings):
        for b, s2, e2 in codings[i + 1 :]:
            if a != b and min(e1, e2) > max(s1, s2):
                key = tuple(sorted((a, b)))
                brute[key] = brute.get(key, 0) + 1  # type: ignore[index]
    names = {"sup": "Support", "emo": "Support/Emotional", "str": "Stress"}
    found = {
        tuple(sorted((row[0], row[1]))): row[2] for row in cooccurrence(p, scope="overlap").rows
    }
    expected = {tuple(sorted((names[a], names[b]))): n for (a, b), n in brute.items()}
    assert found == expected


def test_case_timeline() -> None:
    p = study()
    code(p, "pn1-1", "sup", 0, 5)
    code(p, "pn1-10", "sup", 0, 5)
    code(p, "pn1-10", "sup", 6, 9)
    code(p, "pn2-2", "str", 0, 5)
    table = case_timeline(p)
    assert table.columns == ("case", "code", "T1", "T2", "T10")
    assert table.rows == (("PN1", "Support", 1, 0, 2), ("PN2", "Stress", 0, 1, 0))


def test_an_empty_project_gives_empty_tables() -> None:
    p = Project()
    assert len(crosstab(p)) == 0
    assert len(cooccurrence(p)) == 0
    assert len(case_timeline(p)) == 0
