"""Red / Amber / Green ratings by the rules the seed reports use, as small pure functions.

The defaults are those of the design notes ("Conventions of the field"); a plan may change the
thresholds (:class:`RatingRules`). Every rating carries its letter and a word, never a colour alone,
and the reason the rule gave it, so a report can say *why* a line is Amber.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import RatingRules

#: Tolerance for float comparisons: 0.1 + 0.2 must still meet a target of 0.3.
_EPS = 1e-9


class Rag(StrEnum):
    GREEN = "G"
    AMBER = "A"
    RED = "R"
    COMPLETE_GREEN = "CG"
    COMPLETE_AMBER = "CA"

    @property
    def word(self) -> str:
        return _WORDS[self]

    @property
    def label(self) -> str:
        """Letter and word together, e.g. ``A (Amber)``: readable without colour."""
        return f"{self.value} ({self.word})"

    @property
    def complete(self) -> bool:
        return self in (Rag.COMPLETE_GREEN, Rag.COMPLETE_AMBER)


_WORDS = {
    Rag.GREEN: "Green",
    Rag.AMBER: "Amber",
    Rag.RED: "Red",
    Rag.COMPLETE_GREEN: "Complete on time",
    Rag.COMPLETE_AMBER: "Complete late",
}

#: What a cell may say for each rating; anything else is illegal.
_SPELLINGS = {
    "G": Rag.GREEN,
    "GREEN": Rag.GREEN,
    "A": Rag.AMBER,
    "AMBER": Rag.AMBER,
    "R": Rag.RED,
    "RED": Rag.RED,
    "CG": Rag.COMPLETE_GREEN,
    "CA": Rag.COMPLETE_AMBER,
}

KPI_RATINGS = (Rag.GREEN, Rag.AMBER, Rag.RED)
MILESTONE_RATINGS = tuple(Rag)


def parse_rag(text: str) -> Rag:
    """``G``/``Green`` … ``CA``; raises ValueError for anything else (a rating must be legal)."""
    key = text.strip().upper()
    if key not in _SPELLINGS:
        raise ValueError(f"{text!r} is not a rating")
    return _SPELLINGS[key]


class Trend(StrEnum):
    """A risk's direction since the previous quarter (higher score = worse)."""

    UP = "↑"
    SAME = "→"
    DOWN = "↓"

    @property
    def word(self) -> str:
        return {Trend.UP: "increasing", Trend.SAME: "stable", Trend.DOWN: "decreasing"}[self]


_TREND_SPELLINGS = {
    "↑": Trend.UP, "⬆": Trend.UP, "UP": Trend.UP, "INCREASING": Trend.UP,
    "→": Trend.SAME, "➡": Trend.SAME, "SAME": Trend.SAME, "STABLE": Trend.SAME, "FLAT": Trend.SAME,
    "↓": Trend.DOWN, "⬇": Trend.DOWN, "DOWN": Trend.DOWN, "DECREASING": Trend.DOWN,
}  # fmt: skip


def parse_trend(text: str) -> Trend:
    """Arrows as printed (↑ → ↓, also the heavy ⬆ ➡ ⬇ of some reports) or words."""
    key = text.strip().replace("\ufe0f", "").upper()
    if key not in _TREND_SPELLINGS:
        raise ValueError(f"{text!r} is not a trend")
    return _TREND_SPELLINGS[key]


DEFAULT_RULES = RatingRules()


@dataclass(frozen=True)
class Rating:
    """A rating and the reason the rule gave it."""

    rag: Rag
    reason: str

    @property
    def letter(self) -> str:
        return self.rag.value

    @property
    def label(self) -> str:
        return self.rag.label


def _fmt(x: float) -> str:
    # A typographic minus, as every other printed figure has.
    return f"{x:,.1f}".rstrip("0").rstrip(".").replace("-", "\u2212")


def rate_percentage(
    value: float, target: float, rules: RatingRules = DEFAULT_RULES, higher_is_better: bool = True
) -> Rating:
    """G at or beyond target; A up to ``pct_amber_pp`` points short; R further short."""
    short = (target - value) if higher_is_better else (value - target)
    if short <= _EPS:
        return Rating(Rag.GREEN, f"{_fmt(value)}% meets the target of {_fmt(target)}%")
    if short <= rules.pct_amber_pp + _EPS:
        return Rating(Rag.AMBER, f"{_fmt(value)}% is {_fmt(short)} pp short of {_fmt(target)}%")
    return Rating(Rag.RED, f"{_fmt(value)}% is {_fmt(short)} pp short of {_fmt(target)}%")


def rate_count(
    value: float,
    target: float,
    fraction_of_year: float = 1.0,
    rules: RatingRules = DEFAULT_RULES,
    higher_is_better: bool = True,
) -> Rating:
    """Against the target pro rata to the year so far (Q1 = 25 %): G at or beyond it, A from
    ``count_amber_ratio`` of it, R below. Pass ``fraction_of_year=1`` for a level (e.g. days)."""
    expected = target * fraction_of_year
    pro_rata = f" (pro rata {_fmt(expected)} of {_fmt(target)})" if fraction_of_year != 1 else ""
    if higher_is_better:
        ratio = value / expected if expected > 0 else float("inf")
    else:
        ratio = expected / value if value > 0 else float("inf")
    where = f"{_fmt(value)} against {_fmt(expected)}{pro_rata}"
    if ratio >= 1 - _EPS:
        return Rating(Rag.GREEN, f"{where}: on target")
    if ratio >= rules.count_amber_ratio - _EPS:
        return Rating(Rag.AMBER, f"{where}: {ratio:.0%} of target")
    return Rating(Rag.RED, f"{where}: {ratio:.0%} of target")


def rate_band(value: float, band: float, rules: RatingRules = DEFAULT_RULES) -> Rating:
    """Targets of the form "within ±band" (equality gaps): G inside, A up to ``band_amber_pp``
    points outside, R beyond."""
    outside = abs(value) - band
    if outside <= _EPS:
        return Rating(Rag.GREEN, f"{_fmt(value)} pp is within ±{_fmt(band)}")
    rag = Rag.AMBER if outside <= rules.band_amber_pp + _EPS else Rag.RED
    return Rating(rag, f"{_fmt(value)} pp is {_fmt(outside)} pp outside ±{_fmt(band)}")


def quarters_between(a: Quarter, b: Quarter) -> int:
    """How many quarters ``b`` is after ``a`` (negative when before)."""
    return (b.fy_start * 4 + b.q) - (a.fy_start * 4 + a.q)


def rate_milestone(
    baseline: Quarter,
    forecast: Quarter | None,
    current: Quarter,
    complete: bool = False,
    rules: RatingRules = DEFAULT_RULES,
) -> Rating:
    """By quarters slipped from the baseline: G none, A 1..``milestone_amber_quarters``, R more.

    Complete milestones are CG when finished by the baseline quarter, CA when late. An
    unfinished milestone whose due quarter has passed has slipped at least to the current one.
    """
    due = forecast or baseline
    slip = quarters_between(baseline, due)
    if complete:
        if slip <= 0:
            return Rating(Rag.COMPLETE_GREEN, f"completed by its baseline {baseline}")
        return Rating(Rag.COMPLETE_AMBER, f"completed {slip} quarter(s) after its baseline")
    if quarters_between(due, current) > 0:
        slip = max(slip, quarters_between(baseline, current))
    if slip <= 0:
        return Rating(Rag.GREEN, f"no slippage from its baseline {baseline}")
    words = f"slipped {slip} quarter(s) from {baseline} to {baseline.shift(slip)}"
    return Rating(Rag.AMBER if slip <= rules.milestone_amber_quarters else Rag.RED, words)


def rate_kpi(
    unit: str,
    value: float | None,
    target: float | None,
    fraction_of_year: float,
    rules: RatingRules = DEFAULT_RULES,
    higher_is_better: bool | None = None,
) -> Rating | None:
    """Dispatch by unit: ``%`` by points, ``count`` pro rata, ``days`` as a level (lower is
    better), ``gap`` as a ±band. None when there is nothing to rate (no target or no value)."""
    if value is None or target is None:
        return None
    match unit:
        case "%":
            return rate_percentage(value, target, rules, higher_is_better is not False)
        case "count":
            return rate_count(value, target, fraction_of_year, rules, higher_is_better is not False)
        case "days":
            return rate_count(value, target, 1.0, rules, higher_is_better is True)
        case "gap":
            return rate_band(value, target, rules)
    raise ValueError(f"unit {unit!r}: expected %, count, days or gap")


def risk_trend(score: float, previous: float | None) -> Trend | None:
    """The arrow from the previous quarter's score; None without history."""
    if previous is None:
        return None
    if score > previous:
        return Trend.UP
    if score < previous:
        return Trend.DOWN
    return Trend.SAME
