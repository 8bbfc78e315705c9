"""The table `scrutiny crime` prints, from SQL compiled out of the Ibis measures.

The figures are those of :func:`scrutiny.measures.crime.crime_measures` (the Ibis expressions
stay the one definition: their SQL is compiled from them, see ``compiled_measures``), but a
read command needs neither Ibis nor pandas to print them: the SQL is cached by
``store.compiled`` and run on a read-only DuckDB connection; the coverage rule
(``measures.query.AreaCoverage``) and the notes are plain Python shared with the Ibis path.
``tests/test_crime_table.py`` checks both paths give the same table, cell for cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrutiny.config.geography import QUERY_LEVELS
from scrutiny.config.periods import Quarter
from scrutiny.measures.categories import (
    GroupSpec,
    Selection,
    SeriesBreak,
    default_names,
    resolve,
    selections,
)
from scrutiny.measures.query import (
    MEMBER_COLUMNS,
    MEMBERS_TABLE,
    PO,
    AreaCoverage,
    CrimeQuery,
    Published,
    area_months_by,
    empty_level_error,
    population_year,
)
from scrutiny.store import compiled

if TYPE_CHECKING:
    from scrutiny.config.workspace import Workspace
    from scrutiny.store.engine import Connection

CAVEAT = (
    "Recorded crime reflects police activity and recording practice as well as crime "
    "(ONS; Office for Statistics Regulation)."
)

#: Output columns and their headings, in order.
COLUMNS = {
    "category": "Category",
    "area_name": "Area",
    "quarter": "Quarter",
    "change_previous_quarter": "% vs prev Q",
    "change_same_quarter_last_year": "% vs Q last yr",
    "change_same_quarter_baseline": "% vs Q 2019-20",
    "r12": "R12",
    "change_previous_r12": "% vs prev R12",
    "change_baseline_r12": "% vs pre-pandemic R12",
    "r12_rate_per_1000": "R12 per 1,000 residents",
}
#: Outcome columns, shown when some category chosen has positive outcomes.
OUTCOME_COLUMNS = {
    "positive_outcomes_quarter": "Positive outcomes Q",
    "outcome_rate_quarter": "Outcome rate Q %",
    "outcome_rate_change_previous_quarter": "pp vs prev Q",
    "outcome_rate_change_same_quarter_last_year": "pp vs Q last yr",
    "positive_outcomes_r12": "Positive outcomes R12",
    "outcome_rate_r12": "Outcome rate R12 %",
    "outcome_rate_change_previous_r12": "pp vs prev R12",
}
_FRACTIONAL = ("change_", "outcome_rate", "r12_rate")

#: The modules the compiled SQL comes from: a change to any of them is a new compilation.
_SOURCES = ("measures/crime.py", "measures/query.py", "store/crime.py", "store/crime_names.py")


def is_fractional(column: str) -> bool:
    """Columns printed with two decimals (rates and changes)."""
    return column.startswith(_FRACTIONAL)


def groups_of(ws: Workspace) -> list[GroupSpec]:
    """The workspace's named groups and joined series, as the measures read them."""
    groups = [
        GroupSpec(g.name, g.minor, g.major, g.scheme, g.all, g.exclude)
        for g in ws.config.category_groups
    ]
    joins = [
        GroupSpec(
            j.name,
            j.categories,
            scheme=j.scheme,
            joined=True,
            breaks=(SeriesBreak(date.fromisoformat(j.month + "-01") if j.month else None, j.note),),
        )
        for j in ws.config.category_joins
    ]
    return groups + joins


def chosen_selections(
    ws: Workspace, available: dict[str, Selection], categories: Sequence[str]
) -> list[Selection]:
    """The selections asked for by name (default: the workspace's headline ones; 'all': every
    one), in the order asked."""
    names = list(categories) or default_names(ws.config.settings.headline_categories, available)
    if [n.lower() for n in names] == ["all"]:
        return list(available.values())
    return resolve(available, names)


def check_found(ws: Workspace, query: CrimeQuery, chosen: Sequence[Selection], found: bool) -> None:
    """A clear error when a query found no row: no area of that name, or a level the data do
    not hold."""
    if query.areas and not found:
        raise ValueError(f"no {query.level} called {', '.join(query.areas)} in the data")
    if not found and query.level != "force":
        names = [s.name for s in chosen]
        raise ValueError(empty_level_error(query.level, bool(ws.config.bcus), names, query.quarter))


def shown_columns(columns: Sequence[str], has_outcomes: bool) -> list[str]:
    """The table's columns in print order: the measures, the outcome ones when any is
    published, then the rest."""
    shown = [*COLUMNS, *(c for c in OUTCOME_COLUMNS if has_outcomes)]
    return [*shown, *(c for c in columns if c not in shown)]


def summary_notes(
    incomplete: Sequence[str],
    coverage: Sequence[str],
    breaks: Sequence[str],
    year: int | None,
    has_outcomes: bool,
) -> list[str]:
    """The notes under a crime table: caveat, what is not shown and why, denominators."""
    notes = [CAVEAT]
    if incomplete and not coverage:
        notes.append(f"Not shown (the data does not cover every month): {', '.join(incomplete)}.")
    notes += [f"Not shown — {n}." for n in coverage]
    notes += [f"Series break — {n}" for n in breaks]
    notes.append(f"Rates use ONS mid-year {year} population.")
    if has_outcomes:
        notes.append(
            "Outcome rate: positive outcomes as a % of offences in the same window; "
            "changes in percentage points (pp)."
        )
    return notes


@dataclass
class CrimeTable:
    """Rows of plain values (None where blank), their columns in order, and the notes."""

    query: CrimeQuery
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.rows]

    def csv_rows(self) -> list[list[Any]]:
        """Rows for a CSV: blanks empty, rates and changes with two decimals."""
        kinds = [(c, is_fractional(c)) for c in self.columns]  # once, not once per cell
        return [
            ["" if (v := row[c]) is None else f"{v:.2f}" if two else v for c, two in kinds]
            for row in self.rows
        ]


class _Compiled:
    """The warehouse's compiled reads and measures for one workspace (see ``store.compiled``)."""

    def __init__(self, ws: Workspace, con: Connection):
        from scrutiny.config.workspace import data_home

        self.ws, self.con = ws, con
        self.cache = compiled.SqlCache(data_home() / "cache" / "sql")
        package = Path(__file__).resolve().parents[1]
        self.version = {
            "code": compiled.fingerprint([package / s for s in _SOURCES]),
            "schema": compiled.schema_version(con),
        }

    def sql(self, what: str, params: dict[str, Any]) -> dict[str, str]:
        key = self.cache.key({"what": what, **params, **self.version})
        found = self.cache.get(key)
        if found is None:
            found = self._compile(what, params)
            self.cache.put(key, found)
        return found

    def _compile(self, what: str, params: dict[str, Any]) -> dict[str, str]:
        import ibis

        from scrutiny.measures import crime

        backend = ibis.duckdb.from_connection(self.con)
        if what == "reads":
            return crime.compiled_reads(backend, params["level"])
        query: CrimeQuery = params["query"]
        return {"measures": crime.compiled_measures(backend, query, params["population_year"])}


def _months_of(
    con: Connection, sql: str, keys: str = "scheme, measure, area_code"
) -> list[tuple[Any, ...]]:
    """The rows of a read of published months, one per key with its months in a list: ten
    thousand (key, month) rows cost a read command more to bring into Python than to group."""
    return compiled.fetch(con, f"SELECT {keys}, list(month) FROM ({sql}) GROUP BY ALL")[1]


def crime_table(
    ws: Workspace,
    quarter: str | None = None,
    categories: Sequence[str] = (),
    level: str = "force",
    areas: Sequence[str] = (),
) -> CrimeTable:
    """What :func:`scrutiny.measures.summary.crime_summary` returns, as plain rows: the named
    categories (default: the headline ones; 'all': every one) at one level for one quarter."""
    q = Quarter.parse(quarter) if quarter else ws.quarter
    query = CrimeQuery(q, ws.baseline, level, tuple(areas), ws.config.settings.population_year)
    con = compiled.connect_read_only(ws.warehouse_path)
    try:
        return _table(ws, con, query, categories)
    finally:
        con.close()


def _table(
    ws: Workspace, con: Connection, query: CrimeQuery, categories: Sequence[str]
) -> CrimeTable:
    if query.level not in QUERY_LEVELS:
        raise ValueError(f"unknown geography level {query.level!r}; expected one of {QUERY_LEVELS}")
    sql = _Compiled(ws, con)
    reads = sql.sql("reads", {"level": query.level})
    available = selections(compiled.fetch(con, reads["members"])[1], groups_of(ws))
    chosen = chosen_selections(ws, available, categories)
    years = [int(y) for (y,) in compiled.fetch(con, reads["population_years"])[1]]
    year = query.population_year or population_year(years, query.quarter) or 0
    windows = query.windows()
    params = {"query": query, "population_year": year, "windows": windows}
    measures = sql.sql("measures", params)["measures"]
    members = [(s.name, s.kind, *m) for s in chosen for m in sorted(s.members)]
    compiled.temp_table(con, MEMBERS_TABLE, MEMBER_COLUMNS, members)
    columns, rows = compiled.fetch(con, measures)
    check_found(ws, query, chosen, bool(rows))
    keys = "measure, scheme, category_group, category"
    published: Published = {
        (measure, (scheme, group, category)): set(months)
        for measure, scheme, group, category, months in _months_of(con, reads["published"], keys)
    }
    force = compiled.fetch(con, reads["force"])[1]
    areas = area_months_by(
        {(s, m, a): set(months) for s, m, a, months in _months_of(con, reads["published_areas"])},
        query.level,
        compiled.fetch(con, reads["boroughs"])[1],
        str(force[0][0]) if force else "",
    )
    coverage = AreaCoverage(chosen, published, areas, windows)
    by_name = {s.name: s for s in chosen}
    records = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        cov = coverage.of(row["category"], str(row["area_code"]), str(row["area_name"]))
        for c in columns:
            if c in cov.blank or row[c] is None:
                row[c] = None
            elif is_fractional(c):
                row[c] = float(row[c])
        row["coverage_note"] = cov.note
        row["series_break"] = "; ".join(b.note for b in by_name[row["category"]].breaks)
        records.append(row)
    order = {s.name: i for i, s in enumerate(chosen)}
    records.sort(key=lambda r: (order[r["category"]], r["area_name"]))
    columns = [c for c in columns if not c.startswith(PO)] + ["coverage_note", "series_break"]
    outcomes = [c for c in columns if c.startswith(("positive_outcomes_", "outcome_rate_"))]
    has_outcomes = any(r[c] is not None for r in records for c in outcomes)
    if not has_outcomes:
        columns = [c for c in columns if c not in outcomes]
    columns = shown_columns(columns, has_outcomes)
    records = [{c: r[c] for c in columns} for r in records]
    every = [set(cov.gaps) for cov in coverage.category.values()]
    incomplete = sorted(set.intersection(*every), key=list(windows).index) if every else []
    notes = summary_notes(
        incomplete,
        coverage.notes(),
        [f"{s.name}: {b.note}" for s in chosen for b in s.breaks],
        year,
        has_outcomes,
    )
    return CrimeTable(query, columns, records, notes)
