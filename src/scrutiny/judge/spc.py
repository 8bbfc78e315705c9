"""Statistical process control: XmR charts as in NHS England's "Making Data Count".

The rules follow NHSRplotthedots, the reference implementation:

* limits are ``mean ± 2.66 × mean moving range``, computed per segment (rebasing);
* a point is *near* a limit when it is beyond two-thirds of the way from the mean to a limit
  but not outside it;
* four special-cause rules, each a small pure function returning signed per-point flags
  (``+1`` high / rising, ``-1`` low / falling, ``0`` not flagged);
* one precedence (:data:`RULE_PRECEDENCE`), and the measure's good direction applied last.

Missing values (``None`` or NaN) are kept in place: they have no side of the mean, so they
break runs, and moving ranges are only taken between neighbouring present values.

Examples
--------
>>> r = xmr([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 30], improvement="down")
>>> r.variation_icon.value
'concern_high'
>>> r.summary_text()
'Special cause of concern: the latest month is above the upper limit.'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise
from typing import Literal

import numpy as np

Direction = Literal["up", "down", "neutral"]

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FACTOR = LIMIT_FACTOR * 2 / 3
MR_SCREEN_FACTOR = 3.267
DEFAULT_RUN_LENGTH = 7
DEFAULT_MIN_POINTS = 12


class Rule(StrEnum):
    """The four special-cause rules."""

    OUTSIDE_LIMITS = "outside limits"
    TREND = "trend"
    TWO_OF_THREE = "two of three near a limit"
    SHIFT = "run on one side of the mean"


#: The first rule that flags a point decides its reading (order as NHSRplotthedots).
RULE_PRECEDENCE: tuple[Rule, ...] = (
    Rule.OUTSIDE_LIMITS,
    Rule.TREND,
    Rule.TWO_OF_THREE,
    Rule.SHIFT,
)


class Verdict(StrEnum):
    """Reading of one point once the good direction is applied."""

    COMMON_CAUSE = "common cause"
    IMPROVEMENT = "special cause improvement"
    CONCERN = "special cause concern"
    NEITHER = "special cause neither"


class VariationIcon(StrEnum):
    """Variation icon of the latest point."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEITHER_HIGH = "neither_high"
    NEITHER_LOW = "neither_low"


class AssuranceIcon(StrEnum):
    """Whether the process can be relied on to meet a target."""

    CONSISTENTLY_MEETS = "consistently_meets"
    CONSISTENTLY_FAILS = "consistently_fails"
    INCONSISTENT = "inconsistent"
    NONE = "none"


@dataclass(frozen=True)
class Limits:
    """Centre line and limits of one segment ``[start, stop)`` between rebases."""

    start: int
    stop: int
    n: int
    mean: float | None
    mean_moving_range: float | None
    lower: float | None
    upper: float | None
    near_lower: float | None
    near_upper: float | None


@dataclass(frozen=True)
class SpcPoint:
    """One point of an XmR chart with its limits, rule flags and verdict.

    ``side`` is ``+1`` (high/rising), ``-1`` (low/falling) or ``0`` for the winning rule.
    """

    index: int
    label: str | None
    value: float | None
    segment: int
    mean: float | None
    lower: float | None
    upper: float | None
    outside_limits: bool
    trend: bool
    two_of_three: bool
    shift: bool
    rule: Rule | None
    side: int
    verdict: Verdict

    @property
    def special_cause(self) -> bool:
        return self.rule is not None


# --- the building blocks -------------------------------------------------------------------


def _clean(values: Sequence[float | None]) -> list[float | None]:
    return [None if v is None or math.isnan(v) else float(v) for v in values]


def moving_ranges(values: Sequence[float | None]) -> list[float]:
    """Absolute differences between neighbouring present values (a gap breaks the pair)."""
    return [abs(b - a) for a, b in pairwise(values) if a is not None and b is not None]


def segment_limits(
    values: Sequence[float | None], *, start: int = 0, screen_outliers: bool = False
) -> Limits:
    """Mean and XmR limits of one segment.

    With ``screen_outliers`` moving ranges at or above 3.267 × their mean are dropped and the
    mean moving range recomputed (NHSRplotthedots keeps only ``mr < 3.267 × mMR``). A flat
    segment (mean moving range 0) is not screened, because that would drop every range.
    """
    present = [v for v in values if v is not None]
    stop = start + len(values)
    if not present:
        return Limits(start, stop, 0, None, None, None, None, None, None)
    mean = sum(present) / len(present)
    ranges = moving_ranges(values)
    if not ranges:
        return Limits(start, stop, len(present), mean, None, None, None, None, None)
    mmr = sum(ranges) / len(ranges)
    if screen_outliers and mmr > 0:
        kept = [r for r in ranges if r < MR_SCREEN_FACTOR * mmr]
        mmr = sum(kept) / len(kept)
    return Limits(
        start=start,
        stop=stop,
        n=len(present),
        mean=mean,
        mean_moving_range=mmr,
        lower=mean - LIMIT_FACTOR * mmr,
        upper=mean + LIMIT_FACTOR * mmr,
        near_lower=mean - NEAR_LIMIT_FACTOR * mmr,
        near_upper=mean + NEAR_LIMIT_FACTOR * mmr,
    )


def sides_of_mean(values: Sequence[float | None], mean: float | None) -> list[int]:
    """``+1`` above, ``-1`` below, ``0`` equal to the mean or missing.

    A point equal to the mean is on neither side, so it breaks a run (NHSRplotthedots).
    """
    if mean is None:
        return [0] * len(values)
    return [0 if v is None else (v > mean) - (v < mean) for v in values]


def outside_limits(values: Sequence[float | None], limits: Limits) -> list[int]:
    """Rule (a): ``+1`` above the upper limit, ``-1`` below the lower limit (strictly)."""
    if limits.lower is None or limits.upper is None:
        return [0] * len(values)
    lo, hi = limits.lower, limits.upper
    return [0 if v is None else (v > hi) - (v < lo) for v in values]


def near_limits(values: Sequence[float | None], limits: Limits) -> list[int]:
    """Beyond two-thirds of the way to a limit but not outside it: ``+1`` / ``-1`` / ``0``."""
    if limits.near_lower is None or limits.near_upper is None:
        return [0] * len(values)
    outside = outside_limits(values, limits)
    return [
        0 if v is None or out else (v > limits.near_upper) - (v < limits.near_lower)
        for v, out in zip(values, outside, strict=True)
    ]


def shift_run(sides: Sequence[int], length: int = DEFAULT_RUN_LENGTH) -> list[int]:
    """Rule (b): every point of a run of ``length`` or more on one side of the mean."""
    flags = [0] * len(sides)
    i = 0
    while i < len(sides):
        j = i
        while j + 1 < len(sides) and sides[j + 1] == sides[i]:
            j += 1
        if sides[i] != 0 and j - i + 1 >= length:
            flags[i : j + 1] = [sides[i]] * (j - i + 1)
        i = j + 1
    return flags


def trend_run(values: Sequence[float | None], length: int = DEFAULT_RUN_LENGTH) -> list[int]:
    """Rule (c): every point of ``length`` or more points each above (below) the one before.

    A tie or a gap breaks the run. A turning point shared by a rising and a falling run takes
    the later run's direction, as NHSRplotthedots does.
    """
    steps = [0] + [0 if a is None or b is None else (b > a) - (b < a) for a, b in pairwise(values)]
    flags = [0] * len(values)
    i = 1
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i]:
            j += 1
        # steps i..j join points i-1..j
        if steps[i] != 0 and j - i + 2 >= length:
            flags[i - 1 : j + 1] = [steps[i]] * (j - i + 2)
        i = j + 1
    return flags


def two_of_three(near: Sequence[int], sides: Sequence[int]) -> list[int]:
    """Rule (d): 2 of 3 consecutive points near a limit, all three on the same side.

    Only the near points of such a group are flagged, and points outside the limits do not
    count as near (both as NHSRplotthedots).
    """
    flags = [0] * len(near)
    for w in range(len(near) - 2):
        window = range(w, w + 3)
        same_side = sides[w] != 0 and all(sides[k] == sides[w] for k in window)
        if same_side and sum(1 for k in window if near[k] != 0) >= 2:
            for k in window:
                if near[k] != 0:
                    flags[k] = near[k]
    return flags


def first_rule(flags: Mapping[Rule, int]) -> tuple[Rule | None, int]:
    """The rule that decides a point, by :data:`RULE_PRECEDENCE`, and its side."""
    for rule in RULE_PRECEDENCE:
        if flags.get(rule, 0) != 0:
            return rule, flags[rule]
    return None, 0


def verdict_for(side: int, improvement: Direction) -> Verdict:
    """Apply the good direction to the side of a special cause (``0`` = common cause)."""
    if side == 0:
        return Verdict.COMMON_CAUSE
    if improvement == "neutral":
        return Verdict.NEITHER
    good = 1 if improvement == "up" else -1
    return Verdict.IMPROVEMENT if side == good else Verdict.CONCERN


# --- the chart -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart: points, segment limits, and the icons of the latest point."""

    points: tuple[SpcPoint, ...]
    segments: tuple[Limits, ...]
    improvement: Direction
    target: float | None
    min_points: int
    run_length: int

    @property
    def enough_points(self) -> bool:
        """Every segment has at least ``min_points`` values (fewer give trial limits)."""
        return bool(self.segments) and all(s.n >= self.min_points for s in self.segments)

    @property
    def latest(self) -> SpcPoint | None:
        """The last point that has a value and limits to judge it against."""
        for p in reversed(self.points):
            if p.value is not None and p.upper is not None:
                return p
        return None

    @property
    def variation_icon(self) -> VariationIcon | None:
        p = self.latest
        if p is None:
            return None
        if p.verdict is Verdict.COMMON_CAUSE:
            return VariationIcon.COMMON_CAUSE
        kind = {
            Verdict.IMPROVEMENT: "improvement",
            Verdict.CONCERN: "concern",
            Verdict.NEITHER: "neither",
        }[p.verdict]
        return VariationIcon(f"{kind}_{'high' if p.side > 0 else 'low'}")

    @property
    def assurance_icon(self) -> AssuranceIcon:
        """Target against the latest limits; none without a target or a good direction."""
        p = self.latest
        if self.target is None or self.improvement == "neutral" or p is None:
            return AssuranceIcon.NONE
        if p.lower is None or p.upper is None:  # never: latest always has limits
            return AssuranceIcon.NONE
        up = self.improvement == "up"
        if self.target > p.upper:
            return AssuranceIcon.CONSISTENTLY_FAILS if up else AssuranceIcon.CONSISTENTLY_MEETS
        if self.target < p.lower:
            return AssuranceIcon.CONSISTENTLY_MEETS if up else AssuranceIcon.CONSISTENTLY_FAILS
        return AssuranceIcon.INCONSISTENT

    def summary_text(self, period_noun: str = "month") -> str:
        """One plain-English sentence (or two, with a target) about the latest point."""
        p = self.latest
        if p is None:
            return "Not enough data to judge variation."
        latest = f"the latest {period_noun}" + (f" ({p.label})" if p.label else "")
        prefix = {
            Verdict.COMMON_CAUSE: "Common cause variation",
            Verdict.IMPROVEMENT: "Special cause of improvement",
            Verdict.CONCERN: "Special cause of concern",
            Verdict.NEITHER: "Special cause variation",
        }[p.verdict]
        high = p.side > 0
        reason = {
            None: "is within the limits",
            Rule.OUTSIDE_LIMITS: f"is {'above the upper' if high else 'below the lower'} limit",
            Rule.TREND: f"is part of a run of {self.run_length} or more "
            f"{'rising' if high else 'falling'} points",
            Rule.TWO_OF_THREE: "is one of 2 in 3 points close to the "
            f"{'upper' if high else 'lower'} limit",
            Rule.SHIFT: f"is part of a run of {self.run_length} or more points "
            f"{'above' if high else 'below'} the mean",
        }[p.rule]
        text = f"{prefix}: {latest} {reason}."
        assurance = {
            AssuranceIcon.CONSISTENTLY_MEETS: "The target ({t}) will consistently be met.",
            AssuranceIcon.CONSISTENTLY_FAILS: "The target ({t}) will consistently be missed.",
            AssuranceIcon.INCONSISTENT: "The target ({t}) will be met only some of the time.",
            AssuranceIcon.NONE: "",
        }[self.assurance_icon]
        if assurance:
            text += " " + assurance.format(t=f"{self.target:g}")
        if not self.enough_points:
            text += f" Limits rest on fewer than {self.min_points} points, so treat as provisional."
        return text


def _segment_starts(
    n: int, rebase_at: Sequence[int | str], labels: Sequence[str] | None
) -> list[int]:
    if n == 0:
        return []
    starts = {0}
    for r in rebase_at:
        if isinstance(r, str):
            if labels is None or r not in labels:
                raise ValueError(f"rebase label {r!r} is not one of the labels")
            r = list(labels).index(r)
        if not 0 <= r < n:
            raise ValueError(f"rebase index {r} is outside 0..{n - 1}")
        starts.add(r)
    return sorted(starts)


def xmr(
    values: Sequence[float | None],
    *,
    improvement: Direction = "neutral",
    target: float | None = None,
    rebase_at: Sequence[int | str] = (),
    screen_outliers: bool = False,
    labels: Sequence[str] | None = None,
    run_length: int = DEFAULT_RUN_LENGTH,
    min_points: int = DEFAULT_MIN_POINTS,
    floor: float | None = None,
) -> SpcResult:
    """Build an XmR chart and judge every point.

    Parameters
    ----------
    values
        The series in time order; ``None`` or NaN for a missing period.
    improvement
        Good direction of the measure: ``"up"``, ``"down"`` or ``"neutral"``.
    target
        Optional target for the assurance icon.
    rebase_at
        Indices (or labels) where a new period starts; limits and runs are per segment.
    screen_outliers
        Drop moving ranges ≥ 3.267 × mean moving range before computing limits.
    labels
        Period labels, one per value.
    run_length
        Points needed for a shift or a trend (7 in Making Data Count).
    min_points
        Segments with fewer values still get (trial) limits but ``enough_points`` is False.
    floor
        The lowest value the measure can take (0 for counts): a lower limit below it is drawn
        and judged at it, since no point can fall beyond it.
    """
    if improvement not in ("up", "down", "neutral"):
        raise ValueError(f"improvement must be 'up', 'down' or 'neutral', not {improvement!r}")
    if labels is not None and len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    if run_length < 2:
        raise ValueError("run_length must be at least 2")
    clean = _clean(values)
    n = len(clean)
    starts = _segment_starts(n, rebase_at, labels)
    points: list[SpcPoint] = []
    segments: list[Limits] = []
    stops = [*starts[1:], n] if starts else []
    for seg, (a, b) in enumerate(zip(starts, stops, strict=True)):
        part = clean[a:b]
        lim = segment_limits(part, start=a, screen_outliers=screen_outliers)
        if floor is not None and lim.lower is not None and lim.lower < floor:
            lim = replace(lim, lower=floor)
        segments.append(lim)
        sides = sides_of_mean(part, lim.mean)
        flags = {
            Rule.OUTSIDE_LIMITS: outside_limits(part, lim),
            Rule.TREND: trend_run(part, run_length),
            Rule.TWO_OF_THREE: two_of_three(near_limits(part, lim), sides),
            Rule.SHIFT: shift_run(sides, run_length),
        }
        for k, value in enumerate(part):
            rule, side = first_rule({r: f[k] for r, f in flags.items()})
            points.append(
                SpcPoint(
                    index=a + k,
                    label=labels[a + k] if labels is not None else None,
                    value=value,
                    segment=seg,
                    mean=lim.mean,
                    lower=lim.lower,
                    upper=lim.upper,
                    outside_limits=flags[Rule.OUTSIDE_LIMITS][k] != 0,
                    trend=flags[Rule.TREND][k] != 0,
                    two_of_three=flags[Rule.TWO_OF_THREE][k] != 0,
                    shift=flags[Rule.SHIFT][k] != 0,
                    rule=rule,
                    side=side,
                    verdict=verdict_for(side, improvement),
                )
            )
    return SpcResult(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        target=target,
        min_points=min_points,
        run_length=run_length,
    )


# --- many charts at once -------------------------------------------------------------------


@dataclass(frozen=True)
class XmrMany:
    """XmR charts of many series at once, one row each: per-point arrays with the meaning of
    the :class:`SpcPoint` fields of :func:`xmr` (NaN where it gives None; ``rule`` is the
    index of the deciding rule in :data:`RULE_PRECEDENCE`, ``-1`` for none)."""

    values: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rule: np.ndarray
    side: np.ndarray
    improvement: Direction

    def latest(self) -> np.ndarray:
        """Per row, the index of :attr:`SpcResult.latest` (the last point with a value and
        limits), ``-1`` for none."""
        judged = ~np.isnan(self.values) & ~np.isnan(self.upper)
        if judged.shape[1] == 0:
            return np.full(judged.shape[0], -1)
        last = judged.shape[1] - 1 - np.argmax(judged[:, ::-1], axis=1)
        return np.where(judged.any(axis=1), last, -1)

    def latest_verdicts(self) -> list[Verdict | None]:
        """Per row, the verdict of the latest point (None: not enough data)."""
        at = self.latest()
        sides = np.zeros(len(at), dtype=np.int8)
        if self.side.size:
            sides = self.side[np.arange(len(at)), np.maximum(at, 0)]
        # Index 0 no latest point, 1 + side + 1 its side (low, none, high).
        table = [None, *(verdict_for(side, self.improvement) for side in (-1, 0, 1))]
        codes = np.where(at < 0, 0, sides.astype(np.int64) + 2)
        return [table[c] for c in codes.tolist()]


def _signs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(a > b) - (a < b)`` elementwise, 0 where either is NaN."""
    return (a > b).astype(np.int8) - (a < b).astype(np.int8)


def _above_below(a: np.ndarray, high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """``(a > high) - (a < low)`` elementwise, 0 where any is NaN."""
    return (a > high).astype(np.int8) - (a < low).astype(np.int8)


def _run_lengths(new_run: np.ndarray) -> np.ndarray:
    """For each cell, the length of the run it belongs to (``new_run`` marks each run's first
    cell, and every row's first cell)."""
    ids = np.cumsum(new_run.ravel()) - 1
    return np.bincount(ids)[ids].reshape(new_run.shape)


def xmr_many(
    values: np.ndarray,
    starts: np.ndarray | None = None,
    *,
    improvement: Direction = "neutral",
    screen_outliers: bool = False,
    run_length: int = DEFAULT_RUN_LENGTH,
    floor: float | None = None,
) -> XmrMany:
    """:func:`xmr` of every row of ``values`` (series × periods, NaN for a missing period) in
    array operations: the same limits, flags and verdicts point for point (a test compares
    them), for the tens of thousands of series of a ward-level table.

    ``starts`` marks where a new segment begins (``rebase_at`` per row; the first column always
    begins one). Rows of different lengths are padded with NaN at the end: a missing period
    after the last value changes nothing before it.
    """
    if improvement not in ("up", "down", "neutral"):
        raise ValueError(f"improvement must be 'up', 'down' or 'neutral', not {improvement!r}")
    if run_length < 2:
        raise ValueError("run_length must be at least 2")
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-D array (series × periods), not {v.ndim}-D")
    n, t = v.shape
    begin = np.zeros((n, t), dtype=bool) if starts is None else np.array(starts, dtype=bool)
    if begin.shape != v.shape:
        raise ValueError(f"starts has shape {begin.shape}, values {v.shape}")
    if t:
        begin[:, 0] = True
    present = ~np.isnan(v)
    # Each (row, segment) is a group with a flat id; bincount adds in period order, as the sums
    # of segment_limits do, so the figures are the same to the last bit.
    group = (np.arange(n)[:, None] * t + np.cumsum(begin, axis=1) - 1).ravel()
    size = n * t

    def per_group(weights: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return np.bincount(ids, weights=weights, minlength=size)

    count = per_group(present.ravel().astype(float), group)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = per_group(np.where(present, v, 0.0).ravel(), group) / count
    # Moving ranges between neighbouring present values of the same segment.
    paired = present[:, 1:] & present[:, :-1] & ~begin[:, 1:]
    ranges = np.where(paired, np.abs(v[:, 1:] - v[:, :-1]), 0.0).ravel()
    paired = paired.ravel()
    range_group = group.reshape(n, t)[:, 1:].ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        mmr = per_group(ranges, range_group) / per_group(paired.astype(float), range_group)
        if screen_outliers:
            # As segment_limits: a flat segment (mean moving range 0) is not screened.
            screened = mmr[range_group]
            kept = paired & (~(screened > 0) | (ranges < MR_SCREEN_FACTOR * screened))
            mmr = per_group(np.where(kept, ranges, 0.0), range_group) / per_group(
                kept.astype(float), range_group
            )
    # Per point, with the arithmetic of segment_limits.
    m = mean[group].reshape(n, t)
    spread = mmr[group].reshape(n, t)
    lo, hi = m - LIMIT_FACTOR * spread, m + LIMIT_FACTOR * spread
    near_lower, near_upper = m - NEAR_LIMIT_FACTOR * spread, m + NEAR_LIMIT_FACTOR * spread
    if floor is not None:
        with np.errstate(invalid="ignore"):
            lo = np.where(lo < floor, floor, lo)
    sides = _signs(v, m)
    outside = _above_below(v, hi, lo)  # 0 where no limits (NaN)
    near = np.where(outside != 0, 0, _above_below(v, near_upper, near_lower))
    # Rule (b): runs of one side within a segment.
    new_side = begin.copy()
    new_side[:, 1:] |= sides[:, 1:] != sides[:, :-1]
    shift = np.where((sides != 0) & (_run_lengths(new_side) >= run_length), sides, 0)
    # Rule (c): runs of steps within a segment; a run of k steps joins k + 1 points, and the
    # point before a run's first step takes that (later) run's direction.
    steps = np.zeros((n, t), dtype=np.int8)
    steps[:, 1:] = _signs(v[:, 1:], v[:, :-1])
    steps[begin] = 0
    new_step = begin.copy()
    new_step[:, 1:] |= steps[:, 1:] != steps[:, :-1]
    long_enough = (steps != 0) & (_run_lengths(new_step) + 1 >= run_length)
    trend = np.where(long_enough, steps, 0)
    rows, cols = np.nonzero(long_enough & new_step)
    trend[rows, cols - 1] = steps[rows, cols]
    # Rule (d): windows of three in one segment, all on one side, two or more near a limit.
    two3 = np.zeros((n, t), dtype=np.int8)
    if t >= 3:
        s0, s1, s2 = sides[:, :-2], sides[:, 1:-1], sides[:, 2:]
        nears = (near[:, :-2] != 0).astype(int) + (near[:, 1:-1] != 0) + (near[:, 2:] != 0)
        one_segment = ~begin[:, 1:-1] & ~begin[:, 2:]
        window = one_segment & (s0 != 0) & (s0 == s1) & (s0 == s2) & (nears >= 2)
        covered = np.zeros((n, t), dtype=bool)
        covered[:, :-2] |= window
        covered[:, 1:-1] |= window
        covered[:, 2:] |= window
        two3 = np.where(covered, near, 0)
    rule = np.full((n, t), -1, dtype=np.int8)
    side = np.zeros((n, t), dtype=np.int8)
    flags = {
        Rule.OUTSIDE_LIMITS: outside,
        Rule.TREND: trend,
        Rule.TWO_OF_THREE: two3,
        Rule.SHIFT: shift,
    }
    for code in reversed(range(len(RULE_PRECEDENCE))):
        flagged = flags[RULE_PRECEDENCE[code]] != 0
        rule[flagged] = code
        side[flagged] = flags[RULE_PRECEDENCE[code]][flagged]
    return XmrMany(v, m, lo, hi, rule, side, improvement)
