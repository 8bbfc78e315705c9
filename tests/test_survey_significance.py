"""Survey gaps: "not testable" without bases (seed 001's table), tested with them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.judge.significance import GapStatus
from scrutiny.returns.actions import load_workspace_returns
from scrutiny.returns.derived import survey_gaps


def gaps_of(ws: Workspace, quarter: str):
    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    try:
        return survey_gaps(con, Quarter.parse(quarter))
    finally:
        con.close()


def test_seed_001_gaps_have_no_bases_so_are_not_testable(demo_ws: Workspace) -> None:
    gaps = gaps_of(demo_ws, "2023-24Q1")
    assert len(gaps) == 72  # 18 groups × 4 measures, printed as gaps only
    for gap in gaps:
        assert gap.test is not None and gap.test.status is GapStatus.NOT_TESTABLE


def test_gaps_with_bases_are_tested(tmp_path: Path, demo_ws: Workspace) -> None:
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "2023-24Q1-surveys.csv").write_text(
        "survey,window,measure,dimension,group,area,value,gap,base,note\n"
        "PAS,R12,Trust MPS,All,MPS,,70%,,12000,\n"
        "PAS,R12,Trust MPS,Ethnicity,Black,,58%,,900,\n"  # −12 pp on 900: significant, flagged
        "PAS,R12,Trust MPS,Ethnicity,Asian,,73%,,3000,\n"  # +3 pp: significant, under 5
        "PAS,R12,Trust MPS,Age,16-24,,64%,,60,\n",  # −6 pp on 60: interval spans 0
        encoding="utf-8",
    )
    (tmp_path / "scrutiny.yaml").write_text(
        (demo_ws.root / "scrutiny.yaml")
        .read_text(encoding="utf-8")
        .replace("path: data/", f"path: {demo_ws.root}/data/")
        .replace("plan: plan.yaml", f"plan: {demo_ws.root}/plan.yaml"),
        encoding="utf-8",
    )
    ws = Workspace.load(tmp_path)
    report = load_workspace_returns(ws)
    assert report.ok, report.failures
    status = {g.group: g.test.status for g in gaps_of(ws, "2023-24Q1") if g.test}
    assert status == {
        "Black": GapStatus.SIGNIFICANT_GAP,
        "Asian": GapStatus.BELOW_THRESHOLD,
        "16-24": GapStatus.NOT_SIGNIFICANT,
    }
