"""The crime summary a workspace asks for: resolve names, run the measures, explain the gaps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import pandas as pd

from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import GroupSpec, SeriesBreak, default_names, resolve
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
#: Outcome columns, shown when some category chosen has positive outcomes.
OUTCOME_COLUMNS = {
    "positive_outcomes_quarter": "Positive outcomes Q",
    "outcome_rate_quarter": "Outcome rate Q %",
    "outcome_rate_change_previous_quarter": "pp vs prev Q",
    "outcome_rate_change_same_quarter_last_year": "pp vs Q last yr",
    "positive_outcomes_r12": "Positive outcomes R12",
    "outcome_rate_r12": "Outcome rate R12 %",
    "outcome_rate_change_previous_r12": "pp vs prev R12",
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


def groups_of(ws: Workspace) -> list[GroupSpec]:
    """The workspace's named groups and joined series, as the measures read them."""
    groups = [
        GroupSpec(g.name, g.minor, g.major, g.scheme, g.all, g.exclude)
        for g in ws.config.category_groups
    ]
    joins = [
        GroupSpec(
            j.name,
            j.categories,
            scheme=j.scheme,
            joined=True,
            breaks=(SeriesBreak(date.fromisoformat(j.month + "-01") if j.month else None, j.note),),
        )
        for j in ws.config.category_joins
    ]
    return groups + joins


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
    attrs = dict(frame.attrs)
    order = {s.name: i for i, s in enumerate(chosen)}
    frame = frame.sort_values(
        ["category", "area_name"], key=lambda s: s.map(order) if s.name == "category" else s
    ).reset_index(drop=True)
    frame.attrs.update(attrs)
    notes = [CAVEAT]
    missing = attrs.get("incomplete_windows", [])
    coverage = attrs.get("coverage_notes", [])
    if missing and not coverage:
        notes.append(f"Not shown (the data does not cover every month): {', '.join(missing)}.")
    notes += [f"Not shown — {n}." for n in coverage]
    notes += [f"Series break — {n}" for n in attrs.get("series_breaks", [])]
    notes.append(f"Rates use ONS mid-year {attrs.get('population_year')} population.")
    outcomes = [c for c in frame if c.startswith(("positive_outcomes_", "outcome_rate_"))]
    has_outcomes = bool(outcomes) and frame[outcomes].notna().any().any()
    if has_outcomes:
        notes.append(
            "Outcome rate: positive outcomes as a % of offences in the same window; "
            "changes in percentage points (pp)."
        )
    else:
        frame = frame.drop(columns=outcomes)
    shown = [*COLUMNS, *(c for c in OUTCOME_COLUMNS if has_outcomes)]
    frame = frame[[*shown, *[c for c in frame if c not in shown]]]
    frame.attrs.update(attrs)
    return CrimeSummary(query, frame, notes)
