"""Themes made from codes, revised, and drawn as Mermaid and DOT."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from qualcode import Code, Project, ThemeStatus
from qualcode.analysis.names import AnalysisInputError
from qualcode.analysis.themes import (
    create_theme,
    revise_theme,
    theme_map_dot,
    theme_map_mermaid,
)


def project() -> Project:
    p = Project()
    p.add_code(Code(id="sup", name="Support"))
    p.add_code(Code(id="emo", name="Emotional", parent_id="sup"))
    p.add_code(Code(id="iso", name='Feeling "alone"'))
    return p


def test_create_and_revise() -> None:
    p = project()
    theme = create_theme(p, "Being held", ["Support", "Support/Emotional"], definition="d")
    assert theme.code_ids == ("sup", "emo")
    assert theme.status is ThemeStatus.CANDIDATE
    assert p.themes[theme.id] == theme
    revised = revise_theme(
        p,
        "Being held",
        add_codes=['Feeling "alone"'],
        remove_codes=["Support"],
        status="reviewed",
        narrative="Peer workers feel held when ...",
    )
    assert revised.code_ids == ("emo", "iso")
    assert revised.status is ThemeStatus.REVIEWED
    assert p.themes[theme.id].narrative.startswith("Peer workers")
    sub = create_theme(p, "Isolation", ["iso"], parent="Being held")
    assert sub.parent_id == theme.id


def test_a_theme_cannot_sit_under_its_own_subtheme() -> None:
    p = project()
    top = create_theme(p, "Top", ["sup"])
    create_theme(p, "Below", ["emo"], parent="Top")
    with pytest.raises(AnalysisInputError, match="cannot sit under 'Below'"):
        revise_theme(p, top.id, parent="Below")


def test_bad_names_and_statuses() -> None:
    p = project()
    with pytest.raises(AnalysisInputError, match="no code 'Care'; its codes:"):
        create_theme(p, "T", ["Care"])
    with pytest.raises(
        AnalysisInputError, match="unknown theme status 'done'; statuses: candidate"
    ):
        create_theme(p, "T", ["sup"], status="done")
    with pytest.raises(AnalysisInputError, match="no theme 'Nope'"):
        revise_theme(p, "Nope", name="x")
    with pytest.raises(AnalysisInputError, match="needs a name"):
        create_theme(p, "  ")


def test_mermaid_and_dot_maps() -> None:
    p = project()
    create_theme(p, "Being held", ["sup", "emo"])
    create_theme(p, "Isolation", ["iso"], parent="Being held")
    mermaid = theme_map_mermaid(p)
    assert mermaid.splitlines() == [
        "flowchart LR",
        '    t1["Being held (candidate)"]',
        '    t2["Isolation (candidate)"]',
        '    c1("Support")',
        '    c2("Support/Emotional")',
        '    c3("Feeling #quot;alone#quot;")',
        "    t1 --- c1",
        "    t1 --- c2",
        "    t1 --> t2",
        "    t2 --- c3",
    ]
    dot = theme_map_dot(p)
    assert 'c3 [shape=ellipse, label="Feeling \\"alone\\""];' in dot
    assert "t1 -> t2;" in dot
    if shutil.which("dot"):  # Graphviz reads it, where it is installed
        subprocess.run(["dot", "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
