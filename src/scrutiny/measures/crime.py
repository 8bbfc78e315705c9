"""Recorded-crime measures as Ibis expressions over the canonical ``crime_counts`` table.

For each (category selection, area) and one quarter: the discrete-quarter and rolling-12-month
volumes, the volume of each comparator window, % changes, and the R12 rate per 1,000 residents.
Everything is one grouped aggregate with conditional sums, so all boroughs × all categories is a
single scan. The expressions use only portable Ibis operations (no backend SQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    Baseline,
    Comparator,
    Quarter,
    Window,
    comparator_window,
)
from scrutiny.measures.categories import Selection

LEVELS = ("force", "bcu", "borough", "ward")


@dataclass(frozen=True)
class CrimeQuery:
    quarter: Quarter
    baseline: Baseline
    level: str = "force"
    areas: tuple[str, ...] = ()  # area codes or names; empty = every area of the level
    population_year: int | None = None

    def windows(self) -> dict[str, Window]:
        """The windows one query sums, by column name."""
        q = self.quarter
        found = {"quarter": q.window(), "r12": q.rolling_12_months()}
        for c in (*QUARTER_COMPARATORS, *R12_COMPARATORS):
            found[c.value] = comparator_window(q, c, self.baseline)
        return found


def _in_window(month: ir.DateColumn, w: Window) -> ir.BooleanColumn:
    return (month >= w.start) & (month < w.end)


def category_table(chosen: Sequence[Selection]) -> ir.Table:
    rows = [
        {"category": s.name, "category_kind": s.kind, "major_category": mj, "minor_category": mn}
        for s in chosen
        for mj, mn in sorted(s.pairs)
    ]
    return ibis.memtable(pd.DataFrame(rows))


def _offences_by_area(
    con: ibis.BaseBackend, chosen: Sequence[Selection], level: str, first: date, end: date
) -> ir.Table:
    """Offence rows of the chosen categories in [first, end), each with ``key``: its area at
    ``level`` (boroughs roll up to their BCU and to the force; wards stay wards)."""
    counts = con.table("crime_counts")
    source_level = "ward" if level == "ward" else "borough"
    t = counts.filter(
        counts.geo_level == source_level,
        counts.measure == "offences",
        counts.month >= first,
        counts.month < end,
    ).join(category_table(chosen), ["major_category", "minor_category"])
    areas = con.table("areas")
    if level in ("borough", "ward"):
        return t.mutate(key=t.area_code)
    if level == "bcu":
        boroughs = areas.filter(areas.geo_level == "borough").select(
            area_code=areas.area_code, key=areas.parent_code
        )
        return t.join(boroughs, "area_code").filter(lambda r: r.key.notnull())
    if level == "force":
        force = areas.filter(areas.geo_level == "force").select(key=areas.area_code)
        return t.cross_join(force)
    raise ValueError(f"unknown geography level {level!r}; expected one of {LEVELS}")


def volumes_expr(con: ibis.BaseBackend, query: CrimeQuery, chosen: Sequence[Selection]) -> ir.Table:
    """Per (category, area): the volume of every window of the query."""
    windows = query.windows()
    first = min(w.start for w in windows.values())
    last = max(w.end for w in windows.values())
    t = _offences_by_area(con, chosen, query.level, first, last)
    areas = con.table("areas")
    sums = {
        name: t["count"].sum(where=_in_window(t.month, w)).coalesce(0)
        for name, w in windows.items()
    }
    agg = t.group_by(["category", "category_kind", "key"]).aggregate(**sums)
    names = areas.filter(areas.geo_level == query.level).select(
        key=areas.area_code, area_name=areas.area_name
    )
    joined = agg.left_join(names, agg.key == names.key)
    return joined.select(
        "category",
        "category_kind",
        area_code=agg.key,
        area_name=names.area_name,
        **{name: agg[name] for name in windows},
    )


def population_expr(con: ibis.BaseBackend, query: CrimeQuery, year: int) -> ir.Table:
    """Residents per area of the query's level (boroughs summed up to BCU and force)."""
    areas, pop = con.table("areas"), con.table("population")
    pop = pop.filter(pop.year == year).select("area_code", "population")
    boroughs = areas.filter(areas.geo_level == "borough").join(pop, "area_code")
    if query.level == "borough":
        return boroughs.select("area_code", "population")
    if query.level == "bcu":
        b = boroughs.filter(boroughs.parent_code.notnull())
        return b.group_by(area_code=b.parent_code).aggregate(population=b.population.sum())
    if query.level == "force":
        force = areas.filter(areas.geo_level == "force").select(force_code=areas.area_code)
        b = boroughs.cross_join(force)
        return b.group_by(area_code=b.force_code).aggregate(population=b.population.sum())
    return pop.filter(pop.area_code == "").select("area_code", "population")  # no ward denominators


def pct_change(current: ir.NumericValue, previous: ir.NumericValue) -> ir.NumericValue:
    """% change; NULL when the comparator is zero (no meaningful percentage)."""
    return ibis.ifelse(previous == 0, ibis.null(), (current - previous) * 100.0 / previous)


def measures_expr(
    con: ibis.BaseBackend, query: CrimeQuery, chosen: Sequence[Selection], population_year: int
) -> ir.Table:
    v = volumes_expr(con, query, chosen)
    if query.areas:
        wanted = [a for a in query.areas]
        v = v.filter(v.area_code.isin(wanted) | v.area_name.isin(wanted))
    pop = population_expr(con, query, population_year)
    v = v.left_join(pop, v.area_code == pop.area_code).select(v, pop.population)
    changes = {
        f"change_{c.value}": pct_change(v.quarter, v[c.value]) for c in QUARTER_COMPARATORS
    } | {f"change_{c.value}": pct_change(v.r12, v[c.value]) for c in R12_COMPARATORS}
    rate = ibis.ifelse(
        v.population.isnull() | (v.population == 0),
        ibis.null(),
        v.r12 * 1000.0 / v.population,
    )
    return v.mutate(**changes, r12_rate_per_1000=rate).order_by(["category", "area_name"])


def latest_population_year(con: ibis.BaseBackend, quarter: Quarter) -> int | None:
    """The newest mid-year estimate not after the quarter's start; else the oldest there is."""
    pop = con.table("population")
    years = sorted(int(y) for y in pop.select("year").distinct().to_pandas()["year"])
    if not years:
        return None
    usable = [y for y in years if date(y, 6, 30) <= quarter.start]
    return usable[-1] if usable else years[0]


def months_covered(con: ibis.BaseBackend, level: str = "borough") -> set[date]:
    """Months the data holds at the level measures are summed from (wards, or boroughs)."""
    counts = con.table("crime_counts")
    source_level = "ward" if level == "ward" else "borough"
    months = counts.filter(counts.geo_level == source_level).select("month").distinct().to_pandas()
    return {pd.Timestamp(m).date() for m in months["month"]}


def incomplete_windows(query: CrimeQuery, covered: set[date]) -> list[str]:
    """Names of windows with a month the data does not cover: their figures must not be shown."""
    return [
        name for name, w in query.windows().items() if any(m not in covered for m in w.month_list())
    ]


def comparator_label(c: Comparator, query: CrimeQuery) -> str:
    w = comparator_window(query.quarter, c, query.baseline)
    return w.label or w.describe()


def available_selections(
    con: ibis.BaseBackend, groups: Sequence[tuple[str, Sequence[str], Sequence[str]]] = ()
) -> dict[str, Selection]:
    from scrutiny.measures.categories import selections

    counts = con.table("crime_counts")
    pairs = counts.select("major_category", "minor_category").distinct().to_pandas()
    return selections(pairs.itertuples(index=False, name=None), groups)


def crime_measures(
    con: ibis.BaseBackend, query: CrimeQuery, chosen: Sequence[Selection]
) -> pd.DataFrame:
    """The measures as a DataFrame; figures of windows the data does not fully cover are blank."""
    year = query.population_year or latest_population_year(con, query.quarter) or 0
    df = measures_expr(con, query, chosen, year).to_pandas()
    missing = incomplete_windows(query, months_covered(con, query.level))
    for name in missing:
        df[name] = pd.NA
        for col in [c for c in df.columns if c.startswith("change_")]:
            if col == f"change_{name}" or (name in ("quarter", "r12") and _uses(col, name)):
                df[col] = pd.NA
    if "r12" in missing:
        df["r12_rate_per_1000"] = pd.NA
    df.attrs["population_year"] = year
    df.attrs["incomplete_windows"] = missing
    return df.reset_index(drop=True)


def _uses(change_col: str, base: str) -> bool:
    comparator = Comparator(change_col.removeprefix("change_"))
    return (comparator in R12_COMPARATORS) == (base == "r12")


def monthly_series_expr(
    con: ibis.BaseBackend, chosen: Sequence[Selection], level: str, first: date, end: date
) -> ir.Table:
    """Monthly volumes per (category, area) from ``first`` up to (not including) ``end``."""
    t = _offences_by_area(con, chosen, level, first, end)
    areas = con.table("areas")
    agg = t.group_by(["category", "key", "month"]).aggregate(count=t["count"].sum())
    names = areas.filter(areas.geo_level == level).select(
        key=areas.area_code, area_name=areas.area_name
    )
    joined = agg.left_join(names, agg.key == names.key)
    return joined.select(
        "category", "month", "count", area_code=agg.key, area_name=names.area_name
    ).order_by(["category", "area_code", "month"])


def monthly_series(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str = "force",
    first: date = date(2010, 1, 1),
    end: date = date(2100, 1, 1),
) -> pd.DataFrame:
    """Monthly volumes as a DataFrame (category, area_code, area_name, month, count)."""
    df = monthly_series_expr(con, chosen, level, first, end).to_pandas()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df
