"""What the crime pages show, built from the measures and the judgments (no HTML here).

The numbers come from :mod:`scrutiny.measures`; the comparisons, their significance, the SPC
verdict and the sentences from :mod:`scrutiny.analysis.crime` (the same judgment ``scrutiny
explain`` and the report show). These functions only pick them out for one selection and apply
small-count suppression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from scrutiny.analysis.crime import CrimeAnalysis
from scrutiny.analysis.data import WorkspaceData, per_facade, row_of
from scrutiny.analysis.disclosure import Withheld
from scrutiny.config.geography import Area
from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    Comparator,
    Quarter,
    add_months,
    comparator_window,
)
from scrutiny.content import spc_chart
from scrutiny.content.disclosure import WITHHELD, Count, Suppressor
from scrutiny.content.format import number, pct_text, rate_text
from scrutiny.content.spc_chart import Band, SeriesPoint, reading_of
from scrutiny.judge.icons import VARIATION_TEXT, variation_icon_svg
from scrutiny.judge.spc import SpcResult, VariationIcon
from scrutiny.measures.categories import Selection
from scrutiny.measures.summary import CAVEAT
from scrutiny.web import charts, geo

#: Comparators as the explorer's menu words them.
COMPARATOR_NAMES = {
    Comparator.PREVIOUS_QUARTER: "Previous quarter",
    Comparator.SAME_QUARTER_LAST_YEAR: "Same quarter last year",
    Comparator.SAME_QUARTER_BASELINE: "Same quarter, pre-pandemic",
    Comparator.PREVIOUS_R12: "Previous 12 months (R12)",
    Comparator.BASELINE_R12: "Pre-pandemic 12 months (R12)",
}
LEVEL_NAMES = {"force": "Force", "bcu": "BCU", "borough": "Borough", "ward": "Ward"}
COMPARISON_LEVELS = ("bcu", "borough", "ward")
#: Above this many areas the comparison has no bar chart (the table lists them all).
CHART_MAX_AREAS = 40
MAP_LEVELS = ("bcu", "borough", "ward")
MEASURES = {
    "rate": "Offences per 1,000 residents (12 months)",
    "change": "% change on the comparator",
    "count": "Offences in the quarter",
}


@dataclass(frozen=True)
class ComparisonRow:
    comparator: Comparator
    name: str
    label: str
    window: str
    now: Count
    then: Count
    change: float | None
    change_text: str
    interval_text: str
    significant: str


@dataclass(frozen=True)
class MonthRow:
    month: date
    label: str
    count: Count
    mean: float | None
    lower: float | None
    upper: float | None
    status: str
    segment: int
    in_quarter: bool
    in_comparator: bool


@dataclass
class Explorer:
    """One category in one area and quarter, against one comparator."""

    category: Selection
    level: str
    area: Area
    quarter: Quarter
    comparator: Comparator
    quarter_count: Count
    r12_count: Count
    rate: float | None
    comparisons: list[ComparisonRow]
    sentences: list[str]
    spc_summary: str
    spc_icon_svg: str
    spc_icon_text: str
    months: list[MonthRow]
    chart_svg: str
    chart_spec: dict[str, Any]
    analysis: CrimeAnalysis
    notes: list[str] = field(default_factory=list)

    @property
    def selected(self) -> ComparisonRow:
        return next(c for c in self.comparisons if c.comparator == self.comparator)

    @property
    def title(self) -> str:
        return f"{self.category.name} in {self.area.name}, {self.quarter.label}"

    @property
    def rate_text(self) -> str:
        return rate_text(self.rate)


def comparisons(
    data: WorkspaceData,
    analysis: CrimeAnalysis,
    quarter: Quarter,
    hide: Suppressor,
    published: dict[str, Any],
) -> list[ComparisonRow]:
    """The analysis's comparisons with the counts as ``published`` (the measures row after
    disclosure control): a withheld count hides its change and test with it."""
    found = []
    for c in analysis.comparisons:
        base = "quarter" if c.comparator in QUARTER_COMPARATORS else "r12"
        now, then = hide.count(published[base]), hide.count(published[c.comparator.value])
        change = c.pct_change
        interval, significant = "–", "–"
        if now.value is not None and then.value is not None:
            ci = c.test.pct_change_interval if c.test else None
            if ci is not None:
                low, high = number(ci.low), number(ci.high)  # from a zero base: no upper limit
                interval = (
                    f"{pct_text(low)} to {pct_text(high)}"
                    if high is not None
                    else f"{pct_text(low)} or more"
                )
            significant = c.significant_text
        else:
            change = None
        window = comparator_window(quarter, c.comparator, data.ws.baseline)
        found.append(
            ComparisonRow(
                c.comparator,
                COMPARATOR_NAMES[c.comparator],
                c.label,
                window.describe(),
                now,
                then,
                change,
                pct_text(change),
                interval,
                significant,
            )
        )
    return found


def _sentences(
    data: WorkspaceData,
    sel: Selection,
    area: Area,
    analysis: CrimeAnalysis,
    rows: list[ComparisonRow],
    series_withheld: bool,
) -> list[str]:
    """The analysis's sentences, unless any count they speak of is withheld (a change in words
    and the other count would give it back)."""
    if any(r.now.suppressed or r.then.suppressed for r in rows) or series_withheld:
        n = data.ws.config.settings.suppress_below
        return [
            f"{sel.name} in {area.name}: some figures are below {n} (or would reveal one) "
            "and are not published."
        ]
    return list(analysis.sentences)


def withheld_months(
    data: WorkspaceData, sel: Selection, level: str, area: Area, quarter: Quarter
) -> dict[date, Withheld]:
    """The months of an area's SPC chart that disclosure control withholds (none when the
    workspace publishes every count; months the data do not cover are blank, not withheld).
    Any one of them withholds the series' statistics."""
    found = data.disclosure(quarter)
    if found is None:
        return {}
    spc, months = data.spc(sel, level, area.code, quarter)
    shown = {m for m, p in zip(months, spc.points, strict=True) if p.value is not None}
    return {
        m: Withheld(found.secondary(sel.name, level, area.code, m))
        for m in found.hidden_months(sel.name, level, area.code) & shown
    }


#: What stands for the SPC reading of a series whose statistics are withheld.
WITHHELD_READING = spc_chart.WITHHELD_READING


def _months(
    spc: SpcResult,
    months: tuple[date, ...],
    quarter: Quarter,
    comparator_months: set[date],
    hide: Suppressor,
    withheld: dict[date, Withheld],
) -> list[MonthRow]:
    """The chart's months as published: a withheld month reads as such, and then no month
    carries the series' mean, limits or reading."""
    in_quarter = set(quarter.window().month_list())
    rows = []
    for point, month in zip(spc.points, months, strict=True):
        stats = not withheld
        rows.append(
            MonthRow(
                month,
                month.strftime("%b %Y"),
                hide.count(withheld.get(month, point.value)),
                point.mean if stats else None,
                point.lower if stats else None,
                point.upper if stats else None,
                reading_of(point.verdict) if point.value is not None and stats else "",
                point.segment,
                month in in_quarter,
                month in comparator_months,
            )
        )
    return rows


def ended_before(months: Sequence[date], quarter: Quarter) -> str:
    """What to say of a monthly series that stops before ``quarter`` ends (a category the
    publisher dropped): its pattern is history, not a reading of the quarter ("" otherwise)."""
    if months and months[-1] < quarter.last_month:
        return f"No monthly figures since {months[-1]:%B %Y}"
    return ""


def spc_icon(spc: SpcResult) -> tuple[str, str]:
    icon = spc.variation_icon
    if icon is None:
        return "", "Not enough data to judge variation"
    return variation_icon_svg(icon, size=32), VARIATION_TEXT[icon]


@per_facade
def explorer(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    area: Area,
    quarter: Quarter,
    comparator: Comparator,
    *,
    with_chart: bool = True,
) -> Explorer:
    """Everything the crime explorer shows for one selection (cached per selection)."""
    hide = Suppressor(data.ws.config.settings.suppress_below)
    published = row_of(data.measures(sel, level, quarter), area.code)
    spc, months = data.spc(sel, level, area.code, quarter)
    analysis = data.judgment(sel, level, area, quarter, published=False)
    rows = comparisons(data, analysis, quarter, hide, published)
    window = comparator_window(quarter, comparator, data.ws.baseline)
    withheld = withheld_months(data, sel, level, area, quarter)
    month_rows = _months(spc, months, quarter, set(window.month_list()), hide, withheld)
    r12 = hide.count(published["r12"])
    rate = number(published.get("r12_rate_per_1000")) if r12.value is not None else None
    icon_svg, icon_text = ("", WITHHELD_READING) if withheld else spc_icon(spc)
    stale = ended_before(months, quarter)
    if stale:
        icon_svg, icon_text = "", stale
    frame = data.raw_measures(sel, level, quarter)
    spec = charts.spc_spec(
        [
            SeriesPoint(
                m.month,
                m.count.value,
                m.mean,
                m.lower,
                m.upper,
                m.segment,
                m.status or (WITHHELD_READING if withheld else reading_of(None)),
            )
            for m in month_rows
        ],
        _bands(quarter, window.start, window.end, comparator, month_rows),
        "Offences per month",
        f"Monthly {sel.name} offences in {area.name} with SPC limits",
    )
    label = (
        f"Chart: {sel.name} offences per month in {area.name}, "
        f"{month_rows[0].label if month_rows else ''} to "
        f"{month_rows[-1].label if month_rows else ''}, with mean and control limits. "
        "The same figures are in the table below."
    )
    notes = [CAVEAT]
    missing = frame.attrs.get("incomplete_windows", [])
    if missing:
        notes.append(
            "Not shown (the data do not cover every month): "
            + ", ".join(str(m).replace("_", " ") for m in missing)
            + "."
        )
    if rate is not None:
        notes.append(f"Rates use ONS mid-year {frame.attrs.get('population_year')} population.")
    if hide.threshold:
        notes.append(
            f"Counts below {hide.threshold} are not published (shown as <{hide.threshold}); "
            f"counts shown as {WITHHELD} are withheld so that a smaller one cannot be worked "
            "out from a total; a series with a withheld month has no published mean or limits."
        )
    return Explorer(
        category=sel,
        level=level,
        area=area,
        quarter=quarter,
        comparator=comparator,
        quarter_count=hide.count(published["quarter"]),
        r12_count=r12,
        rate=rate,
        comparisons=rows,
        sentences=_sentences(data, sel, area, analysis, rows, bool(withheld)),
        spc_summary=(
            icon_text
            if stale
            else analysis.pattern.text
            if analysis.pattern and not withheld
            else ""
        ),
        spc_icon_svg=icon_svg,
        spc_icon_text=icon_text,
        months=month_rows,
        chart_svg=charts.to_svg(spec, label) if with_chart else "",
        chart_spec=spec,
        analysis=analysis,
        notes=notes,
    )


def _bands(
    quarter: Quarter, start: date, end: date, comparator: Comparator, months: list[MonthRow]
) -> list[Band]:
    bands = [Band(quarter.start, add_months(quarter.start, 3), quarter.label)]
    if months and start >= months[0].month and comparator in QUARTER_COMPARATORS:
        bands.append(Band(start, end, COMPARATOR_NAMES[comparator]))
    return bands


@dataclass(frozen=True)
class RankedArea:
    rank: int | None
    area: Area
    quarter_count: Count
    r12_count: Count
    rate: float | None
    change: float | None
    value: float | None
    value_text: str
    status: str
    icon_svg: str
    icon_text: str
    #: The analysis's verdict on the change against the comparator (None: not tested/hidden).
    significant: bool | None = None


@dataclass
class Comparison:
    """Every area of a level ranked on one measure, beside the force figure."""

    category: Selection
    level: str
    quarter: Quarter
    comparator: Comparator
    measure: str
    rows: list[RankedArea]
    force: RankedArea
    chart_svg: str
    chart_spec: dict[str, Any]
    notes: list[str]
    within: Area | None = None

    @property
    def title(self) -> str:
        where = f" in {self.within.name}" if self.within else ""
        return (
            f"{self.category.name} by {LEVEL_NAMES[self.level].lower()}{where}, "
            f"{self.quarter.label}"
        )


def has_rates(data: WorkspaceData, sel: Selection, level: str, quarter: Quarter) -> bool:
    """Whether any area of ``level`` has a rate per 1,000 residents (a population)."""
    frame = data.measures(sel, level, quarter)
    return "r12_rate_per_1000" in frame.columns and bool(frame["r12_rate_per_1000"].notna().any())


def _measure_value(
    measure: str, rate: float | None, change: float | None, q: Count
) -> float | None:
    if measure == "rate":
        return rate
    if measure == "change":
        return change
    return None if q.value is None else float(q.value)


@dataclass(frozen=True)
class AreaFigures:
    """An area's figures as published (a change or rate only where its counts are shown), and
    the value ``measure`` ranks and colours it by."""

    quarter: Count
    r12: Count
    rate: float | None
    change: float | None
    value: float | None


def area_figures(
    row: dict[str, Any], comparator: Comparator, measure: str, hide: Suppressor
) -> AreaFigures:
    base = "quarter" if comparator in QUARTER_COMPARATORS else "r12"
    q, r12 = hide.count(row["quarter"]), hide.count(row["r12"])
    now, then = hide.count(row[base]), hide.count(row[comparator.value])
    change = number(row.get(f"change_{comparator.value}")) if now.shown and then.shown else None
    if change is not None and not math.isfinite(change):
        change = None
    rate = number(row.get("r12_rate_per_1000")) if r12.shown else None
    return AreaFigures(q, r12, rate, change, _measure_value(measure, rate, change, q))


def measure_title(measure: str, comparator: Comparator) -> str:
    """What ``measure`` is, as a chart, map or table heads it."""
    if measure == "change":
        return f"% change on {COMPARATOR_NAMES[comparator].lower()}"
    return MEASURES[measure]


def _value_text(measure: str, value: float | None) -> str:
    if measure == "rate":
        return rate_text(value)
    if measure == "change":
        return pct_text(value)
    return "–" if value is None else f"{value:,.0f}"


def _ranked(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    area: Area,
    frame: pd.DataFrame,
    quarter: Quarter,
    comparator: Comparator,
    measure: str,
    hide: Suppressor,
) -> RankedArea:
    figures = area_figures(row_of(frame, area.code), comparator, measure, hide)
    change, value = figures.change, figures.value
    analysis = area_analysis(data, sel, level, area, quarter)
    significant = analysis.comparison(comparator).significant if change is not None else None
    chart, months = data.spc(sel, level, area.code, quarter)
    spc = analysis.pattern.spc if analysis.pattern else chart
    latest = spc.latest
    stale = ended_before(months, quarter)
    if withheld_months(data, sel, level, area, quarter):
        status, (icon_svg, icon_text) = WITHHELD_READING, ("", WITHHELD_READING)
    elif stale:
        status, (icon_svg, icon_text) = reading_of(None), ("", stale)
    else:
        status, (icon_svg, icon_text) = (
            reading_of(latest.verdict if latest else None),
            spc_icon(spc),
        )
    return RankedArea(
        None,
        area,
        figures.quarter,
        figures.r12,
        figures.rate,
        change,
        value,
        _value_text(measure, value),
        status,
        icon_svg,
        icon_text,
        significant,
    )


def _bar_text(r: RankedArea) -> str:
    return r.value_text if r.status == reading_of(None) else f"{r.value_text} ({r.status.lower()})"


@per_facade
def comparison(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    quarter: Quarter,
    comparator: Comparator,
    measure: str,
    within: Area | None = None,
) -> Comparison:
    """Areas of ``level`` (in ``within``, when given) ranked highest first on ``measure``
    (rate, change or count; cached per selection)."""
    hide = Suppressor(data.ws.config.settings.suppress_below)
    frame = data.measures(sel, level, quarter)
    force_frame = data.measures(sel, "force", quarter)
    args = (quarter, comparator, measure, hide)
    chosen = [
        a for a in data.areas[level].values() if within is None or a.parent_code == within.code
    ]
    rows = [_ranked(data, sel, level, a, frame, *args) for a in chosen]
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0.0), r.area.name))
    rows = [
        RankedArea(i + 1 if r.value is not None else None, *list(vars(r).values())[1:])
        for i, r in enumerate(rows)
    ]
    force = _ranked(data, sel, "force", data.force, force_frame, *args)
    title = measure_title(measure, comparator)
    # A force's count is no yardstick for its areas' counts (rates and changes are).
    reference = None if measure == "count" else force.value
    spec = charts.comparison_spec(
        [charts.Bar(r.area.name, r.value, _bar_text(r), r.status) for r in rows],
        f"{force.area.name}: {force.value_text}",
        reference,
        title,
        f"{sel.name}: {title} by {LEVEL_NAMES[level].lower()}",
    )
    label = (
        f"Bar chart: {title} for {sel.name} by {LEVEL_NAMES[level].lower()}, highest first, "
        + (
            f"with the {force.area.name} figure ({force.value_text}) as a dashed line. "
            if reference is not None
            else ""
        )
        + "The same figures are in the table below."
    )
    notes = [CAVEAT]
    if measure == "rate":
        notes.append(
            f"Rates use ONS mid-year {frame.attrs.get('population_year')} population; "
            "areas with few residents and many visitors (city centres, airports) read high."
        )
    if hide.threshold:
        notes.append(
            f"Counts below {hide.threshold} are not published (shown as <{hide.threshold})."
        )
    charted = len(rows) <= CHART_MAX_AREAS and any(r.value is not None for r in rows)
    if not any(r.value is not None for r in rows):
        notes.append(
            f"No {LEVEL_NAMES[level].lower()} has a figure for this measure"
            + (
                " (no population is loaded for this level, so no rates)."
                if measure == "rate"
                else "."
            )
        )
    elif len(rows) > CHART_MAX_AREAS:
        notes.append(
            f"{len(rows)} areas are too many for a readable chart: the table lists them all "
            "(choose a borough to chart its wards)."
        )
    return Comparison(
        sel,
        level,
        quarter,
        comparator,
        measure,
        rows,
        force,
        charts.to_svg(spec, label) if charted else "",
        spec,
        notes,
        within,
    )


@dataclass(frozen=True)
class Headline:
    category: Selection
    explorer: Explorer


def headlines(data: WorkspaceData, quarter: Quarter) -> list[Headline]:
    """The workspace's headline categories at force level (the home page's crime panel)."""
    comparator = Comparator.SAME_QUARTER_LAST_YEAR
    data.prefetch(data.headline, "force", quarter)  # two queries for all, not two each
    return [
        Headline(
            sel, explorer(data, sel, "force", data.force, quarter, comparator, with_chart=False)
        )
        for sel in data.headline
    ]


# --- local answers: "is crime X up or down here, and is it a real change?" --------------------


def is_published(data: WorkspaceData, sel: Selection, level: str, quarter: Quarter) -> bool:
    """Whether the data hold the category at ``level`` in ``quarter`` at all: a category that a
    publication does not carry (at this level, or since a change of category scheme) has no
    offence in any area, which is "not published", not zero."""
    frame = data.raw_measures(sel, level, quarter)
    if frame.empty or "quarter" not in frame.columns:
        return False
    return bool(pd.to_numeric(frame["quarter"], errors="coerce").fillna(0).sum() > 0)


@dataclass(frozen=True)
class Answer:
    """One category in one area, in plain words (figures and verdicts from the analysis)."""

    category: Selection
    published: bool
    title: str
    detail: str
    pattern: str
    direction: str  # "up", "down" (real changes), "same" or "" (no comparison)
    count: Count | None = None
    change: float | None = None
    rate: float | None = None
    significant: bool | None = None
    #: Positive outcomes ÷ offences over the 12 months (%), where the category publishes them.
    outcome_rate: float | None = None
    outcome_text: str = ""


#: The SPC reading of the monthly series in plain words (the public area page).
PLAIN_PATTERN = {
    VariationIcon.COMMON_CAUSE: "no unusual rise or fall (the ups and downs are the usual ones)",
    VariationIcon.IMPROVEMENT_HIGH: "an unusual run of higher figures, for the better",
    VariationIcon.IMPROVEMENT_LOW: "an unusual run of lower figures, for the better",
    VariationIcon.CONCERN_HIGH: "an unusual run of higher figures, a concern",
    VariationIcon.CONCERN_LOW: "an unusual run of lower figures, a concern",
    VariationIcon.NEITHER_HIGH: "an unusual run of higher figures",
    VariationIcon.NEITHER_LOW: "an unusual run of lower figures",
}


def area_analysis(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    area: Area,
    quarter: Quarter,
    pattern: bool = True,
) -> CrimeAnalysis:
    """The analysis layer's judgment of one category in one area (cached): the figures, each
    comparison's Poisson test and, with ``pattern``, the SPC verdict of the monthly series."""
    # The area page and the rankings show verdicts, not intervals (the explorer does).
    return data.judgment(sel, level, area, quarter, pattern=pattern, intervals=False)


def _outcome_text(analysis: CrimeAnalysis, hide: Suppressor) -> tuple[float | None, str]:
    """The 12-month positive-outcome rate and its sentence, unless a count is hidden."""
    found = analysis.outcomes
    if found is None or found.rate_r12 is None or hide.hides(found.r12):
        return None, ""
    if hide.hides(analysis.r12_volume):
        return None, ""
    return found.rate_r12, found.sentence


def answer(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    area: Area,
    quarter: Quarter,
    pattern: bool = True,
) -> Answer:
    """Whether ``sel`` went up or down in ``area`` against the same quarter last year, whether
    the change is larger than chance would give, and the monthly pattern: each read from the
    analysis (:func:`scrutiny.analysis.crime.analyse`), worded for residents."""
    if not is_published(data, sel, level, quarter):
        return Answer(
            sel,
            False,
            f"{sel.name}: not published at this level for {quarter.label}",
            f"The published data do not give {sel.name.lower()} by "
            f"{LEVEL_NAMES[level].lower()} for this quarter, so no figure is shown "
            "(a blank is not a zero).",
            "",
            "",
        )
    analysis = area_analysis(data, sel, level, area, quarter, pattern)
    cmp = analysis.comparison(Comparator.SAME_QUARTER_LAST_YEAR)
    hide = Suppressor(data.ws.config.settings.suppress_below)
    now, then = hide.count(cmp.current), hide.count(cmp.previous)
    r12 = hide.count(analysis.r12_volume)
    rate = analysis.rate_per_1000 if r12.shown else None
    outcome_rate, outcome_text = _outcome_text(analysis, hide)
    # The SPC reading needs the area's own series: only where the page shows it.
    withheld = pattern and bool(withheld_months(data, sel, level, area, quarter))
    icon = analysis.pattern.spc.variation_icon if analysis.pattern and not withheld else None
    reading = "" if icon is None or now.suppressed else f"Month by month: {PLAIN_PATTERN[icon]}."
    if now.suppressed or then.suppressed:
        n = data.ws.config.settings.suppress_below
        return Answer(
            sel,
            True,
            f"{sel.name}: too few offences to publish",
            f"Counts below {n} are not published, so the change is not shown.",
            "",
            "",
            now,
        )
    change = cmp.pct_change
    if change is None or now.value is None or then.value is None or cmp.significant is None:
        return Answer(
            sel,
            True,
            f"{sel.name}: {now.text} offences in {quarter.label}",
            f"There is no figure for {cmp.label} to compare with.",
            reading,
            "",
            now,
            rate=rate,
            outcome_rate=outcome_rate,
            outcome_text=outcome_text,
        )
    significant = cmp.significant
    if round(change) == 0:
        direction, words = "same", "about the same as"
    else:
        direction = "up" if change > 0 else "down"
        words = f"{direction} {abs(change):.0f}% on"
    real = (
        "a real change: larger than chance alone would give (95% test)."
        if significant
        else "not a clear change: within what chance alone could give."
    )
    return Answer(
        sel,
        True,
        f"{sel.name}: {words} the same quarter last year",
        f"{now.text} offences in {quarter.label} against {then.text} in {cmp.label}; {real}",
        reading,
        direction if significant else "same",
        now,
        change,
        rate,
        significant,
        outcome_rate,
        outcome_text,
    )


def local_categories(data: WorkspaceData) -> list[Selection]:
    """What an area page answers first: the headline categories, then the workspace's own
    groups (e.g. knife crime from a dashboard extract) when they are not headline already."""
    found = list(data.headline)
    found.extend(s for s in data.categories.values() if s.kind == "group" and s not in found)
    return found


@per_facade
def answers(data: WorkspaceData, level: str, area: Area, quarter: Quarter) -> list[Answer]:
    """The headline categories' (and groups') answers for one area (cached)."""
    chosen = local_categories(data)
    data.prefetch(chosen, level, quarter)
    return [answer(data, sel, level, area, quarter) for sel in chosen]


@per_facade
def major_answers(data: WorkspaceData, level: str, area: Area, quarter: Quarter) -> list[Answer]:
    """Every major category's answer for one area (the area page's full table, cached)."""
    majors = [s for s in data.categories.values() if s.kind in ("total", "major", "group")]
    data.prefetch([*majors, *data.headline], level, quarter)
    return [answer(data, sel, level, area, quarter, pattern=False) for sel in majors]


@dataclass(frozen=True)
class SurveyResult:
    survey: str
    measure: str
    value: float
    window: str


def survey_results(data: WorkspaceData, area: Area) -> list[SurveyResult]:
    """What residents told the workspace's surveys, for this area (its overall figures)."""
    return [
        SurveyResult(
            str(r.get("survey") or ""),
            str(r.get("measure") or ""),
            float(r["value"]),
            str(r.get("window") or ""),
        )
        for r in data.survey_results(area)
    ]


def ward_fit_note(data: WorkspaceData) -> str:
    """Where ward figures are summed from neighbourhoods (an LSOA lookup places street-level
    records), what a ward's figure covers; "" where a publisher gives ward figures."""
    if not any(s.kind == "lsoa_lookup" for s in data.ws.config.sources):
        return ""
    return (
        "Ward figures are added up from small neighbourhoods (2011 LSOAs), each counted whole "
        "in the one ward the ONS lookup gives it (a best fit), so a ward's figure covers "
        "roughly, not exactly, the ward, and a ward given no neighbourhood is not listed."
    )


def has_surveys(data: WorkspaceData) -> bool:
    """Whether the workspace publishes any survey result (at any level)."""
    return "surveys" in data.tables and not data.return_rows("surveys").empty


@dataclass(frozen=True)
class StopSearch:
    published: bool
    text: str


def stop_search(data: WorkspaceData, area: Area, quarter: Quarter) -> StopSearch:
    """Stop and search in the quarter, in words: the searches and the share with a positive
    outcome (arrest, summons, caution, …). data.police.uk publishes them per force only."""
    if area.level != "force":
        return StopSearch(
            False, "Stop and search: not published at this level (only for the whole force)."
        )
    found = data.stop_searches(quarter)
    if found is None:
        return StopSearch(False, f"Stop and search: not published for {quarter.label}.")
    hide = Suppressor(data.ws.config.settings.suppress_below)
    searches, positive = hide.count(found[0]), hide.count(found[1])
    if searches.value is None or positive.value is None or searches.value == 0:
        return StopSearch(True, f"Stop and search: {searches.text} searches in {quarter.label}.")
    share = 100 * positive.value / searches.value
    return StopSearch(
        True,
        f"Stop and search: {searches.text} searches in {quarter.label}; {positive.text} "
        f"({share:.0f}%) ended in an arrest or another positive outcome.",
    )


# --- the map ----------------------------------------------------------------------------------

#: Sequential classes for rates and counts (light to dark), diverging for % change
#: (falls blue, rises red); colour-blind safe (ColorBrewer Blues and RdBu).
SEQUENTIAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
DIVERGING = ("#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b")
CHANGE_BREAKS = (-10.0, -2.5, 2.5, 10.0)
NO_DATA = "#bdbdbd"


@per_facade
def boundaries(data: WorkspaceData, level: str) -> geo.Boundaries:
    """The workspace's boundaries of ``level`` (no shapes when it ships none)."""
    path = geo.boundaries_file(data.ws.root, level)
    return geo.load_boundaries(path) if path is not None else geo.Boundaries(())


@per_facade
def shapes(data: WorkspaceData, level: str) -> dict[str, geo.Shape]:
    """The workspace's boundaries of ``level`` by area code ({} when it ships none)."""
    return boundaries(data, level).match(data.areas[level].values())


def neighbours(data: WorkspaceData, area: Area) -> list[Area]:
    """Areas sharing a boundary with ``area`` (from the shipped boundaries), else the other
    areas under the same parent."""
    found = shapes(data, area.level)
    if area.code in found:
        codes = geo.neighbours(found).get(area.code, [])
        return [data.areas[area.level][c] for c in codes if c in data.areas[area.level]]
    parent = data.parent(area)
    if parent is None:
        return []
    return [a for a in data.children(parent) if a.code != area.code and a.level == area.level]


@dataclass(frozen=True)
class MapArea:
    area: Area
    label: str
    value: float | None
    value_text: str
    colour: str
    path: str


@dataclass(frozen=True)
class OutsideShape:
    """A place drawn inside the map's outline whose figures the workspace does not hold."""

    name: str
    path: str
    x: float
    y: float


@dataclass(frozen=True)
class PickerShape:
    """An area of the level above, drawn where the level has no outlines: it lists its own
    areas (a borough's wards), so the level is still reached from a map."""

    area: Area
    path: str
    chosen: bool


@dataclass
class MapView:
    category: Selection
    level: str
    quarter: Quarter
    comparator: Comparator
    measure: str
    measure_name: str
    width: float
    height: float
    areas: list[MapArea]
    legend: list[tuple[str, str]]
    unmapped: list[str]
    force_text: str
    credit: str = ""
    outside: tuple[OutsideShape, ...] = ()
    #: The areas listed are those of this area of the level above (None: every area).
    within: Area | None = None
    #: Where the level has no outlines: the level above's, each listing its own areas.
    picker: tuple[PickerShape, ...] = ()
    picker_width: float = 0.0
    picker_height: float = 0.0
    picker_level: str = ""

    @property
    def title(self) -> str:
        where = f" in {self.within.name}" if self.within is not None else ""
        return (
            f"{self.category.name}: {self.measure_name.lower()} by "
            f"{LEVEL_NAMES[self.level].lower()}{where}, {self.quarter.label}"
        )


def outside_places(data: WorkspaceData) -> list[str]:
    """Names of places the workspace's outlines draw but whose figures it does not hold."""
    found = {
        shape.name
        for level in MAP_LEVELS
        if shapes(data, level)
        for shape in boundaries(data, level).unmatched(data.areas[level].values()).values()
    }
    return sorted(found)


def _picker_level(data: WorkspaceData, level: str) -> str:
    """The level above ``level`` when it has outlines of more than one area to pick from
    (ward → borough), else ""."""
    order = list(LEVEL_NAMES)
    above = order[order.index(level) - 1] if order.index(level) > 1 else ""
    return above if above and len(shapes(data, above)) > 1 else ""


def _classes(values: list[float], measure: str) -> tuple[list[float], tuple[str, ...]]:
    """Upper bounds of the colour classes: fixed for change, quintiles otherwise (repeated or
    empty quintiles dropped, so a force of one or two areas gets no empty classes)."""
    if measure == "change":
        return list(CHANGE_BREAKS), DIVERGING
    ordered = sorted(values)
    if not ordered:
        return [], SEQUENTIAL
    quintiles = {ordered[min(len(ordered) - 1, int(len(ordered) * k / 5))] for k in range(1, 5)}
    cuts = sorted(c for c in quintiles if c > ordered[0])
    return cuts, SEQUENTIAL[len(SEQUENTIAL) - len(cuts) - 1 :]


def _colour(value: float | None, cuts: list[float], palette: tuple[str, ...]) -> str:
    if value is None:
        return NO_DATA
    for i, cut in enumerate(cuts):
        if value < cut:
            return palette[i]
    return palette[len(cuts)]


def _legend(
    cuts: list[float], palette: tuple[str, ...], measure: str, values: list[float]
) -> list[tuple[str, str]]:
    def fmt(x: float) -> str:
        return _value_text(measure, x)

    no_figure = (NO_DATA, "No figure (not published or too few to publish)")
    if not values and measure != "change":
        return [no_figure]
    if not cuts:  # every area has the same figure
        return [(palette[0], fmt(values[0])), no_figure]
    items = [(palette[0], f"below {fmt(cuts[0])}")]
    for i in range(1, len(cuts)):
        items.append((palette[i], f"{fmt(cuts[i - 1])} to below {fmt(cuts[i])}"))
    items.append((palette[len(cuts)], f"{fmt(cuts[-1])} or more"))
    items.append(no_figure)
    return items


@per_facade
def map_view(
    data: WorkspaceData,
    sel: Selection,
    level: str,
    quarter: Quarter,
    comparator: Comparator,
    measure: str,
    within: Area | None = None,
) -> MapView:
    """Areas of ``level`` coloured by ``measure`` (cached per selection); ``within``: only
    the areas of that area of the level above."""
    # Values straight from the measures (no SPC per area: the map has 679 wards to colour).
    hide = Suppressor(data.ws.config.settings.suppress_below)
    frame = data.measures(sel, level, quarter)
    published = is_published(data, sel, level, quarter)

    def value_of(area: Area, frame: pd.DataFrame) -> float | None:
        return area_figures(row_of(frame, area.code), comparator, measure, hide).value

    listed = list(data.areas[level].values())
    if within is not None:
        listed = [a for a in listed if data.parent(a) == within]
    ranked = [(a, value_of(a, frame) if published else None) for a in listed]
    ranked.sort(key=lambda av: (av[1] is None, -(av[1] or 0.0), av[0].name))
    found = shapes(data, level)
    picker_level = "" if found else _picker_level(data, level)
    picker = shapes(data, picker_level) if picker_level else {}
    # The outlines drawn: the level's own, else the level above's to pick from.
    drawn_level = picker_level or level
    drawn = boundaries(data, drawn_level)
    others = drawn.unmatched(data.areas[drawn_level].values()) if found or picker else {}
    outside = {f"outside:{k}": v for k, v in others.items()}
    projected = geo.project({**found, **outside} if found else {})
    picked = geo.project({**picker, **outside}) if picker else None
    above = data.areas[picker_level] if picker_level else {}
    values = [v for _, v in ranked if v is not None]
    cuts, palette = _classes(values, measure)
    areas = [
        MapArea(
            a,
            data.label(a),
            v,
            _value_text(measure, v) if published else "not published",
            _colour(v, cuts, palette),
            projected.paths.get(a.code, ""),
        )
        for a, v in ranked
    ]
    force_value = value_of(data.force, data.measures(sel, "force", quarter))
    force_text = f"{data.force.name}: {_value_text(measure, force_value)}"
    if within is not None:
        own = value_of(within, data.measures(sel, within.level, quarter)) if published else None
        force_text = f"{within.name}: {_value_text(measure, own)}; {force_text}"
    name = measure_title(measure, comparator)
    return MapView(
        sel,
        level,
        quarter,
        comparator,
        measure,
        name,
        projected.width,
        projected.height,
        areas,
        _legend(cuts, palette, measure, values),
        [a.label for a in areas if not a.path] if found else [],
        force_text,
        drawn.attribution if found or picker else "",
        tuple(
            OutsideShape(
                shape.name, (picked or projected).paths[k], *(picked or projected).centres[k]
            )
            for k, shape in sorted(outside.items())
            if (picked or projected).paths.get(k)
        ),
        within,
        tuple(
            PickerShape(above[code], path, within is not None and code == within.code)
            for code, path in sorted(
                ((c, path) for c, path in picked.paths.items() if c in above),
                key=lambda cp: above[cp[0]].name,
            )
        )
        if picked
        else (),
        picked.width if picked else 0.0,
        picked.height if picked else 0.0,
        picker_level,
    )


# --- where crimes were recorded: a point-density grid from street-level coordinates -------------

#: Width of the density map's drawing (its height follows the grid's shape).
DENSITY_WIDTH = 640.0
#: The busiest cells listed in the text alternative.
DENSITY_TABLE_ROWS = 25


@dataclass(frozen=True)
class DensityCell:
    x: float
    y: float
    size: float
    count: Count
    colour: str
    place: str


@dataclass
class DensityView:
    category: Selection
    quarter: Quarter
    width: float
    height: float
    cells: list[DensityCell]
    legend: list[tuple[str, str]]
    total: Count
    busiest: list[DensityCell]
    cell_metres: int

    @property
    def title(self) -> str:
        return f"{self.category.name}: where offences were recorded, {self.quarter.label}"


def count_classes(counts: list[int]) -> tuple[list[int], tuple[str, ...]]:
    """Up to five colour classes of positive counts by quintile: each class's lowest count,
    and the darkest colours of the sequential palette for them."""
    ordered = sorted(counts)
    if not ordered:
        return [1], SEQUENTIAL[-1:]
    distinct = sorted(set(ordered))
    if len(distinct) <= len(SEQUENTIAL):  # few values: one class each
        return distinct, SEQUENTIAL[len(SEQUENTIAL) - len(distinct) :]
    cuts = {ordered[min(len(ordered) - 1, int(len(ordered) * k / 5))] for k in range(1, 5)}
    lows = [ordered[0], *sorted(c for c in cuts if c > ordered[0])]
    return lows, SEQUENTIAL[len(SEQUENTIAL) - len(lows) :]


def density_view(data: WorkspaceData, sel: Selection, quarter: Quarter) -> DensityView | None:
    """The street-level records of ``sel`` in ``quarter`` as a grid of coloured squares (None
    when no street records are loaded for it). Counts below the workspace's suppression
    threshold are drawn as the lowest class and listed as ``<N``."""
    found = data.street_density(sel, quarter)
    if found is None:
        return None
    grid, cells = found
    hide = Suppressor(data.ws.config.settings.suppress_below)
    size = DENSITY_WIDTH / grid.columns
    lows, palette = count_classes([c.count for c in cells])
    drawn = [
        DensityCell(
            round(c.column * size, 2),
            round((grid.rows - 1 - c.row) * size, 2),  # north at the top
            round(size, 2),
            hide.count(c.count),
            palette[sum(1 for low in lows if c.count >= low) - 1],
            c.place,
        )
        for c in cells
    ]
    legend = []
    for i, low in enumerate(lows):
        high = lows[i + 1] - 1 if i + 1 < len(lows) else None
        words = (
            f"{low:,} or more"
            if high is None
            else (f"{low:,}" if high == low else f"{low:,} to {high:,}")
        )
        legend.append((palette[i], words))
    metres = round(grid.cell_height * 111_320)
    return DensityView(
        sel,
        quarter,
        DENSITY_WIDTH,
        round(size * grid.rows, 2),
        drawn,
        [(colour, f"{text} offences per square") for colour, text in legend],
        hide.count(sum(c.count for c in cells)),
        drawn[:DENSITY_TABLE_ROWS],
        metres,
    )
