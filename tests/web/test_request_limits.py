"""Oversized requests are answered 414/431 (not a reset connection) and HEAD works wherever GET
does, in the app and through the real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.web.limits import MAX_PARAMETERS, MAX_QUERY_BYTES, oversized

SRC = Path(__file__).resolve().parents[2] / "src"
BIG_QUERY = "q=" + "x" * 1_000_000
MANY_PARAMETERS = "&".join(f"p{i}=1" for i in range(20_000))


def test_the_limits_as_a_pure_function() -> None:
    assert oversized({"query_string": BIG_QUERY.encode(), "headers": []})[0] == 414  # type: ignore[index]
    assert oversized({"query_string": MANY_PARAMETERS.encode(), "headers": []})[0] == 414  # type: ignore[index]
    assert oversized({"query_string": b"a=1&b=2", "headers": []}) is None


def test_a_long_query_string_is_414(client: TestClient) -> None:
    # (the HTTP client refuses a 1 MB address itself: the real server is tested below)
    assert client.get("/?q=" + "x" * (MAX_QUERY_BYTES + 1)).status_code == 414


def test_too_many_parameters_are_414(client: TestClient) -> None:
    query = "&".join(f"p{i}=1" for i in range(MAX_PARAMETERS + 1))
    assert client.get(f"/api/tables?{query}").status_code == 414


def test_huge_headers_are_431(client: TestClient) -> None:
    assert client.get("/", headers={"X-Big": "y" * 20_000}).status_code == 431


def test_ordinary_queries_still_work(client: TestClient) -> None:
    assert client.get("/api/tables?a=1&b=2").status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/tables", "/api/tables/milestones.csv", "/data"])
def test_head_wherever_get_works(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_head_of_a_missing_page_is_404(client: TestClient) -> None:
    assert client.head("/no-such-page").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`scrutiny serve` on a copy of the demo, in its own process."""
    root = tmp_path_factory.mktemp("served") / "ws"
    shutil.copytree(web_ws.root, root)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "serve", "-w", str(root), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("scrutiny serve exited")
            time.sleep(0.5)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def _status(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(request)
        line = s.makefile("rb").readline()
    return int(line.split()[1])


@pytest.mark.parametrize(
    ("target", "status"),
    [(f"/?{BIG_QUERY}", 414), (f"/?{MANY_PARAMETERS}", 414)],
    ids=["1 MB query string", "20,000 parameters"],
)
def test_the_server_answers_oversized_requests(server: int, target: str, status: int) -> None:
    request = f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    assert _status(server, request.encode()) == status


def test_the_server_answers_head(server: int) -> None:
    request = b"HEAD /api/tables HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    assert _status(server, request) == 200
