"""The ``structure`` strategy: code documents by their headings, speakers or interview questions.

* ``by=heading``: each heading's section (the heading and what follows, up to the next heading of
  the same or a higher level) is coded under a code named after the heading; a level-2 heading's
  code sits under the code of the level-1 heading above it. Headings come from the document's
  paragraphs (``heading_level``) when it has them, else from Markdown-style ``#`` lines.
* ``by=speaker``: each speaker turn is coded under a code per speaker, or per role when ``roles``
  maps speakers (shell patterns like ``PN*``) to roles; ``cases=true`` also makes each speaker a
  case holding their turns.
* ``by=question``: an interviewer's turn and the answers that follow are coded under the question
  of the interview guide that the interviewer's words match best (IDF-weighted word overlap).

Speaker turns are those recorded at import, else the labels :func:`qualcode.text.speaker_turns`
finds; ``speaker_pattern`` gives other labels. When a run finds nothing (in the whole project or in
some documents), the result's ``hints`` say why and what to try.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from qualcode.errors import EmptyCorpusError, OptionError
from qualcode.model import Case, Code, CodeOrigin, Coding, Document, Provenance, ProvenanceMethod
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult
from qualcode.strategies.interview_guide import GuideMatcher, GuideQuestion, read_guide
from qualcode.strategies.textunits import (
    Options,
    document_turns,
    free_id,
    machine_coder,
    matches_any,
    stable_id,
)
from qualcode.text import check_speaker_patterns

MODES = ("heading", "speaker", "question")
DEFAULT_ROOTS = {"heading": "Headings", "speaker": "Speakers", "question": "Interview guide"}
DEFAULT_INTERVIEWERS = ("Interviewer*", "Int", "I", "I[0-9]*", "Q", "Moderator", "Facilitator")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


@attrs.frozen
class Settings:
    """The options of one run, in a picklable form."""

    by: str
    include_heading: bool = True
    label: bool = True
    roles: tuple[tuple[str, str], ...] = ()
    speakers: tuple[str, ...] = ()
    interviewers: tuple[str, ...] = DEFAULT_INTERVIEWERS
    guide: tuple[GuideQuestion, ...] = ()
    min_similarity: float = 0.15
    follow_ups: str = "previous"
    speaker_patterns: tuple[str, ...] = ()
    """Regular expressions for speaker labels, used instead of the recorded turns (empty: none)."""


@attrs.frozen
class Found:
    """A span to code: the code's path of names below the root, and the rule that fired."""

    path: tuple[str, ...]
    start: int
    end: int
    rule: str
    speaker: str = ""


@attrs.frozen
class Task:
    document: Document
    settings: Settings


def code_document(task: Task) -> list[Found]:
    """The spans of one document to code (runs in a worker; module level, so picklable)."""
    if task.settings.by == "heading":
        return _by_heading(task.document, task.settings)
    if task.settings.by == "speaker":
        return _by_speaker(task.document, task.settings)
    return _by_question(task.document, task.settings)


# -- headings ---------------------------------------------------------------------------------


def headings(document: Document) -> list[tuple[int, str, int, int]]:
    """``(level, title, start, end of heading line)`` for each heading of the document."""
    text = document.text
    found: list[tuple[int, str, int, int]] = []
    if any(p.heading_level > 0 for p in document.paragraphs):
        for paragraph in document.paragraphs:
            title = _title(text[paragraph.start : paragraph.end])
            if paragraph.heading_level > 0 and title:
                found.append((paragraph.heading_level, title, paragraph.start, paragraph.end))
        return found
    fences = [m.start() for m in _CODE_FENCE.finditer(text)]
    for match in _MARKDOWN_HEADING.finditer(text):
        if bisect.bisect_right(fences, match.start()) % 2:
            continue  # inside a fenced code block: a comment line, not a heading
        title = _title(match.group(2))
        if title:
            found.append((len(match.group(1)), title, match.start(), match.end()))
    return found


_CODE_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
"""A line that opens or closes a fenced code block in Markdown."""


_HEADING_MARKER = re.compile(r"^#{1,6}\s+")
"""A Markdown heading's marker, left in a recorded heading's text by some importers."""


def _title(raw: str) -> str:
    title = _HEADING_MARKER.sub("", " ".join(raw.split()))
    return title.rstrip(":").strip()[:120]


def _by_heading(document: Document, settings: Settings) -> list[Found]:
    text = document.text
    marks = headings(document)
    found: list[Found] = []
    stack: list[tuple[int, str]] = []
    for index, (level, title, start, line_end) in enumerate(marks):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        end = next((m[2] for m in marks[index + 1 :] if m[0] <= level), len(text))
        body = line_end
        while body < end and text[body].isspace():
            body += 1
        while end > body and text[end - 1].isspace():
            end -= 1
        if body >= end:
            continue  # a heading with nothing under it
        path = tuple(name for _, name in stack)
        begin = start if settings.include_heading else body
        found.append(Found(path, begin, end, f"heading level {level}: {title}"))
    return found


# -- speakers ---------------------------------------------------------------------------------


def role_of(speaker: str, roles: Sequence[tuple[str, str]]) -> str | None:
    """The role of a speaker: an exact entry first, else the first matching pattern."""
    for pattern, role in roles:
        if pattern == speaker:
            return role
    for pattern, role in roles:
        if matches_any(speaker, [pattern]):
            return role
    return None


def _by_speaker(document: Document, settings: Settings) -> list[Found]:
    found: list[Found] = []
    for turn in document_turns(document, settings.speaker_patterns):
        if settings.speakers and not matches_any(turn.speaker, settings.speakers):
            continue
        start = turn.start if settings.label else turn.body_start
        if start >= turn.end:
            continue
        if settings.roles:
            role = role_of(turn.speaker, settings.roles)
            if role is None:
                continue
            found.append(Found((role,), start, turn.end, f"speaker {turn.speaker}", turn.speaker))
        else:
            found.append(
                Found((turn.speaker,), start, turn.end, f"speaker {turn.speaker}", turn.speaker)
            )
    return found


# -- interview questions ----------------------------------------------------------------------


def _no_interviewer(documents: Sequence[Document], settings: Settings) -> str:
    """Why coding by question found nothing: no interviewer turn, or no question matched."""
    speakers = sorted(
        {t.speaker for d in documents for t in document_turns(d, settings.speaker_patterns)},
        key=str.casefold,
    )
    asked = any(matches_any(s, settings.interviewers) for s in speakers)
    if asked:
        return "no interviewer's question matched a question of the guide closely enough"
    shown = ", ".join(speakers[:8]) + (", ..." if len(speakers) > 8 else "") or "none"
    return (
        f"no speaker matches the interviewers ({', '.join(settings.interviewers)}); speakers "
        f"found: {shown}; name them with the option interviewers=..."
    )


def _by_question(document: Document, settings: Settings) -> list[Found]:
    text = document.text
    matcher = GuideMatcher(settings.guide)
    turns = document_turns(document, settings.speaker_patterns)
    segments: list[list[Any]] = []  # [start, end, the interviewer's words]
    asking = False
    for turn in turns:
        interviewer = matches_any(turn.speaker, settings.interviewers)
        if interviewer and not asking:
            start = turn.start if settings.label else turn.body_start
            segments.append([start, turn.end, text[turn.body_start : turn.end]])
        elif interviewer:
            segments[-1][1] = turn.end
            segments[-1][2] += "\n" + text[turn.body_start : turn.end]
        elif segments:
            segments[-1][1] = turn.end
        asking = interviewer
    found: list[Found] = []
    current: list[Any] | None = None  # [question index, start, end, score]

    def close() -> None:
        if current is not None:
            question = settings.guide[current[0]]
            rule = f"question {current[0] + 1}: {question.text} (similarity {current[3]:.3f})"
            found.append(Found((question.name,), current[1], current[2], rule))

    for start, end, words in segments:
        index, score = matcher.best(words)
        if index >= 0 and score >= settings.min_similarity:
            close()
            current = [index, start, end, score]
        elif settings.follow_ups == "previous" and current is not None:
            current[2] = end
        else:
            close()
            current = None
    close()
    return found


# -- why nothing was found --------------------------------------------------------------------

SPEAKER_LABELS_HELP = (
    "speaker labels recognised at a line start: 'Name:', '[Name]', 'Name (00:01:02):' (Rev), and "
    "a line holding only a name and a time, the speech on the lines after it: 'Name  0:03' "
    "(Otter.ai, Microsoft Teams) or '[Name] 11:02:09' (Zoom); for other labels give the option "
    "speaker_pattern, e.g. speaker_pattern='^(?P<speaker>[A-Z]+\\d*)> ' for 'R1> ...'"
)


def nothing_found(
    documents: Sequence[Document],
    results: Sequence[Sequence[Found]],
    proposed: Sequence[Coding],
    settings: Settings,
) -> list[str]:
    """Why a run proposed nothing, for the whole project or for some of its documents, and what
    to try: one line each."""
    if proposed:
        empty = [d for d, found in zip(documents, results, strict=True) if not found]
        return _partly_empty(empty, documents, settings) if empty else []
    if any(results):
        return [
            "every coding found is in the project already (an earlier run proposed it); "
            "nothing new to add"
        ]
    if settings.by == "heading":
        if any(headings(d) for d in documents):
            return [
                "the headings found have no text under them (each heading is followed by "
                "the next heading or the end of its document)"
            ]
        return [
            f"no headings found in {_how_many(documents)}: a heading is a paragraph in one of "
            "Word's heading styles (Heading 1, Heading 2 ...) or a Markdown line starting with "
            "'#'; give headings such a style, or code transcripts with by=speaker"
        ]
    turns = {d.id: document_turns(d, settings.speaker_patterns) for d in documents}
    if not any(turns.values()):
        return [
            f"no speaker turns found in {_how_many(documents)} ({_first_line(documents[0])}); "
            + SPEAKER_LABELS_HELP
        ]
    hints = _partly_empty([d for d in documents if not turns[d.id]], documents, settings)
    if settings.by == "speaker":
        speakers = sorted({t.speaker for found in turns.values() for t in found}, key=str.casefold)
        shown = _names(speakers)
        if settings.speakers:
            hints.append(
                f"no speaker matches speakers={','.join(settings.speakers)}; speakers found: "
                f"{shown}"
            )
        elif settings.roles:
            hints.append(
                "no speaker has a role in roles "
                f"({', '.join(f'{k}={v}' for k, v in settings.roles)}); speakers found: {shown}; "
                "map them, e.g. roles='PN*=participant,Interviewer=interviewer'"
            )
        else:
            hints.append("the speaker turns found hold no speech after their labels")
    return hints


def _partly_empty(
    empty: Sequence[Document], documents: Sequence[Document], settings: Settings
) -> list[str]:
    """A hint naming the documents without headings or speaker turns when others have them."""
    if settings.by == "heading":
        without = [d for d in empty if not headings(d)]
        what = "headings"
    else:
        without = [d for d in empty if not document_turns(d, settings.speaker_patterns)]
        what = "speaker turns"
    if not without:
        return []
    names = _names([d.name for d in without])
    line = f"no {what} found in {len(without)} of {_how_many(documents)}: {names}"
    if settings.by != "heading":
        line += f" ({_first_line(without[0])}); " + SPEAKER_LABELS_HELP
    return [line]


def _how_many(documents: Sequence[Document]) -> str:
    return "the document" if len(documents) == 1 else f"{len(documents)} documents"


def _names(names: Sequence[str], limit: int = 8) -> str:
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "") or "none"


def _first_line(document: Document) -> str:
    line = next((x.strip() for x in document.text.splitlines() if x.strip()), "")
    if len(line) > 60:
        line = line[:59] + "…"
    return f"the first line of {document.name} reads {line!r}"


def _any_turns(documents: Sequence[Document], settings: Settings) -> bool:
    return any(document_turns(d, settings.speaker_patterns) for d in documents)


# -- the strategy -----------------------------------------------------------------------------


class StructureStrategy(Strategy):
    """Codes by headings, speakers or interview-guide questions."""

    name = "structure"
    version = "1.0"
    description = "code by heading, by speaker (or role) or by interview-guide question"
    options: ClassVar[dict[str, str]] = {
        "by": "what to code by: heading (default), speaker or question",
        "root": "name of the code the new codes go under ('' for the top level); "
        "default Headings, Speakers or Interview guide",
        "include_heading": "heading: code the heading line with its section (default true)",
        "label": "speaker/question: include the speaker label (PN1:) in the coding (default true)",
        "roles": "speaker: map speakers (patterns like PN*) to roles, e.g. 'PN*=participant'; "
        "speakers without a role are skipped",
        "speakers": "speaker: only these speakers (comma-separated patterns)",
        "cases": "speaker: also make each speaker a case holding their turns (default false)",
        "guide": "question: the interview guide, a list or a file (.toml or one question a line)",
        "rules": "question: the same as guide",
        "interviewers": "question: interviewer speaker patterns "
        "(default Interviewer*, Int, I, I[0-9]*, Q, Moderator, Facilitator)",
        "min_similarity": "question: lowest similarity (0..1) for a match (default 0.15)",
        "follow_ups": "question: an unmatched interviewer turn joins the previous question "
        "(previous, default) or is not coded (skip)",
        "speaker_pattern": "speaker/question: a regular expression with a group named 'speaker' "
        "that matches speaker labels at line starts, e.g. '^(?P<speaker>[A-Z]+\\d*)> '; used "
        "instead of the turns recorded at import and the built-in labels",
    }

    def run(self, project: Project, runner: Runner, **options: Any) -> StrategyResult:
        given = Options(self.name, self.options, options)
        settings = self._settings(given)
        root = given.string("root", DEFAULT_ROOTS[settings.by]).strip()
        make_cases = given.boolean("cases", False)
        ignored = self._options_of_other_modes(given, settings.by)
        documents = [d for d in project.documents if d.text.strip()]
        if not documents:
            raise EmptyCorpusError(
                "the project has no documents with text to code by structure",
                hint="import documents first (qualcode import)",
            )
        tasks = [Task(attrs.evolve(d, source_file=None), settings) for d in documents]
        results = runner.map(code_document, tasks)
        parameters = {"by": settings.by, "root": root, **_parameters(settings)}
        coder = machine_coder(self.name, self.version)
        result = StrategyResult(coder=coder, warnings=ignored)
        codes: dict[tuple[str, ...], str] = {}
        root_path: tuple[str, ...] = (root,) if root else ()
        for question in settings.guide:  # the guide is a codebook: every question is a code
            self._code(project, result, codes, (*root_path, question.name), settings)
        speaker_codings: dict[str, list[str]] = {}
        for document, found in zip(documents, results, strict=True):
            for item in found:
                code_id = self._code(project, result, codes, root_path + item.path, settings)
                coding = Coding(
                    id=stable_id(self.name, document.id, code_id, item.start, item.end),
                    document_id=document.id,
                    code_id=code_id,
                    start=item.start,
                    end=item.end,
                    coder_id=coder.id,
                    provenance=Provenance(
                        method=ProvenanceMethod.RULE,
                        name=self.name,
                        version=self.version,
                        rule=item.rule,
                        parameters=parameters,
                    ),
                )
                if coding.id in project.codings:
                    continue  # proposed by an earlier run already
                result.codings.append(coding)
                if item.speaker:
                    speaker_codings.setdefault(item.speaker, []).append(coding.id)
        if make_cases:
            result.cases = _speaker_cases(project, speaker_codings)
        if settings.by == "question" and not any(results) and _any_turns(documents, settings):
            result.warnings.append(_no_interviewer(documents, settings))
        result.hints = nothing_found(documents, results, result.codings, settings)
        return result

    def _options_of_other_modes(self, given: Options, by: str) -> list[str]:
        """A warning for each option given that only another ``by`` uses (each option's help
        starts with the modes it belongs to, e.g. ``speaker/question:``)."""
        warnings = []
        for name in given.values:
            modes = self.options[name].partition(":")[0].split("/")
            if all(mode in MODES for mode in modes) and by not in modes:
                warnings.append(
                    f"option {name!r} is for by={' or by='.join(modes)}; with by={by} it is ignored"
                )
        return warnings

    def _settings(self, given: Options) -> Settings:
        by = given.string("by", "heading", MODES)
        guide: tuple[GuideQuestion, ...] = ()
        if by == "question":
            source = given.raw("guide") if given.has("guide") else given.raw("rules")
            if source is None:
                raise OptionError(
                    "coding by interview question needs the interview guide",
                    hint="pass guide=FILE (.toml or one question a line) or a list of questions",
                )
            guide = read_guide(source)
        return Settings(
            by=by,
            include_heading=given.boolean("include_heading", True),
            label=given.boolean("label", True),
            roles=given.mapping("roles"),
            speakers=given.strings("speakers", ()),
            interviewers=given.strings("interviewers", DEFAULT_INTERVIEWERS),
            guide=guide,
            min_similarity=given.number("min_similarity", 0.15, maximum=1.0),
            follow_ups=given.string("follow_ups", "previous", ("previous", "skip")),
            speaker_patterns=check_speaker_patterns(given.raw("speaker_pattern")) or (),
        )

    def _code(
        self,
        project: Project,
        result: StrategyResult,
        codes: dict[tuple[str, ...], str],
        path: tuple[str, ...],
        settings: Settings,
    ) -> str:
        """The id of the code at ``path``: an existing one of the project, or a new one."""
        known = codes.get(path)
        if known is not None:
            return known
        parent = self._code(project, result, codes, path[:-1], settings) if len(path) > 1 else None
        existing = project.code_by_path(path)
        if existing is not None:
            codes[path] = existing.id
            return existing.id
        definition = ""
        if settings.by == "question":
            match = next((q for q in settings.guide if q.name == path[-1]), None)
            definition = f"Interview-guide question: {match.text}" if match else ""
        code = Code(
            id=free_id(project, self.name, "code", *path),
            name=path[-1],
            parent_id=parent,
            definition=definition,
            origin=CodeOrigin.DEDUCTIVE if settings.by == "question" else None,
        )
        result.codes.append(code)
        codes[path] = code.id
        return code.id


def _parameters(settings: Settings) -> dict[str, Any]:
    if settings.by == "heading":
        return {"include_heading": settings.include_heading}
    patterns = (
        {"speaker_pattern": list(settings.speaker_patterns)} if settings.speaker_patterns else {}
    )
    if settings.by == "speaker":
        return {
            "label": settings.label,
            "roles": dict(settings.roles),
            "speakers": list(settings.speakers),
            **patterns,
        }
    return {
        "guide": [q.text for q in settings.guide],
        "interviewers": list(settings.interviewers),
        "min_similarity": settings.min_similarity,
        "follow_ups": settings.follow_ups,
        **patterns,
    }


def _speaker_cases(project: Project, codings: Mapping[str, list[str]]) -> list[Case]:
    """A case per speaker holding their turns; an existing case of that name is extended."""
    cases: list[Case] = []
    for speaker, coding_ids in codings.items():
        existing = project.cases.by_name(speaker)
        if existing:
            case = existing[0]
            added = [i for i in coding_ids if i not in set(case.coding_ids)]
            cases.append(attrs.evolve(case, coding_ids=case.coding_ids + tuple(added)))
        else:
            cases.append(
                Case(
                    id=free_id(project, "structure", "case", speaker),
                    name=speaker,
                    coding_ids=coding_ids,
                )
            )
    return cases
