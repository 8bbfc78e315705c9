"""Requests the dashboard answers with a status, never a reset connection: oversized requests
get 414 (a query string over :data:`MAX_QUERY_BYTES` or with over :data:`MAX_PARAMETERS`
parameters) or 431 (headers over :data:`MAX_HEADER_BYTES`), and ``HEAD`` is answered wherever
``GET`` is (the GET response's status and headers, no body).

Plain ASGI middleware, outermost, so an oversized request costs no routing or parsing. The
server must let such requests reach it (see scrutiny.web.server): under h11 ``serve`` raises
the parser's buffer to :data:`SERVER_BUFFER_BYTES` (its default of 16 KiB dropped a 1 MB query
string unanswered); under httptools an address over 64 KiB is shortened before it is split.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_QUERY_BYTES = 8 * 1024
MAX_PARAMETERS = 200
MAX_HEADER_BYTES = 16 * 1024
#: What the server's parser accepts before the app can answer (larger is dropped by the server).
SERVER_BUFFER_BYTES = 4 * 1024 * 1024


def oversized(scope: Scope) -> tuple[int, str] | None:
    """The status and reason for a request too large to answer, else None (pure)."""
    query: bytes = scope.get("query_string", b"")
    if len(query) > MAX_QUERY_BYTES:
        return 414, f"The address is too long (query string over {MAX_QUERY_BYTES:,} bytes)."
    if query.count(b"&") + query.count(b";") + 1 > MAX_PARAMETERS:
        return 414, f"Too many parameters (over {MAX_PARAMETERS})."
    size = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
    if size > MAX_HEADER_BYTES:
        return 431, f"The request's headers are too large (over {MAX_HEADER_BYTES:,} bytes)."
    return None


class RequestLimits:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = oversized(scope)
        if refused is not None:
            status, reason = refused
            body = reason.encode("utf-8")
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b"" if _is_head(scope) else body})
            return
        if not _is_head(scope):
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _is_head(scope: Scope) -> bool:
    return bool(scope.get("method") == "HEAD")
