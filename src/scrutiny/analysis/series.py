"""Indicator series (the ``series`` return) judged like a crime measure: the quarter's figure,
its changes on the previous quarter and the same quarter last year with their significance, the
SPC verdict of the series when it is long enough, and one sentence by the same rules.

Significance: a % with numerator and denominator is two proportions (Newcombe's interval for
the difference excludes zero at 95%); a count is a Poisson rate ratio; anything else (a % with
no sample size, seconds, a rate) cannot be tested and the sentence says so. As for crime, a
change is "increased"/"decreased" only when it is significant and beyond the stable band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scrutiny.config.periods import Quarter
from scrutiny.judge.narrative import DEFAULT_RULES, format_pct_change, format_pp_change
from scrutiny.judge.significance import newcombe_interval, rate_ratio
from scrutiny.judge.spc import SpcResult, xmr


@dataclass(frozen=True)
class Point:
    period: Quarter
    value: float
    numerator: float | None
    denominator: float | None
    target: float | None


@dataclass(frozen=True)
class SeriesChange:
    label: str  # the comparator's quarter, e.g. "Q4 2022-23"
    value: float  # pp for a %, % otherwise
    significant: bool | None  # None: not testable
    decimals: int = 0  # the published precision of the two figures


@dataclass(frozen=True)
class SeriesAnalysis:
    measure: str
    area: str
    unit: str
    polarity: str
    points: tuple[Point, ...]  # oldest first, up to the quarter
    changes: tuple[SeriesChange, ...]
    spc: SpcResult | None
    sentence: str

    @property
    def latest(self) -> Point:
        return self.points[-1]


def latest_rows(rows: Iterable[Mapping[str, Any]], quarter: Quarter) -> list[Mapping[str, Any]]:
    """Rows of returns up to ``quarter`` for periods up to it; where returns repeat a (measure,
    area, period), the latest return's figure stands (a revision). The rows' ``quarter`` (filed)
    and ``period`` are typed quarters, as the store's reader returns them."""
    best: dict[tuple[str, str, str], tuple[Quarter, Mapping[str, Any]]] = {}
    for r in rows:
        filed, period = r["quarter"], r["period"]
        if filed > quarter or period > quarter:
            continue
        key = (str(r["measure"]), str(r.get("area") or ""), str(period))
        if key not in best or best[key][0] < filed:
            best[key] = (filed, r)
    return [r for _, r in best.values()]


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "seconds":
        return f"{value:g} seconds"
    return f"{value:g}"


def _change(now: Point, before: Point, unit: str) -> SeriesChange | None:
    label = before.period.label
    if unit == "%":
        value = now.value - before.value
        significant = None
        if now.denominator and before.denominator:
            low, high = newcombe_interval(
                now.value, now.denominator, before.value, before.denominator
            )
            significant = low > 0 or high < 0
        whole = float(now.value).is_integer() and float(before.value).is_integer()
        return SeriesChange(label, value, significant, 0 if whole else 1)
    if before.value == 0:
        return None
    value = (now.value - before.value) / before.value * 100
    significant = None
    if unit == "count" and float(now.value).is_integer() and float(before.value).is_integer():
        significant = bool(rate_ratio(now.value, before.value, interval=False).significant)
    return SeriesChange(label, value, significant)


def _phrase(c: SeriesChange, unit: str) -> str:
    size = format_pp_change(c.value, c.decimals) if unit == "%" else format_pct_change(c.value)
    band = DEFAULT_RULES.stable_band_pp if unit == "%" else DEFAULT_RULES.stable_band_pct
    if c.significant is None:
        return f"{size} on {c.label} (not tested: no sample size)"
    if c.significant and abs(c.value) >= band:
        word = DEFAULT_RULES.increased if c.value > 0 else DEFAULT_RULES.decreased
        return f"{word} on {c.label} ({size}, significant at 95%)"
    return f"{DEFAULT_RULES.stable} on {c.label} ({size}, not significant at 95%)"


def analyse_series(rows: Iterable[Mapping[str, Any]], quarter: Quarter) -> list[SeriesAnalysis]:
    """Every (measure, area) with a figure for ``quarter``, in the order the rows first name
    them."""
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in latest_rows(rows, quarter):
        grouped.setdefault((str(r["measure"]), str(r.get("area") or "")), []).append(r)
    out = []
    for (measure, area), found in grouped.items():
        found.sort(key=lambda r: r["period"])
        points = tuple(
            Point(
                r["period"],
                float(r["value"]),
                r.get("numerator"),
                r.get("denominator"),
                r.get("target"),
            )
            for r in found
        )
        if points[-1].period != quarter:
            continue
        unit, polarity = str(found[-1]["unit"]), str(found[-1].get("polarity") or "")
        by_period = {p.period: p for p in points}
        changes = tuple(
            c
            for back in (1, 4)
            if (before := by_period.get(quarter.shift(-back))) is not None
            and (c := _change(points[-1], before, unit)) is not None
        )
        spc = xmr(
            [p.value for p in points],
            improvement=polarity or "neutral",  # type: ignore[arg-type]
            target=points[-1].target,
            labels=[p.period.label for p in points],
        )
        where = f" ({area})" if area else ""
        text = f"{measure}{where}: {_fmt(points[-1].value, unit)} in {quarter.label}"
        if changes:
            text += "; " + "; ".join(_phrase(c, unit) for c in changes)
        if points[-1].target is not None:
            text += f"; target {_fmt(points[-1].target, unit)}"
        out.append(
            SeriesAnalysis(
                measure, area, unit, polarity, points, changes,
                spc if spc.enough_points else None, text + ".",
            )
        )  # fmt: skip
    return out
