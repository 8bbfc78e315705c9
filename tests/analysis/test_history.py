"""The archive of every quarter: the same figures as the measures layer gives one quarter at a
time, for every category and area."""

from __future__ import annotations

import math
from typing import Any

import ibis
import pandas as pd
import pytest

from scrutiny.analysis.data import WorkspaceData
from scrutiny.analysis.history import history
from scrutiny.config.periods import WINDOWS, Comparator
from scrutiny.config.workspace import Workspace
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures
from scrutiny.measures.summary import groups_of

CHECKED = [*WINDOWS, *(f"change_{c.value}" for c in Comparator), "population", "r12_rate_per_1000"]


def _value(x: Any) -> float | None:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


@pytest.mark.parametrize("level", ["force", "borough"])
def test_every_quarter_matches_the_measures_of_that_quarter(
    demo_ws: Workspace, demo_con: ibis.BaseBackend, level: str
) -> None:
    sels = list(available_selections(demo_con, groups_of(demo_ws)).values())
    pop_year = demo_ws.config.settings.population_year
    data = WorkspaceData(demo_ws)
    try:
        quarters = data.quarters[level]
    finally:
        data.close()
    assert len(quarters) > 40  # the Datastore's series run from 2010
    found = history(
        demo_con, sels, level, quarters, demo_ws.baseline, pop_year, demo_ws.change_points
    )
    assert set(found.quarters) == set(quarters)
    # The newest, one in the middle, the oldest and one across the baseline year.
    for q in {quarters[0], quarters[len(quarters) // 2], quarters[-1], quarters[-40]}:
        query = CrimeQuery(q, demo_ws.baseline, level, (), pop_year)
        expected = crime_measures(demo_con, query, sels).to_dict("records")
        mine = {(r["category"], r["area_code"]): r for r in found.quarters[q]}
        checked = 0
        for row in expected:
            key = (row["category"], row["area_code"])
            if key not in mine:
                # Left out only where no window holds an offence.
                assert not any(_value(row[w]) for w in WINDOWS), key
                continue
            for column in CHECKED:
                want, got = _value(row[column]), _value(mine[key][column])
                assert (want is None) == (got is None), (q, key, column, want, got)
                if want is not None and got is not None:
                    assert got == pytest.approx(want, rel=1e-9), (q, key, column)
                checked += 1
        assert checked > 500
        extra = set(mine) - {(r["category"], r["area_code"]) for r in expected}
        assert not extra, sorted(extra)[:5]
        # The SPC verdict: what the open-data table of that quarter says (one chart per series
        # there, over the series of that quarter's window).
        data = WorkspaceData(demo_ws)
        try:
            data.prefetch(sels, level, q)  # every category's series in one query
            for sel in sels:
                verdicts = data.spc_verdicts(sel, level, q)
                for (category, code), r in mine.items():
                    if category == sel.name:
                        assert r["spc_verdict"] == verdicts.get(code, "not enough data"), (
                            q,
                            category,
                            code,
                        )
        finally:
            data.close()
