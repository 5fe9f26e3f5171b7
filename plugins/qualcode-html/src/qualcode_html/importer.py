"""The ``html`` importer: one .html/.htm file becomes one document with the text a reader sees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree, html

from qualcode import (
    Document,
    DocumentKind,
    Importer,
    ImportResult,
    LossReport,
    Project,
    new_id,
)
from qualcode.errors import OptionError, ParseError
from qualcode.fileio import read_bytes
from qualcode_html.encoding import decode
from qualcode_html.render import render

# Markup that only HTML has: a doctype, or an opening tag of an element.
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype\s+html|[a-z][a-z0-9]*)[\s/>]", re.I)
# libxml2's advice to its own callers at the end of an error message, meaningless to a user.
_LIBXML_ADVICE = re.compile(r",?\s*(?:use|try) XML_PARSE_HUGE.*", re.S)


class HtmlImporter(Importer):
    name = "html"
    extensions = (".html", ".htm")
    description = "an HTML page as one document: the text a reader sees, headings as paragraphs"
    options = {
        "kind": "document kind: interview, diary, field_note, focus_group, survey_response, other",
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return start.startswith((b"<!doctype html", b"<html"))

    def read(self, path: Path, **options: Any) -> ImportResult:
        kind = _kind(options)
        text, origin = decode(read_bytes(path), path)
        if "\x00" in text or not _LOOKS_LIKE_HTML.search(text):
            raise ParseError(
                "not an HTML file (no HTML markup found)",
                path=path,
                hint="check the file, or read it with --from text",
            )
        # The HTML parser knows only HTML's own named entities and never fetches anything.
        # huge_tree lifts libxml2's default limits (elements nested 256 deep, a text run of ten
        # million characters), past which it stops reading and silently drops the rest.
        parser = html.HTMLParser(
            encoding="utf-8",
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            huge_tree=True,
        )
        try:
            root = html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (etree.ParserError, ValueError) as error:
            raise ParseError(f"cannot parse as HTML: {error}", path=path) from error
        rendered = render(root)
        report = LossReport()
        for fatal in parser.error_log.filter_from_fatals():
            # Even huge_tree has limits (elements nested 2048 deep): the parser gave up there.
            reason = _LIBXML_ADVICE.sub("", fatal.message).strip().rstrip(".")
            report.add(
                f"the rest of the page from line {fatal.line} (the HTML parser stopped: {reason})",
                where=path.name,
            )
        for tag, count in sorted(rendered.skipped.items()):
            report.add(f"<{tag}> content (not text)", where=path.name, count=count)
        project = Project(name=path.stem)
        project.add_document(
            Document(
                id=new_id(),
                name=path.stem,
                text=rendered.text,
                kind=kind,
                text_origin=origin,
                paragraphs=rendered.paragraphs,
            )
        )
        return ImportResult(project, report)


def _kind(options: dict[str, Any]) -> DocumentKind:
    name = str(options.get("kind", DocumentKind.OTHER.value))
    try:
        return DocumentKind(name)
    except ValueError:
        known = ", ".join(kind.value for kind in DocumentKind)
        raise OptionError(f"unknown document kind {name!r}; use one of: {known}") from None
