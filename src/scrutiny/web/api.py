"""Open data: a read-only JSON API under ``/api/`` and the same tables as CSV.

Every parameter is checked against the workspace's known values (categories, levels, areas,
quarters, comparators, tables, report sections); an unknown one is a 404 with a one-line JSON
``detail``, a malformed one a 422. The row builders are plain functions, shared with the static
site, so a CSV on the site and the API's CSV are the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from scrutiny.analysis.crime import ALPHA
from scrutiny.analysis.data import LruCache, NotFound, WorkspaceData
from scrutiny.config.geography import GeoLevel
from scrutiny.config.periods import QUARTER_COMPARATORS, WINDOWS, Comparator, Quarter
from scrutiny.content.disclosure import Count, Suppressor
from scrutiny.content.export import numeric_table
from scrutiny.content.format import is_missing, number, slug
from scrutiny.content.model import Table, to_dict
from scrutiny.content.safe_csv import FORMULA_START, safe_cell, safe_row
from scrutiny.content.spc_chart import WITHHELD_READING
from scrutiny.judge.significance import significant_many
from scrutiny.web import views
from scrutiny.web.content import ReportContent

#: The verdict of an area with no offence in any month of the SPC window.
NO_SERIES = "not enough data"
QUARTER_PATTERN = r"^\d{4}-\d{2}Q[1-4]$"
COUNT_WINDOWS = ("quarter", *(c.value for c in QUARTER_COMPARATORS))


class CompareLevel(StrEnum):
    bcu = "bcu"
    borough = "borough"
    ward = "ward"


MeasureName = Literal["rate", "change", "count"]


class Rows(BaseModel):
    """A published table: what it is, its columns and its rows.

    Counts hidden by small-count suppression are ``null`` and named in the row's
    ``suppressed`` list.
    """

    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    suppress_below: int = 0
    notes: list[str] = Field(default_factory=list)


class Meta(BaseModel):
    force: str
    current_quarter: str
    report_quarter: str
    data_to: str | None
    suppress_below: int
    levels: list[str]
    comparators: dict[str, str]
    measures: dict[str, str]
    categories: list[dict[str, str]]
    areas: dict[str, list[dict[str, str | None]]]
    quarters: dict[str, list[str]]
    tables: list[str]
    report_sections: list[dict[str, str]]


# --- rows (shared with the static site) -------------------------------------------------------


def _round(value: Any, digits: int) -> float | None:
    x = number(value)
    return None if x is None else round(x, digits)


#: What each measures column holds, in its name (the frame's short names are for code).
PUBLIC_COLUMNS = {
    "quarter": "offences_in_quarter",
    "previous_quarter": "offences_previous_quarter",
    "same_quarter_last_year": "offences_same_quarter_last_year",
    "same_quarter_baseline": "offences_same_quarter_baseline",
    "r12": "offences_12_months",
    "previous_r12": "offences_previous_12_months",
    "baseline_r12": "offences_baseline_12_months",
    **{f"change_{c.value}": f"pct_change_{c.value}" for c in Comparator},
}


#: The figures of a measures row: the live API's measures (which add the SPC verdict) and the
#: static site's archive name them alike.
MEASURES_COLUMNS = [
    "category",
    "area_code",
    "area_name",
    *WINDOWS,
    *(f"change_{c.value}" for c in Comparator),
    "population",
    "r12_rate_per_1000",
    *(f"significant_{c.value}" for c in Comparator),
]


def borough_name(data: WorkspaceData, ward_code: str) -> str | None:
    """The name of the borough a ward lies in (the ``borough`` column of a ward's row)."""
    ward = data.areas["ward"].get(str(ward_code))
    borough = data.borough_of(ward) if ward else None
    return borough.name if borough else None


def measures_table(data: WorkspaceData, category: str, level: str, quarter: Quarter) -> Rows:
    """Volumes of every window, % changes and R12 rates of one category for every area."""
    sel = data.category(category)
    frame = data.measures(sel, level, quarter)
    hide = Suppressor(data.ws.config.settings.suppress_below)
    columns = [*MEASURES_COLUMNS, "spc_verdict"]
    verdicts = data.spc_verdicts(sel, level, quarter)
    withheld = data.withheld_series(sel, level, quarter)
    records = frame.to_dict("records")
    # Test the counts as published, every area at once: a withheld or hidden count is None,
    # never tested (significant_many is the Poisson test compare() makes, pair by pair).
    shown = [{n: hide.count(r[n]) for n in WINDOWS} for r in records]
    significant = {
        c.value: significant_many(
            [s["quarter" if c.value in COUNT_WINDOWS else "r12"].value for s in shown],
            [s[c.value].value for s in shown],
            ALPHA,
        )
        for c in Comparator
    }
    rows = []
    for i, r in enumerate(records):
        row: dict[str, Any] = {"category": sel.name, "area_code": r["area_code"]}
        row["area_name"] = r["area_name"]
        row.update(shown[i])
        for c in Comparator:
            base = row["quarter" if c.value in COUNT_WINDOWS else "r12"]
            both = base.shown and row[c.value].shown
            row[f"change_{c.value}"] = _round(r[f"change_{c.value}"], 2) if both else None
        row["population"] = None if is_missing(r["population"]) else int(r["population"])
        row["r12_rate_per_1000"] = _round(r["r12_rate_per_1000"], 3) if row["r12"].shown else None
        for c in Comparator:
            row[f"significant_{c.value}"] = significant[c.value][i]
        code = str(r["area_code"])
        row["spc_verdict"] = WITHHELD_READING if code in withheld else verdicts.get(code, NO_SERIES)
        public = {PUBLIC_COLUMNS.get(k, k): row[k] for k in columns}
        public = {"period": str(quarter), **public}
        if level == "ward":
            public["borough"] = borough_name(data, r["area_code"])
        rows.append(public)
    notes = list(frame.attrs.get("incomplete_windows", []))
    named = ["period", *(PUBLIC_COLUMNS.get(c, c) for c in columns)]
    if level == "ward":
        named.append("borough")
    return Rows(
        title=f"{sel.name} by {level}, {quarter.label}",
        columns=named,
        rows=rows,
        suppress_below=hide.threshold,
        notes=[f"not covered by the data: {', '.join(notes)}"] if notes else [],
    )


_HISTORY_DIGITS = {"r12_rate_per_1000": 3}


def _digits(key: str) -> int | None:
    return 2 if key.startswith("change_") else None


def history_table(
    data: WorkspaceData, level: str, quarter: Quarter, history_rows: Sequence[dict[str, Any]]
) -> Rows:
    """Every category for every area of ``level`` in one quarter of the static site's archive:
    the open-data measures, with the SPC verdict of each area's 36 months to the quarter's end.
    Blank where a window is not published."""
    # Each column's public name and rounding worked out once, not per cell (a million cells).
    plan = [
        (key, PUBLIC_COLUMNS.get(key, key), _HISTORY_DIGITS.get(key, _digits(key)))
        for key in (*MEASURES_COLUMNS, "spc_verdict")
    ]
    period = str(quarter)
    rows = []
    for r in history_rows:
        row: dict[str, Any] = {"period": period}
        for key, name, digits in plan:
            value = r[key]
            if getattr(value, "withheld", False):
                value = str(value)  # disclosure control's mark: ``<N`` or ``[c]``
            row[name] = value if digits is None or value is None else round(value, digits)
        if level == "ward":
            row["borough"] = borough_name(data, r["area_code"])
        rows.append(row)
    columns = ["period", *(PUBLIC_COLUMNS.get(c, c) for c in MEASURES_COLUMNS), "spc_verdict"]
    if level == "ward":
        columns.append("borough")
    return Rows(
        title=f"Recorded crime by {level}, {quarter.label}",
        columns=columns,
        rows=rows,
        notes=["blank: not published for every month of the window", *_marks(data)],
    )


def _marks(data: WorkspaceData) -> list[str]:
    """What disclosure control's marks mean, where it withholds counts."""
    below = data.ws.config.settings.suppress_below
    if not below:
        return []
    return [f"<{below}: fewer than {below}", "[c]: withheld so no small count can be worked out"]


def series_table(
    data: WorkspaceData, category: str, level: str, area: str, quarter: Quarter
) -> Rows:
    """The monthly series behind the explorer's chart, with its SPC mean, limits and reading."""
    sel = data.category(category)
    chosen = data.area(level, area)
    ex = views.explorer(data, sel, level, chosen, quarter, Comparator.SAME_QUARTER_LAST_YEAR)
    columns = ["month", "offences", "mean", "lower_limit", "upper_limit", "spc_reading"]
    rows = [
        {
            "month": m.month.strftime("%Y-%m"),
            "offences": m.count,
            "mean": _round(m.mean, 1),
            "lower_limit": _round(None if m.lower is None else max(m.lower, 0.0), 1),
            "upper_limit": _round(m.upper, 1),
            "spc_reading": m.status or None,
        }
        for m in ex.months
    ]
    return Rows(
        title=f"{sel.name} per month in {chosen.name} to {quarter.last_month:%B %Y}",
        columns=columns,
        rows=rows,
        suppress_below=data.ws.config.settings.suppress_below,
        notes=[ex.spc_summary],
    )


def comparison_table(
    data: WorkspaceData,
    category: str,
    level: str,
    quarter: Quarter,
    comparator: Comparator,
    measure: str,
) -> Rows:
    """Areas ranked on one measure, with the SPC reading of each area's monthly series."""
    sel = data.category(category)
    cmp = views.comparison(data, sel, level, quarter, comparator, measure)
    columns = [
        "rank",
        "area_code",
        "area_name",
        "value",
        "offences_in_quarter",
        "offences_12_months",
        "r12_rate_per_1000",
        f"pct_change_{comparator.value}",
        f"significant_{comparator.value}",
        "spc_reading",
    ]
    rows = [
        {
            "rank": r.rank,
            "area_code": r.area.code,
            "area_name": r.area.name,
            "value": _round(r.value, 3),
            "offences_in_quarter": r.quarter_count,
            "offences_12_months": r.r12_count,
            "r12_rate_per_1000": _round(r.rate, 3),
            f"pct_change_{comparator.value}": _round(r.change, 2),
            f"significant_{comparator.value}": r.significant,
            "spc_reading": r.status,
        }
        for r in [*cmp.rows, cmp.force]
    ]
    if level == "ward":  # ward names repeat across boroughs
        columns.insert(3, "borough")
        for r, area in zip(rows, [*cmp.rows, cmp.force], strict=True):
            borough = data.borough_of(area.area)
            r["borough"] = borough.name if borough is not None else None
    return Rows(
        title=cmp.title,
        columns=columns,
        rows=rows,
        suppress_below=data.ws.config.settings.suppress_below,
        notes=[f"value: {views.MEASURES[measure]}; the last row is the force"],
    )


def return_table(data: WorkspaceData, name: str, quarter: str | None = None) -> Rows:
    df = data.return_rows(data.table(name), quarter)
    rows = [{k: _plain(v) for k, v in r.items()} for r in df.to_dict("records")]
    return Rows(title=name, columns=[str(c) for c in df.columns], rows=rows)


def content_table(table: Table) -> Rows:
    """A report table as open data: number columns hold numbers, with a ``_note`` column for
    what the report printed instead (:mod:`scrutiny.content.export`)."""
    columns, found = numeric_table(table)
    rows = [{k: _plain(v) for k, v in r.items()} for r in found]
    return Rows(title=table.caption, columns=columns, rows=rows, notes=list(table.notes))


def sources_table(data: WorkspaceData) -> Rows:
    df = data.sources()
    df = df.assign(path=[str(p).replace("\\", "/").rsplit("/", 1)[-1] for p in df["path"]])
    rows = [{k: _plain(v) for k, v in r.items()} for r in df.to_dict("records")]
    return Rows(title="Source files", columns=[str(c) for c in df.columns], rows=rows)


def _plain(value: Any) -> Any:
    if is_missing(value):
        return None
    if getattr(value, "withheld", False):
        return str(value)  # disclosure control's mark: ``<N`` or ``[c]``
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- serialisation ---------------------------------------------------------------------------


def to_json(rows: Rows) -> bytes:
    """JSON with suppressed counts as null and named per row."""
    out = []
    for row in rows.rows:
        plain: dict[str, Any] = {}
        hidden = []
        for k, v in row.items():
            if isinstance(v, Count):
                plain[k] = v.value
                if v.suppressed:
                    hidden.append(k)
            else:
                plain[k] = v
        if rows.suppress_below:
            plain["suppressed"] = hidden
        out.append(plain)
    body = _body(rows, out)
    return json.dumps(body, ensure_ascii=False, sort_keys=False, indent=1).encode("utf-8")


def _body(rows: Rows, out: list[Any]) -> dict[str, Any]:
    """The table's fields in their order with ``out`` as its rows (the rows themselves are
    not dumped first only to be replaced: tens of thousands in the archive)."""
    head = rows.model_dump(exclude={"rows"})
    return {name: out if name == "rows" else head[name] for name in Rows.model_fields}


def to_json_table(rows: Rows) -> bytes:
    """Compact JSON with each row a list in the order of ``columns`` (the static site's archive:
    tens of thousands of rows, a sixth of the size of rows keyed by name). A withheld count is
    its mark, ``<N`` or ``[c]`` (:func:`history_table`)."""
    columns = rows.columns
    body = _body(rows, [list(map(r.get, columns)) for r in rows.rows])
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_csv(rows: Rows) -> bytes:
    """CSV with one header row; suppressed counts read ``<N``; text that a spreadsheet would
    run as a formula is neutralised (:mod:`scrutiny.content.safe_csv`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(rows.columns))
    columns = rows.columns

    # Most cells are numbers, blanks (the writer writes None as nothing) or text that cannot be
    # a formula: they skip the calls (millions of cells in the archive).
    def cells(row: dict[str, Any]) -> list[Any]:
        values: list[Any] = list(map(row.get, columns))
        return [
            v
            if (kind := type(v)) in _PLAIN or (kind is str and not v.startswith(FORMULA_START))
            else _csv_cell(v)
            for v in values
        ]

    writer.writerows(map(cells, rows.rows))
    return buffer.getvalue().encode("utf-8")


_PLAIN = frozenset({int, float, bool, type(None)})


def _csv_cell(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    return safe_cell(_csv_text(value))


def _csv_text(value: Any) -> Any:
    if isinstance(value, Count):
        return value.text if value.suppressed else ("" if value.value is None else value.value)
    if value is None:
        return ""
    return value


def meta(data: WorkspaceData, content: ReportContent) -> Meta:
    return Meta(
        force=data.ws.config.force,
        current_quarter=str(data.default_quarter),
        report_quarter=str(data.ws.quarter),
        data_to=None if (to := data.data_to()) is None else f"{to:%Y-%m}",
        suppress_below=data.ws.config.settings.suppress_below,
        levels=list(data.areas),
        comparators={c.value: views.COMPARATOR_NAMES[c] for c in Comparator},
        measures=dict(views.MEASURES),
        categories=[
            {"slug": k, "name": s.name, "kind": s.kind} for k, s in data.categories.items()
        ],
        areas={
            level: [
                {"code": a.code, "name": a.name, "parent": a.parent_code} for a in areas.values()
            ]
            for level, areas in data.areas.items()
        },
        quarters={level: [str(q) for q in qs] for level, qs in data.quarters.items()},
        tables=list(data.tables),
        report_sections=[{"id": s.id, "title": s.title} for s in content.top()],
    )


# --- routes ----------------------------------------------------------------------------------

CategoryQ = Query(..., min_length=1, max_length=120, description="Category slug or name")
QuarterQ = Query(
    None,
    pattern=QUARTER_PATTERN,
    description="e.g. 2023-24Q1 (default: the latest whole quarter of the data)",
)
AreaQ = Query(..., min_length=1, max_length=120, description="Area code or name")


def _csv_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json_response(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def router(data: WorkspaceData, content: ReportContent) -> APIRouter:
    """The ``/api/`` routes; every response is cached per URL."""
    r = APIRouter(prefix="/api", tags=["open data"])
    cache = LruCache(4096)

    async def cached(request: Request, make: Callable[[], Response]) -> Response:
        """A response from the cache; a miss is made in the thread pool, off the event loop."""
        key = request.url.path + "?" + str(request.url.query)
        found: Frozen | None = cache.peek(key)
        if found is None:
            found = await run_in_threadpool(cache.get, key, lambda: _frozen(make()))
        body, media, headers = found
        return Response(body, media_type=media, headers=headers)

    @r.get("/", summary="What the API offers")
    async def index() -> dict[str, Any]:
        return {
            "description": "Read-only open data of the dashboard; every table also as CSV.",
            "openapi": "/openapi.json",
            "routes": sorted({getattr(route, "path", "") for route in r.routes} - {"/api/"}),
        }

    @r.get("/meta", response_model=Meta, summary="Known categories, areas, quarters and tables")
    async def get_meta(request: Request) -> Response:
        return await cached(request, lambda: JSONResponse(meta(data, content).model_dump()))

    def measures(category: str, level: GeoLevel, quarter: str | None) -> Rows:
        return measures_table(data, category, level, data.quarter(level, quarter))

    @r.get("/crime/measures.csv", response_class=Response, summary="Crime measures (CSV)")
    async def measures_csv(
        request: Request,
        category: str = CategoryQ,
        level: GeoLevel = "force",
        quarter: str | None = QuarterQ,
    ) -> Response:
        def make() -> Response:
            rows = measures(category, level, quarter)
            name = f"crime-{slug(category)}-{level}.csv"
            return _csv_response(to_csv(rows), name)

        return await cached(request, make)

    @r.get("/crime/measures", response_model=Rows, summary="Crime measures for every area")
    async def measures_json(
        request: Request,
        category: str = CategoryQ,
        level: GeoLevel = "force",
        quarter: str | None = QuarterQ,
    ) -> Response:
        return await cached(
            request, lambda: _json_response(to_json(measures(category, level, quarter)))
        )

    def series(category: str, level: GeoLevel, area: str, quarter: str | None) -> Rows:
        q = data.quarter(level, quarter)
        return series_table(data, category, level, area, q)

    @r.get("/crime/series.csv", response_class=Response, summary="Monthly series with SPC (CSV)")
    async def series_csv(
        request: Request,
        category: str = CategoryQ,
        area: str = AreaQ,
        level: GeoLevel = "force",
        quarter: str | None = QuarterQ,
    ) -> Response:
        def make() -> Response:
            rows = series(category, level, area, quarter)
            name = f"series-{slug(category)}-{slug(area)}.csv"
            return _csv_response(to_csv(rows), name)

        return await cached(request, make)

    @r.get("/crime/series", response_model=Rows, summary="Monthly series with SPC limits")
    async def series_json(
        request: Request,
        category: str = CategoryQ,
        area: str = AreaQ,
        level: GeoLevel = "force",
        quarter: str | None = QuarterQ,
    ) -> Response:
        return await cached(
            request, lambda: _json_response(to_json(series(category, level, area, quarter)))
        )

    def compared(
        category: str,
        level: CompareLevel,
        quarter: str | None,
        comparator: Comparator,
        measure: MeasureName,
    ) -> Rows:
        q = data.quarter(level.value, quarter)
        return comparison_table(data, category, level.value, q, comparator, measure)

    @r.get("/crime/comparison.csv", response_class=Response, summary="Areas ranked (CSV)")
    async def comparison_csv(
        request: Request,
        category: str = CategoryQ,
        level: CompareLevel = CompareLevel.borough,
        quarter: str | None = QuarterQ,
        comparator: Comparator = Comparator.SAME_QUARTER_LAST_YEAR,
        measure: MeasureName = "rate",
    ) -> Response:
        def make() -> Response:
            rows = compared(category, level, quarter, comparator, measure)
            name = f"compare-{slug(category)}-{level.value}-{measure}.csv"
            return _csv_response(to_csv(rows), name)

        return await cached(request, make)

    @r.get("/crime/comparison", response_model=Rows, summary="Areas ranked against the force")
    async def comparison_json(
        request: Request,
        category: str = CategoryQ,
        level: CompareLevel = CompareLevel.borough,
        quarter: str | None = QuarterQ,
        comparator: Comparator = Comparator.SAME_QUARTER_LAST_YEAR,
        measure: MeasureName = "rate",
    ) -> Response:
        return await cached(
            request,
            lambda: _json_response(
                to_json(compared(category, level, quarter, comparator, measure))
            ),
        )

    @r.get("/tables", summary="Published return tables")
    async def tables() -> dict[str, list[str]]:
        return {"tables": list(data.tables)}

    TableName = Path(..., min_length=1, max_length=60, pattern=r"^[a-z0-9-]+$")
    TableQuarter = Query(None, pattern=QUARTER_PATTERN, description="One quarter's rows")

    def table_rows(name: str, quarter: str | None) -> Rows:
        if quarter is not None and quarter not in data.return_quarters(data.table(name)):
            raise NotFound(f"table {name!r} has no rows for {quarter}")
        return return_table(data, name, quarter)

    @r.get("/tables/{name}.csv", response_class=Response, summary="A return table (CSV)")
    async def table_csv(
        request: Request, name: str = TableName, quarter: str | None = TableQuarter
    ) -> Response:
        return await cached(
            request, lambda: _csv_response(to_csv(table_rows(name, quarter)), f"{name}.csv")
        )

    @r.get("/tables/{name}", response_model=Rows, summary="A return table")
    async def table_json(
        request: Request, name: str = TableName, quarter: str | None = TableQuarter
    ) -> Response:
        return await cached(request, lambda: _json_response(to_json(table_rows(name, quarter))))

    @r.get("/report", summary="Sections of the quarter's report")
    def report_index() -> dict[str, Any]:  # may build the report: in the thread pool
        return {
            "quarter": str(content.quarter),
            "available": content.unavailable is None,
            "sections": [{"id": s.id, "title": s.title} for s in content.top()],
        }

    SectionId = Path(..., min_length=1, max_length=80, pattern=r"^[a-z0-9-]+$")

    @r.get("/report/{section_id}/{index}.csv", response_class=Response, summary="A report table")
    async def report_csv(
        request: Request, section_id: str = SectionId, index: int = Path(..., ge=1, le=1000)
    ) -> Response:
        def make() -> Response:
            d = content.download(section_id, index)
            return _csv_response(to_csv(content_table(d.table)), f"{section_id}-{index}.csv")

        return await cached(request, make)

    @r.get("/report/{section_id}", summary="One section of the report as content-model JSON")
    async def report_section(request: Request, section_id: str = SectionId) -> Response:
        def make() -> Response:
            body = json.dumps(to_dict(content.section(section_id)), ensure_ascii=False)
            return _json_response(body.encode("utf-8"))

        return await cached(request, make)

    @r.get("/sources.csv", response_class=Response, summary="Source files (CSV)")
    async def sources_csv(request: Request) -> Response:
        return await cached(
            request, lambda: _csv_response(to_csv(sources_table(data)), "sources.csv")
        )

    @r.get("/sources", response_model=Rows, summary="Source files with hashes and load times")
    async def sources_json(request: Request) -> Response:
        return await cached(request, lambda: _json_response(to_json(sources_table(data))))

    return r


Frozen = tuple[bytes, str | None, dict[str, str]]


def _frozen(response: Response) -> Frozen:
    """What a cached response replays: body, media type and its download name."""
    keep = {k: v for k, v in response.headers.items() if k.lower() == "content-disposition"}
    return bytes(response.body), response.media_type, keep


__all__: Sequence[str] = ("Rows", "router", "to_csv", "to_json")
