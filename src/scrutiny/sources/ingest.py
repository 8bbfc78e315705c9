"""Load a workspace's sources into its warehouse, file by file, each file in one transaction."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import ibis
import pyarrow as pa

from scrutiny.config.geography import AreaNames, build_areas
from scrutiny.config.workspace import Workspace, WorkspaceError
from scrutiny.returns.actions import load_workspace_returns
from scrutiny.returns.schema import ensure_schema
from scrutiny.sources.datastore import read_datastore
from scrutiny.sources.ethnic_population import read_ethnic_population
from scrutiny.sources.long_table import read_long_table
from scrutiny.sources.ons_lookup import OnsLookup, read_ons_lookup
from scrutiny.sources.police_uk import STREET_KIND, ingest_street, parse_file_name
from scrutiny.sources.police_uk_counts import (
    CRIME_TYPES,
    OFFENCES,
    PSEUDO_AREA_NAMES,
    StreetCountsLoad,
    counts_from_base,
    files_table,
    published_areas_expr,
    published_cells,
    street_base_expr,
    unmapped_outcomes,
)
from scrutiny.sources.police_uk_counts import SCHEME as STREET_SCHEME
from scrutiny.sources.population import read_population
from scrutiny.store.crime import RECORDED_CRIME_SCHEMES, CrimeLoad, CrimeSource
from scrutiny.store.frozen import prune_superseded
from scrutiny.store.inputs import record_inputs
from scrutiny.store.warehouse import IngestResult, Warehouse, file_sha256

#: The kind of the derived source holding the street records' counts.
STREET_COUNTS_KIND = "police_uk_street_counts"

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
        return sum(r.replaced for r in self.results if isinstance(r, IngestResult | CrimeLoad))


def area_names(wh: Warehouse, ws: Workspace | None = None) -> AreaNames:
    """Local-authority names → ONS codes, from the population estimates loaded, and the
    workspace's force-only areas."""
    rows = wh.con.execute("SELECT DISTINCT area_name, area_code FROM population").fetchall()
    extra = [(a.code, a.name, a.aliases) for a in ws.config.force_only_areas] if ws else []
    return AreaNames(dict(rows), extra)


def ingest_workspace(
    ws: Workspace, progress: Progress | None = None, *, accept_revisions: bool = False
) -> IngestReport:
    """Load every source the workspace names.

    A bad file raises IngestError and loads nothing of itself; files before it stay loaded. A
    publication that would cut a month-area total by more than the workspace's
    ``max_revision_drop_pct`` is refused unless ``accept_revisions``.
    """
    report = IngestReport()
    ws.check_sources()
    population = ws.sources_of("population")
    ethnic = ws.sources_of("population_by_ethnic_group")
    crime = [
        (path, source)
        for source in ws.config.sources
        if source.kind in ("datastore", "long_table")
        for path in ws.resolve(source.path)
    ]
    files = population + ethnic + [path for path, _ in crime]
    drop = ws.config.settings.max_revision_drop_pct / 100
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
        for path in ethnic:
            if sha := step(path):
                report.results.append(wh.ingest(read_ethnic_population(path), sha))
        names = area_names(wh, ws)
        for path, source in crime:
            if sha := step(path):
                batch = (
                    read_datastore(path, names, source.vintage)
                    if source.kind == "datastore"
                    else read_long_table(path, source, names)
                )
                report.results.append(
                    wh.ingest_crime(batch, sha, accept_revisions=accept_revisions, max_drop=drop)
                )
        street_files = ws.sources_of("police_uk_street")
        police = street_files + ws.sources_of("police_uk_stop_search")
        lookup = None
        if police:
            lookups = ws.sources_of("lsoa_lookup")
            if street_files and not lookups:
                raise WorkspaceError(
                    "scrutiny.yaml: sources: data.police.uk street files need an lsoa_lookup "
                    "source (the ONS LSOA → ward → local authority lookup)"
                )
            if progress:
                progress(police[0], done, len(files) + 1)
            # Stop-and-search records carry no LSOA: on their own they need no lookup.
            lookup = read_ons_lookup(lookups[0]) if lookups else None
        # With the lookup from the start, so a data.police.uk file refused below leaves the
        # areas as they were (without it the street wards would be dropped until the end).
        refresh_areas(ws, wh, names, lookup)
        if police:
            street = ingest_street(wh, police, lookup)
            report.results.append(street)
            if lookup is not None:
                # A no-op when neither the records nor the force's areas changed.
                report.results.append(derive_street_counts(ws, wh))
                refresh_areas(ws, wh, names, lookup)
        with wh.transaction() as con:
            ensure_schema(con)  # the return tables, empty without returns: readers need them
    if ws.config.returns:
        returns = load_workspace_returns(ws)
        if returns.failures:
            raise returns.failures[0]
        report.results.extend(returns.results)
    # What no read can reach any more: sources all of whose rows were replaced, frozen by none.
    with Warehouse(ws.warehouse_path) as wh, wh.transaction() as con:
        prune_superseded(con, sorted(ws.frozen_path("-").parent.glob("*.json")))
    record_inputs(ws.warehouse_path, ws.input_files(), ws.root)
    return report


def ensure_ingested(ws: Workspace, progress: Progress | None = None) -> IngestReport | None:
    """Ingest a workspace that has no warehouse yet (a fresh install's demo); None if it has."""
    if ws.warehouse_path.exists():
        return None
    return ingest_workspace(ws, progress)


def refresh_areas(
    ws: Workspace, wh: Warehouse, names: AreaNames, lookup: OnsLookup | None = None
) -> None:
    """Rebuild force, BCU and borough rows from the workspace and the boroughs in the data; with
    a lookup, the wards street-level records were placed in too."""
    # The areas recorded crime names (an extract's own pseudo-areas stay out of the hierarchy:
    # its figures still count for the force).
    seen = wh.con.execute(
        "SELECT DISTINCT area_code FROM crime_facts WHERE geo_level = 'borough' AND scheme IN "
        f"({', '.join('?' * len(RECORDED_CRIME_SCHEMES))})",
        list(RECORDED_CRIME_SCHEMES),
    ).fetchall()
    codes = {c for (c,) in seen}
    codes |= {c for members in ws.config.bcus.values() for m in members if (c := names.code(m))}
    codes |= set(ws.config.local_authorities)
    if lookup is not None:
        la_names = dict(
            zip(
                lookup.table.column("borough_code").to_pylist(),
                lookup.table.column("borough_name").to_pylist(),
                strict=True,
            )
        )
        names = AreaNames({**{n: c for c, n in la_names.items()}, **names.code_by_name})
    boroughs = {c: PSEUDO_AREA_NAMES.get(c) or names.name(c) for c in codes}
    areas = build_areas(ws.config.force_code, ws.config.force, boroughs, ws.config.bcus, names)
    derived = pa.table(
        {
            "geo_level": [a.level for a in areas],
            "area_code": [a.code for a in areas],
            "area_name": [a.name for a in areas],
            "parent_code": pa.array([a.parent_code for a in areas], pa.string()),
        }
    )
    if lookup is not None:
        derived = pa.concat_tables([derived, _street_wards(wh, lookup)])
    wh.set_derived_areas(derived)


def _street_wards(wh: Warehouse, lookup: OnsLookup) -> pa.Table:
    """The wards police.uk counts name, with their names and local authority from the lookup."""
    wards = lookup.table.group_by(["ward_code", "ward_name", "borough_code"]).aggregate([])
    wh.con.register("scrutiny_wards", wards)
    try:
        return wh.con.sql(
            """SELECT 'ward' AS geo_level, w.ward_code AS area_code, w.ward_name AS area_name,
                      w.borough_code AS parent_code
            FROM scrutiny_wards w
            WHERE w.ward_code IN (SELECT area_code FROM crime_facts WHERE geo_level = 'ward')
              AND w.ward_code NOT IN (SELECT area_code FROM areas WHERE geo_level = 'ward'
                                      AND source_id <> 0)
            ORDER BY w.ward_code"""
        ).to_arrow_table()
    finally:
        wh.con.unregister("scrutiny_wards")


def derive_street_counts(ws: Workspace, wh: Warehouse) -> StreetCountsLoad:
    """Sum the street-level records into ``crime_facts`` (police.uk scheme), replacing what an
    earlier ingest derived: the counts are a function of the records, whatever the load order.

    The counts load as one derived source whose vintage is the newest street file's and whose
    hash is that of the street files' hashes and the force's local authorities.
    """
    con = ibis.duckdb.from_connection(wh.con)
    street_sources = wh.con.execute(
        "SELECT path, sha256, vintage FROM sources WHERE kind = ? ORDER BY sha256", [STREET_KIND]
    ).fetchall()
    files = [
        (parsed[1], date.fromisoformat(parsed[0] + "-01"))
        for (path, _, _) in street_sources
        if (parsed := parse_file_name(Path(path).name))
    ]
    months = [m for _, m in files]
    # The counts depend on the records and on which local authorities are the force's own.
    fingerprint = [sha for _, sha, _ in street_sources] + sorted(ws.config.local_authorities)
    digest = hashlib.sha256(" ".join(fingerprint).encode()).hexdigest()
    if wh.is_loaded(digest):
        return StreetCountsLoad(0, 0, 0, 0, skipped=True)
    # One pass over the records into a small table the engine keeps; every level, the published
    # areas and the load read that table, so the records never leave the engine.
    street = con.table("street_crimes")
    for scratch in ("street_counts_derived", "street_base"):
        wh.drop_scratch_table(scratch)
    base = con.create_table(
        "street_base", street_base_expr(street, ws.config.local_authorities), temp=True,
    )  # fmt: skip
    try:
        counts = con.create_table(
            "street_counts_derived", counts_from_base(base, ibis.memtable(_no_names())), temp=True,
        )  # fmt: skip
        seen = set(counts.select("category").distinct().to_pyarrow().column(0).to_pylist())
        source = CrimeSource(
            path="data.police.uk street-level records",
            sha256=digest,
            vintage=max((v for _, _, v in street_sources), default="000000"),
            scheme=STREET_SCHEME,
            kind=STREET_COUNTS_KIND,
            published=published_cells(months, set(CRIME_TYPES) | seen),
            published_areas=published_areas_expr(base, files_table(files)).to_pyarrow(),
        )
        wh.load_crime_batch("street_counts_derived", source, replaces_kind=STREET_COUNTS_KIND)
        totals = counts.filter(counts.geo_level == "borough", counts.measure == OFFENCES)
        by_area = totals.group_by("area_code").aggregate(n=totals["count"].sum()).to_pyarrow()
    finally:
        for scratch in ("street_counts_derived", "street_base"):
            wh.drop_scratch_table(scratch)
    unmapped = tuple(unmapped_outcomes(street))
    load = StreetCountsLoad.of_totals(
        dict(zip(by_area.column(0).to_pylist(), by_area.column(1).to_pylist(), strict=True))
    )
    return dataclasses.replace(load, unmapped_outcomes=unmapped)


def _no_names() -> pa.Table:
    return pa.table({k: pa.array([], pa.string()) for k in ("geo_level", "area_code", "area_name")})
