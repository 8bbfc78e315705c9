"""Seconds from starting ``scrutiny serve`` to the first dashboard page, median of several runs.

    python benchmarks/first_page.py [--runs 3] [--path /]

Starts ``python -m scrutiny serve`` on a free loopback port after one ``scrutiny ingest``, asks
for ``--path`` every 50 ms until it answers 200 and prints the time from the start of the
process (Python start-up, imports, opening the warehouse included). Then asks for an area page
and the crime explorer, whose figures the server computes on first request. Target: the first
page under 3 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_answer(env: dict[str, str], paths: list[str]) -> list[float]:
    """Seconds from the start of `scrutiny serve` to each path's first 200 (asked in order)."""
    port = _free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for path in paths:
                while True:
                    if server.poll() is not None:
                        raise SystemExit(f"scrutiny serve exited with {server.returncode}")
                    try:
                        if client.get(path).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.05)
                found.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", default="/")
    args = parser.parse_args()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="scrutiny-bench-pyc-"),
        "SCRUTINY_HOME": os.environ.get("SCRUTINY_HOME")
        or tempfile.mkdtemp(prefix="scrutiny-bench-"),
    }
    subprocess.run([sys.executable, "-m", "scrutiny", "ingest"], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    paths = [args.path, "/area", "/crime"]
    runs = [first_answer(env, paths) for _ in range(args.runs)]
    print(f"{'first answer after serve starts':<44}{'median s':>10}{'min s':>8}{'max s':>8}")
    for i, path in enumerate(paths):
        t = [r[i] for r in runs]
        print(f"{path:<44}{statistics.median(t):>10.2f}{min(t):>8.2f}{max(t):>8.2f}")
    print(f"target: {args.path} under 3 s; load average now {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")  # fmt: skip


if __name__ == "__main__":
    main()
