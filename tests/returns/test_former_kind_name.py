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
