"""Position conventions: conversion against independently counted positions, and fallback."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qualcode.formats.refiqda import descriptions
from qualcode.formats.refiqda.positions import (
    CODE_POINTS,
    CODE_POINTS_LINE_ONE,
    UTF16,
    RawSelection,
    SourceText,
    choose_convention,
    convention_for_origin,
)
from qualcode.losses import LossReport
from qualcode.model import TextOrigin

TEXTS = st.text(alphabet=st.sampled_from("ab \n😀é日"), max_size=40)
CRLF = TextOrigin(newline="\r\n")


@given(text=TEXTS, data=st.data())
def test_utf16_positions_match_utf16_slicing_of_the_crlf_file(
    text: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(text)))
    raw = text.replace("\n", "\r\n")
    offsets = UTF16.offset_map(text, CRLF)
    expected = len(text[:position].replace("\n", "\r\n").encode("utf-16-le")) // 2
    assert offsets.to_external(position) == expected
    assert offsets.from_external(expected) == position
    assert len(raw.encode("utf-16-le")) // 2 == offsets.external_length


@given(text=TEXTS, data=st.data())
def test_line_one_conventions_ignore_crlf(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text)))
    assert CODE_POINTS_LINE_ONE.offset_map(text, CRLF).to_external(position) == position
    crlf_points = len(text[:position].replace("\n", "\r\n"))
    assert CODE_POINTS.offset_map(text, CRLF).to_external(position) == crlf_points


def test_producer_profiles() -> None:
    assert convention_for_origin("NVivo for Windows 12.6") is UTF16
    assert convention_for_origin("NVivo 14 for Mac") is UTF16
    assert convention_for_origin("ATLAS.ti 23") is CODE_POINTS_LINE_ONE
    assert convention_for_origin("MAXQDA 2022") is CODE_POINTS_LINE_ONE
    assert convention_for_origin("QualCoder 3.5") is CODE_POINTS_LINE_ONE
    assert convention_for_origin("qualcode 0.1.0 (target: nvivo)") is UTF16
    assert convention_for_origin("Taguette") is CODE_POINTS


def _words_text() -> str:
    return " ".join(f"word{i} 😀" for i in range(40))


def test_fallback_picks_the_convention_that_fits_and_warns() -> None:
    text = _words_text()
    spans = [
        (text.index(f"word{i} "), text.index(f"word{i} ") + len(f"word{i}"))
        for i in range(5, 35, 3)
    ]
    units = [
        (len(text[:s].encode("utf-16-le")) // 2, len(text[:e].encode("utf-16-le")) // 2)
        for s, e in spans
    ]
    selections = [RawSelection("d", s, e) for s, e in units]
    report = LossReport()
    chosen = choose_convention(CODE_POINTS, selections, {"d": SourceText(text)}, report, "X")
    assert chosen is UTF16
    assert len(report.warnings) == 1 and "UTF-16" in report.warnings[0]


def test_a_fitting_profile_is_kept_without_warning() -> None:
    text = _words_text()
    spans = [
        (text.index(f"word{i} "), text.index(f"word{i} ") + len(f"word{i}"))
        for i in range(5, 35, 3)
    ]
    report = LossReport()
    selections = [RawSelection("d", s, e, text[s:e]) for s, e in spans]
    assert (
        choose_convention(CODE_POINTS, selections, {"d": SourceText(text)}, report) is CODE_POINTS
    )
    assert not report.warnings


def test_few_selections_do_not_overrule_a_known_producer() -> None:
    report = LossReport()
    selections = [RawSelection("d", 1, 3)]
    assert choose_convention(UTF16, selections, {"d": SourceText("abcdef")}, report) is UTF16


SIMPLE = st.text(alphabet=st.sampled_from("abc xyz.,é"), max_size=20).map(str.strip)


@given(
    definition=SIMPLE,
    inclusion=SIMPLE,
    exclusion=SIMPLE,
    examples=st.lists(SIMPLE.filter(bool), max_size=3),
)
def test_code_descriptions_parse_back(
    definition: str, inclusion: str, exclusion: str, examples: list[str]
) -> None:
    fields = descriptions.CodeFields(definition, inclusion, exclusion, tuple(examples))
    assert descriptions.parse_code(descriptions.render_code(fields)) == fields


def test_a_plain_description_is_all_definition() -> None:
    text = "Erősen szkeptikus (piros)\nEnyhén szkeptikus\n\nElfogadó"
    assert descriptions.parse_code(text) == descriptions.CodeFields(definition=text)
    assert descriptions.parse_theme(text) is None
