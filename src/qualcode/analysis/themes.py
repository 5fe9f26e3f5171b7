"""Themes: made from codes, revised as the analysis moves on, and drawn as a theme map.

A theme groups codes (many to many), may sit under another theme, and carries a definition, a
narrative and a status (candidate, reviewed, final). :func:`create_theme` and
:func:`revise_theme` change a project's themes; :func:`theme_map_mermaid` and
:func:`theme_map_dot` give the map as Mermaid or Graphviz DOT text to paste into a paper,
a wiki or ``dot -Tsvg``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from qualcode.analysis.names import AnalysisInputError, find_code, find_theme
from qualcode.model import Theme, ThemeStatus, new_id
from qualcode.project import Project


def _status(status: str | ThemeStatus) -> ThemeStatus:
    try:
        return ThemeStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in ThemeStatus)
        raise AnalysisInputError(f"unknown theme status {status!r}; statuses: {known}") from None


def create_theme(
    project: Project,
    name: str,
    codes: Iterable[str] = (),
    *,
    definition: str = "",
    narrative: str = "",
    status: str | ThemeStatus = ThemeStatus.CANDIDATE,
    parent: str | None = None,
) -> Theme:
    """Add a theme grouping ``codes`` (ids, paths or names) to ``project`` and return it."""
    if not name.strip():
        raise AnalysisInputError("a theme needs a name")
    code_ids = tuple(dict.fromkeys(find_code(project, code).id for code in codes))
    parent_id = find_theme(project, parent).id if parent is not None else None
    theme = Theme(
        id=new_id(),
        name=name.strip(),
        code_ids=code_ids,
        parent_id=parent_id,
        definition=definition,
        narrative=narrative,
        status=_status(status),
    )
    return project.add_theme(theme)


def revise_theme(
    project: Project,
    theme: str,
    *,
    name: str | None = None,
    add_codes: Iterable[str] = (),
    remove_codes: Iterable[str] = (),
    definition: str | None = None,
    narrative: str | None = None,
    status: str | ThemeStatus | None = None,
    parent: str | None = None,
) -> Theme:
    """Change a theme (named by id or name): its name, codes, texts, status or parent."""
    current = find_theme(project, theme)
    removed = {find_code(project, code).id for code in remove_codes}
    code_ids = [c for c in current.code_ids if c not in removed]
    for code in add_codes:
        code_id = find_code(project, code).id
        if code_id not in code_ids:
            code_ids.append(code_id)
    changes: dict[str, object] = {"code_ids": tuple(code_ids)}
    if name is not None:
        if not name.strip():
            raise AnalysisInputError("a theme needs a name")
        changes["name"] = name.strip()
    if definition is not None:
        changes["definition"] = definition
    if narrative is not None:
        changes["narrative"] = narrative
    if status is not None:
        changes["status"] = _status(status)
    if parent is not None:
        parent_theme = find_theme(project, parent)
        ancestor: Theme | None = parent_theme
        while ancestor is not None:  # a theme cannot sit under itself
            if ancestor.id == current.id:
                raise AnalysisInputError(
                    f"theme {current.name!r} cannot sit under {parent_theme.name!r}, "
                    "which is one of its own subthemes"
                )
            ancestor = project.themes.get(ancestor.parent_id)
        changes["parent_id"] = parent_theme.id
    revised = attrs.evolve(current, **changes)  # type: ignore[arg-type]
    return project.add_theme(revised, replace=True)


def _nodes(project: Project) -> tuple[dict[str, str], dict[str, str]]:
    """Short, stable node names for the themes and the codes they group."""
    themes = {theme.id: f"t{n}" for n, theme in enumerate(project.themes, start=1)}
    codes: dict[str, str] = {}
    for theme in project.themes:
        for code_id in theme.code_ids:
            codes.setdefault(code_id, f"c{len(codes) + 1}")
    return themes, codes


def theme_map_mermaid(project: Project) -> str:
    """The theme map as a Mermaid flowchart: themes as boxes, codes as rounded nodes."""

    def text(value: str) -> str:
        return value.replace('"', "#quot;").replace("\n", " ")

    themes, codes = _nodes(project)
    lines = ["flowchart LR"]
    for theme in project.themes:
        lines.append(f'    {themes[theme.id]}["{text(theme.name)} ({theme.status.value})"]')
    for code_id, node in codes.items():
        lines.append(f'    {node}("{text("/".join(project.code_path(code_id)))}")')
    for theme in project.themes:
        if theme.parent_id in themes:
            lines.append(f"    {themes[theme.parent_id]} --> {themes[theme.id]}")
        for code_id in theme.code_ids:
            lines.append(f"    {themes[theme.id]} --- {codes[code_id]}")
    return "\n".join(lines) + "\n"


def theme_map_dot(project: Project) -> str:
    """The theme map as Graphviz DOT: themes as boxes, codes as ellipses."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")

    themes, codes = _nodes(project)
    lines = ["digraph themes {", "    rankdir=LR;"]
    for theme in project.themes:
        label = text(f"{theme.name} ({theme.status.value})")
        lines.append(f'    {themes[theme.id]} [shape=box, label="{label}"];')
    for code_id, node in codes.items():
        lines.append(
            f'    {node} [shape=ellipse, label="{text("/".join(project.code_path(code_id)))}"];'
        )
    for theme in project.themes:
        if theme.parent_id in themes:
            lines.append(f"    {themes[theme.parent_id]} -> {themes[theme.id]};")
        for code_id in theme.code_ids:
            lines.append(f"    {themes[theme.id]} -> {codes[code_id]} [arrowhead=none];")
    lines.append("}")
    return "\n".join(lines) + "\n"
