"""Commands import what they use when they run: ``scrutiny --help`` and ``scrutiny crime`` load
neither statsmodels, WeasyPrint, FastAPI nor the report code (checked in a fresh process with
``python -X importtime``, which lists every module imported)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scrutiny
from scrutiny.config.workspace import Workspace

SRC = Path(scrutiny.__file__).resolve().parents[1]
NEVER = ("statsmodels", "weasyprint", "fastapi", "uvicorn", "scrutiny.report", "scrutiny.web")


def imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scrutiny", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    names = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", run.stderr, re.M))
    assert names, run.stderr[-2000:]
    return names, run


def heavy(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes))


def test_help_imports_no_library_of_any_command() -> None:
    names, run = imported("--help")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "crime" in run.stdout and "report" in run.stdout
    assert heavy(names, (*NEVER, "ibis", "pandas", "duckdb", "scipy", "pydantic")) == []


@pytest.fixture()
def ingested(demo_ws: Workspace, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(demo_ws.root, root)
    return root


def test_crime_imports_no_statistics_report_or_web_code(ingested: Path) -> None:
    args = ["crime", "-w", str(ingested), "--quarter", "2023-24Q1", "--by", "borough"]
    names, run = imported(*args, "--format", "csv")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("category,area_name,quarter")
    assert heavy(names, (*NEVER, "scipy", "scrutiny.analysis", "scrutiny.returns")) == []
    # The first run compiled the measures' SQL (Ibis); from then on neither Ibis, its SQL
    # compiler nor pandas is loaded: the cached SQL runs on DuckDB directly.
    names, run = imported(*args, "--format", "csv")
    assert run.returncode == 0, run.stderr[-2000:]
    assert heavy(names, ("ibis", "sqlglot", "pandas", "pyarrow", "numpy")) == []
