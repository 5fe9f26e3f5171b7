"""The hooks of qualcode-html: the module named by the ``qualcode`` entry point.

qualcode calls every function here marked ``@hookimpl`` whose name is one of its hooks.
"""

from __future__ import annotations

from qualcode import Importer, hookimpl
from qualcode_html.importer import HtmlImporter


@hookimpl
def register_importers() -> list[type[Importer]]:
    return [HtmlImporter]
