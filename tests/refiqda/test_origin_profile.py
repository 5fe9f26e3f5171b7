"""Issue 11, points 3 and 4: a project goes back with the profile of the program it came from,
and what real exports carry (who last changed a selection and when, users' initials) is kept.

A project read from NVivo and saved as .qdpx without a target must be written with NVivo's
position counting (UTF-16 code units of CRLF text), so that NVivo places every selection where
it was; the report says which target was written. A conversion of a real export to its own
program with ``--strict`` passes when nothing is really lost, and things kept in another form
(a theme as a set) are shown apart from losses.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualcode
from qualcode.cli import make_app
from qualcode.losses import Loss, LossReport
from qualcode.model import Code, Coder, Coding, Document, Theme
from qualcode.project import Project

from .builders import G, project_xml, qdpx
from .conftest import qde_of

SELECTION = re.compile(
    rb"<PlainTextSelection ([^>]*)>\s*(?:<Description\s*/>\s*)?<Coding guid=\"([^\"]+)\""
)
ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def _selections(qde: bytes) -> dict[str, dict[str, str]]:
    """Coding GUID -> the attributes of its PlainTextSelection, straight from the XML."""
    found: dict[str, dict[str, str]] = {}
    for match in SELECTION.finditer(qde):
        attributes = {k.decode(): v.decode() for k, v in ATTRIBUTE.findall(match.group(1))}
        found[match.group(2).decode()] = attributes
    return found


def _positions(qde: bytes) -> dict[str, tuple[int, int]]:
    return {
        coding: (int(a["startPosition"]), int(a["endPosition"]))
        for coding, a in _selections(qde).items()
    }


# -- point 3: the origin's profile by default ----------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "target"),
    [
        ("NVivo for Windows 12.6", "nvivo"),
        ("NVivo for Mac 15.1.1", "nvivo"),
        ("ATLAS.ti 23.2.1", "atlasti"),
        ("MAXQDA 2022 (Release 22.1.1)", "maxqda"),
        ("QualCoder 3.5", "qualcoder"),
        ("qualcode 0.1.0 (target: maxqda)", "maxqda"),
        ("qualcode 0.1.0", "spec"),
        ("Taguette 1.4", "spec"),
        ("", "spec"),
    ],
)
def test_the_target_of_each_origin(origin: str, target: str) -> None:
    from qualcode.formats.refiqda.positions import target_for_origin

    assert target_for_origin(origin) == target


def test_saving_a_project_read_from_nvivo_keeps_nvivos_counting(
    nvivo_sample: Path, tmp_path: Path
) -> None:
    """0 of 297 positions matched NVivo's counting when such a project was saved by the
    standard's rules; now every one is written as NVivo wrote it."""
    project = qualcode.load(nvivo_sample)
    out = tmp_path / "back.qdpx"
    report = qualcode.save(project, out)
    assert report.target == "nvivo"
    assert report.lines()[0] == (
        "written for NVivo (target nvivo; the program the project came from, "
        "'NVivo for Windows 12.6')"
    )
    original, written = _positions(qde_of(nvivo_sample)), _positions(qde_of(out))
    assert len(original) == 97
    assert written == original
    with zipfile.ZipFile(out) as archive:
        (text,) = [archive.read(n) for n in archive.namelist() if n.endswith(".txt")]
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text


def test_the_origins_profile_survives_qualcodes_json(nvivo_sample: Path, tmp_path: Path) -> None:
    project = qualcode.load(nvivo_sample)
    qualcode.save(project, tmp_path / "p.json")
    again = qualcode.load(tmp_path / "p.json")
    report = qualcode.save(again, tmp_path / "back.qdpx")
    assert report.target == "nvivo"
    assert _positions(qde_of(tmp_path / "back.qdpx")) == _positions(qde_of(nvivo_sample))


def test_a_target_given_wins_over_the_origin(nvivo_sample: Path, tmp_path: Path) -> None:
    project = qualcode.load(nvivo_sample)
    report = qualcode.save(project, tmp_path / "std.qdpx", target="spec")
    assert report.target == "spec"
    assert report.written_for == "the REFI-QDA standard (target spec; as asked)"
    assert _positions(qde_of(tmp_path / "std.qdpx")) != _positions(qde_of(nvivo_sample))


def test_a_project_from_no_other_program_is_written_by_the_standard(tmp_path: Path) -> None:
    project = Project(name="fresh")
    report = qualcode.save(project, tmp_path / "fresh.qde")
    assert report.target == "spec"
    assert "the project did not come from another program" in report.written_for


def test_the_cli_says_which_target_it_wrote(nvivo_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "back.qdpx"
    result = CliRunner().invoke(make_app(), ["convert", str(nvivo_sample), str(out)])
    assert result.exit_code == 0, result.output
    assert "export: written for NVivo (target nvivo;" in result.output
    assert _positions(qde_of(out)) == _positions(qde_of(nvivo_sample))


# -- point 4: what real exports carry is kept ----------------------------------------------------


@pytest.mark.parametrize("target", [[], ["--target", "nvivo"]])
def test_the_nvivo_sample_converts_to_nvivo_strictly(
    nvivo_sample: Path, tmp_path: Path, target: list[str]
) -> None:
    out = tmp_path / "strict.qdpx"
    arguments = ["convert", str(nvivo_sample), str(out), "--strict", *target]
    result = CliRunner().invoke(make_app(), arguments)
    assert result.exit_code == 0, result.output
    assert "lost:" not in result.output
    original, written = _selections(qde_of(nvivo_sample)), _selections(qde_of(out))
    assert len(original) == 97
    for coding, attributes in original.items():
        for name in ("creatingUser", "creationDateTime", "modifyingUser", "modifiedDateTime"):
            assert written[coding][name] == attributes[name], (coding, name)


def test_who_last_changed_a_selection_is_kept_and_survives_json(
    nvivo_sample: Path, tmp_path: Path
) -> None:
    result = qualcode.read(nvivo_sample)
    assert result.report.lossless, result.report.lines()
    coding = result.project.codings["f0700850-5e65-4b33-ae59-83d36a021670"]
    assert coding.coder_id == "f93ad076-5ca1-4f46-abf4-b4b67130a6e2"  # the Coding's user
    assert coding.modified_by == "8ca3a2c1-8b7a-41c3-a9dd-a8fb46caa645"  # the selection's
    assert coding.modified_at is not None and coding.modified_at.isoformat() == (
        "2025-06-11T16:31:16+00:00"
    )
    # the selection was made by another user at another time than its coding: both are kept
    assert coding.created is not None and coding.created.isoformat() == "2025-06-08T12:42:55+00:00"
    assert coding.selected_by == "8ca3a2c1-8b7a-41c3-a9dd-a8fb46caa645"
    assert coding.selected_at is not None and coding.selected_at.isoformat() == (
        "2025-06-11T16:31:16+00:00"
    )
    qualcode.save(result.project, tmp_path / "p.json")
    again = qualcode.load(tmp_path / "p.json")
    history = ("coder_id", "created", "selected_by", "selected_at", "modified_by", "modified_at")
    assert [[getattr(c, name) for name in history] for c in again.codings] == [
        [getattr(c, name) for name in history] for c in result.project.codings
    ]


def _changed_selections(origin: str, users: str, extra: str = "") -> str:
    body = (
        f"<Users>{users}</Users>"
        f'<CodeBook><Codes><Code guid="{G["code"]}" name="c" isCodable="true"/></Codes>'
        f"</CodeBook>"
        f'<Sources><TextSource guid="{G["source"]}" name="s">'
        f"<PlainTextContent>Peer work is hard</PlainTextContent>"
        f'<PlainTextSelection guid="{G["sel"]}" name="Peer" startPosition="0" endPosition="4" '
        f'creatingUser="{G["user"]}" creationDateTime="2024-03-01T09:30:00Z" '
        f'modifyingUser="{G["user"]}" modifiedDateTime="2024-03-02T10:00:00Z">'
        f'<Coding guid="{G["coding"]}" creatingUser="{G["user"]}" '
        f'creationDateTime="2024-03-01T09:00:00Z"><CodeRef targetGUID="{G["code"]}"/></Coding>'
        f"</PlainTextSelection>{extra}</TextSource></Sources>"
    )
    return project_xml(body, origin=origin)


@pytest.mark.parametrize(
    "origin", ["NVivo for Mac 15.1", "ATLAS.ti 23.2", "MAXQDA 2022", "QualCoder 3.5"]
)
def test_an_export_goes_to_its_own_program_strictly(tmp_path: Path, origin: str) -> None:
    """Selections read element by element (a note beside them) as well as by columns."""
    users = f'<User guid="{G["user"]}" name="Ann Bell" id="AB"/>'
    for extra, label in (
        ("", "columns"),
        (
            f'<PlainTextSelection guid="{G["sel2"]}" name="hard" startPosition="13" '
            f'endPosition="17" modifyingUser="{G["user"]}"><Description>a note</Description>'
            f"</PlainTextSelection>",
            "elements",
        ),
    ):
        source = qdpx(tmp_path / f"in-{label}.qdpx", _changed_selections(origin, users, extra))
        out = tmp_path / f"out-{label}.qdpx"
        result = CliRunner().invoke(make_app(), ["convert", str(source), str(out), "--strict"])
        assert result.exit_code == 0, result.output
        written = qde_of(out)
        assert f'<User guid="{G["user"]}" name="Ann Bell" id="AB"/>'.encode() in written
        selection = _selections(written)[G["coding"]]
        assert selection["modifyingUser"] == G["user"]
        assert selection["modifiedDateTime"] == "2024-03-02T10:00:00Z"
        assert selection["creationDateTime"] == "2024-03-01T09:30:00Z"
        coding = rf'<Coding guid="{G["coding"]}"[^>]*creationDateTime="2024-03-01T09:00:00Z"'
        assert re.search(coding.encode(), written) is not None
        back = qualcode.load(out)
        assert back.coders[G["user"]].initials == "AB"


def test_initials_are_kept_and_survive_json(tmp_path: Path) -> None:
    users = f'<User guid="{G["user"]}" name="Ann Bell" id="AB"/>'
    source = qdpx(tmp_path / "in.qdpx", _changed_selections("NVivo for Mac 15.1", users))
    result = qualcode.read(source)
    assert result.report.lossless, result.report.lines()
    assert result.project.coders[G["user"]] == Coder(G["user"], "Ann Bell", initials="AB")
    qualcode.save(result.project, tmp_path / "p.json")
    assert qualcode.load(tmp_path / "p.json").coders[G["user"]].initials == "AB"


def test_a_user_with_initials_only_is_named_by_them(tmp_path: Path) -> None:
    users = f'<User guid="{G["user"]}" id="AB"/>'
    project = qualcode.load(qdpx(tmp_path / "in.qdpx", _changed_selections("NVivo 12", users)))
    assert project.coders[G["user"]] == Coder(G["user"], "AB", initials="AB")


# -- point 4: kept in another form is not lost ---------------------------------------------------


def test_a_report_tells_kept_in_another_form_apart_from_lost() -> None:
    report = LossReport()
    report.add("themes", "NVivo", 2, kept_as="sets of codes")
    report.add("themes", "NVivo", 1, kept_as="sets of codes")
    assert report.lossless and len(report) == 0 and list(report) == []
    assert report.kept == [Loss("themes", "NVivo", 3, "sets of codes")]
    assert not report.kept[0].lost
    report.add("graphs", "Graphs")
    assert not report.lossless and report.losses[0].lost
    assert report.lines() == [
        "lost: graphs in Graphs",
        "kept in another form: themes, as sets of codes in NVivo (3x)",
    ]
    merged = LossReport()
    merged.extend(report)
    assert merged.kept == report.kept and merged.losses == report.losses


def _themed_project() -> Project:
    project = Project(name="themed")
    project.add(Coder(G["user"], "Ann"))
    project.add(Code(G["code"], "Workload"))
    project.add(Document(G["source"], "interview", "Peer work is hard"))
    project.add(Coding(G["coding"], G["source"], G["code"], 0, 4, coder_id=G["user"]))
    project.add(Theme(G["set"], "Pressure", code_ids=(G["code"],)))
    return project


def test_a_theme_written_as_a_set_passes_strict_and_is_shown(tmp_path: Path) -> None:
    source = tmp_path / "themed.json"
    qualcode.save(_themed_project(), source)
    out = tmp_path / "themed.qdpx"
    arguments = ["convert", str(source), str(out), "--target", "nvivo", "--strict"]
    result = CliRunner().invoke(make_app(), arguments)
    assert result.exit_code == 0, result.output
    assert "export: kept in another form: themes, as sets of codes in NVivo" in result.output
    assert "lost:" not in result.output
    assert out.exists()
