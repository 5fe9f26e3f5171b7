"""A small project in several scripts for the report's tests: English, Chinese, Arabic (right
to left) and emoji; two people and a machine coding; cases across two time points; themes with
a subtheme; and names holding HTML that must come out as text."""

from __future__ import annotations

import pytest

from qualcode import (
    Case,
    Code,
    CodeOrigin,
    Coder,
    Coding,
    Document,
    DocumentKind,
    Project,
    Theme,
    ThemeStatus,
    Variable,
)

ENGLISH = "We met every week. Support helped me a lot. I was tired after the night shifts."
CHINESE = "我们每周见面。同伴支持对我帮助很大。夜班之后我很累。"
ARABIC = "كنا نلتقي كل أسبوع. ساعدني الدعم كثيرا. كنت متعبا بعد نوبات الليل."
EMOJI = "Training was late 😞 but the team 👩‍⚕️ was kind 🎉. </script><b>not bold</b>"


def span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def multiscript_project() -> Project:
    p = Project(name="Peer support 同伴支持 دعم الأقران 🤝", description="Tests of the report.")
    p.add_coder(Coder(id="alice", name="Alice"))
    p.add_coder(Coder(id="bob", name="Bob"))
    p.add_coder(Coder(id="robot", name="keywords 1.0", machine=True))
    p.add_variable(Variable(id="v-role", name="role"))
    p.add_case(Case(id="pn1", name="PN1", attributes={"v-role": "peer"}))
    p.add_case(Case(id="pn2", name="PN2 — 李", attributes={"v-role": "lead"}))
    p.add_code(
        Code(
            id="sup",
            name="Support",
            color="#2a9d8f",
            definition="Help from peers.",
            inclusion="Any help named as such.",
            origin=CodeOrigin.DEDUCTIVE,
        )
    )
    p.add_code(Code(id="emo", name="情感支持", parent_id="sup"))
    p.add_code(Code(id="tired", name="تعب", color="#e76f51"))
    p.add_code(Code(id="train", name="<script>alert('code')</script>"))
    p.add_theme(
        Theme(
            id="t1",
            name="Being held",
            code_ids=("sup", "emo"),
            definition="Feeling supported.",
            status=ThemeStatus.REVIEWED,
        )
    )
    p.add_theme(Theme(id="t2", name="الإرهاق", code_ids=("tired",), parent_id="t1"))
    p.add_theme(Theme(id="t3", name="Learning 🎓", code_ids=("train",)))
    documents = [
        ("en-1", "pn1_T1.txt", ENGLISH, "pn1", 1),
        ("zh-1", "pn2_T1 访谈.txt", CHINESE, "pn2", 1),
        ("ar-2", "pn1_T2 مقابلة.txt", ARABIC, "pn1", 2),
        ("em-2", "pn2_T2.txt", EMOJI, "pn2", 2),
    ]
    for doc_id, name, text, case, time in documents:
        p.add_document(
            Document(
                id=doc_id,
                name=name,
                text=text,
                kind=DocumentKind.INTERVIEW,
                case_id=case,
                time_point=time,
            )
        )
    codings = [
        ("en-1", "sup", "Support helped me a lot.", "alice"),
        ("en-1", "sup", "Support helped me", "bob"),
        ("en-1", "tired", "I was tired after the night shifts.", "alice"),
        ("en-1", "tired", "I was tired", "robot"),
        ("zh-1", "emo", "同伴支持对我帮助很大。", "alice"),
        ("zh-1", "sup", "同伴支持对我帮助很大。", "bob"),
        ("zh-1", "tired", "夜班之后我很累。", "bob"),
        ("ar-2", "tired", "كنت متعبا بعد نوبات الليل.", "alice"),
        ("ar-2", "sup", "ساعدني الدعم كثيرا.", "robot"),
        ("em-2", "train", "Training was late 😞", "alice"),
        ("em-2", "sup", "the team 👩‍⚕️ was kind 🎉", "bob"),
        ("em-2", "train", "</script><b>not bold</b>", "bob"),
    ]
    texts = {doc_id: text for doc_id, _, text, _, _ in documents}
    for number, (doc_id, code_id, fragment, coder) in enumerate(codings):
        start, end = span(texts[doc_id], fragment)
        p.add_coding(Coding(f"c{number}", doc_id, code_id, start, end, coder_id=coder))
    return p


@pytest.fixture
def project() -> Project:
    """The multi-script project (a new one for each test)."""
    return multiscript_project()
