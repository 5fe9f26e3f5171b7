"""Small REFI-QDA files built in tests, the way other tools write them."""

from __future__ import annotations

import zipfile
from pathlib import Path

G = {
    name: f"{index:08x}-0000-4000-8000-{index:012x}"
    for index, name in enumerate(
        [
            "user",
            "code",
            "child",
            "other",
            "source",
            "sel",
            "coding",
            "coding2",
            "note",
            "link",
            "set",
            "var",
            "case",
            "pdf",
            "picture",
            "audio",
            "transcript",
            "sync1",
            "sync2",
            "tsel",
            "asel",
            "psel",
            "boxsel",
            "rep",
            "sel2",
            "coding3",
            "sel3",
            "note2",
            "graph",
        ],
        start=1,
    )
}


def qdpx(
    path: Path, qde: str, files: dict[str, bytes] | None = None, qde_name: str = "project.qde"
) -> Path:
    """Write a .qdpx holding ``qde`` (as UTF-8) and the given members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def project_xml(
    body: str, origin: str = "Test Tool 1.0", namespace: str = "urn:QDA-XML:project:1.0"
) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="{namespace}" name="Test" origin="{origin}">{body}</Project>'
    )
