"""Small REFI-QDA files for the validate tests, built with lxml and zipfile."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner, Result

from qualcode.cli import make_app

NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
USER = "0b7a2c1e-0000-4000-8000-000000000001"
CODE = "0b7a2c1e-0000-4000-8000-000000000002"
SOURCE = "0b7a2c1e-0000-4000-8000-000000000003"
SELECTION = "0b7a2c1e-0000-4000-8000-000000000004"
CODING = "0b7a2c1e-0000-4000-8000-000000000005"
TEXT = "Peer work helps. Training was short.\n"
TEXT_FILE = f"{SOURCE}.txt"
NVIVO_SAMPLE = "samples/nvivo-win12.6__oltas.qdpx"


def q(name: str, namespace: str = NS) -> str:
    return f"{{{namespace}}}{name}"


def minimal_project(origin: str = "Test Tool 1.0") -> etree._Element:
    """A small valid project: one user, one code, one text source with one coded selection."""
    root = etree.Element(q("Project"), {"name": "Small", "origin": origin}, nsmap={None: NS})
    users = etree.SubElement(root, q("Users"))
    etree.SubElement(users, q("User"), {"guid": USER, "name": "Ann"})
    codes = etree.SubElement(etree.SubElement(root, q("CodeBook")), q("Codes"))
    etree.SubElement(codes, q("Code"), {"guid": CODE, "name": "Help", "isCodable": "true"})
    sources = etree.SubElement(root, q("Sources"))
    source = etree.SubElement(
        sources,
        q("TextSource"),
        {"guid": SOURCE, "name": "Interview", "plainTextPath": f"internal://{TEXT_FILE}"},
    )
    selection = etree.SubElement(
        source,
        q("PlainTextSelection"),
        {"guid": SELECTION, "startPosition": "0", "endPosition": "16", "creatingUser": USER},
    )
    coding = etree.SubElement(selection, q("Coding"), {"guid": CODING, "creatingUser": USER})
    etree.SubElement(coding, q("CodeRef"), {"targetGUID": CODE})
    return root


VARIABLE = "0b7a2c1e-0000-4000-8000-000000000006"
CASE = "0b7a2c1e-0000-4000-8000-000000000007"
NOTE = "0b7a2c1e-0000-4000-8000-000000000008"
LINK = "0b7a2c1e-0000-4000-8000-000000000009"
SET = "0b7a2c1e-0000-4000-8000-00000000000a"


def rich_project() -> etree._Element:
    """:func:`minimal_project` with a variable, a case, a note, a link and a set referring."""
    root = minimal_project()
    sources = find(root, "Sources")
    variables = etree.Element(q("Variables"))
    etree.SubElement(
        variables, q("Variable"), {"guid": VARIABLE, "name": "Age", "typeOfVariable": "Integer"}
    )
    cases = etree.Element(q("Cases"))
    case = etree.SubElement(cases, q("Case"), {"guid": CASE, "name": "P1"})
    etree.SubElement(case, q("CodeRef"), {"targetGUID": CODE})
    value = etree.SubElement(case, q("VariableValue"))
    etree.SubElement(value, q("VariableRef"), {"targetGUID": VARIABLE})
    etree.SubElement(value, q("IntegerValue")).text = "34"
    etree.SubElement(case, q("SourceRef"), {"targetGUID": SOURCE})
    etree.SubElement(case, q("SelectionRef"), {"targetGUID": SELECTION})
    sources.addprevious(variables)
    sources.addprevious(cases)
    etree.SubElement(find(root, "TextSource"), q("NoteRef"), {"targetGUID": NOTE})
    notes = etree.SubElement(root, q("Notes"))
    note = etree.SubElement(notes, q("Note"), {"guid": NOTE, "name": "Memo", "creatingUser": USER})
    etree.SubElement(note, q("PlainTextContent")).text = "Worth a closer look."
    links = etree.SubElement(root, q("Links"))
    etree.SubElement(
        links,
        q("Link"),
        {"guid": LINK, "name": "about", "originGUID": NOTE, "targetGUID": SELECTION},
    )
    sets = etree.SubElement(root, q("Sets"))
    group = etree.SubElement(sets, q("Set"), {"guid": SET, "name": "Group"})
    etree.SubElement(group, q("MemberCode"), {"targetGUID": CODE})
    etree.SubElement(group, q("MemberSource"), {"targetGUID": SOURCE})
    etree.SubElement(group, q("MemberNote"), {"targetGUID": NOTE})
    return root


def find(root: etree._Element, name: str, guid: str | None = None) -> etree._Element:
    """The first element with local name ``name`` (and ``guid``, if given)."""
    for element in root.iter(q(name), q(name, CODEBOOK_NS)):
        if guid is None or element.get("guid") == guid:
            return element
    raise LookupError(name)


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdpx(path: Path, root: etree._Element, files: dict[str, bytes] | None = None) -> Path:
    """A .qdpx with ``project.qde`` and ``sources/<name>`` for each file (default: the text)."""
    members = {TEXT_FILE: TEXT.encode("utf-8")} if files is None else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml_bytes(root))
        for name, data in members.items():
            archive.writestr(f"sources/{name}", data)
    return path


def line_with(data: bytes | str, fragment: str) -> int:
    """The 1-based line of the first occurrence of ``fragment`` in a serialised document."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise LookupError(fragment)


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``qualcode ARGS`` through CliRunner (no schema folder from the environment)."""
    monkeypatch.delenv("QUALCODE_REFI_SCHEMAS", raising=False)
    app = make_app()

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, [str(a) for a in args])

    return run


@pytest.fixture
def schemas(shared_dir: Path) -> Path:
    folder = shared_dir / "refi-qda"
    if not (folder / "Project.xsd").is_file():
        pytest.skip(
            "needs ../shared: the REFI-QDA schemas (refi-qda/Project.xsd and Codebook.xsd, which "
            "belong to the standard and are not kept in this repository) are missing from it"
        )
    return folder


@pytest.fixture
def nvivo_sample(shared_dir: Path) -> Path:
    path = shared_dir / NVIVO_SAMPLE
    if not path.is_file():
        pytest.skip(f"needs ../shared: the real NVivo project {NVIVO_SAMPLE} is missing from it")
    return path
