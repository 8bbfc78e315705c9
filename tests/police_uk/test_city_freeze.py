"""A frozen quarter of a data.police.uk workspace (City of London Police, real files): after
data.police.uk publishes a month again with revised records, the street counts are derived
again; the frozen quarter's report is byte-identical to before, an unfrozen build
(``--latest``) shows the revision, counted here from the file itself."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.report.build import build_report
from scrutiny.report.data import ReportData, load_report_data
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.national import write_police_uk_workspace

QUARTER = "2021-22Q3"
REPUBLISHED = "2021-12-city-of-london-street.csv"
CRIME_TYPE = "Theft from the person"
ADDED = 5
STAMP = "2026-11-23"


def figures(ws: Workspace, q: Quarter, **kw: bool) -> ReportData:
    """The report's data, read and its facade closed (their figures stay)."""
    with load_report_data(ws, q, **kw) as data:
        return data


def _republish(path: Path) -> int:
    """The month published again with ADDED more CRIME_TYPE records (new crime ids); returns
    the CRIME_TYPE records the file now holds, counted with the csv module."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    kind = header.index("Crime type")
    extra = [list(r) for r in body if r[kind] == CRIME_TYPE][:ADDED]
    assert len(extra) == ADDED
    for i, row in enumerate(extra):
        row[0] = f"revised-{i}"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *body, *extra])
    return sum(1 for r in [*body, *extra] if r[kind] == CRIME_TYPE)


@pytest.fixture(scope="module")
def city(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A City workspace with its own copy of the street files (this test publishes one again)."""
    base = tmp_path_factory.mktemp("city-freeze")
    data = base / "data"
    shutil.copytree(realdata / "police_uk" / "city-of-london", data)
    write_police_uk_workspace(base / "ws", "city-of-london", data)
    ws = Workspace.load(base / "ws")
    ingest_workspace(ws)
    return ws


def test_frozen_police_uk_quarter_survives_a_republished_month(
    city: Workspace, tmp_path: Path
) -> None:
    q = Quarter.parse(QUARTER)
    before = figures(city, q).crime
    result = CliRunner().invoke(app, ["freeze", QUARTER, "-w", str(city.root)])
    assert result.exit_code == 0, result.output
    html = build_report(city, QUARTER, "current", tmp_path / "before", STAMP, pdf=False)

    file = city.root.parent / "data" / REPUBLISHED
    with file.open(newline="", encoding="utf-8-sig") as f:
        kind_before = sum(1 for r in csv.DictReader(f) if r["Crime type"] == CRIME_TYPE)
    kind_after = _republish(file)
    assert kind_after == kind_before + ADDED
    ingest_workspace(city)

    after = build_report(city, QUARTER, "current", tmp_path / "after", STAMP, pdf=False)
    assert after.html.read_bytes() == html.html.read_bytes()
    assert figures(city, q).crime == before

    latest = figures(city, q, latest=True).crime
    # Every record of the type counts for the force, placed or not, inside the area or not.
    assert latest[CRIME_TYPE]["quarter"] - before[CRIME_TYPE]["quarter"] == ADDED
    assert latest[CRIME_TYPE]["r12"] - before[CRIME_TYPE]["r12"] == ADDED
    assert latest["Burglary"]["quarter"] == before["Burglary"]["quarter"]
    unfrozen = build_report(
        city, QUARTER, "current", tmp_path / "latest", STAMP, pdf=False, latest=True
    )
    assert unfrozen.html.read_bytes() != html.html.read_bytes()


def test_the_dashboard_says_a_frozen_quarter_may_differ_from_its_report(city: Workspace) -> None:
    """The dashboard reads the newest publications for every quarter (why: ``frozen_notice``);
    a frozen quarter's pages say so, other quarters' pages do not."""
    from fastapi.testclient import TestClient

    from scrutiny.web.app import create_app

    if not city.frozen_path(Quarter.parse(QUARTER)).is_file():
        result = CliRunner().invoke(app, ["freeze", QUARTER, "-w", str(city.root)])
        assert result.exit_code == 0, result.output
    notice = "kept the figures published when it was produced"
    with TestClient(create_app(city)) as client:
        for path in ("/crime", "/compare", "/map"):
            frozen = client.get(f"{path}?quarter={QUARTER}")
            assert frozen.status_code == 200
            assert f"The report for Q3 2021-22 {notice}" in frozen.text, path
            other = client.get(f"{path}?quarter=2021-22Q2")
            assert other.status_code == 200 and notice not in other.text, path
