"""Built-in format detection: by file name extension, then by content.

Registered ``trylast`` so that any plugin's ``detect_format`` answer comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcode.formats.base import Importer
from qualcode.hookspecs import hookimpl


@hookimpl(trylast=True)
def detect_format(path: Path, head: bytes, importers: Sequence[type[Importer]]) -> str | None:
    name = path.name.lower()
    best: tuple[int, str] | None = None
    for importer in importers:
        for extension in importer.extensions:
            if name.endswith(extension) and (best is None or len(extension) > best[0]):
                best = (len(extension), importer.name)
    if best is not None:
        return best[1]
    for importer in importers:
        if importer.sniff(path, head):
            return importer.name
    return None
