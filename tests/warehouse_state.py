"""What tests compare to show that a refused step changed nothing, and the throwaway copy of a
workspace such a step may damage."""

from __future__ import annotations

import shutil
from pathlib import Path

from scrutiny.config.workspace import Workspace
from scrutiny.store.warehouse import Warehouse


def every_row(wh: Warehouse) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in order (for small warehouses)."""
    tables = [r[0] for r in wh.con.execute("SHOW TABLES").fetchall()]
    return {t: wh.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def fingerprint(ws: Workspace) -> dict[str, tuple[object, ...]]:
    """Every table's row count and the sum of its rows' hashes: equal when every row is."""
    with Warehouse(ws.warehouse_path, read_only=True) as wh:
        tables = [t for (t,) in wh.con.execute("SHOW TABLES").fetchall()]
        sql = "SELECT count(*), sum(hash(r)::HUGEINT) FROM {} r"
        return {t: tuple(wh.con.execute(sql.format(t)).fetchone() or ()) for t in tables}


def copy_of(ws: Workspace, tmp_path: Path) -> Workspace:
    """A copy of an (ingested) workspace for one test that damages or locks it."""
    root = tmp_path / "ws"
    shutil.copytree(ws.root, root)
    return Workspace.load(root)
