"""Superseded rows: what a newer load replaced, kept for reads *as of* an earlier set of loads.

Crime figures keep every vintage in ``crime_facts`` itself (``is_current``). The other tables
hold the current rows only, so when a load replaces rows (a newer vintage of population
estimates, a return filed again for its quarter, a police.uk file published again, street counts
derived again) the rows it replaces move to ``superseded_<table>`` with the id of the load that
replaced them (``superseded_by``), and a source none of whose rows remain moves to
``superseded_sources``. Current reads never see them.

The as-of rule, the same for every table: with F the sources a freeze recorded, a row is read
when its source is in F and no source in F replaced it — exactly the rows that were current
when the loads of F were all the loads made, whatever came after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scrutiny.store.engine import Connection

PREFIX = "superseded_"
#: Tables whose rows are not versioned: the workspace's own areas are rebuilt from its
#: configuration at every ingest, and the returns' ratings from the returns (a report rates the
#: returns it reads); crime keeps its vintages in place (``is_current``).
UNVERSIONED = frozenset({"sources", "areas", "ret_ratings"})
CRIME_TABLES = ("crime_facts", "crime_published", "crime_published_areas")


def _columns(con: Connection, table: str, schema: str = "main") -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = ? AND table_catalog = current_database() "
        "ORDER BY ordinal_position",
        [table, schema],
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _ensure(con: Connection, table: str) -> None:
    """``superseded_<table>``: the table's columns (as they are now) and ``superseded_by``."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {PREFIX}{table} AS "
        f"SELECT *, NULL::INTEGER AS superseded_by FROM {table} LIMIT 0"
    )
    have = _columns(con, PREFIX + table)
    for name, kind in _columns(con, table).items():
        if name not in have:  # the table gained a column since rows were first superseded
            con.execute(f'ALTER TABLE {PREFIX}{table} ADD COLUMN "{name}" {kind}')


def retire(
    con: Connection,
    table: str,
    where: str,
    params: Sequence[object] = (),
    *,
    by: str,
    using: str = "",
) -> int:
    """Move the rows of ``table`` (alias ``t``) matching ``where`` to ``superseded_<table>``,
    marked as replaced by the source id the SQL expression ``by`` gives; ``using`` names
    further tables ``where`` joins (``name alias``). Returns how many rows moved."""
    _ensure(con, table)
    extra = f", {using}" if using else ""
    con.execute(
        f"INSERT INTO {PREFIX}{table} BY NAME "
        f"SELECT t.*, ({by})::INTEGER AS superseded_by FROM {table} t{extra} WHERE {where}",
        list(params),
    )
    found = con.execute(
        f"DELETE FROM {table} t{' USING ' + using if using else ''} WHERE {where}", list(params)
    ).fetchone()
    return int(found[0]) if found else 0


def retire_sources(con: Connection, ids: Iterable[int], by: int) -> None:
    """Move these ``sources`` rows to ``superseded_sources`` (their rows were all replaced)."""
    ids = sorted(set(int(i) for i in ids))
    if ids:
        marks = ", ".join("?" * len(ids))
        retire(con, "sources", f"t.source_id IN ({marks})", ids, by=str(int(by)))


def versioned_tables(con: Connection) -> list[str]:
    """The stored tables with a ``source_id`` whose rows are read as of a freeze, crime's
    excepted (they keep their vintages in place)."""
    rows = con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE column_name = 'source_id' AND table_schema = 'main' "
        "AND table_catalog = current_database() ORDER BY table_name"
    ).fetchall()
    names = [str(r[0]) for r in rows]
    return [
        n
        for n in names
        if not n.startswith(PREFIX) and n not in UNVERSIONED and n not in CRIME_TABLES
    ]


def stored_with_superseded(con: Connection, table: str) -> str:
    """A query of every row ``table`` ever held: the stored rows (``superseded_by`` NULL) and
    the superseded ones, with the stored table's columns in order, then ``superseded_by``."""
    catalog = con.execute("SELECT current_database()").fetchone()
    assert catalog is not None
    db = f'"{catalog[0]}".main'
    columns = _columns(con, table)
    cols = ", ".join(f'"{c}"' for c in columns)
    query = f"SELECT {cols}, NULL::INTEGER AS superseded_by FROM {db}.{table}"
    old = _columns(con, PREFIX + table)
    if old:
        picked = ", ".join(f'"{c}"' if c in old else f'NULL AS "{c}"' for c in columns)
        query += f" UNION ALL SELECT {picked}, superseded_by FROM {db}.{PREFIX}{table}"
    return query


def as_of(con: Connection, table: str, ids_table: str) -> str:
    """A query of ``table`` as it stood when the sources listed in ``ids_table`` (one column,
    ``source_id``) were all the loads made (the rule of the module docstring)."""
    columns = ", ".join(f'"{c}"' for c in _columns(con, table))
    return (
        f"SELECT {columns} FROM ({stored_with_superseded(con, table)}) "
        f"WHERE source_id IN (SELECT source_id FROM {ids_table}) "
        f"AND (superseded_by IS NULL OR superseded_by NOT IN (SELECT source_id FROM {ids_table}))"
    )


__all__ = [
    "PREFIX",
    "as_of",
    "retire",
    "retire_sources",
    "stored_with_superseded",
    "versioned_tables",
]
