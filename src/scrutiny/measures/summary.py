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
from scrutiny.measures.categories import default_names, resolve
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures
from scrutiny.measures.crime_table import CAVEAT as CAVEAT
from scrutiny.measures.crime_table import COLUMNS, OUTCOME_COLUMNS, summary_notes
from scrutiny.measures.crime_table import groups_of as groups_of
from scrutiny.measures.query import empty_level_error


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


def headline_category(ws: Workspace) -> str:
    """The first category the workspace shows by default (its headline, else its first group,
    else the total of recorded crime)."""
    con = connect(ws)
    try:
        available = available_selections(con, groups_of(ws))
    finally:
        con.disconnect()
    names = default_names(ws.config.settings.headline_categories, available)
    if not names:
        raise ValueError("no crime figures in the warehouse yet; run `scrutiny ingest`")
    return names[0]


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
        names = list(categories) or default_names(ws.config.settings.headline_categories, available)
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
    if frame.empty and level != "force":
        names = [s.name for s in chosen]
        raise ValueError(empty_level_error(level, bool(ws.config.bcus), names, q))
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
    shown = [*COLUMNS, *(c for c in OUTCOME_COLUMNS if has_outcomes)]
    frame = frame[[*shown, *[c for c in frame if c not in shown]]]
    frame.attrs.update(attrs)
    return CrimeSummary(query, frame, notes)
