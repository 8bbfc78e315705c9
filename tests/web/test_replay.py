"""Answers already given are replayed before routing: the same bytes and headers, per path,
query and gzip; nothing but complete 200 answers to plain GETs is kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from asgi_run import run_apart
from scrutiny.web.replay import ReplayCache


class Counting:
    """An ASGI app answering ``status`` with a body naming the request, counting its calls."""

    def __init__(self, status: int = 200, size: int = 10):
        self.calls = 0
        self.status = status
        self.size = size

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        body = (scope["path"].encode() + scope["query_string"]).ljust(self.size, b".")
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": body})


def _get(app: Any, path: str, query: bytes = b"", headers: list[Any] | None = None) -> bytes:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": headers or [],
    }
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.append(message["body"])

    run_apart(app(scope, receive, send))
    return b"".join(body)


def test_a_second_request_is_replayed_without_the_app() -> None:
    inner = Counting()
    app = ReplayCache(inner)
    first = _get(app, "/area", b"level=ward")
    assert _get(app, "/area", b"level=ward") == first
    assert inner.calls == 1
    _get(app, "/area", b"level=borough")  # another query: another answer
    _get(app, "/area", b"level=ward", [(b"accept-encoding", b"gzip")])  # gzip: another
    assert inner.calls == 3


def test_conditional_requests_and_errors_reach_the_app() -> None:
    inner = Counting()
    app = ReplayCache(inner)
    _get(app, "/static/app.js")
    _get(app, "/static/app.js", headers=[(b"if-none-match", b'"x"')])
    _get(app, "/static/app.js", headers=[(b"range", b"bytes=0-1")])
    assert inner.calls == 3
    missing = Counting(status=404)
    app = ReplayCache(missing)
    _get(app, "/nowhere")
    _get(app, "/nowhere")
    assert missing.calls == 2 and len(app) == 0


def test_the_cache_is_bounded_in_bytes() -> None:
    inner = Counting(size=100)
    app = ReplayCache(inner, max_bytes=250)
    for page in ("/a", "/b", "/c"):
        _get(app, page)
    assert len(app) == 2  # /a dropped
    _get(app, "/a")
    assert inner.calls == 4


def test_the_dashboard_replays_its_own_answers(client: TestClient) -> None:
    first = client.get("/area?level=borough", headers={"Accept-Encoding": "identity"})
    again = client.get("/area?level=borough", headers={"Accept-Encoding": "identity"})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    zipped = client.get("/area?level=borough", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == first.content  # decoded by the client: the same page
    head = client.head("/area?level=borough")
    assert head.status_code == 200 and head.content == b""
