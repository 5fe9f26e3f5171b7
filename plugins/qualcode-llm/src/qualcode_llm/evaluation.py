"""The model measured against the people: precision, recall, F1 and kappa per code on a sample.

The sample's units are laid end to end in one document of a scratch project, with the human
codings that fall in them (cut at the units' edges) and the model's; qualcode's own comparison
(:func:`qualcode.analysis.disagreements.machine_scores`,
:func:`qualcode.analysis.comparison.compare_coders`) then counts characters, so the figures
mean what they mean everywhere else in qualcode.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from qualcode.analysis.comparison import compare_coders
from qualcode.analysis.disagreements import machine_scores
from qualcode.errors import QualcodeError
from qualcode.model import Coder, Coding, Document
from qualcode.project import Project
from qualcode.strategies.textunits import stable_id
from qualcode_llm.units import Unit

SEPARATOR = "\n\n"


@attrs.frozen
class CodeAgreement:
    """How the model agrees with the people on one code, by characters of the sample."""

    code: str
    precision: float | None
    recall: float | None
    f1: float | None
    kappa: float


@attrs.frozen
class Evaluation:
    """The figures of a sample, or why there are none."""

    rows: tuple[CodeAgreement, ...] = ()
    people: tuple[str, ...] = ()
    units: int = 0
    problem: str = ""


def evaluate(
    project: Project, units: Sequence[Unit], codings: Sequence[Coding], machine: Coder
) -> Evaluation:
    """The model's ``codings`` of ``units`` against the human coders' codings of them."""
    scratch = Project()
    offsets: list[int] = []
    parts: list[str] = []
    position = 0
    for unit in units:
        offsets.append(position)
        parts.append(unit.text)
        position += len(unit.text) + len(SEPARATOR)
    text = SEPARATOR.join(parts)
    document = Document(id=stable_id("llm-sample", len(units), text), name="sample", text=text)
    scratch.add_document(document)
    for code in project.codes:
        scratch.add_code(attrs.evolve(code, parent_id=None))
    by_document: dict[str, list[tuple[int, Unit]]] = {}
    for offset, unit in zip(offsets, units, strict=True):
        by_document.setdefault(unit.document_id, []).append((offset, unit))
    people: dict[str, Coder] = {}
    moved: list[Coding] = []
    for coding in project.codings:
        coder = project.coders.get(coding.coder_id)
        if coder is None or coder.machine or coding.end <= coding.start:
            continue
        for offset, unit in by_document.get(coding.document_id, ()):
            start, end = max(coding.start, unit.start), min(coding.end, unit.end)
            if start < end:
                people[coder.id] = coder
                moved.append(_moved(coding, document.id, offset - unit.start, start, end))
    for coding in codings:
        for offset, unit in by_document.get(coding.document_id, ()):
            if unit.start <= coding.start and coding.end <= unit.end:
                moved.append(
                    _moved(coding, document.id, offset - unit.start, coding.start, coding.end)
                )
    for coder in [*people.values(), machine]:
        scratch.add_coder(coder)
    scratch.add_codings(moved)
    names = tuple(sorted(c.name for c in people.values()))
    if not people:
        return Evaluation(units=len(units), problem="no person coded any text of the sample")
    try:
        scores = machine_scores(scratch, list(people), machine.id)
        kappas = {
            row.code_id: row.cells.kappa
            for row in compare_coders(scratch, list(people), machine.id).by_code()
        }
    except QualcodeError as error:
        return Evaluation(people=names, units=len(units), problem=error.message)
    rows = tuple(
        CodeAgreement(
            project.codes[score.code_id].name,
            score.precision,
            score.recall,
            score.f1,
            kappas[score.code_id],
        )
        for score in scores
    )
    return Evaluation(rows, names, len(units))


def _moved(coding: Coding, document_id: str, shift: int, start: int, end: int) -> Coding:
    return attrs.evolve(
        coding,
        id=stable_id("llm-sample-coding", coding.id, start, end),
        document_id=document_id,
        start=start + shift,
        end=end + shift,
    )


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_evaluation(evaluation: Evaluation, model_id: str) -> str:
    """The figures as a small table for the terminal."""
    if evaluation.problem:
        return (
            f"sample of {evaluation.units} units: cannot measure {model_id}: {evaluation.problem}"
        )
    width = max([len("code"), *(len(row.code) for row in evaluation.rows)])
    lines = [
        f"{model_id} against {', '.join(evaluation.people)} on {evaluation.units} units "
        "(by characters):",
        f"{'code'.ljust(width)}  precision  recall    F1  kappa",
    ]
    for row in evaluation.rows:
        lines.append(
            f"{row.code.ljust(width)}  {_figure(row.precision):>9}  {_figure(row.recall):>6}"
            f"  {_figure(row.f1):>4}  {row.kappa:>5.2f}"
        )
    return "\n".join(lines)
