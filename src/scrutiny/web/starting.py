"""``scrutiny serve`` listens at once and builds the dashboard meanwhile.

Building the app (the analysis stack's imports, the warehouse opened, its areas and quarters
read) takes seconds. :class:`StartingApp` is the ASGI app the server runs from its first
moment: it builds the real app in a thread; until it is ready the first pages (home, area,
crime) are answered from their recorded snapshot (:mod:`scrutiny.web.snapshot`) when one matches
the warehouse, and every other request waits for the app. Once built, the app records those
pages for the next start.
A failure to build stops the server; :meth:`StartingApp.raise_failure` raises it again in the
command, whose error boundary prints its one line.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrutiny.web import snapshot

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from scrutiny.config.workspace import Workspace

log = logging.getLogger(__name__)


class StartingApp:
    def __init__(self, ws: Workspace, build: Callable[[], ASGIApp]):
        self._ws = ws
        self._build = build
        self._key = snapshot.key(ws)
        self._snapshot = snapshot.load(ws, self._key)
        self._app: ASGIApp | None = None
        self._failure: BaseException | None = None
        self._done = threading.Event()
        self.on_failure: Callable[[], None] = lambda: None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Build the app in the background (called once, when the server starts)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._make, daemon=True, name="dashboard")
            self._thread.start()

    def _make(self) -> None:
        try:
            app = self._build()
        except BaseException as exc:  # reported by the command, as one line
            self._failure = exc
            self._done.set()
            self.on_failure()
            return
        self._app = app
        self._done.set()
        try:
            snapshot.keep(self._ws, app, self._key)
        except Exception:  # a snapshot not kept only costs the next start its speed
            log.exception("could not record the first pages")

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    async def _app_when_ready(self) -> ASGIApp | None:
        if not self._done.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self._done.wait)
        return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        app = self._app
        page = self._snapshot.get(scope.get("path", "")) if self._snapshot else None
        if app is None and page is not None and _replayable(scope):
            await _replay(page, scope, send)
            return
        if app is None:
            app = await self._app_when_ready()
        if app is None:
            await _unavailable(send)
            return
        await app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def _replayable(scope: Scope) -> bool:
    """A plain GET of a recorded page: no query, nothing the limits refuse."""
    from scrutiny.web.limits import oversized

    return (
        scope["type"] == "http"
        and scope.get("method") == "GET"
        and scope.get("path") in snapshot.PATHS
        and not scope.get("query_string")
        and oversized(scope) is None
    )


def _accepts_gzip(scope: Scope) -> bool:
    return any(
        k.lower() == b"accept-encoding" and b"gzip" in v for k, v in scope.get("headers", [])
    )


async def _replay(found: snapshot.Page, scope: Scope, send: Send) -> None:
    answer = found.answer(_accepts_gzip(scope))
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": answer.status,
        "headers": answer.headers,
    }
    await send(start)
    await send({"type": "http.response.body", "body": answer.body})


async def _unavailable(send: Send) -> None:
    body = b"The dashboard could not start; see the server's log."
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
