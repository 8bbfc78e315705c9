"""The point-density map: street-level records counted per grid square, for any force with
data.police.uk street files (no boundary file needed)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.web.app import create_app
from scrutiny.web.views import count_classes


@pytest.fixture(scope="module")
def city(city_ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(city_ws), raise_server_exceptions=False) as c:
        yield c


def _records(realdata: Path, months: list[str], crime_type: str | None) -> int:
    """Records with a map point in the City's own LSOAs, counted with the csv module."""
    n = 0
    for month in months:
        path = realdata / "police_uk" / "city-of-london" / f"{month}-city-of-london-street.csv"
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if not (r["Latitude"] and r["Longitude"]):
                    continue
                if not r["LSOA name"].startswith("City of London "):
                    continue
                if crime_type is None and r["Crime type"] == "Anti-social behaviour":
                    continue  # outside the total of offences
                if crime_type is not None and r["Crime type"] != crime_type:
                    continue
                n += 1
    return n


def _cells(html: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"<title>([\d,]+) near ", html)]


@pytest.mark.parametrize(
    ("query", "months", "crime_type"),
    [
        ("quarter=2021-22Q3", ["2021-10", "2021-11", "2021-12"], None),
        ("category=robbery&quarter=2019-20Q1", ["2019-04", "2019-05", "2019-06"], "Robbery"),
    ],
)
def test_density_counts_every_located_record_once(
    city: TestClient, realdata: Path, query: str, months: list[str], crime_type: str | None
) -> None:
    html = city.get(f"/map/points?{query}").text
    expected = _records(realdata, months, crime_type)
    assert expected > 20
    assert f"{expected:,} offences with a map point" in html
    cells = _cells(html)
    assert sum(cells) == expected and len(cells) > 5
    table = re.search(r'<table id="points-table".*?</table>', html, re.S)
    assert table
    listed = [
        int(v)
        for v in re.findall(r'<td class="num" data-value="(\d+)">[\d,]+</td></tr>', table.group(0))
    ]
    assert listed == sorted(cells, reverse=True)[: len(listed)]
    assert 'class="legend"' in html and "offences per square" in html


def test_map_links_to_the_points_and_forces_without_street_records_say_so(
    city: TestClient, client: TestClient
) -> None:
    assert "/map/points?category=" in city.get("/map?level=borough").text
    r = client.get("/map/points")  # the demo has no street-level records
    assert r.status_code == 404 and "no street-level records" in r.text
    assert "/map/points" not in client.get("/map").text


def test_count_classes_cover_every_count() -> None:
    lows, palette = count_classes([1, 1, 2, 3])
    assert lows == [1, 2, 3] and len(palette) == 3
    lows, palette = count_classes(list(range(1, 101)))
    assert lows[0] == 1 and len(lows) == len(palette) == 5 and lows == sorted(lows)


def test_the_static_site_writes_the_points_page_its_map_links_to(
    city_ws: Workspace, tmp_path: Path
) -> None:
    from scrutiny.web.site import build_site

    report = build_site(city_ws, tmp_path / "site")
    assert "map/points/all-crime.html" in report.pages
    page = (tmp_path / "site" / "map" / "points" / "all-crime.html").read_text(encoding="utf-8")
    assert "offences with a map point" in page and "<form" not in page
    linking = (tmp_path / "site" / "map" / "index.html").read_text(encoding="utf-8")
    assert 'href="points/all-crime.html"' in linking
