"""Acceptance on real data: report, dashboard (in-process) and static site of the City of London
Police workspace, for 2019-20 Q1 and 2021-22 Q3; the crime figures they show are checked against
a direct count of the CSV rows."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.police_uk_counts import ANTI_SOCIAL_BEHAVIOUR, POSITIVE_OUTCOMES
from scrutiny.web.app import create_app

from .independent import count_rows, lsoa_to_la, months_of

QUARTERS = {"2019-20Q1": ("2019-04", "Q1 2019-20"), "2021-22Q3": ("2021-10", "Q3 2021-22")}
runner = CliRunner()


@pytest.fixture(scope="module", params=list(QUARTERS))
def city_at(
    request: pytest.FixtureRequest, city_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Workspace:
    """The City workspace (already ingested) set to one quarter."""
    root = tmp_path_factory.mktemp("city-" + request.param) / "ws"
    shutil.copytree(city_ws.root, root)
    file = root / "scrutiny.yaml"
    config = yaml.safe_load(file.read_text(encoding="utf-8"))
    config["current_quarter"] = request.param
    file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Workspace.load(root)


@pytest.fixture(scope="module")
def all_crime(realdata: Path, city_at: Workspace) -> tuple[int, int]:
    """(quarter, R12) offences of every crime type but anti-social behaviour, counted directly."""
    offences, _ = count_rows(
        realdata / "police_uk" / "city-of-london",
        {"E09000001"},
        lsoa_to_la(realdata),
        set(POSITIVE_OUTCOMES),
    )
    first, _ = QUARTERS[city_at.config.current_quarter]
    quarter = months_of(first, 3)
    y, m = int(quarter[-1][:4]), int(quarter[-1][5:])
    r12 = months_of(f"{y - 1:04d}-{m + 1:02d}" if m < 12 else f"{y:04d}-01", 12)

    def total(months: list[str]) -> int:
        return sum(
            n for (mo, _, t), n in offences.items() if mo in months and t != ANTI_SOCIAL_BEHAVIOUR
        )

    return total(quarter), total(r12)


@pytest.fixture(scope="module")
def client(city_at: Workspace) -> Iterator[TestClient]:
    ingest_workspace(city_at)
    with TestClient(create_app(city_at), raise_server_exceptions=False) as c:
        yield c


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def test_report_builds_with_the_counted_figures(city_at: Workspace, all_crime, tmp_path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "-w", str(city_at.root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert next(out.glob("*.pdf")).stat().st_size > 10_000
    text = _text(html)
    assert "City of London Police" in text
    assert QUARTERS[city_at.config.current_quarter][1] in text
    _, r12 = all_crime
    assert f"{r12:,}" in text  # recorded crime, rolling 12 months


@pytest.mark.parametrize("path", ["/", "/crime", "/compare", "/api/meta", "/api/sources"])
def test_dashboard_pages_answer(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]


def test_dashboard_figures_equal_the_csv_rows(
    client: TestClient, city_at: Workspace, all_crime
) -> None:
    # The dashboard opens on the latest quarter of the data: ask for the workspace's quarter.
    quarter = city_at.config.current_quarter
    response = client.get(
        "/api/crime/measures", params={"category": "All crime", "quarter": quarter}
    )
    assert response.status_code == 200, response.text[:500]
    (row,) = response.json()["rows"]
    assert (row["offences_in_quarter"], row["offences_12_months"]) == all_crime
    boroughs = client.get(
        "/api/crime/measures",
        params={"category": "All crime", "level": "borough", "quarter": quarter},
    ).json()["rows"]
    names = {r["area_name"] for r in boroughs}
    assert {"City of London", "Outside the force area"} <= names
    assert sum(r["offences_in_quarter"] for r in boroughs) == all_crime[0]
    compare = client.get("/compare", params={"category": "Robbery"})
    assert compare.status_code == 200 and "Outside the force area" in compare.text


def test_static_site_builds(city_at: Workspace, tmp_path: Path) -> None:
    root = tmp_path / "ws"  # a copy: the dashboard fixture holds the workspace's warehouse open
    shutil.copytree(city_at.root, root)
    out = tmp_path / "site"
    result = runner.invoke(app, ["site", "-w", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "City of London Police" in index
    assert len(list(out.rglob("*.html"))) > 5


def test_ward_pages_say_their_figures_are_a_best_fit_and_the_data_page_names_real_areas(
    client: TestClient,
) -> None:
    """Street records reach wards through an LSOA lookup (a best fit): the ward map and a ward's
    page say what a ward's figure covers; the open-data page offers only levels the workspace
    has and API examples that answer for it."""
    ward = client.get("/api/meta").json()["areas"]["ward"][0]["code"]
    for path in ("/map?level=ward", f"/area?level=ward&area={ward}"):
        html = client.get(path).text
        assert 'id="ward-note"' in html and "best fit" in html, path
    borough = client.get("/area?level=borough&area=E09000001").text
    assert 'id="ward-note"' not in borough
    page = client.get("/data").text
    table = re.search(r'<table id="crime-downloads">.*?</table>', page, re.S)
    assert table and '<th scope="col">BCU</th>' not in table[0]  # the City has no BCUs
    assert 'id="return-downloads"' not in page  # no returns loaded: no empty files offered
    examples = re.findall(r"<code>(/api/crime/[^<]+)</code>", page)
    assert len(examples) == 2
    for example in examples:
        response = client.get(example.replace("&amp;", "&"))
        assert response.status_code == 200 and response.text.count("\n") > 1, example
