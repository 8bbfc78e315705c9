"""Knife crime and its positive-outcome rate trend against an independent sum of the demo's
knife-crime extract (borough rows, read here with pyarrow alone)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow.parquet as pq

from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Report, Sentence, Table


def _monthly(ws: Workspace, subtype: str) -> dict[tuple[str, date], int]:
    t = pq.read_table(ws.root / "data" / "knife_crime" / "monthly-crime-dashboard.parquet")
    sums: dict[tuple[str, date], int] = defaultdict(int)
    for r in t.to_pylist():
        if r["area_type"] == "Borough" and r["crime_subtype"] == subtype:
            sums[(r["measure"], r["month_year"].date())] += int(r["count"])
    return sums


def _quarter(sums: dict[tuple[str, date], int], measure: str, fy: int, q: int) -> int:
    first = 4 + 3 * (q - 1)
    months = [date(fy + (m > 12), (m - 1) % 12 + 1, 1) for m in range(first, first + 3)]
    return sum(sums[(measure, m)] for m in months)


def _theme(report: Report) -> list:
    (section,) = [s for s in report.walk() if s.title.endswith("Knife crime")]
    return list(section.blocks)


def test_knife_crime_outcome_rate_matches_an_independent_sum(
    demo_ws: Workspace, current_report: Report
) -> None:
    sums = _monthly(demo_ws, "Knife Crime")
    offences = _quarter(sums, "Offences", 2023, 1)
    outcomes = _quarter(sums, "Positive Outcomes", 2023, 1)
    last_year = _quarter(sums, "Positive Outcomes", 2022, 1) / _quarter(sums, "Offences", 2022, 1)
    blocks = _theme(current_report)
    text = " ".join(b.text for b in blocks if isinstance(b, Sentence))
    assert (
        f"Knife Crime: positive outcome rate {100 * outcomes / offences:.1f}% in Q1 2023-24 "
        f"({outcomes:,} positive outcomes, {offences:,} offences)"
    ) in text
    change = 100 * (outcomes / offences - last_year)
    sign = "+" if change > 0 else "−"
    assert f"{sign}{abs(change):.1f} pp on Q1 2022-23" in text
    (trend,) = [b for b in blocks if isinstance(b, Table) and b.caption.startswith("Knife Crime:")]
    rows = {r[0]: r for r in trend.rows}
    assert rows["Q1 2023-24"][1:3] == (offences, outcomes)
    assert rows["Q1 2022-23"][3] == 100 * last_year
    assert len(trend.rows) == 5  # the extract starts in March 2022: Q1 2022-23 to Q1 2023-24
    # the crime model's table and sentences for knife crime itself are there too
    assert any(
        isinstance(b, Table) and "Knife crime: recorded offences" in b.caption for b in blocks
    )
