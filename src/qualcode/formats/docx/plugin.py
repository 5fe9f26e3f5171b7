"""Registers the Word importer and the coded-transcript exporter, both named ``docx``."""

from __future__ import annotations

from qualcode.formats.base import Exporter, Importer
from qualcode.formats.docx.exporter import DocxExporter
from qualcode.formats.docx.importer import DocxImporter
from qualcode.hookspecs import hookimpl


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [DocxImporter]


@hookimpl
def register_exporters() -> list[type[Exporter]]:
    return [DocxExporter]
