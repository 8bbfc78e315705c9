"""Load a workspace's sources into its warehouse, file by file, each file in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from scrutiny.geography import AreaNames, build_areas
from scrutiny.returns.actions import load_workspace_returns
from scrutiny.sources.datastore import read_datastore
from scrutiny.sources.ons_lookup import read_ons_lookup
from scrutiny.sources.police_uk import ingest_street
from scrutiny.sources.population import read_population
from scrutiny.warehouse import IngestResult, Warehouse, file_sha256
from scrutiny.workspace import Workspace, WorkspaceError

#: Called before each file with (file, number done, number in all).
Progress = Callable[[Path, int, int], None]


class Described(Protocol):
    """A result of loading one file or folder: crime files, police.uk files, returns."""

    def describe(self) -> str: ...


@dataclass
class IngestReport:
    results: list[Described] = field(default_factory=list)

    @property
    def loaded(self) -> list[Described]:
        return [r for r in self.results if not getattr(r, "skipped", False)]

    @property
    def replaced(self) -> int:
        return sum(r.replaced for r in self.results if isinstance(r, IngestResult))


def area_names(wh: Warehouse) -> AreaNames:
    """Local-authority names → ONS codes, from the population estimates loaded."""
    rows = wh.con.execute("SELECT DISTINCT area_name, area_code FROM population").fetchall()
    return AreaNames(dict(rows))


def ingest_workspace(ws: Workspace, progress: Progress | None = None) -> IngestReport:
    """Load every source the workspace names.

    A bad file raises IngestError and loads nothing of itself; files before it stay loaded.
    """
    report = IngestReport()
    population = ws.sources_of("population")
    crime = ws.sources_of("datastore")
    files = population + crime
    with Warehouse(ws.warehouse_path) as wh:
        done = 0

        def step(path: Path) -> str | None:
            """Report progress; the file's hash if it still needs loading, else None."""
            nonlocal done
            if progress:
                progress(path, done, len(files))
            done += 1
            sha = file_sha256(path)
            if wh.is_loaded(sha):
                report.results.append(IngestResult(path, "", 0, skipped=True))
                return None
            return sha

        for path in population:
            if sha := step(path):
                report.results.append(wh.ingest(read_population(path), sha))
        names = area_names(wh)
        for path in crime:
            if sha := step(path):
                report.results.append(wh.ingest(read_datastore(path, names), sha))
        refresh_areas(ws, wh, names)
        police = ws.sources_of("police_uk_street") + ws.sources_of("police_uk_stop_search")
        if police:
            lookups = ws.sources_of("lsoa_lookup")
            if not lookups:
                raise WorkspaceError(
                    "scrutiny.yaml: sources: data.police.uk files need an lsoa_lookup source "
                    "(the ONS LSOA → ward → local authority lookup)"
                )
            if progress:
                progress(police[0], done, len(files) + 1)
            report.results.append(ingest_street(wh, police, read_ons_lookup(lookups[0])))
    if ws.config.returns:
        returns = load_workspace_returns(ws)
        if returns.failures:
            raise returns.failures[0]
        report.results.extend(returns.results)
    return report


def refresh_areas(ws: Workspace, wh: Warehouse, names: AreaNames) -> None:
    """Rebuild force, BCU and borough rows from the workspace and the boroughs in the data."""
    seen = wh.con.execute(
        "SELECT DISTINCT area_code FROM crime_counts WHERE geo_level = 'borough'"
    ).fetchall()
    codes = {c for (c,) in seen}
    codes |= {c for members in ws.config.bcus.values() for m in members if (c := names.code(m))}
    boroughs = {c: names.name(c) for c in codes}
    areas = build_areas(ws.config.force_code, ws.config.force, boroughs, ws.config.bcus, names)
    wh.set_derived_areas(
        pa.table(
            {
                "geo_level": [a.level for a in areas],
                "area_code": [a.code for a in areas],
                "area_name": [a.name for a in areas],
                "parent_code": pa.array([a.parent_code for a in areas], pa.string()),
            }
        )
    )
