"""Compare the XmR module with a naive reference written here from the rule text.

The reference deliberately shares no code or structure with ``scrutiny.judge.spc``: it
checks every sliding window that could contain a point instead of finding runs.

Rule text (Making Data Count, as NHSRplotthedots reads it):

* limits: mean ± 2.66 × mean of the moving ranges between neighbouring present values,
  per segment; optionally drop moving ranges ≥ 3.267 × their mean first;
* (a) a point strictly above the upper or below the lower limit;
* (b) a point in 7 consecutive points all strictly above (or all strictly below) the mean;
* (c) a point in 7 consecutive points each strictly above (below) the one before;
* (d) a point strictly beyond 2/3 of the way to a limit (and not outside it) in 3
  consecutive points that are all on the same side of the mean, at least 2 of them near;
* precedence (a), (c), (d), (b); improvement or concern by the good direction.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from scrutiny.judge.spc import Direction, Verdict, xmr

Series = Sequence[float | None]


@dataclass
class RefPoint:
    mean: float | None
    lower: float | None
    upper: float | None
    outside: bool
    trend: bool
    two_of_three: bool
    shift: bool
    side: int
    verdict: Verdict


def reference(
    values: Series,
    improvement: Direction = "neutral",
    rebase_at: tuple[int, ...] = (),
    screen: bool = False,
    run: int = 7,
) -> list[RefPoint]:
    starts = sorted({0, *rebase_at})
    ends = [*starts[1:], len(values)]
    result: list[RefPoint] = []
    for start, end in zip(starts, ends, strict=True):
        result += reference_segment(values[start:end], improvement, screen, run)
    return result


def reference_segment(seg: Series, improvement: str, screen: bool, run: int) -> list[RefPoint]:
    present = [v for v in seg if v is not None]
    mean = sum(present) / len(present) if present else None
    mrs = []
    for i in range(1, len(seg)):
        a, b = seg[i - 1], seg[i]
        if a is not None and b is not None:
            mrs.append(abs(b - a))
    lower = upper = near_lo = near_hi = None
    if mrs and mean is not None:
        amr = sum(mrs) / len(mrs)
        if screen and amr > 0:
            mrs = [m for m in mrs if m < 3.267 * amr]
            amr = sum(mrs) / len(mrs)
        lower, upper = mean - 2.66 * amr, mean + 2.66 * amr
        near_lo, near_hi = mean - 2 / 3 * (2.66 * amr), mean + 2 / 3 * (2.66 * amr)

    def above(i: int) -> bool:
        v = seg[i]
        return v is not None and mean is not None and v > mean

    def below(i: int) -> bool:
        v = seg[i]
        return v is not None and mean is not None and v < mean

    def near(i: int) -> bool:
        v = seg[i]
        if v is None or None in (near_lo, near_hi, lower, upper):
            return False
        return near_hi < v <= upper or lower <= v < near_lo  # type: ignore[operator]

    def rising(i: int) -> bool:  # seg[i] strictly above seg[i-1]
        a, b = seg[i - 1], seg[i]
        return a is not None and b is not None and b > a

    def falling(i: int) -> bool:
        a, b = seg[i - 1], seg[i]
        return a is not None and b is not None and b < a

    result: list[RefPoint] = []
    n = len(seg)
    for i in range(n):
        v = seg[i]
        out_hi = v is not None and upper is not None and v > upper
        out_lo = v is not None and lower is not None and v < lower
        shift_side = 0
        trend_side = 0
        for w in range(max(0, i - run + 1), min(i, n - run) + 1):
            window = range(w, w + run)
            if all(above(k) for k in window):
                shift_side = 1
            if all(below(k) for k in window):
                shift_side = -1
            steps = range(w + 1, w + run)
            if all(rising(k) for k in steps):
                trend_side = 1  # a later window overwrites an earlier one
            if all(falling(k) for k in steps):
                trend_side = -1
        two3_side = 0
        if near(i):
            for w in range(max(0, i - 2), min(i, n - 3) + 1):
                window = range(w, w + 3)
                n_near = sum(near(k) for k in window)
                if n_near >= 2 and all(above(k) for k in window):
                    two3_side = 1
                if n_near >= 2 and all(below(k) for k in window):
                    two3_side = -1
        if out_hi or out_lo:
            side = 1 if out_hi else -1
        elif trend_side:
            side = trend_side
        elif two3_side:
            side = two3_side
        else:
            side = shift_side
        if side == 0:
            verdict = Verdict.COMMON_CAUSE
        elif improvement == "neutral":
            verdict = Verdict.NEITHER
        elif (side == 1) == (improvement == "up"):
            verdict = Verdict.IMPROVEMENT
        else:
            verdict = Verdict.CONCERN
        flags = (out_hi or out_lo, trend_side != 0, two3_side != 0, shift_side != 0)
        result.append(RefPoint(mean, lower, upper, *flags, side, verdict))
    return result


# --- the series ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    values: Series
    improvement: Direction = "neutral"
    rebase_at: tuple[int, ...] = ()
    screen: bool = False
    run: int = 7


def noise(seed: int, n: int = 36, mu: float = 100.0, sd: float = 10.0) -> Series:
    rng = random.Random(seed)
    return [round(rng.gauss(mu, sd), 1) for _ in range(n)]


def counts(seed: int, n: int = 48, lam: float = 20.0) -> Series:
    # small integer counts give many ties with each other (and sometimes with the mean)
    rng = random.Random(seed)
    return [float(sum(rng.random() < lam / 100 for _ in range(100))) for _ in range(n)]


def shifted(seed: int, at: int, by: float) -> Series:
    return [v + by if i >= at and v is not None else v for i, v in enumerate(noise(seed))]


def trended(seed: int, start: int, length: int, slope: float) -> Series:
    s = noise(seed, sd=2.0)
    return [
        v + slope * max(0, min(i, start + length) - start) if v is not None else v
        for i, v in enumerate(s)
    ]


def spiked(seed: int, where: list[int], by: float) -> Series:
    return [v + by if i in where and v is not None else v for i, v in enumerate(noise(seed))]


def holed(seed: int, holes: list[int]) -> Series:
    return [None if i in holes else v for i, v in enumerate(noise(seed))]


CASES: dict[str, Case] = {
    **{f"noise-seed{s}": Case(noise(s)) for s in range(8)},
    "noise-short-6": Case(noise(11, n=6)),
    "noise-short-13": Case(noise(12, n=13), improvement="up"),
    "shift-up-at-20": Case(shifted(21, 20, 12.0), improvement="up"),
    "shift-down-at-10": Case(shifted(22, 10, -9.0), improvement="up"),
    "shift-rebased": Case(shifted(23, 18, 15.0), rebase_at=(18,), improvement="down"),
    "trend-rising": Case(trended(31, 10, 9, 8.0), improvement="down"),
    "trend-falling": Case(trended(32, 15, 12, -6.0), improvement="up"),
    "trend-at-end": Case(trended(33, 28, 8, 7.0)),
    "spikes": Case(spiked(41, [5, 25], 70.0), improvement="up"),
    "spikes-screened": Case(spiked(42, [5, 6, 25], 45.0), screen=True),
    "near-limit-pairs": Case(spiked(43, [10, 12, 30, 31], 20.0), improvement="down"),
    "counts-a": Case(counts(51), improvement="down"),
    "counts-b": Case(counts(52, lam=5.0)),
    "counts-rebased-twice": Case(counts(53), rebase_at=(12, 30)),
    "counts-screened": Case(counts(54, lam=3.0), screen=True, improvement="up"),
    # mean exactly 10, so the many 10s sit on the mean and break runs
    "ties-with-mean": Case([10.0, 12, 8, 10, 11, 9, 10, 12, 8, 10, 10, 10, 11, 9] * 2),
    "ties-break-a-shift": Case(
        [8.0, 9, 8, 9, 8, 9, 8] + [11, 12, 11, 10.0, 11, 12, 11, 12] + [9.0] * 5
    ),
    "flat": Case([5.0] * 15, screen=True),
    "holes": Case(holed(61, [0, 7, 8, 20, 35]), improvement="up"),
    "holes-in-shift": Case(
        [None if i in (22, 27) else v for i, v in enumerate(shifted(62, 18, 20.0))]
    ),
    "run-length-5": Case(shifted(63, 25, 25.0), run=5),
    "trend-run-length-5": Case(trended(64, 5, 5, 6.0), run=5, improvement="up"),
    "peak-and-fall": Case(
        [
            v + 6 * (9 - abs(i - 14)) if 5 <= i <= 23 and v else v
            for i, v in enumerate(noise(65, sd=1))
        ],
        improvement="down",
    ),
    "zigzag-staircase": Case([float(i // 2 + (i % 2) * 3) for i in range(30)]),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_matches_reference(case: Case) -> None:
    expected = reference(case.values, case.improvement, case.rebase_at, case.screen, case.run)
    got = xmr(
        case.values,
        improvement=case.improvement,
        rebase_at=case.rebase_at,
        screen_outliers=case.screen,
        run_length=case.run,
    ).points
    assert len(got) == len(expected) == len(case.values)
    for p, e in zip(got, expected, strict=True):
        where = f"point {p.index} ({p.value})"
        assert p.mean == pytest.approx(e.mean), where
        assert p.lower == pytest.approx(e.lower), where
        assert p.upper == pytest.approx(e.upper), where
        flags = (p.outside_limits, p.trend, p.two_of_three, p.shift)
        assert flags == (e.outside, e.trend, e.two_of_three, e.shift), where
        assert (p.side, p.verdict) == (e.side, e.verdict), where


def test_cases_exercise_every_rule() -> None:
    """Guard against a reference comparison that passes because nothing ever fires."""
    seen = {"outside": False, "trend": False, "two_of_three": False, "shift": False}
    for c in CASES.values():
        for p in reference(c.values, c.improvement, c.rebase_at, c.screen, c.run):
            for flag in seen:
                seen[flag] |= getattr(p, flag)
    assert all(seen.values()), seen
    assert len(CASES) >= 20
