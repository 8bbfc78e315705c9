"""Every quarter the data cover, for every category and area of a level, worked out at once.

:func:`scrutiny.measures.crime.crime_measures` answers one quarter in one query; a static site
holding every quarter since the data began would ask it hundreds of times. Here one monthly
series per level (the measures layer's: every published month, no unpublished one) becomes a
matrix of areas × months, and every window of every quarter is a difference of its cumulative
sums, blank where a month of the window is not published. The figures are the same as
``crime_measures`` gives quarter by quarter (a test compares them); the significance of each
change is :func:`scrutiny.judge.significance.significant_many`, the same test as
:func:`scrutiny.analysis.crime.compare` makes one change at a time; the SPC verdict of each
quarter's 36 months is :func:`scrutiny.analysis.crime.spc_verdicts_of_counts`, every area's
chart of a quarter in one pass, as the open-data table of that quarter has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd

from scrutiny.analysis.crime import ALPHA, SPC_MONTHS, break_months, spc_verdicts_of_counts
from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    WINDOWS,
    Baseline,
    Quarter,
    Window,
    add_months,
    comparator_window,
)
from scrutiny.judge.significance import significant_many
from scrutiny.measures.categories import Selection
from scrutiny.measures.crime import monthly_series_and_rows, populations
from scrutiny.measures.query import population_year

COMPARATORS = (*QUARTER_COMPARATORS, *R12_COMPARATORS)


@dataclass(frozen=True)
class History:
    """Rows per quarter (newest first), each row a dict with the measures frame's names:
    ``category``, ``area_code``, ``area_name``, the window counts, ``change_<comparator>``,
    ``population``, ``r12_rate_per_1000``, ``significant_<comparator>`` and ``spc_verdict``."""

    level: str
    quarters: dict[Quarter, list[dict[str, Any]]]


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def history(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str,
    quarters: Sequence[Quarter],
    baseline: Baseline,
    population_year_setting: int | None = None,
    change_points: Sequence[date] = (),
) -> History:
    """The figures of ``chosen`` for every area of ``level`` in each of ``quarters``, with the
    SPC verdict of the 36 months to each quarter's end (rebased at ``change_points``)."""
    series, recorded = monthly_series_and_rows(
        con, chosen, level, date(1900, 1, 1), date(2200, 1, 1)
    )
    if series.empty or not quarters:
        return History(level, {q: [] for q in quarters})
    cells = series[["category", "area_code", "area_name"]].drop_duplicates(
        ["category", "area_code"]
    )
    cell_of = pd.MultiIndex.from_frame(cells[["category", "area_code"]])
    row = cell_of.get_indexer(pd.MultiIndex.from_frame(series[["category", "area_code"]]))
    month = np.array([_month_index(m) for m in series["month"]])
    # Months outside the series are not published: a window reaching them is blank.
    first, width = int(month.min()), int(month.max()) - int(month.min()) + 1
    counts = np.zeros((len(cells), width + 1), dtype=np.int64)
    published = np.zeros((len(cells), width + 1), dtype=np.int64)
    counts[row, month - first + 1] = series["count"].to_numpy(dtype=np.int64)
    published[row, month - first + 1] = 1
    # Cumulative sums with a leading zero column: a window's sum is cum[end] − cum[start].
    count_sum, published_sum = np.cumsum(counts, axis=1), np.cumsum(published, axis=1)
    # Months with rows, published or not, in the same layout from their own first month.
    held = cell_of.get_indexer(pd.MultiIndex.from_frame(recorded[["category", "area_code"]]))
    held_month = np.array([_month_index(m) for m in recorded["month"]], dtype=np.int64)
    held_month = held_month[held >= 0]
    held_first = int(held_month.min(initial=first))
    held_width = int(held_month.max(initial=first)) - held_first + 1
    rows_held = np.zeros((len(cells), held_width + 1), dtype=np.int64)
    rows_held[held[held >= 0], held_month - held_first + 1] = 1
    rows_sum = np.cumsum(rows_held, axis=1)

    # A joined series' chart rebases at its break too, as the open-data tables' do.
    own = {sel.name: break_months(sel) for sel in chosen}
    breaks = [own.get(str(c), []) for c in cells["category"]]

    def spc_verdicts(q: Quarter) -> list[str]:
        """Every cell's SPC verdict for ``q``: the chart's months, NaN where not published."""
        months = [add_months(q.last_month, i - SPC_MONTHS + 1) for i in range(SPC_MONTHS)]
        # Column of each month in ``counts`` (after the leading zero column), clipped.
        at = np.array([_month_index(m) - first + 1 for m in months])
        inside = (at >= 1) & (at <= width)
        values = np.full((len(cells), SPC_MONTHS), np.nan)
        shown = counts[:, at[inside]].astype(float)
        shown[published[:, at[inside]] == 0] = np.nan
        values[:, inside] = shown
        verdicts = spc_verdicts_of_counts(change_points, values, months, breaks)
        # As the tables of one quarter: its window's series lists only the areas with a row in
        # the window, so an area with none has no chart ("not enough data").
        start = min(max(_month_index(months[0]) - held_first, 0), held_width)
        end = min(max(_month_index(months[-1]) - held_first + 1, 0), held_width)
        charted = (rows_sum[:, end] - rows_sum[:, start]) > 0
        return [v if ok else NO_CHART for v, ok in zip(verdicts, charted.tolist(), strict=True)]

    def window(w: Window) -> tuple[np.ndarray, np.ndarray]:
        """The window's sums and whether each is whole (every month published)."""
        start, end = _month_index(w.start) - first, _month_index(w.start) - first + w.months
        if start < 0 or end > width:
            return np.zeros(len(cells), dtype=np.int64), np.zeros(len(cells), dtype=bool)
        total = count_sum[:, end] - count_sum[:, start]
        return total, (published_sum[:, end] - published_sum[:, start]) == w.months

    people = populations(con, level)
    years = sorted(people)
    order = np.lexsort((cells["area_name"].astype(str).to_numpy(), cells["category"].to_numpy()))
    fixed = {c: cells[c].to_numpy()[order].tolist() for c in ("category", "area_code", "area_name")}
    keys = [c.value for c in COMPARATORS]
    found: dict[Quarter, list[dict[str, Any]]] = {}
    for q in quarters:
        year = population_year_setting or population_year(years, q)
        residents = people.get(year, {}) if year is not None else {}
        sums = {
            "quarter": window(q.window()),
            "r12": window(q.rolling_12_months()),
            **{c.value: window(comparator_window(q, c, baseline)) for c in COMPARATORS},
        }
        sums = {k: (total[order], ok[order]) for k, (total, ok) in sums.items()}
        columns: dict[str, list[Any]] = dict(fixed)
        for w in WINDOWS:
            columns[w] = _optional(*sums[w])
        for k in keys:
            (now, now_ok), (then, then_ok) = sums[_BASE[k]], sums[k]
            ok = now_ok & then_ok & (then != 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                columns[f"change_{k}"] = _optional((now - then) * 100.0 / then, ok)
        pop = np.array([residents.get(str(a), 0) for a in fixed["area_code"]], dtype=np.int64)
        columns["population"] = _optional(pop, pop > 0)
        r12, r12_ok = sums["r12"]
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["r12_rate_per_1000"] = _optional(r12 * 1000 / pop, r12_ok & (pop > 0))
        for k in keys:
            columns[f"significant_{k}"] = significant_many(columns[_BASE[k]], columns[k], ALPHA)
        columns["spc_verdict"] = np.array(spc_verdicts(q), dtype=object)[order].tolist()
        names = list(columns)
        table = zip(*columns.values(), strict=True)
        rows = [dict(zip(names, values, strict=True)) for values in table]
        # As in crime_measures, an area with no offence of the category in any window of the
        # quarter (or none published) has no row.
        found[q] = [r for r in rows if any(r[w] for w in WINDOWS)]
    return History(level, found)


#: The verdict of an area without a chart (:attr:`scrutiny.analysis.crime.Pattern.verdict`'s).
NO_CHART = "not enough data"

_BASE = {c.value: "quarter" if c in QUARTER_COMPARATORS else "r12" for c in COMPARATORS}


def _optional(values: np.ndarray, ok: np.ndarray) -> list[Any]:
    """``values`` as Python numbers, None where not ``ok``."""
    return [v if good else None for v, good in zip(values.tolist(), ok.tolist(), strict=True)]
