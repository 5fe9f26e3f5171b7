"""docs/model.md describes every field of every class of the data model."""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from qualcode import model
from qualcode.project import Project

PAGE = Path(__file__).resolve().parents[2] / "docs" / "model.md"

# class -> the heading of the section that describes it
SECTIONS: dict[type[Any], str] = {
    model.Coder: "Coder",
    model.Variable: "Variable",
    model.Case: "Case",
    model.Document: "Document",
    model.SourceFile: "SourceFile",
    model.TextOrigin: "TextOrigin",
    model.Paragraph: "Paragraph",
    model.SpeakerTurn: "SpeakerTurn",
    model.SyncPoint: "SyncPoint",
    model.Code: "Code",
    model.Theme: "Theme",
    model.Coding: "Coding",
    model.PdfRegion: "Coding",
    model.PictureRegion: "Coding",
    model.MediaRange: "Coding",
    model.Provenance: "Provenance",
    model.Memo: "Memo",
    model.Set: "Set",
    model.Link: "Link",
}


def sections() -> dict[str, str]:
    parts = re.split(r"^#{2,3} +(.+?)[ \t]*$", PAGE.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def model_classes() -> list[type[Any]]:
    return [
        value
        for value in vars(model).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == model.__name__
    ]


def test_every_model_class_has_a_section() -> None:
    assert set(model_classes()) == set(SECTIONS)


@pytest.mark.parametrize("cls", list(SECTIONS), ids=lambda cls: cls.__name__)
def test_every_field_is_described(cls: type[Any]) -> None:
    section = sections()[SECTIONS[cls]]
    missing = [f.name for f in attrs.fields(cls) if f"`{f.name}`" not in section]
    assert not missing, f"docs/model.md, section {SECTIONS[cls]}: no word on {missing}"


def test_the_project_fields_are_described() -> None:
    section = sections()["Project"]
    public = [f.name for f in attrs.fields(Project) if not f.name.startswith("_")]
    assert public
    assert [name for name in public if f"`{name}`" not in section] == []


@pytest.mark.parametrize(
    "kind",
    [
        model.DocumentKind,
        model.SourceKind,
        model.CodeOrigin,
        model.CodeStatus,
        model.ThemeStatus,
        model.VariableType,
        model.ProvenanceMethod,
        model.LinkDirection,
    ],
    ids=lambda kind: kind.__name__,
)
def test_every_enumeration_value_is_named(kind: type[enum.StrEnum]) -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert [member.value for member in kind if f"`{member.value}`" not in text] == []
