"""Batch import: files and folders into one project, patterns, merging and keep-going."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

import qualcode
from qualcode import hookimpl
from qualcode.analysis.merge import Merger
from qualcode.batch import FilenamePattern, collect_files, import_files, import_into
from qualcode.errors import OptionError, ParseError, QualcodeError, ValueTypeError
from qualcode.formats.base import Importer, ImportResult
from qualcode.model import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    DocumentKind,
    Memo,
    Theme,
    Variable,
    VariableType,
    new_id,
)
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.project import Project

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hello from {name}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- filename patterns ------------------------------------------------------------------------


def test_pattern_fields_come_from_the_file_name() -> None:
    pattern = FilenamePattern.compile("{case}_T{wave}.docx")
    assert pattern.match(Path("folder/P01_T2.docx")) == {"case": "P01", "wave": "2"}
    assert pattern.match(Path("Anna_Lee_t10.DOCX")) == {"case": "Anna_Lee", "wave": "10"}
    assert pattern.match(Path("P01_T2.txt")) is None
    assert pattern.match(Path("P01_Tx.docx")) is None
    without_extension = FilenamePattern.compile("{kind}-{case}")
    assert without_extension.match(Path("diary-P7.txt")) == {"kind": "diary", "case": "P7"}
    assert FilenamePattern.compile("*_{case}.vtt").match(Path("2024_x_P3.vtt")) == {"case": "x_P3"}


@pytest.mark.parametrize("text", ["{person}_T{wave}", "{case", "plain.docx", "{case}_{case}"])
def test_bad_patterns_are_option_errors(text: str) -> None:
    with pytest.raises(OptionError):
        FilenamePattern.compile(text)


# -- folders ----------------------------------------------------------------------------------


def test_folders_are_searched_for_known_files_only(tmp_path: Path) -> None:
    write(tmp_path / "data" / "b.vtt", VTT)
    write(tmp_path / "data" / "sub" / "a.txt", "text")
    write(tmp_path / "data" / "notes.xyz", "unknown")
    write(tmp_path / "data" / ".hidden.txt", "hidden")
    write(tmp_path / "data" / "~$lock.txt", "lock file")
    write(tmp_path / "data" / "project.qualcode.json", "{}")
    plugins = Plugins()
    found = collect_files(
        [tmp_path / "data"], plugins, exclude=[tmp_path / "data" / "project.qualcode.json"]
    )
    assert [p.relative_to(tmp_path / "data").as_posix() for p in found] == ["b.vtt", "sub/a.txt"]
    only_vtt = collect_files([tmp_path / "data"], plugins, format="vtt")
    assert [p.name for p in only_vtt] == ["b.vtt"]


# -- importing --------------------------------------------------------------------------------


def test_pattern_assigns_cases_and_time_points(tmp_path: Path) -> None:
    for name in ("P1_T1", "P1_T2", "P2_T1"):
        write(tmp_path / "in" / f"{name}.vtt", VTT.format(name=name))
    result = import_files(
        [tmp_path / "in"], pattern="{case}_T{wave}.vtt", kind=DocumentKind.FOCUS_GROUP
    )
    project = result.project
    assert [c.name for c in project.cases] == ["P1", "P2"]
    p1 = project.cases.by_name("P1")[0]
    assert [(d.name, d.time_point) for d in project.case_documents(p1.id)] == [
        ("P1_T1", 1),
        ("P1_T2", 2),
    ]
    assert {d.kind for d in project.documents} == {DocumentKind.FOCUS_GROUP}
    assert project.time_points() == [1, 2]
    assert result.documents == 3
    assert len(result.imported) == 3


def test_a_name_written_decomposed_is_the_same_case(tmp_path: Path) -> None:
    # macOS hands out "E" + U+0301 for "É": one participant became two look-alike cases
    write(tmp_path / "E\u0301mile_T1.vtt", VTT.format(name="a"))
    write(tmp_path / "\u00c9mile_T2.vtt", VTT.format(name="b"))
    result = import_files(sorted((tmp_path).glob("*.vtt")), pattern="{case}_T{wave}")
    assert [c.name for c in result.project.cases] == ["\u00c9mile"]
    assert sorted(d.time_point for d in result.project.documents) == [1, 2]


def test_existing_cases_are_reused(tmp_path: Path) -> None:
    project = Project()
    existing = project.add_case(Case(id=new_id(), name="P1"))
    write(tmp_path / "P1_T3.vtt", VTT.format(name="x"))
    import_files([tmp_path / "P1_T3.vtt"], project, pattern="{case}_T{wave}")
    (document,) = project.documents
    assert document.case_id == existing.id
    assert len(project.cases) == 1


def test_a_file_not_matching_the_pattern_is_a_bad_file(tmp_path: Path) -> None:
    write(tmp_path / "P1_T1.vtt", VTT.format(name="a"))
    write(tmp_path / "oddname.vtt", VTT.format(name="b"))
    with pytest.raises(OptionError, match="does not match the pattern") as raised:
        import_files([tmp_path], pattern="{case}_T{wave}.vtt")
    assert raised.value.path is not None
    assert raised.value.path.endswith("oddname.vtt")
    result = import_files([tmp_path], pattern="{case}_T{wave}.vtt", keep_going=True)
    assert [o.path.name for o in result.skipped] == ["oddname.vtt"]
    assert [d.name for d in result.project.documents] == ["P1_T1"]


def coded_project(coder: str, codes: list[tuple[str, ...]], case: str, value: Any) -> Project:
    """A small project with one document coded once with each code path."""
    project = Project(name=f"by {coder}")
    person = project.add_coder(Coder(id=new_id(), name=coder))
    variable_type = VariableType.FLOAT if isinstance(value, float) else VariableType.INTEGER
    age = project.add_variable(Variable(id=new_id(), name="age", type=variable_type))
    the_case = project.add_case(Case(id=new_id(), name=case, attributes={age.id: value}))
    document = project.add_document(
        Document(id=new_id(), name=f"{coder}'s doc", text="one two three", case_id=the_case.id)
    )
    for position, path in enumerate(codes):
        parent: str | None = None
        for depth, name in enumerate(path):
            found = project.code_by_path(path[: depth + 1])
            if found is None:
                found = project.add_code(Code(id=new_id(), name=name, parent_id=parent))
            parent = found.id
        assert parent is not None
        start = position * 4
        project.add_coding(
            Coding(
                id=new_id(),
                document_id=document.id,
                code_id=parent,
                start=start,
                end=start + 3,
                coder_id=person.id,
            )
        )
    theme = project.add_theme(Theme(id=new_id(), name="Emotion", code_ids=[parent]))
    project.add_memo(
        Memo(id=new_id(), name="note", text=f"{coder} was here", target_ids=[theme.id])
    )
    return project


def test_merging_matches_codes_by_path_and_coders_cases_variables_by_name(
    tmp_path: Path,
) -> None:
    first = coded_project("ann", [("Feelings", "Joy"), ("Place",)], "P1", 30)
    second = coded_project("ann", [("Feelings", "Joy"), ("Feelings", "Fear")], "P1", 30)
    third = coded_project("bob", [("Place",)], "P2", 41.5)
    paths = []
    for index, project in enumerate((first, second, third)):
        path = tmp_path / f"{index}.qualcode.json"
        qualcode.save(project, path)
        paths.append(path)
    merged = import_files(paths).project
    code_paths = sorted(merged.code_path(c.id) for c in merged.codes)
    assert code_paths == [
        ("Feelings",),
        ("Feelings", "Fear"),
        ("Feelings", "Joy"),
        ("Place",),
    ]
    assert sorted(c.name for c in merged.coders) == ["ann", "bob"]
    assert sorted(c.name for c in merged.cases) == ["P1", "P2"]
    (age,) = merged.variables
    assert age.type is VariableType.FLOAT  # integer widened by the float of the third file
    values = {c.name: c.attributes[age.id] for c in merged.cases}
    assert values == {"P1": 30, "P2": 41.5}
    assert len(merged.documents) == 3
    assert len(merged.codings) == 5
    ann = merged.coders.by_name("ann")[0]
    joy = merged.code_by_path(("Feelings", "Joy"))
    assert joy is not None
    joy_codings = merged.find_codings(code_id=joy.id)
    assert [(merged.quote(c), c.coder_id) for c in joy_codings] == [("one", ann.id)] * 2
    (theme,) = merged.themes
    assert len(theme.code_ids) == 2  # Place and Fear, the last code of each file's theme
    assert [m.target_ids for m in merged.memos] == [(theme.id,)] * 3
    assert merged.check() == []


def test_importing_the_same_project_twice_gets_fresh_ids(tmp_path: Path) -> None:
    path = tmp_path / "p.qualcode.json"
    qualcode.save(coded_project("ann", [("A",)], "P1", 1), path)
    merged = import_files([path, path.parent / "p.qualcode.json"]).project  # same file, once
    assert len(merged.documents) == 1
    target = import_files([path]).project
    Merger(target).merge(qualcode.load(path))
    assert len(target.documents) == 2
    assert len(target.codes) == 1
    assert len(target.codings) == 2
    assert target.check() == []


def test_a_variable_type_conflict_leaves_the_target_unchanged(tmp_path: Path) -> None:
    target = Project()
    target.add_variable(Variable(id=new_id(), name="age", type=VariableType.DATE))
    before = target.counts()
    source = coded_project("ann", [("A",)], "P1", 30)
    with pytest.raises(ValueTypeError, match="age"):
        Merger(target).merge(source)
    assert target.counts() == before


# -- keep-going and writing -------------------------------------------------------------------


def test_without_keep_going_one_bad_file_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "in" / "good.vtt", VTT.format(name="good"))
    write(tmp_path / "in" / "bad.vtt", "WEBVTT\n\n00:00:01.000 --> never\nbroken\n")
    target = tmp_path / "study.qualcode.json"
    with pytest.raises(ParseError) as raised:
        import_into([tmp_path / "in"], target)
    assert raised.value.path is not None
    assert raised.value.path.endswith("bad.vtt")
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no temporary file left


def test_keep_going_skips_bad_files_and_writes_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "in" / "good.vtt", VTT.format(name="good"))
    write(tmp_path / "in" / "bad.vtt", "WEBVTT\n\n00:00:01.000 --> never\nbroken\n")
    target = tmp_path / "study.qualcode.json"
    result = import_into([tmp_path / "in"], target, keep_going=True)
    assert [o.path.name for o in result.skipped] == ["bad.vtt"]
    assert isinstance(result.skipped[0].error, ParseError)
    assert [d.name for d in qualcode.load(target).documents] == ["good"]


def test_an_existing_project_is_extended_and_a_failure_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "study.qualcode.json"
    write(tmp_path / "a.vtt", VTT.format(name="a"))
    import_into([tmp_path / "a.vtt"], target)
    write(tmp_path / "b.vtt", VTT.format(name="b"))
    import_into([tmp_path / "b.vtt"], target)
    assert [d.name for d in qualcode.load(target).documents] == ["a", "b"]
    again = import_into([tmp_path / "a.vtt"], target)
    assert any("already has documents named 'a'" in w for w in again.report.warnings)
    assert [d.name for d in qualcode.load(target).documents] == ["a", "b", "a"]
    before = target.read_bytes()
    write(tmp_path / "c.vtt", "not a transcript")
    with pytest.raises(QualcodeError):
        import_into([tmp_path / "b.vtt", tmp_path / "c.vtt"], target)
    assert target.read_bytes() == before


def test_when_every_file_fails_nothing_is_written(tmp_path: Path) -> None:
    write(tmp_path / "c.vtt", "not a transcript")
    target = tmp_path / "study.qualcode.json"
    with pytest.raises(QualcodeError, match="nothing was written"):
        import_into([tmp_path / "c.vtt"], target, keep_going=True)
    assert not target.exists()


def test_unknown_format_and_missing_input_fail_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "study.qualcode.json"
    with pytest.raises(QualcodeError, match="unknown importer"):
        import_into([tmp_path], target, format="nope")
    with pytest.raises(QualcodeError, match="no such file"):
        import_into([tmp_path / "missing.vtt"], target)
    with pytest.raises(QualcodeError, match="cannot tell which format"):
        import_into([tmp_path], tmp_path / "study.unknown")
    assert sorted(tmp_path.iterdir()) == []


# -- any registered importer ------------------------------------------------------------------


class LinesImporter(Importer):
    """A third party's importer: one document per line of a .lines file."""

    name = "lines"
    extensions = (".lines",)
    options: ClassVar[dict[str, str]] = {"prefix": "text put before each line"}

    def read(self, path: Path, **options: Any) -> ImportResult:
        project = Project()
        for line in path.read_text(encoding="utf-8").splitlines():
            project.add_document(
                Document(id=new_id(), name=line, text=str(options.get("prefix", "")) + line)
            )
        return ImportResult(project)


class LinesPlugin:
    @hookimpl
    def register_importers(self) -> list[type[Importer]]:
        return [LinesImporter]


def test_any_registered_importer_takes_part_with_its_options(tmp_path: Path) -> None:
    plugins = Plugins(get_plugin_manager(load_entrypoints=False, extra=[LinesPlugin()]))
    write(tmp_path / "in" / "P9_T4.lines", "first\nsecond\n")
    write(tmp_path / "in" / "P9_T5.vtt", VTT.format(name="P9"))
    result = import_files(
        [tmp_path / "in"],
        pattern="{case}_T{wave}",
        options={"prefix": "> "},
        plugins=plugins,
    )
    project = result.project
    assert [(d.text, d.time_point) for d in project.documents][:2] == [
        ("> first", 4),
        ("> second", 4),
    ]
    assert [o.importer for o in result.outcomes] == ["lines", "vtt"]
    assert {d.case_id for d in project.documents} == {project.cases.by_name("P9")[0].id}


def test_word_files_from_the_docx_importer_merge_with_their_comment_codings(
    tmp_path: Path, shared_dir: Path
) -> None:
    sample = shared_dir / "samples" / "word-comments__doc_v1.docx"
    if "docx" not in Plugins().importers:
        pytest.skip("no docx importer registered")
    before = sample.read_bytes()
    alone = qualcode.load(sample)
    write(tmp_path / "P1_T2.vtt", VTT.format(name="P1"))
    target = tmp_path / "study.qualcode.json"
    result = import_into([sample, tmp_path / "P1_T2.vtt"], target, pattern="{any}_{any}{wave}")
    merged = qualcode.load(target)
    assert [o.importer for o in result.outcomes] == ["docx", "vtt"]
    assert sorted(d.time_point for d in merged.documents if d.time_point) == [1, 2]
    assert sorted((merged.quote(c), merged.code_path(c.code_id)) for c in merged.codings) == (
        sorted((alone.quote(c), alone.code_path(c.code_id)) for c in alone.codings)
    )
    assert [c.name for c in merged.coders] == [c.name for c in alone.coders]
    assert sample.read_bytes() == before


def test_progress_is_reported_before_and_after_each_file(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write(tmp_path / f"{name}.vtt", VTT.format(name=name))
    calls: list[tuple[str, int, int]] = []
    import_files(
        [tmp_path], progress=lambda path, done, total: calls.append((path.name, done, total))
    )
    assert calls == [("a.vtt", 0, 2), ("a.vtt", 1, 2), ("b.vtt", 2, 2)]


def test_an_importer_error_without_a_file_names_the_file(tmp_path: Path) -> None:
    # the plain-text importer's option error names no file; in a batch of many that was a riddle
    source = write(tmp_path / "note.txt", "hello")
    result = import_files([source], options={"kind": "bogus"}, keep_going=True)
    (skipped,) = result.skipped
    assert str(skipped.error).startswith(f"{source}: unknown document kind 'bogus'")
