"""An area page fetches every category in one batch: each category's share must carry its own
coverage notes, exactly as if it had been asked alone (another category's gaps are not its own)."""

from __future__ import annotations

import ibis

from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.workspace import Workspace
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures
from scrutiny.measures.summary import groups_of

NOTES = ("incomplete_windows", "coverage_notes", "series_breaks")


def test_a_batch_gives_each_category_its_own_notes(
    demo_ws: Workspace, demo_con: ibis.BaseBackend
) -> None:
    sels = list(available_selections(demo_con, groups_of(demo_ws)).values())
    data = WorkspaceData(demo_ws)
    try:
        quarter = max(data.quarters["borough"])  # after the 2024 scheme change: gaps differ
        data.prefetch(sels, "borough", quarter)
        batched = {s.name: data.raw_measures(s, "borough", quarter).attrs for s in sels}
    finally:
        data.close()
    query = CrimeQuery(
        quarter, demo_ws.baseline, "borough", (), demo_ws.config.settings.population_year
    )
    alone = {s.name: crime_measures(demo_con, query, [s]).attrs for s in sels}
    # The case can fail: some categories lack windows that others have.
    assert len({tuple(a["incomplete_windows"]) for a in alone.values()}) > 1
    for name, attrs in alone.items():
        assert {k: batched[name][k] for k in NOTES} == {k: attrs[k] for k in NOTES}, name
