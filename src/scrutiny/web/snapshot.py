"""The first pages' last answers, kept on disk so ``scrutiny serve`` answers them at once.

Building the dashboard (imports, opening the warehouse, the headline figures) takes seconds; the
pages a visitor opens first (the home page, then the area and crime pages the menu links to,
each without a query) depend only on the warehouse, the workspace's files and scrutiny's own
code. Their whole responses (status, headers, body; with and without gzip) are recorded through
the real app and kept under ``$SCRUTINY_HOME/cache/pages``, keyed by the size and modification
time of each of those files, so any change to them is a new key and a stale page is never
replayed. ``scrutiny ingest`` records the home page after loading (a third of the cost of
recording all three: the area and crime pages each need figures the home page does not);
``scrutiny serve`` records every one of them the snapshot lacks once its app is built, for the
next start.
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
from scrutiny.store.caches import prune_caches

if TYPE_CHECKING:
    from starlette.types import ASGIApp

#: The home page, always recorded (a snapshot without it is not kept).
PATH = "/"
#: The pages recorded, each as it answers a GET without a query.
PATHS = (PATH, "/area", "/crime")
_FORMAT = 2


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
class Page:
    """A page as sent to a client that accepts gzip, and to one that does not."""

    plain: Answer
    gzipped: Answer

    def answer(self, accepts_gzip: bool) -> Answer:
        return self.gzipped if accepts_gzip else self.plain


#: The recorded pages by path.
Snapshot = dict[str, Page]


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
    """What the pages depend on, as a digest of sizes and times (no file is read)."""
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
    """The recorded pages of the warehouse as it is now (or as of key ``found``), or None."""
    try:
        data = json.loads(_path(found or key(ws)).read_text(encoding="utf-8"))
        pages = {
            path: Page(Answer.from_json(page["plain"]), Answer.from_json(page["gzipped"]))
            for path, page in data["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return pages if PATH in pages else None


def save(found: str, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` under key ``found`` (atomically; an unwritable cache only costs a
    slower next start)."""
    target = _path(found)
    pages = {
        path: {"plain": page.plain.to_json(), "gzipped": page.gzipped.to_json()}
        for path, page in snapshot.items()
    }
    data = {"pages": pages}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        return
    prune_caches()  # a new key each time the files change: the caches must not only grow


async def ask(app: ASGIApp, accept_gzip: bool, path: str = PATH, query: str = "") -> Answer:
    """One in-process GET of ``path`` (with query string ``query``) through the whole app
    (middleware included)."""
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
        "query_string": query.encode("latin-1"),
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


def record(app: ASGIApp, paths: tuple[str, ...] = PATHS) -> Snapshot:
    """The app's pages at ``paths`` as they answer now: those that answer 200."""

    async def every() -> Snapshot:
        found = {}
        for path in paths:
            page = Page(await ask(app, False, path), await ask(app, True, path))
            if page.plain.status == 200 and page.gzipped.status == 200:
                found[path] = page
        return found

    # A thread of its own: asyncio.run refuses to start inside a running event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, every()).result()


def keep(ws: Workspace, app: ASGIApp, before: str, paths: tuple[str, ...] = PATHS) -> None:
    """Record the pages at ``paths`` of ``app`` (built over ``ws`` when its key was
    ``before``) that are not recorded yet, unless the files changed meanwhile."""
    have = load(ws, before) or {}
    missing = tuple(p for p in paths if p not in have)
    if not missing:
        return
    found = have | record(app, missing)
    if PATH in found and key(ws) == before:  # a snapshot without the home page is not kept
        save(before, found)


def warm(ws: Workspace, paths: tuple[str, ...] = (PATH,)) -> None:
    """Record the pages at ``paths`` (default: the home page, as ``scrutiny ingest`` does)
    unless they are recorded for the warehouse as it is."""
    before = key(ws)
    have = load(ws, before) or {}
    if all(p in have for p in paths):
        return
    from scrutiny.web.app import create_app

    app = create_app(ws)
    try:
        keep(ws, app, before, paths)
    finally:
        app.state.data.close()
