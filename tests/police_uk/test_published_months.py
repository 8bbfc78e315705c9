"""A published zero (a crime type with no record in a month's file) is told apart from a month
with no file."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb

from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.national import write_police_uk_workspace
from scrutiny.sources.police_uk_counts import CRIME_TYPES, SCHEME


def test_a_file_with_no_rows_publishes_zeros_and_a_missing_file_publishes_nothing(
    realdata: Path, tmp_path: Path
) -> None:
    data = tmp_path / "police"
    data.mkdir()
    city = realdata / "police_uk" / "city-of-london"
    for month in ("2021-10", "2021-12"):
        shutil.copy(city / f"{month}-city-of-london-street.csv", data)
    # November published with one record: every other crime type is a zero that month. (A file
    # with no record at all is refused as damaged: tests/test_error_boundary.py.)
    lines = (city / "2021-11-city-of-london-street.csv").read_text().splitlines(True)
    record = next(line for line in lines[1:] if ",Bicycle theft," in line)
    (data / "2021-11-city-of-london-street.csv").write_text(lines[0] + record)
    # 2021-09: no file at all
    write_police_uk_workspace(tmp_path / "ws", "city-of-london", data)
    ws = Workspace.load(tmp_path / "ws")
    report = ingest_workspace(ws)
    lines = [r.describe() for r in report.results]
    assert any("outside the force area" in line for line in lines), lines

    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    try:
        published = {
            (m, c, measure)
            for m, c, measure in con.execute(
                "SELECT month, category, measure FROM crime_published "
                "WHERE scheme = ? AND is_current",
                [SCHEME],
            ).fetchall()
        }
        facts = {
            m
            for (m,) in con.execute(
                "SELECT DISTINCT month FROM crime_facts WHERE scheme = ? AND is_current", [SCHEME]
            ).fetchall()
        }
        november_types = {
            c
            for (c,) in con.execute(
                "SELECT DISTINCT category FROM crime_facts WHERE scheme = ? AND is_current "
                "AND month = DATE '2021-11-01' AND measure = 'offences' AND count > 0",
                [SCHEME],
            ).fetchall()
        }
    finally:
        con.close()
    november, september = date(2021, 11, 1), date(2021, 9, 1)
    assert {(november, t, "offences") for t in CRIME_TYPES} <= published  # zeros
    assert november_types == {"Bicycle theft"}  # ... stored as no rows but the one
    assert not any(m == september for m, _, _ in published)  # missing, not zero
    assert {date(2021, 10, 1), date(2021, 12, 1)} <= facts
