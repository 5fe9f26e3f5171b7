"""The shortcuts taken for speed give the same results as the general paths: texts of ASCII
characters only, coding ids made in bulk, and the context finder's per-unit function."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.model import Code, Document
from qualcode.project import Project
from qualcode.strategies.base import SerialRunner
from qualcode.strategies.keywords import KeywordsStrategy, parse_rules
from qualcode.strategies.keywords.context import ContextFinder
from qualcode.strategies.keywords.matcher import Entry, Matcher
from qualcode.strategies.keywords.strategy import NAMESPACE, CodingIds

# a full stop stops every wildcard and space of a term; the rest makes the text non-ASCII and
# holds a letter of a script written without spaces
NON_ASCII_TAIL = ".caf\u00e9 \u57f9\u8bad"


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(
        st.text(alphabet="ab*? ", min_size=1, max_size=5).filter(
            lambda t: t.strip() and t.replace("*", "").replace("?", "").strip()
        ),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    text=st.text(alphabet="abAB .,\n_1-", max_size=60),
    whole_word=st.booleans(),
    case_sensitive=st.booleans(),
)
def test_ascii_texts_give_the_hits_of_the_general_expression(
    terms: list[str], text: str, whole_word: bool, case_sensitive: bool
) -> None:
    entries = [
        Entry(kind="term", pattern=t, whole_word=whole_word, case_sensitive=case_sensitive)
        for t in terms
    ]
    matcher = Matcher(entries)
    assert text.isascii() and not (text + NON_ASCII_TAIL).isascii()
    general = [hit for hit in matcher.find(text + NON_ASCII_TAIL) if hit[1] <= len(text)]
    assert matcher.find(text) == general


def test_a_word_ends_before_a_letter_of_a_spaceless_script_but_not_before_a_latin_one() -> None:
    matcher = Matcher([Entry(kind="term", pattern="train*"), Entry(kind="term", pattern="team")])
    # "team" ends before a Chinese character (general path); a wildcard takes such letters
    assert matcher.find("team\u57f9\u8bad trainings") == [(0, 4, 1), (7, 16, 0)]
    assert matcher.find("training\u57f9\u8bad team") == [(0, 10, 0), (11, 15, 1)]
    # in ASCII text only a letter, digit or underscore continues a word
    assert matcher.find("training, teams team_ team1 team") == [(0, 8, 0), (28, 32, 1)]


def test_ascii_and_non_ascii_documents_are_coded_alike() -> None:
    text = "We trained the team. The culture was open!\nTraining (again) for the team? Yes."
    project = Project(name="fast paths")
    project.add_code(Code(id="code-1", name="Training"))
    project.add_code(Code(id="code-2", name="Culture"))
    project.add_document(Document(id="doc-1", name="ascii", text=text))
    project.add_document(Document(id="doc-2", name="accented", text=text + " Caf\u00e9 team."))
    rules = parse_rules(
        '[[rule]]\ncode = "Training"\nterms = ["train*"]\n\n'
        '[[rule]]\ncode = "Culture"\nterms = ["culture", "team"]\n'
    )
    result = KeywordsStrategy().run(project, SerialRunner(), rules=rules)
    spans = {
        document: [
            (c.code_id, c.start, c.end, c.provenance.rule)
            for c in result.codings
            if c.document_id == document
        ]
        for document in ("doc-1", "doc-2")
    }
    assert spans["doc-1"]
    assert spans["doc-2"][: len(spans["doc-1"])] == spans["doc-1"]
    assert [(code, text[s:e]) for code, s, e, _ in spans["doc-1"]] == [
        ("code-1", "We trained the team."),
        ("code-2", "We trained the team."),
        ("code-2", "The culture was open!"),
        ("code-1", "Training (again) for the team?"),
        ("code-2", "Training (again) for the team?"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    coder=st.text(max_size=12),
    document=st.text(max_size=12),
    codes=st.lists(st.text(max_size=12), min_size=1, max_size=4),
    spans=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9)), max_size=6),
)
def test_coding_ids_in_bulk_are_the_version_5_uuids_of_what_they_code(
    coder: str, document: str, codes: list[str], spans: list[tuple[int, int]]
) -> None:
    ids = CodingIds(coder, document)
    for code in codes:
        for start, end in spans:
            expected = uuid.uuid5(NAMESPACE, f"{coder}|{document}|{code}|{start}|{end}")
            assert ids(code, start, end) == str(expected)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab .!?\n\u3002\u201d", min_size=1, max_size=80),
    unit=st.sampled_from(["hit", "words", "sentence", "paragraph", "document"]),
    data=st.data(),
)
def test_the_per_unit_function_finds_what_span_finds(
    text: str, unit: str, data: st.DataObject
) -> None:
    hits = data.draw(
        st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(0, 12)), max_size=6)
    )
    hits = sorted((start, min(len(text), start + size)) for start, size in hits)
    one, other = ContextFinder(text, unit), ContextFinder(text, unit)
    spanner = other.spanner()
    assert [one.span(s, e) for s, e in hits] == [spanner(s, e) for s, e in hits]
