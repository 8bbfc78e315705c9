"""Reproducible quarters: freeze 2023-24 Q1, load a later publication that revises months inside
its windows, rebuild. The frozen report is byte-identical to the one built before the new
publication, and its figures equal the unfrozen ones of before; an unfrozen build (``--latest``)
shows the revised figures, changed by exactly the revision."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scrutiny.cli.main import app
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.report.build import build_report
from scrutiny.report.data import ReportData, load_report_data
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.store.frozen import FreezeError
from workspaces import copy_demo

from .conftest import STAMP

QUARTER = "2023-24Q1"
BOROUGH_FILE = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"
#: The later publication: one month on (vintage 202402), the quarter's months revised.
LATER_FILE = "MPS Borough Level Crime (most recent 24 months) 202203-202402.csv"
REVISED = "Burglary Business and Community"
QUARTER_MONTHS = ("202304", "202305", "202306")
ADDED = 7


def figures(ws: Workspace, q: Quarter, **kw: bool) -> ReportData:
    """The report's data, read and its facade closed (their figures stay)."""
    with load_report_data(ws, q, **kw) as data:
        return data


def _later_publication(source: Path, target: Path) -> int:
    """A copy of the borough file one month later: 202202 dropped, 202402 added (as 202401),
    and ADDED offences more in every borough's REVISED count of each month of the quarter.
    Returns how many offences the revision adds to the quarter (counted here, independently)."""
    with source.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    fields = [c for c in rows[0] if c != "202202"] + ["202402"]
    added = 0
    with target.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            row["202402"] = row["202401"]
            if row["MinorText"] == REVISED:
                for month in QUARTER_MONTHS:
                    row[month] = str(int(row[month]) + ADDED)
                    added += ADDED
            writer.writerow(row)
    return added


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the demo of its own (this test loads a new publication into it)."""
    return copy_demo(tmp_path_factory.mktemp("frozen") / "ws", ingest=True)


def test_frozen_quarter_survives_a_revision(ws: Workspace, tmp_path: Path) -> None:
    q = Quarter.parse(QUARTER)
    figures_before = figures(ws, q).crime

    result = CliRunner().invoke(app, ["freeze", QUARTER, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    record = json.loads(ws.frozen_path(q).read_text(encoding="utf-8"))
    frozen = {s["name"]: s for s in record["sources"]}
    assert frozen[BOROUGH_FILE]["vintage"] == "202401" and frozen[BOROUGH_FILE]["crime"]
    before = build_report(ws, QUARTER, "current", tmp_path / "before", STAMP, pdf=False)
    assert figures(ws, q).crime == figures_before  # freezing changes no figure

    added = _later_publication(
        ws.root / "data" / "crime" / BOROUGH_FILE, ws.root / "data" / "crime" / LATER_FILE
    )
    assert added == ADDED * len(QUARTER_MONTHS) * 33  # 32 boroughs and the airports
    ingest_workspace(ws)

    after = build_report(ws, QUARTER, "current", tmp_path / "after", STAMP, pdf=False)
    assert after.html.read_bytes() == before.html.read_bytes()
    frozen_figures = figures(ws, q).crime
    assert frozen_figures == figures_before

    latest = build_report(
        ws, QUARTER, "current", tmp_path / "latest", STAMP, pdf=False, latest=True
    )
    assert latest.html.read_bytes() != before.html.read_bytes()
    revised = figures(ws, q, latest=True).crime
    for name in (REVISED, "Burglary"):
        assert revised[name]["quarter"] - figures_before[name]["quarter"] == added
        assert revised[name]["r12"] - figures_before[name]["r12"] == added
        # months outside the quarter's windows that the revision did not touch stay as they were
        assert revised[name]["baseline_r12"] == figures_before[name]["baseline_r12"]
    untouched = "Criminal Damage"
    assert revised[untouched]["quarter"] == figures_before[untouched]["quarter"]


def test_refreeze_needs_replace_and_missing_source_is_one_line(ws: Workspace) -> None:
    q = Quarter.parse(QUARTER)
    runner = CliRunner()
    path = ws.frozen_path(q)
    if not path.exists():
        assert runner.invoke(app, ["freeze", QUARTER, "-w", str(ws.root)]).exit_code == 0
    again = runner.invoke(app, ["freeze", QUARTER, "-w", str(ws.root)])
    assert again.exit_code == 1 and "--replace" in again.output
    saved = path.read_text(encoding="utf-8")
    try:
        body = json.loads(saved)
        for s in body["sources"]:
            if s["crime"]:
                s["sha256"] = "0" * 64
                break
        path.write_text(json.dumps(body), encoding="utf-8")
        with pytest.raises(FreezeError, match=r"2023-24Q1\.json: .* is no longer in the warehouse"):
            figures(ws, q)
        path.write_text("{not json", encoding="utf-8")
        with pytest.raises(FreezeError, match=r"2023-24Q1\.json: not a freeze file"):
            figures(ws, q)
    finally:
        path.write_text(saved, encoding="utf-8")


POPULATION_FILE = "ONS_LA_total_resident_population_1998-2022 (Table6).csv"
#: The later publication of the population estimates: 2023 added, 2022 revised.
LATER_POPULATION = "ONS_LA_total_resident_population_1998-2023 (Table6).csv"
STOP_SEARCH_FILE = "2016-06-metropolitan-stop-and-search.csv"
SERIES_RETURN = "2023-24Q1-series.csv"
PEOPLE_ADDED = 1000
SEARCHES_ADDED = 10


def _later_population(folder: Path) -> int:
    """ONS's next release: a 2023 column (2022's figures) and 2022 revised up by PEOPLE_ADDED in
    every borough the Met polices (London's but the City, E09000001). Returns how many."""
    with (folder / POPULATION_FILE).open(newline="", encoding="utf-8-sig") as f:
        title, header, *rows = list(csv.reader(f))
    year = header.index("2022")
    revised = 0
    for row in rows:
        if row[1].startswith("E09") and row[1] != "E09000001":
            row[year] = str(int(row[year]) + PEOPLE_ADDED)
            revised += 1
        row.insert(year + 1, row[year])
    header.insert(year + 1, "2023")
    title.insert(year + 1, "")
    with (folder / LATER_POPULATION).open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([title, header, *rows])
    return revised


def _republished_stop_search(path: Path) -> None:
    """data.police.uk publishes the month again with SEARCHES_ADDED more records (the file of
    the same name replaced, as a new archive does)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, *lines[1 : 1 + SEARCHES_ADDED]]), encoding="utf-8")


def _refiled_series(path: Path) -> tuple[float, float]:
    """The series return filed again for the quarter: victim satisfaction corrected by −3."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    row = next(
        r for r in rows if r["measure"].startswith("Victim satisfaction") and r["period"] == QUARTER
    )
    old = float(row["value"])
    row["value"] = str(int(old) - 3)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return old, old - 3


def test_frozen_quarter_survives_every_source(ws: Workspace, tmp_path: Path) -> None:
    """Not crime alone: a later population release, a re-published stop-and-search month and a
    return filed again leave the frozen quarter's report byte-identical; ``--latest`` shows each
    revision."""
    q = Quarter.parse(QUARTER)
    if not ws.frozen_path(q).exists():
        assert CliRunner().invoke(app, ["freeze", QUARTER, "-w", str(ws.root)]).exit_code == 0
    before = figures(ws, q)
    html = build_report(ws, QUARTER, "current", tmp_path / "before", STAMP, pdf=False)
    assert before.stop_search is not None

    revised = _later_population(ws.root / "data" / "population")
    _republished_stop_search(ws.root / "data" / "stop_search" / STOP_SEARCH_FILE)
    old, new = _refiled_series(ws.root / "returns" / SERIES_RETURN)
    ingest_workspace(ws)

    after = build_report(ws, QUARTER, "current", tmp_path / "after", STAMP, pdf=False)
    assert after.html.read_bytes() == html.html.read_bytes()
    frozen = figures(ws, q)
    assert frozen.crime == before.crime
    assert frozen.stop_search == before.stop_search
    assert frozen.returns.indicators == before.returns.indicators
    assert [s.sha256 for s in frozen.sources] == [s.sha256 for s in before.sources]

    latest = figures(ws, q, latest=True)
    assert latest.stop_search is not None
    assert latest.stop_search.searches == before.stop_search.searches + SEARCHES_ADDED
    assert revised == 32
    for name in ("Burglary", "Criminal Damage"):
        assert latest.crime[name]["population"] - before.crime[name]["population"] == (
            PEOPLE_ADDED * revised
        )

    def satisfaction(data: ReportData) -> float:
        found = data.returns.indicators
        series = next(s for s in found if s.measure.startswith("Victim satisfaction"))
        return series.points[-1].value

    assert (satisfaction(before), satisfaction(frozen), satisfaction(latest)) == (old, old, new)
    latest_html = build_report(
        ws, QUARTER, "current", tmp_path / "latest", STAMP, pdf=False, latest=True
    )
    assert latest_html.html.read_bytes() != html.html.read_bytes()


def _superseded(ws: Workspace) -> dict[str, set[int]]:
    """The source ids in each ``superseded_*`` table of the warehouse."""
    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_name LIKE 'superseded_%'"
            ).fetchall()
        ]
        return {
            t: {int(r[0]) for r in con.execute(f"SELECT DISTINCT source_id FROM {t}").fetchall()}
            for t in tables
        }
    finally:
        con.close()


def test_ingest_drops_what_no_freeze_uses_and_nothing_a_freeze_does(
    ws: Workspace, tmp_path: Path
) -> None:
    """The rows a later population release replaced stay while a freeze reads them (the frozen
    report does not change) and go at the first ingest after that freeze is removed; the freeze
    brought back is then refused in one line, not read short."""
    q = Quarter.parse(QUARTER)
    if not ws.frozen_path(q).exists():
        assert CliRunner().invoke(app, ["freeze", QUARTER, "-w", str(ws.root)]).exit_code == 0
    html = build_report(ws, QUARTER, "current", tmp_path / "before", STAMP, pdf=False)
    if not (ws.root / "data" / "population" / LATER_POPULATION).exists():
        _later_population(ws.root / "data" / "population")
    ingest_workspace(ws)
    assert _superseded(ws)["superseded_population"]  # the 2022 release's replaced rows
    after = build_report(ws, QUARTER, "current", tmp_path / "after", STAMP, pdf=False)
    assert after.html.read_bytes() == html.html.read_bytes()

    freeze = ws.frozen_path(q)
    aside = tmp_path / freeze.name
    freeze.rename(aside)
    ingest_workspace(ws)
    assert {t: ids for t, ids in _superseded(ws).items() if ids} == {}  # nothing reads them
    latest = build_report(ws, QUARTER, "current", tmp_path / "latest", STAMP, pdf=False)
    assert latest.html.read_bytes() != html.html.read_bytes()  # the revisions, unfrozen
    aside.rename(freeze)
    with pytest.raises(FreezeError, match="warehouse"):
        figures(ws, q)
