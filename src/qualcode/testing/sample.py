"""The sample project: small, complete, with awkward text; the same in every run."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from qualcode.model import (
    Case,
    Code,
    CodeOrigin,
    Coder,
    CodeStatus,
    Coding,
    Document,
    DocumentKind,
    Link,
    LinkDirection,
    MediaRange,
    Memo,
    Paragraph,
    PdfRegion,
    PictureRegion,
    Provenance,
    ProvenanceMethod,
    Set,
    SourceFile,
    SourceKind,
    SpeakerTurn,
    SyncPoint,
    TextOrigin,
    Theme,
    ThemeStatus,
    Variable,
    VariableType,
)
from qualcode.project import Project

_NAMESPACE = uuid.UUID("6f1d3c2e-9a4b-4c1e-8d7f-0a5b3c2d1e0f")


def sample_id(name: str) -> str:
    """A stable GUID for ``name``, so the sample project is the same in every run."""
    return str(uuid.uuid5(_NAMESPACE, name))


_UTC = dt.UTC
_WHEN = dt.datetime(2024, 3, 14, 9, 30, 15, 250000, tzinfo=_UTC)

_INTERVIEW = (
    "Interviewer: How did you start as a peer worker?\n"
    "PN1: I began after my own recovery. The training was short.\n"
    "Interviewer: What helped most?\n"
    "PN1: Learning on the job, and my colleagues. Boundaries matter.\n"
)
_DIARY = (
    "Day 1 😀: a good shift.\n"
    "同事们很支持我。研修は役に立った。\n"
    "שלום, مرحبا: clients from many places.\n"
    "Cafe\u0301 with a client 👩\u200d👩\u200d👧; I kept my boundaries.\n"
)
_FOCUS_GROUP = (
    "[Facilitator] Welcome, everyone.\n"
    "[PN2] Career progression is slow for us.\n"
    "[PN3] Training helps, but it stops.\n"
)
_PDF_TEXT = "Policy on peer work\nSupervision is monthly.\n"
_PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def _span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def sample_project() -> Project:
    """A small but complete project: every kind of entity, every field, awkward text.

    Ids are stable (see :func:`sample_id`); each call builds a new project.
    """
    ids = sample_id
    project = Project(
        name="Peer workers (sample)",
        description="A fictional study used by tests and plugin authors.",
        origin="qualcode.testing",
        created_by=ids("coder:alex"),
        created_at=_WHEN,
        modified_by=ids("coder:sam"),
        modified_at=_WHEN + dt.timedelta(days=2),
    )
    # coders
    project.add_coder(Coder(id=ids("coder:alex"), name="Alex Rivera"))
    project.add_coder(Coder(id=ids("coder:sam"), name="Sam Chen"))
    project.add_coder(Coder(id=ids("coder:keywords"), name="keywords 1.0", machine=True))
    # variables of all six types
    variables = {
        "role": VariableType.TEXT,
        "paid": VariableType.BOOLEAN,
        "years": VariableType.INTEGER,
        "hours": VariableType.FLOAT,
        "started": VariableType.DATE,
        "interviewed": VariableType.DATETIME,
    }
    for name, kind in variables.items():
        project.add_variable(
            Variable(id=ids(f"var:{name}"), name=name, type=kind, description=f"the {name}")
        )
    # the code tree, three deep, with codebook fields
    work = project.add_code(
        Code(
            id=ids("code:work"),
            name="Work",
            color="#1F77B4",
            codable=False,
            definition="Anything about doing peer work.",
            origin=CodeOrigin.DEDUCTIVE,
            created_by=ids("coder:alex"),
            created_at=_WHEN,
        )
    )
    training = project.add_code(
        Code(
            id=ids("code:training"),
            name="Training and preparation",
            parent_id=work.id,
            definition="Formal or informal preparation for the role.",
            inclusion="Courses, induction, learning from colleagues.",
            exclusion="Schooling unrelated to the role.",
            examples=("The training was short.", "Learning on the job"),
            origin=CodeOrigin.DEDUCTIVE,
            modified_by=ids("coder:sam"),
            modified_at=_WHEN + dt.timedelta(hours=1),
        )
    )
    formal = project.add_code(
        Code(id=ids("code:formal"), name="Formal training", parent_id=training.id, color="#FF7F0E")
    )
    career = project.add_code(
        Code(id=ids("code:career"), name="Career progression", parent_id=work.id)
    )
    boundaries = project.add_code(
        Code(
            id=ids("code:boundaries"),
            name="Boundaries and self-care",
            origin=CodeOrigin.DEDUCTIVE,
            definition="Keeping work and private life apart.",
        )
    )
    humour = project.add_code(
        Code(
            id=ids("code:humour"),
            name="Humour",
            origin=CodeOrigin.INDUCTIVE,
            status=CodeStatus.CANDIDATE,
        )
    )
    # themes with subthemes
    becoming = project.add_theme(
        Theme(
            id=ids("theme:becoming"),
            name="Becoming a peer worker",
            code_ids=(training.id, formal.id),
            definition="How people grow into the role.",
            narrative="Most learned on the job; formal training was short.",
            status=ThemeStatus.FINAL,
        )
    )
    project.add_theme(
        Theme(
            id=ids("theme:learning"),
            name="Learning on the job",
            code_ids=(training.id,),
            parent_id=becoming.id,
            status=ThemeStatus.REVIEWED,
        )
    )
    project.add_theme(
        Theme(id=ids("theme:self"), name="Looking after oneself", code_ids=(boundaries.id,))
    )
    # cases with typed attributes
    pn1 = project.add_case(
        Case(
            id=ids("case:pn1"),
            name="PN1",
            description="Peer worker 1",
            attributes={
                ids("var:role"): "peer navigator",
                ids("var:paid"): True,
                ids("var:years"): 3,
                ids("var:hours"): 22.5,
                ids("var:started"): dt.date(2021, 5, 1),
                ids("var:interviewed"): _WHEN,
            },
            code_ids=(boundaries.id,),
        )
    )
    pn2 = project.add_case(
        Case(
            id=ids("case:pn2"),
            name="PN2",
            attributes={ids("var:role"): "outreach", ids("var:paid"): False},
        )
    )
    # documents of several kinds, with time points and structure
    interview = project.add_document(
        Document(
            id=ids("doc:pn1-w1"),
            name="PN1 interview, wave 1",
            text=_INTERVIEW,
            kind=DocumentKind.INTERVIEW,
            case_id=pn1.id,
            time_point=1,
            description="First interview",
            attributes={ids("var:interviewed"): _WHEN},
            text_origin=TextOrigin(encoding="utf-8", had_bom=True, newline="\r\n"),
            paragraphs=[Paragraph(start, end, style="Normal") for start, end in _lines(_INTERVIEW)],
            turns=_turns(_INTERVIEW),
            created_by=ids("coder:alex"),
            created_at=_WHEN,
            modified_by=ids("coder:sam"),
            modified_at=_WHEN + dt.timedelta(minutes=5),
        )
    )
    diary = project.add_document(
        Document(
            id=ids("doc:pn1-diary"),
            name="PN1 diary 📓",
            text=_DIARY,
            kind=DocumentKind.DIARY,
            case_id=pn1.id,
            time_point=2,
            text_origin=TextOrigin(encoding="utf-16-le", had_bom=True, newline="\n"),
            paragraphs=[
                Paragraph(start, end, heading_level=1 if start == 0 else 0)
                for start, end in _lines(_DIARY)
            ],
        )
    )
    focus = project.add_document(
        Document(
            id=ids("doc:focus"),
            name="Focus group",
            text=_FOCUS_GROUP,
            kind=DocumentKind.FOCUS_GROUP,
            source=SourceKind.AUDIO,
            case_id=pn2.id,
            time_point=1,
            source_file=SourceFile(
                name="focus.mp3", path="media/focus.mp3", media_type="audio/mpeg"
            ),
            turns=_turns(_FOCUS_GROUP),
            sync_points=(SyncPoint(0, 0), SyncPoint(_FOCUS_GROUP.index("[PN2]"), 4200)),
        )
    )
    policy = project.add_document(
        Document(
            id=ids("doc:policy"),
            name="Policy (PDF)",
            text=_PDF_TEXT,
            kind=DocumentKind.OTHER,
            source=SourceKind.PDF,
            source_file=SourceFile(
                name="policy.pdf",
                data=_PDF_BYTES,
                path="sources/policy.pdf",
                media_type="application/pdf",
            ),
            paragraphs=[Paragraph(0, 19, heading_level=1), Paragraph(20, 43, in_table=True)],
        )
    )
    photo = project.add_document(
        Document(
            id=ids("doc:photo"),
            name="Noticeboard photo",
            kind=DocumentKind.FIELD_NOTE,
            source=SourceKind.PICTURE,
            source_file=SourceFile(name="board.png", data=_PNG_BYTES, media_type="image/png"),
        )
    )
    survey = project.add_document(
        Document(
            id=ids("doc:survey"),
            name="Survey answer 7",
            text="Boundaries: hard to keep when clients are friends.",
            kind=DocumentKind.SURVEY_RESPONSE,
            time_point=3,
        )
    )
    # codings: manual and by a rule, and regions of non-text sources
    rule = Provenance(
        method=ProvenanceMethod.RULE,
        name="keywords",
        version="1.0",
        rule="training",
        parameters={"terms": ["training", "研修"], "case_sensitive": False, "window": 2},
    )
    model = Provenance(
        method=ProvenanceMethod.MODEL, name="classifier", version="0.3", parameters={"seed": 7}
    )
    alex, sam, machine = ids("coder:alex"), ids("coder:sam"), ids("coder:keywords")
    codings = [
        ("c1", interview, formal, "The training was short.", alex, _WHEN, None),
        ("c2", interview, training, "Learning on the job", sam, None, None),
        ("c3", interview, boundaries, "Boundaries matter.", alex, _WHEN, None),
        ("c4", interview, training, "training", machine, None, rule),
        ("c5", diary, humour, "😀", alex, None, None),
        ("c6", diary, training, "研修", machine, None, rule),
        ("c7", diary, boundaries, "I kept my boundaries.", sam, None, model),
        ("c8", focus, career, "Career progression is slow for us.", None, None, None),
        ("c9", survey, boundaries, "hard to keep when clients are friends", alex, None, None),
    ]
    for key, document, code, fragment, coder, created, provenance in codings:
        start, end = _span(document.text, fragment)
        project.add_coding(
            Coding(
                id=ids(f"coding:{key}"),
                document_id=document.id,
                code_id=code.id,
                start=start,
                end=end,
                coder_id=coder,
                created=created,
                provenance=provenance or Provenance(),
            )
        )
    project.add_coding(
        Coding(
            id=ids("coding:pdf"),
            document_id=policy.id,
            code_id=training.id,
            start=20,
            end=43,
            coder_id=alex,
            region=PdfRegion(page=0, first_x=72.0, first_y=700.5, second_x=300.25, second_y=680.0),
        )
    )
    project.add_coding(
        Coding(
            id=ids("coding:picture"),
            document_id=photo.id,
            code_id=career.id,
            start=0,
            end=0,
            coder_id=sam,
            region=PictureRegion(first_x=10, first_y=20, second_x=110, second_y=95),
        )
    )
    project.add_coding(
        Coding(
            id=ids("coding:audio"),
            document_id=focus.id,
            code_id=career.id,
            start=0,
            end=0,
            coder_id=alex,
            region=MediaRange(begin_ms=4200, end_ms=9100),
        )
    )
    project.add_case(attrs.evolve(pn1, coding_ids=(ids("coding:c3"),)), replace=True)
    # memos: about the project, a code, a coding, and one anchored in a document's text
    project.add_memo(Memo(id=ids("memo:project"), name="Method", text="Two waves so far."))
    project.add_memo(
        Memo(
            id=ids("memo:training"),
            name="On training",
            text="Check wave 2.",
            target_ids=(training.id, ids("coding:c1")),
            created_by=alex,
            created_at=_WHEN,
        )
    )
    smile_start, smile_end = _span(_DIARY, "a good shift")
    project.add_memo(
        Memo(
            id=ids("memo:anchored"),
            name="Tone",
            text="Positive tone 😀",
            target_ids=(diary.id,),
            start=smile_start,
            end=smile_end,
            modified_by=sam,
            modified_at=_WHEN,
        )
    )
    # sets and links
    project.add_set(
        Set(
            id=ids("set:wave1"),
            name="Wave 1",
            member_ids=(interview.id, focus.id),
            description="Documents of the first wave",
        )
    )
    project.add_set(Set(id=ids("set:core"), name="Core codes", member_ids=(training.id, career.id)))
    project.add_link(
        Link(
            id=ids("link:1"),
            name="leads to",
            origin_id=training.id,
            target_id=career.id,
            direction=LinkDirection.ONE_WAY,
            color="#2CA02C",
        )
    )
    project.add_link(
        Link(
            id=ids("link:2"),
            name="explains",
            origin_id=ids("memo:training"),
            target_id=interview.id,
        )
    )
    return project


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.splitlines(keepends=True):
        end = start + len(line.rstrip("\n"))
        spans.append((start, end))
        start += len(line)
    return spans


def _turns(text: str) -> list[SpeakerTurn]:
    turns: list[SpeakerTurn] = []
    for start, end in _lines(text):
        line = text[start:end]
        bracket = line.startswith("[")
        speaker = line[1 : line.index("]")] if bracket else line.split(":", 1)[0]
        turns.append(SpeakerTurn(start, end, speaker))
    return turns
