"""The dashboard: a read-only FastAPI app over one workspace's warehouse.

:func:`create_app` opens the warehouse read-only once and caches every query and page per
parameter set (the data cannot change while serving). Pages are server-rendered HTML that work
with JavaScript off; ``static/app.js`` only enhances them, and the Vega runtime is served from
the bundle vl-convert builds offline (no CDN).
"""

from __future__ import annotations

import asyncio
import gzip
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from scrutiny import __version__
from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.geography import GEO_LEVELS
from scrutiny.config.workspace import Workspace
from scrutiny.web import api, limits, pages, security
from scrutiny.web.content import ReportContent
from scrutiny.web.links import Links
from scrutiny.web.replay import Answers, ReplayCache

STATIC = Path(__file__).parent / "static"
_bundle_lock = threading.RLock()
_bundle: list[str] = []
_bundle_gz: list[bytes] = []


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def gzipped_vega_runtime() -> bytes:
    """The runtime compressed once (898 KB → about 250 KB), not per request."""
    with _bundle_lock:
        if not _bundle_gz:
            _bundle_gz.append(gzip.compress(vega_runtime_bytes(), compresslevel=9, mtime=0))
        return _bundle_gz[0]


def vega_runtime_bytes() -> bytes:
    return vega_runtime().encode("utf-8")


def vega_runtime() -> str:
    """The Vega, Vega-Lite and Vega-Embed bundle (built offline once, then cached on disk)."""
    with _bundle_lock:
        if not _bundle:
            from scrutiny.report.charts import javascript_bundle

            _bundle.append(javascript_bundle())
        return _bundle[0]


def _warm(site_pages: pages.Pages) -> None:
    """Build what the first visitors ask for, in the background: the home page, then the
    plan's report content, then every category's figures at each level (area pages)."""
    from scrutiny.web import views

    data = site_pages.data
    site_pages.home(Links())
    site_pages.plan(Links())
    majors = [s for s in data.categories.values() if s.kind in ("total", "major")]
    for level in ("force", "bcu", "borough", "ward"):
        if data.areas[level] and data.quarters[level]:
            data.prefetch([*majors, *data.headline], level, data.latest_quarter(level))
    views.headlines(data, data.default_quarter)


def area_addresses(data: WorkspaceData) -> list[str]:
    """Every area's page in its latest quarter, as the search page links it (force first,
    wards last), then each spelled with its quarter, as the map and the area pages link it (a
    page kept once: :func:`prerender` only has the second address replayed too)."""
    links = Links()
    levels = [level for level in GEO_LEVELS if data.quarters.get(level)]
    bare = [links.area(level, code) for level in levels for code in data.areas[level]]
    spelled = [
        links.area(level, code, str(data.quarters[level][0]))
        for level in levels
        for code in data.areas[level]
    ]
    return bare + spelled


def prerender(app: FastAPI, addresses: list[str]) -> int:
    """Ask ``app`` for each address (gzipped, as browsers ask) in this thread, so its answer is
    kept before a visitor asks: an area page costs 30-60 ms of CPU to build, and 50 visitors
    asking new ones at once would queue for seconds. The number answered 200."""
    from scrutiny.web.snapshot import ask

    async def every() -> int:
        done = 0
        for address in addresses:
            path, _, query = address.partition("?")
            done += (await ask(app, True, path, query)).status == 200
        return done

    return asyncio.run(every())


def _warm_served(app: FastAPI) -> None:
    _warm(app.state.pages)
    prerender(app, area_addresses(app.state.data))


def create_app(ws: Workspace, *, warm: bool = False, replay: bool | None = None) -> FastAPI:
    """The dashboard app of ``ws``; its warehouse must already be loaded.

    ``warm``: a served app. The report content, the home page and every area's page are built
    in the background at once, so the first visitors do not wait for them. ``replay`` (default:
    ``warm``): answers already given are replayed before routing (:mod:`scrutiny.web.replay`).
    """
    data = WorkspaceData(ws)
    content = ReportContent(data, ws.quarter, ws.config.settings.suppress_below)
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
    def vega_js(request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if accepts_gzip(request):
            return Response(
                gzipped_vega_runtime(),
                media_type="text/javascript; charset=utf-8",
                headers=headers | {"Content-Encoding": "gzip"},
            )
        return Response(
            vega_runtime(), media_type="text/javascript; charset=utf-8", headers=headers
        )

    docs_page: list[bytes] = []

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        if not docs_page:
            docs_page.append(site_pages.api_docs(Links(), app.openapi()).encode("utf-8"))
        return Response(docs_page[0], media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router(data, content))
    app.include_router(pages.router(site_pages))
    security.install(app, lambda status, message: site_pages.error(Links(), status, message))
    # Compresses what is not compressed already (pages and vega.js come gzipped from caches).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    if warm if replay is None else replay:
        app.state.replay = Answers()
        # An answer already given, replayed before routing.
        app.add_middleware(ReplayCache, answers=app.state.replay)
    app.add_middleware(limits.RequestLimits)  # outermost: oversized requests, HEAD
    if warm:
        threading.Thread(target=_warm_served, args=(app,), daemon=True).start()
    return app
