"""Warehouse tables for returns: one ``ret_<kind>`` table per kind, generated from its columns.

Every table starts with the same provenance columns: the return's quarter (NULL for decisions,
which are keyed by reference), the row number in the file, the worksheet, and the ``sources``
row of the file it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrutiny.config.periods import Quarter
from scrutiny.returns.kinds import FORMER_NAMES, KINDS
from scrutiny.returns.spec import KNOWN_ISSUE, Kind
from scrutiny.store.engine import Connection

PROVENANCE = ("quarter", "row_number", "sheet", "source_id")

_EXTRA = """
CREATE TABLE IF NOT EXISTS ret_warnings (
    kind        VARCHAR NOT NULL,
    quarter     VARCHAR,
    file        VARCHAR NOT NULL,
    sheet       VARCHAR,
    row_number  INTEGER,
    column_name VARCHAR,
    value       VARCHAR,
    message     VARCHAR NOT NULL,
    known_issue VARCHAR,
    source_id   INTEGER NOT NULL
);
-- Ratings by the plan's rules beside the published ones (refreshed after every load).
CREATE TABLE IF NOT EXISTS ret_ratings (
    kind        VARCHAR NOT NULL,
    quarter     VARCHAR NOT NULL,
    priority    VARCHAR NOT NULL,
    ref         VARCHAR,
    title       VARCHAR NOT NULL,
    detail      VARCHAR,
    published   VARCHAR,
    computed    VARCHAR,
    final       VARCHAR,
    override    BOOLEAN NOT NULL,
    rule_reason VARCHAR,
    override_reason VARCHAR,
    source_id   INTEGER NOT NULL,
    row_number  INTEGER NOT NULL
);
"""


def table_columns(kind: Kind) -> list[str]:
    return [*PROVENANCE, *(c.name for c in kind.columns), KNOWN_ISSUE]


def ddl(kind: Kind) -> str:
    cols = [
        "quarter VARCHAR" + ("" if kind.key == "reference" else " NOT NULL"),
        "row_number INTEGER NOT NULL",
        "sheet VARCHAR",
        "source_id INTEGER NOT NULL",
        *(f'"{c.name}" {c.sql_type}' for c in kind.columns),
        f"{KNOWN_ISSUE} VARCHAR",
    ]
    return f"CREATE TABLE IF NOT EXISTS {kind.table} (\n    " + ",\n    ".join(cols) + "\n);"


def ensure_schema(con: Connection) -> None:
    """Create the return tables that do not exist yet (idempotent); a renamed kind's table
    keeps its rows under the new name."""
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    for former, name in FORMER_NAMES.items():
        if f"ret_{former}" in tables and f"ret_{name}" not in tables:
            con.execute(f"ALTER TABLE ret_{former} RENAME TO ret_{name}")
            con.execute(
                "UPDATE sources SET kind = ? WHERE kind = ?", [f"return:{name}", f"return:{former}"]
            )
    for kind in KINDS.values():
        con.execute(ddl(kind))
    con.execute(_EXTRA)


def readable_returns(con: Connection) -> None:
    """Let a read-only connection to a warehouse written by an older version read every return
    table: a renamed kind's table under its new name, a kind it lacks as an empty table (both
    temporary, for this connection only; the next ingest makes them real)."""
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    former = {new: old for old, new in FORMER_NAMES.items()}
    for kind in KINDS.values():
        if kind.table in tables:
            continue
        old = former.get(kind.name)
        if old is not None and f"ret_{old}" in tables:
            con.execute(f"CREATE TEMP VIEW {kind.table} AS SELECT * FROM ret_{old}")
        else:
            con.execute(ddl(kind).replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def return_tables() -> list[str]:
    return [k.table for k in KINDS.values()]


#: Columns holding a quarter, per return table (the provenance quarter and the kind's own).
QUARTER_COLUMNS: dict[str, frozenset[str]] = {
    kind.table: frozenset({"quarter", *(c.name for c in kind.columns if c.type == "quarter")})
    for kind in KINDS.values()
}


def stored_quarter(text: str) -> Quarter:
    """A quarter as the warehouse holds it (written canonical by the loader) as a typed value:
    the one place a stored quarter is read back."""
    return Quarter.parse(text)


def read_rows(
    con: Connection, table: str, where: str = "", params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Rows of a return table (one of :data:`QUARTER_COLUMNS`, never a request's text) as
    dicts, with every quarter column typed (:class:`Quarter`)."""
    if table not in QUARTER_COLUMNS:
        raise ValueError(f"{table!r} is not a return table")
    cur = con.execute(f"SELECT * FROM {table} {where}", list(params))
    names = [d[0] for d in cur.description]
    typed = QUARTER_COLUMNS[table]
    return [
        {
            n: (stored_quarter(v) if v else None) if n in typed else v
            for n, v in zip(names, row, strict=True)
        }
        for row in cur.fetchall()
    ]
