"""Is a change real? Rate ratios for counts, Wilson and Newcombe intervals for surveys.

All functions are pure wrappers around statsmodels that return small dataclasses with the
numbers a report needs and a plain-English caveat.

Examples
--------
>>> r = rate_ratio(1220, 1000)
>>> round(r.pct_change), r.significant
(22, True)
>>> survey_gap(56, 51).status.value
'not testable'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import test_poisson_2indep

RateMethod = Literal["score", "exact-cond"]

OVERDISPERSION_CAVEAT = (
    "Recorded crime counts vary more than a Poisson model assumes (overdispersion), so this "
    "interval is too narrow and the p-value too small: treat it as a screen, not proof."
)
SURVEY_CAVEAT = (
    "The group is part of the force sample, so the two results are not independent; the "
    "Newcombe interval assumes they are, which makes it wider (more cautious) than needed."
)


class Interval(NamedTuple):
    """A confidence interval (in the units of the estimate it belongs to)."""

    low: float
    high: float

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high


@dataclass(frozen=True)
class RateRatio:
    """Change in a count between two windows: ``rate_now / rate_before``.

    ``ratio``, ``interval`` and ``p_value`` are None when neither window has any events.
    """

    count_now: int
    count_before: int
    exposure_now: float
    exposure_before: float
    ratio: float | None
    interval: Interval | None
    p_value: float | None
    alpha: float
    method: RateMethod
    caveat: str = OVERDISPERSION_CAVEAT

    @property
    def pct_change(self) -> float | None:
        """Change in the rate in per cent (``inf`` from a zero base)."""
        return None if self.ratio is None else (self.ratio - 1) * 100

    @property
    def pct_change_interval(self) -> Interval | None:
        if self.interval is None:
            return None
        return Interval((self.interval.low - 1) * 100, (self.interval.high - 1) * 100)

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha


def _count(x: float, name: str) -> int:
    if x < 0 or x != int(x):
        raise ValueError(f"{name} must be a whole number of events ≥ 0, not {x!r}")
    return int(x)


def rate_ratio(
    count_now: float,
    count_before: float,
    *,
    exposure_now: float = 1.0,
    exposure_before: float = 1.0,
    method: RateMethod = "score",
    alpha: float = 0.05,
    interval: bool = True,
) -> RateRatio:
    """Poisson rate ratio of two windows, with a two-sided test of "no change" and a CI.

    Parameters
    ----------
    count_now, count_before
        Events in the current and the comparison window.
    exposure_now, exposure_before
        Length of each window (months, days, population); only their ratio matters.
    method
        ``"score"`` (default): score test and the score interval that inverts it, so the
        p-value and the interval never disagree. ``"exact-cond"``: exact test conditional on
        the total (binomial) with a Clopper-Pearson interval; used automatically when either
        count is zero, where the score interval breaks down.
    alpha
        1 − confidence level.
    interval
        False skips the confidence interval; the test, and so ``significant``, is the same.
    """
    y1, y0 = _count(count_now, "count_now"), _count(count_before, "count_before")
    if exposure_now <= 0 or exposure_before <= 0:
        raise ValueError("exposures must be positive")
    if y1 + y0 == 0:
        return RateRatio(y1, y0, exposure_now, exposure_before, None, None, None, alpha, method)
    if y1 == 0 or y0 == 0:
        method = "exact-cond"
    ratio = (y1 / exposure_now) / y0 * exposure_before if y0 else float("inf")
    # statsmodels divides by a zero rate on the way; the exact test itself is fine there
    with np.errstate(divide="ignore", invalid="ignore"):
        test = test_poisson_2indep(y1, exposure_now, y0, exposure_before, method=method)
    p = float(test.pvalue)
    if not interval:
        return RateRatio(y1, y0, exposure_now, exposure_before, ratio, None, p, alpha, method)
    if method == "score":
        found = _score_interval(y1, exposure_now, y0, exposure_before, alpha)
    else:
        # Conditional on the total, y1 ~ Binomial(n, π) with π = R·e1 / (R·e1 + e0).
        plo, phi = proportion_confint(y1, y1 + y0, alpha=alpha, method="beta")
        scale = exposure_before / exposure_now

        def to_ratio(q: float) -> float:
            return float("inf") if q >= 1 else q / (1 - q) * scale

        found = Interval(to_ratio(float(plo)), to_ratio(float(phi)))
    return RateRatio(y1, y0, exposure_now, exposure_before, ratio, found, p, alpha, method)


def _score_interval(y1: int, e1: float, y0: int, e0: float, alpha: float) -> Interval:
    """The ratios R at which the score test of :func:`rate_ratio` sits exactly at p = alpha.

    The test is z(R) = (y1 − y0·u) / √((y1 + y0)·u) with u = R·e1/e0, so z(R)² = z² is the
    quadratic y0²·u² − (2·y1·y0 + z²·(y1 + y0))·u + y1² = 0: its two roots in closed form are
    the interval statsmodels' ``confint_poisson_2indep(method="score", compare="ratio")`` finds
    by a numerical search (~8 ms a pair; a test compares the two). Both counts are positive."""
    z2 = float(ndtri(1 - alpha / 2)) ** 2
    b = 2.0 * y1 * y0 + z2 * (y1 + y0)
    high = (b + math.sqrt(b * b - 4.0 * y1 * y1 * y0 * y0)) / (2.0 * y0 * y0)
    low = (y1 * y1) / (y0 * y0) / high  # the roots' product, without cancellation
    scale = e0 / e1
    return Interval(low * scale, high * scale)


def _check_pct(pct: float, base: float, name: str) -> None:
    if not 0 <= pct <= 100:
        raise ValueError(f"{name} must be a percentage between 0 and 100, not {pct!r}")
    if base <= 0:
        raise ValueError(f"{name} base must be positive, not {base!r}")


def wilson_interval(pct: float, base: float, *, alpha: float = 0.05) -> Interval:
    """Wilson score interval, in per cent, for a survey result of ``pct`` % of ``base``."""
    _check_pct(pct, base, "pct")
    lo, hi = proportion_confint(pct / 100 * base, base, alpha=alpha, method="wilson")
    return Interval(float(lo) * 100, float(hi) * 100)


def newcombe_interval(
    pct1: float, base1: float, pct2: float, base2: float, *, alpha: float = 0.05
) -> Interval:
    """Newcombe hybrid score interval (method 10), in pp, for ``pct1 − pct2``."""
    _check_pct(pct1, base1, "pct1")
    _check_pct(pct2, base2, "pct2")
    lo, hi = confint_proportions_2indep(
        pct1 / 100 * base1,
        base1,
        pct2 / 100 * base2,
        base2,
        method="newcomb",
        compare="diff",
        alpha=alpha,
    )
    return Interval(float(lo) * 100, float(hi) * 100)


class GapStatus(StrEnum):
    """How a survey gap (group minus force) should be read."""

    SIGNIFICANT_GAP = "significant gap"
    BELOW_THRESHOLD = "gap below threshold"
    NOT_SIGNIFICANT = "not significant"
    NOT_TESTABLE = "not testable"


@dataclass(frozen=True)
class SurveyGap:
    """Group result minus force result, in percentage points."""

    gap_pp: float
    interval: Interval | None
    status: GapStatus
    threshold_pp: float
    caveat: str = SURVEY_CAVEAT

    @property
    def flagged(self) -> bool:
        """Highlight in a report: both at least the threshold and significant."""
        return self.status is GapStatus.SIGNIFICANT_GAP


def survey_gap(
    group_pct: float,
    force_pct: float,
    group_base: float | None = None,
    force_base: float | None = None,
    *,
    threshold_pp: float = 5.0,
    alpha: float = 0.05,
) -> SurveyGap:
    """Judge a survey gap: flagged only when ``|gap| ≥ threshold_pp`` and significant.

    Without both bases nothing can be tested, and the status says so rather than guessing.
    A significant gap smaller than the threshold is ``"gap below threshold"``.
    """
    gap = float(group_pct - force_pct)
    if group_base is None or force_base is None:
        return SurveyGap(gap, None, GapStatus.NOT_TESTABLE, threshold_pp)
    interval = newcombe_interval(group_pct, group_base, force_pct, force_base, alpha=alpha)
    if interval.contains(0.0):
        status = GapStatus.NOT_SIGNIFICANT
    # a tolerance so that 56 − 51 counts as a 5 pp gap despite binary floating point
    elif abs(gap) < threshold_pp - 1e-9:
        status = GapStatus.BELOW_THRESHOLD
    else:
        status = GapStatus.SIGNIFICANT_GAP
    return SurveyGap(gap, interval, status, threshold_pp)


def significant_many(
    now: Sequence[int | None], before: Sequence[int | None], alpha: float = 0.05
) -> list[bool | None]:
    """:attr:`RateRatio.significant` of :func:`rate_ratio` for many pairs of counts over windows
    of equal length, at once (a site ranking every area in every quarter makes a million tests;
    one at a time through statsmodels they take minutes).

    With equal exposures the score test is z = (y1 − y0) / √(y1 + y0), and the exact conditional
    test used when one count is zero gives p = min(1, 2 · 0.5ⁿ); a test checks both against
    :func:`rate_ratio`. None where a count is missing; False where both are zero (no change)."""
    y1 = np.array([-1 if v is None else v for v in now], dtype=float)
    y0 = np.array([-1 if v is None else v for v in before], dtype=float)
    total = y1 + y0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(y1 - y0) / np.sqrt(total)
        p_score = 2 * ndtr(-z)
        p_exact = np.minimum(1.0, 2 * np.power(0.5, total))
    p = np.where((y1 > 0) & (y0 > 0), p_score, p_exact)
    found: list[bool | None] = []
    for a, b, pv in zip(y1.tolist(), y0.tolist(), p.tolist(), strict=True):
        if a < 0 or b < 0:
            found.append(None)
        else:
            found.append(bool(a + b > 0 and pv < alpha))
    return found
