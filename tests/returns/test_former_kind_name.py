"""The office-finance return was called ``mopac_finance``: files so named still load, into the
renamed kind, and the load says the name is deprecated; an older warehouse's table keeps its
rows under the new name."""

from __future__ import annotations

import shutil
from pathlib import Path

from scrutiny.config.workspace import demo_root
from scrutiny.returns.load import load_file
from scrutiny.returns.schema import ensure_schema
from scrutiny.store.warehouse import Warehouse

DEMO_FILE = demo_root() / "returns" / "2023-24Q1-office-finance.csv"


def test_former_file_name_loads_with_a_notice(tmp_path: Path) -> None:
    old = tmp_path / "2023-24Q1-mopac-finance.csv"
    shutil.copy(DEMO_FILE, old)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        result = load_file(wh, old)
        assert result.kinds == ("office_finance",)
        assert "'mopac_finance' is a deprecated kind name" in result.describe()
        assert "…-office-finance" in result.describe()
        rows = wh.con.execute("SELECT count(*) FROM ret_office_finance").fetchone()
        assert rows is not None and rows[0] == result.rows > 0


def test_new_name_has_no_notice(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        assert "deprecated" not in load_file(wh, DEMO_FILE).describe()


def test_older_warehouse_table_is_renamed(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load_file(wh, DEMO_FILE)
        con = wh.con
        con.execute("ALTER TABLE ret_office_finance RENAME TO ret_mopac_finance")
        con.execute("UPDATE sources SET kind = 'return:mopac_finance'")
        n = con.execute("SELECT count(*) FROM ret_mopac_finance").fetchone()
        ensure_schema(con)
        assert con.execute("SELECT count(*) FROM ret_office_finance").fetchone() == n
        kinds = {r[0] for r in con.execute("SELECT kind FROM sources").fetchall()}
        assert kinds == {"return:office_finance"}


def test_a_read_only_connection_reads_an_older_warehouse(tmp_path: Path) -> None:
    """Before the next ingest, reads see the former table under the new name and an empty
    table for a kind the older warehouse lacks (nothing is written)."""
    import duckdb

    from scrutiny.returns.schema import readable_returns

    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        n = load_file(wh, DEMO_FILE).rows
        wh.con.execute("ALTER TABLE ret_office_finance RENAME TO ret_mopac_finance")
        wh.con.execute("DROP TABLE ret_series")
    con = duckdb.connect(str(path), read_only=True)
    try:
        readable_returns(con)
        assert con.execute("SELECT count(*) FROM ret_office_finance").fetchone() == (n,)
        assert con.execute("SELECT count(*) FROM ret_series").fetchone() == (0,)
    finally:
        con.close()
    con = duckdb.connect(str(path), read_only=True)
    try:  # the file itself is unchanged
        rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        tables = {r[0] for r in rows}
        assert "ret_mopac_finance" in tables and "ret_series" not in tables
    finally:
        con.close()
