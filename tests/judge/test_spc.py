"""Table-driven tests of the XmR rules, their precedence, the icons and the summary."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from scrutiny.judge.icons import VARIATION_TEXT, variation_icon_svg
from scrutiny.judge.spc import (
    AssuranceIcon,
    Direction,
    Limits,
    Rule,
    VariationIcon,
    Verdict,
    first_rule,
    moving_ranges,
    near_limits,
    outside_limits,
    segment_limits,
    shift_run,
    sides_of_mean,
    trend_run,
    two_of_three,
    verdict_for,
    xmr,
)

# A quiet baseline: mean 10, every moving range 1, so limits are 10 ± 2.66 and the near zone
# starts at 10 ± 1.7733.
QUIET = [9.5, 10.5] * 6


def limits(mean: float, mmr: float) -> Limits:
    return Limits(
        0,
        0,
        0,
        mean,
        mmr,
        mean - 2.66 * mmr,
        mean + 2.66 * mmr,
        mean - 2.66 * mmr * 2 / 3,
        mean + 2.66 * mmr * 2 / 3,
    )


# --- rule (b): runs on one side of the mean -------------------------------------------------


@pytest.mark.parametrize(
    ("sides", "length", "expected"),
    [
        pytest.param([], 7, [], id="empty"),
        pytest.param([1] * 6, 7, [0] * 6, id="six-above-is-not-enough"),
        pytest.param([1] * 7, 7, [1] * 7, id="seven-above"),
        pytest.param([-1] * 7, 7, [-1] * 7, id="seven-below"),
        pytest.param([1] * 6 + [-1], 7, [0] * 7, id="six-then-cross"),
        pytest.param([1] * 8 + [-1], 7, [1] * 8 + [0], id="eight-above-all-flagged"),
        pytest.param([1] * 3 + [0] + [1] * 4, 7, [0] * 8, id="point-on-mean-breaks-run"),
        pytest.param(
            [-1, 1, -1] + [-1] * 7 + [1, -1],
            7,
            [0, 0] + [-1] * 8 + [0, 0],
            id="run-inside-longer-series",
        ),
        pytest.param([1] * 5, 5, [1] * 5, id="configurable-length"),
        pytest.param([0] * 9, 7, [0] * 9, id="all-on-mean-is-no-run"),
    ],
)
def test_shift_run(sides: list[int], length: int, expected: list[int]) -> None:
    assert shift_run(sides, length) == expected


@pytest.mark.parametrize(
    ("values", "mean", "expected"),
    [
        pytest.param([1.0, 2.0, 3.0], 2.0, [-1, 0, 1], id="equal-to-mean-is-neither-side"),
        pytest.param([None, 3.0], 2.0, [0, 1], id="missing-is-neither-side"),
        pytest.param([1.0, 2.0], None, [0, 0], id="no-mean"),
    ],
)
def test_sides_of_mean(values: list[float | None], mean: float | None, expected: list[int]) -> None:
    assert sides_of_mean(values, mean) == expected


# --- rule (c): trends ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "length", "expected"),
    [
        pytest.param([], 7, [], id="empty"),
        pytest.param([1.0], 7, [0], id="one-point"),
        pytest.param([1, 2, 3, 4, 5, 6], 7, [0] * 6, id="six-rising-is-not-enough"),
        pytest.param([1, 2, 3, 4, 5, 6, 7], 7, [1] * 7, id="seven-rising"),
        pytest.param([7, 6, 5, 4, 3, 2, 1], 7, [-1] * 7, id="seven-falling"),
        pytest.param([1, 2, 3, 3, 4, 5, 6], 7, [0] * 7, id="tie-breaks-trend"),
        pytest.param([2, 1, 2, 3, 4, 5, 6, 7, 3], 7, [0] + [1] * 7 + [0], id="inside-longer"),
        pytest.param(
            [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1],
            7,
            [1] * 6 + [-1] * 7,
            id="shared-peak-takes-later-run",
        ),
        pytest.param([1, 2, 3, None, 4, 5, 6, 7], 7, [0] * 8, id="gap-breaks-trend"),
        pytest.param([1, 2, 3, 4, 5], 5, [1] * 5, id="configurable-length"),
        pytest.param([3, 1, 4, 1, 5, 9, 2, 6], 7, [0] * 8, id="zigzag"),
    ],
)
def test_trend_run(values: list[float | None], length: int, expected: list[int]) -> None:
    assert trend_run(values, length) == expected


# --- rule (d): two of three near a limit -----------------------------------------------------


@pytest.mark.parametrize(
    ("near", "sides", "expected"),
    [
        pytest.param([], [], [], id="empty"),
        pytest.param([1, 1], [1, 1], [0, 0], id="fewer-than-three"),
        pytest.param([1, 0, 1], [1, 1, 1], [1, 0, 1], id="first-and-third"),
        pytest.param([0, 1, 1], [1, 1, 1], [0, 1, 1], id="second-and-third"),
        pytest.param([1, 1, 0], [1, 1, 1], [1, 1, 0], id="first-and-second"),
        pytest.param([-1, 0, -1], [-1, -1, -1], [-1, 0, -1], id="below"),
        pytest.param([1, 0, 1], [1, -1, 1], [0, 0, 0], id="middle-on-other-side"),
        pytest.param([1, 0, 1], [1, 0, 1], [0, 0, 0], id="middle-on-the-mean"),
        pytest.param([1, 0, 0, 1], [1] * 4, [0] * 4, id="two-of-four-is-not-enough"),
        pytest.param([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1], id="inside-longer"),
        pytest.param(
            [0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0], id="only-near-points-flagged"
        ),
    ],
)
def test_two_of_three(near: list[int], sides: list[int], expected: list[int]) -> None:
    assert two_of_three(near, sides) == expected


# --- rule (a) and the zones ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected_outside", "expected_near"),
    [
        pytest.param([10.0, 12.66, 7.34], [0, 0, 0], [0, 1, -1], id="on-the-limit-is-inside"),
        pytest.param([12.67, 7.33], [1, -1], [0, 0], id="outside-is-not-near"),
        pytest.param([11.7, 11.8, None], [0, 0, 0], [0, 1, 0], id="near-zone-boundary"),
    ],
)
def test_outside_and_near(
    values: list[float | None], expected_outside: list[int], expected_near: list[int]
) -> None:
    lim = limits(10.0, 1.0)
    assert outside_limits(values, lim) == expected_outside
    assert near_limits(values, lim) == expected_near


@pytest.mark.parametrize(
    ("values", "screen", "mean", "mmr"),
    [
        pytest.param([1, 3, 2, 4], False, 2.5, 5 / 3, id="plain"),
        pytest.param([1, None, 3, 4], False, 8 / 3, 1.0, id="gap-breaks-moving-range"),
        pytest.param([5, 5, 5], False, 5.0, 0.0, id="flat"),
        pytest.param([5, 5, 5], True, 5.0, 0.0, id="flat-not-screened"),
        pytest.param([10, 11] * 5 + [40], False, 145 / 11, 38 / 10, id="spike-unscreened"),
        pytest.param([10, 11] * 5 + [40], True, 145 / 11, 1.0, id="spike-screened"),
    ],
)
def test_segment_limits(values: list[float | None], screen: bool, mean: float, mmr: float) -> None:
    lim = segment_limits(values, screen_outliers=screen)
    assert lim.mean == pytest.approx(mean)
    assert lim.mean_moving_range == pytest.approx(mmr)
    assert lim.upper == pytest.approx(mean + 2.66 * mmr)
    assert lim.lower == pytest.approx(mean - 2.66 * mmr)


def test_moving_ranges_skip_gaps() -> None:
    assert moving_ranges([1.0, None, 4.0, 2.0]) == [2.0]


@pytest.mark.parametrize(
    ("values", "n", "has_mean", "has_limits"),
    [
        pytest.param([], 0, False, False, id="empty"),
        pytest.param([None, None], 0, False, False, id="all-missing"),
        pytest.param([3.0], 1, True, False, id="one-point"),
        pytest.param([3.0, None, 4.0], 2, True, False, id="no-neighbours"),
    ],
)
def test_segment_limits_degenerate(
    values: list[float | None], n: int, has_mean: bool, has_limits: bool
) -> None:
    lim = segment_limits(values)
    assert lim.n == n
    assert (lim.mean is not None) is has_mean
    assert (lim.upper is not None) is has_limits


# --- precedence and direction ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        pytest.param({}, (None, 0), id="none"),
        pytest.param({Rule.SHIFT: -1}, (Rule.SHIFT, -1), id="shift-alone"),
        pytest.param(
            {Rule.OUTSIDE_LIMITS: 1, Rule.TREND: -1, Rule.SHIFT: -1},
            (Rule.OUTSIDE_LIMITS, 1),
            id="outside-beats-everything",
        ),
        pytest.param({Rule.TREND: 1, Rule.TWO_OF_THREE: -1}, (Rule.TREND, 1), id="trend-over-2of3"),
        pytest.param(
            {Rule.TWO_OF_THREE: 1, Rule.SHIFT: 1}, (Rule.TWO_OF_THREE, 1), id="2of3-over-shift"
        ),
        pytest.param({Rule.TREND: 0, Rule.SHIFT: 1}, (Rule.SHIFT, 1), id="zero-is-not-a-flag"),
    ],
)
def test_first_rule(flags: dict[Rule, int], expected: tuple[Rule | None, int]) -> None:
    assert first_rule(flags) == expected


@pytest.mark.parametrize(
    ("side", "improvement", "expected"),
    [
        pytest.param(0, "up", Verdict.COMMON_CAUSE, id="common-up"),
        pytest.param(1, "up", Verdict.IMPROVEMENT, id="high-up"),
        pytest.param(-1, "up", Verdict.CONCERN, id="low-up"),
        pytest.param(1, "down", Verdict.CONCERN, id="high-down"),
        pytest.param(-1, "down", Verdict.IMPROVEMENT, id="low-down"),
        pytest.param(1, "neutral", Verdict.NEITHER, id="high-neutral"),
        pytest.param(-1, "neutral", Verdict.NEITHER, id="low-neutral"),
        pytest.param(0, "neutral", Verdict.COMMON_CAUSE, id="common-neutral"),
    ],
)
def test_verdict_for(side: int, improvement: Direction, expected: Verdict) -> None:
    assert verdict_for(side, improvement) == expected


def test_precedence_in_a_chart() -> None:
    # a rising run that ends outside the limits: the trend labels the run, the last points
    # are read as outside the limits
    r = xmr([5, 6, 5, 6, 5, 6, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    last = r.points[-1]
    assert last.trend and last.outside_limits
    assert last.rule is Rule.OUTSIDE_LIMITS
    assert r.points[9].rule is Rule.TREND
    assert r.points[1].shift and not r.points[1].trend
    assert r.points[1].rule is Rule.SHIFT


# --- the whole chart -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "improvement", "icon"),
    [
        pytest.param([], "up", None, id="empty"),
        pytest.param([4.0], "up", None, id="one-point-no-limits"),
        pytest.param(QUIET, "up", VariationIcon.COMMON_CAUSE, id="common"),
        pytest.param([*QUIET, 20], "up", VariationIcon.IMPROVEMENT_HIGH, id="improvement-high"),
        pytest.param([*QUIET, 0], "down", VariationIcon.IMPROVEMENT_LOW, id="improvement-low"),
        pytest.param([*QUIET, 20], "down", VariationIcon.CONCERN_HIGH, id="concern-high"),
        pytest.param([*QUIET, 0], "up", VariationIcon.CONCERN_LOW, id="concern-low"),
        pytest.param([*QUIET, 20], "neutral", VariationIcon.NEITHER_HIGH, id="neither-high"),
        pytest.param([*QUIET, 0], "neutral", VariationIcon.NEITHER_LOW, id="neither-low"),
        pytest.param([*QUIET, 20, None], "up", VariationIcon.IMPROVEMENT_HIGH, id="missing-last"),
    ],
)
def test_variation_icon(
    values: list[float | None], improvement: Direction, icon: VariationIcon | None
) -> None:
    assert xmr(values, improvement=improvement).variation_icon == icon


@pytest.mark.parametrize(
    ("improvement", "target", "icon"),
    [
        pytest.param("up", None, AssuranceIcon.NONE, id="no-target"),
        pytest.param("neutral", 5.0, AssuranceIcon.NONE, id="neutral-has-no-assurance"),
        pytest.param("up", 5.0, AssuranceIcon.CONSISTENTLY_MEETS, id="up-target-below-limits"),
        pytest.param("up", 15.0, AssuranceIcon.CONSISTENTLY_FAILS, id="up-target-above-limits"),
        pytest.param("down", 15.0, AssuranceIcon.CONSISTENTLY_MEETS, id="down-target-above"),
        pytest.param("down", 5.0, AssuranceIcon.CONSISTENTLY_FAILS, id="down-target-below"),
        pytest.param("up", 10.0, AssuranceIcon.INCONSISTENT, id="target-between-limits"),
        pytest.param("up", 12.66, AssuranceIcon.INCONSISTENT, id="target-on-limit"),
    ],
)
def test_assurance_icon(improvement: Direction, target: float | None, icon: AssuranceIcon) -> None:
    r = xmr(QUIET, improvement=improvement, target=target)
    assert r.assurance_icon == icon


def test_empty_series() -> None:
    r = xmr([])
    assert r.points == () and r.segments == ()
    assert not r.enough_points
    assert r.assurance_icon is AssuranceIcon.NONE
    assert r.summary_text() == "Not enough data to judge variation."


@pytest.mark.parametrize(
    ("n", "enough"),
    [pytest.param(2, False, id="two"), pytest.param(11, False, id="eleven"),
     pytest.param(12, True, id="twelve")],
)  # fmt: skip
def test_enough_points(n: int, enough: bool) -> None:
    assert xmr([float(i % 3) for i in range(n)]).enough_points is enough


def test_fewer_than_seven_points_have_limits_but_no_runs() -> None:
    r = xmr([1, 2, 3, 4, 5, 6])
    assert all(p.upper is not None for p in r.points)
    assert not any(p.trend or p.shift for p in r.points)


def test_nan_is_missing() -> None:
    r = xmr([1.0, math.nan, 3.0])
    assert r.points[1].value is None
    assert r.segments[0].mean == 2.0


@pytest.mark.parametrize(
    "rebase_at", [pytest.param([12], id="index"), pytest.param(["m12"], id="label")]
)
def test_rebase_gives_limits_per_segment(rebase_at: list[int | str]) -> None:
    values = QUIET + [v + 10 for v in QUIET]
    labels = [f"m{i}" for i in range(len(values))]
    r = xmr(values, rebase_at=rebase_at, labels=labels)
    assert [s.mean for s in r.segments] == [pytest.approx(10), pytest.approx(20)]
    assert [(s.start, s.stop) for s in r.segments] == [(0, 12), (12, 24)]
    assert r.points[11].segment == 0 and r.points[12].segment == 1
    assert r.points[12].upper == pytest.approx(22.66)
    # the step that would be a shift on one set of limits is common cause on two
    assert not any(p.special_cause for p in r.points)
    assert any(p.special_cause for p in xmr(values).points)


def test_rebase_runs_do_not_cross_segments() -> None:
    r = xmr([1, 2, 3, 4, 5, 6, 7, 8], rebase_at=[4])
    assert not any(p.trend for p in r.points)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"rebase_at": [99]}, "outside", id="rebase-out-of-range"),
        pytest.param({"rebase_at": ["nope"]}, "not one of the labels", id="unknown-label"),
        pytest.param({"labels": ["a"]}, "labels", id="label-count"),
        pytest.param({"improvement": "sideways"}, "improvement", id="bad-direction"),
        pytest.param({"run_length": 1}, "run_length", id="bad-run-length"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr([1.0, 2.0, 3.0], **kwargs)  # type: ignore[arg-type]


def test_screening_changes_the_limits_not_the_data() -> None:
    values = [*QUIET, 30, *QUIET]
    plain, screened = xmr(values), xmr(values, screen_outliers=True)
    assert screened.segments[0].mean == plain.segments[0].mean
    assert screened.segments[0].mean_moving_range == pytest.approx(1.0)
    assert (plain.segments[0].mean_moving_range or 0) > 2
    assert screened.points[12].outside_limits


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        pytest.param(
            [*QUIET, 20],
            {"improvement": "down"},
            "Special cause of concern: the latest month is above the upper limit.",
            id="concern-above",
        ),
        pytest.param(
            [*QUIET, 10],
            {"improvement": "up", "target": 5},
            "Common cause variation: the latest month is within the limits. "
            "The target (5) will consistently be met.",
            id="common-with-target",
        ),
        pytest.param(
            [*QUIET, 0],
            {"improvement": "neutral", "labels": [str(i) for i in range(13)]},
            "Special cause variation: the latest month (12) is below the lower limit.",
            id="neutral-with-label",
        ),
        pytest.param(
            [4, 7] * 6 + [4.5, 5, 5.5, 6, 6.5, 7, 7.5],
            {"improvement": "up"},
            "Special cause of improvement: the latest month is part of a run of 7 or more "
            "rising points.",
            id="trend",
        ),
        pytest.param(
            [1, 2, 3],
            {"improvement": "up"},
            "Common cause variation: the latest month is within the limits. "
            "Limits rest on fewer than 12 points, so treat as provisional.",
            id="short",
        ),
    ],
)
def test_summary_text(values: list[float], kwargs: dict[str, object], expected: str) -> None:
    assert xmr(values, **kwargs).summary_text() == expected  # type: ignore[arg-type]


# --- icons -----------------------------------------------------------------------------------

ICONS = [(variation_icon_svg, i, VARIATION_TEXT[i]) for i in VariationIcon]


@pytest.mark.parametrize(("render", "icon", "text"), ICONS, ids=[str(i[1]) for i in ICONS])
def test_icon_is_accessible_well_formed_svg(
    render: Callable[[str], str], icon: str, text: str
) -> None:
    svg = render(icon)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == text and text
    title = root.find(f"{ns}title")
    assert title is not None and title.text == text
    assert render(icon) == svg  # deterministic
    assert "id=" not in svg  # safe to repeat on one page


def test_every_icon_has_a_text_equivalent() -> None:
    assert set(VARIATION_TEXT) == set(VariationIcon)


@pytest.mark.parametrize(
    ("icon", "letter"),
    [
        (VariationIcon.CONCERN_HIGH, "H"),
        (VariationIcon.IMPROVEMENT_LOW, "L"),
        (VariationIcon.NEITHER_HIGH, "H"),
    ],
    ids=["concern-high", "improvement-low", "neither-high"],
)
def test_variation_icon_carries_a_letter_not_only_colour(icon: VariationIcon, letter: str) -> None:
    assert f">{letter}</text>" in variation_icon_svg(icon)


def test_a_floor_keeps_the_lower_limit_of_counts_at_zero() -> None:
    """Homicides per month: the mean less 2.66 mean moving ranges is below zero; a count
    cannot be, so with ``floor=0`` the lower limit is zero and the upper limit is unchanged."""
    counts = [12.0, 3.0, 14.0, 2.0, 11.0, 4.0, 13.0, 9.0, 1.0, 10.0]
    free = xmr(counts, improvement="down")
    floored = xmr(counts, improvement="down", floor=0.0)
    assert free.segments[0].lower is not None and free.segments[0].lower < 0
    assert floored.segments[0].lower == 0.0
    assert floored.segments[0].upper == free.segments[0].upper
    assert all(p.lower == 0.0 for p in floored.points)
    high = xmr([50.0, 52.0, 49.0, 51.0], floor=0.0)
    assert high.segments[0].lower == xmr([50.0, 52.0, 49.0, 51.0]).segments[0].lower
