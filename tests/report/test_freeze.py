"""Reproducible quarters: freeze 2023-24 Q1, load a later publication that revises months inside
its windows, rebuild. The frozen report is byte-identical to the one built before the new
publication, and its figures equal the unfrozen ones of before; an unfrozen build (``--latest``)
shows the revised figures, changed by exactly the revision."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli.main import app
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.report.build import build_report
from scrutiny.report.data import load_report_data
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.store.frozen import FreezeError

from .conftest import STAMP

QUARTER = "2023-24Q1"
BOROUGH_FILE = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"
#: The later publication: one month on (vintage 202402), the quarter's months revised.
LATER_FILE = "MPS Borough Level Crime (most recent 24 months) 202203-202402.csv"
REVISED = "Burglary Business and Community"
QUARTER_MONTHS = ("202304", "202305", "202306")
ADDED = 7


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
    root = tmp_path_factory.mktemp("frozen") / "ws"
    shutil.copytree(demo_root(), root, ignore=shutil.ignore_patterns("*.duckdb*"))
    workspace = Workspace.load(root)
    ingest_workspace(workspace)
    return workspace


def test_frozen_quarter_survives_a_revision(ws: Workspace, tmp_path: Path) -> None:
    q = Quarter.parse(QUARTER)
    figures_before = load_report_data(ws, q).crime

    result = CliRunner().invoke(app, ["freeze", QUARTER, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    record = json.loads(ws.frozen_path(q).read_text(encoding="utf-8"))
    frozen = {s["name"]: s for s in record["sources"]}
    assert frozen[BOROUGH_FILE]["vintage"] == "202401" and frozen[BOROUGH_FILE]["crime"]
    before = build_report(ws, QUARTER, "current", tmp_path / "before", STAMP, pdf=False)
    assert load_report_data(ws, q).crime == figures_before  # freezing changes no figure

    added = _later_publication(
        ws.root / "data" / "crime" / BOROUGH_FILE, ws.root / "data" / "crime" / LATER_FILE
    )
    assert added == ADDED * len(QUARTER_MONTHS) * 33  # 32 boroughs and the airports
    ingest_workspace(ws)

    after = build_report(ws, QUARTER, "current", tmp_path / "after", STAMP, pdf=False)
    assert after.html.read_bytes() == before.html.read_bytes()
    frozen_figures = load_report_data(ws, q).crime
    assert frozen_figures == figures_before

    latest = build_report(
        ws, QUARTER, "current", tmp_path / "latest", STAMP, pdf=False, latest=True
    )
    assert latest.html.read_bytes() != before.html.read_bytes()
    revised = load_report_data(ws, q, latest=True).crime
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
            load_report_data(ws, q)
        path.write_text("{not json", encoding="utf-8")
        with pytest.raises(FreezeError, match=r"2023-24Q1\.json: not a freeze file"):
            load_report_data(ws, q)
    finally:
        path.write_text(saved, encoding="utf-8")
