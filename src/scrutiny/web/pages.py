"""Server-rendered pages (Jinja2): the same render functions serve the app and the static site.

Each ``render_*`` method takes a :class:`~scrutiny.web.links.Links` and returns HTML; the routes
at the bottom call them with the server's links and cache the result per URL (the data do not
change while serving), the static site calls them with relative file links.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from scrutiny import __version__
from scrutiny.analysis.data import LruCache, NotFound, WorkspaceData
from scrutiny.config.geography import GEO_LEVELS, Area, name_key
from scrutiny.config.periods import QUARTER_COMPARATORS, Comparator, Quarter
from scrutiny.content.format import cell_text, pct_text, rate_text, slug
from scrutiny.content.model import RATING_WORDS, Chart, Column, Section
from scrutiny.judge.icons import VARIATION_TEXT, variation_icon_svg
from scrutiny.judge.spc import VariationIcon
from scrutiny.measures.categories import Selection
from scrutiny.web import charts, views
from scrutiny.web.content import ReportContent
from scrutiny.web.links import Links
from scrutiny.web.postcodes import normalise, places_of, postcodes
from scrutiny.web.sorting import Sort, SortColumn, headers, resolve_sort, sort_rows

TEMPLATES = Path(__file__).parent / "templates"
#: Levels the static site writes comparisons for (wards stay on the live server).
STATIC_COMPARE_LEVELS = ("bcu", "borough")

#: Pages built from report sections: page → (title, nav key, section ids or id suffixes).
REPORT_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "registers": ("Registers: services, milestones, risks and issues", ("-services", "-activity")),
    "finance": ("Finance", ("finances",)),
    "outcomes": ("Crime outcomes", ("crime-outcomes",)),
    "sources": ("Sources and methods", ("annex",)),
}


def nav(links: Links) -> list[tuple[str, str, str]]:
    return [
        ("home", "Home", links.home()),
        ("search", "Find an area", links.search()),
        ("crime", "Crime explorer", links.to("/crime")),
        ("plan", "Plan at a glance", links.page("plan")),
        ("map", "Map", links.to("/map")),
        ("compare", "Compare areas", links.to("/compare")),
        ("outcomes", "Crime outcomes", links.page("outcomes")),
        ("registers", "Registers", links.page("registers")),
        ("finance", "Finance", links.page("finance")),
        ("data", "Open data", links.page("data")),
        ("sources", "Sources and methods", links.page("sources")),
    ]


@dataclass(frozen=True)
class Site:
    name: str
    force: str
    quarter_label: str
    version: str
    source_count: int
    data_to: str = ""
    updated: str = ""

    @property
    def freshness(self) -> str:
        """ "Data to December 2025, updated 1 December 2026" for every page's header."""
        parts = [f"Data to {self.data_to}"] if self.data_to else []
        if self.updated:
            parts.append(f"updated {self.updated}")
        return ", ".join(parts)


@dataclass(frozen=True)
class CrimeParams:
    category: Selection
    level: str
    area: Area
    quarter: Quarter
    comparator: Comparator
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompareParams:
    category: Selection
    level: str
    quarter: Quarter
    comparator: Comparator
    measure: str
    notices: tuple[str, ...] = field(default=())
    #: Wards compared within one borough (None: every area of the level).
    within: Area | None = None
    sort: Sort | None = None


def _default_area(data: WorkspaceData, level: str) -> Area:
    areas = data.areas[level]
    if not areas:
        raise NotFound(f"the data hold no {level} areas")
    return next(iter(areas.values()))


def _related_area(data: WorkspaceData, area: Area, level: str) -> Area:
    """The area of ``level`` nearest to ``area`` in the hierarchy (a form sent after changing
    the geography keeps the place: a borough → its BCU, or its first ward)."""
    order = list(views.LEVEL_NAMES)
    current: Area | None = area
    while current is not None and order.index(current.level) > order.index(level):
        current = data.parent(current)
    while current is not None and order.index(current.level) < order.index(level):
        below = data.children(current)
        current = below[0] if below else None
    if current is None or current.level != level:
        return _default_area(data, level)
    return current


def _page_quarter(data: WorkspaceData, level: str, text: str | None, notices: list[str]) -> Quarter:
    """The quarter asked for; a real quarter the level does not cover falls back, with a note."""
    try:
        return data.quarter(level, text)
    except NotFound as exc:
        if not text or _not_a_quarter(text):
            raise
        fallback = data.quarter(level, None)
        notices.append(f"{exc.message}; showing {fallback.label} instead.")
        return fallback


def _not_a_quarter(text: str) -> bool:
    try:
        Quarter.parse(text)
    except ValueError:
        return True
    return False


def resolve_crime(
    data: WorkspaceData,
    category: str | None,
    level: str | None,
    area: str | None,
    quarter: str | None,
    comparator: str | None,
) -> CrimeParams:
    """The explorer's selection. Unknown names are a 404; an area of another level (a form sent
    after changing the level) or a quarter the level does not cover fall back, with a note."""
    notices: list[str] = []
    sel = data.category(category) if category else data.headline[0]
    lvl = data.level(level or "force")
    if area:
        try:
            chosen = data.area(lvl, area)
        except NotFound:
            other = data.find_area(area.strip())
            if other is None:
                raise
            chosen = _related_area(data, other, lvl)
    else:
        chosen = _default_area(data, lvl)
    q = _page_quarter(data, lvl, quarter, notices)
    return CrimeParams(sel, lvl, chosen, q, data.comparator(comparator), tuple(notices))


def resolve_compare(
    data: WorkspaceData,
    category: str | None,
    level: str | None,
    quarter: str | None,
    comparator: str | None,
    measure: str | None,
    within: str | None = None,
    sort: str | None = None,
    order: str | None = None,
) -> CompareParams:
    sel = data.category(category) if category else data.headline[0]
    lvl = data.level(level or "borough")
    if lvl not in views.COMPARISON_LEVELS:
        raise NotFound(f"areas can be compared by {' or '.join(views.COMPARISON_LEVELS)}")
    parent = data.area("borough", within) if within and lvl == "ward" else None
    ordered = resolve_sort(sort, order, compare_columns(""))
    return _ranked_params(data, sel, lvl, quarter, comparator, measure, parent, ordered)


def _ranked_params(
    data: WorkspaceData,
    sel: Selection,
    lvl: str,
    quarter: str | None,
    comparator: str | None,
    measure: str | None,
    within: Area | None = None,
    sort: Sort | None = None,
) -> CompareParams:
    """The parameters every area of a level is ranked or coloured by (compare and map)."""
    notices: list[str] = []
    m = measure or "rate"
    if m not in views.MEASURES:
        raise NotFound(f"unknown measure {m[:40]!r}; expected one of {', '.join(views.MEASURES)}")
    q = _page_quarter(data, lvl, quarter, notices)
    if not measure and not views.has_rates(data, sel, lvl, q):
        m = "count"  # no population at this level (wards): rank by offences
    return CompareParams(sel, lvl, q, data.comparator(comparator), m, tuple(notices), within, sort)


def compare_columns(comparator_name: str) -> list[SortColumn]:
    return [
        SortColumn("rank", "Rank", True, "asc"),
        SortColumn("area", "Area"),
        SortColumn("count", "Offences in quarter", True),
        SortColumn("r12", "12 months", True),
        SortColumn("rate", "Per 1,000 residents", True),
        SortColumn("change", f"% change on {comparator_name.lower()}", True),
        SortColumn("significant", "Real change?", first_order="desc"),
        SortColumn("spc", "SPC reading"),
    ]


def compare_value(r: views.RankedArea, key: str) -> Any:
    return {
        "rank": r.rank,
        "area": r.area.name,
        "count": r.quarter_count.value,
        "r12": r.r12_count.value,
        "rate": r.rate,
        "change": r.change,
        "significant": r.significant,
        "spc": r.icon_text,
    }[key]


@dataclass(frozen=True)
class AreaParams:
    level: str
    area: Area
    quarter: Quarter
    notices: tuple[str, ...] = ()
    sort: Sort | None = None


AREA_COLUMNS = [
    SortColumn("category", "Category"),
    SortColumn("count", "Offences", True),
    SortColumn("change", "Change", True),
    SortColumn("rate", "Per 1,000 residents (12 months)", True),
    SortColumn("significant", "Real change?", first_order="desc"),
    SortColumn("outcomes", "Positive outcomes (12 months)", True),
]


def area_value(a: views.Answer, key: str) -> Any:
    if key == "category":
        return a.category.name
    if not a.published:
        return None
    return {
        "count": a.count.value if a.count else None,
        "change": a.change,
        "rate": a.rate,
        "significant": a.significant,
        "outcomes": a.outcome_rate,
    }[key]


def resolve_area(
    data: WorkspaceData,
    level: str | None,
    area: str | None,
    quarter: str | None,
    sort: str | None = None,
    order: str | None = None,
) -> AreaParams:
    notices: list[str] = []
    lvl = data.level(level or "force")
    chosen = data.area(lvl, area) if area else _default_area(data, lvl)
    q = _page_quarter(data, lvl, quarter, notices)
    return AreaParams(lvl, chosen, q, tuple(notices), resolve_sort(sort, order, AREA_COLUMNS))


MAP_COLUMNS = [SortColumn("area", "Area"), SortColumn("value", "Value", True)]


def map_value(a: views.MapArea, key: str) -> Any:
    return a.label if key == "area" else a.value


def resolve_map(
    data: WorkspaceData,
    category: str | None,
    level: str | None,
    quarter: str | None,
    comparator: str | None,
    measure: str | None,
    sort: str | None = None,
    order: str | None = None,
    within: str | None = None,
) -> CompareParams:
    sel = data.category(category) if category else data.headline[0]
    lvl = data.level(level or "borough")
    if lvl not in views.MAP_LEVELS or not data.areas[lvl]:
        raise NotFound(f"the map shows {' or '.join(views.MAP_LEVELS)}")
    parent = data.area("borough", within) if within and lvl == "ward" else None
    ordered = resolve_sort(sort, order, MAP_COLUMNS)
    return _ranked_params(data, sel, lvl, quarter, comparator, measure, parent, ordered)


@dataclass(frozen=True)
class PointsParams:
    category: Selection
    quarter: Quarter
    notices: tuple[str, ...] = ()


def resolve_points(data: WorkspaceData, category: str | None, quarter: str | None) -> PointsParams:
    """The point-density map's selection: only where street-level records are loaded."""
    if not data.has_street_records():
        raise NotFound("no street-level records with coordinates are loaded in this workspace")
    notices: list[str] = []
    sel = data.category(category) if category else data.headline[0]
    q = _page_quarter(data, "force", quarter, notices)
    return PointsParams(sel, q, tuple(notices))


@dataclass(frozen=True)
class Found:
    area: Area
    label: str
    level_name: str
    within: str
    postcode: str = ""  # the postcode (or outward code) the area was found by


def search_areas(data: WorkspaceData, text: str, limit: int = 50) -> list[Found]:
    """Areas whose name contains the words typed (any level; wards with their borough), and,
    where the workspace supplies a postcode lookup, the ward and borough of a postcode."""
    found = _by_postcode(data, text)
    key = name_key(text)
    if not key:
        return found
    named = []
    for level in ("force", "bcu", "borough", "ward"):
        for a in data.areas[level].values():
            name = name_key(a.name)
            if key in name or name in {key}:
                parent = data.parent(a)
                within = parent.name if parent is not None and parent.level != "force" else ""
                named.append(Found(a, data.label(a), views.LEVEL_NAMES[level], within))
    named.sort(key=lambda f: (not name_key(f.area.name).startswith(key), f.area.name, f.label))
    return (found + [f for f in named if f not in found])[:limit]


def _by_postcode(data: WorkspaceData, text: str) -> list[Found]:
    code = normalise(text)
    if code is None:
        return []
    found: list[Found] = []
    for place in places_of(postcodes(data), code):
        for level, area_code in (("ward", place.ward), ("borough", place.borough)):
            area = data.areas[level].get(area_code or "")
            if area is None:
                continue
            parent = data.parent(area)
            within = parent.name if parent is not None and parent.level != "force" else ""
            f = Found(area, data.label(area), views.LEVEL_NAMES[level], within, code)
            if f not in found:
                found.append(f)
    found.sort(key=lambda f: (f.area.level != "ward", f.label))
    return found


def category_options(data: WorkspaceData) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = {
        "Totals and groups": ("total", "group"),
        "Major categories": ("major",),
        "Minor categories": ("minor",),
    }
    return [
        (name, [(slug, s.name) for slug, s in data.categories.items() if s.kind in kinds])
        for name, kinds in groups.items()
    ]


# --- cells of report tables -----------------------------------------------------------------


#: Report wording replaced on public pages by words a resident understands.
PLAIN_WORDS = {
    "Not in the workspace's data, so not shown:": "Not published here yet:",
    "Not in the workspace's data": "Not published yet",
}


def plain_words(text: Any) -> str:
    found = str(text)
    for jargon, plain in PLAIN_WORDS.items():
        found = found.replace(jargon, plain)
    return found


def audit_note(note: Any) -> bool:
    """A note written for the report's auditors (arithmetic checks), left off public pages."""
    return str(getattr(note, "text", "")).startswith("Check:")


def rag_label(letter: str) -> str:
    return f"{letter} ({RATING_WORDS.get(letter, letter)})"


def cell_html(value: Any, column: Column) -> Markup:
    """One cell of a report table: numbers by their column, ratings with their word, icons."""
    if value is None or value == "":
        return Markup("–")
    if column.kind == "rating":
        letter = str(value)
        return Markup('<span class="rag rag-{0}">{1}</span>').format(letter, rag_label(letter))
    if column.kind == "variation":
        try:
            icon = VariationIcon(str(value))
        except ValueError:
            return escape(str(value))
        svg = Markup(variation_icon_svg(icon, size=24))
        return Markup('<span class="spc-cell">{0} <span>{1}</span></span>').format(
            svg, VARIATION_TEXT[icon]
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return escape(_number(float(value), column))
    return escape(plain_words(cell_text(value)))


def _number(x: float, column: Column) -> str:
    decimals = column.decimals if column.decimals is not None else (0 if x.is_integer() else 1)
    text = f"{abs(x):,.{decimals}f}"
    sign = "−" if x < 0 and float(text.replace(",", "")) != 0 else ""
    if column.signed and x > 0 and float(text.replace(",", "")) != 0:
        sign = "+"
    if column.unit == "£m":
        return f"{sign}£{text}m"
    unit = {"%": "%", "pp": " pp"}.get(column.unit, "")
    return f"{sign}{text}{unit}"


def chart_hidden(chart: Chart) -> bool:
    """True when suppression hid a figure of the chart's data (so the chart must not show)."""
    return any(isinstance(c, str) and c.startswith("<") for row in chart.data.rows for c in row)


def frozen_notice(quarter: Quarter) -> str:
    """What a page of a frozen quarter says. The dashboard reads the newest publications for
    every quarter: one server answers for all quarters from one warehouse connection, and a
    freeze holds for one quarter's report only (its as-of views would shadow the tables for
    every other quarter too), so a frozen quarter's figures here may differ from its report."""
    return (
        f"The report for {quarter.label} kept the figures published when it was produced. "
        "This page shows the latest published figures, so some may differ from that report "
        "where figures have been revised since."
    )


class Pages:
    """Renders every page from the warehouse (crime) and the report content (the plan)."""

    def __init__(self, data: WorkspaceData, content: ReportContent):
        self.data = data
        self.content = content
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        sources = data.sources()
        data_to, updated = data.data_to(), data.loaded_on()
        self.site = Site(
            name=f"{data.ws.config.force}: performance against the Police and Crime Plan",
            force=data.ws.config.force,
            quarter_label=data.default_quarter.label,
            version=__version__,
            source_count=len(sources),
            data_to=f"{data_to:%B %Y}" if data_to else "",
            updated=f"{updated.day} {updated:%B %Y}" if updated else "",
        )
        self.env.filters["plain"] = plain_words
        self.env.globals.update(
            # Levels with an area page (the static site leaves out wards: see site.py).
            area_levels=GEO_LEVELS,
            audit_note=audit_note,
            nav=nav,
            rag_label=rag_label,
            rate_text=rate_text,
            pct_text=pct_text,
            level_names=views.LEVEL_NAMES,
            comparison_levels=views.COMPARISON_LEVELS,
            cell_html=cell_html,
            chart_svg=self._report_chart_svg,
            chart_hidden=chart_hidden,
            spec_json=charts.spec_json,
            site=self.site,
            site_archive=False,  # the static site's archive of every quarter (site.py)
        )

    def render(self, template: str, links: Links, **context: Any) -> str:
        context.setdefault("notices", ())
        context.setdefault("charts", False)
        context.setdefault("page_quarter", None)
        quarter = context["page_quarter"]
        if quarter is not None and self.data.ws.frozen_path(quarter).is_file():
            context["notices"] = (*context["notices"], frozen_notice(quarter))
        return self.env.get_template(template).render(links=links, **context)

    @staticmethod
    def _report_chart_svg(chart: Chart) -> Markup:
        from scrutiny.report.charts import svg

        return Markup(svg(chart))

    # --- crime ----------------------------------------------------------------------------

    def crime(self, links: Links, p: CrimeParams) -> str:
        ex = views.explorer(self.data, p.category, p.level, p.area, p.quarter, p.comparator)
        month_rows = [
            [
                m.label,
                m.count.text,
                _fixed(m.mean),
                _fixed(None if m.lower is None else max(m.lower, 0.0)),
                _fixed(m.upper),
                m.status or "–",
            ]
            for m in ex.months
        ]
        comparison_rows = [
            [
                f"{c.name} ({c.label})" if c.comparator in QUARTER_COMPARATORS else c.name,
                c.window,
                c.now.text,
                c.then.text,
                c.change_text,
                c.interval_text,
                c.significant,
                "selected" if c.comparator == p.comparator else "",
            ]
            for c in ex.comparisons
        ]
        return self.render(
            "crime.html",
            links,
            title=ex.title,
            section="crime",
            notices=p.notices,
            page_quarter=p.quarter,
            quarter_links=quarter_links(self.data.quarters[p.level], p.quarter),
            charts=True,
            ex=ex,
            chart_spec=charts.spec_json(ex.chart_spec),
            band_comparator=any(m.in_comparator for m in ex.months),
            month_rows=month_rows,
            comparison_rows=comparison_rows,
            category_options=category_options(self.data),
            levels=[(k, v) for k, v in views.LEVEL_NAMES.items() if self.data.quarters[k]],
            areas=[(a, self.data.label(a)) for a in self.data.areas[p.level].values()],
            quarters=self.data.quarters[p.level],
            comparators=[(c.value, n) for c, n in views.COMPARATOR_NAMES.items()],
            static_categories=self.static_categories(p.category),
            static_levels=self.static_levels(),
        )

    def compare(self, links: Links, p: CompareParams) -> str:
        cmp = views.comparison(
            self.data, p.category, p.level, p.quarter, p.comparator, p.measure, p.within
        )
        measure_name = views.measure_title(p.measure, p.comparator)
        chart_rows = [
            [r.rank or "–", r.area.name, r.value_text, r.quarter_count.text, r.status]
            for r in cmp.rows
        ]
        within = p.within.code if p.within else None
        url = links.compare(
            p.category.name, p.level, str(p.quarter), p.comparator.value, p.measure, within
        )
        comparator_name = views.COMPARATOR_NAMES[p.comparator]
        return self.render(
            "compare.html",
            links,
            title=cmp.title,
            section="compare",
            notices=p.notices,
            page_quarter=p.quarter,
            quarter_links=quarter_links(self.data.quarters[p.level], p.quarter),
            charts=True,
            cmp=cmp,
            rows=sort_rows(cmp.rows, p.sort, compare_value),
            heads=headers(links, url, compare_columns(comparator_name), p.sort),
            measure_name=measure_name,
            comparator_name=comparator_name,
            chart_spec=charts.spec_json(cmp.chart_spec),
            chart_rows=chart_rows,
            category_options=category_options(self.data),
            levels=[lv for lv in views.COMPARISON_LEVELS if self.data.quarters[lv]],
            boroughs=list(self.data.areas["borough"].values()),
            within=within,
            quarters=self.data.quarters[p.level],
            measures=list(views.MEASURES.items()),
            comparators=[(c.value, n) for c, n in views.COMPARATOR_NAMES.items()],
            static_categories=self.static_categories(p.category),
            area_label=self.data.label,
            static_compare_levels=[
                lv for lv in STATIC_COMPARE_LEVELS if p.quarter in self.data.quarters[lv]
            ],
        )

    def area(self, links: Links, p: AreaParams) -> str:
        """An area's page: plain answers for the headline categories, every major category,
        and links up, down and across the hierarchy."""
        data = self.data
        parent = data.parent(p.area)
        children = data.children(p.area)
        child_level = children[0].level if children else None
        return self.render(
            "area.html",
            links,
            title=f"Crime in {data.label(p.area)}, {p.quarter.label}",
            section="search",
            notices=p.notices,
            page_quarter=p.quarter,
            p=p,
            label=data.label(p.area),
            answers=views.answers(data, p.level, p.area, p.quarter),
            majors=sort_rows(
                views.major_answers(data, p.level, p.area, p.quarter), p.sort, area_value
            ),
            heads=headers(
                links, links.area(p.level, p.area.code, str(p.quarter)), AREA_COLUMNS, p.sort
            ),
            surveys=views.survey_results(data, p.area),
            has_surveys=views.has_surveys(data),
            force_code=data.force.code,
            stop_search=views.stop_search(data, p.area, p.quarter),
            parent=parent,
            children=children,
            child_quarter=(
                str(p.quarter) if child_level and p.quarter in data.quarters[child_level] else None
            ),
            neighbours=views.neighbours(data, p.area),
            quarter_links=quarter_links(data.quarters[p.level], p.quarter),
            map_level=p.level if p.level in views.MAP_LEVELS else None,
            ward_note=views.ward_fit_note(data) if p.level == "ward" else "",
            headline=data.headline[0],
        )

    def map_page(self, links: Links, p: CompareParams) -> str:
        view = views.map_view(
            self.data, p.category, p.level, p.quarter, p.comparator, p.measure, p.within
        )
        within = p.within.code if p.within else None
        return self.render(
            "map.html",
            links,
            title=view.title,
            section="map",
            notices=p.notices,
            page_quarter=p.quarter,
            view=view,
            p=p,
            table_rows=sort_rows(view.areas, p.sort, map_value),
            heads=headers(
                links,
                links.map(
                    p.category.name,
                    p.level,
                    str(p.quarter),
                    p.measure,
                    p.comparator.value,
                    within,
                ),
                [MAP_COLUMNS[0], SortColumn("value", view.measure_name, True)],
                p.sort,
            ),
            category_options=category_options(self.data),
            levels=[lv for lv in views.MAP_LEVELS if self.data.areas[lv]],
            boroughs=list(self.data.areas["borough"].values()),
            within=within,
            quarters=self.data.quarters[p.level],
            measures=list(views.MEASURES.items()),
            comparators=[(c.value, n) for c, n in views.COMPARATOR_NAMES.items()],
            quarter_links=quarter_links(self.data.quarters[p.level], p.quarter),
            static_categories=self.static_categories(p.category),
            has_points=self.data.has_street_records(),
            ward_note=views.ward_fit_note(self.data) if p.level == "ward" else "",
        )

    def points(self, links: Links, p: PointsParams) -> str:
        view = views.density_view(self.data, p.category, p.quarter)
        return self.render(
            "points.html",
            links,
            title=view.title if view else f"{p.category.name}: where offences were recorded",
            section="map",
            notices=p.notices,
            page_quarter=p.quarter,
            view=view,
            p=p,
            category_options=category_options(self.data),
            quarters=self.data.quarters["force"],
            quarter_links=quarter_links(self.data.quarters["force"], p.quarter),
        )

    def search(self, links: Links, q: str | None) -> str:
        text = (q or "").strip()
        results = search_areas(self.data, text) if text else []
        # The static site has no server to search: it lists wards too, and app.js filters.
        shown = ("force", "bcu", "borough", "ward") if links.static else ("force", "bcu", "borough")
        groups = [
            (
                views.LEVEL_NAMES[level],
                [(a, self.data.label(a)) for a in self.data.areas[level].values()],
            )
            for level in shown
            if self.data.areas[level]
        ]
        return self.render(
            "search.html",
            links,
            title=f"Find an area: {text}" if text else "Find an area",
            section="search",
            has_postcodes=bool(postcodes(self.data)) and not links.static,
            q=text,
            results=results,
            groups=groups,
            # A place on the map whose figures are not here is named, not "no such area".
            outside=[
                n for n in views.outside_places(self.data) if text and name_key(text) in name_key(n)
            ],
        )

    def static_categories(self, current: Selection) -> list[Selection]:
        """Categories the static site has pages for (the headline ones, and the current)."""
        found = list(self.data.headline)
        return found if current in found else [*found, current]

    def static_levels(self) -> list[tuple[str, str]]:
        levels = []
        for level in ("force", "bcu", "borough"):
            if self.data.areas[level] and self.data.default_quarter in self.data.quarters[level]:
                levels.append((level, _default_area(self.data, level).code))
        return levels

    # --- pages from the report content ----------------------------------------------------

    def home(self, links: Links) -> str:
        """Latest crime first: search, map, the headline figures; the plan has its own page
        (building the report's content takes seconds, the crime figures do not)."""
        q = self.data.default_quarter
        return self.render(
            "home.html",
            links,
            title="Crime and policing",
            section="home",
            headlines=views.headlines(self.data, q) if q in self.data.quarters["force"] else [],
            quarter=q,
            page_quarter=q,
            report_quarter=self.data.ws.quarter,
            force_code=self.data.force.code,
        )

    def plan(self, links: Links) -> str:
        sections = self.content.sections()
        home = [
            sections[s]
            for s in ("introduction", "plan-objectives", "summary-dashboard")
            if s in sections
        ]
        return self.render(
            "plan.html",
            links,
            title="Plan at a glance",
            section="plan",
            page_quarter=self.data.ws.quarter,
            report_quarter=self.data.ws.quarter,
            home_sections=home,
            priorities=self.content.priorities(),
            unavailable=self.content.unavailable,
            downloads=self.content.downloads,
            charts=True,
        )

    def priority(self, links: Links, priority_id: str) -> str:
        found = {s.id: s for s in self.content.priorities()}
        section = found.get(priority_id)
        if section is None:
            raise NotFound(f"no priority {priority_id[:60]!r} in the plan")
        return self.render(
            "report_page.html",
            links,
            title=section.title,
            section="plan",
            sections=[section],
            unavailable=None,
            heading=section.title,
            intro="One of the Police and Crime Plan's priorities: its outcomes, measures, "
            "themes, commissioned services and project activity this quarter.",
            downloads=self.content.downloads,
            charts=True,
        )

    def report_page(self, links: Links, page: str) -> str:
        title, keys = REPORT_PAGES[page]
        chosen: list[Section] = []
        if page == "registers":
            for p in self.content.priorities():
                chosen.extend(c for c in p.children if c.id.endswith(keys))
            chosen.extend(s for s in self.content.top() if s.id == "risks")
        else:
            chosen = [s for s in self.content.top() if s.id in keys]
        return self.render(
            "report_page.html",
            links,
            title=title,
            section=page,
            sections=chosen,
            unavailable=self.content.unavailable,
            heading=title,
            intro="",
            downloads=self.content.downloads,
            charts=True,
            sources_table=self.data.sources() if page == "sources" else None,
        )

    def data_page(self, links: Links) -> str:
        q = self.data.default_quarter
        return self.render(
            "data.html",
            links,
            title="Open data",
            section="data",
            quarter=q,
            headline=self.data.headline,
            levels=[
                lv
                for lv in ("force", "bcu", "borough", "ward")
                if q in self.data.quarters[lv] and self.data.areas[lv]
            ],
            # The API's examples name a category and an area this workspace has.
            example_category=slug(self.data.headline[0].name),
            example_area=_default_area(self.data, "borough").code,
            # Returns the workspace has loaded (a table with no row would download empty).
            tables=[t for t in self.data.tables if not self.data.return_rows(t).empty],
            report_downloads=self.content.all_downloads(),
            unavailable=self.content.unavailable,
        )

    def quarter_archive(
        self,
        links: Links,
        quarter: Quarter,
        rows: list[dict[str, Any]],
        levels: list[str],
        newer: Quarter | None = None,
        older: Quarter | None = None,
    ) -> str:
        """One quarter of the static site's archive: every category at force level (``rows``
        from :func:`scrutiny.analysis.history.history`), with files for every level."""
        return self.render(
            "quarter.html",
            links,
            title=f"Recorded crime, {quarter.label}",
            section="data",
            page_quarter=quarter,
            quarter=quarter,
            months=f"{quarter.start:%B} to {quarter.last_month:%B %Y}",
            rows=[_archive_row(r) for r in rows if r["quarter"] is not None],
            unpublished=[str(r["category"]) for r in rows if r["quarter"] is None],
            levels=levels,
            newer=newer,
            older=older,
        )

    def quarter_index(self, links: Links, quarters: list[Quarter]) -> str:
        return self.render(
            "quarters.html", links, title="Every quarter", section="data", quarters=quarters
        )

    def api_docs(self, links: Links, openapi: dict[str, Any]) -> str:
        """Interactive API documentation from the OpenAPI document: every GET route with its
        parameters as a form that sends the request (no CDN, no JavaScript needed except to
        fill path parameters)."""
        routes = []
        for path, methods in openapi.get("paths", {}).items():
            op = methods.get("get")
            if op is None:
                continue
            params = []
            for prm in op.get("parameters", []):
                schema = prm.get("schema", {})
                if "anyOf" in schema:
                    schema = next((x for x in schema["anyOf"] if x.get("type") != "null"), {})
                choices = schema.get("enum") or []
                if not choices and "$ref" in schema:
                    ref = schema["$ref"].rsplit("/", 1)[-1]
                    choices = openapi.get("components", {}).get("schemas", {}).get(ref, {})
                    choices = choices.get("enum", [])
                params.append(
                    {
                        "name": prm["name"],
                        "where": prm.get("in", "query"),
                        "required": bool(prm.get("required")),
                        "description": prm.get("description", ""),
                        "choices": choices,
                        "pattern": schema.get("pattern", ""),
                    }
                )
            routes.append(
                {
                    "path": path,
                    "id": slug(path) or "root",
                    "summary": op.get("summary", ""),
                    "description": (op.get("description") or "").split("\n\n")[0],
                    "params": params,
                    "has_path": any(p["where"] == "path" for p in params),
                }
            )
        return self.render(
            "docs.html",
            links,
            title="Open data API",
            section="data",
            api_title=openapi.get("info", {}).get("title", ""),
            api_version=openapi.get("info", {}).get("version", ""),
            routes=routes,
        )

    def error(self, links: Links, status: int, message: str) -> str:
        titles = {404: "Page not found", 422: "Not a valid request", 405: "Not allowed"}
        return self.render(
            "error.html",
            links,
            title=titles.get(status, "Something went wrong"),
            section="",
            message=message,
        )


def quarter_links(available: list[Quarter], shown: Quarter) -> list[tuple[str, Quarter]]:
    """One-click moves from the quarter shown: the previous, the next and the latest."""
    found: list[tuple[str, Quarter]] = []
    if shown in available:
        i = available.index(shown)  # newest first
        if i + 1 < len(available):
            found.append(("Previous quarter", available[i + 1]))
        if i > 0:
            found.append(("Next quarter", available[i - 1]))
        if i > 1:
            found.append(("Latest quarter", available[0]))
    return found


def _both(html: str) -> tuple[bytes, bytes]:
    body = html.encode("utf-8")
    return body, gzip.compress(body, compresslevel=6, mtime=0)


def _fixed(x: float | None) -> str:
    return "–" if x is None else f"{x:,.1f}"


# --- routes ----------------------------------------------------------------------------------


class PageQuery(BaseModel):
    """The query of the explorer, compare, area, map and points pages, declared once: each
    page reads the parameters it uses; every value is bounded (a longer one is answered 422)."""

    category: str | None = Field(None, max_length=120)
    level: str | None = Field(None, max_length=20)
    area: str | None = Field(None, max_length=120)
    quarter: str | None = Field(None, max_length=20)
    comparator: str | None = Field(None, max_length=40)
    measure: str | None = Field(None, max_length=20)
    within: str | None = Field(None, max_length=120)
    sort: str | None = Field(None, max_length=20)
    order: str | None = Field(None, max_length=4)


PageParams = Annotated[PageQuery, Query()]


def router(pages: Pages) -> APIRouter:
    """The HTML routes, each cached per URL."""
    r = APIRouter(include_in_schema=False)
    cache = LruCache(4096)
    links = Links()

    async def cached(
        request: Request, render: Callable[[], str], key: Hashable | None = None
    ) -> Response:
        """A page from the cache (kept plain and gzipped); a miss renders in the thread pool,
        off the event loop. ``key``: the page's resolved selection, where several addresses
        spell one page (default: the address)."""
        key = key or request.url.path + "?" + str(request.url.query)
        found: tuple[bytes, bytes] | None = cache.peek(key)
        if found is None:
            found = await run_in_threadpool(cache.get, key, lambda: _both(render()))
        headers = {"Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(found[1], media_type="text/html; charset=utf-8", headers=headers)
        return Response(found[0], media_type="text/html; charset=utf-8", headers=headers)

    @r.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return await cached(request, lambda: pages.home(links))

    @r.get("/plan", response_class=HTMLResponse)
    async def plan(request: Request) -> Response:
        return await cached(request, lambda: pages.plan(links))

    @r.get("/priorities/{priority_id}", response_class=HTMLResponse)
    async def priority(request: Request, priority_id: str) -> Response:
        return await cached(request, lambda: pages.priority(links, priority_id))

    @r.get("/crime", response_class=HTMLResponse)
    async def crime(request: Request, q: PageParams) -> Response:
        def render() -> str:
            p = resolve_crime(pages.data, q.category, q.level, q.area, q.quarter, q.comparator)
            return pages.crime(links, p)

        return await cached(request, render)

    @r.get("/compare", response_class=HTMLResponse)
    async def compare(request: Request, q: PageParams) -> Response:
        def render() -> str:
            p = resolve_compare(
                pages.data,
                q.category,
                q.level,
                q.quarter,
                q.comparator,
                q.measure,
                q.within,
                q.sort,
                q.order,
            )
            return pages.compare(links, p)

        return await cached(request, render)

    def report_route(page: str) -> Any:
        async def route(request: Request) -> Response:
            return await cached(request, lambda: pages.report_page(links, page))

        return route

    for page in REPORT_PAGES:
        r.add_api_route(
            f"/{page}", report_route(page), methods=["GET"], response_class=HTMLResponse
        )

    @r.get("/area", response_class=HTMLResponse)
    async def area(request: Request, q: PageParams) -> Response:
        # Resolved first: with or without its quarter spelled, one area's page is one.
        p = await run_in_threadpool(
            resolve_area, pages.data, q.level, q.area, q.quarter, q.sort, q.order
        )
        return await cached(request, lambda: pages.area(links, p), ("/area", p))

    @r.get("/map", response_class=HTMLResponse)
    async def map_page(request: Request, q: PageParams) -> Response:
        def render() -> str:
            p = resolve_map(
                pages.data,
                q.category,
                q.level,
                q.quarter,
                q.comparator,
                q.measure,
                q.sort,
                q.order,
                q.within,
            )
            return pages.map_page(links, p)

        return await cached(request, render)

    @r.get("/map/points", response_class=HTMLResponse)
    async def points(request: Request, q: PageParams) -> Response:
        def render() -> str:
            return pages.points(links, resolve_points(pages.data, q.category, q.quarter))

        return await cached(request, render)

    @r.get("/search", response_class=HTMLResponse)
    async def search(request: Request, q: str | None = Query(None, max_length=100)) -> Response:
        return await cached(request, lambda: pages.search(links, q))

    @r.get("/data", response_class=HTMLResponse)
    async def data_page(request: Request) -> Response:
        return await cached(request, lambda: pages.data_page(links))

    @r.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=308)

    return r


NOT_PUBLISHED = "not published"
_REAL = {True: "yes", False: "no", None: "not tested"}


def _archive_row(r: dict[str, Any]) -> dict[str, str]:
    """A history row as the archive page shows it: "not published" for a blank count."""

    def change(key: str) -> str:
        if r["quarter"] is None or r[key] is None:
            return NOT_PUBLISHED
        return pct_text(r[f"change_{key}"])

    return {
        "category": str(r["category"]),
        "offences": NOT_PUBLISHED if r["quarter"] is None else f"{r['quarter']:,}",
        "change_previous": change("previous_quarter"),
        "change_year": change("same_quarter_last_year"),
        "real_year": _REAL[r["significant_same_quarter_last_year"]],
        "r12": NOT_PUBLISHED if r["r12"] is None else f"{r['r12']:,}",
        "rate": rate_text(r["r12_rate_per_1000"]) if r["r12"] is not None else NOT_PUBLISHED,
        "pattern": str(r["spc_verdict"]),
    }
