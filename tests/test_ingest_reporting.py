"""Ingest says what it could not map, levels a workspace lacks give a one-line answer, and a new
workspace names its data relative to itself."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.geography import AreaNames
from scrutiny.config.workspace import Source, Workspace
from scrutiny.measures.summary import crime_summary
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.long_table import read_long_table
from scrutiny.sources.national import write_police_uk_workspace
from scrutiny.sources.police_uk_counts import OTHER_OUTCOMES, POSITIVE_OUTCOMES
from scrutiny.store.warehouse import Warehouse

runner = CliRunner()
KNIFE = ("mps_dashboard", "monthly-crime-dashboard.parquet")


def test_long_table_rows_outside_the_values_mapping_are_counted_and_named(
    realdata: Path, tmp_path: Path
) -> None:
    """The knife-crime table mapped without 'Positive Outcomes': those rows are left out, and the
    load says how many (equal to a direct count of the file)."""
    path = realdata.joinpath(*KNIFE)
    source = Source(
        kind="long_table",
        path=str(path),
        scheme="knife",
        duplicates="sum",
        columns={
            "month": "month_year",
            "area_level": "area_type",
            "area_code": "area_code",
            "area_name": "area_name",
            "category": "crime_subtype",
            "measure": "measure",
            "count": "count",
        },
        values={
            "area_level": {"Borough": "borough", "Safer Neighbourhood Teams": "snt"},
            "measure": {"Offences": "offences"},
        },
    )
    table = pq.read_table(path, columns=["measure"])
    expected = pc.sum(pc.equal(table.column("measure"), "Positive Outcomes")).as_py()
    assert expected > 0
    batch = read_long_table(path, source, AreaNames({}))
    assert batch.notes == (
        f"{expected:,} rows left out, their value not in the workspace's values mapping: "
        f"measure 'Positive Outcomes' ({expected:,})",
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        line = wh.ingest_crime(batch).describe()
    assert line.endswith(f"measure 'Positive Outcomes' ({expected:,})") and "\n" not in line


def _city(realdata: Path, tmp_path: Path, months: list[str]) -> Path:
    data = tmp_path / "police"
    data.mkdir()
    for m in months:
        shutil.copy(
            realdata / "police_uk" / "city-of-london" / f"{m}-city-of-london-street.csv", data
        )
    return data


def test_real_police_uk_outcomes_are_all_classified(realdata: Path) -> None:
    """Every last outcome in the 60 real City of London files is a known positive or other one
    (so ingest reports nothing unmapped for them)."""
    known = set(POSITIVE_OUTCOMES) | set(OTHER_OUTCOMES)
    seen: set[str] = set()
    for f in sorted((realdata / "police_uk" / "city-of-london").glob("*-street.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            seen |= {r["Last outcome category"].strip() for r in csv.DictReader(fh)}
    assert seen - {""} <= known, seen - known - {""}


def test_an_unknown_police_uk_outcome_is_counted_and_listed(realdata: Path, tmp_path: Path) -> None:
    data = _city(realdata, tmp_path, ["2021-10", "2021-11"])
    f = data / "2021-11-city-of-london-street.csv"
    with f.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    assert fields
    changed = 0
    for r in rows:
        if r["Last outcome category"] == "Investigation complete; no suspect identified":
            r["Last outcome category"] = "Outcome type 99 (new)"
            changed += 1
    assert changed > 0
    with f.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    write_police_uk_workspace(tmp_path / "ws", "city-of-london", data)
    lines = [r.describe() for r in ingest_workspace(Workspace.load(tmp_path / "ws")).results]
    counts = [line for line in lines if line.startswith("police.uk crime counts")]
    assert len(counts) == 1
    assert counts[0].endswith(
        f"{changed:,} records have a last outcome that is neither a known positive nor a known "
        f"other outcome, counted as not positive: 'Outcome type 99 (new)' ({changed:,})"
    )


def test_by_bcu_without_bcus_and_a_relative_data_path(realdata: Path, tmp_path: Path) -> None:
    data = _city(realdata, tmp_path, ["2021-10", "2021-11", "2021-12"])
    made = runner.invoke(
        app, ["init", str(tmp_path / "ws"), "--police-uk", "city-of-london", "--data", str(data)]
    )
    assert made.exit_code == 0, made.output
    config = yaml.safe_load((tmp_path / "ws" / "scrutiny.yaml").read_text())
    street = next(s for s in config["sources"] if s["kind"] == "police_uk_street")
    assert street["path"] == "../police"  # relative to the workspace: they move together
    ws = Workspace.load(tmp_path / "ws")
    assert ws.sources_of("police_uk_street")  # and it resolves to the files
    ingest_workspace(ws)
    result = runner.invoke(
        app, ["crime", "--by", "bcu", "--quarter", "2021-22Q3", "-w", str(tmp_path / "ws")]
    )
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "\n" not in message
    assert "defines no basic command units (BCUs)" in message and "--by borough" in message
    assert crime_summary(ws, "2021-22Q3", ["All crime"], "borough").records()  # borough works
