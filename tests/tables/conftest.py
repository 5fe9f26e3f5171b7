"""A small study written for the table export tests, with fixed ids so exports are stable."""

from __future__ import annotations

import pytest

from qualcode.model import (
    Case,
    Code,
    CodeOrigin,
    Coder,
    Coding,
    Document,
    DocumentKind,
    Provenance,
    ProvenanceMethod,
    Theme,
    Variable,
    VariableType,
)
from qualcode.project import Project

INTERVIEW = (
    "Interviewer: How did the first week go?\n"
    'Anna: =SUM(A1) is what my boss said, "literally", and I laughed.\n'
    "-- Then we met the clients, twice, in one day.\n"
    "@team: everyone 你好 and مرحبا 👋 too."
)
DIARY = "+1 for the new rota.\n'=not a formula' in quotes\nTired but fine."


def build_small_project() -> Project:
    """Two cases with typed attributes, three documents (one without a case), a code tree,
    two themes, a person and a machine coder, and quotes that need every kind of escaping."""
    project = Project(name="Peer work (small)")
    role = project.add_variable(Variable(id="00000000-0000-0000-0000-00000000000a", name="role"))
    years = project.add_variable(
        Variable(id="00000000-0000-0000-0000-00000000000b", name="years", type=VariableType.INTEGER)
    )
    paid = project.add_variable(
        Variable(id="00000000-0000-0000-0000-00000000000c", name="paid", type=VariableType.BOOLEAN)
    )
    anna = project.add_case(
        Case(
            id="00000000-0000-0000-0000-0000000000c1",
            name="Anna",
            attributes={role.id: "=peer worker", years.id: 3, paid.id: True},
        )
    )
    ben = project.add_case(
        Case(id="00000000-0000-0000-0000-0000000000c2", name="Ben", attributes={role.id: "manager"})
    )
    interview = project.add_document(
        Document(
            id="00000000-0000-0000-0000-0000000000d1",
            name="Anna, interview 1",
            text=INTERVIEW,
            kind=DocumentKind.INTERVIEW,
            case_id=anna.id,
            time_point=1,
        )
    )
    diary = project.add_document(
        Document(
            id="00000000-0000-0000-0000-0000000000d2",
            name="Ben diary",
            text=DIARY,
            kind=DocumentKind.DIARY,
            case_id=ben.id,
            time_point=2,
        )
    )
    notes = project.add_document(
        Document(
            id="00000000-0000-0000-0000-0000000000d3",
            name="Field notes",
            text="Quiet morning.",
            kind=DocumentKind.FIELD_NOTE,
        )
    )
    work = project.add_code(
        Code(
            id="00000000-0000-0000-0000-0000000000a1",
            name="Work",
            color="#1f77b4",
            definition="Anything about the job itself.",
            inclusion="Tasks, rotas, pay.",
            exclusion="Private life.",
            examples=("the new rota", "=a formula-looking example"),
            origin=CodeOrigin.DEDUCTIVE,
        )
    )
    humour = project.add_code(
        Code(
            id="00000000-0000-0000-0000-0000000000a2",
            name="Humour",
            parent_id=work.id,
            definition='- laughter, jokes\n- "irony"',
            origin=CodeOrigin.INDUCTIVE,
            color="#ff7f0e",
        )
    )
    clients = project.add_code(
        Code(id="00000000-0000-0000-0000-0000000000a3", name="Clients, contact")
    )
    project.add_theme(
        Theme(id="00000000-0000-0000-0000-0000000000e1", name="Coping", code_ids=(humour.id,))
    )
    project.add_theme(
        Theme(
            id="00000000-0000-0000-0000-0000000000e2",
            name="Relationships",
            code_ids=(humour.id, clients.id),
        )
    )
    person = project.add_coder(
        Coder(id="00000000-0000-0000-0000-0000000000f1", name="Researcher One")
    )
    machine = project.add_coder(
        Coder(id="00000000-0000-0000-0000-0000000000f2", name="keywords", machine=True)
    )
    rule = Provenance(method=ProvenanceMethod.RULE, name="keywords", version="1.2", rule="laugh*")

    def span(document: Document, quote: str) -> tuple[int, int]:
        start = document.text.index(quote)
        return start, start + len(quote)

    codings = [
        (interview, humour, person, '=SUM(A1) is what my boss said, "literally", and I laughed.'),
        (interview, humour, machine, "I laughed"),
        (interview, clients, person, "-- Then we met the clients, twice, in one day.\n@team"),
        (interview, work, person, "@team: everyone 你好 and مرحبا 👋 too."),
        (diary, work, person, "+1 for the new rota."),
        (diary, work, machine, "'=not a formula' in quotes"),
    ]
    for number, (document, code, coder, quote) in enumerate(codings, start=1):
        start, end = span(document, quote)
        project.add_coding(
            Coding(
                id=f"00000000-0000-0000-0000-{number:012d}",
                document_id=document.id,
                code_id=code.id,
                start=start,
                end=end,
                coder_id=coder.id,
                provenance=rule if coder is machine else Provenance(),
            )
        )
    assert notes.id in project.documents
    return project


@pytest.fixture
def small_project() -> Project:
    return build_small_project()
