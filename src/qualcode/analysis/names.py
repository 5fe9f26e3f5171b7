"""Finding coders, codes and themes by the names people use; one error when there is none.

Every analysis takes names as a researcher types them (a coder's name, a code's path
``Parent/Child``, a theme's name) or ids; an unknown name is an :class:`AnalysisInputError`
listing the known ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from qualcode.errors import QualcodeError
from qualcode.model import Code, Coder, Theme
from qualcode.project import Project


class AnalysisInputError(QualcodeError, KeyError):
    """An analysis was asked about a coder, code or document the project does not have."""


def resolve_coders(project: Project, names: str | Iterable[str]) -> tuple[Coder, ...]:
    """Coders named by id or by name; an unknown one is an error listing the known coders."""
    wanted = [names] if isinstance(names, str) else list(names)
    if not wanted:
        raise AnalysisInputError("name at least one coder on each side")
    found: list[Coder] = []
    for name in wanted:
        coder = project.coders.get(name)
        matches = [coder] if coder is not None else project.coders.by_name(name)
        if not matches:
            known = ", ".join(sorted(c.name for c in project.coders)) or "none"
            raise AnalysisInputError(f"the project has no coder {name!r}; its coders: {known}")
        found.extend(m for m in matches if m not in found)
    return tuple(found)


def find_code(project: Project, name: str) -> Code:
    """A code named by id, by path (``Parent/Child``) or by a unique name."""
    found = project.codes.get(name)
    if found is None:
        found = project.code_by_path(tuple(part for part in name.split("/") if part))
    if found is None:
        matches = project.codes.by_name(name)
        if len(matches) > 1:
            paths = ", ".join("/".join(project.code_path(c.id)) for c in matches)
            raise AnalysisInputError(f"{name!r} names several codes: {paths}; give a path")
        found = matches[0] if matches else None
    if found is None:
        known = ", ".join(sorted("/".join(project.code_path(c.id)) for c in project.codes))
        raise AnalysisInputError(f"the project has no code {name!r}; its codes: {known or 'none'}")
    return found


def find_theme(project: Project, name: str) -> Theme:
    """A theme named by id or by name."""
    found = project.themes.get(name)
    matches = [found] if found is not None else project.themes.by_name(name)
    if not matches:
        known = ", ".join(sorted(t.name for t in project.themes)) or "none"
        raise AnalysisInputError(f"the project has no theme {name!r}; its themes: {known}")
    if len(matches) > 1:
        raise AnalysisInputError(f"{name!r} names {len(matches)} themes; give its id")
    return matches[0]
