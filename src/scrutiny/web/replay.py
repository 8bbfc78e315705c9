"""Answers already given, replayed before routing.

The data cannot change while serving, so a GET's answer depends only on its path, its query
string and whether the client takes gzip. The pages and the API cache what they compute, but a
cached page still goes through FastAPI's routing and parameter validation, about half the CPU
of answering it. :class:`ReplayCache` keeps each complete 200 answer (status, headers as sent,
body) and replays it without entering the app. Bounded in bytes (least recently used dropped);
conditional and range requests pass through to the app, which answers them itself.

It is for a served app (``create_app(..., replay=True)``, as ``scrutiny serve`` builds it): the
answers are kept in one :class:`Answers` store the app holds (``app.state.replay``), which the
server's background warm-up fills through the same middleware, so two middleware stacks built
at once still share it. Tests and recordings build the app without it and see every request
answered by the app itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Request headers whose answer is not the plain 200 this cache keeps.
_CONDITIONAL = frozenset({b"if-none-match", b"if-modified-since", b"range", b"if-range"})
MAX_BYTES = 128 * 1024 * 1024
MAX_BODY = 4 * 1024 * 1024

Key = tuple[str, bytes, bool]


@dataclass(frozen=True)
class Answer:
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Answers:
    """Complete answers by request, bounded in bytes (least recently used dropped); safe to
    share between threads (the server's loop and a warm-up's)."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_body: int = MAX_BODY):
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._items: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Key) -> Answer | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Key, answer: Answer) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)


class ReplayCache:
    def __init__(
        self,
        app: ASGIApp,
        answers: Answers | None = None,
        max_bytes: int = MAX_BYTES,
        max_body: int = MAX_BODY,
    ):
        self.app = app
        self.answers = answers if answers is not None else Answers(max_bytes, max_body)

    def __len__(self) -> int:
        return len(self.answers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        found = self.answers.get(key)
        if found is not None:
            await send({"type": "http.response.start", "status": 200, "headers": found.headers})
            await send({"type": "http.response.body", "body": found.body})
            return
        start: list[Message] = []
        chunks: list[bytes] = []
        size = 0
        max_body = self.answers.max_body

        async def keep(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.append(message)
            elif message["type"] == "http.response.body" and start and size <= max_body:
                body = message.get("body", b"")
                size += len(body)
                chunks.append(body)
                done = not message.get("more_body", False)
                if done and start[0]["status"] == 200 and size <= max_body:
                    headers = list(start[0].get("headers", []))
                    self.answers.put(key, Answer(headers, b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, keep)


def _key(scope: Scope) -> Key | None:
    """The cache key of a plain GET, or None for anything else."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return None
    gzip = False
    for name, value in scope.get("headers", []):
        name = name.lower()
        if name in _CONDITIONAL:
            return None
        if name == b"accept-encoding" and b"gzip" in value:
            gzip = True
    return scope["path"], scope.get("query_string", b""), gzip
