"""Load benchmark of the dashboard: N concurrent clients for S seconds against `scrutiny serve`.

    python benchmarks/web_load.py --mix area --clients 50 --seconds 30
    python benchmarks/web_load.py --mix pages --clients 50 --seconds 30
    python benchmarks/web_load.py --mix area --server-src /tmp/base/src --server-src src

Workloads (``--mix``):
- ``area``: every area's page (force, BCUs, boroughs, wards) as the search page links it, and
  each BCU's and borough's spelled with its quarter as the map links it (the target of the
  area pages: p95 under 150 ms with 0 errors);
- ``pages``: every page type interleaved: area pages, the crime explorer, map, compare,
  search, data, API docs, sources, the report's pages and the API's JSON and CSV;
- ``explorer``: crime explorer pages only.

Runs the real command, ``python -m scrutiny serve``, on a free loopback port with the code of
each ``--server-src`` (default: this checkout), after one ``scrutiny ingest``. Warm-up: the
server's own (it builds its figures and pages in the background after it starts listening; the
benchmark waits until the server's CPU has gone quiet), then with ``--warm pages`` (default)
each page of the pool is asked once before timing; ``--warm server`` times the visitors' first
asks too. Then ``--clients`` asyncio clients ask the pool in turn for ``--seconds`` and the
benchmark prints per page type: requests, req/s, p50/p95/p99 and errors, and the CPU seconds
spent by the server and by the load generator itself.

How to read the figures: the server is one process (one event loop); the generator shares the
machine's cores with it. Each client asks again as soon as it is answered (a closed loop, no
think time), so latency ≈ clients ÷ throughput: the server's CPU per request sets both, and the
generator's own CPU (printed) is CPU the server did not get. On a 2-core machine shared with
other work, compare runs side by side (one invocation, several ``--server-src``), not with
figures taken at another time.

The timed clients are plain asyncio HTTP/1.1 keep-alive connections by default (``--client
raw``): httpx spends about 2 ms of CPU a request, and 50 httpx clients in one event loop would
measure mostly their own queue. ``--client httpx`` runs the same load through httpx.
Loopback only; bounded in clients (≤ 500) and time (≤ 300 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
MAX_CLIENTS = 500
MAX_SECONDS = 300
CATEGORIES = (
    "robbery",
    "burglary",
    "total-notifiable-offences",
    "theft",
    "violence-against-the-person",
)
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc), threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def area_urls(meta: dict) -> list[str]:
    """Every area's page as the search page links it, then the BCUs' and boroughs' with their
    quarter spelled, as the map links them."""
    urls = [
        f"/area?level={level}&area={a['code']}"
        for level in ("force", "bcu", "borough", "ward")
        if meta["quarters"].get(level)
        for a in meta["areas"].get(level, [])
    ]
    for level in ("bcu", "borough"):
        if meta["quarters"].get(level):
            q = meta["quarters"][level][0]
            urls += [
                f"/area?level={level}&area={a['code']}&quarter={q}" for a in meta["areas"][level]
            ]
    return urls


def mixed_urls(meta: dict, count: int) -> list[tuple[str, str]]:
    """(kind, url) pairs of every page type, interleaved so each client sees all kinds."""
    q = meta["current_quarter"]
    boroughs = [a["code"] for a in meta["areas"]["borough"]]
    wards = [a["code"] for a in meta["areas"]["ward"]]
    per = max(1, count // 10)
    step = max(1, len(wards) // (per * 4))
    kinds: dict[str, list[str]] = {
        "area": area_urls(meta)[:: max(1, len(area_urls(meta)) // (per * 4))],
        "explorer": [
            f"/crime?category={c}&level=borough&area={b}&quarter={q}"
            for c in CATEGORIES[:2]
            for b in boroughs[:per]
        ]
        + [f"/crime?category=robbery&level=ward&area={w}" for w in wards[::step][:per]],
        "map": [f"/map?category={c}&level=borough" for c in CATEGORIES]
        + ["/map?category=robbery&level=ward", "/map"],
        "compare": [f"/compare?category={c}" for c in CATEGORIES]
        + [f"/compare?category=theft&level=ward&within={boroughs[0]}"],
        "search": [f"/search?q={w}" for w in ("belmont", "west", "hill", "park", "abbey")],
        "report": ["/", "/plan", "/registers", "/finance", "/sources"],
        "other": ["/data", "/docs", "/openapi.json"],
        "api-json": [
            "/api/meta",
            "/api/crime/measures?category=theft&level=ward",
            "/api/crime/measures?category=robbery&level=borough",
            f"/api/crime/series?category=robbery&level=borough&area={boroughs[0]}",
            "/api/crime/comparison?category=burglary&measure=rate",
        ],
        "api-csv": [
            "/api/crime/measures.csv?category=robbery&level=borough",
            "/api/crime/measures.csv?category=theft&level=ward",
            f"/api/crime/series.csv?category=theft&level=borough&area={boroughs[1]}",
            "/api/crime/comparison.csv?category=burglary&measure=rate",
            "/api/sources.csv",
        ],
    }
    out: list[tuple[str, str]] = []
    longest = max(len(v) for v in kinds.values())
    for i in range(longest):
        for kind, urls in kinds.items():
            if i < len(urls):
                out.append((kind, urls[i]))
    return out


def explorer_urls(meta: dict, count: int) -> list[str]:
    """Explorer pages: categories × boroughs, ``count`` of them, in a fixed order."""
    boroughs = [a["code"] for a in meta["areas"]["borough"]]
    urls = [
        f"/crime?category={c}&level=borough&area={b}&quarter={meta['current_quarter']}"
        for c in CATEGORIES
        for b in boroughs
    ]
    return urls[:count]


@dataclass
class Result:
    urls: int
    warm_s: float
    elapsed: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    server_cpu: float | None = None
    client_cpu: float = 0.0
    server_warmup_s: float = 0.0

    def all(self) -> list[float]:
        return [x for v in self.latencies.values() for x in v]


def _cuts(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else float("nan")
        return v, v, v
    c = statistics.quantiles(values, n=100, method="inclusive")
    return c[49] * 1000, c[94] * 1000, c[98] * 1000


async def _raw_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: bytes
) -> int:
    """One GET on a keep-alive connection; the status code (the body is read and dropped).
    Asks for gzip, as browsers do."""
    writer.write(
        b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n"
    )
    await writer.drain()
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _wait_until_up(base: str, server: subprocess.Popen | None, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            if server is not None and server.poll() is not None:
                raise SystemExit(f"scrutiny serve exited with {server.returncode}")
            try:
                if (await client.get(base + "/api/meta", timeout=5)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"no server answered at {base} within {timeout:.0f} s")
            await asyncio.sleep(0.5)


async def _wait_until_quiet(pid: int, timeout: float = 600) -> float:
    """Seconds until the server's background warm-up is over: its CPU under 5% of a core
    over 2 s."""
    start = time.monotonic()
    before = cpu_seconds(pid)
    while time.monotonic() - start < timeout:
        await asyncio.sleep(2)
        now = cpu_seconds(pid)
        if now - before < 0.1:
            break
        before = now
    return time.monotonic() - start


async def run(
    base: str,
    pairs: list[tuple[str, str]],
    clients: int,
    seconds: float,
    warm: str,
    client_kind: str,
    pid: int | None,
) -> Result:
    urls = [u for _, u in pairs]
    kinds = [k for k, _ in pairs]
    warmup = await _wait_until_quiet(pid) if pid is not None else 0.0
    started = time.monotonic()
    if warm == "pages":  # each page once: the data are immutable while serving
        async with httpx.AsyncClient(timeout=300) as client:
            for url in urls:
                (await client.get(base + url)).raise_for_status()
    result = Result(len(urls), time.monotonic() - started, 0.0, server_warmup_s=warmup)
    result.latencies = {k: [] for k in kinds}
    result.errors = {k: 0 for k in kinds}
    host, port = urlsplit(base).hostname or "127.0.0.1", urlsplit(base).port or 80
    deadline = time.monotonic() + seconds

    def record(kind: str, t0: float, ok: bool) -> None:
        result.latencies[kind].append(time.perf_counter() - t0)
        result.errors[kind] += not ok

    async def raw_worker(i: int) -> None:
        n = i
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.monotonic() < deadline:
                target, kind = urls[n % len(urls)], kinds[n % len(urls)]
                n += clients
                t0 = time.perf_counter()
                try:
                    ok = await _raw_get(reader, writer, target.encode()) == 200
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                record(kind, t0, ok)
        finally:
            writer.close()

    async def httpx_worker(i: int) -> None:
        # One client (one keep-alive connection) each: httpx's shared pool serialises badly
        # at high concurrency and would measure the client, not the server.
        n = i
        async with httpx.AsyncClient(timeout=30, base_url=base) as own:
            while time.monotonic() < deadline:
                target, kind = urls[n % len(urls)], kinds[n % len(urls)]
                n += clients
                t0 = time.perf_counter()
                try:
                    ok = (await own.get(target)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                record(kind, t0, ok)

    worker = raw_worker if client_kind == "raw" else httpx_worker
    server_before = cpu_seconds(pid) if pid is not None else None
    client_before = time.process_time()
    t_start = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    result.elapsed = time.monotonic() - t_start
    result.client_cpu = time.process_time() - client_before
    if pid is not None and server_before is not None:
        result.server_cpu = cpu_seconds(pid) - server_before
    return result


def pool(base: str, mix: str, count: int) -> list[tuple[str, str]]:
    meta = httpx.get(base + "/api/meta", timeout=300).json()
    if mix == "area":
        return [("area", u) for u in area_urls(meta)]
    if mix == "pages":
        return mixed_urls(meta, count)
    return [("explorer", u) for u in explorer_urls(meta, count)]


def measure(src: str | None, args: argparse.Namespace) -> Result:
    """Start `scrutiny serve` with the code in ``src`` (or use ``--url``) and run the load."""
    if args.url:
        asyncio.run(_wait_until_up(args.url, None))
        pairs = pool(args.url, args.mix, args.urls)
        return asyncio.run(
            run(args.url, pairs, args.clients, args.seconds, args.warm, args.client, None)
        )
    env = dict(os.environ, PYTHONPATH=str(Path(src or ROOT / "src").resolve()))
    workspace = ["--workspace", args.workspace] if args.workspace else []
    subprocess.run(
        [sys.executable, "-m", "scrutiny", "ingest", *workspace],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "serve", "--port", str(port), *workspace],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        asyncio.run(_wait_until_up(base, server))
        pairs = pool(base, args.mix, args.urls)
        return asyncio.run(
            run(base, pairs, args.clients, args.seconds, args.warm, args.client, server.pid)
        )
    finally:
        server.terminate()
        server.wait(30)


def describe(name: str, r: Result) -> list[str]:
    total = r.all()
    p50, p95, p99 = _cuts(total)
    errors = sum(r.errors.values())
    lines = [
        f"{name}: {r.urls} pages, server warm-up {r.server_warmup_s:.0f} s, pages warmed in "
        f"{r.warm_s:.1f} s",
        f"  {'all':9s} {len(total):6d} req {len(total) / r.elapsed:6.0f} req/s  p50 {p50:6.1f}"
        f"  p95 {p95:6.1f}  p99 {p99:6.1f} ms  errors {errors}",
    ]
    for kind, values in r.latencies.items():
        k50, k95, k99 = _cuts(values)
        lines.append(
            f"  {kind:9s} {len(values):6d} req {len(values) / r.elapsed:6.0f} req/s  p50 {k50:6.1f}"
            f"  p95 {k95:6.1f}  p99 {k99:6.1f} ms  errors {r.errors[kind]}"
        )
    n = max(1, len(total))
    server = (
        f"server {r.server_cpu:.1f} s ({r.server_cpu / n * 1000:.2f} ms/req, "
        f"{r.server_cpu / r.elapsed:.2f} cores)"
        if r.server_cpu is not None
        else "server not measured (--url)"
    )
    lines.append(
        f"  CPU: {server}; generator {r.client_cpu:.1f} s ({r.client_cpu / n * 1000:.2f} ms/req, "
        f"{r.client_cpu / r.elapsed:.2f} cores) over {r.elapsed:.1f} s"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--urls", type=int, default=40, help="pages per type, about (pages mix)")
    parser.add_argument("--mix", choices=("area", "pages", "explorer"), default="pages")
    parser.add_argument(
        "--warm",
        choices=("pages", "server"),
        default="pages",
        help="pages: ask each page once before timing; server: the server's own warm-up only",
    )
    parser.add_argument("--workspace", default=None, help="workspace folder (default: demo)")
    parser.add_argument(
        "--server-src",
        action="append",
        default=None,
        help="a checkout's src folder to serve (repeat to compare, in this order)",
    )
    parser.add_argument("--url", default=None, help="use a server already running here")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and --seconds 1..{MAX_SECONDS}")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on the loopback interface")
    sources = [None] if args.url else (args.server_src or [str(ROOT / "src")])
    print(
        f"{args.mix} mix, {args.clients} {args.client} clients, {args.seconds:.0f} s, "
        f"warm-up: {args.warm}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    errors = 0
    for src in sources:
        result = measure(src, args)
        errors += sum(result.errors.values())
        print("\n".join(describe(args.url or str(src), result)), flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
