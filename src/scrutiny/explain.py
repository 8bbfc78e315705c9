"""Everything scrutiny can say about one crime measure in one area and quarter.

The numbers (volumes and % changes), the SPC verdict on the monthly series, the significance of
each comparison, and the generated sentences — computed once here, shown by ``scrutiny explain``
and reused by the report and dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    Comparator,
    Quarter,
    add_months,
)
from scrutiny.config.workspace import Workspace
from scrutiny.judge.narrative import NarrativeRules, quarter_sentence, r12_sentence
from scrutiny.judge.significance import RateRatio, rate_ratio
from scrutiny.judge.spc import SpcResult, xmr
from scrutiny.measures.categories import resolve
from scrutiny.measures.crime import available_selections, monthly_series
from scrutiny.measures.summary import connect, crime_summary, groups_of

#: Months of history an SPC chart of a crime series looks back over, to the quarter's end.
SPC_MONTHS = 36


@dataclass(frozen=True)
class Comparison:
    comparator: Comparator
    label: str
    current: int | None
    previous: int | None
    pct_change: float | None
    test: RateRatio | None


@dataclass(frozen=True)
class Explanation:
    category: str
    area_name: str
    quarter_label: str
    r12_label: str
    quarter_volume: int | None
    r12_volume: int | None
    rate_per_1000: float | None
    comparisons: tuple[Comparison, ...]
    spc: SpcResult
    spc_months: tuple[date, ...]
    quarter_sentence: str
    r12_sentence: str


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def comparator_labels(ws: Workspace, q: Quarter) -> dict[Comparator, str]:
    """How sentences name each comparator, e.g. "Q4 2022-23", "12 months to February 2020"."""
    base = ws.baseline
    return {
        Comparator.PREVIOUS_QUARTER: q.shift(-1).label,
        Comparator.SAME_QUARTER_LAST_YEAR: q.shift(-4).label,
        Comparator.SAME_QUARTER_BASELINE: Quarter(base.fy_start, q.q).label,
        Comparator.PREVIOUS_R12: "previous 12 months",
        Comparator.BASELINE_R12: base.r12().label,
    }


def explain(
    ws: Workspace,
    category: str,
    quarter: str | None = None,
    area: str | None = None,
    level: str = "force",
    rules: NarrativeRules | None = None,
) -> Explanation:
    """Numbers, SPC, significance and sentences for one category and area."""
    rules = rules or NarrativeRules(stable_band_pct=ws.config.settings.stable_band_pct)
    if area and level == "force":
        level = "borough"
    summary = crime_summary(ws, quarter, [category], level, [area] if area else [])
    if len(summary.frame) != 1:
        raise ValueError(
            f"{category!r} in {area or 'the force'}: expected one area, got {len(summary.frame)}"
        )
    row = summary.frame.iloc[0]
    q = summary.query.quarter
    labels = comparator_labels(ws, q)

    comparisons = []
    for c in (*QUARTER_COMPARATORS, *R12_COMPARATORS):
        base_col = "quarter" if c in QUARTER_COMPARATORS else "r12"
        now, before = _int(row[base_col]), _int(row[c.value])
        test = rate_ratio(now, before) if now is not None and before is not None else None
        comparisons.append(
            Comparison(c, labels[c], now, before, _float(row[f"change_{c.value}"]), test)
        )
    by = {c.comparator: c for c in comparisons}

    def change(c: Comparator) -> tuple[str, float] | None:
        pct = by[c].pct_change
        return None if pct is None else (by[c].label, pct)

    name = str(row["category"])
    q_sentence = quarter_sentence(
        f"{name} offences",
        q.label,
        {
            "previous_quarter": change(Comparator.PREVIOUS_QUARTER),
            "same_quarter_last_year": change(Comparator.SAME_QUARTER_LAST_YEAR),
            rules.baseline_key: change(Comparator.SAME_QUARTER_BASELINE),
        },
        rules,
    )
    r_sentence = r12_sentence(
        name,
        summary.query.quarter.rolling_12_months().label,
        change(Comparator.PREVIOUS_R12),
        change(Comparator.BASELINE_R12),
        rules,
    )
    spc, months = monthly_spc(ws, name, level, str(row["area_code"]), q.last_month)
    return Explanation(
        category=name,
        area_name=str(row["area_name"]),
        quarter_label=q.label,
        r12_label=q.rolling_12_months().label,
        quarter_volume=_int(row["quarter"]),
        r12_volume=_int(row["r12"]),
        rate_per_1000=_float(row["r12_rate_per_1000"]),
        comparisons=tuple(comparisons),
        spc=spc,
        spc_months=months,
        quarter_sentence=q_sentence,
        r12_sentence=r_sentence,
    )


def spc_overview(ws: Workspace, quarter: str | None = None, level: str = "force") -> pd.DataFrame:
    """SPC of every category × area at ``level``: one query, one chart per series.

    Columns: category, area_code, area_name, months, variation_icon, verdict, rule, summary.
    """
    q = Quarter.parse(quarter) if quarter else ws.quarter
    first = add_months(q.last_month, -(SPC_MONTHS - 1))
    con = connect(ws)
    try:
        chosen = list(available_selections(con, groups_of(ws)).values())
        series = monthly_series(con, chosen, level, first, add_months(q.last_month, 1))
    finally:
        con.disconnect()
    rows = []
    for (category, code, name), group in series.groupby(
        ["category", "area_code", "area_name"], sort=True
    ):
        result, months = spc_of_counts(
            ws, dict(zip(group["month"], group["count"], strict=True)), first
        )
        latest = result.latest
        rows.append(
            {
                "category": category,
                "area_code": code,
                "area_name": name,
                "months": len(months),
                "variation_icon": result.variation_icon.value if result.variation_icon else None,
                "verdict": latest.verdict.value if latest else None,
                "rule": latest.rule.value if latest and latest.rule else None,
                "summary": result.summary_text(),
            }
        )
    return pd.DataFrame(rows)


def monthly_spc(
    ws: Workspace, category: str, level: str, area_code: str, last_month: date
) -> tuple[SpcResult, tuple[date, ...]]:
    """XmR chart of the monthly series over the 36 months to ``last_month``, rebased at the
    workspace's change points; fewer crimes is the good direction."""
    first = add_months(last_month, -(SPC_MONTHS - 1))
    con = connect(ws)
    try:
        chosen = resolve(available_selections(con, groups_of(ws)), [category])
        series = monthly_series(con, chosen, level, first, add_months(last_month, 1))
    finally:
        con.disconnect()
    series = series[series["area_code"] == area_code]
    return spc_of_counts(ws, dict(zip(series["month"], series["count"], strict=True)), first)


def spc_of_counts(
    ws: Workspace, counts: dict[date, int], first: date
) -> tuple[SpcResult, tuple[date, ...]]:
    """XmR chart of monthly ``counts`` over the 36 months from ``first`` (missing months are
    skipped), rebased at the workspace's change points; fewer offences is better."""
    months = tuple(m for m in (add_months(first, i) for i in range(SPC_MONTHS)) if m in counts)
    labels = [m.strftime("%b %Y") for m in months]
    rebase = [
        m.strftime("%b %Y")
        for m in ws.change_points
        if months and months[0] < m <= months[-1] and m in months
    ]
    result = xmr(
        [float(counts[m]) for m in months], improvement="down", labels=labels, rebase_at=rebase
    )
    return result, months
