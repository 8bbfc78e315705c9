"""The home page's last answer, kept on disk so ``scrutiny serve`` answers it at once.

Building the dashboard (imports, opening the warehouse, the headline figures) takes seconds; the
home page it then answers depends only on the warehouse, the workspace's files and scrutiny's
own code. Its whole response (status, headers, body; with and without gzip) is recorded through
the real app and kept under ``$SCRUTINY_HOME/cache/pages``, keyed by the size and modification
time of each of those files, so any change to them is a new key and a stale page is never
replayed. ``scrutiny ingest`` records it after loading; ``scrutiny serve`` records it once its
app is built, for the next start.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrutiny
from scrutiny.config.workspace import Workspace, data_home

if TYPE_CHECKING:
    from starlette.types import ASGIApp

#: The page recorded (the one a visitor opens first).
PATH = "/"
_FORMAT = 1


@dataclass(frozen=True)
class Answer:
    """One recorded HTTP response."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
            "body": base64.b64encode(self.body).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in data["headers"]]
        return cls(int(data["status"]), headers, base64.b64decode(data["body"]))


@dataclass(frozen=True)
class Snapshot:
    """The home page as sent to a client that accepts gzip, and to one that does not."""

    plain: Answer
    gzipped: Answer

    def answer(self, accepts_gzip: bool) -> Answer:
        return self.gzipped if accepts_gzip else self.plain


def _files(folder: Path) -> Iterator[Path]:
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".pyc", ".tmp")):
                yield Path(here) / name


def _stamp(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


def key(ws: Workspace) -> str:
    """What the home page depends on, as a digest of sizes and times (no file is read)."""
    package = Path(scrutiny.__file__).resolve().parent
    parts = [
        _FORMAT,
        scrutiny.__version__,
        _stamp(ws.warehouse_path),
        [_stamp(p) for p in _files(ws.root)],
        [_stamp(p) for p in _files(package)],
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _path(found: str) -> Path:
    return data_home() / "cache" / "pages" / f"{found[:32]}.json"


def load(ws: Workspace, found: str | None = None) -> Snapshot | None:
    """The recorded home page of the warehouse as it is now (or as of key ``found``), or None."""
    try:
        data = json.loads(_path(found or key(ws)).read_text(encoding="utf-8"))
        return Snapshot(Answer.from_json(data["plain"]), Answer.from_json(data["gzipped"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(found: str, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` under key ``found`` (atomically; an unwritable cache only costs a
    slower next start)."""
    target = _path(found)
    data = {"plain": snapshot.plain.to_json(), "gzipped": snapshot.gzipped.to_json()}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


async def ask(app: ASGIApp, accept_gzip: bool, path: str = PATH) -> Answer:
    """One in-process GET of ``path`` through the whole app (middleware included)."""
    headers = [(b"host", b"localhost")]
    if accept_gzip:
        headers.append((b"accept-encoding", b"gzip"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
    }
    start: dict[str, Any] = {}
    body: list[bytes] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return Answer(int(start["status"]), list(start.get("headers", [])), b"".join(body))


def record(app: ASGIApp) -> Snapshot | None:
    """The app's home page as it answers now (None unless it answers 200)."""

    async def both() -> Snapshot:
        return Snapshot(await ask(app, False), await ask(app, True))

    # A thread of its own: asyncio.run refuses to start inside a running event loop.
    with ThreadPoolExecutor(1) as pool:
        found = pool.submit(asyncio.run, both()).result()
    if found.plain.status != 200 or found.gzipped.status != 200:
        return None
    return found


def keep(ws: Workspace, app: ASGIApp, before: str) -> None:
    """Record the home page of ``app`` (built over ``ws`` when its key was ``before``), unless
    it is recorded already or the files changed meanwhile."""
    if load(ws, before) is not None:
        return
    found = record(app)
    if found is not None and key(ws) == before:
        save(before, found)


def warm(ws: Workspace) -> None:
    """Record the home page of ``ws`` unless it is recorded for the warehouse as it is."""
    before = key(ws)
    if load(ws, before) is not None:
        return
    from scrutiny.web.app import create_app

    app = create_app(ws)
    try:
        keep(ws, app, before)
    finally:
        app.state.data.close()
