"""The canonical crime fact table: the one place crime figures enter the warehouse.

Every crime reader (London Datastore files, data.police.uk street files aggregated, generic long
tables) hands the store a *batch*: rows of :data:`CRIME_COLUMNS` plus a :class:`CrimeSource`
naming the file, its hash, its publication vintage and its category scheme.
:meth:`scrutiny.warehouse.Warehouse.load_crime_batch` checks the batch (:func:`check_crime_batch`)
and loads it in one transaction under the vintage rule:

* A publication speaks for whole *units* — (month, geography level, area, scheme, measure): in a
  unit it covers, the newest vintage's rows are the current figures and older rows are kept but
  marked superseded (a scheme can rename or split categories between vintages, so mixing two
  publications inside one unit would double count).
* Newest means the highest ``(vintage, sha256)``: the same set of files gives the same current
  figures whatever order they arrive in, and an older vintage only fills units no newer one holds.
* Superseded rows stay, so :func:`crime_facts_as_of` can read what a set of sources said.
* A schemes never replaces another scheme's figures: a knife-crime extract and the force's
  recorded-crime file are different schemes, so they never share a unit.

Which months each source *publishes* for each category goes to ``crime_published`` (with the
same newest-vintage rule per scheme, geography level, measure and month), and which areas it
publishes in each of those months to ``crime_published_areas`` (newest vintage per scheme, level,
measure, month and area): a month published for both the category and the area without a row is
a zero; a month no current source publishes for the category, or for the area, is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scrutiny.store.crime_names import FORCE_ONLY_PSEUDO_AREAS as FORCE_ONLY_PSEUDO_AREAS

# Re-exported: the names live in a module any command can import cheaply.
from scrutiny.store.crime_names import OFFENCES as OFFENCES
from scrutiny.store.crime_names import OUTSIDE as OUTSIDE
from scrutiny.store.crime_names import POSITIVE_OUTCOMES as POSITIVE_OUTCOMES
from scrutiny.store.crime_names import RECORDED_CRIME_SCHEMES as RECORDED_CRIME_SCHEMES
from scrutiny.store.crime_names import UNALLOCATED as UNALLOCATED
from scrutiny.store.crime_names import UNALLOCATED_NAME as UNALLOCATED_NAME
from scrutiny.store.superseded import retire, retire_sources

#: The columns of a crime batch, in order, with their types.
CRIME_COLUMNS: dict[str, pa.DataType] = {
    "month": pa.date32(),  # first day of the month
    "geo_level": pa.string(),  # 'borough' (local authority), 'ward', 'snt', ...
    "area_code": pa.string(),  # ONS code where there is one; UNALLOCATED for rows with no place
    "area_name": pa.string(),
    "scheme": pa.string(),  # the category scheme, e.g. 'datastore', 'police_uk'
    "category_group": pa.string(),  # the scheme's parent category ('' when it has none)
    "category": pa.string(),
    "measure": pa.string(),  # 'offences', 'positive_outcomes', ...
    "count": pa.int64(),
}
#: The columns a publication speaks for as a whole (see the module docstring).
UNIT = ("month", "geo_level", "area_code", "scheme", "measure")
#: One figure.
CELL = (*UNIT, "category_group", "category")

_VINTAGE = re.compile(r"^\d{6}$")


class CrimeBatchError(ValueError):
    """A crime batch the store refuses; the message is one line naming the file."""


@dataclass(frozen=True)
class CrimeSource:
    """Where a batch came from.

    ``vintage`` is the publication's vintage as ``YYYYMM`` (from the file's content or name, or
    set in the workspace); ``published`` optionally lists the (measure, category_group, category,
    month) the source publishes — by default every category of the batch in every month from its
    first to its last, per measure (right for files that leave zero rows out);
    ``published_areas`` optionally lists the (geo_level, measure, area_code, month) it publishes —
    by default every area the batch has rows for, in every month it publishes at that level and
    measure.
    """

    path: Path | str
    sha256: str
    vintage: str
    scheme: str
    kind: str = "crime"
    published: pa.Table | None = None
    published_areas: pa.Table | None = None


@dataclass(frozen=True)
class CrimeLoad:
    """What loading one crime batch did; ``describe()`` is the line ingest prints."""

    path: Path
    rows: int
    skipped: bool = False
    #: Current cells this load superseded, by the vintage they came from.
    replaced_by_vintage: dict[str, int] = field(default_factory=dict)
    #: Cells of this load that a newer publication already holds, by that publication's vintage.
    kept_newer: dict[str, int] = field(default_factory=dict)
    #: Offences in rows with no place (area UNALLOCATED).
    unallocated: int = 0
    table: str = "crime_facts"
    #: The total of the units this load replaced, before and after (every replacement reported).
    totals_replaced: tuple[int, int] | None = None
    #: What the reader left out or could not map (see :class:`scrutiny.store.warehouse.Batch`).
    notes: tuple[str, ...] = ()

    @property
    def replaced(self) -> int:
        return sum(self.replaced_by_vintage.values())

    def describe(self) -> str:
        name = Path(self.path).name
        if self.skipped:
            return f"{name}: already loaded, nothing changed"
        text = f"{name}: {self.rows:,} rows into crime_facts"
        if self.replaced_by_vintage:
            parts = _by_vintage(self.replaced_by_vintage, "of vintage")
            text += f"; replaced {self.replaced:,} cells ({parts})"
            if self.totals_replaced:
                before, after = self.totals_replaced
                text += f", their units' total {before:,} → {after:,}"
        if self.kept_newer:
            parts = _by_vintage(self.kept_newer, "held by vintage")
            text += (
                f"; {sum(self.kept_newer.values()):,} cells not used, "
                f"a newer publication holds them ({parts})"
            )
        if self.unallocated:
            text += f"; {self.unallocated:,} offences with no place counted as unallocated"
        return "; ".join([text, *self.notes])


def _by_vintage(counts: dict[str, int], what: str) -> str:
    return ", ".join(f"{n:,} {what} {v}" for v, n in sorted(counts.items()))


#: The checks every crime batch passes before it can replace anything, in order. Each raises
#: CrimeBatchError (one line) or returns None; append to add a check for every reader at once.
BatchCheck = Callable[[pa.Table, CrimeSource], None]


def _check_columns(rows: pa.Table, source: CrimeSource) -> None:
    missing = [c for c in CRIME_COLUMNS if c not in rows.column_names]
    if missing:
        raise CrimeBatchError(f"{Path(source.path).name}: crime batch lacks column(s) {missing}")
    for name in CRIME_COLUMNS:
        if rows.column(name).null_count:
            raise CrimeBatchError(
                f"{Path(source.path).name}: crime batch has empty '{name}' values"
            )


def _check_source(rows: pa.Table, source: CrimeSource) -> None:
    name = Path(source.path).name
    if not _VINTAGE.match(source.vintage):
        raise CrimeBatchError(f"{name}: vintage must be YYYYMM, got {source.vintage!r}")
    if not source.scheme:
        raise CrimeBatchError(f"{name}: a crime source must name its category scheme")
    schemes = set(rows.column("scheme").to_pylist()) if rows.num_rows else set()
    if schemes - {source.scheme}:
        raise CrimeBatchError(
            f"{name}: rows of scheme(s) {sorted(schemes - {source.scheme})} in a source of "
            f"scheme {source.scheme!r}"
        )


def _check_counts(rows: pa.Table, source: CrimeSource) -> None:
    if rows.num_rows and pc.min(rows.column("count")).as_py() < 0:
        raise CrimeBatchError(f"{Path(source.path).name}: a negative count in the crime batch")


def _check_unique(rows: pa.Table, source: CrimeSource) -> None:
    grouped = rows.group_by(list(CELL)).aggregate([("count", "count")])
    if grouped.num_rows != rows.num_rows:
        dupes = grouped.filter(pc.greater(grouped.column("count_count"), 1)).slice(0, 1)
        cell = {c: dupes.column(c)[0].as_py() for c in CELL}
        raise CrimeBatchError(f"{Path(source.path).name}: more than one row for the cell {cell}")


BATCH_CHECKS: list[BatchCheck] = [_check_source, _check_columns, _check_counts, _check_unique]


def as_crime_table(rows: pa.Table | pd.DataFrame, source: CrimeSource) -> pa.Table:
    """The batch as an Arrow table of :data:`CRIME_COLUMNS` (a missing ``scheme`` column is
    filled from the source; ``category_group`` defaults to '')."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    n = table.num_rows
    if "scheme" not in table.column_names:
        table = table.append_column("scheme", pa.array([source.scheme] * n, pa.string()))
    if "category_group" not in table.column_names:
        table = table.append_column("category_group", pa.array([""] * n, pa.string()))
    missing = [c for c in CRIME_COLUMNS if c not in table.column_names]
    if missing:
        raise CrimeBatchError(f"{Path(source.path).name}: crime batch lacks column(s) {missing}")
    try:
        return pa.table({c: table.column(c).cast(t) for c, t in CRIME_COLUMNS.items()})
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise CrimeBatchError(f"{Path(source.path).name}: crime batch: {exc}") from None


def check_crime_batch(rows: pa.Table | pd.DataFrame, source: CrimeSource) -> pa.Table:
    """The single gate between readers and the store: normalise the batch and run every check of
    :data:`BATCH_CHECKS`; returns the table to load."""
    table = as_crime_table(rows, source)
    for check in BATCH_CHECKS:
        check(table, source)
    return table


#: The unit of a publication's coverage: one (scheme, level, measure, month) comes from one source.
PUBLISHED_UNIT = ("scheme", "geo_level", "measure", "month")
#: The unit of a publication's area coverage.
PUBLISHED_AREA_UNIT = (*PUBLISHED_UNIT, "area_code")


def published_of(rows: pa.Table) -> pa.Table:
    """By default a source publishes every category it has rows for, in every month from its
    first to its last month, per measure, at every geography level it has rows at."""
    out = []
    if rows.num_rows:
        df = rows.select(["geo_level", "measure", "category_group", "category", "month"])
        frame = df.to_pandas()
        for measure, part in frame.groupby("measure"):
            months = _month_range(min(part["month"]), max(part["month"]))
            cats = part[["category_group", "category"]].drop_duplicates()
            for level in sorted(set(part["geo_level"])):
                for group, cat in cats.itertuples(index=False, name=None):
                    out += [(level, measure, group, cat, m) for m in months]
    return pa.table(
        {
            "geo_level": pa.array([r[0] for r in out], pa.string()),
            "measure": pa.array([r[1] for r in out], pa.string()),
            "category_group": pa.array([r[2] for r in out], pa.string()),
            "category": pa.array([r[3] for r in out], pa.string()),
            "month": pa.array([r[4] for r in out], pa.date32()),
        }
    )


def _with_levels(published: pa.Table, levels: list[str]) -> pa.Table:
    """A published table without ``geo_level`` speaks for every level the batch has rows at."""
    if "geo_level" in published.column_names:
        return published
    levels = sorted(levels) or ["borough"]
    parts = [
        published.append_column("geo_level", pa.array([lv] * published.num_rows, pa.string()))
        for lv in levels
    ]
    return pa.concat_tables(parts)


def _month_range(first: date, last: date) -> list[date]:
    months, m = [], date(first.year, first.month, 1)
    while m <= last:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return months


def _typed(con: duckdb.DuckDBPyConnection, name: str, source: CrimeSource) -> str:
    """A query giving the table ``name`` as :data:`CRIME_COLUMNS` (``scheme`` and
    ``category_group`` filled in when absent); CrimeBatchError when a column is missing."""
    have = {r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()}
    scheme = "'" + source.scheme.replace("'", "''") + "'"
    defaults = {"scheme": scheme, "category_group": "''"}
    missing = [c for c in CRIME_COLUMNS if c not in have and c not in defaults]
    if missing:
        raise CrimeBatchError(f"{Path(source.path).name}: crime batch lacks column(s) {missing}")
    sql_types = {"month": "DATE", "count": "BIGINT"}
    select = ", ".join(
        f"{c if c in have else defaults[c]}::{sql_types.get(c, 'VARCHAR')} AS {c}"
        for c in CRIME_COLUMNS
    )
    return f"SELECT {select} FROM {name}"


def check_crime_relation(con: duckdb.DuckDBPyConnection, name: str, source: CrimeSource) -> int:
    """:func:`check_crime_batch` for rows already in the warehouse's engine (figures derived by a
    query, e.g. street records summed): the same checks, run as queries, so the rows never leave
    the engine. Returns the row count."""
    label = Path(source.path).name
    _check_source(pa.table({"scheme": pa.array([], pa.string())}), source)
    if source.published is None:
        raise CrimeBatchError(f"{label}: derived crime figures must say what they publish")
    typed = _typed(con, name, source)
    nulls = " OR ".join(f"{c} IS NULL" for c in CRIME_COLUMNS)
    row = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE {nulls}), coalesce(min(count), 0),
                   count(*) FILTER (WHERE scheme <> ?)
            FROM ({typed})""",
        [source.scheme],
    ).fetchall()[0]
    n, empty, least, other = (int(v) for v in row)
    if empty:
        raise CrimeBatchError(f"{label}: crime batch has empty values")
    if least < 0:
        raise CrimeBatchError(f"{label}: a negative count in the crime batch")
    if other:
        raise CrimeBatchError(f"{label}: rows of another scheme in a source of {source.scheme!r}")
    cell = ", ".join(CELL)
    dupes = con.execute(
        f"SELECT {cell} FROM ({typed}) GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if dupes:
        raise CrimeBatchError(
            f"{label}: more than one row for the cell {dict(zip(CELL, dupes[0], strict=True))}"
        )
    return n


def _scheme_alone(con: duckdb.DuckDBPyConnection, scheme: str) -> bool:
    """Whether no source holds figures of ``scheme`` yet: then every incoming row is current and
    there is nothing to decide (the first load of a scheme, or a derivation replaced whole)."""
    found = con.execute(
        """SELECT EXISTS (SELECT 1 FROM crime_facts WHERE scheme = $1)
               OR EXISTS (SELECT 1 FROM crime_published WHERE scheme = $1)
               OR EXISTS (SELECT 1 FROM crime_published_areas WHERE scheme = $1)""",
        [scheme],
    ).fetchall()
    return not (found and found[0][0])


def load_crime_facts(
    con: duckdb.DuckDBPyConnection, rows: pa.Table | str, source: CrimeSource, source_id: int
) -> CrimeLoad:
    """Insert a checked batch and re-decide the current figures of every unit it touches.

    ``rows`` is an Arrow table, or the name of a table in ``con`` that passed
    :func:`check_crime_relation`. Runs inside the caller's transaction. Rows already in the
    store are never deleted.
    """
    alone = _scheme_alone(con, source.scheme)
    if isinstance(rows, str):
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW incoming_facts AS
            SELECT *, {int(source_id)}::INTEGER AS source_id,
                   '{source.vintage}'::VARCHAR AS vintage, false AS is_current
            FROM ({_typed(con, rows, source)})"""
        )
        n = _scalar(con, "SELECT count(*) FROM incoming_facts")
        levels = [r[0] for r in con.execute(f"SELECT DISTINCT geo_level FROM {rows}").fetchall()]
        incoming: pa.Table | None = None
    else:
        n = rows.num_rows
        incoming = rows.append_column("source_id", pa.array([source_id] * n, pa.int32()))
        incoming = incoming.append_column("vintage", pa.array([source.vintage] * n, pa.string()))
        incoming = incoming.append_column("is_current", pa.array([False] * n, pa.bool_()))
        levels = list(set(rows.column("geo_level").to_pylist()))
    if source.published is not None:
        published = _with_levels(source.published, levels)
    else:
        assert not isinstance(rows, str)  # check_crime_relation requires it
        published = published_of(rows)
    m = published.num_rows
    published = pa.table(
        {
            "source_id": pa.array([source_id] * m, pa.int32()),
            "scheme": pa.array([source.scheme] * m, pa.string()),
            "geo_level": published.column("geo_level").cast(pa.string()),
            "measure": published.column("measure").cast(pa.string()),
            "category_group": published.column("category_group").cast(pa.string()),
            "category": published.column("category").cast(pa.string()),
            "month": published.column("month").cast(pa.date32()),
            "is_current": pa.array([False] * m, pa.bool_()),
        }
    )
    if incoming is not None:
        con.register("incoming_facts", incoming)
    con.register("incoming_published", published)
    if source.published_areas is not None:
        con.register("incoming_area_list", source.published_areas)
        areas_sql = "SELECT geo_level, measure, area_code, month FROM incoming_area_list"
    else:  # every area with rows, in every month published at its level and measure
        areas_sql = """SELECT a.geo_level, a.measure, a.area_code, p.month
            FROM (SELECT DISTINCT geo_level, measure, area_code FROM incoming_facts) a
            JOIN (SELECT DISTINCT geo_level, measure, month FROM incoming_published) p
            USING (geo_level, measure)"""
    # A scheme's first source is current throughout: insert it so, with nothing to decide.
    current = "true" if alone else "false"
    try:
        con.execute(
            "INSERT INTO crime_facts BY NAME "
            f"SELECT * REPLACE ({current} AS is_current) FROM incoming_facts"
        )
        con.execute(
            "INSERT INTO crime_published BY NAME "
            f"SELECT * REPLACE ({current} AS is_current) FROM incoming_published"
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE incoming_areas AS
            SELECT DISTINCT {int(source_id)}::INTEGER AS source_id, ?::VARCHAR AS scheme,
                   geo_level::VARCHAR AS geo_level, measure::VARCHAR AS measure,
                   area_code::VARCHAR AS area_code, month::DATE AS month,
                   {current} AS is_current
            FROM ({areas_sql})""",
            [source.scheme],
        )
        con.execute("INSERT INTO crime_published_areas BY NAME SELECT * FROM incoming_areas")
        replaced: dict[str, int] = {}
        kept: dict[str, int] = {}
        if not alone:
            replaced, kept = _decide_current(con, "crime_facts", "incoming_facts", UNIT, source_id)
            _decide_current(con, "crime_published", "incoming_published", PUBLISHED_UNIT, source_id)
            _decide_current(
                con, "crime_published_areas", "incoming_areas", PUBLISHED_AREA_UNIT, source_id
            )
        unallocated = _scalar(
            con,
            "SELECT coalesce(sum(count), 0) FROM incoming_facts "
            f"WHERE area_code = '{UNALLOCATED}' AND measure = '{OFFENCES}'",
        )
    finally:
        for name in ("incoming_facts", "incoming_published", "incoming_area_list"):
            with suppress(duckdb.Error):
                con.unregister(name)
        con.execute("DROP TABLE IF EXISTS incoming_areas")
        if incoming is None:
            con.execute("DROP VIEW IF EXISTS incoming_facts")
    return CrimeLoad(Path(source.path), n, False, replaced, kept, unallocated)


def forget_crime_sources(con: duckdb.DuckDBPyConnection, kind: str, by: int) -> None:
    """Retire every load of ``kind`` and re-decide the units it held (for derived figures that
    are replaced whole): its rows and source move to the superseded tables, replaced by the
    source ``by``, so a frozen quarter still reads them (:mod:`scrutiny.store.superseded`)."""
    ids = [
        r[0]
        for r in con.execute(
            "SELECT source_id FROM sources WHERE kind = ? AND source_id <> ?", [kind, by]
        ).fetchall()
    ]
    if not ids:
        return
    marks = ", ".join("?" * len(ids))
    for table, unit in (
        ("crime_facts", UNIT),
        ("crime_published", PUBLISHED_UNIT),
        ("crime_published_areas", PUBLISHED_AREA_UNIT),
    ):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE forgotten AS SELECT DISTINCT {', '.join(unit)} "
            f"FROM {table} WHERE source_id IN ({marks})",
            ids,
        )
        retire(con, table, f"t.source_id IN ({marks})", ids, by=str(int(by)))
        _decide_current(con, table, "forgotten", unit, -1)
        con.execute("DROP TABLE forgotten")
    retire_sources(con, ids, by)


def _decide_current(
    con: duckdb.DuckDBPyConnection,
    table: str,
    incoming: str,
    unit: tuple[str, ...],
    source_id: int,
) -> tuple[dict[str, int], dict[str, int]]:
    """Mark, in every unit the incoming rows touch, the rows of the newest source as current.

    Returns (current cells superseded by vintage, incoming cells not used by the winner's
    vintage)."""
    cols = ", ".join(unit)
    on = " AND ".join(f"f.{c} = w.{c}" for c in unit)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE unit_winners AS
        SELECT {", ".join(f"f.{c}" for c in unit)},
               arg_max(f.source_id, s.vintage || ' ' || s.sha256) AS winner
        FROM {table} f
        JOIN (SELECT DISTINCT {cols} FROM {incoming}) t USING ({cols})
        JOIN sources s ON s.source_id = f.source_id
        GROUP BY ALL"""
    )
    replaced = dict(
        con.execute(
            f"""SELECT s.vintage, count(*)::BIGINT FROM {table} f JOIN unit_winners w ON {on}
            JOIN sources s ON s.source_id = f.source_id
            WHERE f.is_current AND f.source_id <> w.winner GROUP BY 1"""
        ).fetchall()
    )
    kept = dict(
        con.execute(
            f"""SELECT s.vintage, count(*)::BIGINT FROM {table} f JOIN unit_winners w ON {on}
            JOIN sources s ON s.source_id = w.winner
            WHERE f.source_id = ? AND w.winner <> ? GROUP BY 1""",
            [source_id, source_id],
        ).fetchall()
    )
    con.execute(
        f"""UPDATE {table} f SET is_current = (f.source_id = w.winner)
        FROM unit_winners w WHERE {on}"""
    )
    con.execute("DROP TABLE unit_winners")
    return {str(k): int(v) for k, v in replaced.items()}, {str(k): int(v) for k, v in kept.items()}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


# -- Reads (portable Ibis: measures run them on any backend) ------------------------------------


def current_crime_facts(con: ibis.BaseBackend) -> ir.Table:
    """The current figure of every cell: the newest publication of each unit."""
    facts = con.table("crime_facts")
    return facts.filter(facts.is_current)


def current_published(con: ibis.BaseBackend) -> ir.Table:
    """(scheme, measure, category_group, category, month) that a current publication covers."""
    pub = con.table("crime_published")
    return pub.filter(pub.is_current)


def current_published_areas(con: ibis.BaseBackend) -> ir.Table:
    """(scheme, geo_level, measure, area_code, month) that a current publication covers."""
    pub = con.table("crime_published_areas")
    return pub.filter(pub.is_current)


def _newest_of(t: ir.Table, sources: ir.Table, unit: Iterable[str]) -> ir.Table:
    ranked = t.join(
        sources.select("source_id", rank=sources.vintage.concat(" ", sources.sha256)), "source_id"
    )
    window = ibis.window(group_by=[ranked[c] for c in unit])
    ranked = ranked.mutate(best=ranked["rank"].max().over(window))
    return ranked.filter(ranked["rank"] == ranked.best).drop("rank", "best")


def crime_facts_as_of(con: ibis.BaseBackend, source_ids: Iterable[int]) -> ir.Table:
    """The figures as they stood had only these sources been loaded (for frozen reports).

    Same columns as :func:`current_crime_facts`; ``is_current`` is as stored, not as of."""
    ids = sorted(set(int(i) for i in source_ids))
    facts = con.table("crime_facts")
    return _newest_of(facts.filter(facts.source_id.isin(ids)), con.table("sources"), UNIT)


def published_as_of(con: ibis.BaseBackend, source_ids: Iterable[int]) -> ir.Table:
    """:func:`current_published` as it stood had only these sources been loaded."""
    ids = sorted(set(int(i) for i in source_ids))
    pub = con.table("crime_published")
    return _newest_of(pub.filter(pub.source_id.isin(ids)), con.table("sources"), PUBLISHED_UNIT)


def published_areas_as_of(con: ibis.BaseBackend, source_ids: Iterable[int]) -> ir.Table:
    """:func:`current_published_areas` as it stood had only these sources been loaded."""
    ids = sorted(set(int(i) for i in source_ids))
    pub = con.table("crime_published_areas")
    return _newest_of(
        pub.filter(pub.source_id.isin(ids)), con.table("sources"), PUBLISHED_AREA_UNIT
    )
