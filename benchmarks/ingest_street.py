"""Benchmark: street-level crime ingest at national scale against DuckDB's bare ``read_csv``.

National scale is one year for the 43 territorial forces of England and Wales, about 6.5 million
rows, as 43 x 12 monthly CSV files in the data.police.uk archive layout
(``YYYY-MM/YYYY-MM-<force>-street.csv``). The rows are real: resampled (seeded) from the City of
London files in ``shared/realdata``, with force names and months reassigned, and each located
row moved to an LSOA drawn from its force's own area (the package's national lookup), so the
crimes fall in every local authority of England and Wales.

Measurements, each in a fresh child process so that its peak memory (``ru_maxrss``) is its own:

1. floor: ``CREATE TABLE ... AS SELECT * FROM read_csv([files])`` into a fresh on-disk DuckDB file;
2. ours: ``ingest_workspace`` of a national workspace into a fresh warehouse: the street files
   (validation, LSOA -> ward -> local authority, provenance of every file, one transaction), the
   ONS lookup and population, and the records summed into the canonical crime counts;
3. query: ``crime_summary(ws, quarter, level="borough")`` on that warehouse (every local
   authority of England and Wales), as a library call, warm (the second of two calls).

Optionally (``--per-file``) a third: the same files one transaction per file through
``Warehouse.ingest``, to show what the folder fast path saves.

    python benchmarks/ingest_street.py               # full size (about 6.5 million rows)
    python benchmarks/ingest_street.py --rows 500000 # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
# Spelled out (not imported from scrutiny) so the floor's child process loads only DuckDB.
STREET_HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
REALDATA = next(
    (p / "shared" / "realdata" for p in ROOT.parents if (p / "shared" / "realdata").is_dir()),
    ROOT.parent / "shared" / "realdata",
)
CITY = REALDATA / "police_uk" / "city-of-london"
LOOKUP = REALDATA / "lookups" / "LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"

#: The 43 territorial forces of England and Wales, as data.police.uk names its files, with a
#: rough relative size (recorded crime, Metropolitan = 100) so file sizes vary as they do for real.
FORCES: dict[str, float] = {
    "avon-and-somerset": 15, "bedfordshire": 6, "cambridgeshire": 7, "cheshire": 9,
    "city-of-london": 1, "cleveland": 7, "cumbria": 4, "derbyshire": 9,
    "devon-and-cornwall": 12, "dorset": 5, "durham": 6, "dyfed-powys": 3, "essex": 17,
    "gloucestershire": 5, "greater-manchester": 36, "gwent": 6, "hampshire": 17,
    "hertfordshire": 9, "humberside": 10, "kent": 19, "lancashire": 14, "leicestershire": 9,
    "lincolnshire": 6, "merseyside": 14, "metropolitan": 100, "norfolk": 7, "north-wales": 6,
    "north-yorkshire": 5, "northamptonshire": 6, "northumbria": 14, "nottinghamshire": 10,
    "south-wales": 13, "south-yorkshire": 15, "staffordshire": 9, "suffolk": 5, "surrey": 8,
    "sussex": 14, "thames-valley": 19, "warwickshire": 4, "west-mercia": 10,
    "west-midlands": 33, "west-yorkshire": 30, "wiltshire": 5,
}  # fmt: skip
FULL_ROWS = 6_500_000
YEAR = 2023


def force_name(slug: str) -> str:
    """``devon-and-cornwall`` -> ``Devon and Cornwall Police`` (the 'Reported by' column)."""
    words = [w if w in {"and", "of"} else w.capitalize() for w in slug.split("-")]
    return " ".join(words) + (" Police Service" if slug == "metropolitan" else " Police")


def force_lsoas() -> dict[str, np.ndarray]:
    """Each force's LSOA codes, from the lookup and force areas the package ships."""
    import csv
    import gzip
    import io
    from importlib import resources

    national = resources.files("scrutiny.sources.national")
    la_force = {
        row["la_code"]: row["force_id"]
        for row in csv.DictReader(io.StringIO((national / "force_areas.csv").read_text()))
    }
    text = gzip.decompress((national / "lsoa_ward_la.csv.gz").read_bytes()).decode()
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        found.setdefault(la_force[row["LAD19CD"]], []).append(row["LSOA11CD"])
    return {force: np.array(sorted(codes)) for force, codes in found.items()}


def generate(root: Path, rows: int, seed: int = 20240601) -> list[Path]:
    """Write ``rows`` resampled real rows as 43 x 12 monthly files under ``root``; return them."""
    con = duckdb.connect()
    city = con.sql(
        "SELECT * FROM read_csv(?, all_varchar = true) ORDER BY ALL",
        params=[sorted(str(p) for p in CITY.glob("*-street.csv"))],
    ).to_arrow_table()
    located = np.array([code is not None for code in city.column("LSOA code").to_pylist()])
    lsoas = force_lsoas()
    rng = np.random.default_rng(seed)
    weights = np.array(list(FORCES.values()), dtype=float)
    per_force = np.floor(rows * weights / weights.sum()).astype(int)
    per_force[np.argmax(per_force)] += rows - per_force.sum()  # exact total
    files = []
    for slug, force_rows in zip(FORCES, per_force, strict=True):
        per_month = np.full(12, force_rows // 12)
        per_month[: force_rows % 12] += 1
        for m, n in enumerate(per_month, start=1):
            month = f"{YEAR}-{m:02d}"
            picked = rng.integers(0, city.num_rows, size=int(n))
            sample = city.take(picked)
            # A located row gets an LSOA of its own force's area; an unlocated one stays blank.
            codes = rng.choice(lsoas[slug], size=int(n))
            codes = [c if ok else None for c, ok in zip(codes, located[picked], strict=True)]
            index = sample.column_names.index("LSOA code")
            sample = sample.set_column(index, "LSOA code", pa.array(codes, pa.string()))
            con.register("sample", sample)
            out = root / month / f"{month}-{slug}-street.csv"
            out.parent.mkdir(parents=True, exist_ok=True)
            # COPY quotes only the fields that need it, as data.police.uk's own files do.
            con.execute(
                f"""COPY (SELECT * REPLACE (? AS "Month", ? AS "Reported by", ? AS "Falls within")
                FROM sample) TO '{out}' (HEADER, DELIMITER ',')""",
                [month, force_name(slug), force_name(slug)],
            )
            con.unregister("sample")
            files.append(out)
    con.close()
    return files


# -- measurements (each runs in its own child process) -------------------------------------------


def measure_floor(files: list[Path], db: Path) -> int:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE street AS SELECT * FROM read_csv(?)", [[str(f) for f in files]])
    row = con.execute("SELECT count(*) FROM street").fetchone()
    con.close()
    return int(row[0]) if row else 0


def measure_floor_text(files: list[Path], db: Path) -> int:
    """A stricter floor: our fixed dialect (no sniffing), every column as text, no checks."""
    con = duckdb.connect(str(db))
    columns = {c: "VARCHAR" for c in STREET_HEADER}
    con.execute(
        "CREATE TABLE street AS SELECT * FROM read_csv(?, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', columns = ?)",
        [[str(f) for f in files], columns],
    )
    row = con.execute("SELECT count(*) FROM street").fetchone()
    con.close()
    return int(row[0]) if row else 0


def national_workspace(root: Path, db: Path) -> Path:
    """A workspace for all of England and Wales on the generated files, warehouse at ``db``."""
    import yaml

    from scrutiny.sources.national import (
        LOOKUP_FILE,
        forces,
        population_csv,
        write_police_uk_workspace,
    )

    folder = db.parent / "national-ws"
    shutil.rmtree(folder, ignore_errors=True)
    write_police_uk_workspace(folder, "essex", root)  # then widened to every force
    every = sorted({la for f in forces().values() for la in f.local_authorities})
    (folder / "data" / "population" / "population.csv").write_text(population_csv(set(every)))
    file = folder / "scrutiny.yaml"
    config = yaml.safe_load(file.read_text())
    config.update(force="England and Wales", force_code="england-and-wales", warehouse=str(db))
    config["local_authorities"] = every
    config["current_quarter"] = f"{YEAR}-{(YEAR + 1) % 100:02d}Q3"
    assert any(s["path"].endswith(LOOKUP_FILE) for s in config["sources"])
    file.write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def measure_ours(files: list[Path], db: Path, root: Path) -> int:
    from scrutiny.config.workspace import Workspace
    from scrutiny.sources.ingest import ingest_workspace

    ws = Workspace.load(db.parent / "national-ws")
    report = ingest_workspace(ws)
    return sum(getattr(r, "rows_loaded", 0) for r in report.results)


def measure_query(db: Path) -> tuple[int, float]:
    """Areas returned and seconds of the warm call (the first call warms caches and imports)."""
    from scrutiny.config.workspace import Workspace
    from scrutiny.measures.summary import crime_summary

    ws = Workspace.load(db.parent / "national-ws")
    crime_summary(ws, level="borough")
    start = time.perf_counter()
    summary = crime_summary(ws, level="borough")
    return len(summary.frame), time.perf_counter() - start


def measure_per_file(files: list[Path], db: Path, root: Path) -> int:
    from scrutiny.sources.ons_lookup import read_ons_lookup
    from scrutiny.sources.police_uk import ingest_street
    from scrutiny.store.warehouse import Warehouse

    lookup = read_ons_lookup(LOOKUP)
    with Warehouse(db) as wh:
        report = ingest_street(wh, [root], lookup, fast=False)
    return report.rows_loaded


def child(kind: str, root: Path, db: Path) -> None:
    """Run one measurement and print it as JSON (the parent reads the last line)."""
    files = sorted(root.glob("*/*-street.csv"))
    if not kind.startswith("floor"):
        # Process start-up is not ingest throughput: import the package before the clock starts
        # (the first pyarrow array built from Python objects imports pandas, ~0.4 s).
        import pyarrow as pa

        import scrutiny.sources.police_uk  # noqa: F401

        pa.array([0])
    if kind == "query":
        rows, seconds = measure_query(db)
        print(json.dumps({"kind": kind, "rows": rows, "seconds": seconds, "cpu": 0, "peak_kib": 0}))
        return
    start = time.perf_counter()
    if kind == "floor":
        rows = measure_floor(files, db)
    elif kind == "floor-text":
        rows = measure_floor_text(files, db)
    elif kind == "ours":
        rows = measure_ours(files, db, root)
    else:
        rows = measure_per_file(files, db, root)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "kind": kind,
        "rows": rows,
        "seconds": seconds,
        # CPU seconds (all threads) are less disturbed than wall time by other work on the box.
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_kib": usage.ru_maxrss,  # KiB on Linux
    }
    print(json.dumps(result))


def run_child(kind: str, root: Path, db: Path) -> dict[str, float]:
    if kind != "query":  # the query reads the warehouse the ingest wrote
        db.unlink(missing_ok=True)
        Path(str(db) + ".wal").unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data", str(root), "--db", str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["db_mib"] = db.stat().st_size / 2**20
    return result


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the runs (rows and sizes are the same in every run)."""
    numbers = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    return {k: float(statistics.median(r[k] for r in runs)) for k in numbers}


def _ratio(ours: dict[str, float], floor: dict[str, float], by: str) -> float:
    """Throughput (rows per second of ``by``) of ours over the floor's."""
    return (ours["rows"] / ours[by]) / (floor["rows"] / floor[by]) if ours[by] else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=FULL_ROWS, help="rows in total (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="interleaved runs of each measurement; medians (and the best) are reported",
    )
    parser.add_argument(
        "--per-file", action="store_true", help="also time one transaction per file"
    )
    parser.add_argument(
        "--keep", type=Path, help="generate into (or reuse) this folder and keep it"
    )
    parser.add_argument(
        "--child",
        choices=["floor", "floor-text", "ours", "per-file", "query"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.db)
        return

    tmp = Path(tempfile.mkdtemp(prefix="scrutiny-bench-"))
    try:
        root = args.keep or tmp / "archive"
        # Beside the archive, not in it: the workspace reads every file of the folder.
        marker = root.parent / f".{root.name}-generated-{args.rows}-{args.seed}"
        start = time.perf_counter()
        if not marker.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.parent.mkdir(parents=True, exist_ok=True)
            generate(root, args.rows, args.seed)
            marker.touch()
        files = sorted(root.glob("*/*-street.csv"))
        size = sum(f.stat().st_size for f in files)
        print(
            f"data: {len(files)} files, {args.rows:,} rows, {size / 2**20:,.0f} MiB "
            f"in {root} (ready in {time.perf_counter() - start:.1f} s)"
        )
        kinds = ["floor", "floor-text", "ours"] + (["per-file"] if args.per_file else [])
        runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
        national_workspace(root, tmp / "ours.duckdb")
        queries = []
        for _ in range(args.repeat):  # interleaved, so a busy spell on the box hits both
            for kind in kinds:
                runs[kind].append(run_child(kind, root, tmp / f"{kind}.duckdb"))
                print(f"  run: {json.dumps(runs[kind][-1])}", flush=True)
            queries.append(run_child("query", root, tmp / "ours.duckdb"))
            print(f"  run: {json.dumps(queries[-1])}", flush=True)
        results = {kind: _median_run(rs) for kind, rs in runs.items()}
        best = {kind: min(rs, key=lambda r: r["seconds"]) for kind, rs in runs.items()}
        labels = {
            "floor": "DuckDB read_csv -> table (floor)",
            "floor-text": "DuckDB read_csv, fixed dialect, all text",
            "ours": "scrutiny ingest_workspace (street, counts)",
            "per-file": "scrutiny ingest_street (1 txn per file)",
        }
        print(f"\nmedians of {args.repeat} interleaved run(s) (best in brackets)")
        print(
            f"{'measurement':<42}{'rows':>12}{'seconds':>16}{'CPU s':>14}{'vs floor':>16}"
            f"{'CPU vs floor':>14}{'peak MiB':>10}{'db MiB':>8}"
        )
        for kind, r in results.items():
            ratio = _ratio(r, results["floor"], "seconds")
            best_ratio = _ratio(best[kind], best["floor"], "seconds")
            print(
                f"{labels[kind]:<42}{int(r['rows']):>12,}"
                f"{r['seconds']:>8.2f} ({best[kind]['seconds']:>5.1f})"
                f"{r['cpu']:>7.1f} ({best[kind]['cpu']:>4.1f})"
                f"{ratio:>8.2f}x ({best_ratio:.2f})"
                f"{_ratio(r, results['floor'], 'cpu'):>13.2f}x"
                f"{r['peak_kib'] / 1024:>10,.0f}{r['db_mib']:>8,.0f}"
            )
        ours = results["ours"]
        ratio = _ratio(ours, results["floor"], "seconds")
        cpu_ratio = _ratio(ours, results["floor"], "cpu")
        verdict = "meets" if ratio >= 0.5 else "MISSES"
        peak_gib = max(r["peak_kib"] for r in runs["ours"]) / 2**20
        print(
            f"\nthroughput ours/floor (medians) = {ratio:.2f} by wall time ({verdict} the 0.5 "
            f"target), {cpu_ratio:.2f} by CPU time; peak memory (largest run) {peak_gib:.2f} GiB "
            f"({'meets' if peak_gib < 4 else 'MISSES'} the 4 GiB target); "
            f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f}, {date.today():%Y-%m-%d}"
        )
        query = _median_run(queries)
        fastest = min(r["seconds"] for r in queries)
        print(
            f"crime --by borough (library call, warm): median {query['seconds']:.2f} s "
            f"(best {fastest:.2f} s) for {int(query['rows'])} local authorities "
            f"({'meets' if query['seconds'] < 2 else 'MISSES'} the 2 s target)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
