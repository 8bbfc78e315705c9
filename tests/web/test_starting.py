"""``scrutiny serve`` listens at once: the first pages (home, area, crime) are replayed from
their recorded snapshot while the app is built, exactly as the app answers them, and only for
the warehouse they were recorded from."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from asgi_run import run_apart
from scrutiny.config.workspace import Workspace
from scrutiny.web import snapshot
from scrutiny.web.starting import StartingApp


@pytest.fixture()
def own_ws(web_ws: Workspace, tmp_path: Path) -> Workspace:
    """A copy of the ingested demo whose files a test may touch."""
    shutil.copytree(web_ws.root, tmp_path / "ws")
    return Workspace.load(tmp_path / "ws")


def _get(app: Any, path: str, gzip: bool) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request straight to an ASGI app (no server), as (status, headers, body)."""
    found = run_apart(snapshot.ask(app, gzip, path))
    return found.status, dict(found.headers), found.body


def test_the_recorded_pages_are_the_apps_own_answers(own_ws: Workspace, web_app: FastAPI) -> None:
    snapshot.warm(own_ws, snapshot.PATHS)  # once for every page: recording renders each
    recorded = snapshot.load(own_ws)
    assert recorded is not None and set(recorded) == set(snapshot.PATHS)
    for path, found in recorded.items():
        with TestClient(web_app) as client:
            live = client.get(path)
        assert live.status_code == 200, path
        assert found.plain.body.decode("utf-8") == live.text, path
        assert dict(found.gzipped.headers)[b"content-encoding"] == b"gzip"
        headers = dict(found.plain.headers)
        policy = live.headers["content-security-policy"].encode()
        assert headers[b"content-security-policy"] == policy


def test_a_changed_warehouse_or_workspace_file_is_a_new_key(own_ws: Workspace) -> None:
    snapshot.warm(own_ws)
    assert snapshot.load(own_ws) is not None
    stat = own_ws.warehouse_path.stat()
    os.utime(own_ws.warehouse_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert snapshot.load(own_ws) is None
    snapshot.warm(own_ws)
    assert snapshot.load(own_ws) is not None
    config = own_ws.root / "scrutiny.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert snapshot.load(own_ws) is None


def test_ingest_records_the_home_page_and_serve_the_rest(
    own_ws: Workspace, web_app: FastAPI
) -> None:
    snapshot.warm(own_ws)  # as `scrutiny ingest` does: the home page alone
    home = snapshot.load(own_ws)
    assert home is not None and set(home) == {snapshot.PATH}
    snapshot.keep(own_ws, web_app, snapshot.key(own_ws))  # as `scrutiny serve` does, once built
    every = snapshot.load(own_ws)
    assert every is not None and set(every) == set(snapshot.PATHS)
    assert every[snapshot.PATH] == home[snapshot.PATH]  # as ingest recorded it


def test_the_first_pages_are_answered_before_the_app_is_built(
    own_ws: Workspace, web_app: FastAPI
) -> None:
    snapshot.warm(own_ws, snapshot.PATHS)
    release = threading.Event()

    def build() -> FastAPI:
        release.wait(60)
        return web_app

    app = StartingApp(own_ws, build)
    app.start()
    try:
        recorded = snapshot.load(own_ws)
        assert recorded is not None
        for path in snapshot.PATHS:
            status, headers, body = _get(app, path, gzip=False)
            assert not app.ready  # answered from the snapshot, the app still building
            assert (status, body) == (200, recorded[path].plain.body)
            assert headers[b"x-frame-options"] == b"DENY"
            gz_status, gz_headers, _ = _get(app, path, gzip=True)
            assert (gz_status, gz_headers[b"content-encoding"]) == (200, b"gzip")
    finally:
        release.set()
    # Any other page waits for the app, then is the app's own answer.
    status, _, body = _get(app, "/sources", gzip=False)
    assert app.ready
    assert status == 200 and b"<html" in body.lower()


def test_without_a_snapshot_home_waits_for_the_app(own_ws: Workspace, web_app: FastAPI) -> None:
    app = StartingApp(own_ws, lambda: web_app)
    app.start()
    status, _, body = _get(app, "/", gzip=False)
    assert status == 200 and b"<html" in body.lower()


def test_a_failed_build_stops_the_server_and_is_raised_in_the_command(
    own_ws: Workspace,
) -> None:
    stopped = threading.Event()

    def build() -> FastAPI:
        raise ValueError("the warehouse is damaged")

    app = StartingApp(own_ws, build)
    app.on_failure = stopped.set
    app.start()
    assert stopped.wait(60)
    status, _, _ = _get(app, "/", gzip=False)
    assert status == 503
    with pytest.raises(ValueError, match="damaged"):
        app.raise_failure()


def test_only_a_plain_get_of_a_recorded_page_is_replayed() -> None:
    from scrutiny.web.starting import _replayable

    plain = {"type": "http", "method": "GET", "path": "/area", "query_string": b"", "headers": []}
    assert _replayable(plain)
    assert not _replayable({**plain, "query_string": b"level=ward"})
    assert not _replayable({**plain, "method": "POST"})
    assert not _replayable({**plain, "path": "/sources"})
