"""Load benchmark of the dashboard: N concurrent clients on a mixed workload for S seconds.

The default workload (``--mix pages``) cycles through every page type: home, area pages at
every level, the crime explorer, map, compare, search, data, API docs, report pages and the
JSON/CSV API; ``--mix explorer`` keeps the old explorer-only load. Figures are given overall
and per page type (p95 of area pages is the dashboard's target: under 150 ms).

Starts ``scrutiny serve``'s app under uvicorn on 127.0.0.1 in a child process (or uses
``--url`` of one already running), warms the pages it will ask for (httpx), then runs
``--clients`` asyncio clients for ``--seconds`` and prints requests/s, p50/p95/p99 latency and
errors. Loopback only; bounded in clients (≤ 500) and time (≤ 300 s).

The timed clients are plain asyncio HTTP/1.1 keep-alive connections by default (``--client
raw``): httpx spends about 2 ms of CPU a request, and on a small machine that shares its cores
with the server, 50 httpx clients in one event loop measure mostly their own queue. ``--client
httpx`` runs the same load through httpx, one ``AsyncClient`` per client.

    python benchmarks/web_load.py --clients 50 --seconds 30
    python benchmarks/web_load.py --clients 50 --seconds 30 --http h11   # the old parser
    python benchmarks/web_load.py --clients 50 --seconds 30 --no-freeze  # collector scans all
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

MAX_CLIENTS = 500
MAX_SECONDS = 300
CATEGORIES = (
    "robbery",
    "burglary",
    "total-notifiable-offences",
    "theft",
    "violence-against-the-person",
)


def _serve(
    workspace: str | None, port: int, http: str, no_freeze: bool = False
) -> None:  # pragma: no cover - child
    import uvicorn

    from scrutiny.analysis.data import freeze_cached
    from scrutiny.config.workspace import open_workspace
    from scrutiny.sources.ingest import ensure_ingested
    from scrutiny.web.app import create_app
    from scrutiny.web.server import server_options

    ws = open_workspace(workspace)
    ensure_ingested(ws)
    freeze_cached(not no_freeze)  # as `scrutiny serve` does
    uvicorn.run(create_app(ws), host="127.0.0.1", port=port, **server_options(http))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mixed_urls(base: str, meta: dict, count: int) -> list[tuple[str, str]]:
    """(kind, url) pairs of every page type, interleaved so each client sees all kinds."""
    q = meta["current_quarter"]
    boroughs = [a["code"] for a in meta["areas"]["borough"]]
    wards = [a["code"] for a in meta["areas"]["ward"]]
    bcus = [a["code"] for a in meta["areas"]["bcu"]]
    per = max(1, count // 10)
    kinds: dict[str, list[str]] = {
        "area": [f"{base}/area?level=borough&area={b}" for b in boroughs[:per]]
        + [f"{base}/area?level=ward&area={w}" for w in wards[: per * 2]]
        + [f"{base}/area?level=bcu&area={b}" for b in bcus[:per]]
        + [f"{base}/area"],
        "explorer": [
            f"{base}/crime?category={c}&level=borough&area={b}&quarter={q}"
            for c in CATEGORIES[:2]
            for b in boroughs[:per]
        ],
        "map": [f"{base}/map?category={c}&level=borough" for c in CATEGORIES]
        + [f"{base}/map?category=robbery&level=ward"],
        "compare": [f"{base}/compare?category={c}" for c in CATEGORIES],
        "search": [f"{base}/search?q={w}" for w in ("belmont", "west", "hill", "park")],
        "other": [
            f"{base}/",
            f"{base}/data",
            f"{base}/docs",
            f"{base}/sources",
            f"{base}/registers",
            f"{base}/finance",
        ],
        "api": [
            f"{base}/api/meta",
            f"{base}/api/crime/measures.csv?category=robbery&level=borough",
            f"{base}/api/crime/measures?category=theft&level=ward",
            f"{base}/api/crime/comparison.csv?category=burglary&measure=rate",
        ],
    }
    out: list[tuple[str, str]] = []
    longest = max(len(v) for v in kinds.values())
    for i in range(longest):
        for kind, urls in kinds.items():
            if i < len(urls):
                out.append((kind, urls[i]))
    return out


def explorer_urls(base: str, meta: dict, count: int) -> list[str]:
    """Explorer pages: categories × boroughs, ``count`` of them, in a fixed order."""
    boroughs = [a["code"] for a in meta["areas"]["borough"]]
    urls = [
        f"{base}/crime?category={c}&level=borough&area={b}&quarter={meta['current_quarter']}"
        for c in CATEGORIES
        for b in boroughs
    ]
    return urls[:count]


async def _wait_until_up(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(base + "/api/meta", timeout=5)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"no server answered at {base} within {timeout:.0f} s")
            await asyncio.sleep(0.5)


async def _raw_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: bytes
) -> int:
    """One GET on a keep-alive connection; the status code (the body is read and dropped)."""
    writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def run(
    base: str, clients: int, seconds: float, count: int, kind: str = "raw", mix: str = "pages"
) -> dict[str, float]:
    await _wait_until_up(base)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=300) as client:
        meta = (await client.get(base + "/api/meta")).json()
        if mix == "pages":
            pairs = mixed_urls(base, meta, count)
        else:
            pairs = [("explorer", u) for u in explorer_urls(base, meta, count)]
        urls = [u for _, u in pairs]
        kinds = [k for k, _ in pairs]
        started = time.monotonic()
        for url in urls:  # warm the caches: the data are immutable while serving
            (await client.get(url)).raise_for_status()
        warm = time.monotonic() - started
        latencies: list[float] = []
        by_kind: dict[str, list[float]] = {k: [] for k in kinds}
        errors = 0
        deadline = time.monotonic() + seconds

        host, port = urlsplit(base).hostname or "127.0.0.1", urlsplit(base).port or 80

        async def raw_worker(i: int) -> None:
            nonlocal errors
            n = i
            reader, writer = await asyncio.open_connection(host, port)
            try:
                while time.monotonic() < deadline:
                    parts = urlsplit(urls[n % len(urls)])
                    page_kind = kinds[n % len(urls)]
                    n += clients
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    t0 = time.perf_counter()
                    try:
                        ok = await _raw_get(reader, writer, target.encode())
                        ok = ok == 200
                    except (OSError, ValueError, asyncio.IncompleteReadError):
                        ok = False
                        writer.close()
                        reader, writer = await asyncio.open_connection(host, port)
                    latencies.append(time.perf_counter() - t0)
                    by_kind[page_kind].append(latencies[-1])
                    errors += not ok
            finally:
                writer.close()

        async def httpx_worker(i: int) -> None:
            # One client (one keep-alive connection) each: httpx's shared pool serialises
            # badly at high concurrency and would measure the client, not the server.
            nonlocal errors
            n = i
            async with httpx.AsyncClient(timeout=30) as own:
                while time.monotonic() < deadline:
                    url = urls[n % len(urls)]
                    page_kind = kinds[n % len(urls)]
                    n += clients
                    t0 = time.perf_counter()
                    try:
                        response = await own.get(url)
                        ok = response.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    latencies.append(time.perf_counter() - t0)
                    by_kind[page_kind].append(latencies[-1])
                    errors += not ok

        t_start = time.monotonic()
        worker = raw_worker if kind == "raw" else httpx_worker
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.monotonic() - t_start
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    for name, values in by_kind.items():
        if len(values) > 1:
            kind_cuts = statistics.quantiles(values, n=100, method="inclusive")
            print(
                f"  {name:9s} {len(values):6d} requests  p50 {kind_cuts[49] * 1000:6.1f} ms"
                f"  p95 {kind_cuts[94] * 1000:6.1f} ms"
            )
    return {
        "urls": len(urls),
        "warm_s": warm,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--urls", type=int, default=40, help="distinct pages to cycle (about)")
    parser.add_argument("--mix", choices=("pages", "explorer"), default="pages")
    parser.add_argument("--workspace", default=None, help="workspace folder (default: demo)")
    parser.add_argument("--url", default=None, help="use a server already running here")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument(
        "--http",
        choices=("httptools", "h11"),
        default="httptools",
        help="the server's HTTP parser (h11: the pure-Python stack served before)",
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave cached values in the garbage collector's scans (as served before)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and --seconds 1..{MAX_SECONDS}")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on the loopback interface")
    child = None
    base = args.url
    if base is None:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        child = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(args.workspace, port, args.http, args.no_freeze), daemon=True
        )
        child.start()
    try:
        result = asyncio.run(
            run(base, args.clients, args.seconds, args.urls, args.client, args.mix)
        )
    finally:
        if child is not None:
            child.terminate()
            child.join(10)
    print(
        f"{args.mix} mix, {args.clients} {args.client} clients, {args.seconds:.0f} s, "
        f"server {args.http if child is not None else args.url}"
        f"{' (no freeze)' if args.no_freeze and child is not None else ''}, "
        f"{result['urls']:.0f} pages (warmed in {result['warm_s']:.1f} s)\n"
        f"requests {result['requests']:.0f}  {result['rps']:.0f} req/s  "
        f"p50 {result['p50_ms']:.1f} ms  p95 {result['p95_ms']:.1f} ms  "
        f"p99 {result['p99_ms']:.1f} ms  errors {result['errors']:.0f}"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main())
