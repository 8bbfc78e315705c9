"""What tests compare to show that a refused step changed nothing, and the throwaway copy of a
workspace such a step may damage.

For a whole workspace the snapshot is a copy of its warehouse file: :func:`changes` compares
every table's rows with the copy's in DuckDB (``EXCEPT ALL`` both ways: every row, duplicates
counted) and the list of tables, so any changed, added or lost row shows, not only a count.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from scrutiny.config.workspace import Workspace
from scrutiny.store.warehouse import Warehouse


def every_row(wh: Warehouse) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in order (for small warehouses)."""
    tables = [r[0] for r in wh.con.execute("SHOW TABLES").fetchall()]
    return {t: wh.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def take(warehouse: Path, folder: Path) -> Path:
    """A copy of ``warehouse`` (and its write-ahead log, if any) under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / warehouse.name
    shutil.copyfile(warehouse, copy)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    return copy


def changes(before: Path, after: Path) -> dict[str, int]:
    """Rows that differ per table (missing on one side or the other); {} when identical."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{before}' AS b (READ_ONLY)")
        con.execute(f"ATTACH '{after}' AS a (READ_ONLY)")

        def tables(db: str) -> set[str]:
            rows = con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
            ).fetchall()
            return {r[0] for r in rows}

        found: dict[str, int] = {}
        old, new = tables("b"), tables("a")
        for t in old ^ new:
            found[t] = -1  # a table added or lost
        for t in sorted(old & new):
            sql = (
                f'SELECT count(*) FROM (SELECT * FROM b."{t}" EXCEPT ALL SELECT * FROM a."{t}") '
                f'UNION ALL SELECT count(*) FROM (SELECT * FROM a."{t}" EXCEPT ALL '
                f'SELECT * FROM b."{t}")'
            )
            differing = sum(r[0] for r in con.execute(sql).fetchall())
            if differing:
                found[t] = differing
        return found
    finally:
        con.close()


def copy_of(ws: Workspace, tmp_path: Path) -> Workspace:
    """A copy of an (ingested) workspace for one test that damages or locks it."""
    root = tmp_path / "ws"
    shutil.copytree(ws.root, root)
    return Workspace.load(root)
