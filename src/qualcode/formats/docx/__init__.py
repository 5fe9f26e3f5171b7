"""Word (.docx): the importer (text, structure, comments as codings) and the coded-transcript
exporter (codings as comments). See ``docs/howto/coding-in-word.md``."""

from qualcode.formats.docx.exporter import DocxExporter, build_docx
from qualcode.formats.docx.importer import DocxImporter, read_docx

__all__ = ["DocxExporter", "DocxImporter", "build_docx", "read_docx"]
