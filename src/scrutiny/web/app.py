"""The dashboard: a read-only FastAPI app over one workspace's warehouse.

:func:`create_app` opens the warehouse read-only once and caches every query and page per
parameter set (the data cannot change while serving). Pages are server-rendered HTML that work
with JavaScript off; ``static/app.js`` only enhances them, and the Vega runtime is served from
the bundle vl-convert builds offline (no CDN).
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from scrutiny import __version__
from scrutiny.config.workspace import Workspace
from scrutiny.web import api, limits, pages, security
from scrutiny.web.content import ReportContent
from scrutiny.web.data import WebData
from scrutiny.web.links import Links

STATIC = Path(__file__).parent / "static"
_bundle_lock = threading.Lock()
_bundle: list[str] = []


def vega_runtime() -> str:
    """The Vega, Vega-Lite and Vega-Embed bundle (built offline once, then cached on disk)."""
    with _bundle_lock:
        if not _bundle:
            from scrutiny.report.charts import javascript_bundle

            _bundle.append(javascript_bundle())
        return _bundle[0]


def create_app(ws: Workspace, *, warm: bool = False) -> FastAPI:
    """The dashboard app of ``ws``; its warehouse must already be loaded.

    With ``warm`` the report content and the home page are built in the background at once,
    so the first visitor does not wait for them.
    """
    data = WebData(ws)
    content = ReportContent(ws, ws.quarter, ws.config.settings.suppress_below)
    site_pages = pages.Pages(data, content)
    site_pages.env.globals["site_suppress"] = ws.config.settings.suppress_below
    app = FastAPI(
        title=f"{ws.config.force}: open data",
        version=__version__,
        description="Read-only open data behind the performance dashboard: recorded crime "
        "measures, monthly series with SPC limits, area comparisons, returns and report tables. "
        "Every table is also available as CSV.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.data = data
    app.state.content = content
    app.state.pages = site_pages

    @app.get("/static/vega.js", include_in_schema=False)
    def vega_js() -> Response:
        return Response(
            vega_runtime(),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router(data, content))
    app.include_router(pages.router(site_pages))
    security.install(app, lambda status, message: site_pages.error(Links(), status, message))
    app.add_middleware(limits.RequestLimits)  # outermost: oversized requests, HEAD
    if warm:
        threading.Thread(target=lambda: site_pages.home(Links()), daemon=True).start()
    return app
