"""A Hypothesis strategy of valid random projects (Hypothesis is imported when it is called)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from qualcode.errors import CycleError
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
from qualcode.testing.compare import COLLECTIONS

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

_UTC = dt.UTC


def projects(
    *, max_documents: int = 4, max_codes: int = 6, max_codings: int = 12
) -> SearchStrategy[Project]:
    """A Hypothesis strategy of valid random projects using every kind of entity.

    Hypothesis is imported when this is called, so this module imports without it; without
    Hypothesis installed (``pip install 'qualcode[testing]'``) this is a ModuleNotFoundError
    that says so.
    """
    try:
        from hypothesis import strategies as st
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "qualcode.testing.projects() needs Hypothesis, which is not installed: "
            "pip install 'qualcode[testing]' (or pip install hypothesis)",
            name="hypothesis",
        ) from error

    names = st.text(max_size=12)
    texts = st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8"),
            st.sampled_from("\n 😀日本שלוםé\u0301\t"),
        ),
        max_size=60,
    )
    guids = st.uuids().map(str)
    moments = st.one_of(
        st.none(),
        st.datetimes(min_value=dt.datetime(1900, 1, 1), timezones=st.sampled_from([None, _UTC])),
    )
    finite = st.floats(allow_nan=False, allow_infinity=False)
    value_of: dict[VariableType, SearchStrategy[Any]] = {
        VariableType.TEXT: names,
        VariableType.BOOLEAN: st.booleans(),
        VariableType.INTEGER: st.integers(-(2**53), 2**53),
        VariableType.FLOAT: finite,
        VariableType.DATE: st.dates(),
        VariableType.DATETIME: st.datetimes(timezones=st.sampled_from([None, _UTC])),
    }
    parameter = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), finite, names),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)
        ),
        max_leaves=6,
    )
    provenances = st.one_of(
        st.just(Provenance()),
        st.builds(
            Provenance,
            method=st.sampled_from(ProvenanceMethod),
            name=names,
            version=names,
            rule=names,
            parameters=st.dictionaries(names, parameter, max_size=3),
        ),
    )
    regions = st.one_of(
        st.none(),
        st.builds(PdfRegion, st.integers(0, 500), finite, finite, finite, finite),
        st.builds(PictureRegion, *(st.integers(0, 10_000) for _ in range(4))),
        st.builds(MediaRange, st.integers(0, 10**7), st.integers(0, 10**7)),
    )

    @st.composite
    def build(draw: st.DrawFn) -> Project:
        used: set[str] = set()

        def fresh() -> str:
            value = draw(guids.filter(lambda g: g not in used))
            used.add(value)
            return value

        def pick(pool: Sequence[str]) -> str | None:
            return draw(st.one_of(st.none(), st.sampled_from(pool))) if pool else None

        def subset(pool: Sequence[str]) -> list[str]:
            if not pool:
                return []
            return draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))

        project = Project(
            name=draw(names),
            description=draw(names),
            origin=draw(names),
            created_by=draw(st.one_of(st.none(), names)),
            created_at=draw(moments),
            modified_by=draw(st.one_of(st.none(), names)),
            modified_at=draw(moments),
        )
        for _ in range(draw(st.integers(0, 3))):
            project.add_coder(Coder(id=fresh(), name=draw(names), machine=draw(st.booleans())))
        variables: list[Variable] = []
        for _ in range(draw(st.integers(0, 4))):
            variables.append(
                project.add_variable(
                    Variable(
                        id=fresh(),
                        name=draw(names),
                        type=draw(st.sampled_from(VariableType)),
                        description=draw(names),
                    )
                )
            )

        def attributes() -> dict[str, Any]:
            chosen = draw(st.lists(st.sampled_from(variables), unique=True)) if variables else []
            return {v.id: draw(value_of[v.type]) for v in chosen}

        code_ids: list[str] = []
        for _ in range(draw(st.integers(0, max_codes))):
            code = Code(
                id=fresh(),
                name=draw(names),
                parent_id=pick(code_ids),
                color=draw(st.one_of(st.none(), st.from_regex(r"#[0-9A-F]{6}", fullmatch=True))),
                codable=draw(st.booleans()),
                definition=draw(names),
                inclusion=draw(names),
                exclusion=draw(names),
                examples=draw(st.lists(names, max_size=2)),
                origin=draw(st.one_of(st.none(), st.sampled_from(CodeOrigin))),
                status=draw(st.sampled_from(CodeStatus)),
                created_by=draw(st.one_of(st.none(), names)),
                created_at=draw(moments),
            )
            code_ids.append(project.add_code(code).id)
        theme_ids: list[str] = []
        for _ in range(draw(st.integers(0, 3))):
            theme = Theme(
                id=fresh(),
                name=draw(names),
                code_ids=subset(code_ids),
                parent_id=pick(theme_ids),
                definition=draw(names),
                narrative=draw(names),
                status=draw(st.sampled_from(ThemeStatus)),
            )
            theme_ids.append(project.add_theme(theme).id)
        case_ids: list[str] = []
        for _ in range(draw(st.integers(0, 3))):
            case = Case(
                id=fresh(),
                name=draw(names),
                description=draw(names),
                attributes=attributes(),
                code_ids=subset(code_ids),
            )
            case_ids.append(project.add_case(case).id)
        documents: list[Document] = []
        for _ in range(draw(st.integers(0, max_documents))):
            text = draw(texts)
            spans = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted)
            structure = draw(st.lists(spans, max_size=3))
            documents.append(
                project.add_document(
                    Document(
                        id=fresh(),
                        name=draw(names),
                        text=text,
                        kind=draw(st.sampled_from(DocumentKind)),
                        source=draw(st.sampled_from(SourceKind)),
                        case_id=pick(case_ids),
                        time_point=draw(st.one_of(st.none(), st.integers(1, 6))),
                        description=draw(names),
                        attributes=attributes(),
                        source_file=draw(
                            st.one_of(
                                st.none(),
                                st.builds(
                                    SourceFile,
                                    name=names,
                                    data=st.one_of(st.none(), st.binary(max_size=16)),
                                    path=st.one_of(st.none(), names),
                                    media_type=names,
                                ),
                            )
                        ),
                        text_origin=draw(
                            st.one_of(
                                st.none(),
                                st.builds(
                                    TextOrigin,
                                    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
                                    had_bom=st.booleans(),
                                    newline=st.sampled_from(["\n", "\r\n", "\r", "mixed"]),
                                ),
                            )
                        ),
                        paragraphs=[
                            Paragraph(
                                s,
                                e,
                                style=draw(names),
                                heading_level=draw(st.integers(0, 6)),
                                in_table=draw(st.booleans()),
                            )
                            for s, e in structure
                        ],
                        turns=[SpeakerTurn(s, e, draw(names)) for s, e in structure],
                        sync_points=[
                            SyncPoint(s, draw(st.integers(0, 10**7))) for s, _ in structure
                        ],
                        created_by=draw(st.one_of(st.none(), names)),
                        created_at=draw(moments),
                        modified_by=draw(st.one_of(st.none(), names)),
                        modified_at=draw(moments),
                    )
                )
            )
        coding_ids: list[str] = []
        coder_ids = project.coders.ids()
        if documents and code_ids:
            for _ in range(draw(st.integers(0, max_codings))):
                document = draw(st.sampled_from(documents))
                start, end = draw(
                    st.tuples(
                        st.integers(0, len(document.text)), st.integers(0, len(document.text))
                    ).map(sorted)
                )
                coding = Coding(
                    id=fresh(),
                    document_id=document.id,
                    code_id=draw(st.sampled_from(code_ids)),
                    start=start,
                    end=end,
                    coder_id=pick(coder_ids),
                    created=draw(moments),
                    provenance=draw(provenances),
                    region=draw(regions),
                )
                coding_ids.append(project.add_coding(coding).id)
        for case_id in case_ids:
            chosen = subset(coding_ids)
            if chosen:
                case = project.cases[case_id]
                project.add_case(attrs.evolve(case, coding_ids=chosen), replace=True)
        # memos, sets and links in any order, so that they refer to one another both ways
        for kind in draw(st.lists(st.sampled_from(["memo", "set", "link"]), max_size=6)):
            pool = _all_ids(project)
            if kind == "memo":
                targets = subset(pool)
                anchor: tuple[int | None, int | None] = (None, None)
                anchored: bool = draw(st.booleans())
                if documents and anchored:
                    document = draw(st.sampled_from(documents))
                    targets = [document.id]
                    low, high = sorted(
                        draw(st.lists(st.integers(0, len(document.text)), min_size=2, max_size=2))
                    )
                    anchor = (low, high)
                project.add_memo(
                    Memo(
                        id=fresh(),
                        name=draw(names),
                        text=draw(texts),
                        target_ids=targets,
                        start=anchor[0],
                        end=anchor[1],
                        created_by=draw(st.one_of(st.none(), names)),
                        created_at=draw(moments),
                        modified_by=draw(st.one_of(st.none(), names)),
                        modified_at=draw(moments),
                    )
                )
            elif kind == "set":
                project.add_set(
                    Set(
                        id=fresh(),
                        name=draw(names),
                        member_ids=subset(pool),
                        description=draw(names),
                    )
                )
            elif pool:
                project.add_link(
                    Link(
                        id=fresh(),
                        name=draw(names),
                        origin_id=draw(st.sampled_from(pool)),
                        target_id=draw(st.sampled_from(pool)),
                        direction=draw(st.sampled_from(LinkDirection)),
                        color=draw(st.one_of(st.none(), st.just("#000000"))),
                    )
                )
        # move a code or theme under one added after it (a valid edit files must keep)
        for tree, add in ((code_ids, project.add_code), (theme_ids, project.add_theme)):
            if len(tree) >= 2 and draw(st.booleans()):
                first, later = tree[0], draw(st.sampled_from(tree[1:]))
                node: Any = project.find(first)
                with contextlib.suppress(CycleError):
                    add(attrs.evolve(node, parent_id=later), replace=True)
        return project

    return build()


def _all_ids(project: Project) -> list[str]:
    found: list[str] = []
    for collection in COLLECTIONS:
        found.extend(getattr(project, collection).ids())
    return found
