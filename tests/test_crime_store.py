"""The canonical crime fact table: the vintage rule whatever the load order, as-of reads,
unallocated rows, schemes that never replace each other, and the gate every batch passes."""

from __future__ import annotations

import csv
import itertools
from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from scrutiny.config.geography import AreaNames
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.sources.datastore import read_datastore
from scrutiny.sources.population import read_population
from scrutiny.store.crime import (
    UNALLOCATED,
    CrimeSource,
    crime_facts_as_of,
    current_crime_facts,
)
from scrutiny.store.warehouse import Batch, IngestError, Warehouse, file_sha256
from warehouse_state import every_row

DEMO_CRIME = [
    "MPS Borough Level Crime (Historical) 201004-202201.csv",
    "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv",
    "MPS Ward Level Crime (most recent 24 months) 202401-202512.csv",
]


@pytest.fixture(scope="module")
def names(realdata: Path) -> AreaNames:
    pop = read_population(
        realdata / "population" / "ONS_LA_total_resident_population_1998-2022 (Table6).csv"
    )
    rows = pop.rows
    demo = Workspace.load(demo_root())
    return AreaNames(
        dict(
            zip(
                rows.column("area_name").to_pylist(),
                rows.column("area_code").to_pylist(),
                strict=True,
            )
        ),
        [(a.code, a.name, a.aliases) for a in demo.config.force_only_areas],
    )


def newer_borough_file(realdata: Path, folder: Path) -> tuple[Path, int, int]:
    """A borough-level file of the newer layout (``BoroughName``, UPPER CASE, ending 2025-12) made
    from the real ward file's rows summed by borough, plus one 'Unknown' row per category as the
    Met publishes for crimes it could not place. Returns (file, grand total, 'Unknown' total)."""
    src = realdata / "london_datastore" / DEMO_CRIME[2]
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        months = header[5:]
        sums: dict[tuple[str, str, str], list[int]] = {}
        for r in rows:
            key = (r[0], r[1], r[4])
            acc = sums.setdefault(key, [0] * len(months))
            for i, v in enumerate(r[5:]):
                acc[i] += int(v)
    categories = sorted({(mj, mn) for mj, mn, _ in sums})
    unknown = {c: [(i * 7 + len(c[1])) % 23 for i in range(len(months))] for c in categories}
    path = folder / "MPS Borough Level Crime (most recent 24 months) 202401-202512.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["MajorText", "MinorText", "BoroughName", *months])
        for (mj, mn, b), counts in sorted(sums.items()):
            out.writerow([mj, mn, b, *counts])
        for (mj, mn), counts in unknown.items():
            out.writerow([mj, mn, "Unknown", *counts])
    total = sum(sum(c) for c in sums.values()) + sum(sum(c) for c in unknown.values())
    return path, total, sum(sum(c) for c in unknown.values())


_PARSED: dict[Path, Batch] = {}


def load(wh: Warehouse, paths: list[Path], names: AreaNames) -> list:
    """Load files in this order (each file is parsed once per test session)."""
    for p in paths:
        if p not in _PARSED:
            _PARSED[p] = read_datastore(p, names)
    return [wh.ingest_crime(_PARSED[p]) for p in paths]


def current_cells(wh: Warehouse) -> list[tuple]:
    return wh.con.execute(
        """SELECT month, geo_level, area_code, scheme, category_group, category, measure, count,
                  vintage FROM crime_facts WHERE is_current ORDER BY ALL"""
    ).fetchall()


def current_published(wh: Warehouse) -> list[tuple]:
    return wh.con.execute(
        """SELECT p.scheme, p.measure, p.category, p.month, s.sha256 FROM crime_published p
           JOIN sources s USING (source_id) WHERE p.is_current ORDER BY ALL"""
    ).fetchall()


def current_published_areas(wh: Warehouse) -> list[tuple]:
    return wh.con.execute(
        """SELECT p.scheme, p.geo_level, p.measure, p.area_code, p.month, s.sha256
           FROM crime_published_areas p JOIN sources s USING (source_id)
           WHERE p.is_current ORDER BY ALL"""
    ).fetchall()


@pytest.fixture(scope="module")
def files(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crime")
    newer, _, _ = newer_borough_file(realdata, folder)
    return [realdata / "london_datastore" / f for f in DEMO_CRIME] + [newer]


@pytest.mark.parametrize("which", ["demo", "newer"])
def test_every_load_order_gives_the_same_tables(
    files: list[Path], names: AreaNames, tmp_path: Path, which: str
) -> None:
    """The demo's three files (two borough files and the ward file to 2025-12) in all 6 orders,
    and the overlapping pair plus a newer borough file of the same vintage as the ward file in
    all 6 orders: identical current figures and published months (equal vintages break on the
    file hash)."""
    chosen = files[:3] if which == "demo" else files[1:]
    seen_cells, seen_published, seen_areas = set(), set(), set()
    for i, order in enumerate(itertools.permutations(chosen)):
        with Warehouse(tmp_path / f"w{i}.duckdb") as wh:
            load(wh, list(order), names)
            seen_cells.add(hash(tuple(current_cells(wh))))
            seen_published.add(hash(tuple(current_published(wh))))
            areas = current_published_areas(wh)
            assert areas  # every file publishes its areas
            seen_areas.add(hash(tuple(areas)))
    assert (len(seen_cells), len(seen_published), len(seen_areas)) == (1, 1, 1)


def test_newer_vintage_wins_and_older_rows_are_kept(
    files: list[Path], names: AreaNames, tmp_path: Path
) -> None:
    historical, recent = files[0], files[1]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        first, second = load(wh, [recent, historical], names)
        # The historical file (vintage 202201) overlaps nothing of the 24-month file (202202-...).
        assert second.kept_newer == {} and second.replaced_by_vintage == {}
        assert first.rows > 0
        held = wh.con.execute("SELECT count(*) FROM crime_facts").fetchone()[0]
        assert held == first.rows + second.rows


def test_an_older_file_fills_only_what_is_missing_and_superseded_rows_stay(
    files: list[Path], names: AreaNames, tmp_path: Path
) -> None:
    recent, ward = files[1], files[2]
    with Warehouse(tmp_path / "a.duckdb") as wh:
        _, older = load(wh, [ward, recent], names)
        # January 2024 is in both: the ward file (vintage 202512) holds it for every borough.
        assert set(older.kept_newer) == {"202512"}
        jan_sources = wh.con.execute(
            """SELECT DISTINCT s.vintage FROM crime_facts f JOIN sources s USING (source_id)
               WHERE f.is_current AND f.month = DATE '2024-01-01' AND f.geo_level = 'borough'"""
        ).fetchall()
        assert jan_sources == [("202512",)]
        superseded = wh.con.execute(
            """SELECT count(*) FROM crime_facts
               WHERE NOT is_current AND month = DATE '2024-01-01'"""
        ).fetchone()[0]
        assert superseded > 0  # the 24-month file's January rows are still there
    with Warehouse(tmp_path / "b.duckdb") as wh:
        _, newer = load(wh, [recent, ward], names)
        assert set(newer.replaced_by_vintage) == {"202401"}
        assert newer.replaced == older.kept_newer["202512"] or newer.replaced > 0


def test_as_of_reads_give_what_a_subset_of_sources_said(
    files: list[Path], names: AreaNames, tmp_path: Path
) -> None:
    recent, ward = files[1], files[2]
    with Warehouse(tmp_path / "all.duckdb") as wh:
        load(wh, [recent, ward], names)
        ids = dict(wh.con.execute("SELECT path, source_id FROM sources").fetchall())
    with Warehouse(tmp_path / "only.duckdb") as wh:
        load(wh, [recent], names)
        expected = sorted(
            wh.con.execute(
                "SELECT month, geo_level, area_code, category, count FROM crime_facts "
                "WHERE is_current"
            ).fetchall()
        )
    con = ibis.duckdb.connect(str(tmp_path / "all.duckdb"), read_only=True)
    try:
        as_of = crime_facts_as_of(con, [ids[str(recent)]])
        got = as_of.select("month", "geo_level", "area_code", "category", "count").to_pyarrow()
        everything = crime_facts_as_of(con, ids.values()).count().to_pyarrow().as_py()
        current = current_crime_facts(con).count().to_pyarrow().as_py()
    finally:
        con.disconnect()
    assert sorted(tuple(r.values()) for r in got.to_pylist()) == expected
    assert everything == current


def test_unknown_borough_rows_load_as_unallocated_and_the_force_total_is_the_grand_total(
    realdata: Path, names: AreaNames, tmp_path: Path
) -> None:
    path, grand_total, unknown_total = newer_borough_file(realdata, tmp_path)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        (result,) = load(wh, [path], names)
        borough_total, unallocated = wh.con.execute(
            f"""SELECT sum(count), sum(count) FILTER (WHERE area_code = '{UNALLOCATED}')
                FROM crime_facts WHERE is_current AND geo_level = 'borough'"""
        ).fetchone()
    assert result.unallocated == unknown_total > 0
    assert "counted as unallocated" in result.describe()
    assert (borough_total, unallocated) == (grand_total, unknown_total)


def _batch(scheme: str, count: int, measure: str = "offences") -> pa.Table:
    return pa.table(
        {
            "month": pa.array([date(2024, 1, 1)], pa.date32()),
            "geo_level": ["borough"],
            "area_code": ["E09000007"],
            "area_name": ["Camden"],
            "category": ["Knife Crime"],
            "measure": [measure],
            "count": pa.array([count], pa.int64()),
        }
    )


def test_another_scheme_never_replaces_recorded_crime(
    files: list[Path], names: AreaNames, tmp_path: Path
) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load(wh, [files[1]], names)
        before = current_cells(wh)
        newer = CrimeSource("knife.parquet", "f" * 64, "202603", "knife_crime")
        result = wh.load_crime_batch(_batch("knife_crime", 9), newer)
        after = current_cells(wh)
    assert result.replaced == 0
    assert [c for c in after if c[3] == "datastore"] == before


def test_a_bad_batch_is_refused_in_one_line_and_changes_nothing(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load_crime_batch(_batch("s", 1), CrimeSource("a.csv", "a" * 64, "202401", "s"))
        before = every_row(wh)
        twice = pa.concat_tables([_batch("s", 1), _batch("s", 2)])
        cases = [
            (twice, "202402", "more than one row for the cell"),
            (_batch("s", -1), "202402", "negative count"),
            (_batch("s", 1), "2024-02", "vintage must be YYYYMM"),
            (_batch("s", 1).drop_columns(["area_code"]), "202402", "lacks column"),
        ]
        for rows, vintage, message in cases:
            with pytest.raises(IngestError, match=message) as err:
                wh.load_crime_batch(rows, CrimeSource("b.csv", "b" * 64, vintage, "s"))
            assert "\n" not in str(err.value) and str(err.value).startswith("b.csv: ")
        assert every_row(wh) == before


def test_a_crime_file_loaded_twice_changes_nothing(files: list[Path], names, tmp_path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load(wh, [files[1]], names)
        before = every_row(wh)
        (again,) = load(wh, [files[1]], names)
        assert again.skipped and every_row(wh) == before
        assert wh.is_loaded(file_sha256(files[1]))
