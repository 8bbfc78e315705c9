"""Outputs read the warehouse and never write it: only ``scrutiny ingest`` (and ``init``) do.

A read command on changed sources says "run `scrutiny ingest`" in one line and shows what is
loaded; a workspace with no warehouse yet is ingested once, announced; ``site`` and ``report``
work while ``serve`` holds the same warehouse open.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scrutiny
from scrutiny.cli import app
from scrutiny.config.workspace import Workspace
from scrutiny.store.inputs import inputs_path
from workspaces import copy_demo

SRC = Path(scrutiny.__file__).resolve().parents[1]
runner = CliRunner()


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@pytest.fixture()
def demo_copy(demo_ws: Workspace, tmp_path: Path) -> Workspace:
    """An ingested demo workspace of this test's own (warehouse and inputs record included)."""
    root = tmp_path / "ws"
    shutil.copytree(demo_ws.root, root)
    return Workspace.load(root)


def crime_csv(ws: Workspace) -> tuple[list[dict[str, str]], str]:
    args = ["crime", "-w", str(ws.root), "--quarter", "2023-24Q1", "--format", "csv"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout))), result.stderr


def test_ingest_records_every_input(demo_copy: Workspace) -> None:
    recorded = inputs_path(demo_copy.warehouse_path).read_text(encoding="utf-8")
    for name in ("population", "returns/"):
        assert name in recorded
    rows, warning = crime_csv(demo_copy)
    assert rows and warning == ""


def test_changed_source_gives_one_line_and_writes_nothing(demo_copy: Workspace) -> None:
    before, _ = crime_csv(demo_copy)
    source = demo_copy.sources_of("datastore")[0]
    os.utime(source, ns=(time.time_ns(), time.time_ns()))
    db = _stamp(demo_copy.warehouse_path)
    rows, warning = crime_csv(demo_copy)
    assert rows == before
    assert warning.count("\n") == 1 and "run `scrutiny ingest`" in warning
    assert source.name in warning
    assert _stamp(demo_copy.warehouse_path) == db  # read-only: not even reopened for writing
    assert runner.invoke(app, ["ingest", "-w", str(demo_copy.root)]).exit_code == 0
    _, warning = crime_csv(demo_copy)
    assert warning == ""


def test_changed_return_is_noticed_too(demo_copy: Workspace) -> None:
    ret = next(p for p in (demo_copy.root / "returns").rglob("*") if p.is_file())
    ret.write_bytes(ret.read_bytes() + b"\n")
    _, warning = crime_csv(demo_copy)
    assert "run `scrutiny ingest`" in warning


def test_first_read_of_a_new_workspace_ingests_once_and_says_so(tmp_path: Path) -> None:
    ws = copy_demo(tmp_path / "fresh")
    assert not ws.warehouse_path.exists()
    rows, warning = crime_csv(ws)
    assert "No warehouse yet" in warning and "scrutiny ingest" in warning
    assert rows
    _, warning = crime_csv(ws)
    assert warning == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scrutiny(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "scrutiny", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return int(response.status)


def test_site_and_report_while_serve_runs(city_ws: Workspace, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    server = subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "serve", "-w", str(city_ws.root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if _get(url) == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve did not answer within 180 s"
            time.sleep(0.5)
        db = _stamp(city_ws.warehouse_path)
        site = _scrutiny(
            "site", "-w", str(city_ws.root), "-o", str(tmp_path / "site"), "-c", "Robbery"
        )
        assert site.returncode == 0, site.stderr
        assert (tmp_path / "site" / "index.html").is_file()
        report = _scrutiny(
            "report", "-w", str(city_ws.root), "-o", str(tmp_path / "report"), "--no-pdf"
        )
        assert report.returncode == 0, report.stderr
        assert list((tmp_path / "report").glob("*.html"))
        assert _stamp(city_ws.warehouse_path) == db
        assert server.poll() is None and _get(url) == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
