"""Merging coders' copies (documents matched by text) and splitting for blind coding."""

from __future__ import annotations

from qualcode import Code, Coder, Coding, Document, Memo, Project, new_id
from qualcode.analysis.team import NO_CODER, merge_coders_work, split_by_coder

TEXT = "My manager listened. Training came late."


def copy_for(coder: str, *, doc_id: str, doc_name: str = "PN1_T1", text: str = TEXT) -> Project:
    """A coder's own export: fresh GUIDs for everything, the same text."""
    p = Project(name="Peer workers")
    p.add_coder(Coder(id=new_id(), name=coder))
    top = p.add_code(Code(id=new_id(), name="Support"))
    p.add_code(Code(id=new_id(), name="Manager", parent_id=top.id))
    p.add_document(Document(id=doc_id, name=doc_name, text=text))
    return p


def code(p: Project, path: tuple[str, ...], start: int, end: int, doc_id: str) -> None:
    found = p.code_by_path(path)
    assert found is not None
    coder = next(iter(p.coders))
    p.add_coding(Coding(new_id(), doc_id, found.id, start, end, coder_id=coder.id))


def test_documents_match_by_text_and_codes_by_path() -> None:
    alice = copy_for("Alice", doc_id=new_id())
    bob = copy_for("Bob", doc_id=new_id(), doc_name="PN1 T1 (renamed)")
    alice_doc = next(iter(alice.documents)).id
    bob_doc = next(iter(bob.documents)).id
    code(alice, ("Support",), 0, 20, alice_doc)
    code(bob, ("Support", "Manager"), 0, 10, bob_doc)
    bob.add_code(Code(id=new_id(), name="Timing"))
    code(bob, ("Timing",), 21, 40, bob_doc)
    result = merge_coders_work(alice, [bob], names=["bob.qdpx"])
    merged = result.project
    assert len(merged.documents) == 1
    assert result.added_codings == 2
    assert result.added_codes == 1
    assert sorted(c.name for c in merged.coders) == ["Alice", "Bob"]
    by_coder = {
        merged.coders[c.coder_id].name: merged.code_path(c.code_id)
        for c in merged.codings
        if c.coder_id
    }
    assert by_coder["Bob"] in {("Support", "Manager"), ("Timing",)}
    assert {c.document_id for c in merged.codings} == {alice_doc}
    assert merged.check() == []
    assert len(alice.codings) == 1  # the base is not changed


def test_nothing_is_merged_silently() -> None:
    alice = copy_for("Alice", doc_id=new_id())
    bob = copy_for("Bob", doc_id=new_id(), text=TEXT + " Edited.")
    stranger = copy_for("Carol", doc_id=new_id(), doc_name="PN9_T1", text="Another text.")
    code(bob, ("Support",), 0, 5, next(iter(bob.documents)).id)
    code(stranger, ("Support",), 0, 5, next(iter(stranger.documents)).id)
    again = copy_for("Alice", doc_id=new_id())
    code(alice, ("Support",), 0, 5, next(iter(alice.documents)).id)
    code(again, ("Support",), 0, 5, next(iter(again.documents)).id)
    result = merge_coders_work(alice, [bob, stranger, again], names=["bob", "carol", "alice2"])
    lines = {(loss.what, loss.where) for loss in result.report.losses}
    assert (
        "documents whose text differs from the base document of the same name; "
        "their codings were not merged",
        "bob: PN1_T1",
    ) in lines
    assert (
        "documents not in the base project; their codings were not merged",
        "carol: PN9_T1",
    ) in lines
    assert ("codings already in the base project, skipped", "alice2") in lines
    assert result.added_codings == 0


def test_split_for_blind_coding() -> None:
    p = copy_for("Alice", doc_id="d1")
    p.add_coder(Coder(id="bob", name="Bob"))
    p.add_coder(Coder(id="kw", name="keywords", machine=True))
    support = p.code_by_path(("Support",))
    assert support is not None
    mine = p.add_coding(Coding(new_id(), "d1", support.id, 0, 5, coder_id=next(iter(p.coders)).id))
    theirs = p.add_coding(Coding(new_id(), "d1", support.id, 6, 9, coder_id="bob"))
    p.add_coding(Coding(new_id(), "d1", support.id, 10, 12, coder_id="kw"))
    p.add_coding(Coding(new_id(), "d1", support.id, 13, 15))
    p.add_memo(Memo(id=new_id(), name="about Bob's", target_ids=(theirs.id,)))
    copies = split_by_coder(p)
    assert list(copies) == ["Alice", "Bob", "keywords", NO_CODER]
    assert [c.id for c in copies["Alice"].codings] == [mine.id]
    assert [c.name for c in copies["Alice"].coders] == ["Alice"]
    assert [c.id for c in copies["Bob"].codings] == [theirs.id]
    assert next(iter(copies["Alice"].memos)).target_ids == ()
    assert len(copies[NO_CODER].codings) == 1
    assert all(copy.check() == [] for copy in copies.values())
    assert len(p.codings) == 4  # the project itself is not changed
