"""Every quarter the data cover, for every category and area of a level, worked out at once.

:func:`scrutiny.measures.crime.crime_measures` answers one quarter in one query; a static site
holding every quarter since the data began would ask it hundreds of times. Here one monthly
series per level (the measures layer's: every published month, no unpublished one) becomes a
matrix of areas × months, and every window of every quarter is a difference of its cumulative
sums, blank where a month of the window is not published. The figures are the same as
``crime_measures`` gives quarter by quarter (a test compares them); the significance of each
change is :func:`scrutiny.judge.significance.significant_many`, the same test as
:func:`scrutiny.analysis.crime.compare` makes one change at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd

from scrutiny.analysis.crime import ALPHA
from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    WINDOWS,
    Baseline,
    Quarter,
    Window,
    comparator_window,
)
from scrutiny.judge.significance import significant_many
from scrutiny.measures.categories import Selection
from scrutiny.measures.crime import monthly_series, populations
from scrutiny.measures.query import population_year

COMPARATORS = (*QUARTER_COMPARATORS, *R12_COMPARATORS)


@dataclass(frozen=True)
class History:
    """Rows per quarter (newest first), each row a dict with the measures frame's names:
    ``category``, ``area_code``, ``area_name``, the window counts, ``change_<comparator>``,
    ``population``, ``r12_rate_per_1000`` and ``significant_<comparator>``."""

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
) -> History:
    """The figures of ``chosen`` for every area of ``level`` in each of ``quarters``."""
    series = monthly_series(con, chosen, level, date(1900, 1, 1), date(2200, 1, 1))
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
        names = list(columns)
        table = zip(*columns.values(), strict=True)
        rows = [dict(zip(names, values, strict=True)) for values in table]
        # As in crime_measures, an area with no offence of the category in any window of the
        # quarter (or none published) has no row.
        found[q] = [r for r in rows if any(r[w] for w in WINDOWS)]
    return History(level, found)


_BASE = {c.value: "quarter" if c in QUARTER_COMPARATORS else "r12" for c in COMPARATORS}


def _optional(values: np.ndarray, ok: np.ndarray) -> list[Any]:
    """``values`` as Python numbers, None where not ``ok``."""
    return [v if good else None for v, good in zip(values.tolist(), ok.tolist(), strict=True)]
