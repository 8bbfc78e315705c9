"""Finance pages from the finance returns: the force's revenue and capital, the commissioner's
office and its units by plan outcome, group reserves, each with generated sentences and a check
of every printed variance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrutiny.content.format import money
from scrutiny.content.model import (
    Block,
    Cell,
    Column,
    EmptyNotice,
    Note,
    Sentence,
    Table,
)
from scrutiny.report.charts import grouped_bar_chart
from scrutiny.report.data import ReportData

M = "£m"
PRINTED = "A dash means the figure was not printed in the return."


def _money_col(key: str, label: str) -> Column:
    return Column(key, label, "number", M, 1)


def _emphasis(rows: Sequence[dict[str, Any]]) -> tuple[int, ...]:
    return tuple(i for i, r in enumerate(rows) if r.get("total_of"))


def _line(rows: Sequence[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((r for r in rows if str(r["line"]).casefold() == name.casefold()), None)


def _none(what: str, data: ReportData) -> EmptyNotice:
    return EmptyNotice(f"No {what} return loaded for {data.quarter.label}.")


def revenue_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("revenue")
    if not rows:
        return [_none("revenue", data)]
    blocks: list[Block] = []
    lines = data.definition.finance
    gross = _line(rows, lines.gross_expenditure)
    overall = _line(rows, lines.revenue_total)
    q = data.quarter.label
    if gross and gross["original_budget"] is not None:
        text = (
            f"The original full-year gross expenditure budget is {money(gross['original_budget'])}"
        )
        if gross["full_year_forecast"] is not None:
            text += (
                f"; the forecast at {q} is {money(gross['full_year_forecast'])}, a variance of "
                f"{money(gross['full_year_forecast'] - gross['original_budget'])}"
            )
        blocks.append(Sentence(text + ".", "finance.revenue"))
    if overall and overall["full_year_forecast"] is not None:
        position = overall["full_year_forecast"]
        word = "surplus" if position < 0 else "deficit" if position > 0 else "balanced position"
        blocks.append(
            Sentence(
                f"The overall {data.force_short} forecast revenue outturn at the end of {q} "
                f"is a budget {word}" + (f" of {money(abs(position))}" if position else "") + ".",
                "finance.revenue_position",
            )
        )
    blocks.append(
        Table(
            f"{data.force_short} revenue by cost category, {q} (£m)",
            (
                Column("line", "Cost category"),
                _money_col("ytd_budget", "YTD budget"),
                _money_col("ytd_actual", "YTD actual"),
                _money_col("ytd_variance", "YTD variance"),
                _money_col("original_budget", "Original budget"),
                _money_col("full_year_forecast", "Full-year forecast"),
                _money_col("full_year_variance", "Variance to budget"),
            ),
            tuple(
                (
                    r["line"],
                    r["ytd_budget"],
                    r["ytd_actual"],
                    r["ytd_variance"],
                    r["original_budget"],
                    r["full_year_forecast"],
                    r["full_year_variance"],
                )
                for r in rows
            ),
            emphasis=_emphasis(rows),
            notes=(
                "Negative figures are income, transfers from reserves or underspends. " + PRINTED,
            ),
        )
    )
    blocks.extend(variance_check(data, "revenue"))
    return blocks


def capital_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("capital")
    if not rows:
        return [_none("capital", data)]
    blocks: list[Block] = []
    years = list(dict.fromkeys(str(r["financial_year"]) for r in rows))
    for year in years:
        part = [r for r in rows if str(r["financial_year"]) == year]
        total = _line(part, data.definition.finance.capital_total)
        if total and total["original_budget"] is not None and total["actual_ytd"] is not None:
            blocks.append(capital_sentence(data, year, total))
        blocks.append(
            Table(
                f"{data.force_short} capital expenditure {year} by business group (£m)",
                (
                    Column("line", "Business group"),
                    _money_col("original_budget", "Original budget"),
                    _money_col("full_year_forecast", "Full-year forecast"),
                    _money_col("actual_ytd", "Actual to date"),
                    _money_col("full_year_variance", "Variance to budget"),
                ),
                tuple(
                    (
                        r["line"],
                        r["original_budget"],
                        r["full_year_forecast"],
                        r["actual_ytd"],
                        r["full_year_variance"],
                    )
                    for r in part
                ),
                emphasis=_emphasis(part),
            )
        )
    current = [r for r in rows if str(r["financial_year"]) == years[0] and not r["total_of"]]
    bars: list[tuple[str, str, float | None]] = []
    for r in current:
        bars.append((str(r["line"]), "Original budget", r["original_budget"]))
        bars.append((str(r["line"]), "Full-year forecast", r["full_year_forecast"]))
    if bars:
        blocks.append(
            grouped_bar_chart(
                "capital-by-group",
                f"Capital {years[0]}: original budget and forecast by business group (£m)",
                bars,
                "£m",
                "Bar chart comparing each business group's original capital budget with its "
                "full-year forecast; the figures are in the table above and beside this chart.",
                series_title="Figure",
            )
        )
    blocks.extend(variance_check(data, "capital"))
    return blocks


def _year_label(fy_start: int) -> str:
    return f"{fy_start}/{(fy_start + 1) % 100:02d}"


def capital_sentence(data: ReportData, year: str, total: dict[str, Any]) -> Sentence:
    """The year's capital spend to date against budget; an earlier year's return row is the
    same point of that year (e.g. Q1 2022-23 beside Q1 2023-24)."""
    q = data.quarter
    current = year.replace("-", "/") == _year_label(q.fy_start)
    actual, budget = total["actual_ytd"], total["original_budget"]
    share = f", {actual / budget:.0%} of the original budget" if budget else ""
    if current:
        text = (
            f"{year}: actual capital expenditure at {q.label} is {money(actual)} against an "
            f"original budget of {money(budget)}{share}"
        )
    else:
        text = (
            f"{year}, at the same point of that year: actual capital expenditure was "
            f"{money(actual)} against an original budget of {money(budget)}{share}"
        )
    forecast, variance = total["full_year_forecast"], total["full_year_variance"]
    if forecast is not None:
        verb = "is" if current else "was"
        text += f"; the full-year forecast {verb} {money(forecast)}"
        if variance is not None and variance != 0:
            word = "an underspend" if variance < 0 else "an overspend"
            text += f", {word} of {money(abs(variance))}"
    return Sentence(text + ".", "finance.capital")


BODY_COLUMNS = (
    Column("line", "Line"),
    _money_col("original_budget", "Original budget"),
    _money_col("revised_budget", "Revised budget"),
    _money_col("full_year_forecast", "Full-year forecast"),
    _money_col("full_year_variance", "Variance to revised"),
)


def printed_variance(row: dict[str, Any]) -> float:
    """The variance to the revised budget as the return prints it (the table's figure), else
    forecast less revised budget."""
    if row.get("full_year_variance") is not None:
        return float(row["full_year_variance"])
    return float(row["full_year_forecast"] - row["revised_budget"])


def office_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("office_finance")
    if not rows:
        return [_none("office finance", data)]
    blocks: list[Block] = []
    bodies = list(dict.fromkeys(str(r["body"]) for r in rows))
    combined = bodies[-1]
    part = [r for r in rows if r["body"] == combined]
    net = _line(part, data.definition.finance.net_expenditure)
    if net and net["full_year_forecast"] is not None and net["revised_budget"] is not None:
        diff = printed_variance(net)
        word = "an overspend" if diff > 0 else "an underspend" if diff < 0 else "a balanced budget"
        blocks.append(
            Sentence(
                f"At {data.quarter.label}, {combined} forecast total net expenditure of "
                f"{money(net['full_year_forecast'])} against a revised budget of "
                f"{money(net['revised_budget'])}: {word}"
                + (f" of {money(abs(diff))}" if diff else "")
                + ".",
                "finance.office",
            )
        )
    for body in bodies:
        part = [r for r in rows if r["body"] == body]
        blocks.append(
            Table(
                f"{body} {data.quarter.label}: expenditure by plan outcome, income and "
                "reserves (£m)",
                BODY_COLUMNS,
                tuple(
                    (
                        r["line"],
                        r["original_budget"],
                        r["revised_budget"],
                        r["full_year_forecast"],
                        r["full_year_variance"],
                    )
                    for r in part
                ),
                emphasis=_emphasis(part),
                notes=(PRINTED,),
            )
        )
    blocks.extend(variance_check(data, "office_finance"))
    return blocks


def reserves_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("reserves")
    if not rows:
        return [_none("reserves", data)]
    blocks: list[Block] = []
    total = _line(rows, data.definition.finance.reserves_total) or rows[0]
    if total["opening_balance"] is not None and total["forecast_closing_balance"] is not None:
        blocks.append(
            Sentence(
                f"By the end of the year reserves are forecast to move from "
                f"{money(total['opening_balance'])} to {money(total['forecast_closing_balance'])}"
                + (
                    f", a net transfer of {money(total['forecast_transfers'])}"
                    if total["forecast_transfers"] is not None
                    else ""
                )
                + ".",
                "finance.reserves",
            )
        )
    blocks.append(
        Table(
            f"Group reserves, {data.quarter.label} (£m)",
            (
                Column("line", "Reserve"),
                _money_col("opening_balance", "Opening balance"),
                _money_col("original_budgeted_transfers", "Budgeted transfers"),
                _money_col("forecast_transfers", "Forecast transfers"),
                _money_col("transfers_variance", "Variance"),
                _money_col("forecast_closing_balance", "Forecast closing balance"),
            ),
            tuple(
                (
                    r["line"],
                    r["opening_balance"],
                    r["original_budgeted_transfers"],
                    r["forecast_transfers"],
                    r["transfers_variance"],
                    r["forecast_closing_balance"],
                )
                for r in rows
            ),
            emphasis=_emphasis(rows),
        )
    )
    blocks.extend(variance_check(data, "reserves"))
    return blocks


def variance_check(data: ReportData, statement: str) -> list[Block]:
    """Printed variances that differ from the figures they are the difference of (internal
    edition only: the public one prints the return as published)."""
    if not data.internal:
        return []
    variances = [v for v in data.returns.variances if v.statement == statement]
    differs = [v for v in variances if v.status == "differs"]
    if not differs:
        checked = [v for v in variances if v.status == "agrees"]
        if not checked:
            return []
        return [
            Note(
                f"Check: all {len(checked)} printed variances equal forecast (or actual) less "
                "budget within 0.1 £m.",
                "source",
            )
        ]
    rows: list[tuple[Cell, ...]] = [
        (
            v.line if not v.group else f"{v.group}: {v.line}",
            v.measure.replace("_", " "),
            v.stated,
            v.computed,
        )
        for v in differs
    ]
    return [
        Table(
            f"Check: printed variances that differ from the figures "
            f"({statement.replace('_', ' ')}, £m)",
            (
                Column("line", "Line"),
                Column("measure", "Figure"),
                _money_col("printed", "Printed"),
                _money_col("computed", "Recomputed"),
            ),
            tuple(rows),
            notes=("Recomputed as forecast (or actual) less budget from the printed figures.",),
        )
    ]


def priority_finance(data: ReportData, priority_id: str, title: str) -> list[Block]:
    """The office's budget lines (each body's) of one plan priority."""
    rows = data.rows("office_finance")
    plan = data.plan
    mine = [
        r
        for r in rows
        if r.get("section") == "Expenditure"
        and not r.get("total_of")
        and plan is not None
        and (p := plan.priority(str(r["line"]))) is not None
        and p.id == priority_id
    ]
    if not mine:
        office = data.definition.wording.office
        return [EmptyNotice(f"No {office} budget lines for this priority in {data.quarter.label}.")]
    blocks: list[Block] = []
    combined = mine[-1]
    if combined["revised_budget"] is not None and combined["full_year_forecast"] is not None:
        diff = printed_variance(combined)
        word = "overspend" if diff > 0 else "underspend" if diff < 0 else "balanced position"
        blocks.append(
            Sentence(
                f"{combined['body']}: the {title} budget was set at "
                f"{money(combined['original_budget'])} and revised to "
                f"{money(combined['revised_budget'])}; the full-year forecast is "
                f"{money(combined['full_year_forecast'])}, a forecast {word}"
                + (f" of {money(abs(diff))}" if diff else "")
                + ".",
                "finance.priority",
            )
        )
    blocks.append(
        Table(
            f"Budget for {title}, {data.quarter.label} (£m)",
            (Column("body", "Body"), *BODY_COLUMNS[1:]),
            tuple(
                (
                    r["body"],
                    r["original_budget"],
                    r["revised_budget"],
                    r["full_year_forecast"],
                    r["full_year_variance"],
                )
                for r in mine
            ),
            notes=(PRINTED,),
        )
    )
    return blocks
