"""qualcode: qualitative coding in Python.

The public API: :func:`load`, :func:`read` (a project with the report of what its import could
not carry), :func:`save`, :func:`convert`, :func:`code` (apply a coding strategy),
:func:`validate`, the model classes, :class:`Project`, and :data:`hookimpl` for plugin authors.
Everything the ``qualcode`` command line does is one of these calls; importing qualcode imports
no part of the command line.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from qualcode.api import load, read, save
from qualcode.batch import import_files
from qualcode.coding import CodingResult, code
from qualcode.conversion import ConversionResult, convert
from qualcode.errors import QualcodeError
from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.hookspecs import hookimpl
from qualcode.losses import Loss, LossReport
from qualcode.model import (
    MANUAL,
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
    new_id,
)
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult
from qualcode.validation import Problem, ValidationResult, validate

try:
    __version__ = version("qualcode")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "MANUAL",
    "Case",
    "Code",
    "CodeOrigin",
    "CodeStatus",
    "Coder",
    "Coding",
    "CodingResult",
    "ConversionResult",
    "Document",
    "DocumentKind",
    "Exporter",
    "ImportResult",
    "Importer",
    "Link",
    "LinkDirection",
    "Loss",
    "LossReport",
    "MediaRange",
    "Memo",
    "Paragraph",
    "PdfRegion",
    "PictureRegion",
    "Problem",
    "Project",
    "Provenance",
    "ProvenanceMethod",
    "QualcodeError",
    "Runner",
    "Set",
    "SourceFile",
    "SourceKind",
    "SpeakerTurn",
    "Strategy",
    "StrategyResult",
    "SyncPoint",
    "TextOrigin",
    "Theme",
    "ThemeStatus",
    "ValidationResult",
    "Variable",
    "VariableType",
    "__version__",
    "code",
    "convert",
    "hookimpl",
    "import_files",
    "load",
    "new_id",
    "read",
    "save",
    "validate",
]
