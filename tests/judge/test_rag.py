"""Table-driven tests of the RAG rules (design notes, "Conventions of the field")."""

from __future__ import annotations

import pytest

from scrutiny.config.periods import Quarter
from scrutiny.judge.rag import (
    Rag,
    RatingRules,
    Trend,
    parse_rag,
    parse_trend,
    quarters_between,
    rate_band,
    rate_count,
    rate_kpi,
    rate_milestone,
    rate_percentage,
    risk_trend,
)

Q = Quarter.parse


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (28, 25, "G"),  # above target
        (85, 85, "G"),  # exactly on target
        (84.9, 85, "A"),
        (80, 85, "A"),  # exactly 5 pp short: still Amber
        (79.9, 85, "R"),
        (57, 85, "R"),
        (0.1 + 0.2, 0.3, "G"),  # float noise does not miss a target
    ],
)
def test_percentage_points_from_target(value: float, target: float, expected: str) -> None:
    assert rate_percentage(value, target).letter == expected


@pytest.mark.parametrize(
    ("value", "target", "higher", "expected"),
    [(10, 12, False, "G"), (17, 12, False, "A"), (17.1, 12, False, "R")],
)
def test_percentage_lower_is_better(
    value: float, target: float, higher: bool, expected: str
) -> None:
    assert rate_percentage(value, target, higher_is_better=higher).letter == expected


@pytest.mark.parametrize(
    ("value", "annual", "fraction", "expected"),
    [
        (751, 2900, 0.25, "G"),  # 751 against 725
        (725, 2900, 0.25, "G"),  # exactly pro rata
        (61, 250, 0.25, "A"),  # 61 of 62.5 = 98%
        (765, 3500, 0.25, "A"),  # 765 of 875 = 87%
        (744, 3500, 0.25, "A"),  # 85.03%: at the Amber floor
        (743, 3500, 0.25, "R"),  # 84.9%
        (353, 2000, 0.25, "R"),
        (0, 95, 0.25, "R"),
        (1200, 2000, 0.5, "G"),  # Q2: half the year
        (0, 0, 0.25, "G"),  # nothing expected
    ],
)
def test_count_against_pro_rata_target(
    value: float, annual: float, fraction: float, expected: str
) -> None:
    assert rate_count(value, annual, fraction).letter == expected


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [(120, 137, "G"), (158, 137, "A"), (162, 137, "R")],  # days: lower is better
)
def test_level_lower_is_better(value: float, target: float, expected: str) -> None:
    assert rate_count(value, target, 1.0, higher_is_better=False).letter == expected


@pytest.mark.parametrize(
    ("gap", "band", "expected"),
    [(-2, 5, "G"), (5, 5, "G"), (-6, 5, "A"), (10, 5, "A"), (11, 5, "R"), (-10.5, 5, "R")],
)
def test_band_targets(gap: float, band: float, expected: str) -> None:
    assert rate_band(gap, band).letter == expected


@pytest.mark.parametrize(
    ("baseline", "forecast", "current", "complete", "expected"),
    [
        ("2023-24Q2", None, "2023-24Q1", False, "G"),  # due later, not moved
        ("2023-24Q1", None, "2023-24Q1", False, "G"),  # due this quarter
        ("2022-23Q4", "2023-24Q1", "2023-24Q1", False, "A"),  # slipped 1
        ("2022-23Q4", "2023-24Q2", "2023-24Q1", False, "A"),  # slipped 2
        ("2022-23Q4", "2023-24Q3", "2023-24Q1", False, "R"),  # slipped 3
        ("2022-23Q4", "2023-24Q4", "2023-24Q1", False, "R"),  # slipped 4
        ("2023-24Q3", "2023-24Q2", "2023-24Q1", False, "G"),  # brought forward
        ("2022-23Q4", None, "2023-24Q1", False, "A"),  # overdue by one, no forecast
        ("2022-23Q2", None, "2023-24Q1", False, "R"),  # overdue by three
        ("2023-24Q1", None, "2023-24Q1", True, "CG"),  # complete on time
        ("2022-23Q4", "2023-24Q1", "2023-24Q1", True, "CA"),  # complete late
    ],
)
def test_milestones(
    baseline: str, forecast: str | None, current: str, complete: bool, expected: str
) -> None:
    rating = rate_milestone(Q(baseline), Q(forecast) if forecast else None, Q(current), complete)
    assert rating.letter == expected


def test_thresholds_are_configurable() -> None:
    strict = RatingRules(
        pct_amber_pp=2, count_amber_ratio=0.95, milestone_amber_quarters=1, band_amber_pp=1
    )
    assert rate_percentage(82, 85, strict).letter == "R"
    assert rate_count(61, 250, 0.25, strict).letter == "A"
    assert rate_count(765, 3500, 0.25, strict).letter == "R"
    assert rate_band(-6.5, 5, strict).letter == "R"
    rating = rate_milestone(Q("2022-23Q4"), Q("2023-24Q2"), Q("2023-24Q1"), rules=strict)
    assert rating.letter == "R"


@pytest.mark.parametrize(
    ("unit", "value", "target", "expected"),
    [
        ("%", 64, 70, "R"),
        ("count", 115, 300, "G"),
        ("days", 158, 137, "A"),
        ("gap", -6, 5, "A"),
        ("%", None, 90, None),  # no figure: nothing to rate
        ("count", 88, None, None),  # no target
    ],
)
def test_kpi_dispatch(
    unit: str, value: float | None, target: float | None, expected: str | None
) -> None:
    rating = rate_kpi(unit, value, target, 0.25)
    assert (rating.letter if rating else None) == expected


def test_kpi_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit"):
        rate_kpi("furlongs", 1, 1, 0.25)


def test_rating_always_has_letter_and_word() -> None:
    for rag in Rag:
        assert rag.value in rag.label and rag.word in rag.label
    assert rate_percentage(80, 85).label == "A (Amber)"
    assert "pp short" in rate_percentage(80, 85).reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G", Rag.GREEN),
        (" a ", Rag.AMBER),
        ("Red", Rag.RED),
        ("CG", Rag.COMPLETE_GREEN),
        ("ca", Rag.COMPLETE_AMBER),
    ],
)
def test_parse_rag(text: str, expected: Rag) -> None:
    assert parse_rag(text) == expected


@pytest.mark.parametrize("text", ["X", "", "Α", "GA", "amber-ish"])  # "Α" is a Greek capital alpha
def test_parse_rag_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rag(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("↑", Trend.UP),
        ("⬆", Trend.UP),
        ("→", Trend.SAME),
        ("➡", Trend.SAME),
        ("↓", Trend.DOWN),
        ("down", Trend.DOWN),
    ],
)
def test_parse_trend(text: str, expected: Trend) -> None:
    assert parse_trend(text) == expected


@pytest.mark.parametrize(
    ("score", "previous", "expected"),
    [(12, 8, Trend.UP), (8, 8, Trend.SAME), (6, 12, Trend.DOWN), (12, None, None)],
)
def test_risk_trend(score: int, previous: int | None, expected: Trend | None) -> None:
    assert risk_trend(score, previous) == expected


def test_quarters_between() -> None:
    assert quarters_between(Q("2020-21Q4"), Q("2021-22Q3")) == 3
    assert quarters_between(Q("2023-24Q2"), Q("2023-24Q1")) == -1
