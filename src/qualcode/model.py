"""The entities of a qualitative coding project.

Every entity is a small frozen attrs class with a GUID ``id``; a changed copy comes from
:func:`attrs.evolve`. No file format lives here. The :class:`~qualcode.project.Project`
aggregate owns the entities and enforces the rules that join them.

Spans are in Unicode code points of the document's canonical text, end exclusive, so
``document.text[coding.start:coding.end]`` is the quote.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

K = TypeVar("K")
V = TypeVar("V")


def new_id() -> str:
    """A new random GUID in the canonical form (lower case, no braces)."""
    return str(uuid.uuid4())


def canonical_id(value: str) -> str:
    """The canonical form of a GUID written in either case, with or without braces."""
    return value.strip().strip("{}").lower()


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable mapping, so that entities holding mappings stay hashable."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._items: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset((key, FrozenMap._hashable(value)) for key, value in self.items()))

    @staticmethod
    def _hashable(value: object) -> object:
        """``value`` in a form that hashes as it compares: a list or a mapping read from a
        file (provenance parameters) hashes by its content, like the tuple or map it equals."""
        if isinstance(value, Mapping):
            return frozenset((k, FrozenMap._hashable(v)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return tuple(FrozenMap._hashable(v) for v in value)
        if isinstance(value, set | frozenset):
            return frozenset(FrozenMap._hashable(v) for v in value)
        return value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._items == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def _freeze_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenMap((str(k), _freeze_value(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_freeze_value(v) for v in value)
    return value


def frozen_map(value: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None) -> FrozenMap[Any, Any]:
    """Converter: any mapping (or pairs) to a :class:`FrozenMap` with frozen values."""
    if isinstance(value, FrozenMap):
        return value
    if value is None:
        return FrozenMap()
    items = value.items() if isinstance(value, Mapping) else value
    return FrozenMap((k, _freeze_value(v)) for k, v in items)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


# ---------------------------------------------------------------------------------------------
# Enumerations


class DocumentKind(enum.StrEnum):
    """What kind of data a document is."""

    INTERVIEW = "interview"
    DIARY = "diary"
    FIELD_NOTE = "field_note"
    FOCUS_GROUP = "focus_group"
    SURVEY_RESPONSE = "survey_response"
    OTHER = "other"


class SourceKind(enum.StrEnum):
    """The medium of a document's source. Analysis covers text; the rest is carried through."""

    TEXT = "text"
    PDF = "pdf"
    PICTURE = "picture"
    AUDIO = "audio"
    VIDEO = "video"


class CodeOrigin(enum.StrEnum):
    """Whether a code was fixed in advance (deductive) or emerged from the data (inductive)."""

    DEDUCTIVE = "deductive"
    INDUCTIVE = "inductive"


class CodeStatus(enum.StrEnum):
    """A code in use, or a suggestion waiting for a person to keep, rename, merge or drop it."""

    ACTIVE = "active"
    CANDIDATE = "candidate"


class ThemeStatus(enum.StrEnum):
    """Where a theme stands in the analysis."""

    CANDIDATE = "candidate"
    REVIEWED = "reviewed"
    FINAL = "final"


class VariableType(enum.StrEnum):
    """The type of a variable's values (the six types of REFI-QDA)."""

    TEXT = "text"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    FLOAT = "float"
    DATE = "date"
    DATETIME = "datetime"


class ProvenanceMethod(enum.StrEnum):
    """How a coding was made."""

    MANUAL = "manual"
    RULE = "rule"
    MODEL = "model"


class LinkDirection(enum.StrEnum):
    """The direction of a link between two entities."""

    ASSOCIATIVE = "associative"
    ONE_WAY = "one_way"
    BIDIRECTIONAL = "bidirectional"


Value = str | bool | int | float | dt.date | dt.datetime
"""A typed variable value: the Python type follows the variable's :class:`VariableType`."""

VALUE_TYPES: Mapping[VariableType, tuple[type, ...]] = {
    VariableType.TEXT: (str,),
    VariableType.BOOLEAN: (bool,),
    VariableType.INTEGER: (int,),
    VariableType.FLOAT: (float, int),
    VariableType.DATE: (dt.date,),
    VariableType.DATETIME: (dt.datetime,),
}


def value_matches(kind: VariableType, value: Value) -> bool:
    """Whether ``value`` is a valid value for a variable of type ``kind``."""
    if kind in (VariableType.INTEGER, VariableType.FLOAT) and isinstance(value, bool):
        return False
    if kind is VariableType.DATE and isinstance(value, dt.datetime):
        return False
    return isinstance(value, VALUE_TYPES[kind])


# ---------------------------------------------------------------------------------------------
# Regions of non-text sources and document structure


@attrs.frozen
class PdfRegion:
    """A box on a PDF page (REFI-QDA PDFSelection): page from 0, corners in PDF points."""

    page: int
    first_x: float
    first_y: float
    second_x: float
    second_y: float


@attrs.frozen
class PictureRegion:
    """A rectangle of a picture in pixels (REFI-QDA PictureSelection)."""

    first_x: int
    first_y: int
    second_x: int
    second_y: int


@attrs.frozen
class MediaRange:
    """A time range of an audio or video source in milliseconds, end exclusive."""

    begin_ms: int
    end_ms: int


Region = PdfRegion | PictureRegion | MediaRange


@attrs.frozen
class Paragraph:
    """A paragraph of a document's text as the source laid it out."""

    start: int
    end: int
    style: str = ""
    heading_level: int = 0
    in_table: bool = False


@attrs.frozen
class SpeakerTurn:
    """A stretch of text spoken by one speaker; ``start``/``end`` cover the whole turn."""

    start: int
    end: int
    speaker: str


@attrs.frozen
class SyncPoint:
    """A link between a position in a transcript's text and a time in its media, in ms."""

    position: int
    time_ms: int


@attrs.frozen
class SourceFile:
    """An original file kept with a document: the .docx it came from, a PDF, a picture, a recording.

    ``data`` holds the bytes when they are carried inside the project; ``path`` names where the file
    lived (or lives, for media kept outside the project).
    """

    name: str
    data: bytes | None = attrs.field(default=None, repr=False)
    path: str | None = None
    media_type: str = ""


@attrs.frozen
class TextOrigin:
    """How a document's text was decoded, so an exporter can give it back the same way."""

    encoding: str = "utf-8"
    had_bom: bool = False
    newline: str = "\n"
    """The line ending of the original: ``"\\n"``, ``"\\r\\n"``, ``"\\r"`` or ``"mixed"``."""


# ---------------------------------------------------------------------------------------------
# Entities


@attrs.frozen
class Coder:
    """A person or a machine that codes. Machine coders have ``machine=True``.

    ``initials`` is a short name as some programs keep one beside the full name (NVivo writes a
    user's initials into REFI-QDA ``User/@id``); empty where there is none.
    """

    id: str = attrs.field(converter=canonical_id)
    name: str
    machine: bool = False
    initials: str = ""


@attrs.frozen
class Variable:
    """A typed attribute that cases (and documents) can carry, e.g. role or organisation type."""

    id: str = attrs.field(converter=canonical_id)
    name: str
    type: VariableType = VariableType.TEXT
    description: str = ""


@attrs.frozen
class Case:
    """A unit of analysis (a participant, a site) with typed attribute values.

    Documents join a case through :attr:`Document.case_id`. ``code_ids`` and ``coding_ids`` are
    codes and codings tied to the case directly (REFI-QDA CodeRef and SelectionRef).
    """

    id: str = attrs.field(converter=canonical_id)
    name: str
    description: str = ""
    attributes: FrozenMap[str, Value] = attrs.field(factory=FrozenMap, converter=frozen_map)
    code_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    coding_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class Document:
    """A source of data with one canonical text (a ``str``, no BOM, LF line ends).

    ``time_point`` is an ordered wave (1, 2, 3, ...); ``kind`` says what the data is. Non-text
    sources keep their file in ``source_file`` and their text representation (if any) in ``text``.
    """

    id: str = attrs.field(converter=canonical_id)
    name: str
    text: str = attrs.field(default="", repr=False)
    kind: DocumentKind = DocumentKind.OTHER
    source: SourceKind = SourceKind.TEXT
    case_id: str | None = None
    time_point: int | None = None
    description: str = ""
    attributes: FrozenMap[str, Value] = attrs.field(factory=FrozenMap, converter=frozen_map)
    source_file: SourceFile | None = None
    text_origin: TextOrigin | None = None
    paragraphs: tuple[Paragraph, ...] = attrs.field(default=(), converter=_tuple, repr=False)
    turns: tuple[SpeakerTurn, ...] = attrs.field(default=(), converter=_tuple, repr=False)
    sync_points: tuple[SyncPoint, ...] = attrs.field(default=(), converter=_tuple, repr=False)
    created_by: str | None = None
    created_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


@attrs.frozen
class Code:
    """A code of the codebook. ``parent_id`` places it in the code tree.

    The codebook fields say what the code means and how to apply it; ``origin`` says whether it
    was fixed in advance or emerged; ``status`` marks machine suggestions awaiting review.
    """

    id: str = attrs.field(converter=canonical_id)
    name: str
    parent_id: str | None = None
    color: str | None = None
    codable: bool = True
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    origin: CodeOrigin | None = None
    status: CodeStatus = CodeStatus.ACTIVE
    created_by: str | None = None
    created_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


@attrs.frozen
class Theme:
    """A theme: groups codes (many to many), may have subthemes through ``parent_id``."""

    id: str = attrs.field(converter=canonical_id)
    name: str
    code_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    parent_id: str | None = None
    definition: str = ""
    narrative: str = ""
    status: ThemeStatus = ThemeStatus.CANDIDATE


@attrs.frozen
class Provenance:
    """How a coding was made: by hand, by a rule of a strategy, or by a model.

    For rules and models, ``name`` and ``version`` identify the strategy or model, ``rule`` says
    which rule or term fired, and ``parameters`` holds the settings used.
    """

    method: ProvenanceMethod = ProvenanceMethod.MANUAL
    name: str = ""
    version: str = ""
    rule: str = ""
    parameters: FrozenMap[str, Any] = attrs.field(factory=FrozenMap, converter=frozen_map)


MANUAL = Provenance()
"""The provenance of a coding made by hand (shared, to keep a million codings small)."""


@attrs.frozen
class Coding:
    """A span of a document coded with a code by a coder.

    For non-text sources ``region`` holds the box or time range, and ``start``/``end`` the span of
    the source's text representation (0, 0 where there is none).

    Where the program a coding came from keeps the coded passage apart from the coding (a
    REFI-QDA selection holding a Coding), ``selected_by``/``selected_at`` say who marked the
    passage and when, where that differs from the coding's ``coder_id``/``created`` (None
    otherwise), and ``modified_by``/``modified_at`` who last changed the passage and when.
    """

    id: str = attrs.field(converter=canonical_id)
    document_id: str
    code_id: str
    start: int
    end: int
    coder_id: str | None = None
    created: dt.datetime | None = None
    provenance: Provenance = MANUAL
    region: Region | None = None
    selected_by: str | None = None
    selected_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


@attrs.frozen
class Memo:
    """A note, attached to any entities by id (none: a memo about the whole project).

    A memo anchored in a document's text also has ``start``/``end`` there.
    """

    id: str = attrs.field(converter=canonical_id)
    name: str
    text: str = ""
    target_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    start: int | None = None
    end: int | None = None
    created_by: str | None = None
    created_at: dt.datetime | None = None
    modified_by: str | None = None
    modified_at: dt.datetime | None = None


@attrs.frozen
class Set:
    """A named group of entities (codes, documents, memos), e.g. "Wave 1 interviews"."""

    id: str = attrs.field(converter=canonical_id)
    name: str
    member_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    description: str = ""


@attrs.frozen
class Link:
    """A named relation between two entities."""

    id: str = attrs.field(converter=canonical_id)
    name: str
    origin_id: str
    target_id: str
    direction: LinkDirection = LinkDirection.ASSOCIATIVE
    color: str | None = None


Entity = Document | Code | Theme | Coding | Case | Variable | Coder | Memo | Set | Link
