"""The map of a police.uk-only force (City of London Police, real data) in headless Chromium:
its local authority is drawn from the shipped outlines, coloured by its figure, and links to
its page."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_tools import CHROMIUM_ARGS, axe_script, chromium
from scrutiny.config.workspace import Workspace
from scrutiny.web.app import create_app
from scrutiny.web.views import NO_DATA

pytestmark = pytest.mark.browser
CITY = "E09000001"


@pytest.fixture(scope="module")
def city_url(city_ws: Workspace) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(city_ws), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: Any, city_url: str) -> Iterator[Any]:
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    yield pg
    pg.close()


def test_the_city_map_colours_its_local_authority_and_links_to_it(page: Any, city_url: str) -> None:
    page.goto(city_url + "/map?measure=rate", timeout=120000)
    shape = page.locator(f"#map a[data-area='{CITY}'] path")
    assert shape.count() == 1
    fill = shape.get_attribute("fill")
    assert fill and fill != NO_DATA  # coloured by a figure, not "no figure"
    box = shape.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80  # drawn, fitted to the phone
    # The legend names the one figure the City has, and the table gives the same figure.
    legend = page.inner_text("#map .legend")
    value = page.locator(f"#map a[data-area='{CITY}']").get_attribute("aria-label")
    assert value and value.startswith("City of London: ")
    figure = value.removeprefix("City of London: ")
    assert figure in legend and "below" not in legend
    row = page.locator("#map-table tbody tr", has_text="City of London")
    assert figure in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The outlines' licence (OGL, OS data) is credited on the map itself.
    assert "Crown copyright" in page.inner_text("#results")
    shape.click()
    page.wait_for_load_state()
    assert f"area={CITY}" in page.url
    assert "City of London" in page.inner_text("h1")


PAGES = {
    "home": "/",
    "area": f"/area?level=borough&area={CITY}",
    "map": "/map",
    "ward-map": "/map?level=ward",
    "points": "/map/points",
    "compare": "/compare",
    "data": "/data",
}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SCRUTINY_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("city-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("width", [390, 1366])
def test_city_pages_fit_the_screen_pass_axe_and_are_photographed(
    browser: Any, city_url: str, shots: Path, width: int
) -> None:
    """A police.uk-only force's home, area, map, ward list, points, compare and data pages at
    phone and desktop width: no sideways scroll, a short header on a phone, no serious or
    critical axe-core finding; full-page screenshots city-NAME-WIDTH.png for a person to read."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    axe = axe_script().read_text(encoding="utf-8")
    for name, path in PAGES.items():
        pg.goto(city_url + path, timeout=120000)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width, name
        if width == 390:
            assert pg.evaluate("document.querySelector('header').offsetHeight") < 120, name
        pg.evaluate(axe)
        found = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']}: {v['nodes'][0]['target']}"
            for v in found["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], name
        target = shots / f"city-{name}-{width}.png"
        pg.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000, name
    context.close()
