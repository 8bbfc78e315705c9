"""Recorded-crime measures as Ibis expressions over the canonical ``crime_facts`` table.

For each (category selection, area) and one quarter: the discrete-quarter and rolling-12-month
volumes, the volume of each comparator window, % changes, the R12 rate per 1,000 residents, and,
for categories with a ``positive_outcomes`` measure, positive outcomes, the positive-outcome rate
(outcomes ÷ offences in the same window) and its change in percentage points. Everything is one
grouped aggregate with conditional sums over the current facts, so all areas × all categories is
a single scan. The expressions use only portable Ibis operations (no backend SQL).

Coverage is honest, per (category, area): a window's figure is shown only when every month of it
is published for the selection's categories *and* for the area (a published month without a row
is a zero; a month no current source publishes, for the category or for the area, is missing),
and a comparison only when both windows are; each blank says why. A force or BCU is published in
a month when each of its local authorities is (the unallocated and outside pseudo-areas count
for the force total but are never required).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from scrutiny.config.geography import QUERY_LEVELS
from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    Baseline,
    Comparator,
    Quarter,
    Window,
    comparator_window,
)
from scrutiny.measures.categories import GroupSpec, Member, Selection, selections
from scrutiny.measures.query import (
    MEMBER_COLUMNS,
    MEMBERS_TABLE,
    PO,
    STORED_LEVELS,
    AreaCoverage,
    AreaMonths,
    area_months_of,
    cell_months,
    population_year,
    source_level,
)
from scrutiny.measures.query import CrimeQuery as CrimeQuery
from scrutiny.measures.query import base_of as _base_of
from scrutiny.measures.query import selection_months as selection_months
from scrutiny.store.crime import (
    OFFENCES,
    POSITIVE_OUTCOMES,
    RECORDED_CRIME_SCHEMES,
    current_crime_facts,
    current_published,
    current_published_areas,
)


def _in_window(month: ir.DateColumn, w: Window) -> ir.BooleanColumn:
    return (month >= w.start) & (month < w.end)


_CATEGORY_COLUMNS = MEMBER_COLUMNS


def category_table(chosen: Sequence[Selection]) -> ir.Table:
    """One row per (selection, member category)."""
    rows = [
        (s.name, s.kind, scheme, group, category)
        for s in chosen
        for scheme, group, category in sorted(s.members)
    ]
    frame = pd.DataFrame(rows, columns=list(_CATEGORY_COLUMNS), dtype="string")
    return ibis.memtable(frame.astype(object))


def _facts_by_area(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str,
    first: date,
    end: date,
    measures: Sequence[str] = (OFFENCES,),
    members: ir.Table | None = None,
) -> ir.Table:
    """Current facts of the chosen categories and measures in [first, end), each with ``key``:
    its area at ``level`` (local authorities roll up to their BCU and to the force, the
    unallocated and other force-only areas to the force only; wards stay wards).

    ``members`` (rows as :func:`category_table`'s) replaces ``chosen`` when given: the
    compiled crime table names a table it fills at run time."""
    facts = current_crime_facts(con)
    t = facts.filter(
        facts.geo_level == source_level(level),
        facts.measure.isin(list(measures)),
        facts.month >= first,
        facts.month < end,
    )
    t = t.select(
        "month",
        "area_code",
        "area_name",
        "scheme",
        "category_group",
        "measure",
        "count",
        member=t.category,
    )
    members = category_table(chosen) if members is None else members
    t = t.join(members, ["scheme", "category_group", "member"])
    areas = con.table("areas")
    if level in STORED_LEVELS:
        return t.mutate(key=t.area_code)
    if level == "bcu":
        boroughs = areas.filter(areas.geo_level == "borough").select(
            area_code=areas.area_code, key=areas.parent_code
        )
        return t.join(boroughs, "area_code").filter(lambda r: r.key.notnull())
    if level == "force":
        force = areas.filter(areas.geo_level == "force").select(key=areas.area_code)
        return t.cross_join(force)
    raise ValueError(f"unknown geography level {level!r}; expected one of {QUERY_LEVELS}")


def volumes_expr(
    con: ibis.BaseBackend,
    query: CrimeQuery,
    chosen: Sequence[Selection],
    members: ir.Table | None = None,
) -> ir.Table:
    """Per (category, area): offences and positive outcomes in every window of the query."""
    windows = query.windows()
    first = min(w.start for w in windows.values())
    last = max(w.end for w in windows.values())
    measures = (OFFENCES, POSITIVE_OUTCOMES)
    t = _facts_by_area(con, chosen, query.level, first, last, measures, members)
    areas = con.table("areas")
    offences, outcomes = t.measure == OFFENCES, t.measure == POSITIVE_OUTCOMES
    sums = {
        name: t["count"].sum(where=_in_window(t.month, w) & offences).coalesce(0)
        for name, w in windows.items()
    } | {
        PO + name: t["count"].sum(where=_in_window(t.month, w) & outcomes).coalesce(0)
        for name, w in windows.items()
    }
    # A stored level's areas are named by the data where the area table has no row (e.g. snt).
    own_name = t.area_name.max() if query.level in STORED_LEVELS else t.key.max()
    agg = t.group_by(["category", "category_kind", "key"]).aggregate(**sums, own_name=own_name)
    names = areas.filter(areas.geo_level == query.level).select(
        key=areas.area_code, area_name=areas.area_name
    )
    joined = agg.left_join(names, agg.key == names.key)
    return joined.select(
        "category",
        "category_kind",
        area_code=agg.key,
        area_name=names.area_name.fill_null(agg.own_name),
        **{name: agg[name] for name in sums},
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


def outcome_rate(outcomes: ir.NumericValue, offences: ir.NumericValue) -> ir.NumericValue:
    """Positive outcomes as a % of offences in the same window; NULL without offences."""
    return ibis.ifelse(offences == 0, ibis.null(), outcomes * 100.0 / offences)


def measures_expr(
    con: ibis.BaseBackend,
    query: CrimeQuery,
    chosen: Sequence[Selection],
    population_year: int,
    members: ir.Table | None = None,
) -> ir.Table:
    v = volumes_expr(con, query, chosen, members)
    if query.areas:
        wanted = list(query.areas)
        v = v.filter(v.area_code.isin(wanted) | v.area_name.isin(wanted))
    pop = population_expr(con, query, population_year)
    v = v.left_join(pop, v.area_code == pop.area_code).select(v, pop.population)
    comparators = (*QUARTER_COMPARATORS, *R12_COMPARATORS)
    changes = {f"change_{c.value}": pct_change(v[_base_of(c)], v[c.value]) for c in comparators}
    rate = ibis.ifelse(
        v.population.isnull() | (v.population == 0),
        ibis.null(),
        v.r12 * 1000.0 / v.population,
    )
    rates = {w: outcome_rate(v[PO + w], v[w]) for w in ("quarter", "r12")}
    outcomes = {
        "positive_outcomes_quarter": v[PO + "quarter"],
        "positive_outcomes_r12": v[PO + "r12"],
        "outcome_rate_quarter": rates["quarter"],
        "outcome_rate_r12": rates["r12"],
    } | {
        f"outcome_rate_change_{c.value}": rates[_base_of(c)]
        - outcome_rate(v[PO + c.value], v[c.value])
        for c in comparators
    }
    # The code breaks ties between same-named areas (two wards called Woodside), so the order
    # is the same in every build.
    return v.mutate(**changes, r12_rate_per_1000=rate, **outcomes).order_by(
        ["category", "area_name", "area_code"]
    )


def latest_population_year(con: ibis.BaseBackend, quarter: Quarter) -> int | None:
    """The newest mid-year estimate not after the quarter's start; else the oldest there is."""
    pop = con.table("population")
    years = [int(y) for y in pop.select("year").distinct().to_pandas()["year"]]
    return population_year(years, quarter)


def published_months(
    con: ibis.BaseBackend, level: str = "borough"
) -> dict[tuple[str, Member], set[date]]:
    """(measure, member category) → the months a current publication covers at the level the
    measures of ``level`` are summed from (wards, or local authorities)."""
    pub = current_published(con)
    pub = pub.filter(pub.geo_level == source_level(level))
    cols = ("measure", "scheme", "category_group", "category", "month")
    table = pub.select(*cols).to_pyarrow()  # dates come back as datetime.date, no pandas
    found: dict[tuple[str, Member], set[date]] = {}
    for measure, scheme, group, category, month in zip(
        *(table.column(c).to_pylist() for c in cols), strict=True
    ):
        found.setdefault((measure, (scheme, group, category)), set()).add(month)
    return found


def area_months(con: ibis.BaseBackend, level: str = "borough") -> AreaMonths:
    """The months each area of ``level`` is published, per scheme and measure
    (:func:`scrutiny.measures.query.area_months_of`)."""
    exprs = area_reads(con, level)
    rows = exprs["published_areas"].to_pyarrow().to_pylist()
    tree = exprs["boroughs"].to_pyarrow().to_pylist()
    force = exprs["force"].to_pyarrow().to_pylist()
    return area_months_of(
        ((r["scheme"], r["measure"], r["area_code"], r["month"]) for r in rows),
        level,
        ((r["area_code"], r["parent_code"]) for r in tree),
        force[0]["area_code"] if force else "",
    )


def area_reads(con: ibis.BaseBackend, level: str) -> dict[str, ir.Table]:
    """What :func:`area_months` reads: the current published areas at the level's stored level,
    the local authorities with their BCU, and the force."""
    pub = current_published_areas(con)
    pub = pub.filter(pub.geo_level == source_level(level))
    areas = con.table("areas")
    return {
        "published_areas": pub.select("scheme", "measure", "area_code", "month"),
        "boroughs": areas.filter(areas.geo_level == "borough").select("area_code", "parent_code"),
        "force": areas.filter(areas.geo_level == "force").select("area_code"),
    }


def months_covered(con: ibis.BaseBackend, level: str = "borough") -> set[date]:
    """Months the recorded-crime figures cover at the level measures are summed from (wards, or
    local authorities); for a workspace with extracts only, the months any figure covers."""
    facts = current_crime_facts(con)
    t = facts.filter(facts.geo_level == source_level(level), facts.measure == OFFENCES)
    recorded = t.filter(t.scheme.isin(list(RECORDED_CRIME_SCHEMES)))
    months = recorded.select("month").distinct().to_pandas()
    if months.empty:
        months = t.select("month").distinct().to_pandas()
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
    con: ibis.BaseBackend, groups: Sequence[GroupSpec] = ()
) -> dict[str, Selection]:
    """Every selection of the categories current publications cover (see ``categories``)."""
    pub = current_published(con)
    members = pub.select("scheme", "category_group", "category").distinct().to_pandas()
    return selections(members.itertuples(index=False, name=None), groups)


def crime_measures(
    con: ibis.BaseBackend, query: CrimeQuery, chosen: Sequence[Selection]
) -> pd.DataFrame:
    """The measures as a DataFrame; a figure whose window is not fully published for its
    category is blank, and ``coverage_note`` says why (so is ``series_break`` for joins)."""
    year = query.population_year or latest_population_year(con, query.quarter) or 0
    df = measures_expr(con, query, chosen, year).to_pandas()
    windows = query.windows()
    counts = [*windows, *(PO + w for w in windows), "positive_outcomes_quarter"]
    counts += ["positive_outcomes_r12", "population"]  # residents are a count, null or not
    df = df.astype({c: "Int64" for c in counts} | {c: "Float64" for c in _fractional(df)})
    published = published_months(con, query.level)
    areas = area_months(con, query.level)
    by_name = {s.name: s for s in chosen}
    coverage = AreaCoverage(chosen, published, areas, windows)
    row_notes: list[str] = []
    blank_rows: dict[frozenset[str], list[int]] = {}
    for i, (name, code, area_name) in enumerate(
        zip(df["category"], df["area_code"], df["area_name"], strict=True)
    ):
        if name not in by_name:
            row_notes.append("")
            continue
        cov = coverage.of(name, str(code), str(area_name))
        row_notes.append(cov.note)
        blank_rows.setdefault(cov.blank, []).append(i)
    for blank, rows in blank_rows.items():
        columns = [c for c in df.columns if c in blank]
        if columns:
            df.loc[df.index[rows], columns] = pd.NA
    df = df.drop(columns=[PO + w for w in windows])
    df["coverage_note"] = row_notes if len(df) else pd.Series(dtype="string")
    df["series_break"] = df["category"].map(
        lambda c: "; ".join(b.note for b in by_name[c].breaks) if c in by_name else ""
    )
    every = [set(cov.gaps) for cov in coverage.category.values()]
    df.attrs["population_year"] = year
    df.attrs["incomplete_windows"] = (
        sorted(set.intersection(*every), key=list(windows).index) if every else []
    )
    df.attrs["coverage_notes"] = coverage.notes()
    df.attrs["series_breaks"] = [f"{s.name}: {b.note}" for s in chosen for b in s.breaks]
    # The same three notes for each category alone, for callers that split a batch by category.
    df.attrs["by_category"] = {
        s.name: {
            "incomplete_windows": sorted(coverage.category[s.name].gaps, key=list(windows).index),
            "coverage_notes": [coverage.category[s.name].note]
            * bool(coverage.category[s.name].note)
            + [n for n in dict.fromkeys(coverage.area_notes) if n.startswith(f"{s.name} in ")],
            "series_breaks": [f"{s.name}: {b.note}" for b in s.breaks],
        }
        for s in chosen
    }
    return df.reset_index(drop=True)


def _fractional(df: pd.DataFrame) -> list[str]:
    prefixes = ("change_", "outcome_rate", "r12_rate")
    return [c for c in df.columns if c.startswith(prefixes)]


def monthly_series_expr(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str,
    first: date,
    end: date,
    measure: str = OFFENCES,
) -> ir.Table:
    """Monthly offences (or another ``measure``, e.g. positive outcomes) per (category, area)
    from ``first`` up to (not including) ``end``."""
    t = _facts_by_area(con, chosen, level, first, end, (measure,))
    areas = con.table("areas")
    agg = t.group_by(["category", "key", "month"]).aggregate(count=t["count"].sum())
    names = areas.filter(areas.geo_level == level).select(
        key=areas.area_code, area_name=areas.area_name
    )
    joined = agg.left_join(names, agg.key == names.key)
    return joined.select(
        "category",
        "month",
        "count",
        area_code=agg.key,
        area_name=names.area_name.fill_null(agg.key),
    ).order_by(["category", "area_code", "month"])


def monthly_series(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str = "force",
    first: date = date(2010, 1, 1),
    end: date = date(2100, 1, 1),
    measure: str = OFFENCES,
) -> pd.DataFrame:
    """Monthly offences (or ``measure``) as a DataFrame (category, area_code, area_name, month,
    count): every month published for the category and measure appears (a zero where no row),
    no unpublished month does. Only the (category, area) pairs with a row in the span appear."""
    return monthly_series_and_rows(con, chosen, level, first, end, measure)[0]


def monthly_series_and_rows(
    con: ibis.BaseBackend,
    chosen: Sequence[Selection],
    level: str = "force",
    first: date = date(2010, 1, 1),
    end: date = date(2100, 1, 1),
    measure: str = OFFENCES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`monthly_series` and the months that have rows (category, area_code, month), for
    a caller that cuts many shorter spans out of one long one: a pair appears in a span's
    series only where it has a row in that span."""
    df = monthly_series_expr(con, chosen, level, first, end, measure).to_pandas()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    published = published_months(con, level)
    areas = area_months(con, level)
    with_areas = {(s, m) for s, m, _ in areas}
    # Columns as plain lists, one frame at the end: a frame per (category, area) made a ward
    # level of 82 categories (55,000 small frames) take a minute.
    cols: dict[str, list[Any]] = {c: [] for c in _SERIES_COLUMNS}
    by_name = {sel.name: sel for sel in chosen}
    month_of, count_of = df["month"].to_numpy(), df["count"].to_numpy()
    cells = df.groupby(["category", "area_code", "area_name"], dropna=False, sort=False).indices
    for (category, code, name), rows in cells.items():
        sel = by_name.get(category)
        if sel is None:
            continue
        here = cell_months(sel, published, areas, str(code), measure, with_areas)
        months = sorted(m for m in here if first <= m < end)
        counts = dict(zip(month_of[rows].tolist(), count_of[rows].tolist(), strict=True))
        cols["category"].extend([category] * len(months))
        cols["area_code"].extend([code] * len(months))
        cols["area_name"].extend([name] * len(months))
        cols["month"].extend(months)
        cols["count"].extend(int(counts.get(m, 0)) for m in months)
    rows = df[["category", "area_code", "month"]]
    if not cols["month"]:
        return pd.DataFrame(columns=list(_SERIES_COLUMNS)), rows
    out = pd.DataFrame(cols)
    return out.sort_values(["category", "area_code", "month"]).reset_index(drop=True), rows


_SERIES_COLUMNS = ("category", "area_code", "area_name", "month", "count")


# -- The same expressions as SQL text, for the compiled crime table (``measures.crime_table``) --


def compiled_measures(con: ibis.BaseBackend, query: CrimeQuery, population_year: int) -> str:
    """:func:`measures_expr` as DuckDB SQL over :data:`MEMBERS_TABLE` instead of a fixed list of
    categories, so one compilation serves any choice of categories."""
    members = ibis.table({c: "string" for c in MEMBER_COLUMNS}, name=MEMBERS_TABLE)
    return str(ibis.to_sql(measures_expr(con, query, (), population_year, members), "duckdb"))


def compiled_reads(con: ibis.BaseBackend, level: str) -> dict[str, str]:
    """The small reads around the measures, as DuckDB SQL: the categories published (for the
    selections), the months each is published at ``level``, the population estimates' years."""
    pub = current_published(con)
    at_level = pub.filter(pub.geo_level == source_level(level))
    exprs = {
        "members": pub.select("scheme", "category_group", "category").distinct(),
        "published": at_level.select("measure", "scheme", "category_group", "category", "month"),
        "population_years": con.table("population").select("year").distinct(),
        **area_reads(con, level),
    }
    return {name: str(ibis.to_sql(e, "duckdb")) for name, e in exprs.items()}


def member_months(
    con: ibis.BaseBackend,
    members: Sequence[Member],
    level: str,
    first: date,
    end: date,
    measure: str = OFFENCES,
) -> pd.DataFrame:
    """Monthly offences (or another ``measure``) per (member category, area) at ``level`` in
    [first, end), the member given by its index in ``members`` (columns member, area_code,
    month, count; no row = 0)."""
    chosen = [Selection(str(i), "minor", frozenset([m])) for i, m in enumerate(members)]
    t = _facts_by_area(con, chosen, level, first, end, (measure,))
    agg = t.group_by(["category", "key", "month"]).aggregate(count=t["count"].sum())
    df = agg.to_pandas()
    return pd.DataFrame(
        {
            "member": df["category"].astype(int),
            "area_code": df["key"].astype(str),
            "month": pd.to_datetime(df["month"]).dt.date,
            "count": df["count"].astype(float),
        }
    )


def populations(con: ibis.BaseBackend, level: str) -> dict[int, dict[str, int]]:
    """Residents of every area of ``level`` per mid-year estimate (year → area → residents),
    the denominators :func:`crime_measures` uses, for every year at once."""
    table = con.table("population").select("year").distinct().to_pyarrow()
    years = sorted(int(y) for y in table.column("year").to_pylist())
    found: dict[int, dict[str, int]] = {}
    for year in years:
        query = CrimeQuery(Quarter(year, 1), Baseline(), level, ())
        rows = population_expr(con, query, year).to_pyarrow().to_pylist()
        found[year] = {
            str(r["area_code"]): int(r["population"]) for r in rows if r["population"] is not None
        }
    return found
