"""Derived tables: point changes of call performance, finance variances, survey gaps.

Each derived figure is computed from the figures as published and set beside the published
derived figure where there is one, with whether the two agree *within the rounding of the
published figures*. Percentages printed to whole points are each within ±0.5 of the true figure,
so a difference of two is within ±1.0 of the true change; a change printed to 0.1 adds ±0.05.
So a computed change agrees with a published one when they differ by at most 1.05 pp.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.config.periods import Quarter
from scrutiny.judge.significance import SurveyGap, survey_gap
from scrutiny.store.engine import Connection

#: ±0.5 for each of two percentages printed to whole points, ±0.05 for a change printed to 0.1.
CALL_ROUNDING_PP = 0.5 + 0.5 + 0.05
#: Published reports highlight survey gaps of 5 points or more.
GAP_FLAG_PP = 5.0
_EPS = 1e-9


@dataclass(frozen=True)
class PointChange:
    call_type: str
    bcu: str | None
    borough: str
    now: float
    before: float | None
    change_pp: float | None
    published_pp: float | None

    @property
    def difference(self) -> float | None:
        if self.change_pp is None or self.published_pp is None:
            return None
        return self.published_pp - self.change_pp

    @property
    def within_rounding(self) -> bool | None:
        diff = self.difference
        return None if diff is None else abs(diff) <= CALL_ROUNDING_PP + _EPS


def call_point_changes(con: Connection, quarter: Quarter) -> list[PointChange]:
    """I- and S-call performance by borough: pp change on the same quarter last year."""
    rows = con.execute(
        """SELECT n.call_type, n.bcu, n.borough, n.within_target_pct, b.within_target_pct,
                  n.published_change_pp
           FROM ret_calls n
           LEFT JOIN ret_calls b ON b.call_type = n.call_type AND b.borough = n.borough
                AND b.period = ? AND b.quarter = n.quarter
           WHERE n.period = ? AND n.quarter = ?
           ORDER BY n.call_type, n.row_number""",
        [str(quarter.shift(-4)), str(quarter), str(quarter)],
    ).fetchall()
    return [
        PointChange(ct, bcu, borough, now, before,
                    None if before is None else round(now - before, 10), pub)
        for ct, bcu, borough, now, before, pub in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class Variance:
    statement: str
    group: str
    line: str
    measure: str
    computed: float | None
    stated: float | None

    @property
    def status(self) -> str:
        if self.computed is None:
            return "not computable" if self.stated is not None else "no figures"
        if self.stated is None:
            return "derived (not printed)"
        return "agrees" if abs(self.stated - self.computed) <= 0.1 + _EPS else "differs"


#: statement table, grouping column, (variance column, minuend, subtrahend)
_VARIANCES = (
    ("revenue", "ret_revenue", "''", (
        ("ytd_variance", "ytd_actual", "ytd_budget"),
        ("full_year_variance", "full_year_forecast", "original_budget"))),
    ("capital", "ret_capital", "financial_year", (
        ("full_year_variance", "full_year_forecast", "original_budget"),)),
    ("office_finance", "ret_office_finance", "body", (
        ("full_year_variance", "full_year_forecast", "revised_budget"),)),
    ("reserves", "ret_reserves", "''", (
        ("transfers_variance", "forecast_transfers", "original_budgeted_transfers"),)),
)  # fmt: skip


def finance_variances(con: Connection, quarter: Quarter) -> list[Variance]:
    """Every finance line's variances recomputed (forecast or actual less budget) beside the
    variance printed; the reserves' closing balances as opening plus transfers."""
    out: list[Variance] = []
    for statement, table, group, specs in _VARIANCES:
        for var, plus, minus in specs:
            for grp, line, stated, a, b in con.execute(
                f"SELECT {group}, line, {var}, {plus}, {minus} FROM {table} "
                "WHERE quarter = ? ORDER BY row_number",
                [str(quarter)],
            ).fetchall():
                computed = None if a is None or b is None else round(a - b, 10)
                out.append(Variance(statement, grp or "", line, var, computed, stated))
    for line, stated, opening, transfers in con.execute(
        """SELECT line, forecast_closing_balance, opening_balance, forecast_transfers
           FROM ret_reserves WHERE quarter = ? ORDER BY row_number""",
        [str(quarter)],
    ).fetchall():
        computed = None if opening is None or transfers is None else round(opening + transfers, 10)
        out.append(Variance("reserves", "", line, "forecast_closing_balance", computed, stated))
    return out


@dataclass(frozen=True)
class Gap:
    survey: str
    window: str | None
    area: str | None
    measure: str
    dimension: str
    group: str
    value: float | None
    force: float | None
    gap_pp: float | None
    published_gap_pp: float | None
    base: int | None = None
    force_base: int | None = None

    @property
    def test(self) -> SurveyGap | None:
        """Newcombe interval and status; "not testable" without both bases (never guessed)."""
        if self.force is None:
            return None
        value = self.value
        if value is None and self.published_gap_pp is not None:
            value = self.force + self.published_gap_pp  # only the gap was printed
        if value is None:
            return None
        return survey_gap(value, self.force, self.base, self.force_base, threshold_pp=GAP_FLAG_PP)

    @property
    def flag(self) -> str:
        """``+5`` / ``-5`` when the gap is 5 points or more either way (as the reports
        highlight), else empty. Uses the computed gap, or the published one without values."""
        gap = self.gap_pp if self.gap_pp is not None else self.published_gap_pp
        if gap is None or abs(gap) < GAP_FLAG_PP - _EPS:
            return ""
        return f"+{GAP_FLAG_PP:g}" if gap > 0 else f"-{GAP_FLAG_PP:g}"


def survey_gaps(con: Connection, quarter: Quarter) -> list[Gap]:
    """Each group's gap to the force result (the dimension 'All' row of the same survey,
    window, area and measure), with the ±5 point flag."""
    rows = con.execute(
        """SELECT g.survey, g.window, g.area, g.measure, g.dimension, g."group", g.value,
                  f.value, g.gap, g.base, f.base
           FROM ret_surveys g
           LEFT JOIN ret_surveys f ON f.quarter = g.quarter AND f.survey = g.survey
                AND f.window IS NOT DISTINCT FROM g.window AND f.area IS NOT DISTINCT FROM g.area
                AND f.measure = g.measure AND f.dimension = 'All'
           WHERE g.quarter = ? AND g.dimension <> 'All'
           ORDER BY g.row_number""",
        [str(quarter)],
    ).fetchall()
    out = []
    for survey, window, area, measure, dim, group, value, force, gap, base, fbase in rows:
        computed = None if value is None or force is None else round(value - force, 10)
        out.append(
            Gap(survey, window, area, measure, dim, group, value, force, computed, gap, base, fbase)
        )
    return out


@dataclass(frozen=True)
class OutcomeChange:
    category: str
    change_outcomes: int | None
    published_change_outcomes: int | None
    change_pp: float | None
    published_change_pp: float | None

    @property
    def rates_agree(self) -> bool | None:
        """Rates printed to 0.1 pp: a change agrees within ±0.1 (±0.05 each), plus ±0.05 for
        the change's own rounding."""
        if self.change_pp is None or self.published_change_pp is None:
            return None
        return abs(self.change_pp - self.published_change_pp) <= 0.15 + _EPS


def outcome_changes(con: Connection, quarter: Quarter) -> list[OutcomeChange]:
    out = []
    for cat, a, b, ra, rb, pa, pr in con.execute(
        """SELECT category, previous_outcomes, current_outcomes, previous_rate, current_rate,
                  published_change_outcomes, published_change_pp
           FROM ret_outcomes WHERE quarter = ? ORDER BY row_number""",
        [str(quarter)],
    ).fetchall():
        out.append(OutcomeChange(
            cat, None if a is None or b is None else b - a, pa,
            None if ra is None or rb is None else round(rb - ra, 10), pr,
        ))  # fmt: skip
    return out
