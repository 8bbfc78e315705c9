"""Every kind of return: its columns, an example row for the template, and its checks.

The names are what a file name or a worksheet says (``2023-24Q1-services.csv``); see
:data:`KINDS`. Columns marked required must be in the header and filled on every row.
"""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.returns import finance
from scrutiny.returns.base import CellError
from scrutiny.returns.decisions import check_decisions
from scrutiny.returns.spec import Check, Column, Kind, Parsed

UNITS = ("%", "count", "days", "gap")


def unique_check(columns: Sequence[str]) -> Check:
    """No two rows describe the same thing (a pasted row twice would double-count it)."""

    def check(parsed: Parsed) -> list[CellError]:
        seen: dict[tuple[object, ...], int] = {}
        errors = []
        for row in parsed.rows:
            key = tuple(row[c] for c in columns)
            if key in seen:
                errors.append(
                    parsed.error(
                        row,
                        columns[-1],
                        row[columns[-1]],
                        f"repeats row {seen[key]} (same {', '.join(columns)})",
                    )
                )
            seen.setdefault(key, row.number)
        return errors

    return check


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def range_check(column: str, low: float, high: float) -> Check:
    def check(parsed: Parsed) -> list[CellError]:
        return [
            parsed.error(r, column, r[column], f"expected a figure from {_n(low)} to {_n(high)}")
            for r in parsed.rows
            if r[column] is not None and not low <= r[column] <= high
        ]

    return check


#: No count in a quarterly return comes near this (the largest force area has under ten
#: million residents).
MAX_COUNT = 100_000_000


def count_check(column: str) -> Check:
    """A count: a whole figure from 0 to :data:`MAX_COUNT`."""
    return range_check(column, 0, MAX_COUNT)


def _kpi_check(*columns: str) -> Check:
    """A KPI's target and value by its unit: % from 0 to 100, counts and days ≥ 0, a gap's
    target a band ≥ 0."""

    def check(parsed: Parsed) -> list[CellError]:
        errors = []
        for r in parsed.rows:
            for column in columns:
                value = r[column]
                if value is None:
                    continue
                if r["unit"] == "%" and not 0 <= value <= 100:
                    errors.append(parsed.error(r, column, value, "a % must be from 0 to 100"))
                elif r["unit"] in ("count", "days") and not 0 <= value <= MAX_COUNT:
                    errors.append(
                        parsed.error(
                            r,
                            column,
                            value,
                            f"a {r['unit']} figure must be from 0 to {MAX_COUNT:,}",
                        )
                    )
                elif r["unit"] == "gap" and column != "ytd_value" and value < 0:
                    errors.append(
                        parsed.error(r, column, value, "a gap target is a band ±N: give N ≥ 0")
                    )
        return errors

    return check


def _either(a: str, b: str) -> Check:
    def check(parsed: Parsed) -> list[CellError]:
        return [
            parsed.error(r, a, None, f"give {a} or {b} (or both)")
            for r in parsed.rows
            if r[a] is None and r[b] is None
        ]

    return check


P = Column("priority", "priority", True, help="a priority of the plan, by id or title")
RATING = Column("published_rating", "rating", help="the rating as published: G, A or R")
REASON = Column("rating_reason", help="why the published rating differs from the rule, if it does")
COMMENT = Column("comment")
NOTE = Column("note", help="anything about the row, e.g. figures reconstructed from the text")
UNIT = Column(
    "unit",
    "choice",
    True,
    UNITS,
    "% (points), count (pro rata), days (lower is better) or gap (±band)",
)


def _figures(names: Sequence[str]) -> tuple[Column, ...]:
    return tuple(Column(n, "number", help="£m; (x) or -x for negative") for n in names)


def _line() -> tuple[Column, ...]:
    return (
        Column("line", required=True, help="the line as printed"),
        Column("total_of", "names", help="for a total: the lines it adds up, separated by ';'"),
    )


KINDS: dict[str, Kind] = {}
#: Kinds renamed, by their former name: files and sheets so named still load (with a notice).
FORMER_NAMES: dict[str, str] = {"mopac_finance": "office_finance"}


def _add(kind: Kind) -> None:
    KINDS[kind.name] = kind


_add(
    Kind(
        "services",
        "Commissioned services: KPIs of each service",
        (
            P,
            Column("service", required=True),
            Column("budget", "money", help="annual budget, e.g. £7.86m"),
            Column("ref"),
            Column("kpi", required=True, help="the KPI as worded"),
            UNIT,
            Column("annual_target", "number"),
            Column("ytd_value", "number", help="year to date"),
            RATING,
            REASON,
            COMMENT,
        ),
        {
            "priority": "victims",
            "service": "Victim and Witness Service",
            "budget": "£7.86m",
            "ref": "",
            "kpi": "% of witnesses referred who take up support",
            "unit": "%",
            "annual_target": "65%",
            "ytd_value": "85%",
            "published_rating": "G",
            "rating_reason": "",
            "comment": "",
        },
        checks=(
            _kpi_check("annual_target", "ytd_value"),
            unique_check(("priority", "service", "kpi")),
        ),
    )
)
_add(
    Kind(
        "indicators",
        "Performance indicators of the plan (objectives format)",
        (
            P,
            Column("ref", required=True),
            Column("indicator", required=True),
            Column("group", help="e.g. B (Black), M (Mixed), O (officers), S (staff)"),
            UNIT,
            Column("target", "number"),
            Column("target_text", help="the target as printed, e.g. ±5% (B)"),
            Column("ytd_value", "number"),
            RATING,
            REASON,
            COMMENT,
        ),
        {
            "priority": "policing",
            "ref": "1",
            "indicator": "Overall victim satisfaction (USS)",
            "group": "",
            "unit": "%",
            "target": "69%",
            "target_text": "69%",
            "ytd_value": "66%",
            "published_rating": "A",
            "rating_reason": "",
            "comment": "",
        },
        checks=(_kpi_check("target", "ytd_value"), unique_check(("priority", "ref", "group"))),
    )
)
_add(
    Kind(
        "milestones",
        "Key project activity / goals: milestones and their status",
        (
            P,
            Column("ref", required=True),
            Column("description", required=True),
            Column(
                "baseline", "quarter", True, help="quarter due, e.g. Q4 22/23, or Q2 of this year"
            ),
            Column("forecast", "quarter", help="forecast quarter when it has moved"),
            Column("status", "milestone_rating", True, help="G/A/R, or CG/CA when complete"),
            REASON,
            COMMENT,
        ),
        {
            "priority": "victims",
            "ref": "1",
            "description": "Launch pilot to provide independent legal advice",
            "baseline": "Q4 22/23",
            "forecast": "Q1",
            "status": "CA",
            "rating_reason": "",
            "comment": "",
        },
        checks=(unique_check(("priority", "ref")),),
    )
)
_add(
    Kind(
        "risks",
        "Top risks per priority",
        (
            P,
            Column("ref", required=True),
            Column("description", required=True),
            Column("score", "integer", True, help="likelihood × impact, 1-25"),
            Column("trend", "trend"),
            Column("explanation"),
        ),
        {
            "priority": "cjs",
            "ref": "1",
            "description": "Uncertainty regarding future funding for victim services",
            "score": "12",
            "trend": "→",
            "explanation": "",
        },
        checks=(range_check("score", 1, 25), unique_check(("priority", "ref"))),
    )
)
_add(
    Kind(
        "issues",
        "Top issues per priority",
        (
            P,
            Column("ref", required=True),
            Column("description", required=True),
            Column("rating", "choice", True, ("H", "M", "L"), "H, M or L"),
            Column("trend", "trend"),
            Column("explanation"),
        ),
        {
            "priority": "cjs",
            "ref": "1",
            "description": "Significant backlog of cases in the courts",
            "rating": "H",
            "trend": "→",
            "explanation": "",
        },
        checks=(unique_check(("priority", "ref")),),
    )
)
_add(
    Kind(
        "objectives",
        "Objective ratings by Time, Spend, Capability and Risk",
        (
            P,
            *(
                Column(n, "rating", True, help="G, A or R")
                for n in ("overall", "time", "spend", "capability", "risk")
            ),
        ),
        {
            "priority": "policing",
            "overall": "A",
            "time": "G",
            "spend": "G",
            "capability": "G",
            "risk": "A",
        },
        checks=(unique_check(("priority",)),),
    )
)
_add(
    Kind(
        "revenue",
        "Force revenue by cost category (£m)",
        (*_line(), *_figures(finance.REVENUE_FIGURES), NOTE),
        {
            "line": "Police Officer Pay",
            "total_of": "",
            "ytd_budget": "574.2",
            "ytd_actual": "573.3",
            "ytd_variance": "(0.9)",
            "original_budget": "2,382.0",
            "full_year_forecast": "2,330.7",
            "full_year_variance": "(51.3)",
            "note": "",
        },
        checks=(unique_check(("line",)), *finance.REVENUE_CHECKS),
    )
)
_add(
    Kind(
        "capital",
        "Capital expenditure by business group (£m)",
        (
            Column("financial_year", required=True, help="e.g. 2023/24"),
            *_line(),
            *_figures(finance.CAPITAL_FIGURES),
            NOTE,
        ),
        {
            "financial_year": "2023/24",
            "line": "Fleet Services",
            "total_of": "",
            "original_budget": "37.9",
            "full_year_forecast": "35.2",
            "actual_ytd": "1.0",
            "full_year_variance": "(2.7)",
            "note": "",
        },
        checks=(unique_check(("financial_year", "line")), *finance.CAPITAL_CHECKS),
    )
)
_add(
    Kind(
        "office_finance",
        "The office and its units by plan outcome, income and reserves (£m)",
        (
            Column(
                "body",
                required=True,
                help="A body (the office, a unit) or a combined body 'Office & Unit'",
            ),
            Column("section", help="Expenditure, Income Streams, Reserves"),
            *_line(),
            *_figures(finance.OFFICE_FIGURES),
            NOTE,
        ),
        {
            "body": "Office",
            "section": "Expenditure",
            "line": "Victims",
            "total_of": "",
            "original_budget": "44.6",
            "revised_budget": "45.3",
            "full_year_forecast": "45.2",
            "full_year_variance": "(0.1)",
            "note": "",
        },
        checks=(unique_check(("body", "line")), *finance.OFFICE_CHECKS),
    )
)
_add(
    Kind(
        "reserves",
        "Group reserves: opening, transfers, closing (£m)",
        (*_line(), *_figures(finance.RESERVE_FIGURES), NOTE),
        {
            "line": "Property",
            "total_of": "",
            "opening_balance": "61.8",
            "original_budgeted_transfers": "(8.4)",
            "forecast_transfers": "(8.1)",
            "transfers_variance": "0.3",
            "forecast_closing_balance": "53.7",
            "note": "",
        },
        checks=(unique_check(("line",)), *finance.RESERVE_CHECKS),
    )
)
_add(
    Kind(
        "calls",
        "Emergency response: I and S calls within target, by BCU and borough",
        (
            Column("call_type", "choice", True, ("I", "S"), "I (15 minutes) or S (1 hour)"),
            Column("bcu"),
            Column("borough", required=True),
            Column("period", "quarter", True, help="the quarter measured"),
            Column("within_target_pct", "number", True, help="% of calls attended within target"),
            Column(
                "published_change_pp",
                "number",
                help="the published pp change on the same quarter last year",
            ),
            NOTE,
        ),
        {
            "call_type": "I",
            "bcu": "Central East",
            "borough": "Northtown",
            "period": "2023-24Q1",
            "within_target_pct": "85%",
            "published_change_pp": "-2.7",
            "note": "",
        },
        checks=(
            range_check("within_target_pct", 0, 100),
            unique_check(("call_type", "borough", "period")),
        ),
    )
)
_add(
    Kind(
        "surveys",
        "Survey results by measure and group (values, or gaps to the force result)",
        (
            Column("survey", required=True, help="e.g. PAS"),
            Column("window", help="e.g. R12 to June 2023"),
            Column("measure", required=True),
            Column("dimension", required=True, help="e.g. Ethnicity; 'All' for the force"),
            Column("group", required=True),
            Column("area", help="blank for the whole force"),
            Column("value", "number", help="% of respondents"),
            Column("gap", "number", help="pp from the force result"),
            Column("base", "integer", help="respondents, when known"),
            NOTE,
        ),
        {
            "survey": "PAS",
            "window": "R12 to June 2023",
            "measure": "Trust the police",
            "dimension": "Ethnicity",
            "group": "Mixed",
            "area": "",
            "value": "",
            "gap": "-15%",
            "base": "",
            "note": "",
        },
        checks=(
            _either("value", "gap"),
            range_check("value", 0, 100),
            count_check("base"),
            unique_check(("survey", "window", "area", "measure", "dimension", "group")),
        ),
    )
)
_add(
    Kind(
        "outcomes",
        "Crime outcomes and outcome rates for two rolling 12-month windows",
        (
            Column("pcp_outcome", help="the plan outcome the category sits under"),
            Column("category", required=True),
            Column("previous_window", required=True, help="e.g. July 2021-June 2022"),
            Column("current_window", required=True),
            Column("previous_outcomes", "integer"),
            Column("current_outcomes", "integer"),
            Column("previous_rate", "number", help="%"),
            Column("current_rate", "number", help="%"),
            Column("published_change_outcomes", "integer"),
            Column("published_change_pp", "number"),
            NOTE,
        ),
        {
            "pcp_outcome": "Violence is prevented and reduced",
            "category": "Rape",
            "previous_window": "July 2021-June 2022",
            "current_window": "July 2022-June 2023",
            "previous_outcomes": "440",
            "current_outcomes": "685",
            "previous_rate": "4.7%",
            "current_rate": "7.5%",
            "published_change_outcomes": "245",
            "published_change_pp": "2.8",
            "note": "",
        },
        checks=(
            range_check("previous_rate", 0, 100),
            range_check("current_rate", 0, 100),
            count_check("previous_outcomes"),
            count_check("current_outcomes"),
            unique_check(("category",)),
        ),
    )
)
_add(
    Kind(
        "workforce",
        "Workforce and its diversity",
        (
            Column("group", required=True, help="e.g. Officers, Staff, PCSOs"),
            Column("dimension", required=True, help="All, Ethnicity, Sex"),
            Column("category", required=True, help="e.g. All, BAME, Black, Female"),
            Column("headcount", "number"),
            Column("fte", "number"),
            Column("share_pct", "number", help="% of the group"),
            NOTE,
        ),
        {
            "group": "Officers",
            "dimension": "Ethnicity",
            "category": "BAME",
            "headcount": "",
            "fte": "5,904",
            "share_pct": "17.2%",
            "note": "",
        },
        checks=(
            range_check("share_pct", 0, 100),
            count_check("headcount"),
            count_check("fte"),
            unique_check(("group", "dimension", "category")),
        ),
    )
)
_add(
    Kind(
        "standards",
        "Standards: complaint and conduct timeliness, misconduct by group",
        (
            Column("measure", required=True),
            Column("group", help="e.g. Black and/or Minority Ethnic officers"),
            Column("period", "quarter", True),
            Column("value", "number", True),
            Column("unit", "choice", True, ("median days", "per 100 officers", "ratio")),
            NOTE,
        ),
        {
            "measure": "Public complaint timeliness",
            "group": "",
            "period": "2023-24Q1",
            "value": "34",
            "unit": "median days",
            "note": "",
        },
        checks=(unique_check(("measure", "group", "period")),),
    )
)
#: Units of an indicator series: a % (changes in points), a count, seconds or a rate.
SERIES_UNITS = ("%", "count", "seconds", "rate")


def _series_check(parsed: Parsed) -> list[CellError]:
    """A % from 0 to 100; counts and seconds ≥ 0; a numerator within its denominator; and a %
    with both given must be their ratio (to the published whole point)."""
    errors = []
    for r in parsed.rows:
        value, num, den, unit = r["value"], r["numerator"], r["denominator"], r["unit"]
        if unit == "%" and not 0 <= value <= 100:
            errors.append(parsed.error(r, "value", value, "a % must be from 0 to 100"))
        elif unit in ("count", "seconds") and value < 0:
            errors.append(parsed.error(r, "value", value, f"a {unit} figure must be ≥ 0"))
        if (num is None) != (den is None):
            missing = "denominator" if den is None else "numerator"
            errors.append(parsed.error(r, missing, None, "give numerator and denominator together"))
            continue
        if num is None or den is None:
            continue
        if den <= 0 or not 0 <= num <= den:
            errors.append(
                parsed.error(r, "numerator", num, f"expected from 0 to the denominator {den:g}")
            )
        elif unit == "%" and abs(100 * num / den - value) > 0.5:
            errors.append(
                parsed.error(
                    r,
                    "value",
                    value,
                    f"numerator ÷ denominator is {100 * num / den:.1f}%, not {value:g}%",
                )
            )
    return errors


_add(
    Kind(
        "series",
        "Indicator series: one figure per measure, area and period (victim satisfaction, call "
        "answering, hate crime, survey results…), judged like a crime measure",
        (
            Column("measure", required=True),
            Column("area", help="blank for the whole force area"),
            Column("period", "quarter", True, help="the quarter the figure is for"),
            Column("value", "number", True),
            Column("numerator", "number", help="e.g. respondents satisfied (with denominator)"),
            Column("denominator", "number", help="e.g. respondents: lets changes be tested"),
            Column("target", "number"),
            Column("unit", "choice", True, SERIES_UNITS),
            Column("polarity", "choice", choices=("up", "down"), help="which way is better"),
            NOTE,
        ),
        {
            "measure": "Victim satisfaction",
            "area": "",
            "period": "2023-24Q1",
            "value": "64",
            "numerator": "",
            "denominator": "",
            "target": "",
            "unit": "%",
            "polarity": "up",
            "note": "",
        },
        checks=(unique_check(("measure", "area", "period")), _series_check),
    )
)
_add(
    Kind(
        "decisions",
        "Funding decisions: total, allocations by strand, amounts by funding source",
        (
            Column("reference", required=True, help="e.g. PCD 174"),
            Column("title", required=True),
            Column("date", "date", True),
            Column("approver", required=True),
            Column("signed_by"),
            Column("total", "money", True),
            Column("delegation_threshold", "money", help="delegated up to this amount"),
            Column("line_type", "choice", True, ("strand", "source")),
            Column("name", required=True),
            Column("amount", "money", True),
            NOTE,
        ),
        {
            "reference": "PCD 000",
            "title": "An example decision",
            "date": "2023-04-03",
            "approver": "Police and Crime Commissioner",
            "signed_by": "",
            "total": "£775,000",
            "delegation_threshold": "£499,000",
            "line_type": "strand",
            "name": "Preventing Victimisation",
            "amount": "775,000",
            "note": "one row per strand and per funding source",
        },
        key="reference",
        checks=(unique_check(("reference", "line_type", "name")), check_decisions),
        more_examples=(
            {
                "reference": "PCD 000",
                "title": "An example decision",
                "date": "2023-04-03",
                "approver": "Police and Crime Commissioner",
                "signed_by": "",
                "total": "£775,000",
                "delegation_threshold": "£499,000",
                "line_type": "source",
                "name": "Office budget",
                "amount": "775,000",
                "note": "",
            },
        ),
    )
)

_add(
    Kind(
        "commentary",
        "Commentary: the office's own words for a section of the report (Markdown)",
        (
            Column(
                "place",
                required=True,
                help="The report section it belongs to, as `scrutiny commentary` lists it "
                "(e.g. trust-theme-2)",
            ),
            Column(
                "position",
                "choice",
                True,
                ("before", "replace"),
                "before: precedes the generated sentences; replace: stands instead of them",
            ),
            Column("author", required=True),
            Column("status", "choice", True, ("draft", "approved"), "draft or approved"),
            Column("text", required=True, help="Markdown: paragraphs, lists, **bold**, links"),
            Column("source", help="e.g. transcribed from the published report, p. 11"),
        ),
        {
            "place": "victims-activity",
            "position": "before",
            "author": "Performance team",
            "status": "draft",
            "text": "This quarter the office published its victims' strategy.",
            "source": "",
        },
        checks=(unique_check(("place",)),),
    )
)


def kind(name: str) -> Kind:
    """The kind of return called ``name``; a one-line error lists the kinds otherwise."""
    key = name.strip().casefold().replace("-", "_")
    if key not in KINDS:
        raise KeyError(f"no kind of return {name!r}; expected one of: {', '.join(KINDS)}")
    return KINDS[key]
