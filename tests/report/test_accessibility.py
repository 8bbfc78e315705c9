"""The report's HTML in headless Chromium, with the network cut off: the charts draw from the
bundled runtime, axe-core finds no serious or critical violations, headings nest, and every data
table has header cells.

Needs Debian's chromium and axe-core: `scripts/test` installs both; without them these tests fail
(they never skip) with the step that installs them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from types import SimpleNamespace
from typing import Any

import pytest

from browser_tools import CHROMIUM_ARGS, axe_script, chromium
from scrutiny.report.build import ReportPaths

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page(built_current: ReportPaths) -> Iterator[SimpleNamespace]:
    from playwright.sync_api import sync_playwright

    axe_script()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium()),
            args=CHROMIUM_ARGS,
        )
        context = browser.new_context()
        blocked: list[str] = []

        def offline(route: Any) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.goto(built_current.html.resolve().as_uri(), wait_until="load")
        pg.wait_for_function(
            "document.querySelectorAll('.chart-canvas.vega-embed').length === "
            "document.querySelectorAll('[data-spec]').length",
            timeout=180_000,  # a loaded 2-core machine takes a while to draw 30 charts
        )
        yield SimpleNamespace(page=pg, blocked=blocked, errors=errors)
        browser.close()


@pytest.fixture(scope="module")
def page(browser_page: SimpleNamespace) -> Any:
    return browser_page.page


def test_offline_and_charts_interactive(browser_page: SimpleNamespace, page: Any) -> None:
    assert browser_page.blocked == [], "the report asked for something off the page"
    assert browser_page.errors == []
    drawn = page.evaluate("document.querySelectorAll('.chart-canvas.vega-embed svg').length")
    assert drawn == page.evaluate("document.querySelectorAll('[data-spec]').length") > 0


def test_axe_finds_no_serious_or_critical_violations(page: Any) -> None:
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in bad
    ]
    assert not bad, json.dumps(summary, indent=1)


def test_headings_nest(page: Any) -> None:
    levels = page.evaluate(
        "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
    )
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}"


def test_data_tables_have_header_cells(page: Any) -> None:
    tables = page.evaluate(
        """Array.from(document.querySelectorAll('table')).map(t => ({
             caption: t.caption ? t.caption.textContent : '',
             cols: t.querySelectorAll('thead th[scope=col]').length,
             width: t.rows[0] ? t.rows[0].cells.length : 0}))"""
    )
    assert tables
    for t in tables:
        assert t["caption"], "every table has a caption"
        assert t["cols"] == t["width"], f"{t['caption']}: every column needs a header cell"
