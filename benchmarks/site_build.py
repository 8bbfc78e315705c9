"""Time building the demo's static site: wall and CPU time, pages, files and size.

    python benchmarks/site_build.py [--runs 1] [-c CATEGORY ...] [--workers N] [--profile N]
    python benchmarks/site_build.py --runs 3 --against OTHER_CHECKOUT

Each run builds the whole site (every headline category; ``-c`` limits the crime pages) into a
new temporary folder in this process, after the demo is ingested, and prints the wall time, the
CPU time of this process and of the helper processes it waited for (the open data and the
archive are written beside the pages when the machine has more than one CPU), the number of
pages and data files and the size on disk, and the machine's load average (on a shared machine
the wall time follows it; the CPU time less so). With ``--workers 1`` (one process) it also
prints the time spent on each kind of output (archive of every quarter, crime pages, open
data, ...). Target: under 60 s wall. ``--profile N`` prints the N functions with the most own
time (of this process).

``--against OTHER_CHECKOUT`` times the whole ``scrutiny site`` command of this checkout and of
another (its ``src`` first on PYTHONPATH, its own data folder), run after run in turn, and
prints both medians and their ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import subprocess
import sys
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


TARGET_S = 60.0


def _children_cpu() -> float:
    """CPU time of the child processes waited for so far (user + system)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def one_run(categories: list[str], profile: int, workers: int | None) -> dict[str, float]:
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
        wall, cpu, helpers = time.perf_counter(), time.process_time(), _children_cpu()
        if profiler:
            profiler.enable()
        report = build_site(ws, out, categories, progress, workers=workers)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        helpers = _children_cpu() - helpers
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if workers == 1:
        for kind, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:8]:
            print(f"  {kind:<28} {seconds:7.1f} s wall {spent_cpu[kind]:7.1f} s CPU")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    return {
        "wall_s": wall,
        "cpu_s": cpu + helpers,
        "helpers_cpu_s": helpers,
        "pages": len(report.pages),
        "files": len(report.files),
        "size_mb": size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("-c", "--category", action="append", default=[])
    parser.add_argument("--workers", type=int, default=None, help="default: the CPUs")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--against", type=Path, metavar="OTHER_CHECKOUT")
    args = parser.parse_args()
    if args.against:
        side_by_side(args.against, args.runs)
        return
    ingest_workspace(open_workspace(None))
    runs = []
    for i in range(args.runs):
        found = one_run(args.category, args.profile, args.workers)
        print(
            f"run {i + 1}: {found['wall_s']:.1f} s wall, {found['cpu_s']:.1f} s CPU "
            f"({found['helpers_cpu_s']:.1f} s of it in helper processes), "
            f"{found['pages']:.0f} pages, {found['files']:.0f} data files, "
            f"{found['size_mb']:.1f} MB, load average {_load()}"
        )
        runs.append(found)
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    print(
        f"median of {len(runs)}: {wall:.1f} s wall ({wall / TARGET_S:.2f}× the {TARGET_S:.0f} s "
        f"target), {cpu:.1f} s CPU, on {os.cpu_count()} CPUs, load average {_load()}"
    )


def side_by_side(other: Path, runs: int) -> None:
    """The whole ``scrutiny site`` command of this checkout and of ``other``, in turn."""
    here = Path(__file__).resolve().parents[1]
    trees = {"this checkout": here, f"other ({other})": other.resolve()}
    homes = {name: Path(tempfile.mkdtemp(prefix="site-bench-home-")) for name in trees}

    def command(name: str, *args: str) -> tuple[float, float]:
        env = {
            **os.environ,
            "PYTHONPATH": str(trees[name] / "src"),
            "SCRUTINY_HOME": str(homes[name]),
        }
        wall, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            [sys.executable, "-m", "scrutiny", *args], env=env, check=True, capture_output=True
        )
        return time.perf_counter() - wall, _children_cpu() - cpu

    for name in trees:
        command(name, "ingest")  # each checkout's own warehouse of the demo
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            for name in trees:
                out = Path(tmp) / f"{i}-{len(found[name])}-{name[:5]}"
                wall, cpu = command(name, "site", "--out", str(out))
                found[name].append((wall, cpu))
                print(f"run {i + 1}, {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, load {_load()}")
    medians = {
        name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
        for name, r in found.items()
    }
    print(f"\nwhole `scrutiny site` command, median of {runs} (wall, CPU incl. helpers):")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:<40} {wall:7.1f} s wall ({wall / TARGET_S:.2f}× target) {cpu:7.1f} s CPU")
    (w1, c1), (w0, c0) = medians.values()
    print(f"  ratio this/other: {w1 / w0:.2f} wall, {c1 / c0:.2f} CPU; {os.cpu_count()} CPUs")


def _load() -> str:
    """The 1, 5 and 15-minute load averages."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
