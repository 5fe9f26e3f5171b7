"""What every importer and exporter must do, as checks plugin authors call in their tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualcode.formats.base import Exporter, Importer, ImportResult
from qualcode.losses import LossReport
from qualcode.options import declared_options
from qualcode.project import Project
from qualcode.testing.compare import assert_projects_equal


def _digest(path: Path) -> str:
    if path.is_dir():
        digest = hashlib.sha256()
        for item in sorted(path.rglob("*")):
            digest.update(str(item.relative_to(path)).encode())
            if item.is_file():
                digest.update(item.read_bytes())
        return digest.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_class(cls: type[Any], base: type[Any]) -> None:
    assert issubclass(cls, base), f"{cls.__qualname__} is not a subclass of {base.__name__}"
    name = getattr(cls, "name", None)
    assert isinstance(name, str) and name, f"{cls.__qualname__} has no name"
    for extension in cls.extensions:
        assert extension.startswith(".") and extension == extension.lower(), (
            f"{cls.__qualname__}: extension {extension!r} must be lower case and start with a dot"
        )
    for option in declared_options(cls):  # a malformed declaration raises, naming the class
        assert option.help, f"{cls.__qualname__}: option {option.name!r} has no help text"


def check_importer(importer_cls: type[Importer], path: str | Path, **options: Any) -> ImportResult:
    """Check that ``importer_cls`` reads ``path`` as every importer must; return its result.

    The class has a name and well-formed extensions; ``sniff`` answers a bool; ``read`` returns
    an :class:`ImportResult` whose project passes :meth:`Project.check`; the input is unchanged.
    """
    path = Path(path)
    _check_class(importer_cls, Importer)
    before = _digest(path)
    head = b""
    if path.is_file():
        with path.open("rb") as stream:
            head = stream.read(4096)
    sniffed = importer_cls.sniff(path, head)
    assert isinstance(sniffed, bool), f"{importer_cls.__qualname__}.sniff must return a bool"
    result = importer_cls().read(path, **options)
    assert isinstance(result, ImportResult), "read() must return an ImportResult"
    assert isinstance(result.project, Project), "ImportResult.project must be a Project"
    assert isinstance(result.report, LossReport), "ImportResult.report must be a LossReport"
    problems = result.project.check()
    assert not problems, "the imported project breaks integrity rules: " + "; ".join(
        str(p) for p in problems
    )
    assert _digest(path) == before, f"{importer_cls.__qualname__} modified its input {path}"
    return result


def check_roundtrip(
    exporter_cls: type[Exporter],
    importer_cls: type[Importer],
    project: Project,
    tmp_path: str | Path,
    *,
    compare: Callable[[Project, Project], None] | None = None,
    **options: Any,
) -> tuple[LossReport, Project]:
    """Write ``project`` with the exporter, read it back with the importer, and check both.

    The exporter's ``losses()`` must agree with what ``write()`` reports; when nothing was
    reported lost, the project read back must equal the original (``compare``, default
    :func:`assert_projects_equal`). The project given is not changed. Returns the export
    report and the project read back.
    """
    _check_class(exporter_cls, Exporter)
    _check_class(importer_cls, Importer)
    folder = Path(tmp_path)
    suffix = exporter_cls.extensions[0] if exporter_cls.extensions else ""
    target = folder / f"roundtrip{suffix}"
    from qualcode.formats.native_json import encode_project

    before = encode_project(project)
    exporter = exporter_cls()
    predicted = exporter.losses(project, **options)
    report = exporter.write(project, target, **options)
    assert isinstance(report, LossReport), "write() must return a LossReport"
    assert target.exists(), f"{exporter_cls.__qualname__} wrote nothing to {target}"
    assert sorted(map(str, predicted)) == sorted(map(str, report)), (
        f"losses() predicted {predicted.lines()} but write() reported {report.lines()}"
    )
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    assert encode_project(project) == before, f"{exporter_cls.__qualname__} changed the project"
    back = check_importer(importer_cls, target).project
    if report.lossless:
        (compare or assert_projects_equal)(project, back)
    return report, back
