"""Whole-process CPU time of scrutiny's read commands beside the analyst's pandas script.

    python benchmarks/startup.py [--runs 5]

Runs, side by side in one process, each command ``--runs`` times in a fresh interpreter and
prints the median user+system CPU time of the child (``resource.getrusage``):

- ``scrutiny crime --quarter 2023-24Q1 --by borough --format csv`` on the demo, after one
  ``scrutiny ingest`` (target: at most 0.5× the pandas script);
- ``benchmarks/peer_pandas_crime.py``: read both borough CSVs, melt, group by borough ×
  category, the quarter's and R12 windows and their changes;
- ``scrutiny --help`` (target: under 0.3 s);
- ``python -c pass``, the floor every process pays.

Every command runs once untimed first. Bytecode is written (to a temporary
``PYTHONPYCACHEPREFIX``) even where ``PYTHONDONTWRITEBYTECODE`` is set, as an installed package
has it (pip compiles it): otherwise each run of scrutiny recompiles its own modules from source,
which the peer, a single script, never pays. The first ``scrutiny crime`` also compiles the
measures' SQL (cached in ``SCRUTINY_HOME``).

Targets are printed beside the figures; the script never fails on them (timings depend on the
machine and its load).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_CRIME = ROOT / "src" / "scrutiny" / "demo" / "data" / "crime"


def cpu_of(cmd: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one child process running ``cmd`` to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="scrutiny-bench-pyc-"),
        "SCRUTINY_HOME": os.environ.get("SCRUTINY_HOME")
        or tempfile.mkdtemp(prefix="scrutiny-bench-"),
    }
    scrutiny = [sys.executable, "-m", "scrutiny"]
    subprocess.run([*scrutiny, "ingest"], check=True, stdout=subprocess.DEVNULL, env=env)
    commands = {
        "scrutiny crime --by borough --format csv": [
            *scrutiny,
            *("crime", "--quarter", "2023-24Q1", "--by", "borough", "--format", "csv"),
        ],
        "pandas script (peer_pandas_crime.py)": [
            sys.executable,
            str(ROOT / "benchmarks" / "peer_pandas_crime.py"),
            str(DEMO_CRIME),
        ],
        "scrutiny --help": [*scrutiny, "--help"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    for cmd in commands.values():  # untimed: bytecode and the compiled SQL
        cpu_of(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so load on the machine hits every command alike
        for name, cmd in commands.items():
            times[name].append(cpu_of(cmd, env))
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"{'command':<44}{'median CPU s':>13}{'min':>8}{'max':>8}")
    for name, t in times.items():
        print(f"{name:<44}{median[name]:>13.3f}{min(t):>8.3f}{max(t):>8.3f}")
    crime = median["scrutiny crime --by borough --format csv"]
    peer = median["pandas script (peer_pandas_crime.py)"]
    print(f"crime / pandas script: {crime / peer:.2f}×   (target ≤ 0.5×)")
    print(f"scrutiny --help: {median['scrutiny --help']:.3f} s CPU   (target < 0.3 s)")


if __name__ == "__main__":
    main()
