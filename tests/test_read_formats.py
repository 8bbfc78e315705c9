"""Every read command prints a table, CSV or JSON (``--format``), with the same rows in each; a
table off a terminal is never cut short with "…"."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace

runner = CliRunner()

COMMANDS = [
    ["ratings", "--quarter", "2023-24Q1"],
    ["overrides"],
    ["risk-trends"],
    ["decisions"],
    ["known-issues"],
    ["derived", "calls", "--quarter", "2023-24Q1"],
    ["derived", "finance", "--quarter", "2023-24Q1"],
    ["plan"],
    ["crime", "--quarter", "2023-24Q1", "--by", "borough"],
]


@pytest.fixture(scope="module")
def ws_root(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "ws"
    shutil.copytree(demo_ws.root, root)
    return root


def run(root: Path, args: list[str], fmt: str) -> str:
    result = runner.invoke(app, [*args, "-w", str(root), "--format", fmt])
    assert result.exit_code == 0, (args, fmt, result.output)
    return result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_csv_and_json_carry_the_same_rows(ws_root: Path, args: list[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(run(ws_root, args, "csv"))))
    records = json.loads(run(ws_root, args, "json"))
    assert isinstance(records, list)
    assert len(records) == len(rows)
    if rows:
        assert list(records[0]) == list(rows[0])
    if args[0] in ("ratings", "decisions", "plan", "crime", "risk-trends"):
        assert rows, f"the demo has {args[0]}"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_tables_off_a_terminal_are_never_cut(ws_root: Path, args: list[str]) -> None:
    text = run(ws_root, args, "table")
    assert "…" not in text


def test_a_long_cell_is_printed_whole(ws_root: Path) -> None:
    records = json.loads(run(ws_root, ["ratings", "--quarter", "2023-24Q1"], "json"))
    longest = max((str(r["title"]) for r in records), key=len)
    assert len(longest) > 60  # wider than a default terminal column
    assert longest in run(ws_root, ["ratings", "--quarter", "2023-24Q1"], "table")
