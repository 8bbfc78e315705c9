"""Answers already given are replayed before routing: the same bytes and headers, per path,
query and gzip; nothing but complete 200 answers to plain GETs is kept; only in a served app.
A served app builds every area's page before it is asked for; an area's page is built once
however its address spells it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from asgi_run import run_apart
from scrutiny.config.geography import GEO_LEVELS
from scrutiny.config.workspace import Workspace
from scrutiny.web.app import area_addresses, create_app, prerender
from scrutiny.web.replay import Answers, ReplayCache


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


@pytest.fixture(scope="module")
def served(web_ws: Workspace) -> FastAPI:
    """The app as `scrutiny serve` builds it (replay on), without its background warm-up."""
    return create_app(web_ws, replay=True)


def test_only_a_served_app_replays(web_app: FastAPI, served: FastAPI) -> None:
    assert not hasattr(web_app.state, "replay")  # tests and recordings see the app itself
    assert isinstance(served.state.replay, Answers)


def test_the_dashboard_replays_its_own_answers(served: FastAPI) -> None:
    with TestClient(served) as client:
        first = client.get("/area?level=borough", headers={"Accept-Encoding": "identity"})
        again = client.get("/area?level=borough", headers={"Accept-Encoding": "identity"})
        assert first.status_code == again.status_code == 200
        assert again.content == first.content
        policy = first.headers["content-security-policy"]
        assert again.headers["content-security-policy"] == policy
        zipped = client.get("/area?level=borough", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.content == first.content  # decoded by the client: the same page
        head = client.head("/area?level=borough")
        assert head.status_code == 200 and head.content == b""
    assert len(served.state.replay) == 2  # plain and gzipped; HEAD is not kept


def _counting_area(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each area page the app renders (by area code)."""
    pages = app.state.pages
    rendered: list[str] = []
    real = pages.area

    def area(links: Any, p: Any) -> str:
        rendered.append(p.area.code)
        return real(links, p)

    monkeypatch.setattr(pages, "area", area)
    return rendered


def test_an_area_page_is_one_page_however_it_is_spelled(
    served: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = served.state.data
    borough = list(data.areas["borough"].values())[3]
    latest = data.quarters["borough"][0]
    rendered = _counting_area(served, monkeypatch)
    with TestClient(served) as client:
        bare = client.get(f"/area?level=borough&area={borough.code}")
        spelled = client.get(f"/area?area={borough.code}&quarter={latest}&level=borough")
        by_name = client.get(f"/area?level=borough&area={borough.name}")
        older = client.get(
            f"/area?level=borough&area={borough.code}&quarter={data.quarters['borough'][1]}"
        )
    assert bare.status_code == spelled.status_code == by_name.status_code == 200
    assert bare.content == spelled.content == by_name.content
    assert older.status_code == 200 and older.content != bare.content
    assert rendered == [borough.code, borough.code]  # the latest once, the older quarter once


def test_every_area_page_is_built_before_it_is_asked_for(
    served: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = served.state.data
    addresses = area_addresses(data)
    levels = [level for level in GEO_LEVELS if data.quarters.get(level)]
    assert len(addresses) == 2 * sum(len(data.areas[level]) for level in levels)
    force = f"/area?level=force&area={data.force.code}"
    assert addresses[0] == force
    assert addresses[len(addresses) // 2] == f"{force}&quarter={data.quarters['force'][0]}"
    chosen = [addresses[0], addresses[len(addresses) // 2 - 1], addresses[-1]]
    assert prerender(served, chosen) == 3
    rendered = _counting_area(served, monkeypatch)
    with TestClient(served) as client:
        for address in chosen:
            found = client.get(address, headers={"Accept-Encoding": "gzip"})
            assert found.status_code == 200 and found.headers["content-encoding"] == "gzip"
            assert b"Crime in" in found.content
            plain = client.get(address, headers={"Accept-Encoding": "identity"})
            assert plain.content == found.content
    assert rendered == []  # answered from what was built, plain ones from the page cache
