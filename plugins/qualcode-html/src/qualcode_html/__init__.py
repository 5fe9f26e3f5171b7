"""qualcode-html: a qualcode plugin that imports HTML pages as documents."""

from qualcode_html.importer import HtmlImporter
from qualcode_html.render import Rendered, render

__all__ = ["HtmlImporter", "Rendered", "render"]
