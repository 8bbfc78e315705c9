"""The one read facade over a workspace's warehouse: opened read-only once, its known values,
cached queries, and the judgments computed from them once per request.

The dashboard, the static site and the report read the warehouse only through
:class:`WorkspaceData`; they render what it returns. Every parameter a page or API route takes is
checked here against what the warehouse holds (categories, geography levels, areas, quarters,
comparators, published tables); an unknown value raises :class:`NotFound` naming it. The data
are immutable while a facade is open, so each query result is kept per parameter set in a small
thread-safe LRU cache. Queries are Ibis expressions or fixed SQL with bound parameters: no SQL
is ever built from a request's text. A report of a frozen quarter opens the facade on that
freeze (``frozen=``): every crime query then reads the figures as its frozen sources gave them.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

import ibis
import numpy as np
import pandas as pd

from scrutiny.analysis.crime import (
    SPC_MONTHS,
    CrimeAnalysis,
    Pattern,
    analyse,
    break_months,
    spc_of_counts,
    spc_verdicts_of_counts,
)
from scrutiny.analysis.disclosure import (
    Decision,
    Disclosure,
    decide,
    disclosure,
    load_areas,
    withheld,
)
from scrutiny.analysis.series import SeriesAnalysis, analyse_series
from scrutiny.analysis.stop_search import StopSearchSummary, summarise
from scrutiny.config.geography import GEO_LEVELS, Area
from scrutiny.config.names import slug
from scrutiny.config.periods import WINDOWS, Comparator, Quarter, add_months
from scrutiny.config.plan import Plan
from scrutiny.config.workspace import Workspace
from scrutiny.judge.spc import SpcResult
from scrutiny.measures.categories import Selection, default_names
from scrutiny.measures.crime import (
    CrimeQuery,
    available_selections,
    crime_measures,
    monthly_series,
    months_covered,
)
from scrutiny.measures.stop_search import positive_share
from scrutiny.measures.street_points import Cell, Grid, density, grid_of, located
from scrutiny.measures.summary import clean, groups_of
from scrutiny.returns.derived import (
    Gap,
    OutcomeChange,
    PointChange,
    Variance,
    call_point_changes,
    finance_variances,
    outcome_changes,
    survey_gaps,
)
from scrutiny.returns.ratings import RatedRow, TrendRow, rate_returns, risk_trends
from scrutiny.returns.schema import read_rows, readable_returns
from scrutiny.sources.police_uk_counts import SCHEME as POLICE_UK_SCHEME
from scrutiny.store.crime import OFFENCES
from scrutiny.store.engine import Connection
from scrutiny.store.frozen import Freeze, frozen_sources, read_freeze, use_frozen

T = TypeVar("T")
P = ParamSpec("P")

#: Published return tables (warehouse table → public name), in the order pages list them.
PUBLISHED_TABLES: dict[str, str] = {
    "ret_services": "services",
    "ret_milestones": "milestones",
    "ret_risks": "risks",
    "ret_issues": "issues",
    "ret_indicators": "indicators",
    "ret_ratings": "ratings",
    "ret_revenue": "revenue",
    "ret_capital": "capital",
    "ret_reserves": "reserves",
    "ret_office_finance": "office-finance",
    "ret_calls": "calls",
    "ret_outcomes": "outcomes",
    "ret_surveys": "surveys",
    "ret_standards": "standards",
    "ret_workforce": "workforce",
    "ret_decisions": "decisions",
}
#: Columns of the return tables that are bookkeeping, not figures.
_HIDDEN_COLUMNS = ("row_number", "sheet", "source_id", "known_issue")


class NotFound(LookupError):
    """A parameter naming something the workspace does not hold (shown as a 404)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_freeze_cached = False


def freeze_cached(on: bool = True) -> None:
    """In a server: after each value is cached, move every live object out of the garbage
    collector's scans (:func:`gc.freeze`). What is cached lives as long as the server, and full
    collections over the loaded data and caches (some 370,000 objects) paused every request for
    up to 1.8 s under load; frozen, the collector only scans what requests create. Refcounting
    still frees whatever is dropped later."""
    global _freeze_cached
    _freeze_cached = on


def _freeze() -> None:
    gc.collect()  # cheap: only what was made since the last freeze is scanned
    gc.freeze()


class LruCache:
    """A bounded, thread-safe memo. Each key is computed once even under concurrent requests
    (a per-key lock), while hits and other keys never wait for a computation."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any | None:
        """The cached value, or None: never waits for a computation."""
        with self._lock:
            return self._items.get(key)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._pending.pop(key, None)
                raise
            with self._lock:
                self._items[key] = value
                self._pending.pop(key, None)
                if len(self._items) > self.size:
                    self._items.popitem(last=False)
            if _freeze_cached:
                _freeze()
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value computed elsewhere (one batched query filling many keys)."""
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                if len(self._items) > self.size:
                    self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


#: Return tables a report reads (each ordered by its row number).
RETURN_TABLES = (
    "services",
    "indicators",
    "milestones",
    "risks",
    "issues",
    "objectives",
    "revenue",
    "capital",
    "office_finance",
    "reserves",
    "calls",
    "surveys",
    "outcomes",
    "workforce",
    "standards",
    "commentary",
)


@dataclass(frozen=True)
class LoadedSource:
    """A loaded file as the outputs list it (its name, not its path)."""

    name: str
    kind: str
    sha256: str
    rows: int
    vintage: str
    loaded_at: datetime


@dataclass(frozen=True)
class QuarterReturns:
    """One quarter's returns as read and judged: the rows of each kind, their ratings by the
    plan's rules, the derived tables, the acknowledged known issues and the indicator series."""

    quarter: Quarter
    rows: dict[str, list[dict[str, Any]]]
    rated: list[RatedRow]
    risk_trends: list[TrendRow]
    variances: list[Variance]
    gaps: list[Gap]
    calls: list[PointChange]
    outcomes: list[OutcomeChange]
    #: (file, row, column, check, reason) of each acknowledged known issue.
    known_issues: list[tuple[str, int | None, str, str, str]]
    indicators: list[SeriesAnalysis]


class WorkspaceData:
    """One workspace's warehouse as every output reads it.

    ``frozen``: a quarter whose freeze (``scrutiny freeze``) every table is read as of, when the
    workspace holds one (:attr:`freeze`)."""

    def __init__(self, ws: Workspace, cache_size: int = 2048, *, frozen: Quarter | None = None):
        self.ws = ws
        self.con = ibis.duckdb.connect(str(ws.warehouse_path), read_only=True)
        readable_returns(self.con.con)
        self.freeze: Freeze | None = None
        path = ws.frozen_path(frozen) if frozen is not None else None
        if path is not None and path.is_file():
            self.freeze = read_freeze(path)
            use_frozen(self.con.con, self.freeze, path)
        self.cache = LruCache(cache_size)
        self._lock = threading.RLock()
        #: Every selection of categories the data cover, by lower-case name.
        self.selections = available_selections(self.con, groups_of(ws))
        self.categories: dict[str, Selection] = {}
        for sel in self.selections.values():
            self.categories.setdefault(slug(sel.name), sel)
        self._by_name = {s.name.lower(): s for s in self.categories.values()}
        headline = default_names(ws.config.settings.headline_categories, self.selections)
        names = [n.lower() for n in headline]
        self.headline = [self._by_name[n] for n in names if n in self._by_name]
        self.areas = self._load_areas()
        self._all_tables: set[str] = set()
        self.tables = self._published_tables()

    @property
    def quarters(self) -> dict[str, list[Quarter]]:
        """Quarters whose three months the data cover, per level, newest first (read on first
        use: a report needs none of them)."""
        return self.cache.get(
            ("quarters",), lambda: {level: self._quarters(level) for level in GEO_LEVELS}
        )

    def close(self) -> None:
        self.con.disconnect()

    # --- known values --------------------------------------------------------------------

    def _load_areas(self) -> dict[str, dict[str, Area]]:
        return load_areas(self.con)

    def _quarters(self, level: str) -> list[Quarter]:
        """Quarters whose three months the data cover at ``level``, newest first."""
        covered = self.months_covered(level)
        quarters = {Quarter.containing(m) for m in covered}
        full = [q for q in quarters if all(add_months(q.start, i) in covered for i in range(3))]
        return sorted(full, reverse=True)

    def months_covered(self, level: str) -> set[date]:
        """Months recorded crime covers at ``level`` (one query per level figures are summed
        from: wards, or local authorities for every level above)."""
        source = "ward" if level == "ward" else "borough"
        return self.cache.get(("covered", source), lambda: months_covered(self.con, source))

    def _published_tables(self) -> dict[str, str]:
        rows = self.con.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        present = {r[0] for r in rows}
        self._all_tables = present
        return {public: table for table, public in PUBLISHED_TABLES.items() if table in present}

    @property
    def force(self) -> Area:
        return next(iter(self.areas["force"].values()))

    @property
    def default_quarter(self) -> Quarter:
        """The latest quarter the data cover whole at force level (pages open on it; the
        report keeps the workspace's quarter)."""
        return self.latest_quarter("force")

    def latest_quarter(self, level: str) -> Quarter:
        """The newest whole quarter at ``level`` (the workspace's quarter if none is whole)."""
        available = self.quarters.get(level) or []
        return available[0] if available else self.ws.quarter

    def data_to(self) -> date | None:
        """The last month of recorded crime the warehouse holds at any level."""
        return self._run(("data_to",), self._data_to)

    def _data_to(self) -> date | None:
        months = [m for level in GEO_LEVELS for m in self.months_covered(level)]
        return max(months) if months else None

    def loaded_on(self) -> date | None:
        """When the newest source file was loaded (the dashboard's "updated" date)."""
        frame = self.sources()
        if frame.empty:
            return None
        stamp = pd.Timestamp(frame["loaded_at"].max())
        return None if pd.isna(stamp) else stamp.date()

    def borough_of(self, area: Area) -> Area | None:
        """The borough an area lies in (a ward's parent; a borough itself)."""
        if area.level == "borough":
            return area
        if area.level == "ward" and area.parent_code:
            return self.areas["borough"].get(area.parent_code)
        return None

    def parent(self, area: Area) -> Area | None:
        """The area one level up (ward → borough → BCU → force)."""
        if area.level == "force":
            return None
        if area.parent_code:
            for level in GEO_LEVELS:
                found = self.areas[level].get(area.parent_code)
                if found is not None and found.level != area.level:
                    return found
        return self.force if self.areas["force"] else None

    def children(self, area: Area) -> list[Area]:
        """The areas one level down, by name."""
        below = {"force": "bcu", "bcu": "borough", "borough": "ward"}.get(area.level)
        if below is None:
            return []
        if area.level == "force":
            return list(self.areas["bcu"].values()) or list(self.areas["borough"].values())
        return [a for a in self.areas[below].values() if a.parent_code == area.code]

    def label(self, area: Area) -> str:
        """An area's name that tells apart wards of the same name: ``Hillside (Northtown)``."""
        borough = self.borough_of(area) if area.level == "ward" else None
        return f"{area.name} ({borough.name})" if borough is not None else area.name

    @property
    def has_returns(self) -> bool:
        return bool(self.tables)

    # --- validation ----------------------------------------------------------------------

    def category(self, text: str) -> Selection:
        key = text.strip()
        found = self.categories.get(key.lower()) or self._by_name.get(key.lower())
        if found is None:
            raise NotFound(f"unknown category {text[:80]!r}")
        return found

    def category_slug(self, sel: Selection) -> str:
        return slug(sel.name)

    def level(self, text: str) -> str:
        if text not in GEO_LEVELS:
            raise NotFound(f"unknown geography level {text[:40]!r}; expected one of {GEO_LEVELS}")
        return text

    def area(self, level: str, text: str) -> Area:
        areas = self.areas[self.level(level)]
        found = areas.get(text.strip())
        if found is None:
            key = text.strip().lower()
            found = next((a for a in areas.values() if a.name.lower() == key), None)
        if found is None:
            raise NotFound(f"no {level} {text[:80]!r} in the data")
        return found

    def find_area(self, text: str) -> Area | None:
        """An area of any level by code (for pages forgiving a stale level/area pair)."""
        for areas in self.areas.values():
            if text in areas:
                return areas[text]
        return None

    def quarter(self, level: str, text: str | None) -> Quarter:
        available = self.quarters[self.level(level)]
        if not text:
            if not available:
                raise NotFound(f"the data cover no whole quarter at level {level}")
            return available[0]
        try:
            q = Quarter.parse(text)
        except ValueError:
            raise NotFound(f"{text[:40]!r} is not a quarter (expected e.g. 2023-24Q1)") from None
        if q not in available:
            raise NotFound(f"the data do not cover {q} at level {level}")
        return q

    def comparator(self, text: str | None) -> Comparator:
        if not text:
            return Comparator.SAME_QUARTER_LAST_YEAR
        try:
            return Comparator(text)
        except ValueError:
            choices = ", ".join(c.value for c in Comparator)
            raise NotFound(f"unknown comparator {text[:40]!r}; expected one of {choices}") from None

    def table(self, public_name: str) -> str:
        if public_name not in self.tables:
            raise NotFound(f"no published table {public_name[:40]!r}")
        return public_name

    # --- queries (cached) -----------------------------------------------------------------

    def _run(self, key: Hashable, compute: Callable[[], T]) -> T:
        def locked() -> T:
            with self._lock:
                return compute()

        return self.cache.get(key, locked)

    def disclosure(self, quarter: Quarter) -> Disclosure | None:
        """What disclosure control withholds of ``quarter``'s figures (None when the workspace
        publishes every count): decided once for the whole quarter, before any page."""
        threshold = self.ws.config.settings.suppress_below
        if not threshold:
            return None
        sels = list(self.categories.values())
        baseline = self.ws.baseline
        found = self.decision().for_quarter(quarter, baseline)
        if found is not None:
            return found
        # A quarter outside the data's (no page of the data shows it): decided on its own.
        return self._run(
            ("disclosure", quarter),
            lambda: disclosure(self.con, quarter, baseline, sels, self.areas, threshold),
        )

    def decision(self) -> Decision:
        """Disclosure control decided once over every quarter the data cover (and the report's),
        so a count is withheld on every page that shows it or on none."""
        sels = list(self.categories.values())
        quarters = sorted({q for qs in self.quarters.values() for q in qs} | {self.ws.quarter})
        threshold = self.ws.config.settings.suppress_below
        return self._run(
            ("decision",),
            lambda: decide(self.con, quarters, self.ws.baseline, sels, self.areas, threshold),
        )

    def measures(self, sel: Selection, level: str, quarter: Quarter) -> pd.DataFrame:
        """The measures as published: :meth:`raw_measures` with every withheld count replaced by
        a :class:`~scrutiny.analysis.disclosure.Withheld` mark and the changes and rates worked
        out from it blanked."""
        raw = self.raw_measures(sel, level, quarter)
        found = self.disclosure(quarter)
        if found is None:
            return raw
        return self.cache.get(
            ("published", sel.name, level, quarter), lambda: withheld(raw, found, sel.name, level)
        )

    def raw_measures(self, sel: Selection, level: str, quarter: Quarter) -> pd.DataFrame:
        """Volumes, comparators, changes and R12 rates of one category for every area (before
        disclosure control: for judgments, never for publishing)."""

        def compute() -> pd.DataFrame:
            query = CrimeQuery(
                quarter, self.ws.baseline, level, (), self.ws.config.settings.population_year
            )
            return crime_measures(self.con, query, [sel])

        return self._run(("measures", sel.name, level, quarter), compute)

    def prefetch(self, sels: list[Selection], level: str, quarter: Quarter) -> None:
        """Measures and monthly series of many categories in two queries (an area page lists
        every category): each category's share goes into the cache as if asked alone. What is
        cached already (a report's force measures of every category) is not asked again."""
        measures_todo = [
            s for s in sels if self.cache.peek(("measures", s.name, level, quarter)) is None
        ]
        series_todo = [
            s for s in sels if self.cache.peek(("series", s.name, level, quarter)) is None
        ]
        if not measures_todo and not series_todo:
            return

        def both() -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
            query = CrimeQuery(
                quarter, self.ws.baseline, level, (), self.ws.config.settings.population_year
            )
            first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
            end = add_months(quarter.last_month, 1)
            return (
                crime_measures(self.con, query, measures_todo) if measures_todo else None,
                monthly_series(self.con, series_todo, level, first, end) if series_todo else None,
            )

        names = (tuple(s.name for s in measures_todo), tuple(s.name for s in series_todo))
        measures, series = self._run(("prefetch", names, level, quarter), both)
        if measures is not None:
            self._share(measures, measures_todo, level, quarter)
        if series is not None:
            for sel in series_todo:
                months = series[series["category"] == sel.name].reset_index(drop=True)
                self.cache.put(("series", sel.name, level, quarter), months)

    def _share(
        self, measures: pd.DataFrame, sels: Sequence[Selection], level: str, quarter: Quarter
    ) -> None:
        """Each category's rows of a many-category measures frame, cached as if asked alone
        (with its own coverage notes and incomplete windows)."""
        shared = {k: v for k, v in measures.attrs.items() if k != "by_category"}
        per_category = measures.attrs["by_category"]
        # Split without the attrs: pandas deep-copies a frame's attrs on every operation, and
        # every category's notes on each of hundreds of slices cost seconds.
        plain = measures.copy(deep=False)
        plain.attrs = {}
        rows = plain.groupby("category", sort=False).indices
        for sel in sels:
            part = plain.iloc[rows.get(sel.name, [])].reset_index(drop=True)
            part.attrs = shared | per_category[sel.name]
            self.cache.put(("measures", sel.name, level, quarter), part)

    def headline_measures(self, quarter: Quarter) -> pd.DataFrame:
        """The headline categories at force level, in one query."""

        def compute() -> pd.DataFrame:
            query = CrimeQuery(
                quarter, self.ws.baseline, "force", (), self.ws.config.settings.population_year
            )
            return crime_measures(self.con, query, self.headline)

        return self._run(("headline", quarter), compute)

    def series(self, sel: Selection, level: str, quarter: Quarter) -> pd.DataFrame:
        """Monthly counts of one category for every area of ``level`` over the SPC window."""

        def compute() -> pd.DataFrame:
            first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
            end = add_months(quarter.last_month, 1)
            return monthly_series(self.con, [sel], level, first, end)

        return self._run(("series", sel.name, level, quarter), compute)

    def series_counts(
        self, sel: Selection, level: str, quarter: Quarter
    ) -> dict[str, dict[date, int]]:
        """The monthly series of every area of ``level``, split by area once (a ranking of
        hundreds of areas would otherwise filter the whole frame for each)."""

        def compute() -> dict[str, dict[date, int]]:
            s = self.series(sel, level, quarter)
            found: dict[str, dict[date, int]] = {}
            for code, month, count in zip(s["area_code"], s["month"], s["count"], strict=True):
                found.setdefault(str(code), {})[month] = int(count)
            return found

        return self.cache.get(("series-counts", sel.name, level, quarter), compute)

    def spc_verdicts(self, sel: Selection, level: str, quarter: Quarter) -> dict[str, str]:
        """The SPC verdict in words of every area's monthly series (one cache entry for all
        areas, for the open-data tables)."""

        def compute() -> dict[str, str]:
            # Every area's chart at once (a ward level has tens of thousands of series).
            first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
            months = [add_months(first, i) for i in range(SPC_MONTHS)]
            s = self.series(sel, level, quarter)
            codes, row = np.unique(s["area_code"].astype(str).to_numpy(), return_inverse=True)
            column = {m: i for i, m in enumerate(months)}
            col = np.array([column.get(m, -1) for m in s["month"]], dtype=int)
            inside = col >= 0
            counts = np.full((len(codes), SPC_MONTHS), np.nan)
            counts[row[inside], col[inside]] = s["count"].to_numpy(dtype=float)[inside]
            changes = [*self.ws.change_points, *break_months(sel)]
            verdicts = spc_verdicts_of_counts(changes, counts, months)
            return dict(zip(codes.tolist(), verdicts, strict=True))

        return self.cache.get(("spc-verdicts", sel.name, level, quarter), compute)

    def withheld_series(self, sel: Selection, level: str, quarter: Quarter) -> frozenset[str]:
        """Areas whose SPC chart has a month disclosure control withholds: their verdict, like
        the chart's mean and limits, is not published (it would help give the month back)."""
        found = self.disclosure(quarter)
        if found is None:
            return frozenset()

        def compute() -> frozenset[str]:
            first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
            chart = {add_months(first, i) for i in range(SPC_MONTHS)}
            s = self.series(sel, level, quarter)
            s = s[s["month"].isin(chart) & s["count"].notna()]
            months = s.groupby(s["area_code"].astype(str))["month"].agg(set)
            return frozenset(
                code
                for code, shown in months.items()
                if found.hidden_months(sel.name, level, code) & shown
            )

        return self.cache.get(("withheld-series", sel.name, level, quarter), compute)

    def spc(
        self, sel: Selection, level: str, area_code: str, quarter: Quarter
    ) -> tuple[SpcResult, tuple[date, ...]]:
        """The XmR chart of one area's monthly series (as ``scrutiny explain`` builds it)."""

        def compute() -> tuple[SpcResult, tuple[date, ...]]:
            first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
            counts = self.series_counts(sel, level, quarter).get(area_code, {})
            pattern = spc_of_counts(self.ws, counts, first, break_months(sel))
            return pattern.spc, pattern.months

        return self.cache.get(("spc", sel.name, level, area_code, quarter), compute)

    def return_rows(self, public_name: str, quarter: str | None = None) -> pd.DataFrame:
        """Rows of a published return table (optionally of one quarter), figures only."""
        table = PUBLISHED_TABLES_BY_PUBLIC[self.table(public_name)]

        def compute() -> pd.DataFrame:
            t = self.con.table(table)
            if quarter is not None and "quarter" in t.columns:
                t = t.filter(t.quarter == quarter)
            order = [c for c in ("quarter", "priority", "row_number") if c in t.columns]
            df = t.order_by(order).to_pandas() if order else t.to_pandas()
            return df.drop(columns=[c for c in _HIDDEN_COLUMNS if c in df.columns])

        return self._run(("table", table, quarter), compute)

    def return_quarters(self, public_name: str) -> list[str]:
        df = self.return_rows(public_name)
        if "quarter" not in df.columns:
            return []
        return sorted({str(q) for q in df["quarter"].dropna()}, reverse=True)

    def stop_searches(self, quarter: Quarter) -> tuple[int, int] | None:
        """Stop-and-search records of the force in ``quarter``: (searches, positive outcomes),
        or None when no search of any of its months is loaded (not published, not zero)."""

        def compute() -> tuple[int, int] | None:
            window = quarter.window()
            t = self.con.table("stop_searches")
            months = t.filter(t.month >= window.start, t.month < window.end).month.nunique()
            if int(months.execute()) < 3:
                return None
            row = positive_share(self.con, window).to_pyarrow().to_pylist()[0]
            return int(row["searches"]), int(row["positive"])

        if "stop_searches" not in self._all_tables:
            return None
        return self._run(("stop_searches", quarter), compute)

    def street_density(self, sel: Selection, quarter: Quarter) -> tuple[Grid, list[Cell]] | None:
        """Street-level records of ``sel`` in ``quarter`` counted per grid cell, or None when
        the warehouse holds no street records for it (only police.uk categories have them)."""
        types = sorted({c for scheme, _, c in sel.members if scheme == POLICE_UK_SCHEME})
        if not self.has_street_records() or not types:
            return None
        districts = [a.code for a in self.areas["borough"].values()]

        def compute() -> tuple[Grid, list[Cell]] | None:
            t = located(self.con, quarter.window(), districts, types)
            grid = grid_of(t)
            return None if grid is None else (grid, density(t, grid))

        return self._run(("street-density", sel.name, quarter), compute)

    def has_street_records(self) -> bool:
        """Whether any street-level record with a point is loaded."""
        if "street_crimes" not in self._all_tables:
            return False

        def compute() -> bool:
            t = self.con.table("street_crimes")
            return bool(t.filter(t.latitude.notnull()).limit(1).count().execute())

        return self._run(("has-street-records",), compute)

    def survey_results(self, area: Area) -> list[dict[str, Any]]:
        """The latest survey return's overall results (not its breakdowns) for ``area``: the
        force's own rows have no area; an area's rows name it."""
        if "surveys" not in self.tables:
            return []
        frame = self.return_rows("surveys")
        if frame.empty or "quarter" not in frame.columns:
            return []
        frame = frame[frame["quarter"] == frame["quarter"].max()]
        frame = frame[(frame["dimension"] == "All") & frame["value"].notna()]
        named = frame["area"].fillna("").astype(str).str.strip().str.lower()
        frame = frame[named == ("" if area.level == "force" else area.name.lower())]
        return list(frame.to_dict("records"))

    def sources(self) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            t = self.con.table("sources")
            return t.order_by("source_id").to_pandas()

        return self._run(("sources",), compute)

    # --- what a report reads ------------------------------------------------------------

    def force_measures(self, quarter: Quarter) -> pd.DataFrame:
        """Every category's measures at force level, in one query (before disclosure control:
        the report is force-level); each category's share serves its judgment too."""

        def compute() -> pd.DataFrame:
            query = CrimeQuery(
                quarter, self.ws.baseline, "force", (), self.ws.config.settings.population_year
            )
            sels = list(self.selections.values())
            frame = crime_measures(self.con, query, sels)
            self._share(frame, sels, "force", quarter)
            return frame

        return self._run(("force-measures", quarter), compute)

    def monthly(
        self,
        sels: Sequence[Selection],
        level: str,
        first: date,
        end: date,
        measure: str = OFFENCES,
    ) -> pd.DataFrame:
        """Monthly counts of ``measure`` for ``sels`` in every area of ``level`` from ``first``
        up to (not including) ``end``, in one query."""
        key = ("monthly", tuple(s.name for s in sels), level, first, end, measure)
        return self._run(
            key, lambda: monthly_series(self.con, list(sels), level, first, end, measure)
        )

    def loaded_sources(self) -> list[LoadedSource]:
        """The loaded files, in load order; under a freeze, exactly the publications the frozen
        quarter used."""

        def compute() -> list[LoadedSource]:
            raw = self.con.con
            if self.freeze is not None:
                rows = frozen_sources(raw, self.freeze)
            else:
                rows = raw.execute(
                    "SELECT path, kind, sha256, row_count, vintage, loaded_at "
                    "FROM sources ORDER BY source_id"
                ).fetchall()
            return [
                LoadedSource(
                    name=str(path).replace("\\", "/").rsplit("/", 1)[-1],
                    kind=str(kind),
                    sha256=str(sha),
                    rows=int(n),
                    vintage=str(vintage),
                    loaded_at=loaded,
                )
                for path, kind, sha, n, vintage, loaded in rows
            ]

        return self._run(("loaded-sources",), compute)

    def latest_returns_quarter(self, quarter: Quarter) -> Quarter:
        """The latest quarter of ``quarter``'s financial year, up to it, with any return loaded
        (the annual format reads the year's returns as last filed); ``quarter`` if none."""
        for q in (Quarter(quarter.fy_start, n) for n in range(quarter.q, 0, -1)):
            for kind in RETURN_TABLES:
                found = self.con.con.execute(
                    f"SELECT 1 FROM ret_{kind} WHERE quarter = ? LIMIT 1", [str(q)]
                ).fetchone()
                if found:
                    return q
        return quarter

    def quarter_returns(self, plans: list[Plan], quarter: Quarter) -> QuarterReturns:
        """``quarter``'s returns, rated by ``plans``, with their derived tables (read once per
        report, so not cached)."""

        def compute() -> QuarterReturns:
            raw: Connection = self.con.con
            rows = {
                kind: [
                    {k: clean(v) for k, v in r.items()}
                    for r in read_rows(
                        raw, f"ret_{kind}", "WHERE quarter = ? ORDER BY row_number", [str(quarter)]
                    )
                ]
                for kind in RETURN_TABLES
            }
            series = [
                {k: clean(v) for k, v in r.items()}
                for r in read_rows(raw, "ret_series", "WHERE quarter <= ?", [str(quarter)])
            ]
            known = raw.execute(
                """SELECT file, row_number, coalesce(column_name, ''), message,
                          coalesce(known_issue, '')
                   FROM ret_warnings WHERE quarter = ? ORDER BY file, row_number, column_name""",
                [str(quarter)],
            ).fetchall()
            return QuarterReturns(
                quarter=quarter,
                rows=rows,
                rated=rate_returns(raw, plans, str(quarter)),
                risk_trends=risk_trends(raw, str(quarter)),
                variances=finance_variances(raw, quarter),
                gaps=survey_gaps(raw, quarter),
                calls=call_point_changes(raw, quarter),
                outcomes=outcome_changes(raw, quarter),
                known_issues=[(str(f), r, str(c), str(m), str(k)) for f, r, c, m, k in known],
                indicators=analyse_series(series, quarter),
            )

        with self._lock:
            return compute()

    def stop_search_summary(self, quarter: Quarter) -> StopSearchSummary | None:
        """Stop and search of the quarter (or the latest months loaded), None without records."""
        return self._run(
            ("stop-search-summary", quarter),
            lambda: summarise(
                self.con,
                quarter,
                list(self.areas["borough"]),
                self.ws.config.settings.population_year,
            ),
        )

    # --- judgments -------------------------------------------------------------------------

    def judgment(
        self,
        sel: Selection,
        level: str,
        area: Area,
        quarter: Quarter,
        *,
        pattern: bool = True,
        intervals: bool = True,
        published: bool = True,
    ) -> CrimeAnalysis:
        """The analysis layer's judgment of one category in one area, computed once per
        facade: the figures, each comparison's Poisson test and, with ``pattern``, the SPC
        verdict of the monthly series; of the measures as published (after disclosure
        control) or, not ``published``, as counted (``intervals=False``: verdicts only)."""

        def compute() -> CrimeAnalysis:
            frame = (self.measures if published else self.raw_measures)(sel, level, quarter)
            row = {**row_of(frame, area.code), "category": sel.name}
            row |= {"area_code": area.code, "area_name": area.name}
            found = Pattern(*self.spc(sel, level, area.code, quarter)) if pattern else None
            return analyse(self.ws, quarter, row, found, level=area.level, intervals=intervals)

        key = ("judgment", sel.name, level, area.code, quarter, pattern, intervals, published)
        return self.cache.get(key, compute)


def per_facade(
    view: Callable[Concatenate[WorkspaceData, P], T],
) -> Callable[Concatenate[WorkspaceData, P], T]:
    """Compute ``view`` once per facade and arguments (each of them hashable), in the facade's
    cache: the data do not change while a facade is open."""

    @functools.wraps(view)
    def cached(data: WorkspaceData, *args: P.args, **kwargs: P.kwargs) -> T:
        key = (view.__module__, view.__qualname__, args, tuple(sorted(kwargs.items())))
        return data.cache.get(key, lambda: view(data, *args, **kwargs))

    return cached


class _RowIndex(dict[str, dict[str, Any]]):
    """A frame's rows by area code, kept in its attrs. Pandas deep-copies attrs into every
    frame derived from it: this index is not copied (a derived frame, e.g. the published copy
    of a frame with withheld counts, indexes its own rows), and copying it made every
    operation on an indexed ward-level frame copy all its rows."""

    def __deepcopy__(self, memo: dict[int, Any]) -> None:
        return None


def row_of(frame: pd.DataFrame, area_code: str) -> dict[str, Any]:
    """The measures row of an area; an area with no offences in any window reads zero."""
    by_area = frame.attrs.get("_by_area")
    if by_area is None:  # indexed once per frame: pages look up hundreds of areas in one
        by_area = _RowIndex((str(r["area_code"]), r) for r in frame.to_dict("records"))
        frame.attrs["_by_area"] = by_area
    if area_code in by_area:
        return dict(by_area[area_code])
    missing = set(frame.attrs.get("incomplete_windows", []))
    row: dict[str, Any] = {"r12_rate_per_1000": None}
    for name in WINDOWS:
        row[name] = None if name in missing else 0
    for c in Comparator:
        row[f"change_{c.value}"] = None
    return row


PUBLISHED_TABLES_BY_PUBLIC = {public: table for table, public in PUBLISHED_TABLES.items()}
