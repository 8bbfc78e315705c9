"""Check the significance wrappers against closed formulas and scipy, case by case."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from scrutiny.judge.significance import (
    GapStatus,
    Interval,
    newcombe_interval,
    rate_ratio,
    survey_gap,
    wilson_interval,
)

Z95 = stats.norm.ppf(0.975)

# (count_now, count_before, exposure_now, exposure_before)
RATE_CASES = [
    pytest.param(1220, 1000, 1.0, 1.0, id="tfp-plus-22pc"),
    pytest.param(990, 1000, 1.0, 1.0, id="minus-1pc"),
    pytest.param(30, 21, 1.0, 1.0, id="small-counts"),
    pytest.param(5, 12, 1.0, 1.0, id="tiny-counts"),
    pytest.param(310, 1100, 3.0, 12.0, id="quarter-vs-year"),
    pytest.param(4500, 4400, 92.0, 91.0, id="unequal-days"),
]


def score_z(y1: int, y0: int, e1: float, e0: float, ratio: float = 1.0) -> float:
    """Score statistic for H0: rate1/rate0 = ratio, conditional-variance form."""
    k = ratio * e1 / e0
    return (y1 - y0 * k) / math.sqrt((y1 + y0) * k)


@pytest.mark.parametrize(("y1", "y0", "e1", "e0"), RATE_CASES)
def test_score_p_value_matches_closed_formula(y1: int, y0: int, e1: float, e0: float) -> None:
    r = rate_ratio(y1, y0, exposure_now=e1, exposure_before=e0)
    assert r.method == "score"
    assert r.ratio == pytest.approx((y1 / e1) / (y0 / e0))
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(score_z(y1, y0, e1, e0))))
    assert r.significant is (r.p_value is not None and r.p_value < 0.05)


@pytest.mark.parametrize(("y1", "y0", "e1", "e0"), RATE_CASES)
def test_score_interval_inverts_the_score_test(y1: int, y0: int, e1: float, e0: float) -> None:
    r = rate_ratio(y1, y0, exposure_now=e1, exposure_before=e0)
    assert r.interval is not None and r.ratio is not None
    assert r.interval.low < r.ratio < r.interval.high
    # at each end of a 95% interval the test of that ratio sits exactly at |z| = 1.96
    for bound in r.interval:
        assert abs(score_z(y1, y0, e1, e0, bound)) == pytest.approx(Z95, rel=1e-4)
    # so p-value and interval never disagree
    assert r.significant is (not r.interval.contains(1.0))


@pytest.mark.parametrize(("y1", "y0", "e1", "e0"), RATE_CASES)
def test_score_interval_is_the_exact_root_and_agrees_with_statsmodels(
    y1: int, y0: int, e1: float, e0: float
) -> None:
    """The closed-form interval solves z(R) = ±1.96 to rounding error, and statsmodels'
    numerical inversion (a Nelder-Mead search) lands within its own tolerance of it."""
    from statsmodels.stats.rates import confint_poisson_2indep

    r = rate_ratio(y1, y0, exposure_now=e1, exposure_before=e0)
    assert r.interval is not None
    low, high = r.interval
    assert score_z(y1, y0, e1, e0, low) == pytest.approx(Z95, rel=1e-9)
    assert score_z(y1, y0, e1, e0, high) == pytest.approx(-Z95, rel=1e-9)
    found = confint_poisson_2indep(y1, e1, y0, e0, method="score", compare="ratio")
    assert (low, high) == pytest.approx(tuple(float(x) for x in found), rel=1e-5)


@pytest.mark.parametrize(("y1", "y0", "e1", "e0"), RATE_CASES)
def test_exact_conditional_matches_scipy_binomtest(y1: int, y0: int, e1: float, e0: float) -> None:
    r = rate_ratio(y1, y0, exposure_now=e1, exposure_before=e0, method="exact-cond")
    test = stats.binomtest(y1, y1 + y0, e1 / (e1 + e0))
    assert r.p_value == pytest.approx(test.pvalue)
    ci = test.proportion_ci(confidence_level=0.95, method="exact")
    assert r.interval is not None
    assert r.interval.low == pytest.approx(ci.low / (1 - ci.low) * e0 / e1)
    assert r.interval.high == pytest.approx(ci.high / (1 - ci.high) * e0 / e1)


@pytest.mark.parametrize(
    ("y1", "y0", "significant"),
    [
        pytest.param(1220, 1000, True, id="plus-22pc-on-thousands"),
        pytest.param(990, 1000, False, id="minus-1pc"),
        pytest.param(12, 10, False, id="plus-20pc-on-tens"),
    ],
)
def test_significance_depends_on_size_of_counts(y1: int, y0: int, significant: bool) -> None:
    assert rate_ratio(y1, y0).significant is significant


@pytest.mark.parametrize(
    ("y1", "y0", "ratio", "low", "high"),
    [
        pytest.param(10, 0, math.inf, None, math.inf, id="from-zero"),
        pytest.param(0, 10, 0.0, 0.0, None, id="to-zero"),
    ],
)
def test_zero_count_falls_back_to_exact(
    y1: int, y0: int, ratio: float, low: float | None, high: float | None
) -> None:
    r = rate_ratio(y1, y0)
    assert r.method == "exact-cond"
    assert r.ratio == ratio
    assert r.interval is not None
    if low is not None:
        assert r.interval.low == low
    if high is not None:
        assert r.interval.high == high
    assert r.p_value == pytest.approx(stats.binomtest(y1, y1 + y0, 0.5).pvalue)
    assert r.significant


def test_no_events_is_not_testable() -> None:
    r = rate_ratio(0, 0)
    assert (r.ratio, r.interval, r.p_value, r.pct_change) == (None, None, None, None)
    assert not r.significant


def test_pct_change_and_caveat() -> None:
    r = rate_ratio(1220, 1000)
    assert r.pct_change == pytest.approx(22.0)
    assert r.pct_change_interval is not None and r.pct_change_interval.low > 0
    assert "overdispersion" in r.caveat and "screen" in r.caveat


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"count_now": -1, "count_before": 3}, id="negative"),
        pytest.param({"count_now": 2.5, "count_before": 3}, id="fractional"),
        pytest.param({"count_now": 2, "count_before": 3, "exposure_now": 0}, id="zero-exposure"),
    ],
)
def test_rate_ratio_rejects_bad_input(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        rate_ratio(**kwargs)  # type: ignore[arg-type]


# --- surveys ---------------------------------------------------------------------------------


def wilson(pct: float, n: float) -> tuple[float, float]:
    """Wilson score interval from its closed formula, in per cent."""
    p, z = pct / 100, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) * 100, (centre + half) * 100


SURVEY_CASES = [
    pytest.param(56.0, 1000, id="56pc-of-1000"),
    pytest.param(49.0, 120, id="49pc-of-120"),
    pytest.param(0.0, 50, id="zero"),
    pytest.param(100.0, 50, id="all"),
    pytest.param(87.5, 8, id="tiny-base"),
]


@pytest.mark.parametrize(("pct", "base"), SURVEY_CASES)
def test_wilson_matches_closed_formula(pct: float, base: float) -> None:
    low, high = wilson(pct, base)
    got = wilson_interval(pct, base)
    assert got.low == pytest.approx(low, abs=1e-9)
    assert got.high == pytest.approx(high, abs=1e-9)
    assert 0 <= got.low <= pct <= got.high <= 100


@pytest.mark.parametrize(
    ("p1", "n1", "p2", "n2"),
    [
        pytest.param(56.0, 400, 51.0, 10000, id="group-above"),
        pytest.param(40.0, 90, 51.0, 10000, id="group-below"),
        pytest.param(0.0, 30, 5.0, 300, id="zero-group"),
        pytest.param(100.0, 25, 90.0, 2000, id="all-group"),
    ],
)
def test_newcombe_matches_closed_formula(p1: float, n1: float, p2: float, n2: float) -> None:
    l1, u1 = wilson(p1, n1)
    l2, u2 = wilson(p2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    got = newcombe_interval(p1, n1, p2, n2)
    assert got == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize(
    ("group", "force", "group_base", "force_base", "status"),
    [
        pytest.param(56, 51, None, None, GapStatus.NOT_TESTABLE, id="no-bases"),
        pytest.param(70, 51, 500, None, GapStatus.NOT_TESTABLE, id="one-base-missing"),
        pytest.param(56, 51, 1000, 10000, GapStatus.SIGNIFICANT_GAP, id="exactly-5pp"),
        pytest.param(45, 51, 1000, 10000, GapStatus.SIGNIFICANT_GAP, id="negative-gap"),
        pytest.param(56, 51, 100, 10000, GapStatus.NOT_SIGNIFICANT, id="small-group"),
        pytest.param(54, 51, 3000, 10000, GapStatus.BELOW_THRESHOLD, id="significant-but-small"),
        pytest.param(52, 51, 100, 10000, GapStatus.NOT_SIGNIFICANT, id="small-and-noisy"),
    ],
)
def test_survey_gap_status(
    group: float,
    force: float,
    group_base: float | None,
    force_base: float | None,
    status: GapStatus,
) -> None:
    g = survey_gap(group, force, group_base, force_base)
    assert g.status is status
    assert g.gap_pp == pytest.approx(group - force)
    assert g.flagged is (status is GapStatus.SIGNIFICANT_GAP)
    assert (g.interval is None) is (status is GapStatus.NOT_TESTABLE)


def test_survey_gap_threshold_is_configurable() -> None:
    g = survey_gap(54, 51, 3000, 10000, threshold_pp=3.0)
    assert g.status is GapStatus.SIGNIFICANT_GAP


def test_survey_gap_interval_is_newcombe() -> None:
    g = survey_gap(56, 51, 1000, 10000)
    assert g.interval == newcombe_interval(56, 1000, 51, 10000)
    assert isinstance(g.interval, Interval)


@pytest.mark.parametrize(
    ("pct", "base"),
    [pytest.param(101, 10, id="over-100"), pytest.param(50, 0, id="zero-base")],
)
def test_survey_rejects_bad_input(pct: float, base: float) -> None:
    with pytest.raises(ValueError):
        wilson_interval(pct, base)


def test_many_tests_at_once_agree_with_one_at_a_time() -> None:
    """significant_many is rate_ratio's verdict for equal windows: the score test, the exact
    test where a count is zero, False where both are, None where a count is missing."""
    from scrutiny.judge.significance import significant_many

    pairs = [(a, b) for a in (*range(0, 40), 98, 120, 1001, 5000) for b in range(0, 45, 3)]
    pairs += [(10000, 9800), (345, 300), (5000, 5300), (3553, 3494), (None, 4), (7, None)]
    found = significant_many([a for a, _ in pairs], [b for _, b in pairs])
    for (a, b), verdict in zip(pairs, found, strict=True):
        if a is None or b is None:
            assert verdict is None
        else:
            assert verdict is rate_ratio(a, b, interval=False).significant, (a, b)
    assert True in found and False in found
