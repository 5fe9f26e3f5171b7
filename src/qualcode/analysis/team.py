"""Team work: merge the projects of people who coded the same documents; split for blind coding.

:func:`merge_coders_work` brings the codings of other copies of a project into a base project.
Documents are matched by their text (GUIDs change between exports, names get edited), codes by
their path in the code tree, coders by name. Each coder's codings stay theirs; nothing is
merged silently: a document whose text is in no base document, a name shared by different
texts, and codings already present are all reported. :func:`split_by_coder` is the reverse: one
copy of a project per coder, each without the other coders' codings, for blind coding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import attrs

from qualcode.losses import LossReport
from qualcode.model import Coding, new_id
from qualcode.project import Project

NO_CODER = "(no coder)"


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@attrs.frozen
class TeamMerge:
    """The merged project and the report of what was matched, added and left out."""

    project: Project
    report: LossReport
    added_codings: int
    added_codes: int
    added_coders: int


def copy_project(project: Project) -> Project:
    """A new project holding the same entities (they are immutable, so sharing them is safe)."""
    copy = Project(
        name=project.name,
        description=project.description,
        origin=project.origin,
        created_by=project.created_by,
        created_at=project.created_at,
        modified_by=project.modified_by,
        modified_at=project.modified_at,
    )
    copy.add_all(
        [
            *project.coders,
            *project.variables,
            *project.cases,
            *project.documents,
            *project.codes,
            *project.themes,
            *project.codings,
            *project.memos,
            *project.sets,
            *project.links,
        ]
    )
    return copy


def merge_coders_work(
    base: Project, others: Iterable[Project], names: Iterable[str] = ()
) -> TeamMerge:
    """``base`` with the codings of each of ``others`` added (``base`` itself is not changed).

    ``names`` labels the others in the report (e.g. their file names).
    """
    merged = copy_project(base)
    report = LossReport()
    by_text: dict[str, str] = {}
    for document in merged.documents:
        by_text.setdefault(_fingerprint(document.text), document.id)
    names_of = {document.name: document.id for document in merged.documents}
    codes = {merged.code_path(code.id): code.id for code in merged.codes}
    coders = {coder.name: coder.id for coder in merged.coders}
    present = {(c.document_id, c.code_id, c.start, c.end, c.coder_id) for c in merged.codings}
    labels = list(names)
    added = {"codings": 0, "codes": 0, "coders": 0}
    for number, other in enumerate(others):
        label = labels[number] if number < len(labels) else f"project {number + 1}"
        documents: dict[str, str] = {}
        for document in other.documents:
            target = by_text.get(_fingerprint(document.text))
            if target is not None:
                documents[document.id] = target
                continue
            if document.name in names_of:
                report.add(
                    "documents whose text differs from the base document of the same name; "
                    "their codings were not merged",
                    where=f"{label}: {document.name}",
                )
            else:
                report.add(
                    "documents not in the base project; their codings were not merged",
                    where=f"{label}: {document.name}",
                )
        code_ids: dict[str, str] = {}
        for code in sorted(other.codes, key=lambda c: len(other.code_path(c.id))):
            path = other.code_path(code.id)
            if path not in codes:
                parent = code_ids.get(code.parent_id) if code.parent_id else None
                new = attrs.evolve(code, id=new_id(), parent_id=parent)
                merged.add_code(new)
                codes[path] = new.id
                added["codes"] += 1
                report.add("codes the base project did not have, added", where=label)
            code_ids[code.id] = codes[path]
        coder_ids: dict[str | None, str | None] = {None: None}
        for coder in other.coders:
            if coder.name not in coders:
                new_coder = merged.add_coder(attrs.evolve(coder, id=_free_id(merged, coder.id)))
                coders[coder.name] = new_coder.id
                added["coders"] += 1
            coder_ids[coder.id] = coders[coder.name]
        new_codings: list[Coding] = []
        for coding in other.codings:
            document_id = documents.get(coding.document_id)
            if document_id is None:
                continue
            coder_id = coder_ids.get(coding.coder_id)
            key = (document_id, code_ids[coding.code_id], coding.start, coding.end, coder_id)
            if key in present:
                report.add("codings already in the base project, skipped", where=label)
                continue
            present.add(key)
            new_codings.append(
                attrs.evolve(
                    coding,
                    id=_free_id(merged, coding.id),
                    document_id=document_id,
                    code_id=key[1],
                    coder_id=coder_id,
                )
            )
        added["codings"] += merged.add_codings(new_codings)
    return TeamMerge(merged, report, added["codings"], added["codes"], added["coders"])


def _free_id(project: Project, wanted: str) -> str:
    return wanted if project.find(wanted) is None else new_id()


def split_by_coder(project: Project) -> dict[str, Project]:
    """One copy of ``project`` per coder (by name), each without the other coders and their
    codings, for blind coding.

    Codings that name no coder go to a copy named ``(no coder)``, which keeps no coder. Memos,
    sets and cases that pointed at removed codings lose those references, as removing does.
    """
    people = {coder.name for coder in project.coders if not coder.machine}
    people.update(
        project.coders[c.coder_id].name for c in project.codings if c.coder_id is not None
    )
    unowned = [c.id for c in project.codings if c.coder_id is None]
    copies: dict[str, Project] = {}
    for name in sorted(people) + ([NO_CODER] if unowned else []):
        copy = copy_project(project)
        for coder in project.coders:
            if coder.name != name:
                copy.remove(coder.id)  # and that coder's codings
        if name != NO_CODER:
            for coding_id in unowned:
                copy.remove(coding_id)
        copy.name = f"{project.name} ({name})"
        copies[name] = copy
    return copies
