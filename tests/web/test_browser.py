"""What a person would do, in headless Chromium (Debian's build, driven by Playwright for Python):
change a filter, download a CSV, move through a page by keyboard, and run axe-core.

Needs Debian's chromium and axe-core: `scripts/test` installs both; without them these tests fail
(they never skip) with the step that installs them.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from browser_tools import CHROMIUM_ARGS, axe_script, chromium

CAMDEN = "E09000007"
EXPLORER = f"/crime?category=robbery&level=borough&area={CAMDEN}&quarter=2023-24Q1"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_url(web_app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port for the session."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    # Warm the pages the tests open first, so a loaded machine does not time a page out.
    import httpx

    js_off = EXPLORER.replace("level=borough", "level=bcu") + "&comparator=same_quarter_last_year"
    warm = (
        "/",
        EXPLORER,
        js_off,
        f"/area?level=borough&area={CAMDEN}",
        "/map",
        "/area?level=ward&area=E05013542",  # the first Belmont the search lists
        f"/map?level=ward&within={CAMDEN}",
        "/compare?category=robbery&level=borough",
    )
    for path in warm:
        httpx.get(base + path, timeout=300)
    yield base
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Playwright's sync API runs an event loop on this thread while it is open: closed with
    this module, so later tests can run their own (asyncio.run refuses inside a running loop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(chromium()),
            args=CHROMIUM_ARGS,
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.csp_errors = []  # type: ignore[attr-defined]
    pg.on(
        "console",
        lambda msg: (
            pg.csp_errors.append(msg.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SCRUTINY_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _series_table(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#series-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )


def test_changing_a_filter_updates_chart_and_table_on_show(page: Any, live_url: str) -> None:
    page.goto(live_url + EXPLORER)
    page.wait_for_selector("figure.chart[data-enhanced='vega']", timeout=20000)
    before = _series_table(page)
    assert "Robbery in Camden" in page.inner_text("#results-title")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.select_option("#f-area", label="Westminster")
    page.wait_for_timeout(500)
    assert requests == [] and "Camden" in page.inner_text("#results-title")  # nothing yet
    page.click("#f-show")
    # (wait_for_function would evaluate a string: the page's CSP rightly forbids that)
    page.wait_for_selector("#results-title:has-text('Westminster')")
    after = _series_table(page)
    assert after != before and len(after) == len(before) == 36
    svg_label = page.get_attribute("#crime-chart .chart-svg svg", "aria-label")
    assert svg_label and "Westminster" in svg_label
    assert "area=E09000033" in page.url  # the address follows the filter
    assert page.evaluate("document.activeElement.id") == "f-show"  # focus stays on the button
    page.wait_for_selector("figure.chart[data-enhanced='vega']", timeout=20000)
    assert page.csp_errors == []


def test_filters_work_with_javascript_off(browser: Any, live_url: str) -> None:
    import httpx

    meta = httpx.get(live_url + "/api/meta", timeout=300).json()
    bcu_code = next(a["parent"] for a in meta["areas"]["borough"] if a["code"] == CAMDEN)
    bcu = next(a["name"] for a in meta["areas"]["bcu"] if a["code"] == bcu_code)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url + EXPLORER)
    page.select_option("#f-level", "bcu")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "level=bcu" in page.url
    # Camden stayed in the form: the server moves up to Camden's BCU.
    assert page.inner_text("#results-title").startswith(f"Robbery in {bcu},")
    context.close()


def test_downloaded_csv_matches_the_table_on_the_page(page: Any, live_url: str) -> None:
    page.goto(live_url + EXPLORER)
    page.click("#crime-chart summary")  # "Show as table"
    shown = _series_table(page)
    with page.expect_download() as info:
        page.click("#crime-chart .download a")
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert len(rows) == len(shown) == 36
    for row, cells in zip(rows, shown, strict=True):
        assert time.strftime("%b %Y", time.strptime(row["month"], "%Y-%m")) == cells[0]
        assert row["offences"] == cells[1].replace(",", "")
        assert float(row["mean"]) == pytest.approx(float(cells[2].replace(",", "")))
        assert row["spc_reading"] == cells[5]


def test_keyboard_reaches_everything_in_order(page: Any, live_url: str) -> None:
    page.goto(live_url + EXPLORER)
    page.wait_for_load_state("networkidle")  # a loaded machine still ran the page's scripts
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return e.id || e.tagName.toLowerCase() + ':' + e.textContent.trim(); })()"
            )
        )
    # One lap: Tab past the last element leaves the page (body) and wraps to the skip link.
    # Under load Chromium may already have wrapped at the first Tab (focus left #main for the
    # body), so the lap starts at the first element that is not a wrap and ends at the next wrap.
    wrap = ("body:", "a:Skip to main content")
    start = next((i for i, s in enumerate(seen) if not s.startswith(wrap)), len(seen))
    seen = seen[start:]
    seen = seen[: next((i for i, s in enumerate(seen) if s.startswith(wrap)), len(seen))]
    form = ["f-category", "f-level", "f-area", "f-quarter", "f-comparator"]
    assert [s for s in seen if s in form] == form  # the form in reading order
    assert "summary:Show as table" in seen
    # Open the table alternative from the keyboard.
    page.focus("#crime-chart summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('#crime-chart details').open")
    # Change a menu from the keyboard: nothing moves until the form is sent (WCAG 3.2.2).
    page.focus("#f-comparator")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "comparator=same_quarter_baseline" not in page.url
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-show"
    page.keyboard.press("Enter")
    page.wait_for_url("**comparator=same_quarter_baseline**")
    page.wait_for_selector("#kf-then")


@pytest.mark.parametrize(
    "path",
    ["/", EXPLORER, "/compare?category=robbery", "/priorities/trust", "/registers", "/finance"],
)
def test_axe_finds_no_serious_or_critical_violations(page: Any, live_url: str, path: str) -> None:
    assert _serious_violations(page, live_url + path) == []
    assert page.csp_errors == []


def _serious_violations(page: Any, url: str) -> list[str]:
    """axe-core's serious and critical violations on the page at ``url``."""
    page.goto(url)
    page.evaluate(axe_script().read_text(encoding="utf-8"))  # over CDP: CSP does not apply
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_screenshots(page: Any, live_url: str, shots: Path) -> None:
    """Full-page screenshots of the home page, a priority page and the explorer."""
    for name, path in (
        ("home.png", "/"),
        ("priority-trust.png", "/priorities/trust"),
        ("crime-explorer.png", EXPLORER),
        ("compare-boroughs.png", "/compare?category=robbery"),
    ):
        page.goto(live_url + path)
        if path == EXPLORER:
            page.wait_for_selector("figure.chart[data-enhanced='vega']", timeout=20000)
        page.screenshot(path=str(shots / name), full_page=True)
        assert (shots / name).stat().st_size > 10_000


WESTMINSTER = "E09000033"
PAGES = {
    "home": "/",
    "area": f"/area?level=borough&area={WESTMINSTER}",
    "ward": "/area?level=ward&area=E05013542",
    "explorer": EXPLORER,
    "map": "/map",
    "ward-map": "/map?level=ward",
    "ward-map-camden": f"/map?level=ward&within={CAMDEN}",
    "compare": "/compare?category=robbery",
    "compare-wards": f"/compare?category=robbery&level=ward&within={CAMDEN}",
    "data": "/data",
    "search": "/search?q=Belmont",
    "docs": "/docs",
    "registers": "/registers",
    "finance": "/finance",
    "sources": "/sources",
    "priority": "/priorities/trust",
}


def test_search_finds_both_belmont_wards_with_their_boroughs(page: Any, live_url: str) -> None:
    page.goto(live_url + "/")
    page.click("nav.site-nav >> text=Find an area")
    page.fill("#q", "Belmont")
    page.click("form.search-form button")
    page.wait_for_selector("#search-results")
    items = page.eval_on_selector_all(
        "#search-results li", "items => items.map(i => i.textContent.trim())"
    )
    assert "Belmont – Ward in Harrow" in items and "Belmont – Ward in Sutton" in items
    page.click("#search-results a >> nth=0")
    page.wait_for_selector("h1:has-text('Crime in Belmont (')")


def test_the_maps_westminster_shape_links_to_westminsters_page(page: Any, live_url: str) -> None:
    page.goto(live_url + "/map?category=total-notifiable-offences&level=borough")
    shape = page.locator(f"#map a[data-area='{WESTMINSTER}']")
    assert "Westminster" in (shape.get_attribute("aria-label") or "")
    shape.click()
    page.wait_for_selector("h1:has-text('Crime in Westminster')")
    assert f"area={WESTMINSTER}" in page.url and "level=borough" in page.url


def test_the_ward_level_picks_a_borough_on_the_map_and_lists_its_wards(
    page: Any, live_url: str
) -> None:
    page.goto(live_url + "/map?category=robbery&level=ward")
    assert "There is no ward map" in page.inner_text("#no-map")
    page.click(f"#picker a[data-area='{CAMDEN}']")
    page.wait_for_selector("h2:has-text('by ward in Camden')")
    assert f"within={CAMDEN}" in page.url and "level=ward" in page.url
    rows = page.eval_on_selector_all("#map-table tbody th", "ths => ths.map(t => t.innerText)")
    assert 10 < len(rows) < 40 and "Camden Town" in rows
    page.click("#map-table tbody th a >> text=Camden Town")
    page.wait_for_selector("h1:has-text('Crime in Camden Town')")


def _column(page: Any, table: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"{table} tbody tr",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-value'))",
    )


def test_sorting_the_map_table_by_rate_orders_it(page: Any, live_url: str) -> None:
    page.goto(live_url + "/map?category=robbery&level=borough&measure=rate")
    page.click("#map-table thead th:nth-child(2) button.sort")
    values = [float(v) for v in _column(page, "#map-table", 1) if v]
    assert values == sorted(values) and len(values) > 20
    assert page.get_attribute("#map-table thead th:nth-child(2)", "aria-sort") == "ascending"
    page.click("#map-table thead th:nth-child(2) button.sort")
    values = [float(v) for v in _column(page, "#map-table", 1) if v]
    assert values == sorted(values, reverse=True)


def test_sorting_by_rate_works_with_javascript_off(browser: Any, live_url: str) -> None:
    """Without JavaScript the column headers are links: the server sorts the table."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url + "/compare?category=robbery&level=borough")
    page.click("#spc-table thead th:nth-child(5) a")
    page.wait_for_url("**sort=rate**")
    values = [float(v) for v in _column(page, "#spc-table", 4) if v]
    assert values == sorted(values, reverse=True) and len(values) > 20
    assert page.get_attribute("#spc-table thead th:nth-child(5)", "aria-sort") == "descending"
    page.click("#spc-table thead th:nth-child(5) a")  # again: the other way
    page.wait_for_url("**order=asc**")
    values = [float(v) for v in _column(page, "#spc-table", 4) if v]
    assert values == sorted(values)
    context.close()


def test_the_latest_quarter_is_the_default(page: Any, live_url: str) -> None:
    import httpx

    latest = httpx.get(live_url + "/api/meta", timeout=300).json()["quarters"]["force"][0]
    page.goto(live_url + "/crime")
    assert page.input_value("#f-quarter") == latest
    label = page.inner_text("#f-quarter option:checked")
    assert page.inner_text(".site-quarter") == label
    assert "Data to " in page.inner_text(".site-fresh")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_page_scrolls_sideways_on_a_phone(browser: Any, live_url: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_url + PAGES[name])
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    assert page.evaluate("document.querySelector('header').offsetHeight") < 120, name
    context.close()


@pytest.mark.parametrize(
    "name",
    ["area", "map", "ward-map-camden", "search", "data", "docs", "ward", "compare-wards"],
)
def test_axe_finds_nothing_serious_on_the_new_pages(page: Any, live_url: str, name: str) -> None:
    assert _serious_violations(page, live_url + PAGES[name]) == []
    assert page.csp_errors == []


def test_phone_and_desktop_screenshots(browser: Any, live_url: str, shots: Path) -> None:
    """Home, an area page, the map, compare and data at 390 and 1366 px wide."""
    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name in ("home", "area", "map", "compare", "data"):
            page.goto(live_url + PAGES[name])
            page.wait_for_timeout(500)
            target = shots / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        context.close()


def test_phone_tables_stack_and_chart_labels_stay_on_screen(browser: Any, live_url: str) -> None:
    """At 390 px a wide table becomes one card per row (each figure beside its column's name),
    and the ranked bars' labels and legend stay inside the chart (they ran off its edge)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, table in (
        ("area", "#area-table"),
        ("compare", "#spc-table"),
        ("home", "#headline-table"),
    ):
        page.goto(live_url + PAGES[name])
        cells = page.eval_on_selector_all(
            f"{table} tbody td[data-label]",
            """cells => cells.map(c => ({right: c.getBoundingClientRect().right,
                label: getComputedStyle(c, '::before').content, text: c.textContent.trim()}))""",
        )
        assert cells, name
        assert max(c["right"] for c in cells) <= 390, name  # nothing hidden sideways
        assert all(c["label"] not in ("none", "normal", '""') for c in cells), name
    page.goto(live_url + PAGES["compare"])
    page.wait_for_selector("figure.chart[data-enhanced='vega']", timeout=20000)
    right = page.eval_on_selector_all(
        "figure.chart .chart-vega svg text",
        "ts => Math.max(...ts.filter(t => t.textContent)"
        ".map(t => t.getBoundingClientRect().right))",
    )
    # Inside the chart's own box (it clips what runs past it), the highest bar's figure too.
    edge = page.eval_on_selector("figure.chart .chart-vega", "e => e.getBoundingClientRect().right")
    assert right <= min(edge, 390)
    context.close()
