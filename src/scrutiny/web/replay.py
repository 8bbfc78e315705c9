"""Answers already given, replayed before routing.

The data cannot change while serving, so a GET's answer depends only on its path, its query
string and whether the client takes gzip. The pages and the API cache what they compute, but a
cached page still goes through FastAPI's routing and parameter validation, about half the CPU
of answering it. :class:`ReplayCache` keeps each complete 200 answer (status, headers as sent,
body) and replays it without entering the app. Bounded in bytes (least recently used dropped);
conditional and range requests pass through to the app, which answers them itself.
"""

from __future__ import annotations

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


class ReplayCache:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BYTES, max_body: int = MAX_BODY):
        self.app = app
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._items: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": found.headers})
            await send({"type": "http.response.body", "body": found.body})
            return
        start: list[Message] = []
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.append(message)
            elif message["type"] == "http.response.body" and start and size <= self.max_body:
                body = message.get("body", b"")
                size += len(body)
                chunks.append(body)
                done = not message.get("more_body", False)
                if done and start[0]["status"] == 200 and size <= self.max_body:
                    self._put(key, Answer(list(start[0].get("headers", [])), b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, keep)

    def _put(self, key: Key, answer: Answer) -> None:
        if key in self._items:
            return
        self._items[key] = answer
        self._bytes += len(answer.body)
        while self._bytes > self.max_bytes and self._items:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped.body)


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
