"""Time `scrutiny crime` for all boroughs × all categories × one quarter on the demo's London data.

    python benchmarks/crime_query.py [--runs 7]

Prints the median warm time of the library call (the query and its DataFrame) and of the whole
command in a fresh process (which adds Python start-up and imports), side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from scrutiny.config.workspace import open_workspace
from scrutiny.measures.summary import crime_summary
from scrutiny.sources.ingest import ingest_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("SCRUTINY_HOME", tempfile.mkdtemp(prefix="scrutiny-bench-"))
    ws = open_workspace(None)
    start = time.perf_counter()
    ingest_workspace(ws)
    print(f"ingest of the demo (cold, once): {time.perf_counter() - start:.2f} s")

    crime_summary(ws, "2023-24Q1", ["all"], "borough")  # warm the file cache
    library = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = crime_summary(ws, "2023-24Q1", ["all"], "borough")
        library.append(time.perf_counter() - start)
    command = []
    cmd = ["scrutiny", "crime", "-c", "all", "--by", "borough", "-f", "csv"]
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=os.environ)
        command.append(time.perf_counter() - start)
    lib, cli = statistics.median(library), statistics.median(command)
    print(f"rows: {len(result.frame):,} (categories × 33 areas)")
    print(f"{'measurement':<42}{'median s':>10}{'min s':>10}")
    print(f"{'crime_summary(all × borough), warm':<42}{lib:>10.3f}{min(library):>10.3f}")
    print(f"{'scrutiny crime -c all --by borough (process)':<42}{cli:>10.3f}{min(command):>10.3f}")
    print(f"process / library ratio: {cli / lib:.1f}×   target: library < 1 s warm")
    sys.exit(0)


if __name__ == "__main__":
    main()
