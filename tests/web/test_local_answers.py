"""Area pages answer local questions: knife crime and its positive outcomes, survey results and
stop and search where the data hold them, "not published at this level" where they do not; the
figures and verdicts are the analysis layer's, checked here against the raw files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from scipy.stats import binomtest

from scrutiny.analysis.crime import Pattern, analyse
from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.geography import Area
from scrutiny.config.periods import Comparator, Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.web import views
from scrutiny.web.app import create_app

CAMDEN = "E09000007"
QUARTER = "2023-24Q1"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _knife(realdata: Path, area: str, months: list[str], measure: str) -> int:
    """Knife crime counts of a borough straight from the dashboard extract (pandas)."""
    d = pd.read_parquet(realdata / "mps_dashboard" / "monthly-crime-dashboard.parquet")
    d = d[
        (d["area_type"] == "Borough")
        & (d["area_code"] == area)
        & (d["crime_subtype"] == "Knife Crime")
        & (d["measure"] == measure)
        & d["month_year"].dt.strftime("%Y-%m").isin(months)
    ]
    return int(d["count"].sum())


def test_area_page_answers_knife_crime_from_the_dashboard_extract(
    client: TestClient, realdata: Path
) -> None:
    html = client.get(f"/area?level=borough&area={CAMDEN}&quarter={QUARTER}").text
    now = _knife(realdata, CAMDEN, ["2023-04", "2023-05", "2023-06"], "Offences")
    then = _knife(realdata, CAMDEN, ["2022-04", "2022-05", "2022-06"], "Offences")
    item = re.search(r"<li[^>]*>(?:(?!</li>).)*Knife Crime:(?:(?!</li>).)*</li>", html, re.S)
    assert item, "no knife-crime answer"
    words = _text(item.group(0))
    assert f"{now:,} offences in Q1 2023-24 against {then:,} in Q1 2022-23" in words
    p = binomtest(now, now + then, 0.5).pvalue
    if p < 0.01:
        assert "a real change" in words
    elif p > 0.2:
        assert "not a clear change" in words
    # Positive outcomes over the 12 months to June 2023, from the same extract.
    r12 = [
        f"{y}-{m:02d}"
        for y, m in [(2022, m) for m in range(7, 13)] + [(2023, m) for m in range(1, 7)]
    ]
    offences = _knife(realdata, CAMDEN, r12, "Offences")
    positive = _knife(realdata, CAMDEN, r12, "Positive Outcomes")
    assert f"was {100 * positive / offences:.1f}% over the 12 months to June 2023" in words
    assert f"({positive:,} positive outcomes)" in words
    row = re.search(r">Knife Crime(</a>)?</th>(.*?)</tr>", html, re.S)
    assert row and f"{100 * positive / offences:.1f}%" in row.group(2)


def test_knife_crime_is_not_published_by_ward(client: TestClient) -> None:
    """The extract gives boroughs and neighbourhood teams, not wards: a blank, not a zero."""
    html = client.get("/area?level=ward&area=E05013542").text
    assert "Knife Crime: not published at this level" in _text(html)
    row = re.search(r">Knife Crime(</a>)?</th>(.*?)</tr>", html, re.S)
    assert row and "Not published at this level" in row.group(2)


def test_area_answers_are_the_analysis_layers(web_ws: Workspace) -> None:
    """The page's significance and change are those of ``analysis.crime.analyse`` on the same
    measures row (the web layer runs no test of its own)."""
    data = WorkspaceData(web_ws)
    try:
        q = Quarter.parse(QUARTER)
        area = data.areas["borough"][CAMDEN]
        for sel in views.local_categories(data):
            if not views.is_published(data, sel, "borough", q):
                continue
            found = views.answer(data, sel, "borough", area, q)
            frame = data.measures(sel, "borough", q)
            row = {**frame[frame["area_code"] == CAMDEN].iloc[0].to_dict(), "area_name": "Camden"}
            expected = analyse(
                web_ws, q, row, Pattern(*data.spc(sel, "borough", CAMDEN, q)), level="borough"
            ).comparison(Comparator.SAME_QUARTER_LAST_YEAR)
            assert found.significant == expected.significant, sel.name
            assert found.change == expected.pct_change, sel.name
    finally:
        data.close()


def test_force_page_shows_survey_results_and_boroughs_say_not_published(
    client: TestClient, web_ws: Workspace
) -> None:
    with (web_ws.root / "returns" / "2023-24Q1-surveys.csv").open(encoding="utf-8") as f:
        overall = [r for r in csv.DictReader(f) if r["dimension"] == "All" and not r["area"]]
    assert overall
    force = _text(client.get(f"/area?level=force&area=MPS&quarter={QUARTER}").text)
    assert "What residents say" in force
    for r in overall:
        assert f"{r['measure']}: {r['value']}" in force
        assert r["window"] in force
    borough = _text(client.get(f"/area?level=borough&area={CAMDEN}").text)
    assert "Survey results are not published at this level" in borough
    assert "Stop and search: not published at this level" in borough


def test_stop_search_line_reads_the_loaded_searches() -> None:
    """With searches loaded for the quarter: counts and the positive share; without: a blank."""

    def loaded(found: tuple[int, int] | None) -> Any:
        settings = SimpleNamespace(suppress_below=0)
        return SimpleNamespace(
            ws=SimpleNamespace(config=SimpleNamespace(settings=settings)),
            stop_searches=lambda quarter: found,
        )

    q = Quarter.parse("2016-17Q1")
    force = Area("force", "X", "Force", None)
    words = views.stop_search(loaded((10490, 1996)), force, q)
    assert words.published and "10,490 searches in Q1 2016-17; 1,996 (19%)" in words.text
    blank = views.stop_search(loaded(None), force, q)
    assert not blank.published and "not published for Q1 2016-17" in blank.text
    borough = Area("borough", "B", "Borough", "X")
    assert not views.stop_search(loaded((1, 1)), borough, q).published


def test_measures_csv_carries_significance_and_spc_verdict(client: TestClient) -> None:
    query = f"?category=robbery&level=borough&quarter={QUARTER}"
    rows = list(csv.DictReader(io.StringIO(client.get("/api/crime/measures.csv" + query).text)))
    verdicts = {
        "common cause variation",
        "special cause of improvement",
        "special cause of concern",
        "special cause, neither improvement nor concern",
        "not enough data",
    }
    assert rows and all(r["spc_verdict"] in verdicts for r in rows)
    checked = 0
    for r in rows:
        now, then = r["offences_in_quarter"], r["offences_same_quarter_last_year"]
        if not (now and then):
            continue
        p = binomtest(int(now), int(now) + int(then), 0.5).pvalue
        if p < 0.01 or p > 0.2:
            assert r["significant_same_quarter_last_year"] == str(p < 0.01), r["area_name"]
            checked += 1
    assert checked > 20
    ranked = client.get("/api/crime/comparison" + query + "&comparator=previous_quarter").json()
    assert "significant_previous_quarter" in ranked["columns"]
    assert {type(r["significant_previous_quarter"]) for r in ranked["rows"]} <= {bool, type(None)}


def test_city_of_london_area_page_shows_positive_outcomes(city_ws: Workspace) -> None:
    """The second force: police.uk street records give outcomes per ward."""
    with TestClient(create_app(city_ws)) as c:
        html = _text(c.get("/area?level=force").text)
    assert "positive-outcome rate of All crime was" in html
    assert "Stop and search: not published for" in html
    assert "What residents say" not in html  # no survey returns in this workspace
