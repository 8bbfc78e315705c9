"""Provenance, idempotence, newest-vintage-wins and all-or-nothing ingest."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from scrutiny.config.geography import AreaNames
from scrutiny.sources.datastore import read_datastore
from scrutiny.store.warehouse import Warehouse
from warehouse_state import every_row

NAMES = AreaNames({"Camden": "E09000007", "Islington": "E09000019"})
HEADER = "MajorText,MinorText,LookUp_BoroughName"


def write(path: Path, months: list[str], rows: list[tuple[str, str, str, list[int]]]) -> Path:
    lines = [",".join([HEADER, *months])]
    lines += [",".join([mj, mn, b, *map(str, counts)]) for mj, mn, b, counts in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(wh: Warehouse) -> dict[tuple[str, str, str], int]:
    rows = wh.con.execute(
        "SELECT strftime(month, '%Y%m'), area_code, category, count FROM crime_facts "
        "WHERE is_current"
    ).fetchall()
    return {(m, a, c): n for m, a, c, n in rows}


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.csv", ["202301"], [("Robbery", "Robbery of Personal Property", "Camden", [5])]
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        first = wh.ingest_crime(read_datastore(f, NAMES))
        before = every_row(wh)
        second = wh.ingest_crime(read_datastore(f, NAMES))
        assert (first.rows, first.skipped, second.skipped) == (1, False, True)
        assert every_row(wh) == before


def test_sources_record_path_hash_rows_vintage(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.csv",
        ["202301", "202302"],
        [("Robbery", "Robbery of Personal Property", "Camden", [5, 6])],
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest_crime(read_datastore(f, NAMES))
        path, sha, rows, vintage, loaded = wh.con.execute(
            "SELECT path, sha256, row_count, vintage, loaded_at FROM sources"
        ).fetchone()
    import hashlib

    assert path == str(f)
    assert sha == hashlib.sha256(f.read_bytes()).hexdigest()
    assert (rows, vintage) == (2, "202302")
    assert loaded is not None


@pytest.mark.parametrize("newer_first", [False, True], ids=["older-first", "newer-first"])
def test_overlapping_vintages_keep_the_newer_figure(tmp_path: Path, newer_first: bool) -> None:
    older = write(
        tmp_path / "older.csv",
        ["202301", "202302"],
        [
            ("Robbery", "Robbery of Personal Property", "Camden", [5, 6]),
            ("Burglary", "Domestic Burglary", "Camden", [3, 4]),
        ],
    )
    # The newer publication revises Feb, adds Mar, and changes the category scheme for Camden.
    newer = write(
        tmp_path / "newer.csv",
        ["202302", "202303"],
        [
            ("Robbery", "Robbery of Personal Property", "Camden", [7, 8]),
            ("Burglary", "Residential Burglary of a Home", "Camden", [2, 2]),
        ],
    )
    order = [newer, older] if newer_first else [older, newer]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        results = [wh.ingest_crime(read_datastore(f, NAMES)) for f in order]
        got = counts(wh)
    assert got == {
        ("202301", "E09000007", "Robbery of Personal Property"): 5,
        ("202301", "E09000007", "Domestic Burglary"): 3,
        ("202302", "E09000007", "Robbery of Personal Property"): 7,
        ("202302", "E09000007", "Residential Burglary of a Home"): 2,
        ("202303", "E09000007", "Robbery of Personal Property"): 8,
        ("202303", "E09000007", "Residential Burglary of a Home"): 2,
    }
    if not newer_first:
        # Feb's two older cells were replaced: robbery revised 6 → 7, domestic burglary dropped.
        assert results[1].replaced_by_vintage == {"202302": 2}
    else:
        # The older file's Feb cells stay in the store, superseded; the newer one holds Feb.
        assert results[1].kept_newer == {"202303": 2}


def test_a_failure_inside_the_transaction_rolls_everything_back(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.csv", ["202301"], [("Robbery", "Robbery of Personal Property", "Camden", [5])]
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest_crime(read_datastore(f, NAMES))
        before = every_row(wh)
        good = write(
            tmp_path / "b.csv",
            ["202302"],
            [("Robbery", "Robbery of Personal Property", "Camden", [1])],
        )
        batch = read_datastore(good, NAMES)
        # Rows for a second table that violate its NOT NULL constraint fail after the first writes.
        bad_also = pa.table(
            {"geo_level": [None], "area_code": ["X"], "area_name": ["X"], "parent_code": ["Y"]}
        )
        broken = replace(batch, also=(("areas", bad_also),))
        with pytest.raises(Exception, match="NOT NULL"):
            wh.ingest_crime(broken)
        assert every_row(wh) == before
