"""Time building the demo's static site: wall and CPU time, pages, files and size.

    python benchmarks/site_build.py [--runs 1] [-c CATEGORY ...] [--profile N]

Each run builds the whole site (every headline category; ``-c`` limits the crime pages) into a
new temporary folder in this process, after the demo is ingested, and prints the wall time, the
CPU time of the process, the number of pages and data files and the size on disk, with the time
spent on each kind of output (archive of every quarter, crime pages, open data, ...), and the
machine's load average (on a shared machine the wall time follows it; the CPU time less so).
Target: every quarter in under 60 s. ``--profile N`` prints the N functions with the most own
time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from scrutiny.config.workspace import open_workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.web.site import build_site


def _kind(name: str) -> str:
    """The part of the site a file belongs to (its first folder or two)."""
    parts = name.split("/")
    if parts[0] == "data" and len(parts) > 2:
        return f"data/{parts[1]}"
    return parts[0] if len(parts) > 1 else "top-level pages"


def one_run(categories: list[str], profile: int) -> dict[str, float]:
    ws = open_workspace(None)
    spent: dict[str, float] = defaultdict(float)
    spent_cpu: dict[str, float] = defaultdict(float)
    last: list[float | str] = [time.perf_counter(), time.process_time(), ""]

    def progress(name: str, i: int, total: int) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        if last[2]:
            spent[_kind(str(last[2]))] += now - float(last[0])
            spent_cpu[_kind(str(last[2]))] += cpu - float(last[1])
        last[:] = [now, cpu, name]

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        profiler = cProfile.Profile() if profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = build_site(ws, out, categories, progress)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    for kind, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {kind:<28} {seconds:7.1f} s wall {spent_cpu[kind]:7.1f} s CPU")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "pages": len(report.pages),
        "files": len(report.files),
        "size_mb": size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("-c", "--category", action="append", default=[])
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    ingest_workspace(open_workspace(None))
    runs = []
    for i in range(args.runs):
        found = one_run(args.category, args.profile)
        print(
            f"run {i + 1}: {found['wall_s']:.1f} s wall, {found['cpu_s']:.1f} s CPU, "
            f"{found['pages']:.0f} pages, {found['files']:.0f} data files, "
            f"{found['size_mb']:.1f} MB, load average {_load()}"
        )
        runs.append(found)
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    print(
        f"median of {len(runs)}: {wall:.1f} s wall, {cpu:.1f} s CPU, load average {_load()} "
        "(target: under 60 s wall)"
    )


def _load() -> str:
    """The 1, 5 and 15-minute load averages."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
