"""The HTML report in a real headless Chromium (Debian's package, driven by Playwright).

Where Chromium or Playwright is missing the tests skip, saying how to install them; with
``QUALCODE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead, so CI always runs them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qualcode import Project
from qualcode.reports import write_report

CHARTS = ("chart-by-time", "chart-by-case", "chart-cooccurrence", "chart-theme-map")


def _browser_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "report_browser", Path(__file__).with_name("browser.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helper = _browser_module()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = helper.missing()
    if problem:
        if os.environ.get("QUALCODE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"QUALCODE_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = helper.launch(playwright)
        yield chromium
        chromium.close()


def shown_quotes(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#quote-list .quote > p").all_inner_texts()]


def test_the_report_loads_without_errors_and_draws_every_chart(
    browser: Any, project: Project, tmp_path: Path
) -> None:
    report = write_report(project, tmp_path / "report.html", page_size=5)
    page, errors = helper.open_page(browser, report)
    assert errors == []
    for chart in CHARTS:
        svg = page.locator(f"#{chart} svg")
        assert svg.count() == 1, chart
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (chart, box)
        shapes = page.locator(f"#{chart} svg rect").count()
        assert shapes > 0, chart
    # bars in the bar charts have a width; the heat map's squares are coloured
    widths = page.eval_on_selector_all(
        "#chart-by-time .bar rect", "rs => rs.map(r => r.getBoundingClientRect().width)"
    )
    assert widths and min(widths) > 0
    image = tmp_path / "report.png"
    page.screenshot(path=str(image), full_page=True)
    assert image.stat().st_size > 10_000
    print(f"screenshot of the report: {image}")
    page.close()


def test_the_search_box_and_the_code_list_filter_the_quotes(
    browser: Any, project: Project, tmp_path: Path
) -> None:
    report = write_report(project, tmp_path / "report.html", page_size=5)
    page, errors = helper.open_page(browser, report)
    assert len(shown_quotes(page)) == 5  # one page of the twelve
    assert page.inner_text("#quote-page") == "Page 1 of 3"
    page.click("#quote-next")
    page.click("#quote-next")
    assert len(shown_quotes(page)) == 2
    assert page.is_disabled("#quote-next")

    page.fill("#quote-search", "帮助")
    page.press("#quote-search", "Enter")
    assert shown_quotes(page) == ["同伴支持对我帮助很大。"] * 2
    assert page.inner_text("#quote-status") == "2 of 12 quotes match."
    assert page.inner_text("#quote-page") == "Page 1 of 1"

    page.fill("#quote-search", "night shifts")  # every word must be found
    page.press("#quote-search", "Enter")
    assert shown_quotes(page) == ["I was tired after the night shifts."]

    page.fill("#quote-search", "no such words anywhere")
    page.press("#quote-search", "Enter")
    assert shown_quotes(page) == []
    assert page.inner_text("#quote-status") == "0 of 12 quotes match."

    page.fill("#quote-search", "")
    page.press("#quote-search", "Enter")
    assert page.inner_text("#quote-status") == "12 quotes."

    page.select_option("#quote-code", label="تعب")
    assert shown_quotes(page) == [  # in document order
        "I was tired",
        "I was tired after the night shifts.",
        "夜班之后我很累。",
        "كنت متعبا بعد نوبات الليل.",
    ]
    # the search box searches source names too, within the chosen code
    page.fill("#quote-search", "مقابلة")
    page.press("#quote-search", "Enter")
    assert shown_quotes(page) == ["كنت متعبا بعد نوبات الليل."]
    assert errors == []
    page.close()


def test_each_quote_reads_in_its_own_direction(
    browser: Any, project: Project, tmp_path: Path
) -> None:
    report = write_report(project, tmp_path / "report.html", page_size=50)
    page, _ = helper.open_page(browser, report)
    directions = page.eval_on_selector_all(
        "#quote-list .quote > p",
        "ps => ps.map(p => [p.textContent, p.matches(':dir(rtl)')])",
    )
    by_text = dict(directions)
    assert by_text["كنت متعبا بعد نوبات الليل."] is True
    assert by_text["同伴支持对我帮助很大。"] is False
    assert by_text["Support helped me a lot."] is False
    # markup in a quote is shown as text
    assert "</script><b>not bold</b>" in by_text
    assert page.locator("#quote-list b").count() == 0
    page.close()


def test_printing_hides_the_controls_and_makes_a_pdf(
    browser: Any, project: Project, tmp_path: Path
) -> None:
    report = write_report(project, tmp_path / "report.html")
    page, errors = helper.open_page(browser, report)
    assert page.is_visible("#quote-search")
    page.emulate_media(media="print")
    assert not page.is_visible("#quote-search")
    assert not page.is_visible("#quote-next")
    assert page.is_visible("#chart-cooccurrence svg")
    pdf = page.pdf(path=str(tmp_path / "report.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert errors == []
    page.close()


def test_an_empty_project_gives_a_page_that_says_so(browser: Any, tmp_path: Path) -> None:
    report = write_report(Project(name="Nothing yet"), tmp_path / "empty.html")
    page, errors = helper.open_page(browser, report)
    assert errors == []
    assert page.title() == "Nothing yet — qualcode report"
    assert "This project is empty" in page.inner_text("#empty-project")
    for chart in CHARTS:
        assert page.locator(f"#{chart} svg").count() == 0
        assert page.locator(f"#{chart} .chart-empty").is_visible()
    page.screenshot(path=str(tmp_path / "empty.png"))
    print(f"screenshot of the empty report: {tmp_path / 'empty.png'}")
    page.close()
