"""REFI-QDA codebooks (.qdc): the code tree and sets of codes, read and written.

Codebook.xsd differs from Project.xsd in small ways: its own namespace, ``MemberCode/@guid``
instead of ``@targetGUID``, no notes on codes, and an empty ``<Sets/>`` is invalid. Themes are
written as sets of codes whose description marks them (see :mod:`.descriptions`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from qualcode.errors import OutputError, ParseError
from qualcode.fileio import atomic_output, read_bytes
from qualcode.formats.refiqda.reader import QdeReader
from qualcode.formats.refiqda.targets import TARGETS
from qualcode.formats.refiqda.writer import QdeWriter
from qualcode.formats.refiqda.writer_base import check_code_depth
from qualcode.formats.refiqda.xml import CODEBOOK_NS, Element, children, line_of, local, parse
from qualcode.losses import LossReport
from qualcode.model import Code
from qualcode.project import Project


def read_codebook(path: Path, report: LossReport) -> Project:
    """A project holding the codes, sets and themes of a .qdc file."""
    label = str(path)
    root = parse(read_bytes(path), label)
    if local(root) != "CodeBook":
        raise ParseError(
            f"the root element is <{local(root)}>, not <CodeBook>",
            path=label,
            line=line_of(root),
            hint="this is not a REFI-QDA codebook",
        )
    reader = QdeReader(label, lambda name: None, report)
    reader.project.name = path.stem
    reader.project.origin = reader.file_origin = root.get("origin", "")
    for item in children(root):
        name = local(item)
        if name == "Codes":
            reader.read_codes(item, None)
        elif name == "Sets":
            reader.read_sets(item)
        else:
            report.add(f"unknown elements <{name}>", "CodeBook")
    return reader.build()


def _q(name: str) -> str:
    return f"{{{CODEBOOK_NS}}}{name}"


def codebook_bytes(project: Project, version: str) -> tuple[bytes, LossReport]:
    """The .qdc XML for a project's codes, sets of codes and themes, and what it leaves out."""
    if not len(project.codes):
        raise OutputError(
            "a codebook needs at least one code", hint="add codes, or export a .qdpx instead"
        )
    check_code_depth(project)
    helper = QdeWriter(project, TARGETS["spec"], container=False, version=version)
    report = helper.report
    root = etree.Element(
        _q("CodeBook"),
        {"origin": f"qualcode {version}"},
        nsmap={None: CODEBOOK_NS},  # type: ignore[dict-item]
    )
    codes = etree.SubElement(root, _q("Codes"))
    children_of: dict[str | None, list[Code]] = defaultdict(list)
    for code in project.codes:
        children_of[code.parent_id].append(code)
    stack: list[tuple[Element, Code]] = [(codes, c) for c in reversed(children_of[None])]
    while stack:
        parent, code = stack.pop()
        element = helper.code_element(parent, code, CODEBOOK_NS, with_notes=False)
        stack.extend((element, c) for c in reversed(children_of[code.id]))
    groups: list[tuple[str, str, str, list[str]]] = []
    for group in project.sets:
        members = [m for m in group.member_ids if m in project.codes]
        if len(members) < len(group.member_ids):
            report.add(
                "set members that are not codes", group.name, len(group.member_ids) - len(members)
            )
        groups.append((group.id, group.name, group.description, members))
    described = helper.theme_descriptions()
    for theme in project.themes:
        groups.append((theme.id, theme.name, described[theme.id], list(theme.code_ids)))
        if theme.parent_id is not None:
            report.add("theme hierarchy", "codebook")
    if groups:
        sets = etree.SubElement(root, _q("Sets"))
        for guid, name, description, members in groups:
            element = etree.SubElement(sets, _q("Set"), {"guid": guid, "name": helper.clean(name)})
            if description:
                etree.SubElement(element, _q("Description")).text = helper.clean(description)
            for member in members:
                etree.SubElement(element, _q("MemberCode"), {"guid": member})
    _report_left_out(project, report)
    if helper.replaced:
        report.add("characters XML cannot hold (replaced by U+FFFD)", "codebook", helper.replaced)
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data, report


def _report_left_out(project: Project, report: LossReport) -> None:
    counts = project.counts()
    for kind in ("documents", "codings", "cases", "memos", "variables", "links", "coders"):
        if counts[kind]:
            report.add(f"{kind} (a codebook holds only codes and sets)", "codebook", counts[kind])
    timed = sum(1 for c in project.codes if c.created_by or c.created_at or c.modified_at)
    if timed:
        report.add("who created codes and when", "codebook", timed)


def write_codebook(project: Project, path: Path, version: str) -> LossReport:
    """Write a .qdc atomically and report what it leaves out."""
    data, report = codebook_bytes(project, version)
    with atomic_output(path) as stream:
        stream.write(data)
    return report
