"""xmr_many against xmr, point for point: the series of the reference comparison, the edge
cases of the rule tests and thousands of random count series with gaps, rebases, screening
and other run lengths, all in one matrix per setting (padded with NaN, as the site pads)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import pytest
from tests.judge.test_spc import QUIET
from tests.judge.test_spc_reference import CASES

from scrutiny.judge.spc import RULE_PRECEDENCE, Direction, xmr, xmr_many

Series = Sequence[float | None]

EDGE_CASES: list[tuple[Series, tuple[int, ...]]] = [
    ([], ()),
    ([4.0], ()),
    ([None, None], ()),
    ([3.0, None, 4.0], ()),
    ([1.0, math.nan, 3.0], ()),
    ([5.0, 5, 5], ()),
    (QUIET, ()),
    ([*QUIET, 20], ()),
    ([*QUIET, 0], ()),
    ([*QUIET, 20, None], ()),
    ([*QUIET, 30, *QUIET], ()),
    (QUIET + [v + 10 for v in QUIET], (12,)),
    ([1, 2, 3, 4, 5, 6, 7, 8], (4,)),
    ([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], ()),
    ([1, 2, 3, None, 4, 5, 6, 7], ()),
    ([5, 6, 5, 6, 5, 6, 5, 6, 7, 8, 9, 10, 11, 12, 13], ()),
    ([4, 7] * 6 + [4.5, 5, 5.5, 6, 6.5, 7, 7.5], ()),
    ([10, 11] * 5 + [40], ()),
    ([1, 2, 3, 4, 5, 6], ()),
    ([2.0, 1, 2, 1, 2, 1, 9, 9, 1], (6, 7)),  # one-point segments
]


def random_counts(rng: random.Random) -> tuple[list[float | None], tuple[int, ...]]:
    n = rng.randint(0, 40)
    lam = rng.choice([0.3, 2.0, 8.0, 40.0])
    values: list[float | None] = [
        float(sum(rng.random() < lam / 50 for _ in range(50))) for _ in range(n)
    ]
    for i in range(n):
        if rng.random() < 0.08:
            values[i] = None
    if n > 10 and rng.random() < 0.3:  # a step or a trend, so every rule fires somewhere
        at = rng.randrange(n)
        slope = rng.choice([1, 3])
        values = [v if v is None or i < at else v + slope * (i - at) for i, v in enumerate(values)]
    rebase: tuple[int, ...] = ()
    if n > 1:
        rebase = tuple(sorted(rng.sample(range(1, n), k=min(n - 1, rng.choice([0, 0, 1, 2])))))
    return values, rebase


def assert_same(
    cases: Sequence[tuple[Series, tuple[int, ...]]],
    improvement: Direction = "down",
    screen: bool = False,
    run: int = 7,
    floor: float | None = None,
) -> set[int]:
    """Compare every point; return the rules that decided some point."""
    width = max([len(v) for v, _ in cases] + [0])
    values = np.full((len(cases), width), np.nan)
    starts = np.zeros((len(cases), width), dtype=bool)
    for i, (series, rebase) in enumerate(cases):
        values[i, : len(series)] = [np.nan if x is None else x for x in series]
        starts[i, list(rebase)] = True
    many = xmr_many(
        values, starts, improvement=improvement, screen_outliers=screen, run_length=run, floor=floor
    )
    latest = many.latest()
    verdicts = many.latest_verdicts()
    fired: set[int] = set()
    for i, (series, rebase) in enumerate(cases):
        one = xmr(
            series,
            improvement=improvement,
            rebase_at=rebase,
            screen_outliers=screen,
            run_length=run,
            floor=floor,
        )
        for p in one.points:
            k = p.index
            where = f"case {i} point {k}: {series}"
            got = (many.mean[i, k], many.lower[i, k], many.upper[i, k])
            want = (p.mean, p.lower, p.upper)
            for g, w in zip(got, want, strict=True):
                assert (math.isnan(g) and w is None) or g == w, where  # exactly, not approx
            rule = RULE_PRECEDENCE[many.rule[i, k]] if many.rule[i, k] >= 0 else None
            assert (rule, int(many.side[i, k])) == (p.rule, p.side), where
            if p.rule is not None:
                fired.add(int(many.rule[i, k]))
        want_latest = one.latest
        assert latest[i] == (want_latest.index if want_latest else -1), series
        assert verdicts[i] == (want_latest.verdict if want_latest else None), series
    return fired


@pytest.mark.parametrize("improvement", ["up", "down", "neutral"])
def test_reference_cases(improvement: Direction) -> None:
    for screen in (False, True):
        for run in (7, 5):
            cases = [(c.values, c.rebase_at) for c in CASES.values()]
            assert_same(cases, improvement, screen, run)


@pytest.mark.parametrize("floor", [None, 0.0])
def test_edge_cases(floor: float | None) -> None:
    for screen in (False, True):
        for run in (2, 3, 7):
            assert_same(EDGE_CASES, "up", screen, run, floor)


@pytest.mark.parametrize("seed", range(3))
def test_random_count_series(seed: int) -> None:
    rng = random.Random(seed)
    cases = [random_counts(rng) for _ in range(800)]
    fired = set()
    for screen, run, floor in [(False, 7, 0.0), (True, 7, None), (False, 2, 0.0), (False, 4, None)]:
        fired |= assert_same(cases, "down", screen, run, floor)
    assert fired == set(range(len(RULE_PRECEDENCE)))  # every rule decided some point


def test_no_series() -> None:
    many = xmr_many(np.zeros((0, 36)))
    assert many.latest_verdicts() == []
    assert xmr_many(np.zeros((3, 0))).latest_verdicts() == [None, None, None]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"values": np.zeros(3)}, "2-D", id="one-dimensional"),
        pytest.param({"starts": np.zeros((1, 2), dtype=bool)}, "shape", id="starts-shape"),
        pytest.param({"improvement": "sideways"}, "improvement", id="bad-direction"),
        pytest.param({"run_length": 1}, "run_length", id="bad-run-length"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"values": np.zeros((1, 3))} | kwargs
    with pytest.raises(ValueError, match=message):
        xmr_many(**args)  # type: ignore[arg-type]
