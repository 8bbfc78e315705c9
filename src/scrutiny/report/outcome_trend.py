"""Positive-outcome rates over time, from the crime model: per category with a positive-outcomes
measure, the quarter's rate with its changes (and whether the change on the same quarter last
year is significant: Newcombe's interval for a difference of two proportions excludes zero), and
the rate in each of the last eight quarters."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scrutiny.content.format import count
from scrutiny.content.model import Block, Column, EmptyNotice, Sentence, Table
from scrutiny.judge.narrative import format_pp_change
from scrutiny.judge.significance import newcombe_interval
from scrutiny.report.data import ReportData

#: Quarters in the trend table (two years).
QUARTERS = 8


def _total(series: pd.Series, months: Sequence[object]) -> int | None:
    if not all(m in series.index for m in months):
        return None
    return int(sum(series[m] for m in months))


def quarter_rates(data: ReportData, name: str) -> list[tuple[str, int, int, float]]:
    """(quarter label, offences, positive outcomes, rate %) for the last QUARTERS quarters whose
    months are all published for both measures, oldest first."""
    offences, outcomes = data.series(name), data.outcome_series(name)
    out = []
    for back in range(QUARTERS - 1, -1, -1):
        q = data.quarter.shift(-back)
        months = q.window().month_list()
        n, po = _total(offences, months), _total(outcomes, months)
        if n and po is not None:
            out.append((q.label, n, po, 100 * po / n))
    return out


def _significance(row: dict) -> str:
    """Whether the change on the same quarter last year is beyond chance (Newcombe, 95%)."""
    rate = row.get("outcome_rate_quarter")
    change = row.get("outcome_rate_change_same_quarter_last_year")
    n1, n2 = row.get("quarter"), row.get("same_quarter_last_year")
    if rate is None or change is None or not n1 or not n2:
        return ""
    low, high = newcombe_interval(rate, n1, rate - change, n2)
    return ", significant at 95%" if low > 0 or high < 0 else ", not significant at 95%"


def outcome_trend_blocks(data: ReportData, names: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    q, prev, last_year = data.quarter, data.quarter.shift(-1), data.quarter.shift(-4)
    for name in names:
        row = data.category(name)
        if row is None or row.get("outcome_rate_quarter") is None:
            continue
        parts = []
        for key, other in (
            ("outcome_rate_change_previous_quarter", prev),
            ("outcome_rate_change_same_quarter_last_year", last_year),
        ):
            if row.get(key) is not None:
                parts.append(f"{format_pp_change(row[key])} on {other.label}")
        text = (
            f"{row['category']}: positive outcome rate {row['outcome_rate_quarter']:.1f}% in "
            f"{q.label} ({count(row['positive_outcomes_quarter'])} positive outcomes, "
            f"{count(row['quarter'])} offences)"
        )
        if parts:
            text += f"; {' and '.join(parts)}{_significance(row)}"
        if row.get("outcome_rate_r12") is not None:
            text += f"; {row['outcome_rate_r12']:.1f}% in the {q.rolling_12_months().label}"
        blocks.append(Sentence(text + ".", "outcomes.rate_trend"))
        trend = quarter_rates(data, name)
        if len(trend) > 1:
            blocks.append(
                Table(
                    f"{row['category']}: positive outcome rate by quarter",
                    (
                        Column("quarter", "Quarter"),
                        Column("offences", "Offences", "number", decimals=0),
                        Column("outcomes", "Positive outcomes", "number", decimals=0),
                        Column("rate", "Outcome rate", "number", "%", 1),
                    ),
                    tuple(trend),
                    notes=(
                        "Outcome rate = positive outcomes ÷ offences recorded in the same "
                        "quarter (an outcome may follow an offence of an earlier quarter).",
                    ),
                )
            )
    if not blocks:
        return [EmptyNotice("No category of this theme has positive outcomes in the data.")]
    return blocks
