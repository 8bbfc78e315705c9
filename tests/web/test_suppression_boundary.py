"""Small-count suppression at its boundary: a count equal to the threshold is published, one
below it is hidden (so ``n < threshold`` turned into ``n <= threshold`` fails here)."""

from __future__ import annotations

import csv
import io

import duckdb
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.content.disclosure import WITHHELD, Suppressor
from scrutiny.web.api import PUBLIC_COLUMNS

from .conftest import SUPPRESS_BELOW

# The count columns as the API names them.
WINDOWS = tuple(
    PUBLIC_COLUMNS[w] for w in ("quarter", "previous_quarter", "same_quarter_last_year", "r12")
)


def test_the_threshold_itself_is_published() -> None:
    hide = Suppressor(SUPPRESS_BELOW)
    assert hide.count(SUPPRESS_BELOW).text == f"{SUPPRESS_BELOW:,}"
    assert not hide.hides(SUPPRESS_BELOW)
    assert hide.hides(SUPPRESS_BELOW - 1)
    assert hide.count(SUPPRESS_BELOW - 1).text == f"<{SUPPRESS_BELOW}"


def test_the_api_publishes_counts_at_the_threshold_and_hides_those_below(
    web_ws: Workspace, client: TestClient, suppressed_client: TestClient
) -> None:
    """Every borough, every window, for categories until both boundary values are met. A count
    at or above the threshold is published, or withheld by secondary suppression (``[c]`` in
    the CSV), never marked as small (``<N``)."""
    with duckdb.connect(str(web_ws.warehouse_path), read_only=True) as con:
        categories = [
            c
            for (c,) in con.execute(
                "SELECT DISTINCT category FROM crime_facts ORDER BY 1"
            ).fetchall()
        ]
    met = {SUPPRESS_BELOW: 0, SUPPRESS_BELOW - 1: 0}
    small = f"<{SUPPRESS_BELOW}"
    for category in categories:
        query = {"category": category, "level": "borough"}
        plain = client.get("/api/crime/measures", params=query)
        if plain.status_code != 200:
            continue
        hidden = suppressed_client.get("/api/crime/measures", params=query).json()["rows"]
        text = suppressed_client.get("/api/crime/measures.csv", params=query).text
        cells = list(csv.DictReader(io.StringIO(text)))
        for full, shown, cell in zip(plain.json()["rows"], hidden, cells, strict=True):
            assert full["area_code"] == shown["area_code"] == cell["area_code"]
            for window in WINDOWS:
                value = full[window]
                if value is None:
                    continue
                if value < SUPPRESS_BELOW:
                    assert shown[window] is None and window in shown["suppressed"], (category, full)
                    assert cell[window] == small, (category, window, cell)
                elif shown[window] is None:
                    assert cell[window] == WITHHELD, (category, window, value, cell)
                else:
                    assert shown[window] == value, (category, window, full)
                    assert cell[window] == str(value)
                if value in met:
                    met[value] += 1
        if all(met.values()):
            break
    assert all(met.values()), f"no count of exactly {SUPPRESS_BELOW} or {SUPPRESS_BELOW - 1} found"
