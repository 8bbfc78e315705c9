"""The crime summary a workspace asks for: resolve names, run the measures, explain the gaps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import pandas as pd

from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import TOTAL, resolve
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures

CAVEAT = (
    "Recorded crime reflects police activity and recording practice as well as crime "
    "(ONS; Office for Statistics Regulation)."
)

#: Output columns and their headings, in order.
COLUMNS = {
    "category": "Category",
    "area_name": "Area",
    "quarter": "Quarter",
    "change_previous_quarter": "% vs prev Q",
    "change_same_quarter_last_year": "% vs Q last yr",
    "change_same_quarter_baseline": "% vs Q 2019-20",
    "r12": "R12",
    "change_previous_r12": "% vs prev R12",
    "change_baseline_r12": "% vs pre-pandemic R12",
    "r12_rate_per_1000": "R12 per 1,000 residents",
}


@dataclass
class CrimeSummary:
    query: CrimeQuery
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        def clean(v: Any) -> Any:
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                return None
            return v.item() if hasattr(v, "item") else v

        return [{k: clean(v) for k, v in row.items()} for row in self.frame.to_dict("records")]


def connect(ws: Workspace) -> ibis.BaseBackend:
    return ibis.duckdb.connect(str(ws.warehouse_path), read_only=True)


def groups_of(ws: Workspace) -> list[tuple[str, Sequence[str], Sequence[str]]]:
    return [(g.name, g.minor, g.major) for g in ws.config.category_groups]


def crime_summary(
    ws: Workspace,
    quarter: str | None = None,
    categories: Sequence[str] = (),
    level: str = "force",
    areas: Sequence[str] = (),
) -> CrimeSummary:
    """Measures for the named categories (default: the workspace's headline ones; 'all': every
    category) at one geography level, for one quarter (default: the workspace's)."""
    q = Quarter.parse(quarter) if quarter else ws.quarter
    con = connect(ws)
    try:
        available = available_selections(con, groups_of(ws))
        names = list(categories) or list(ws.config.settings.headline_categories) or [TOTAL]
        chosen = (
            list(available.values())
            if [n.lower() for n in names] == ["all"]
            else resolve(available, names)
        )
        query = CrimeQuery(q, ws.baseline, level, tuple(areas), ws.config.settings.population_year)
        frame = crime_measures(con, query, chosen)
    finally:
        con.disconnect()
    if areas and frame.empty:
        raise ValueError(f"no {level} called {', '.join(areas)} in the data")
    order = {s.name: i for i, s in enumerate(chosen)}
    frame = frame.sort_values(
        ["category", "area_name"], key=lambda s: s.map(order) if s.name == "category" else s
    ).reset_index(drop=True)
    notes = [CAVEAT]
    missing = frame.attrs.get("incomplete_windows", [])
    if missing:
        notes.append(f"Not shown (the data does not cover every month): {', '.join(missing)}.")
    notes.append(f"Rates use ONS mid-year {frame.attrs.get('population_year')} population.")
    return CrimeSummary(query, frame[[*COLUMNS, *[c for c in frame if c not in COLUMNS]]], notes)
