"""Open a report in the system's headless Chromium through Playwright (never a browser download).

Used by the browser test, the report benchmark and, as a script, to make the screenshot in the
docs::

    python tests/reports/browser.py report.html screenshot.png [CSS-SELECTOR]

Chromium is Debian's ``chromium`` package (``apt-get install chromium``); another binary can be
named with ``QUALCODE_CHROMIUM``. Playwright comes with the ``test`` extra.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL = (
    "install Debian's Chromium (apt-get install chromium) and the test extra "
    "(pip install -e '.[test]'), or name a Chromium binary in QUALCODE_CHROMIUM"
)


def find_chromium() -> str | None:
    """The Chromium binary to drive, or None when there is none."""
    named = os.environ.get("QUALCODE_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing() -> str | None:
    """Why the browser cannot be driven here (with how to fix it), or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed; " + INSTALL
    if find_chromium() is None:
        return "Chromium is not installed; " + INSTALL
    return None


def launch(playwright: Any) -> Any:
    """The system's Chromium, headless, started through ``playwright`` (a sync Playwright)."""
    return playwright.chromium.launch(executable_path=find_chromium(), args=ARGS)


def open_page(
    browser: Any, path: Path, *, width: int = 1200, height: int = 900
) -> tuple[Any, list[str]]:
    """A new page showing the report at ``path``, and the list its console errors and uncaught
    exceptions go to."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors


def paint_times(page: Any) -> dict[str, float]:
    """First paint and first contentful paint, in milliseconds since the navigation started,
    as the browser's performance timing API reports them."""
    entries = page.evaluate(
        "() => performance.getEntriesByType('paint').map(e => [e.name, e.startTime])"
    )
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"
    )
    times = {name: float(start) for name, start in entries}
    times["dom-content-loaded"], times["load"] = float(timing[0]), float(timing[1])
    return times


def screenshot(report: Path, image: Path, selector: str | None = None) -> list[str]:
    """Save a screenshot of ``report`` (the top of the page, or the element ``selector``
    names) to ``image``; returns the page's console errors."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page, errors = open_page(browser, report, width=1100, height=1250)
            if selector:
                page.locator(selector).screenshot(path=str(image))
            else:
                page.screenshot(path=str(image))
        finally:
            browser.close()
    return errors


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python tests/reports/browser.py REPORT.html SCREENSHOT.png [SELECTOR]")
    problem = missing()
    if problem:
        sys.exit(problem)
    found = screenshot(Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:])
    print(f"wrote {sys.argv[2]}" + (f"; console errors: {found}" if found else ""))
