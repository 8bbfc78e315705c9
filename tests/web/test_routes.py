"""Every page and API route, in-process: status, headers, content, validation and suppression."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.content.spc_chart import WITHHELD_READING
from scrutiny.web import views
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
    assert camden["offences_in_quarter"] == 460  # as explained
    assert camden["offences_same_quarter_last_year"] == 303
    assert camden["significant_same_quarter_last_year"] is True  # +52%: far beyond chance
    assert camden["period"] == "2023-24Q1"
    csv_camden = next(r for r in table if r["area_code"] == CAMDEN)
    assert csv_camden["offences_in_quarter"] == "460"
    assert csv_camden["significant_same_quarter_last_year"] == "True"


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
        ("/api/crime/comparison?category=robbery&level=force", 422, "level"),
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
        ("/compare?level=force", 404),
        ("/compare?level=ward&within=Atlantis", 404),
        ("/compare?sort=vibes", 404),
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


def test_explorer_moves_up_and_down_the_hierarchy_when_the_level_changes(
    client: TestClient, web_ws: Workspace
) -> None:
    """A form sent after changing the geography keeps the place: Camden → its BCU → its first
    ward (not the first area of the list)."""
    areas = WorkspaceData(web_ws).areas
    bcu = areas["bcu"][areas["borough"][CAMDEN].parent_code or ""]
    html = client.get(f"/crime?category=robbery&level=bcu&area={CAMDEN}").text
    assert f"Robbery in {bcu.name}," in html
    ward = min((w for w in areas["ward"].values() if w.parent_code == CAMDEN), key=lambda w: w.name)
    html = client.get(f"/crime?category=robbery&level=ward&area={CAMDEN}").text
    assert f"Robbery in {ward.name}," in html


def test_explorer_falls_back_when_the_level_does_not_cover_the_quarter(client: TestClient) -> None:
    html = client.get("/crime?level=ward&quarter=2023-24Q1").text
    assert "do not cover 2023-24Q1 at level ward; showing" in html


def test_comparison_ranks_areas_against_the_force(client: TestClient) -> None:
    rows = client.get("/api/crime/comparison?category=robbery&measure=rate").json()["rows"]
    ranked = [r for r in rows if r["rank"] is not None]
    values = [r["value"] for r in ranked]
    assert values == sorted(values, reverse=True) and ranked[0]["area_name"] == "Westminster"
    assert rows[-1]["area_code"] == "MPS" and rows[-1]["rank"] is None
    html = client.get("/compare?category=robbery&quarter=2023-24Q1").text
    assert "Metropolitan Police Service: <strong>3.51</strong>" in html
    assert "spc-variation-" in html


def test_home_shows_the_latest_headlines_and_the_plan_page_its_priorities(
    client: TestClient,
) -> None:
    html = client.get("/").text
    assert 'id="headline-table"' in html and "Total Notifiable Offences" in html
    assert "spc-variation-" in html and 'role="search"' in html
    assert 'href="/plan"' in html
    plan = client.get("/plan").text
    assert 'href="/priorities/victims"' in plan
    assert "No returns are loaded" not in plan


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
    docs = client.get("/docs").text  # our own page, not a CDN-hosted Swagger UI
    assert all(f"<code>GET {p}</code>" in docs for p in documented)


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
    # Burglary by ward has counts on both sides of the threshold. (Arson has one ward of ten or
    # more, which the one decision over every quarter's windows withholds with its siblings.)
    query = "?category=burglary&level=ward&quarter=2024-25Q1"
    data = suppressed_client.get("/api/crime/measures" + query).json()
    assert data["suppress_below"] == n
    hidden = [r for r in data["rows"] if "offences_in_quarter" in r["suppressed"]]
    assert hidden and all(r["offences_in_quarter"] is None for r in hidden)
    assert all(r["pct_change_previous_quarter"] is None for r in hidden)
    assert all(r["significant_previous_quarter"] is None for r in hidden)
    shown = [r["offences_in_quarter"] for r in data["rows"] if r["offences_in_quarter"] is not None]
    assert shown and min(shown) >= n
    table = suppressed_client.get("/api/crime/measures.csv" + query).text
    assert f",<{n}," in table
    ward = hidden[0]["area_code"]
    page = suppressed_client.get(f"/crime{query}&area={ward}").text
    assert f"&lt;{n}" in page and "are not published" in page
    series = suppressed_client.get(f"/api/crime/series.csv{query}&area={ward}").text
    assert f",<{n}," in series


def test_open_data_publishes_no_spc_verdict_of_a_series_with_a_withheld_month(
    suppressed_ws: Workspace, suppressed_client: TestClient
) -> None:
    query = "?category=theft-from-the-person&level=borough&quarter=2024-25Q1"
    rows = suppressed_client.get("/api/crime/measures" + query).json()["rows"]
    data = WorkspaceData(suppressed_ws)
    sel, quarter = data.category("Theft from the Person"), Quarter.parse("2024-25Q1")
    boroughs = data.areas["borough"]
    withheld = {
        r["area_code"]
        for r in rows
        if views.withheld_months(data, sel, "borough", boroughs[r["area_code"]], quarter)
    }
    # Some boroughs' charts have a withheld month and some have none: both cases are tested.
    assert withheld and len(withheld) < len(rows)
    for r in rows:
        hidden = r["spc_verdict"] == WITHHELD_READING
        assert hidden == (r["area_code"] in withheld), r["area_name"]


def test_unsuppressed_workspace_publishes_every_count(client: TestClient) -> None:
    data = client.get("/api/crime/measures?category=arson&level=ward&quarter=2024-25Q1").json()
    assert data["suppress_below"] == 0 and "suppressed" not in data["rows"][0]
    assert min(r["offences_in_quarter"] for r in data["rows"]) < SUPPRESS_BELOW
    # Wards carry their borough (ward names repeat across boroughs).
    belmonts = [r for r in data["rows"] if r["area_name"] == "Belmont"]
    assert len(belmonts) == 2 and len({r["borough"] for r in belmonts}) == 2


def test_api_index_lists_its_routes(client: TestClient) -> None:
    routes = client.get("/api/").json()["routes"]
    assert "/api/crime/measures.csv" in routes and "/api/meta" in routes


def test_meta_lists_known_values(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    # Pages open on the newest whole quarter of the data: the ward file runs to December 2025.
    assert meta["current_quarter"] == "2025-26Q3" == meta["quarters"]["force"][0]
    assert meta["report_quarter"] == "2023-24Q1"
    assert any(c["slug"] == "robbery" for c in meta["categories"])
    assert {a["code"] for a in meta["areas"]["borough"]} >= {CAMDEN}
    assert (
        "2023-24Q1" in meta["quarters"]["borough"] and "2023-24Q1" not in meta["quarters"]["ward"]
    )
    assert json.dumps(meta)  # plain JSON


def test_pages_open_on_the_latest_quarter_and_say_how_fresh_the_data_are(
    client: TestClient,
) -> None:
    meta = client.get("/api/meta").json()
    latest = meta["quarters"]["force"][0]
    label = re.search(
        r'<option value="' + latest + r'" selected>([^<]+)<', client.get("/crime").text
    )
    assert label, "the explorer's quarter menu does not select the latest quarter"
    for path in ("/", "/crime", "/compare", "/data"):
        html = client.get(path).text
        header = html[html.index('<header class="site-header">') : html.index("</header>")]
        if path != "/":
            assert f'class="site-quarter">{label.group(1)}<' in header, path
        assert "Data to December 2025, updated " in header, path


def test_quarter_is_one_click_away(client: TestClient) -> None:
    html = client.get(f"/crime?category=robbery&level=borough&area={CAMDEN}").text
    assert "Previous quarter: Q2 2025-26" in html
    html = client.get(f"/crime?category=robbery&level=borough&area={CAMDEN}&quarter=2024-25Q1").text
    assert "Next quarter: Q2 2024-25" in html and "Latest quarter: Q3 2025-26" in html


def test_pages_and_the_vega_runtime_are_sent_compressed(client: TestClient) -> None:
    plain = client.get("/static/vega.js", headers={"Accept-Encoding": "identity"})
    packed = client.get("/static/vega.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decodes: the wire size is the header's
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    page = client.get("/compare", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and "<h1>Compare areas</h1>" in page.text


def test_api_docs_are_interactive_and_bundled(client: TestClient) -> None:
    html = client.get("/docs").text
    assert 'action="/api/crime/measures.csv"' in html and 'name="category"' in html
    assert 'data-path="/api/tables/{name}.csv"' in html
    assert not re.search(r'(src|href)="https?://', html)  # no CDN


def _ward_boroughs(web_ws: Workspace, name: str) -> set[str]:
    """Boroughs holding a ward called ``name``, read from the warehouse with plain SQL."""
    import duckdb

    con = duckdb.connect(str(web_ws.warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT b.area_name FROM areas w JOIN areas b ON b.area_code = w.parent_code "
            "WHERE w.geo_level = 'ward' AND w.area_name = ?",
            [name],
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_search_finds_wards_with_their_boroughs(client: TestClient, web_ws: Workspace) -> None:
    boroughs = _ward_boroughs(web_ws, "Belmont")
    assert len(boroughs) == 2
    html = client.get("/search?q=belmont").text
    for borough in boroughs:
        assert f"Belmont</a> – Ward in {borough}" in html
    assert "Westminster</a> – Borough" in client.get("/search?q=westmin").text
    assert "0 areas match" in client.get("/search?q=zzzz").text


def test_ward_menu_labels_tell_same_named_wards_apart(client: TestClient) -> None:
    html = client.get("/crime?level=ward").text
    labels = re.findall(r'<option value="E05\d+"[^>]*>([^<]+)</option>', html)
    assert len(labels) == len(set(labels)) > 600
    assert any(label.startswith("Belmont (") for label in labels)


def test_area_page_answers_in_plain_words_and_links_the_hierarchy(client: TestClient) -> None:
    html = client.get("/area?level=borough&area=E09000033").text
    assert "<h1>Crime in Westminster</h1>" in html
    assert "Is crime up or down here?" in html
    assert re.search(r"(up|down) \d+% on the same quarter last year|about the same", html)
    assert "a real change" in html or "not a clear change" in html
    assert 'href="/area?level=bcu&amp;area=' in html  # up to its BCU
    assert 'href="/area?level=ward&amp;area=E05' in html  # down to its wards
    assert ">Camden</a>" in html.split("Neighbours:")[1].split("</p>")[0]  # shares a border
    assert "Not in the workspace" not in html


def test_categories_a_level_does_not_publish_are_blank_not_zero(
    client: TestClient, web_ws: Workspace
) -> None:
    """A major category with no ward rows in the latest quarter reads "not published"."""
    import duckdb

    meta = client.get("/api/meta").json()
    q = meta["quarters"]["ward"][0]
    start = {"Q1": "04", "Q2": "07", "Q3": "10", "Q4": "01"}[q[-2:]]
    year = int(q[:4]) + (1 if q[-2:] == "Q4" else 0)
    con = duckdb.connect(str(web_ws.warehouse_path), read_only=True)
    try:
        at_ward = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT category_group FROM crime_facts WHERE geo_level = 'ward' "
                "AND is_current AND scheme = 'datastore' AND month >= ? AND count > 0",
                [f"{year}-{start}-01"],
            ).fetchall()
        }
    finally:
        con.close()
    majors = [c["name"] for c in meta["categories"] if c["kind"] == "major"]
    missing = [m for m in majors if m not in at_ward]
    html = client.get("/area?level=ward&area=E05013542").text
    rows = {
        m: re.search(r">" + re.escape(m) + r"(</a>)?</th>(.*?)</tr>", html, re.S) for m in majors
    }
    for name in missing:
        assert rows[name] and "Not published at this level" in rows[name].group(2), name
    for name in set(majors) - set(missing):
        assert rows[name] and "Not published" not in rows[name].group(2), name


def test_map_colours_boroughs_and_links_each_shape(client: TestClient) -> None:
    html = client.get("/map?category=robbery&level=borough").text
    shape = re.search(r'<a href="([^"]+)"[^>]*data-area="E09000033"><path d="M[^"]+" fill="#', html)
    assert (
        shape
        and shape.group(1)
        == "/area?level=borough&amp;area=E09000033&amp;quarter="
        + (client.get("/api/meta").json()["quarters"]["borough"][0])
    )
    assert 'class="legend"' in html and "or more" in html
    boroughs = client.get("/api/meta").json()["areas"]["borough"]
    with_shape = [b for b in boroughs if b["code"].startswith("E09")]  # not the airports
    assert html.count('data-area="E09') == len(with_shape) == 32
    assert 'id="map-table"' in html  # the text alternative
    # The City of London is in the outlines but not in the Met's data: drawn hatched and
    # labelled as such on the map and in the legend, not left as an unexplained hole.
    outside = re.search(r'<g class="outside" role="img" aria-label="([^"]+)"><path d="M', html)
    assert outside and unescape(outside.group(1)) == (
        "City of London: not in Metropolitan Police Service's data"
    )
    legend = re.search(r'<ul class="legend".*?</ul>', html, re.S)
    assert legend and "City of London: not in Metropolitan Police Service&#39;s data" in legend[0]
    assert 'data-area="City' not in html  # no link to a page the workspace does not have
    assert "Ordnance Survey data © Crown copyright" in html  # the outlines' credit
    ward = client.get("/map?category=robbery&level=ward").text
    assert "There is no ward map" in ward and ward.count("<tr><th") > 600


def test_the_ward_level_of_the_map_lists_a_boroughs_wards_picked_on_the_borough_map(
    client: TestClient,
) -> None:
    """No ward outlines ship: the ward level says so, draws the boroughs (uncoloured) to pick
    one, and lists the picked borough's wards with figures that add up to the borough's."""
    meta = client.get("/api/meta").json()
    camden = "E09000007"
    wards = {a["code"]: a["name"] for a in meta["areas"]["ward"] if a["parent"] == camden}
    html = client.get("/map?category=robbery&level=ward").text
    picker = re.search(r'<figure class="map-figure picker" id="picker">(.*?)</figure>', html, re.S)
    assert picker and 'id="map"' not in html  # no coloured map of wards
    shape = r'<a href="([^"]+)" aria-label="[^"]+"[^>]*data-area="(E09\d+)"'
    links = dict(re.findall(shape, picker[1]))
    assert len(links) == 32 and all("level=ward" in h and "within=E09" in h for h in links)
    assert "City of London: not in" in unescape(picker[1])  # hatched there too, not a hole
    page = client.get(f"/map?category=robbery&level=ward&measure=count&within={camden}").text
    assert 'aria-current="true" data-area="E09000007"' in page
    rows = re.findall(
        r'<tr><th scope="row"><a href="/area\?level=ward&amp;area=(E05\d+)[^"]*">([^<]+)</a></th>'
        r'<td class="num" data-value="([^"]*)">',
        page,
    )
    # Camden's wards, each by its own name
    assert {code: unescape(name) for code, name, _ in rows} == wards
    # The wards add up to Camden's own figure, printed above the table.
    total = round(sum(float(v) for _, _, v in rows))
    assert f"Camden: {total:,};" in page
    assert f"within={camden}" in re.search(r'class="quarter-nav".*?</nav>', page, re.S)[0]


def test_home_says_not_published_for_a_category_with_no_figure(client: TestClient) -> None:
    """Domestic Burglary is not published after the category scheme changed: its home row reads
    "not published", never a dash or a zero."""
    html = client.get("/").text
    row = re.search(r"<tr><th scope=\"row\"><a [^>]*>Domestic Burglary</a></th>(.*?)</tr>", html)
    assert row, "no Domestic Burglary row on the home page"
    cells = re.findall(r"<td class=\"num\"[^>]*>(.*?)</td>", row.group(1))
    assert cells == ["not published"] * 4
    # Its monthly series ended with the old scheme: no pattern is read into this quarter.
    spc = re.search(r'data-label="SPC reading \(monthly\)">(.*?)</td>', row.group(1))
    assert spc and "No monthly figures since December 2023" in spc.group(1)
    assert "<svg" not in spc.group(1)
    table = re.search(
        r'<table id="spc-table".*?</table>',
        client.get("/compare?category=domestic-burglary").text,
        re.S,
    )
    assert table and "Common cause" not in table[0]
    assert table[0].count("No monthly figures since December 2023") >= 32
    robbery = re.search(r">Robbery of Personal Property</a></th>(.*?)</tr>", html)
    assert robbery and "not published" not in robbery.group(1)


def test_search_names_a_place_on_the_map_whose_figures_are_not_here(client: TestClient) -> None:
    html = client.get("/search?q=city of london").text
    found = re.search(r'<p id="search-outside">(.*?)</p>', html)
    assert found and unescape(found[1]) == (
        "City of London: on the map, but not in Metropolitan Police Service's data."
    )
    assert 'id="search-outside"' not in client.get("/search?q=nowhere at all").text


def test_the_data_page_offers_every_loaded_return(client: TestClient) -> None:
    listed = re.search(r'<table id="return-downloads">.*?</table>', client.get("/data").text, re.S)
    assert listed
    for name in client.get("/api/tables").json()["tables"]:
        rows = client.get(f"/api/tables/{name}").json()["rows"]
        assert (f">{name}.csv<" in listed[0]) == bool(rows), name
