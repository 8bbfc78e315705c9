"""Every page and API route, in-process: status, headers, content, validation and suppression."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.web.app import create_app
from scrutiny.web.security import CSP

from .conftest import SUPPRESS_BELOW

CAMDEN = "E09000007"
PAGES = [
    "/",
    "/crime",
    f"/crime?category=robbery&level=borough&area={CAMDEN}&quarter=2023-24Q1&comparator=previous_quarter",
    "/crime?category=burglary&level=bcu&area=MPS-CENTRAL-NORTH&comparator=baseline_r12",
    "/crime?level=ward&quarter=2024-25Q1",
    "/compare",
    "/compare?category=robbery&level=bcu&measure=change&comparator=previous_r12",
    "/compare?category=total-notifiable-offences&level=borough&measure=count",
    "/priorities/victims",
    "/priorities/trust",
    "/priorities/violence",
    "/priorities/exploitation",
    "/registers",
    "/finance",
    "/outcomes",
    "/sources",
    "/data",
]
API = [
    "/api/",
    "/api/meta",
    "/api/crime/measures?category=robbery&level=borough",
    "/api/crime/measures?category=Total%20Notifiable%20Offences&level=force&quarter=2022-23Q4",
    f"/api/crime/series?category=robbery&level=borough&area={CAMDEN}",
    "/api/crime/series?category=robbery&area=MPS",
    "/api/crime/comparison?category=robbery",
    "/api/crime/comparison?category=robbery&level=bcu&measure=change&comparator=baseline_r12",
    "/api/tables",
    "/api/tables/services",
    "/api/tables/risks?quarter=2021-22Q1",
    "/api/report",
    "/api/report/finances",
    "/api/sources",
]
CSV = [
    "/api/crime/measures.csv?category=robbery&level=borough",
    f"/api/crime/series.csv?category=robbery&level=borough&area={CAMDEN}",
    "/api/crime/comparison.csv?category=robbery",
    "/api/tables/milestones.csv",
    "/api/report/finance-revenue/1.csv",
    "/api/sources.csv",
]


def _check_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    _check_headers(r)
    html = r.text
    assert html.startswith("<!doctype html>")
    assert '<main id="main"' in html and "<h1" in html
    # No inline script: every script has a src, or is a JSON data block.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html.replace("font-style", "")  # CSP forbids inline styles
    assert "Traceback" not in html


@pytest.mark.parametrize("url", API)
def test_every_api_route_answers_json(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    _check_headers(r)
    assert r.json()


@pytest.mark.parametrize("url", CSV)
def test_every_csv_route_downloads(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_csv_and_json_carry_the_same_rows(client: TestClient) -> None:
    query = "?category=robbery&level=borough&quarter=2023-24Q1"
    data = client.get("/api/crime/measures" + query).json()
    table = list(csv.DictReader(io.StringIO(client.get("/api/crime/measures.csv" + query).text)))
    assert [r["area_code"] for r in table] == [r["area_code"] for r in data["rows"]]
    camden = next(r for r in data["rows"] if r["area_code"] == CAMDEN)
    assert camden["quarter"] == 460 and camden["same_quarter_last_year"] == 303  # as explained
    assert next(r for r in table if r["area_code"] == CAMDEN)["quarter"] == "460"


def test_every_route_is_read_only(web_app: FastAPI, client: TestClient) -> None:
    for route in web_app.routes:
        methods = getattr(route, "methods", None) or {"GET"}
        assert methods <= {"GET", "HEAD"}, route
    for method in ("post", "put", "delete", "patch"):
        r = client.request(method.upper(), "/api/crime/measures?category=robbery")
        assert r.status_code == 405
        assert r.json() == {"detail": "This site is read-only: only GET requests are answered."}


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/crime/measures?category=no-such-thing", 404, "unknown category"),
        ("/api/crime/measures?category=robbery&level=county", 422, "level"),
        ("/api/crime/measures?category=robbery&quarter=2001-02Q1", 404, "do not cover"),
        ("/api/crime/measures?category=robbery&quarter=2023-25Q1", 404, "not a quarter"),
        ("/api/crime/measures?category=robbery&quarter=yesterday", 422, "quarter"),
        ("/api/crime/measures?level=borough", 422, "category"),
        ("/api/crime/series?category=robbery&level=borough&area=Atlantis", 404, "no borough"),
        ("/api/crime/comparison?category=robbery&level=ward", 422, "level"),
        ("/api/crime/comparison?category=robbery&measure=vibes", 422, "measure"),
        ("/api/tables/passwords", 404, "no published table"),
        ("/api/tables/services?quarter=1999-00Q1", 404, "no rows"),
        ("/api/tables/..%2F..%2Fetc", 404, "no page"),
        ("/api/tables/Services!", 422, "name"),
        ("/api/report/no-such-section", 404, "no report section"),
        ("/api/report/finances/99.csv", 404, "has no table"),
        ("/api/nowhere", 404, "no page"),
    ],
)
def test_bad_api_parameters_are_short_json_errors(
    client: TestClient, url: str, status: int, says: str
) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert list(body) == ["detail"] and says in body["detail"]
    assert len(body["detail"]) < 200 and "Traceback" not in r.text
    _check_headers(r)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/crime?category=no-such-thing", 404),
        ("/crime?level=county", 404),
        ("/crime?level=borough&area=Atlantis", 404),
        ("/crime?quarter=soon", 404),
        ("/compare?level=ward", 404),
        ("/compare?measure=vibes", 404),
        ("/priorities/no-such-priority", 404),
        ("/nowhere", 404),
        ("/crime?category=" + "x" * 500, 422),
    ],
)
def test_bad_page_parameters_are_short_html_errors(
    client: TestClient, url: str, status: int
) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text and 'href="/"' in r.text
    _check_headers(r)


def test_explorer_shows_sentence_chart_table_and_download(client: TestClient) -> None:
    html = client.get(f"/crime?category=robbery&level=borough&area={CAMDEN}&quarter=2023-24Q1").text
    assert "Robbery in Camden, Q1 2023-24" in html
    assert "Robbery offences in Camden in Q1 2023-24 increased on Q4 2022-23 (+30%)" in html
    assert '<svg role="img" aria-label="Chart: Robbery offences per month in Camden' in html
    assert "<summary>Show as table</summary>" in html and 'id="series-table"' in html
    assert f"/api/crime/series.csv?category=robbery&amp;level=borough&amp;area={CAMDEN}" in html
    assert 'class="vega-spec"' in html and 'src="/static/vega.js"' in html


def test_explorer_falls_back_when_the_area_belongs_to_another_level(client: TestClient) -> None:
    html = client.get(f"/crime?category=robbery&level=bcu&area={CAMDEN}").text
    assert "Camden is not a bcu; showing" in html


def test_explorer_falls_back_when_the_level_does_not_cover_the_quarter(client: TestClient) -> None:
    html = client.get("/crime?level=ward&quarter=2023-24Q1").text
    assert "do not cover 2023-24Q1 at level ward; showing" in html


def test_comparison_ranks_areas_against_the_force(client: TestClient) -> None:
    rows = client.get("/api/crime/comparison?category=robbery&measure=rate").json()["rows"]
    ranked = [r for r in rows if r["rank"] is not None]
    values = [r["value"] for r in ranked]
    assert values == sorted(values, reverse=True) and ranked[0]["area_name"] == "Westminster"
    assert rows[-1]["area_code"] == "MPS" and rows[-1]["rank"] is None
    html = client.get("/compare?category=robbery").text
    assert "Metropolitan Police Service: <strong>3.51</strong>" in html
    assert "spc-variation-" in html


def test_home_shows_headlines_ratings_and_priorities(client: TestClient) -> None:
    html = client.get("/").text
    assert 'id="headline-table"' in html and "Total Notifiable Offences" in html
    assert 'href="/priorities/victims"' in html
    assert "spc-variation-" in html
    assert "No returns are loaded" not in html


def test_registers_and_finance_come_from_the_report(client: TestClient) -> None:
    registers = client.get("/registers").text
    assert "Commissioned services" in registers and "Key project activity" in registers
    assert 'class="rag rag-G">G (Green)</span>' in registers  # letter and word, never colour alone
    finance = client.get("/finance").text
    assert "MPS revenue" in finance and "/api/report/finance-revenue/1.csv" in finance


def test_every_report_download_linked_from_the_data_page_works(client: TestClient) -> None:
    html = client.get("/data").text
    links = sorted(set(re.findall(r'href="(/api/[^"]+)"', html)))
    assert len(links) > 20
    for link in links:
        r = client.get(link.replace("&amp;", "&"))
        assert r.status_code == 200, link


def test_openapi_describes_every_api_route(web_app: FastAPI, client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    documented = set(spec["paths"])
    routes = {getattr(r, "path", "") for r in web_app.routes}
    assert {p for p in routes if p.startswith("/api/")} <= documented
    assert not any(p for p in documented if not p.startswith("/api/"))
    assert client.get("/docs").status_code == 404  # no CDN-hosted Swagger UI


def test_pages_are_byte_identical_between_apps(web_ws: Workspace, client: TestClient) -> None:
    url = f"/crime?category=robbery&level=borough&area={CAMDEN}"
    with TestClient(create_app(web_ws)) as other:
        assert other.get(url).content == client.get(url).content


def test_static_assets_and_vega_runtime_are_served_locally(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "vegaEmbed" in js.text
    vega = client.get("/static/vega.js")
    assert vega.status_code == 200 and "vegaEmbed" in vega.text
    assert "cdn" not in client.get("/").text.lower()


def test_small_counts_are_suppressed_when_the_workspace_asks(suppressed_client: TestClient) -> None:
    n = SUPPRESS_BELOW
    query = "?category=arson&level=ward&quarter=2024-25Q1"
    data = suppressed_client.get("/api/crime/measures" + query).json()
    assert data["suppress_below"] == n
    hidden = [r for r in data["rows"] if "quarter" in r["suppressed"]]
    assert hidden and all(r["quarter"] is None for r in hidden)
    assert all(r["change_previous_quarter"] is None for r in hidden)
    shown = [r["quarter"] for r in data["rows"] if r["quarter"] is not None]
    assert shown and min(shown) >= n
    table = suppressed_client.get("/api/crime/measures.csv" + query).text
    assert f",<{n}," in table
    ward = hidden[0]["area_code"]
    page = suppressed_client.get(f"/crime{query}&area={ward}").text
    assert f"&lt;{n}" in page and "are not published" in page
    series = suppressed_client.get(f"/api/crime/series.csv{query}&area={ward}").text
    assert f",<{n}," in series


def test_unsuppressed_workspace_publishes_every_count(client: TestClient) -> None:
    data = client.get("/api/crime/measures?category=arson&level=ward&quarter=2024-25Q1").json()
    assert data["suppress_below"] == 0 and "suppressed" not in data["rows"][0]
    assert min(r["quarter"] for r in data["rows"]) < SUPPRESS_BELOW


def test_api_index_lists_its_routes(client: TestClient) -> None:
    routes = client.get("/api/").json()["routes"]
    assert "/api/crime/measures.csv" in routes and "/api/meta" in routes


def test_meta_lists_known_values(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert meta["current_quarter"] == "2023-24Q1"
    assert any(c["slug"] == "robbery" for c in meta["categories"])
    assert {a["code"] for a in meta["areas"]["borough"]} >= {CAMDEN}
    assert (
        "2023-24Q1" in meta["quarters"]["borough"] and "2023-24Q1" not in meta["quarters"]["ward"]
    )
    assert json.dumps(meta)  # plain JSON
