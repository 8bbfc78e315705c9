"""The public dashboard and open data: a read-only FastAPI app, its JSON/CSV API and a static site.

``create_app(ws)`` (in :mod:`scrutiny.web.app`) serves the pages and the API over the workspace's
warehouse, opened read-only once; :func:`scrutiny.web.site.build_site` writes the same pages to
files for any static host.
"""
