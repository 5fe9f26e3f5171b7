"""Converting a project from one format to another: :func:`convert`, what ``qualcode convert`` runs.

Also the checks every command that writes a project shares: the output is not the input
(:func:`refuse_replacing_input`) and an exporter is given only the options it takes
(:func:`check_exporter_options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from qualcode.api import read
from qualcode.errors import LossError, OptionError, OutputIsInputError, about_file
from qualcode.fileio import check_input, check_output
from qualcode.formats.base import Exporter
from qualcode.losses import LossReport
from qualcode.options import check_plugin_options, option_names
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project


@attrs.frozen
class ConversionResult:
    """What :func:`convert` did: the formats used, the project, and what each side lost."""

    source: Path
    destination: Path
    importer: str
    """The name of the importer that read ``source``."""
    exporter: str
    """The name of the exporter that wrote ``destination``."""
    project: Project
    import_report: LossReport
    """What the import could not carry."""
    export_report: LossReport
    """What the export could not carry."""

    @property
    def report(self) -> LossReport:
        """Everything lost on the way, import then export."""
        combined = LossReport()
        combined.extend(self.import_report)
        combined.extend(self.export_report)
        return combined


def refuse_replacing_input(source: Path, destination: Path) -> None:
    """An :class:`~qualcode.errors.OutputIsInputError` if writing ``destination`` would replace
    ``source`` (the same file, also through a link)."""
    if source.resolve() == destination.resolve():
        raise OutputIsInputError(
            "the output would replace the input", path=destination, hint="write to another file"
        )


def check_exporter_options(exporter: type[Exporter], given: Mapping[str, object]) -> None:
    """Refuse options that ``exporter`` does not take: a misspelt or misplaced option would
    otherwise be ignored without a word."""
    try:
        check_plugin_options(exporter, given, owner=f"exporter {exporter.name!r}")
    except OptionError as error:
        if "target" in given and "target" not in option_names(exporter):
            error.hint = f"{error.hint}; --target is for REFI-QDA outputs (.qdpx, .qde)"
        raise


def convert(
    source: str | Path,
    destination: str | Path,
    *,
    source_format: str | None = None,
    destination_format: str | None = None,
    target: str | None = None,
    strict: bool = False,
    plugins: Plugins | None = None,
    **options: Any,
) -> ConversionResult:
    """Read ``source`` and write it to ``destination`` atomically; ``source`` is never changed.

    ``source_format`` names an importer (default: detected from the name, then the content) and
    ``destination_format`` an exporter (default: from the destination's extension). ``target``
    is the program a REFI-QDA file is written for (e.g. ``"nvivo"``); other ``options`` go to
    the exporter, which must declare them. With ``strict``, nothing is written if anything
    would be lost: :class:`~qualcode.errors.LossError` carries the report in ``error.report``.

    Everything is checked before the source is read: the source exists, the destination can be
    written to and is not the source (:class:`~qualcode.errors.OutputIsInputError`), the
    formats and options are known.
    """
    source, destination = Path(source), Path(destination)
    if target is not None:
        options["target"] = target
    check_input(source)
    check_output(destination)  # a folder or a missing folder fails before any work
    plugins = plugins or default_plugins()
    exporter_name = destination_format or plugins.exporter_for(destination)
    exporter = plugins.exporters.get(exporter_name)()
    check_exporter_options(type(exporter), options)
    refuse_replacing_input(source, destination)
    importer_name = source_format or plugins.detect(source)
    result = read(source, importer_name, plugins=plugins)
    if strict:
        combined = LossReport()
        combined.extend(result.report)
        with about_file(destination):
            combined.extend(exporter.losses(result.project, **options))
        if not combined.lossless:
            error = LossError(
                f"{len(combined.losses)} kind(s) of data would be lost",
                path=destination,
                hint="nothing was written; drop --strict (strict=False) to convert anyway",
            )
            error.report = combined
            raise error
    with about_file(destination):
        written = exporter.write(result.project, destination, **options)
    return ConversionResult(
        source=source,
        destination=destination,
        importer=importer_name,
        exporter=exporter_name,
        project=result.project,
        import_report=result.report,
        export_report=written,
    )
