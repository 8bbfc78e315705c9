"""Peak memory of ingesting published files, real and hostile (each case in a fresh process).

    python benchmarks/hostile_files.py [--line-mb 1024] [--cases NAME ...]

Real files: the demo's whole ingest (its London Datastore files, the knife-crime extract, the
lookups), the City of London's 60 street files, the Met's stop-and-search file. Hostile files
(made from the real ones in a temporary folder): a street, stop-and-search and Datastore file
with one line of ``--line-mb`` MiB, and a street file whose last line (no newline) is 40 MiB.
Each case prints its outcome (rows loaded, or the one-line error) and the child process's peak
resident memory (``ru_maxrss``). The target: under 2 GiB for any single published file.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REALDATA = Path(os.environ.get("SCRUTINY_REALDATA", "/work/shared/realdata"))
CITY = REALDATA / "police_uk" / "city-of-london"
STOP_SEARCH = (
    REALDATA / "police_uk" / "stop-and-search" / "2016-06-metropolitan-stop-and-search.csv"
)
LOOKUP = REALDATA / "lookups" / "LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"
MIB = 1 << 20


def _long_line(path: Path, head: bytes, mib: int, newline: bool = True) -> None:
    """``head`` then one line of ``mib`` MiB (written in blocks: the writer stays small)."""
    block = b"x" * MIB
    with path.open("wb") as fh:
        fh.write(head)
        for _ in range(mib):
            fh.write(block)
        if newline:
            fh.write(b"\n")


def _first_lines(path: Path, n: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(True)[:n])


def make(case: str, folder: Path, line_mb: int) -> Path:
    """The input of ``case`` under ``folder`` (a file or a folder of files)."""
    street = sorted(CITY.glob("*-street.csv"))
    if case == "city street files (real, 60)":
        return CITY
    if case == "stop-and-search file (real)":
        return STOP_SEARCH
    if case == "street file with a long line":
        path = folder / street[0].name
        _long_line(path, _first_lines(street[0], 5), line_mb)
        return path
    if case == "street file with a 40 MiB last line, no newline":
        path = folder / street[0].name
        _long_line(path, _first_lines(street[0], 5), 40, newline=False)
        return path
    if case == "stop-and-search file with a long line":
        path = folder / STOP_SEARCH.name
        _long_line(path, _first_lines(STOP_SEARCH, 5), line_mb)
        return path
    if case == "Datastore file with a long line":
        return folder / "hostile.csv"  # written into the workspace copy by run_case
    if case == "demo ingest (real Datastore files)":
        return folder
    raise SystemExit(f"unknown case {case!r}")


CASES = (
    "demo ingest (real Datastore files)",
    "city street files (real, 60)",
    "stop-and-search file (real)",
    "street file with a long line",
    "street file with a 40 MiB last line, no newline",
    "stop-and-search file with a long line",
    "Datastore file with a long line",
)


def run_case(case: str, line_mb: int) -> str:
    """Run one case in this process; return its outcome in one line."""
    from scrutiny.config.workspace import Workspace, demo_root
    from scrutiny.sources.ingest import ingest_workspace
    from scrutiny.sources.ons_lookup import read_ons_lookup
    from scrutiny.sources.police_uk import ingest_street
    from scrutiny.store.warehouse import IngestError, Warehouse

    with tempfile.TemporaryDirectory(prefix="scrutiny-hostile-") as tmp:
        folder = Path(tmp)
        try:
            if case.startswith(("demo", "Datastore")):
                root = folder / "ws"
                shutil.copytree(demo_root(), root, ignore=shutil.ignore_patterns("*.duckdb*"))
                if case.startswith("Datastore"):
                    name = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"
                    real = root / "data" / "crime" / name
                    _long_line(
                        root / "data" / "crime" / f"damaged {name}", _first_lines(real, 5), line_mb
                    )
                report = ingest_workspace(Workspace.load(root))
                return f"loaded {len(report.results)} sources"
            source = make(case, folder, line_mb)
            lookup = read_ons_lookup(LOOKUP)
            with Warehouse(folder / "w.duckdb") as wh:
                result = ingest_street(wh, [source], lookup)
            return f"loaded {result.files_loaded} files ({result.rows_loaded:,} rows)"
        except IngestError as exc:
            return f"refused: {exc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mb", type=int, default=1024, help="MiB of the long line")
    parser.add_argument("--cases", nargs="*", default=list(CASES), help="cases to run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        outcome = run_case(args.child, args.line_mb)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
        print(f"{peak}\t{outcome}")
        return
    os.environ.setdefault("SCRUTINY_HOME", tempfile.mkdtemp(prefix="scrutiny-bench-"))
    print(f"{'case':<52} {'peak RSS':>10} {'time':>8}  outcome")
    for case in args.cases:
        start = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--child", case, "--line-mb", str(args.line_mb)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if child.returncode != 0:
            print(f"{case:<52} {'-':>10} {elapsed:7.1f}s  crashed: {child.stderr.strip()[-300:]}")
            continue
        peak, outcome = child.stdout.strip().splitlines()[-1].split("\t", 1)
        print(f"{case:<52} {int(peak) / MIB:8.0f} MiB {elapsed:7.1f}s  {outcome[:160]}")


if __name__ == "__main__":
    main()
