"""Each crime measure's judgment, computed once: figures, comparisons, their significance, the
SPC verdict of the monthly series and the generated sentences.

The report, the dashboard and ``scrutiny explain`` all read a :class:`CrimeAnalysis`; none of
them builds a sentence or runs a test of its own, so they cannot disagree.

Two judgments, kept apart in name so a reader cannot confuse them:

- a **change** against a comparator is *significant* or not by a Poisson rate-ratio test
  ("change vs Q1 2022-23: +8%, significant at 95%");
- the **monthly pattern** is a Making Data Count (SPC) verdict on the series ("monthly pattern:
  common cause variation"); it never uses the word "significant".

Sentences say "increased"/"decreased" only for a change that is both beyond the stable band and
significant; any other change "remained stable" (or is "similar to" pre-pandemic levels).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    Comparator,
    Quarter,
    add_months,
)
from scrutiny.config.workspace import Workspace
from scrutiny.judge.narrative import Change, NarrativeRules, quarter_sentence, r12_sentence
from scrutiny.judge.significance import RateRatio, rate_ratio
from scrutiny.judge.spc import SpcResult, Verdict, xmr, xmr_many
from scrutiny.measures.categories import Selection

#: Months of history an SPC chart of a crime series looks back over, to the quarter's end.
SPC_MONTHS = 36
#: Significance level of the change tests (two-sided).
ALPHA = 0.05
CONFIDENCE_TEXT = f"{round((1 - ALPHA) * 100)}%"
_VERDICT_WORDS = {
    Verdict.COMMON_CAUSE: "common cause variation",
    Verdict.IMPROVEMENT: "special cause of improvement",
    Verdict.CONCERN: "special cause of concern",
    Verdict.NEITHER: "special cause, neither improvement nor concern",
}


def narrative_rules(ws: Workspace) -> NarrativeRules:
    """The workspace's wording rules: a change is named only when it is significant."""
    return NarrativeRules(
        stable_band_pct=ws.config.settings.stable_band_pct,
        use_significance=True,
        not_significant_is_stable=True,
        # A named change is always a significant one, so the plain verbs of the published
        # reports suffice; the comparison lines state the test beside each change.
        significant_increase="increased",
        significant_decrease="decreased",
    )


def comparator_labels(ws: Workspace, q: Quarter) -> dict[Comparator, str]:
    """How sentences name each comparator, e.g. "Q4 2022-23", "12 months to February 2020"."""
    base = ws.baseline
    return {
        Comparator.PREVIOUS_QUARTER: q.shift(-1).label,
        Comparator.SAME_QUARTER_LAST_YEAR: q.shift(-4).label,
        Comparator.SAME_QUARTER_BASELINE: Quarter(base.fy_start, q.q).label,
        Comparator.PREVIOUS_R12: "previous 12 months",
        Comparator.BASELINE_R12: base.r12().label,
    }


def subject(category: str) -> str:
    """How a sentence names a category: "Robbery offences", "Total Notifiable Offences"."""
    last = category.split()[-1].lower() if category.split() else ""
    return category if last in {"offences", "crime", "crimes"} else f"{category} offences"


@lru_cache(maxsize=16384)
def _test(now: int, before: int, interval: bool = True) -> RateRatio:
    # A page ranking hundreds of areas needs only the verdict, not the interval.
    return rate_ratio(now, before, alpha=ALPHA, interval=interval)


@dataclass(frozen=True)
class Comparison:
    """The quarter (or R12) against one comparator, and whether the change is significant."""

    comparator: Comparator
    label: str
    current: int | None
    previous: int | None
    pct_change: float | None
    test: RateRatio | None

    @property
    def significant(self) -> bool | None:
        """True/False by the Poisson test; None when there is nothing to test."""
        if self.test is None or self.test.p_value is None:
            return None
        return self.test.significant

    @property
    def significance_text(self) -> str:
        """ "significant at 95%", "not significant at 95%" or "not tested"."""
        if self.significant is None:
            return "not tested"
        return f"{'' if self.significant else 'not '}significant at {CONFIDENCE_TEXT}"

    @property
    def significant_text(self) -> str:
        """Short cell text: "yes", "no" or "–"."""
        return {True: "yes", False: "no", None: "–"}[self.significant]

    def describe(self) -> str:
        """ "change vs Q1 2022-23: +8%, significant at 95%"."""
        pct = "–" if self.pct_change is None else f"{self.pct_change:+.0f}%"
        return f"change vs {self.label}: {pct}, {self.significance_text}"

    def as_change(self) -> Change | None:
        if self.pct_change is None and self.current is None:
            return None
        return Change(
            self.label,
            self.pct_change,
            None if self.previous is None else float(self.previous),
            None if self.current is None else float(self.current),
        )


@dataclass(frozen=True)
class Pattern:
    """The SPC verdict of a monthly series (XmR chart, Making Data Count rules)."""

    spc: SpcResult
    months: tuple[date, ...]

    @property
    def text(self) -> str:
        """ "Monthly pattern: common cause variation: the latest month (Jun 2023) is within…"."""
        summary = self.spc.summary_text()
        return f"Monthly pattern: {summary[0].lower()}{summary[1:]}"

    @property
    def verdict(self) -> str:
        """The latest point's verdict in words ("common cause variation", "special cause of
        concern", …), or "not enough data"."""
        latest = self.spc.latest
        if latest is None:
            return "not enough data"
        return _VERDICT_WORDS[latest.verdict]


@dataclass(frozen=True)
class OutcomeFigures:
    """Positive outcomes ÷ offences in the same window (%), and changes in percentage points."""

    quarter: int | None
    r12: int | None
    rate_quarter: float | None
    rate_r12: float | None
    change_pp: Mapping[Comparator, float | None]
    sentence: str


def outcome_sentence(
    name: str, r12_label: str, rate: float | None, outcomes: int | None, change_pp: float | None
) -> str:
    """One generated sentence on the R12 positive-outcome rate (changes in pp, never %)."""
    if rate is None or outcomes is None:
        return f"The positive-outcome rate of {name} is not available for the {r12_label}."
    text = (
        f"The positive-outcome rate of {name} was {rate:.1f}% over the {r12_label} "
        f"({outcomes:,} positive outcomes)"
    )
    if change_pp is None:
        return text + "."
    if change_pp == 0:
        return text + ", unchanged on the previous 12 months."
    direction = "up" if change_pp > 0 else "down"
    return text + f", {direction} {abs(change_pp):.1f} percentage points on the previous 12 months."


def outcomes_of(row: Mapping[str, Any], name: str, r12_label: str) -> OutcomeFigures | None:
    """The outcome figures of a measures row, when its category publishes positive outcomes."""
    if _int(row.get("positive_outcomes_r12")) is None and (
        _int(row.get("positive_outcomes_quarter")) is None
    ):
        return None
    pp = {
        c: _float(row.get(f"outcome_rate_change_{c.value}"))
        for c in (*QUARTER_COMPARATORS, *R12_COMPARATORS)
    }
    rate_r12 = _float(row.get("outcome_rate_r12"))
    r12 = _int(row.get("positive_outcomes_r12"))
    return OutcomeFigures(
        quarter=_int(row.get("positive_outcomes_quarter")),
        r12=r12,
        rate_quarter=_float(row.get("outcome_rate_quarter")),
        rate_r12=rate_r12,
        change_pp=pp,
        sentence=outcome_sentence(name, r12_label, rate_r12, r12, pp[Comparator.PREVIOUS_R12]),
    )


@dataclass(frozen=True)
class CrimeAnalysis:
    """One category in one area and quarter: everything any output says about it."""

    category: str
    level: str
    area_code: str
    area_name: str
    quarter: Quarter
    quarter_volume: int | None
    r12_volume: int | None
    rate_per_1000: float | None
    comparisons: tuple[Comparison, ...]
    pattern: Pattern | None
    quarter_sentence: str
    r12_sentence: str
    #: Positive outcomes and the positive-outcome rate, for categories that publish them.
    outcomes: OutcomeFigures | None = None
    #: Why a figure is blank (a window the data do not fully publish), and series breaks.
    coverage_note: str = ""
    series_break: str = ""

    def comparison(self, comparator: Comparator) -> Comparison:
        return next(c for c in self.comparisons if c.comparator == comparator)

    @property
    def sentences(self) -> tuple[str, str]:
        return self.quarter_sentence, self.r12_sentence

    @property
    def r12_label(self) -> str:
        return self.quarter.rolling_12_months().label


def _int(value: Any) -> int | None:
    # A count withheld by disclosure control is no count to test or print (an area page of a
    # workspace that suppresses small counts raised TypeError here).
    if value is None or getattr(value, "withheld", False) or pd.isna(value):
        return None
    return int(value)


def _float(value: Any) -> float | None:
    """A finite float or None (a % change from a zero base is None: "up from 0")."""
    if value is None or pd.isna(value):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def compare(
    row: Mapping[str, Any], labels: Mapping[Comparator, str], *, intervals: bool = True
) -> tuple[Comparison, ...]:
    """Every comparator of a measures row (``quarter``, ``r12``, one column per comparator and
    ``change_<comparator>``), each with its Poisson test (and, with ``intervals``, the
    confidence interval of the change)."""
    found = []
    for c in (*QUARTER_COMPARATORS, *R12_COMPARATORS):
        base = "quarter" if c in QUARTER_COMPARATORS else "r12"
        now, before = _int(row.get(base)), _int(row.get(c.value))
        test = _test(now, before, intervals) if now is not None and before is not None else None
        change = _float(row.get(f"change_{c.value}"))
        found.append(Comparison(c, labels[c], now, before, change, test))
    return tuple(found)


def narrate(
    name: str,
    quarter: Quarter,
    comparisons: tuple[Comparison, ...],
    rules: NarrativeRules,
    area_name: str | None = None,
) -> tuple[str, str]:
    """The discrete-quarter and R12 sentences, worded by the significance of each change."""
    by = {c.comparator: c for c in comparisons}
    where = f" in {area_name}" if area_name else ""

    def change(c: Comparator) -> Change | None:
        return by[c].as_change() if c in by else None

    def test(c: Comparator) -> bool | None:
        return by[c].significant if c in by else None

    keys = {
        "previous_quarter": Comparator.PREVIOUS_QUARTER,
        "same_quarter_last_year": Comparator.SAME_QUARTER_LAST_YEAR,
        rules.baseline_key: Comparator.SAME_QUARTER_BASELINE,
    }
    significance = {k: s for k, c in keys.items() if (s := test(c)) is not None}
    q_text = quarter_sentence(
        f"{subject(name)}{where}",
        quarter.label,
        {k: change(c) for k, c in keys.items()},
        rules,
        significance,
    )
    r_text = r12_sentence(
        f"{name}{where}",
        quarter.rolling_12_months().label,
        change(Comparator.PREVIOUS_R12),
        change(Comparator.BASELINE_R12),
        rules,
        test(Comparator.PREVIOUS_R12),
        baseline_significance=test(Comparator.BASELINE_R12),
    )
    return q_text, r_text


def analyse(
    ws: Workspace,
    quarter: Quarter,
    row: Mapping[str, Any],
    pattern: Pattern | None = None,
    *,
    level: str = "force",
    rules: NarrativeRules | None = None,
    intervals: bool = True,
) -> CrimeAnalysis:
    """The judgment of one measures row (one category in one area) for ``quarter``
    (``intervals=False``: the verdicts without the changes' confidence intervals)."""
    rules = rules or narrative_rules(ws)
    comparisons = compare(row, comparator_labels(ws, quarter), intervals=intervals)
    name = str(row["category"])
    area_name = str(row.get("area_name") or "")
    q_text, r_text = narrate(
        name, quarter, comparisons, rules, area_name if level != "force" else None
    )
    return CrimeAnalysis(
        category=name,
        level=level,
        area_code=str(row.get("area_code") or ""),
        area_name=area_name,
        quarter=quarter,
        quarter_volume=_int(row.get("quarter")),
        r12_volume=_int(row.get("r12")),
        rate_per_1000=_float(row.get("r12_rate_per_1000")),
        comparisons=comparisons,
        pattern=pattern,
        quarter_sentence=q_text,
        r12_sentence=r_text,
        outcomes=outcomes_of(row, name, quarter.rolling_12_months().label),
        coverage_note=str(row.get("coverage_note") or ""),
        series_break=str(row.get("series_break") or ""),
    )


def spc_of_counts(
    ws: Workspace, counts: Mapping[date, float], first: date, breaks: Sequence[date] = ()
) -> Pattern:
    """XmR chart of monthly ``counts`` over the 36 months from ``first`` (missing months are
    skipped), rebased at the workspace's change points; fewer offences is better."""
    months = tuple(m for m in (add_months(first, i) for i in range(SPC_MONTHS)) if m in counts)
    labels = [m.strftime("%b %Y") for m in months]
    rebase = [
        m.strftime("%b %Y")
        for m in sorted({*ws.change_points, *breaks})  # a joined series rebases at its break
        if months and months[0] < m <= months[-1] and m in months
    ]
    result = xmr(
        [float(counts[m]) for m in months],
        improvement="down",
        labels=labels,
        rebase_at=rebase,
        floor=0.0,  # a count of offences cannot fall below zero
    )
    return Pattern(result, months)


def break_months(sel: Selection) -> list[date]:
    """The months a joined series changes definition (its SPC chart rebases there)."""
    return [b.month for b in sel.breaks if b.month]


def spc_verdicts_of_counts(
    change_points: Sequence[date],
    counts: np.ndarray,
    months: Sequence[date],
    breaks: Sequence[Sequence[date]] | None = None,
) -> list[str]:
    """:attr:`Pattern.verdict` of :func:`spc_of_counts` for every row of ``counts`` (series ×
    ``months``, the SPC window in order, NaN for a month not published), in one
    :func:`~scrutiny.judge.spc.xmr_many` instead of one chart per series.

    As :func:`spc_of_counts` does, a missing month is skipped (its neighbours become
    neighbours), so each row's present months move to the front; a change point starts a
    segment where it is one of a row's months other than its first (``change_points``: the
    workspace's; ``breaks``: each row's own, as :func:`break_months` of its selection)."""
    counts = np.asarray(counts, dtype=float)
    n, t = counts.shape
    present = ~np.isnan(counts)
    position = np.cumsum(present, axis=1) - 1
    rows = np.nonzero(present)[0]
    packed = np.full((n, t), np.nan)
    packed[rows, position[present]] = counts[present]
    changes = set(change_points)
    change = np.tile(np.array([m in changes for m in months], dtype=bool), (n, 1))
    for row, own in enumerate(breaks or ()):
        if own:  # most series have no break of their own
            change[row] |= np.array([m in set(own) for m in months], dtype=bool)
    starts = np.zeros((n, t), dtype=bool)
    rebase = present & change & (position > 0)
    starts[np.nonzero(rebase)[0], position[rebase]] = True
    chart = xmr_many(packed, starts, improvement="down", floor=0.0)
    return ["not enough data" if v is None else _VERDICT_WORDS[v] for v in chart.latest_verdicts()]


def spc_window(quarter: Quarter) -> tuple[date, date]:
    """First month of the SPC window and the (exclusive) month after the quarter."""
    return add_months(quarter.last_month, -(SPC_MONTHS - 1)), add_months(quarter.last_month, 1)
