"""uvicorn's settings for the dashboard: its fast protocol stack, and long addresses answered.

httptools (a C HTTP parser) and uvloop serve about twice the requests per CPU second of the
pure-Python h11 stack on a small machine. httptools refuses to split an address over 64 KiB
and uvicorn then answers a bare 400; :class:`DashboardHttpProtocol` shortens such an address
before it is split, keeping a query string far over :data:`~scrutiny.web.limits.MAX_QUERY_BYTES`,
so the app's own limits answer it (414) as they answer every other oversized request.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from scrutiny.web.limits import MAX_QUERY_BYTES, SERVER_BUFFER_BYTES

#: The longest address httptools.parse_url accepts.
PARSER_MAX_URL_BYTES = 65_535


class DashboardHttpProtocol(HttpToolsProtocol):
    def on_headers_complete(self) -> None:
        if len(self.url) > PARSER_MAX_URL_BYTES:
            # Still over the app's limit (a longer path alone, without a query, is a 404).
            self.url = self.url[: 4 * MAX_QUERY_BYTES]
        super().on_headers_complete()


def server_options(http: str = "httptools") -> dict[str, Any]:
    """Keyword arguments of ``uvicorn.run`` (``http="h11"``: the pure-Python stack, kept for
    side-by-side benchmarks; it needs its buffer raised to pass oversized requests on)."""
    options: dict[str, Any] = {"log_level": "warning", "server_header": False, "loop": "uvloop"}
    if http == "h11":
        options.update(http="h11", h11_max_incomplete_event_size=SERVER_BUFFER_BYTES)
    else:
        options["http"] = DashboardHttpProtocol
    return options
