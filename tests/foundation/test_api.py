"""load / save / read: format choice, clear errors, atomic output, untouched inputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

import qualcode
from qualcode import Exporter, LossReport, Project, hookimpl
from qualcode.errors import InputNotFoundError, OutputError, UnknownFormatError
from qualcode.fileio import atomic_output, read_bytes, write_bytes_atomically
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.testing import assert_projects_equal


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_then_load_is_the_same_project(sample_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "study.json"
    report = qualcode.save(sample_project, target)
    assert isinstance(report, LossReport) and report.lossless
    assert_projects_equal(sample_project, qualcode.load(target))
    result = qualcode.read(target)
    assert result.report.lossless
    assert_projects_equal(sample_project, result.project)


def test_loading_never_changes_the_input(sample_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "study.json"
    qualcode.save(sample_project, target)
    text_file = tmp_path / "note.txt"
    text_file.write_bytes(b"\xef\xbb\xbfline one\r\nline two\r\n")
    for path in (target, text_file):
        before, modified = digest(path), path.stat().st_mtime_ns
        qualcode.load(path)
        assert digest(path) == before
        assert path.stat().st_mtime_ns == modified


def test_unknown_format_name_lists_the_known_ones(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x")
    with pytest.raises(UnknownFormatError) as caught:
        qualcode.load(source, format="nvivo-binary")
    message = str(caught.value)
    assert "'nvivo-binary'" in message
    for name in ("json", "text"):
        assert name in message
    with pytest.raises(UnknownFormatError, match=r"known exporters: .*json"):
        qualcode.save(Project(), tmp_path / "out.json", format="nope")


def test_undetectable_file_lists_the_known_formats(tmp_path: Path) -> None:
    source = tmp_path / "mystery.bin"
    source.write_bytes(b"\x00\x01\x02 nothing recognisable")
    with pytest.raises(UnknownFormatError) as caught:
        qualcode.load(source)
    message = str(caught.value)
    assert message.startswith(f"{source}: cannot tell the format")
    assert "json (.qualcode.json .json)" in message and "text (.txt" in message


def test_unknown_output_extension(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError) as caught:
        qualcode.save(Project(), tmp_path / "out.unknownext")
    assert "json (.qualcode.json .json)" in str(caught.value)


def test_missing_input(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError) as caught:
        qualcode.load(tmp_path / "absent.json")
    assert caught.value.path == str(tmp_path / "absent.json")
    with pytest.raises(InputNotFoundError):
        read_bytes(tmp_path)


class FailingExporter(Exporter):
    """Writes half a file, then fails, as a crashing exporter would."""

    name = "failing"
    extensions = (".fail",)
    description = "fails half way"

    def write(self, project: Project, path: Path, **options: Any) -> LossReport:
        with atomic_output(path) as stream:
            stream.write(b"half a fi")
            raise RuntimeError("disk on fire")


class FailingPlugin:
    @hookimpl
    def register_exporters(self) -> list[type[Exporter]]:
        return [FailingExporter]


def test_a_failing_exporter_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "study.fail"
    target.write_bytes(b"the good old project")
    plugins = Plugins(get_plugin_manager(load_entrypoints=False, extra=[FailingPlugin()]))
    with pytest.raises(RuntimeError, match="disk on fire"):
        qualcode.save(Project(), target, plugins=plugins)
    assert target.read_bytes() == b"the good old project"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.fail"]


def test_json_export_failing_half_way_keeps_the_old_file(
    sample_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "study.json"
    qualcode.save(sample_project, target)
    before = digest(target)

    def broken_dumps(*args: Any, **kwargs: Any) -> str:
        raise MemoryError("out of memory while encoding")

    monkeypatch.setattr(json, "dumps", broken_dumps)
    with pytest.raises(MemoryError):
        qualcode.save(Project(name="new"), target)
    assert digest(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["study.json"]


def test_atomic_output_replaces_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_bytes_atomically(target, b"first")
    write_bytes_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    with pytest.raises(OutputError, match="output folder does not exist"):
        write_bytes_atomically(tmp_path / "no" / "such" / "out.bin", b"x")
