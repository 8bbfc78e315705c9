"""Everything scrutiny can say about one crime measure in one area and quarter: the query
behind ``scrutiny explain``, judged by :func:`scrutiny.analysis.crime.analyse`."""

from __future__ import annotations

from scrutiny.analysis.crime import (
    CrimeAnalysis,
    Pattern,
    analyse,
    break_months,
    spc_of_counts,
    spc_window,
)
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import resolve
from scrutiny.measures.crime import available_selections, monthly_series
from scrutiny.measures.summary import connect, crime_summary, groups_of


def explain(
    ws: Workspace,
    category: str,
    quarter: str | None = None,
    area: str | None = None,
    level: str = "force",
) -> CrimeAnalysis:
    """Numbers, significance, SPC verdict and sentences for one category and area."""
    if area and level == "force":
        level = "borough"
    summary = crime_summary(ws, quarter, [category], level, [area] if area else [])
    if len(summary.frame) != 1:
        raise ValueError(
            f"{category!r} in {area or 'the force'}: expected one area, got {len(summary.frame)}"
        )
    row = summary.records()[0]
    q = summary.query.quarter
    pattern = monthly_pattern(ws, str(row["category"]), level, str(row["area_code"]), q)
    return analyse(ws, q, row, pattern, level=level)


def monthly_pattern(
    ws: Workspace, category: str, level: str, area_code: str, quarter: Quarter
) -> Pattern:
    """SPC of one area's monthly series over the 36 months to the quarter's end."""
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
