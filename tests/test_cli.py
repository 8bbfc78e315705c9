from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace

runner = CliRunner()


def test_crime_json_for_boroughs(demo_ws: Workspace) -> None:
    result = runner.invoke(
        app,
        ["crime", "-w", str(demo_ws.root), "--by", "borough", "-c", "Rape", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 33  # 32 boroughs and the airports
    assert {r["category"] for r in rows} == {"Rape"}
    assert all(r["r12"] >= r["quarter"] for r in rows)


def test_crime_csv_all_categories_bcu(demo_ws: Workspace) -> None:
    result = runner.invoke(
        app, ["crime", "-w", str(demo_ws.root), "--by", "bcu", "-c", "all", "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["area_name"] for r in rows} >= {"Central West", "South West", "North Area"}
    assert len({r["area_name"] for r in rows}) == 12


def test_crime_table_default_is_the_workspace_headlines(demo_ws: Workspace) -> None:
    result = runner.invoke(app, ["crime", "-w", str(demo_ws.root)])
    assert result.exit_code == 0, result.output
    assert "Total Notifiable Offences" in result.stdout
    assert "896,653" in result.stdout
    assert "police activity" in result.stdout  # the recorded-crime caveat


def test_unknown_category_is_one_clear_line(demo_ws: Workspace) -> None:
    result = runner.invoke(app, ["crime", "-w", str(demo_ws.root), "-c", "Burglery"])
    assert result.exit_code == 1
    assert "unknown category 'Burglery'" in result.stderr


def test_bad_quarter_is_one_clear_line(demo_ws: Workspace) -> None:
    result = runner.invoke(app, ["crime", "-w", str(demo_ws.root), "--quarter", "2023Q1"])
    assert result.exit_code == 1
    assert "expected the form 2023-24Q1" in result.stderr


def test_quarter_beyond_the_data_shows_blanks_not_zeros(demo_ws: Workspace) -> None:
    result = runner.invoke(
        app, ["crime", "-w", str(demo_ws.root), "--quarter", "2026-27Q1", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    assert row["quarter"] is None and row["change_previous_quarter"] is None
