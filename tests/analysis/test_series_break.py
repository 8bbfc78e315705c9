"""A joined series (``category_joins``) changes definition in its break month; its SPC chart
rebases there wherever it is judged: the facade the dashboard, the report and ``scrutiny explain``
read gives the monthly pattern of the series read on its own, and that pattern has a new
stretch at the break."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from scrutiny.analysis.crime import Pattern, break_months, spc_of_counts, spc_window
from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import resolve
from scrutiny.measures.crime import available_selections, monthly_series
from scrutiny.measures.summary import connect, groups_of

QUARTER = Quarter.parse("2023-24Q1")
JOINED = "Domestic/Residential Burglary"
#: A break inside the quarter's 36-month SPC window (the demo's own, January 2024, is after it).
BREAK = "2022-04"


@pytest.fixture(scope="module")
def joined_ws(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder: Path = tmp_path_factory.mktemp("series-break") / "ws"
    shutil.copytree(demo_ws.root, folder)
    config_file = folder / "scrutiny.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    joins = [j for j in config["category_joins"] if j["name"] == JOINED]
    assert joins, "the demo joins domestic and residential burglary"
    joins[0]["month"] = BREAK
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Workspace.load(folder)


def monthly_pattern(
    ws: Workspace, category: str, level: str, area_code: str, quarter: Quarter
) -> Pattern:
    """SPC of one area's monthly series, read on its own connection, not through the facade."""
    first, end = spc_window(quarter)
    con = connect(ws)
    try:
        chosen = resolve(available_selections(con, groups_of(ws)), [category])
        series = monthly_series(con, chosen, level, first, end)
    finally:
        con.disconnect()
    series = series[series["area_code"] == area_code]
    counts = dict(zip(series["month"], series["count"], strict=True))
    return spc_of_counts(ws, counts, first, break_months(chosen[0]))


def test_the_facade_rebases_a_joined_series(joined_ws: Workspace) -> None:
    data = WorkspaceData(joined_ws)
    try:
        sel = data.category(JOINED)
        judged = data.judgment(sel, "force", data.force, QUARTER, published=False)
        verdicts = data.spc_verdicts(sel, "force", QUARTER)
    finally:
        data.close()
    assert judged.pattern is not None
    explained = monthly_pattern(joined_ws, sel.name, "force", judged.area_code, QUARTER)
    assert judged.pattern.months == explained.months
    assert date(2022, 4, 1) in judged.pattern.months
    assert judged.pattern.spc == explained.spc
    assert verdicts[judged.area_code] == explained.verdict
    # The break starts a stretch of its own: the limits before and after it differ.
    assert len(judged.pattern.spc.segments) >= 2
    points = judged.pattern.spc.points
    at = judged.pattern.months.index(date(2022, 4, 1))
    assert points[at - 1].mean != points[at].mean
