"""The dashboard as a static site: every page pre-rendered to a file, with relative links and the
CSV/JSON files they offer, hostable on any static host (or opened from disk) with no server.

The pages are the app's own render functions called with :class:`StaticLinks`; the data files
are the API's own row builders, so a file here is byte-for-byte the API's answer. The static
site covers the workspace's current quarter: an explorer page for every headline category in
every area at force, BCU and borough level, every area comparison, the plan's priorities,
registers, finance, outcomes, sources and the open-data index. Beside it, the archive holds
every quarter the data cover (``quarters/``: every category at force level, and CSV/JSON of every
category in every area of each level, with each quarter's SPC verdict), worked out in one pass
per level by :mod:`scrutiny.analysis.history`.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from scrutiny.analysis.data import WorkspaceData
from scrutiny.analysis.disclosure import withheld_rows
from scrutiny.analysis.history import History, history
from scrutiny.config.geography import GEO_LEVELS
from scrutiny.config.periods import Comparator, Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.content.format import slug
from scrutiny.content.spc_chart import WITHHELD_READING
from scrutiny.measures.categories import Selection
from scrutiny.outputs import OutputFolder, protected_paths
from scrutiny.web import api, views
from scrutiny.web.app import STATIC, gzipped_vega_runtime, vega_runtime
from scrutiny.web.content import ReportContent
from scrutiny.web.links import (
    StaticLinks,
    area_file,
    compare_file,
    crime_file,
    map_file,
    points_file,
)
from scrutiny.web.pages import (
    REPORT_PAGES,
    STATIC_COMPARE_LEVELS,
    AreaParams,
    CompareParams,
    CrimeParams,
    Pages,
    PointsParams,
)

Progress = Callable[[str, int, int], None]
STATIC_AREA_LEVELS = ("force", "bcu", "borough")


@dataclass
class SiteReport:
    out: Path
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.out}: {len(self.pages)} pages and {len(self.files)} data files"


def build_site(
    ws: Workspace,
    out: Path | str,
    categories: Sequence[str] = (),
    progress: Progress | None = None,
    *,
    force: bool = False,
    workers: int | None = None,
) -> SiteReport:
    """Write the static site of ``ws`` into ``out``.

    ``out`` must be new, empty or an earlier site (see :mod:`scrutiny.outputs`: only files
    scrutiny wrote are ever replaced or removed; ``force`` allows a folder holding other files).
    ``categories`` limits the crime pages (default: the workspace's headline categories).

    With more than one of ``workers`` (default: the machine's CPUs), the open data and the
    archive are each written by a process of their own beside this one (:func:`_write_apart`:
    its own read-only facade, so no connection crosses processes); every file is the same
    bytes as one process writes (a test compares them).
    """
    folder = Path(out)
    data, content, pages, writer = _open(ws, folder, categories)
    helpers: list[_Helper] = []
    try:
        jobs = _jobs(data, content, pages, writer)
        planned = [job.name for job in jobs] + _asset_names()
        target = OutputFolder.prepare(
            folder, planned, force=force, prune=True, protected=protected_paths(ws)
        )
        apart = APART if (workers or os.cpu_count() or 1) > 1 else ()
        helpers = [_Helper(ws, folder, categories, section) for section in apart]
        done = 0
        for job in jobs:
            if job.section in apart:
                continue
            for helper in helpers:
                for name in helper.finished(block=False):
                    done += 1
                    if progress:
                        progress(name, done, len(jobs))
            if progress:
                progress(job.name, done, len(jobs))
            job.write()
            done += 1
        for helper in helpers:
            for name in helper.finished(block=True):
                done += 1
                if progress:
                    progress(name, done, len(jobs))
        for job in jobs:
            (writer.report.pages if job.page else writer.report.files).append(job.name)
        _assets(folder, writer.report)
        target.finish()
        return writer.report
    finally:
        for helper in helpers:
            helper.stop()
        data.close()


#: The parts of the site another process may write: the open data (every category at every
#: level) and the archive (every quarter): a third and a half of the work, needing none of the
#: pages' judgments and charts.
APART = ("open data", "archive")


def _open(
    ws: Workspace, folder: Path, categories: Sequence[str]
) -> tuple[WorkspaceData, ReportContent, Pages, _Writer]:
    """The facade, content, page renderer and writer of a site build (in each process)."""
    data = WorkspaceData(ws)
    try:
        if categories:
            data.headline = [data.category(c) for c in categories]
        content = ReportContent(data, ws.quarter, ws.config.settings.suppress_below)
        pages = Pages(data, content)
    except BaseException:
        data.close()
        raise
    pages.env.globals["site_suppress"] = ws.config.settings.suppress_below
    pages.env.globals["area_levels"] = STATIC_AREA_LEVELS
    pages.env.globals["site_archive"] = True
    writer = _Writer(folder, SiteReport(folder), frozenset(c.name for c in data.headline))
    return data, content, pages, writer


class _Helper:
    """A process writing one section of the site (spawned: a fresh interpreter, no state of
    this one), telling the name of each file it has written."""

    def __init__(self, ws: Workspace, folder: Path, categories: Sequence[str], section: str):
        context = multiprocessing.get_context("spawn")
        self.queue: Any = context.Queue()
        self.section = section
        self.process = context.Process(
            target=_write_apart,
            args=(ws, folder, list(categories), section, self.queue),
            name=f"site: {section}",
            daemon=True,
        )
        self.process.start()
        self.ended = False

    def finished(self, *, block: bool) -> list[str]:
        """The files written since the last call; with ``block``, until the section ends."""
        names = []
        while not self.ended:
            try:
                kind, value = self.queue.get(timeout=1.0) if block else self.queue.get_nowait()
            except queue.Empty:
                if not block:
                    break
                if not self.process.is_alive():
                    raise RuntimeError(
                        f"the process writing the site's {self.section} stopped "
                        f"(exit code {self.process.exitcode})"
                    ) from None
                continue
            if kind == "written":
                names.append(value)
            elif kind == "end":
                self.ended = True
            else:
                raise RuntimeError(f"writing the site's {self.section} failed") from value
        return names

    def stop(self) -> None:
        if self.process.is_alive() and not self.ended:
            self.process.terminate()
        self.process.join()
        self.queue.close()


def _write_apart(
    ws: Workspace, folder: Path, categories: list[str], section: str, out: Any
) -> None:
    """Write one section of the site (in a helper process), telling ``out`` each file."""
    try:
        data, content, pages, writer = _open(ws, folder, categories)
        try:
            for job in _jobs(data, content, pages, writer, sections=(section,)):
                job.write()
                out.put(("written", job.name))
        finally:
            data.close()
    except BaseException as exc:
        out.put(("error", _Failure(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")))
        raise
    out.put(("end", None))


class _Failure(Exception):
    """What went wrong in a helper process, with its traceback as text (any exception object
    may not survive pickling)."""


class _Writer:
    def __init__(self, folder: Path, report: SiteReport, crime_pages: frozenset[str]):
        self.folder = folder
        self.report = report
        self.crime_pages = crime_pages

    def page(self, path: str, html: str) -> None:
        self._write(path, html.encode("utf-8"))

    def file(self, path: str, body: bytes) -> None:
        self._write(path, body)

    def _write(self, path: str, body: bytes) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


@dataclass(frozen=True)
class Job:
    """One file of the site: its name, the section it belongs to and what writes it."""

    name: str
    section: str
    page: bool
    write: Callable[[], None]


SECTIONS = ("pages", "open data", "archive", "downloads")


def _jobs(
    data: WorkspaceData,
    content: ReportContent,
    pages: Pages,
    w: _Writer,
    sections: Sequence[str] = SECTIONS,
) -> list[Job]:
    """Every file of the site's ``sections`` as jobs, in a stable order."""
    jobs: list[Job] = []
    section = ""

    def page(path: str, render: Callable[[StaticLinks], str]) -> None:
        jobs.append(Job(path, section, True, partial(_write_page, w, path, render)))

    def file(path: str, make: Callable[[], bytes]) -> None:
        jobs.append(Job(path, section, False, partial(_write_file, w, path, make)))

    section = "pages"
    if section in sections:
        _page_jobs(data, content, pages, page, file)
    section = "open data"
    if section in sections:
        _open_data(data, file)
    section = "archive"
    if section in sections:
        _archive(data, pages, page, file)
    section = "downloads"
    if section in sections:
        for d in content.all_downloads():
            table = partial(api.content_table, d.table)
            file(f"data/report/{d.section_id}-{d.index}.csv", _csv(table))
        file("data/sources.csv", _csv(partial(api.sources_table, data)))
    return jobs


def _page_jobs(
    data: WorkspaceData,
    content: ReportContent,
    pages: Pages,
    page: Callable[[str, Callable[[StaticLinks], str]], None],
    file: Callable[[str, Callable[[], bytes]], None],
) -> None:
    """The pages (with the CSV files of their charts and rankings)."""
    q = data.default_quarter
    comparator = Comparator.SAME_QUARTER_LAST_YEAR

    page("index.html", pages.home)
    page("plan.html", pages.plan)
    page("404.html", partial(pages.error, status=404, message="There is no page at this address."))
    for p in content.priorities():
        page(f"priorities/{p.id}.html", partial(pages.priority, priority_id=p.id))
    for name in REPORT_PAGES:
        page(f"{name}.html", partial(pages.report_page, page=name))
    page("data.html", pages.data_page)
    page("search.html", partial(pages.search, q=None))

    # Area pages: every force, BCU and borough (all categories in each page's table). Wards
    # (hundreds, each with its own monthly series) stay on the live server: the static site
    # names them on their borough's page, in search and in the ward map's table.
    for level in STATIC_AREA_LEVELS:
        lq = data.latest_quarter(level)
        if lq not in data.quarters[level]:
            continue
        for area in data.areas[level].values():
            ap = AreaParams(level, area, lq)
            page(area_file(level, area.code), partial(pages.area, p=ap))
    # Maps: the headline categories by each measure, at each level with areas.
    first = data.headline[0]
    levels = [lv for lv in views.MAP_LEVELS if data.areas[lv] and data.quarters[lv]]
    if levels:
        lv0 = "borough" if "borough" in levels else levels[0]
        mp = CompareParams(first, lv0, data.latest_quarter(lv0), comparator, "rate")
        page("map/index.html", partial(pages.map_page, p=mp))
    for sel in data.headline:
        for level in levels:
            for measure in views.MEASURES:
                mp = CompareParams(sel, level, data.latest_quarter(level), comparator, measure)
                page(map_file(sel.name, level, measure), partial(pages.map_page, p=mp))

    # Where offences were recorded (street-level points), where the workspace loads them.
    if data.has_street_records() and q in data.quarters["force"]:
        for sel in data.headline:
            pp = PointsParams(sel, q)
            page(points_file(sel.name), partial(pages.points, p=pp))
    page(
        "crime/index.html",
        partial(pages.crime, p=CrimeParams(first, "force", data.force, q, comparator)),
    )
    for sel in data.headline:
        for level, _ in pages.static_levels():
            for area in data.areas[level].values():
                crime = CrimeParams(sel, level, area, q, comparator)
                page(crime_file(sel.name, level, area.code), partial(pages.crime, p=crime))
                series = partial(api.series_table, data, sel.name, level, area.code, q)
                file(f"data/series/{level}/{area.code}/{slug(sel.name)}.csv", _csv(series))
    default_compare = CompareParams(first, "borough", q, comparator, "rate")
    page("compare/index.html", partial(pages.compare, p=default_compare))
    for sel in data.headline:
        for level in (lv for lv in STATIC_COMPARE_LEVELS if q in data.quarters[lv]):
            for measure in views.MEASURES:
                cp = CompareParams(sel, level, q, comparator, measure)
                page(compare_file(sel.name, level, measure), partial(pages.compare, p=cp))
                ranked = partial(
                    api.comparison_table, data, sel.name, level, q, comparator, measure
                )
                file(f"data/compare/{level}/{slug(sel.name)}-{measure}.csv", _csv(ranked))


def _open_data(data: WorkspaceData, file: Callable[[str, Callable[[], bytes]], None]) -> None:
    """Every category (not only the headline ones) at every level, and the returns' tables."""
    q = data.default_quarter
    every = list(data.categories.values())
    for sel in every:
        for level in (lv for lv in data.quarters if q in data.quarters[lv]):
            rows = _Shared(partial(_measures, data, every, sel.name, level, q))
            file(f"data/crime/{level}/{slug(sel.name)}.csv", _csv(rows))
            file(f"data/crime/{level}/{slug(sel.name)}.json", _json(rows))
    for name in data.tables:
        table = _Shared(partial(api.return_table, data, name))
        file(f"data/tables/{name}.csv", _csv(table))
        file(f"data/tables/{name}.json", _json(table))


def _archive(
    data: WorkspaceData,
    pages: Pages,
    page: Callable[[str, Callable[[StaticLinks], str]], None],
    file: Callable[[str, Callable[[], bytes]], None],
) -> None:
    """Every quarter the data cover: a page of every category at force level and a CSV and
    JSON file of every category in every area of each level, from one pass over each level's
    monthly series (:mod:`scrutiny.analysis.history`), not a query per quarter.

    Where small counts are withheld, each quarter's rows read the one decision every page
    reads (:meth:`~scrutiny.analysis.data.WorkspaceData.disclosure`)."""
    quarters = data.quarters["force"]
    if not quarters:
        return
    archive = _History(data)
    page("quarters/index.html", partial(pages.quarter_index, quarters=quarters))
    for i, q in enumerate(quarters):
        newer = quarters[i - 1] if i else None
        older = quarters[i + 1] if i + 1 < len(quarters) else None
        levels = [lv for lv in GEO_LEVELS if q in data.quarters[lv]]
        render = partial(_quarter_page, pages, archive, q, levels, newer, older)
        page(f"quarters/{q}.html", render)
    # Level by level, so one level's rows are in memory at a time.
    for level in GEO_LEVELS:
        for q in data.quarters[level]:
            rows = _Shared(partial(archive.table, level, q))
            file(f"data/quarters/{q}/{level}.csv", _csv(rows))
            file(f"data/quarters/{q}/{level}.json", _json_table(rows))


class _History:
    """The archive's figures, one level at a time (a level's rows for every quarter come from
    one computation; the force's stay for the quarter pages)."""

    def __init__(self, data: WorkspaceData):
        self.data = data
        self.levels: dict[str, History] = {}

    def rows(self, level: str, q: Quarter) -> list[dict[str, Any]]:
        if level not in self.levels:
            for other in [lv for lv in self.levels if lv != "force"]:
                del self.levels[other]
            d = self.data
            self.levels[level] = history(
                d.con,
                list(d.categories.values()),
                level,
                d.quarters[level],
                d.ws.baseline,
                d.ws.config.settings.population_year,
                d.ws.change_points,
            )
        rows = self.levels[level].quarters.get(q, [])
        found = self.data.disclosure(q)
        return rows if found is None else withheld_rows(rows, found, level, WITHHELD_READING)

    def table(self, level: str, q: Quarter) -> api.Rows:
        return api.history_table(self.data, level, q, self.rows(level, q))


def _quarter_page(
    pages: Pages,
    archive: _History,
    q: Quarter,
    levels: list[str],
    newer: Quarter | None,
    older: Quarter | None,
    links: StaticLinks,
) -> str:
    return pages.quarter_archive(links, q, archive.rows("force", q), levels, newer, older)


def _measures(
    data: WorkspaceData, every: list[Selection], category: str, level: str, q: Quarter
) -> api.Rows:
    """One category's open-data table, after one batched query for every category's measures
    and series at ``level`` (a no-op once cached): not two queries per category."""
    data.prefetch(every, level, q)
    return api.measures_table(data, category, level, q)


class _Shared:
    """A table two files are written from (its CSV and its JSON), made once: the last of its
    ``uses`` takes it and lets it go, so one table at a time is held."""

    def __init__(self, make: Callable[[], api.Rows], uses: int = 2):
        self.make = make
        self.left = uses
        self.rows: api.Rows | None = None

    def __call__(self) -> api.Rows:
        rows = self.rows if self.rows is not None else self.make()
        self.left -= 1
        self.rows = rows if self.left > 0 else None
        return rows


def _write_page(w: _Writer, path: str, render: Callable[[StaticLinks], str]) -> None:
    w.page(path, render(StaticLinks(path, w.crime_pages)))


def _write_file(w: _Writer, path: str, make: Callable[[], bytes]) -> None:
    w.file(path, make())


def _csv(rows: Callable[[], api.Rows]) -> Callable[[], bytes]:
    return lambda: api.to_csv(rows())


def _json(rows: Callable[[], api.Rows]) -> Callable[[], bytes]:
    return lambda: api.to_json(rows())


def _json_table(rows: Callable[[], api.Rows]) -> Callable[[], bytes]:
    return lambda: api.to_json_table(rows())


def _asset_names() -> list[str]:
    names = [f"static/{item.name}" for item in sorted(STATIC.iterdir()) if item.is_file()]
    return [*names, "static/vega.js", "static/vega.js.gz"]


def _assets(folder: Path, report: SiteReport) -> None:
    static = folder / "static"
    static.mkdir(parents=True, exist_ok=True)
    for item in sorted(STATIC.iterdir()):
        if item.is_file():
            shutil.copyfile(item, static / item.name)
            report.files.append(f"static/{item.name}")
    (static / "vega.js").write_text(vega_runtime(), encoding="utf-8")
    report.files.append("static/vega.js")
    # For hosts that serve precompressed files (nginx gzip_static, many static hosts).
    (static / "vega.js.gz").write_bytes(gzipped_vega_runtime())
    report.files.append("static/vega.js.gz")
