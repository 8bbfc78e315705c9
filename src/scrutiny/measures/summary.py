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
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures
from scrutiny.measures.crime_table import CAVEAT as CAVEAT
from scrutiny.measures.crime_table import (
    check_found,
    chosen_selections,
    shown_columns,
    summary_notes,
)
from scrutiny.measures.crime_table import groups_of as groups_of


def clean(value: Any) -> Any:
    """A frame's cell as a plain Python value: NaN / NA → None; numpy scalars → Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


@dataclass
class CrimeSummary:
    query: CrimeQuery
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [{k: clean(v) for k, v in row.items()} for row in self.frame.to_dict("records")]


def connect(ws: Workspace) -> ibis.BaseBackend:
    return ibis.duckdb.connect(str(ws.warehouse_path), read_only=True)


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
        chosen = chosen_selections(ws, available_selections(con, groups_of(ws)), categories)
        query = CrimeQuery(q, ws.baseline, level, tuple(areas), ws.config.settings.population_year)
        frame = crime_measures(con, query, chosen)
    finally:
        con.disconnect()
    check_found(ws, query, chosen, not frame.empty)
    attrs = dict(frame.attrs)
    order = {s.name: i for i, s in enumerate(chosen)}
    frame = frame.sort_values(
        ["category", "area_name"], key=lambda s: s.map(order) if s.name == "category" else s
    ).reset_index(drop=True)
    frame.attrs.update(attrs)
    outcomes = [c for c in frame if c.startswith(("positive_outcomes_", "outcome_rate_"))]
    has_outcomes = bool(outcomes) and frame[outcomes].notna().any().any()
    if not has_outcomes:
        frame = frame.drop(columns=outcomes)
    notes = summary_notes(
        attrs.get("incomplete_windows", []),
        attrs.get("coverage_notes", []),
        attrs.get("series_breaks", []),
        attrs.get("population_year"),
        has_outcomes,
    )
    frame = frame[shown_columns(list(frame.columns), has_outcomes)]
    frame.attrs.update(attrs)
    return CrimeSummary(query, frame, notes)
