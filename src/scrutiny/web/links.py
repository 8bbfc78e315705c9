"""Where every page and download lives: on the server (paths with query strings) or in the
static site (files, linked relatively so the site works from any folder or host).

Templates only ever call a :class:`Links` method, so the same template renders both.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import urlencode

from scrutiny.content.format import slug


def _query(path: str, **params: str | None) -> str:
    given = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(given)}" if given else path


class Links:
    """Links of the live server: absolute paths with query strings."""

    static = False
    has_api = True

    def to(self, path: str) -> str:
        return path

    def asset(self, name: str) -> str:
        return self.to(f"/static/{name}")

    def has_crime_page(self, category: str) -> bool:
        """Whether ``category`` has explorer pages to link to (every category, live)."""
        return True

    def home(self) -> str:
        return self.to("/")

    def sorted(self, url: str, key: str, order: str) -> str | None:
        """``url`` (a page of this server) sorted by the column ``key`` on the server, so
        tables sort without JavaScript; None in the static site (no server to sort)."""
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}{urlencode({'sort': key, 'order': order})}"

    def priority(self, priority_id: str) -> str:
        return self.to(f"/priorities/{priority_id}")

    def page(self, name: str) -> str:
        """A page with no parameters: registers, finance, sources, data."""
        return self.to(f"/{name}")

    def route(self, path: str, **params: str | None) -> str:
        """The page or download at ``path`` of the server with ``params`` (a query string)."""
        return _query(path, **params)

    def crime(
        self,
        category: str,
        level: str,
        area: str,
        quarter: str | None = None,
        comparator: str | None = None,
    ) -> str:
        return self.route(
            "/crime",
            category=slug(category),
            level=level,
            area=area,
            quarter=quarter,
            comparator=comparator,
        )

    def compare(
        self,
        category: str,
        level: str,
        quarter: str | None = None,
        comparator: str | None = None,
        measure: str | None = None,
        within: str | None = None,
    ) -> str:
        return self.route(
            "/compare",
            category=slug(category),
            level=level,
            within=within,
            quarter=quarter,
            comparator=comparator,
            measure=measure,
        )

    def area(self, level: str, area: str, quarter: str | None = None) -> str:
        return self.route("/area", level=level, area=area, quarter=quarter)

    def map(
        self,
        category: str,
        level: str = "borough",
        quarter: str | None = None,
        measure: str | None = None,
        comparator: str | None = None,
        within: str | None = None,
    ) -> str:
        return self.route(
            "/map",
            category=slug(category),
            level=level,
            within=within,
            quarter=quarter,
            measure=measure,
            comparator=comparator,
        )

    def points(self, category: str, quarter: str | None = None) -> str:
        return self.route("/map/points", category=slug(category), quarter=quarter)

    def search(self, q: str | None = None) -> str:
        return self.route("/search", q=q)

    def measures_csv(self, category: str, level: str, quarter: str) -> str:
        return self.route(
            "/api/crime/measures.csv", category=slug(category), level=level, quarter=quarter
        )

    def measures_json(self, category: str, level: str, quarter: str) -> str:
        return self.route(
            "/api/crime/measures", category=slug(category), level=level, quarter=quarter
        )

    def series_csv(self, category: str, level: str, area: str, quarter: str) -> str:
        return self.route(
            "/api/crime/series.csv",
            category=slug(category),
            level=level,
            area=area,
            quarter=quarter,
        )

    def comparison_csv(
        self, category: str, level: str, quarter: str, comparator: str, measure: str
    ) -> str:
        return self.route(
            "/api/crime/comparison.csv",
            category=slug(category),
            level=level,
            quarter=quarter,
            comparator=comparator,
            measure=measure,
        )

    def table_csv(self, name: str) -> str:
        return self.to(f"/api/tables/{name}.csv")

    def table_json(self, name: str) -> str:
        return self.to(f"/api/tables/{name}")

    def sources_csv(self) -> str:
        return self.to("/api/sources.csv")

    def report_csv(self, section_id: str, index: int) -> str:
        return self.to(f"/api/report/{section_id}/{index}.csv")

    def report_json(self, section_id: str) -> str:
        return self.to(f"/api/report/{section_id}")


class StaticLinks(Links):
    """Links between the files of a static site, relative to the page being written.

    ``here`` is the file being written (``crime/borough/E09000007/robbery.html``).
    """

    static = True
    has_api = False

    def __init__(self, here: str = "index.html", crime_pages: frozenset[str] = frozenset()):
        self.here = here
        self.crime_pages = crime_pages  # the categories the site writes explorer pages for

    def has_crime_page(self, category: str) -> bool:
        return category in self.crime_pages

    def sorted(self, url: str, key: str, order: str) -> str | None:
        return None  # files cannot sort themselves; app.js sorts in the browser

    def to(self, path: str) -> str:
        """A site path as a file relative to this page (``/crime`` → ``crime/index.html``)."""
        target = path.strip("/")
        if not target:
            target = "index.html"
        elif not posixpath.splitext(target)[1]:
            target += "/index.html"
        return posixpath.relpath(target, posixpath.dirname(self.here) or ".")

    def priority(self, priority_id: str) -> str:
        return self.to(f"priorities/{priority_id}.html")

    def page(self, name: str) -> str:
        return self.to(f"{name}.html")

    def route(self, path: str, **params: str | None) -> str:
        """The file the site writes for the page or download at ``path`` (one file per page,
        whatever its quarter or comparator: the site shows the latest quarter)."""
        return self.to(_STATIC_FILES[path]({k: v or "" for k, v in params.items()}))

    def table_csv(self, name: str) -> str:
        return self.to(f"data/tables/{name}.csv")

    def table_json(self, name: str) -> str:
        return self.to(f"data/tables/{name}.json")

    def sources_csv(self) -> str:
        return self.to("data/sources.csv")

    def report_csv(self, section_id: str, index: int) -> str:
        return self.to(f"data/report/{section_id}-{index}.csv")

    def report_json(self, section_id: str) -> str:
        return self.to(f"data/report/{section_id}.json")


def crime_file(category: str, level: str, area: str) -> str:
    return f"crime/{level}/{area}/{slug(category)}.html"


def compare_file(category: str, level: str, measure: str) -> str:
    return f"compare/{level}/{slug(category)}-{measure}.html"


def points_file(category: str) -> str:
    return f"map/points/{slug(category)}.html"


def area_file(level: str, area: str) -> str:
    return f"area/{level}/{area}.html"


def map_file(category: str, level: str, measure: str) -> str:
    return f"map/{level}/{slug(category)}-{measure}.html"


#: The file of each server page or download the site writes, from the route's parameters.
_STATIC_FILES: dict[str, Callable[[dict[str, str]], str]] = {
    "/crime": lambda p: crime_file(p["category"], p["level"], p["area"]),
    "/compare": lambda p: compare_file(p["category"], p["level"], p["measure"] or "rate"),
    "/area": lambda p: area_file(p["level"], p["area"]),
    "/map": lambda p: map_file(p["category"], p["level"], p["measure"] or "rate"),
    "/map/points": lambda p: points_file(p["category"]),
    "/search": lambda p: "search.html",
    "/api/crime/measures.csv": lambda p: f"data/crime/{p['level']}/{p['category']}.csv",
    "/api/crime/measures": lambda p: f"data/crime/{p['level']}/{p['category']}.json",
    "/api/crime/series.csv": lambda p: f"data/series/{p['level']}/{p['area']}/{p['category']}.csv",
    "/api/crime/comparison.csv": lambda p: (
        f"data/compare/{p['level']}/{p['category']}-{p['measure']}.csv"
    ),
}
