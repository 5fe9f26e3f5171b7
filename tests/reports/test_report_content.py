"""The HTML report's content, without a browser: what it shows, that it is self-contained and
escapes what it is given, and how it fails on bad input."""

from __future__ import annotations

import datetime as dt
import errno
import importlib
import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qualcode import Coder, Coding, Project, save
from qualcode.analysis import alpha_by_units, compare_coders, cooccurrence, crosstab
from qualcode.cli import make_app
from qualcode.errors import OutputError
from qualcode.reports import MissingExtraError, render_report, write_report
from qualcode.reports import charts as report_charts
from qualcode.reports.data import gather

WHEN = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


class Elements(HTMLParser):
    """Every start tag with its attributes, and whether the tags balance."""

    VOID = frozenset({"meta", "br", "input", "img", "hr", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def quote_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="quote-data">(.*?)</script>', page, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_page_is_one_well_formed_self_contained_file(project: Project, tmp_path: Path) -> None:
    path = write_report(project, tmp_path / "report.html", generated=WHEN)
    page = path.read_text(encoding="utf-8")
    parsed = parse(page)
    assert parsed.errors == [] and parsed.open == []
    # nothing fetched: no external resource, no link out but the SVG namespace
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "<style>" in page and "</style>" in page
    assert [tag for tag, _ in parsed.tags].count("svg") == 4  # the four charts
    assert "Report written 2026-12-01 09:30 UTC" in page


def test_overview_themes_codes_and_quotes_with_their_sources(project: Project) -> None:
    page = render_report(project, generated=WHEN)
    assert '<h1 dir="auto">Peer support 同伴支持 دعم الأقران 🤝</h1>' in page
    for label, count in (("documents", 4), ("cases", 2), ("codes", 4), ("codings", 12)):
        assert f"<dt>{label}</dt><dd>{count}</dd>" in page
    assert "Time points: T1, T2." in page
    for theme in ("Being held", "الإرهاق", "Learning 🎓"):
        assert theme in page
    assert "Subtheme of <bdi>Being held</bdi>" in page
    assert "Support/情感支持" in page and "Help from peers." in page
    assert "6 codings in 4 documents of 2 cases, 78 characters (with subcodes); deductive" in page
    assert "1 coding in 1 document of 1 case, 11 characters (with subcodes)" in page
    # a code's sample quote and where it comes from
    assert '<p dir="auto">同伴支持对我帮助很大。</p>' in page
    assert "<bdi>pn2_T1 访谈.txt</bdi> · <bdi>PN2 — 李</bdi> · T1 · <bdi>Alice</bdi>" in page
    assert '<h3 dir="auto">الإرهاق <span class="badge">candidate</span></h3>' in page


def test_every_quote_is_in_the_page_data_with_its_source(project: Project) -> None:
    data = quote_data(render_report(project))
    assert len(data["quotes"]) == len(project.codings)
    documents = list(project.documents)
    expected = sorted(
        (documents.index(project.documents[c.document_id]), c.start, c.end, project.quote(c))
        for c in project.codings
    )
    got = sorted((q[1], q[3], q[4], q[5]) for q in data["quotes"])
    assert got == expected
    names = [d[0] for d in data["documents"]]
    assert names == [d.name for d in documents]
    assert ["pn2_T1 访谈.txt", "PN2 — 李", "T1", "interview"] in data["documents"]
    assert {code[0] for code in data["codes"]} >= {"Support/情感支持", "تعب"}


def test_html_in_names_and_quotes_comes_out_as_text(project: Project) -> None:
    page = render_report(project)
    assert "<script>alert('code')</script>" not in page
    assert "&lt;script&gt;alert(&#39;code&#39;)&lt;/script&gt;" in page
    assert "<b>not bold</b>" not in page
    # the quote browser's data cannot end its script element early, and reads back exactly
    data = quote_data(page)
    assert "</script><b>not bold</b>" in [q[5] for q in data["quotes"]]
    assert page.count("</script>") == 2  # the data and the script


def test_the_charts_show_the_analysis_figures(project: Project) -> None:
    report = gather(project)
    by_time = crosstab(project, rows="time", cols="code")
    assert [label.full for label in report.by_time.column_labels] == ["T1", "T2"]
    for bar in report.by_time.bars:
        code, column = bar.tooltip.rsplit(":", 1)[0].split(" — ")
        row = next(r for r in by_time.rows if r[0] == column)
        assert row[by_time.columns.index(code)] == bar.value
    assert sum(bar.value for bar in report.by_time.bars) == len(project.codings)
    assert sum(bar.value for bar in report.by_case.bars) == len(project.codings)
    pairs = {(r[0], r[1]): r[2] for r in cooccurrence(project).rows}
    assert pairs  # the study has overlapping codings
    shown = {
        tuple(cell.tooltip.split(":")[0].split(" + ")): cell.value for cell in report.heat_map.cells
    }
    for (first, second), count in pairs.items():
        assert shown[first, second] == count and shown[second, first] == count
    kinds = sorted(node.kind for node in report.theme_map.nodes)
    assert kinds == ["code"] * 4 + ["subtheme"] + ["theme"] * 2
    assert len(report.theme_map.edges) == 5  # four codes grouped, one subtheme


def test_agreement_between_the_people_who_coded(project: Project) -> None:
    report = gather(project)
    assert len(report.agreement) == 1  # Alice and Bob; the machine coder is left out
    pair = report.agreement[0]
    assert {pair.first, pair.second} == {"Alice", "Bob"}
    comparison = compare_coders(project, pair.first, pair.second)
    assert pair.agreement == round(comparison.pooled().agreement * 100, 2)
    assert pair.kappa == round(comparison.pooled().kappa, 4)
    page = render_report(project)
    assert "Agreement between coders" in page and f"{pair.kappa}" in page


def test_three_people_get_each_pair_and_alpha_together(project: Project) -> None:
    assert gather(project).group_alpha == ""  # two people: pairs only
    project.add_coder(Coder(id="carol", name="Carol"))
    text = project.documents["en-1"].text
    start = text.index("Support helped")
    project.add_coding(Coding("c-carol", "en-1", "sup", start, start + 20, coder_id="carol"))
    report = gather(project)
    assert len(report.agreement) == 3  # Alice-Bob, Alice-Carol, Bob-Carol
    expected = alpha_by_units(project, ["alice", "bob", "carol"]).pooled
    assert expected is not None
    assert report.group_alpha.endswith(f"by sentence, every code: {expected:.4f}")
    assert report.group_alpha.replace("'", "&#39;") in render_report(project)


def test_one_person_coding_gives_a_note_instead_of_agreement(project: Project) -> None:
    for coding in list(project.codings):
        if coding.coder_id == "bob":
            project.remove(coding.id)
    report = gather(project)
    assert report.agreement == ()
    assert report.agreement_note == "Agreement needs two people who coded; only Alice did."


def test_long_quotes_are_cut_and_say_how_much(project: Project) -> None:
    data = quote_data(render_report(project, quote_limit=10))
    cut = [q for q in data["quotes"] if q[6]]
    assert cut and all(len(q[5]) == 10 and q[6] == (q[4] - q[3]) - 10 for q in cut)


def test_an_empty_project_gives_a_page_that_says_so(tmp_path: Path) -> None:
    page = write_report(Project(name="Nothing yet"), tmp_path / "r.html").read_text("utf-8")
    parsed = parse(page)
    assert parsed.errors == [] and parsed.open == []
    assert "This project is empty" in page
    assert "No themes yet." in page and "No codes yet." in page
    assert "No quotes yet" in page and 'id="quote-data"' not in page
    assert [tag for tag, _ in parsed.tags].count("svg") == 0


def test_labels_are_cut_by_their_width_on_screen() -> None:
    assert report_charts.display_width("abc") == 3
    assert report_charts.display_width("同伴") == 4
    assert report_charts.shorten("同伴支持对我帮助很大", 70) == "同伴支持…"
    assert report_charts.shorten_path("Inductive/Group 1/Distinct", 100) == "…/Distinct"
    long_path = "Inductive/Group 1/Distinctive for case PN3/resident"
    assert report_charts.shorten_path(long_path, 140) == "…r case PN3/resident"
    assert (
        report_charts.shorten_path("Top/A long last part of a code", 140) == "…last part of a code"
    )
    assert report_charts.shorten_path("Inductive/Group 1/Distinct", 140) == "…/Group 1/Distinct"
    assert report_charts.shorten_path("Short", 140) == "Short"


# -- bad input -----------------------------------------------------------------------------


def test_a_missing_folder_is_one_clear_error_and_nothing_is_written(
    project: Project, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "report.html"
    with pytest.raises(OutputError, match="the output folder does not exist"):
        write_report(project, target)
    assert not (tmp_path / "missing").exists()


def test_a_folder_that_cannot_be_written_leaves_the_old_report(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("the old report", encoding="utf-8")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write here: permission denied"):
        write_report(project, target)
    assert target.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_without_jinja2_the_error_names_the_extra(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def without_jinja(name: str, *args: Any) -> Any:
        if name == "jinja2":
            raise ImportError("No module named 'jinja2'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_jinja)
    with pytest.raises(MissingExtraError) as caught:
        render_report(project)
    assert str(caught.value) == (
        "the HTML report needs Jinja2, which is not installed; pip install 'qualcode[report]'"
    )


# -- the command line ----------------------------------------------------------------------


def test_the_report_command_writes_the_page(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    save(project, source)
    before = source.read_bytes()
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        make_app(),
        ["report", str(source), "-o", str(out), "--title", "My 报告", "--page-size", "7"],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<title>My 报告 — qualcode report</title>" in page
    assert 'data-page-size="7"' in page
    assert len(quote_data(page)["quotes"]) == 12
    assert source.read_bytes() == before


def test_the_report_command_on_bad_paths_says_one_line(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "study.qualcode.json"
    save(project, source)
    runner = CliRunner()
    missing_folder = runner.invoke(
        make_app(), ["report", str(source), "-o", str(tmp_path / "nope" / "r.html")]
    )
    assert missing_folder.exit_code == 1
    assert missing_folder.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nope' / 'r.html'}: the output folder does not exist; create it"
    ]
    missing_project = runner.invoke(
        make_app(), ["report", str(tmp_path / "none.json"), "-o", str(tmp_path / "r.html")]
    )
    assert missing_project.exit_code == 1
    assert "no such file or folder" in missing_project.stderr
    assert not (tmp_path / "r.html").exists()


def test_the_theme_map_puts_subthemes_beside_their_parent_and_joins_codes() -> None:
    themes = [
        ("sub", "Sub of B", "b", "candidate", ("c3",)),
        ("a", "A", None, "final", ("c1",)),
        ("b", "B", None, "reviewed", ("c2", "c1")),
    ]
    layout = report_charts.theme_map(themes, {"c1": "One", "c2": "Two", "c3": "Group/Three"})
    nodes = {node.full: node for node in layout.nodes}
    assert [n.kind for n in layout.nodes] == ["theme", "theme", "subtheme", "code", "code", "code"]
    assert nodes["A (final)"].x == nodes["B (reviewed)"].x == 0
    assert nodes["Sub of B (candidate)"].x > 0
    codes = [n for n in layout.nodes if n.kind == "code"]
    assert [n.full for n in codes] == ["One", "Two", "Group/Three"]  # in the themes' order
    assert len({n.x for n in codes}) == 1 and codes[0].x > nodes["Sub of B (candidate)"].x
    # three codes, two themes, one subtheme: the shorter columns are centred beside the codes
    assert nodes["Sub of B (candidate)"].y == codes[1].y
    assert len([e for e in layout.edges if e.kind == "groups"]) == 4
    assert len([e for e in layout.edges if e.kind == "contains"]) == 1
    assert report_charts.theme_map([], {}).empty
