"""Tables sort on the server (``?sort=…&order=…``, no JavaScript needed), and areas compare by
ward, within one borough or across the force."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.workspace import Workspace
from scrutiny.web.sorting import Sort, sort_rows

CAMDEN = "E09000007"


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    assert found, table_id
    return found.group(0)


def _column(html: str, table_id: str, index: int) -> list[float | None]:
    """The data-value of one column of a table's body (None where blank)."""
    body = _table(html, table_id).split("<tbody>")[1].split("</tbody>")[0]
    values: list[float | None] = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r'<td class="num" data-value="([^"]*)"', row)
        # A row the level does not publish has one "not published" cell and no figures.
        values.append(float(cells[index]) if index < len(cells) and cells[index] else None)
    return values


def test_compare_table_sorts_by_rate_on_the_server(client: TestClient) -> None:
    base = "/compare?category=robbery&level=borough"
    desc = _column(client.get(base + "&sort=rate&order=desc").text, "spc-table", 3)
    asc = _column(client.get(base + "&sort=rate&order=asc").text, "spc-table", 3)
    known = [v for v in desc if v is not None]
    assert len(known) > 25 and known == sorted(known, reverse=True)
    assert [v for v in asc if v is not None] == sorted(known)
    # Areas without a figure stay last either way.
    assert desc[len(known) :] == [None] * (len(desc) - len(known))
    assert asc[len(known) :] == [None] * (len(asc) - len(known))


def test_sort_headers_link_to_the_other_order_and_say_which_is_applied(
    client: TestClient,
) -> None:
    html = client.get("/compare?category=robbery&level=borough&sort=rate&order=desc").text
    heads = re.findall(r"<th [^>]*aria-sort=\"(\w+)\"[^>]*>(.*?)</th>", _table(html, "spc-table"))
    rate = next((aria, cell) for aria, cell in heads if "Per 1,000" in cell)
    assert rate[0] == "descending" and "sort=rate&amp;order=asc" in rate[1]
    count = next((aria, cell) for aria, cell in heads if "Offences in quarter" in cell)
    assert count[0] == "none" and "sort=count&amp;order=desc" in count[1]
    area = next((aria, cell) for aria, cell in heads if ">Area<" in cell)
    assert "sort=area&amp;order=asc" in area[1]  # names sort A to Z first


def test_area_and_map_tables_sort_on_the_server(client: TestClient) -> None:
    area = client.get(f"/area?level=borough&area={CAMDEN}&sort=count&order=desc").text
    counts = [v for v in _column(area, "area-table", 0) if v is not None]
    assert len(counts) > 8 and counts == sorted(counts, reverse=True)
    shown = client.get("/map?category=robbery&level=borough&sort=value&order=asc").text
    values = [v for v in _column(shown, "map-table", 0) if v is not None]
    assert len(values) > 25 and values == sorted(values)


def test_an_unknown_sort_is_a_404(client: TestClient) -> None:
    r = client.get("/compare?category=robbery&sort=shoe-size")
    assert r.status_code == 404 and "cannot sort by" in r.text
    assert client.get("/map?sort=value&order=up").status_code == 404


def test_missing_values_stay_last_whichever_the_order() -> None:
    rows = [("a", 2.0), ("b", None), ("c", 1.0), ("d", 3.0)]

    def value(r: tuple[str, float | None], key: str) -> float | None:
        return r[1]

    assert [r[0] for r in sort_rows(rows, Sort("v", "asc"), value)] == ["c", "a", "d", "b"]
    assert [r[0] for r in sort_rows(rows, Sort("v", "desc"), value)] == ["d", "a", "c", "b"]
    assert sort_rows(rows, None, value) == rows


def test_wards_compare_within_a_borough_and_across_the_force(
    client: TestClient, web_ws: Workspace
) -> None:
    data = WorkspaceData(web_ws)
    try:
        camden_wards = {a.code for a in data.areas["ward"].values() if a.parent_code == CAMDEN}
        all_wards = len(data.areas["ward"])
    finally:
        data.close()
    html = client.get(f"/compare?category=robbery&level=ward&within={CAMDEN}").text
    listed = set(re.findall(r"area=(E05\d+)", _table(html, "spc-table")))
    assert listed == camden_wards
    assert "Robbery by ward in Camden" in html and 'id="compare-chart"' in html
    everywhere = client.get("/compare?category=robbery&level=ward").text
    assert len(set(re.findall(r"area=(E05\d+)", _table(everywhere, "spc-table")))) == all_wards
    assert 'id="compare-chart"' not in everywhere and "too many for a readable chart" in everywhere
    # Ward labels tell same-named wards apart.
    assert "Belmont (Harrow)" in everywhere and "Belmont (Sutton)" in everywhere
    ranked = client.get("/api/crime/comparison?category=robbery&level=ward").json()
    assert len(ranked["rows"]) == all_wards + 1  # and the force
