"""Disclosure control in the report: its tables, sentences and charts withhold exactly what the
dashboard withholds (one page set, one decision), so no combination of the two gives a withheld
count back, and no statistic of a series with a withheld month is printed.

The report's crime figures are force-level: each category's quarter and twelve months, and the
monthly series of its SPC chart. The dashboard publishes the same force-level cells beside every
area's, and ``tests/web/test_disclosure_attack.py`` attacks that decision with every sum at once;
here the report is checked to print no count the decision withholds and every count it
publishes, so the attack on the union is the attack on the dashboard alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from scrutiny.analysis.data import WorkspaceData
from scrutiny.analysis.disclosure import Disclosure
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.content.format import slug
from scrutiny.content.model import Report, Sentence, Table
from scrutiny.report.build import build_content

QUARTER = "2023-24Q1"
STAMP = "2023-08-01"
THRESHOLD = 10
#: High enough that some of the force's own counts in the report's tables are withheld (at 10
#: none is: the force's headline counts are large).
HIGH = 100


def _with_threshold(demo_ws: Workspace, folder: Path, threshold: int) -> Workspace:
    """A copy of the ingested demo (warehouse included) publishing counts from ``threshold``."""
    shutil.copytree(demo_ws.root, folder)
    config_file = folder / "scrutiny.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.setdefault("settings", {})["suppress_below"] = threshold
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Workspace.load(folder)


@pytest.fixture(scope="module")
def suppressed(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _with_threshold(demo_ws, tmp_path_factory.mktemp("report-suppressed") / "ws", THRESHOLD)


@pytest.fixture(scope="module")
def report(suppressed: Workspace) -> Report:
    return build_content(suppressed, QUARTER, "current", STAMP)


def _decision(ws: Workspace) -> tuple[Disclosure, str]:
    """The dashboard's decision for the quarter (one decision over every quarter the data
    cover, as every page reads it)."""
    data = WorkspaceData(ws)
    try:
        found = data.disclosure(Quarter.parse(QUARTER))
        assert found is not None
        return found, next(iter(data.areas["force"]))
    finally:
        data.close()


@pytest.fixture(scope="module")
def decision(suppressed: Workspace) -> tuple[Disclosure, str]:
    return _decision(suppressed)


@pytest.fixture(scope="module")
def high(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _with_threshold(demo_ws, tmp_path_factory.mktemp("report-high") / "ws", HIGH)


def _crime_tables(report: Report) -> Iterator[Table]:
    for section in report.walk():
        for block in section.blocks:
            if isinstance(block, Table) and {"category", "quarter", "r12"} <= {
                c.key for c in block.columns
            }:
                yield block


def _withheld(value: Any) -> bool:
    return bool(getattr(value, "withheld", False))


def test_crime_tables_withhold_exactly_what_the_dashboard_withholds(high: Workspace) -> None:
    report = build_content(high, QUARTER, "current", STAMP)
    found, force = _decision(high)
    checked = withheld = 0
    for table in _crime_tables(report):
        keys = [c.key for c in table.columns]
        for row in table.rows:
            cells = dict(zip(keys, row, strict=True))
            for window in ("quarter", "r12"):
                hidden = found.hidden(str(cells["category"]), "force", force, window)
                assert _withheld(cells[window]) == hidden, (cells["category"], window, cells)
                checked += 1
                withheld += hidden
            if _withheld(cells["quarter"]):
                assert cells["change_previous_quarter"] is None
                assert cells["change_same_quarter_last_year"] is None
            if _withheld(cells["r12"]):
                assert cells["change_previous_r12"] is None and cells["change_baseline_r12"] is None
                assert cells["significant"] == "–"
    assert checked and withheld, "nothing withheld in the report's tables: the test is void"


def test_a_withheld_series_prints_no_statistic_and_no_withheld_month(
    report: Report, decision: tuple[Disclosure, str]
) -> None:
    """Every SPC chart's months against the decision: a withheld month is a gap (in the data
    table and the spec's data), and a series with any has no mean, limits or reading."""
    found, force = decision
    charts = [c for c in report.charts() if c.id.endswith("-spc")]
    names = {slug(name): name for (_, _, name) in found.cells}
    withheld_series = shown_series = 0
    for chart in charts:
        name = names[max((s for s in names if chart.id.endswith(f"-{s}-spc")), key=len)]
        rows = chart.data.rows
        printed = {datetime.strptime(str(r[0]), "%b %Y").date(): r for r in rows}
        hidden = found.hidden_months(name, "force", force) & set(printed)
        spec_rows = chart.spec["data"]["values"]
        if hidden:
            withheld_series += 1
            for month, row in printed.items():
                assert row[2] is None and row[3] is None and row[4] is None, (name, row)
                assert (row[1] is None) == (month in hidden), (name, row)
            assert all(v.get("mean") is None for v in spec_rows), name
            assert all(v.get("upper") is None and v.get("lower") is None for v in spec_rows)
            gaps = {v["month"] for v in spec_rows if v.get("count") is None}
            assert gaps >= {m.isoformat() for m in hidden}, name
        else:
            shown_series += 1
            assert all(row[1] is not None and row[2] is not None for row in rows), name
    assert withheld_series and shown_series


def test_sentences_of_a_withheld_category_give_no_count(report: Report) -> None:
    """A sentence of counts or changes would give a withheld count back with the others."""
    sentences = [b for s in report.walk() for b in s.blocks if isinstance(b, Sentence)]
    withheld = [s for s in sentences if s.rule == "disclosure.withheld"]
    assert withheld
    for table in _crime_tables(report):
        for row in table.rows:
            if _withheld(row[1]) or _withheld(row[4]):
                name = str(row[0])
                said = [s.text for s in sentences if s.text.startswith(f"{name}:")]
                assert said and all("not published" in t for t in said), (name, said)


def test_the_report_of_the_internal_edition_is_not_suppressed(suppressed: Workspace) -> None:
    internal = build_content(suppressed, QUARTER, "current", STAMP, edition="internal")
    assert not any(
        _withheld(cell) for t in _crime_tables(internal) for row in t.rows for cell in row
    )


def test_the_boundary_is_exactly_the_threshold(
    report: Report, demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A category's force quarter count n as the threshold: not below it, so never ``<n``
    (only ``[c]`` if secondary suppression needs it); at n + 1 it reads ``<n+1``. Fails if the
    rule becomes ``<=``."""
    plain = build_content(demo_ws, QUARTER, "current", STAMP)
    table = next(_crime_tables(plain))
    keys = [c.key for c in table.columns]
    name, n = min(
        ((str(r[0]), int(r[keys.index("quarter")])) for r in table.rows),
        key=lambda x: x[1],
    )
    for threshold, small in ((n, False), (n + 1, True)):
        ws = _with_threshold(
            demo_ws, tmp_path_factory.mktemp(f"boundary-{threshold}") / "ws", threshold
        )
        built = build_content(ws, QUARTER, "current", STAMP)
        cell = next(
            r[keys.index("quarter")]
            for t in _crime_tables(built)
            for r in t.rows
            if str(r[0]) == name
        )
        if small:
            assert _withheld(cell) and str(cell) == f"<{threshold}", (name, n, cell)
        else:
            assert cell == n or str(cell) == "[c]", (name, n, cell)
