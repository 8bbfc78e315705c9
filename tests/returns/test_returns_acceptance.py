"""The issue's acceptance checks, run on the returns shipped in the demo workspace."""

from __future__ import annotations

from scrutiny.config.periods import Quarter
from scrutiny.returns.derived import (
    CALL_ROUNDING_PP,
    call_point_changes,
    finance_variances,
    survey_gaps,
)
from scrutiny.returns.ratings import agreement, overrides, rate_returns, risk_trends
from scrutiny.store.warehouse import Warehouse

Q1_2324 = Quarter.parse("2023-24Q1")

#: Every row where the default rules and the published rating differ: (quarter, kind, priority,
#: ref or KPI start, published, computed). The list is the command's output, checked here.
EXPECTED_DISAGREEMENTS = {
    ("2021-22Q1", "indicators", "policing", "2", "G", "A"),  # 79% vs 80%
    ("2021-22Q1", "indicators", "policing", "4", "A", "R"),  # 87% vs 95%
    ("2021-22Q1", "indicators", "policing", "6", "A", "R"),  # gap 11 vs ±5 (Mixed)
    ("2021-22Q1", "milestones", "cjs", "1", "A", "R"),
    ("2021-22Q1", "milestones", "cjs", "4", "A", "R"),
    ("2021-22Q1", "milestones", "cjs", "5", "A", "R"),
    ("2021-22Q1", "milestones", "vawg", "1", "A", "R"),
    ("2021-22Q1", "milestones", "vawg", "2", "A", "R"),
    ("2021-22Q1", "milestones", "vawg", "3", "A", "R"),
    ("2021-22Q1", "milestones", "vawg", "4", "A", "R"),
    ("2021-22Q1", "milestones", "vawg", "5", "A", "R"),
    ("2023-24Q1", "services", "victims", "No. of counselling hours", "G", "A"),  # 4,713 of 4,860
    ("2023-24Q1", "milestones", "trust", "1", "R", "G"),
    ("2023-24Q1", "milestones", "trust", "4", "R", "G"),
    ("2023-24Q1", "milestones", "trust", "10", "A", "G"),
    ("2023-24Q1", "milestones", "victims", "10", "A", "G"),
}


def test_every_demo_return_loads(loaded: tuple[Warehouse, object]) -> None:
    _, report = loaded
    assert report.ok, "\n".join(str(f) for f in report.failures)  # type: ignore[attr-defined]
    kinds = {k for r in report.results for k in r.kinds}  # type: ignore[attr-defined]
    assert {
        "services",
        "indicators",
        "milestones",
        "risks",
        "issues",
        "objectives",
        "revenue",
        "capital",
        "office_finance",
        "reserves",
        "calls",
        "surveys",
        "outcomes",
        "decisions",
    } <= kinds


def test_ratings_agree_on_at_least_90_percent(
    loaded: tuple[Warehouse, object], plans: list
) -> None:
    wh, _ = loaded
    rows = rate_returns(wh.con, plans)
    result = agreement(rows)
    print(result.describe())
    # Seeds 000 and 001 together: 81 KPI rows and 85 milestone rows carry both ratings.
    assert (result.agree, result.total) == (150, 166)
    assert result.share >= 0.90


def test_every_disagreement_is_listed_with_both_ratings(
    loaded: tuple[Warehouse, object], plans: list
) -> None:
    wh, _ = loaded
    found = set()
    for r in overrides(rate_returns(wh.con, plans)):
        ref = r.ref if r.ref else r.title[:24]
        found.add((r.quarter, r.kind, r.priority, ref, r.published, r.computed))
        assert r.final == r.published  # the published rating is kept as an override
    assert found == EXPECTED_DISAGREEMENTS


def test_override_reason_comes_from_the_return(
    loaded: tuple[Warehouse, object], plans: list
) -> None:
    wh, _ = loaded
    by_ref = {(r.priority, r.ref): r for r in overrides(rate_returns(wh.con, plans, "2023-24Q1"))}
    assert "Body Worn Video" in by_ref[("trust", "4")].title
    assert "has not moved forward" in (by_ref[("trust", "4")].override_reason or "")
    assert by_ref[("trust", "10")].override_reason is None


def test_call_point_changes_within_rounding(loaded: tuple[Warehouse, object]) -> None:
    wh, _ = loaded
    changes = call_point_changes(wh.con, Q1_2324)
    assert len(changes) == 64  # 32 boroughs, I and S calls
    assert {c.call_type for c in changes} == {"I", "S"}
    worst = max(abs(c.difference or 0) for c in changes)
    print(
        f"largest gap between derived and published change: {worst:.2f} pp "
        f"(allowed {CALL_ROUNDING_PP})"
    )
    assert all(c.within_rounding for c in changes)
    hackney = next(c for c in changes if c.call_type == "I" and c.borough == "Hackney")
    assert (hackney.now, hackney.before, hackney.change_pp, hackney.published_pp) == (
        85,
        87,
        -2,
        -2.7,
    )


def test_finance_totals_pass_or_are_published_inconsistencies(
    loaded: tuple[Warehouse, object],
) -> None:
    wh, _ = loaded
    warnings = wh.con.execute(
        "SELECT file, row_number, column_name FROM ret_warnings ORDER BY ALL"
    ).fetchall()
    # The only failing checks are real inconsistencies of the published tables.
    assert warnings == [
        ("2023-24Q1-reserves.csv", 2, "transfers_variance"),  # total printed (11.3), is +11.3
        ("2023-24Q1-reserves.csv", 18, "forecast_transfers"),  # lines add to (182.1), not (182.3)
        ("2023-24Q1-reserves.csv", 18, "transfers_variance"),
        ("2023-24Q1-reserves.csv", 18, "transfers_variance"),
        ("2023-24Q1-reserves.csv", 20, "transfers_variance"),
        ("2023-24Q1-revenue.csv", 7, "full_year_variance"),  # staff overtime 40.5 - 24.7 ≠ 16.3
        (
            "2023-24Q1-revenue.csv",
            9,
            "original_budget",
        ),  # overtime budgets add to ≥ 162.4, not 161.9
    ]
    differs = [
        (v.statement, v.line) for v in finance_variances(wh.con, Q1_2324) if v.status == "differs"
    ]
    assert differs == [
        ("revenue", "Police Staff Overtime"),
        ("reserves", "Total Reserves"),
        ("reserves", "Subtotal Earmarked Reserves"),
        ("reserves", "Grand Total"),
    ]


def test_office_and_capital_tables_pass_every_check(loaded: tuple[Warehouse, object]) -> None:
    wh, _ = loaded
    files = {r[0] for r in wh.con.execute("SELECT DISTINCT file FROM ret_warnings").fetchall()}
    assert "2023-24Q1-office-finance.csv" not in files and "2023-24Q1-capital.csv" not in files
    total = wh.con.execute(
        """SELECT full_year_forecast FROM ret_capital
           WHERE financial_year = '2023/24' AND line = 'Total Capital Expenditure'"""
    ).fetchone()
    assert total == (307.3,)


def test_pcd_174_adds_up(loaded: tuple[Warehouse, object]) -> None:
    wh, _ = loaded
    rows = dict(
        wh.con.execute(
            """SELECT line_type, sum(amount) FROM ret_decisions
               WHERE reference = 'PCD 174' GROUP BY ALL"""
        ).fetchall()
    )
    assert rows == {"strand": 47_110_918, "source": 47_110_918}
    assert wh.con.execute(
        "SELECT count(*) FILTER (WHERE line_type = 'strand') FROM ret_decisions"
    ).fetchone() == (5,)
    total, threshold, day = wh.con.execute(
        "SELECT DISTINCT total, delegation_threshold, date FROM ret_decisions"
    ).fetchone()  # type: ignore[misc]
    assert (total, threshold, str(day)) == (47_110_918, 499_000, "2017-04-07")


def test_survey_gaps_flag_five_points(loaded: tuple[Warehouse, object]) -> None:
    wh, _ = loaded
    gaps = {(g.measure, g.group): g for g in survey_gaps(wh.con, Q1_2324)}
    assert gaps[("Trust MPS", "Mixed")].flag == "-5"
    assert gaps[("Good job", "White Other")].flag == "+5"
    assert gaps[("Good job", "45-54")].flag == "-5"  # exactly -5 is highlighted
    assert gaps[("Trust MPS", "White British")].flag == ""
    assert gaps[("Trust MPS", "Mixed")].force == 70


def test_risk_trends_need_history(loaded: tuple[Warehouse, object]) -> None:
    wh, _ = loaded
    trends = risk_trends(wh.con)
    assert len(trends) == 15
    assert all(t.computed is None and t.published for t in trends)  # one quarter: no history
