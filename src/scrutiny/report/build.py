"""Assemble a quarter's report from a workspace and write it as HTML and PDF.

:func:`build_content` computes the content model once; :func:`build_report` renders it to one
self-contained HTML file (interactive charts, no external assets) and a PDF (static SVG charts).
Nothing in the output depends on the wall clock: the date stamp is passed in, or is the last
load time in the warehouse (or the quarter's end).
"""

from __future__ import annotations

import base64
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from scrutiny import __version__
from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.periods import Quarter, add_months
from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Column, Report, Section, Table
from scrutiny.outputs import OutputFolder, protected_paths
from scrutiny.report import annual, current, objectives
from scrutiny.report.commentary import Commentary, place_commentary
from scrutiny.report.data import ReportData, load_report_data

Format = Literal["current", "objectives", "annual"]
Edition = Literal["public", "internal"]
EDITIONS: tuple[Edition, ...] = ("public", "internal")
FORMATS: tuple[Format, ...] = ("current", "objectives", "annual")

TITLES = {
    "current": "Quarterly Performance Report",
    "objectives": "Quarterly Performance Report: objectives",
    "annual": "Annual Report",
}


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    pdf: Path | None


def default_stamp(data: ReportData) -> str:
    """The last time data were loaded (date only), else the quarter's last day."""
    if data.last_load is not None:
        return data.last_load.strftime("%Y-%m-%d")
    end = add_months(data.quarter.last_month, 1)
    return date.fromordinal(end.toordinal() - 1).isoformat()


LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


def logo_uri(ws: Workspace, name: str | None) -> str:
    """The publisher's logo as a data URI, so the HTML stays one self-contained file."""
    if not name:
        return ""
    path = ws.root / name
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        raise ValueError(
            f"report.yaml: publisher.logo: {name!r} is not an SVG, PNG or JPEG file "
            "in the workspace"
        )
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def with_commentary(sections: tuple[Section, ...], data: ReportData) -> tuple[Section, ...]:
    """The commentary return's blocks placed; in the internal edition, the annex lists blocks
    that name a section the report does not have."""
    blocks = [Commentary.from_row(r) for r in data.rows("commentary")]
    placed, unplaced = place_commentary(sections, blocks, data.internal)
    if not (unplaced and data.internal):
        return placed
    notice = Section(
        "commentary-unplaced",
        "Commentary not placed",
        2,
        (
            Table(
                "Commentary blocks naming a section this report does not have",
                (Column("place", "Place"), Column("author", "Author"), Column("row", "Row")),
                tuple((c.place, c.author, str(c.row)) for c in unplaced),
            ),
        ),
    )
    return tuple(
        replace(s, children=(*s.children, notice)) if s.id == "annex" else s for s in placed
    )


def _quarter(ws: Workspace, quarter: str | Quarter | None) -> Quarter:
    """The quarter asked for (text from the command line is parsed here), else the workspace's."""
    if isinstance(quarter, Quarter):
        return quarter
    return Quarter.parse(quarter) if quarter else ws.quarter


def build_content(
    ws: Workspace,
    quarter: str | Quarter | None = None,
    fmt: Format = "current",
    stamp: str | None = None,
    *,
    edition: Edition = "public",
    latest: bool = False,
    facade: WorkspaceData | None = None,
) -> Report:
    """The content model of one report, read from the workspace's warehouse (which
    ``scrutiny ingest`` loads; reading never writes it). The ``public`` edition leaves out the
    checks, known issues, file names and hashes that ``internal`` carries. A frozen quarter
    (``scrutiny freeze``) reads crime as its frozen publications gave it, unless ``latest``.
    ``facade``: read through that open facade (the dashboard's own) instead of one opened for
    this report, so each judgment is the one its pages read."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if edition not in EDITIONS:
        raise ValueError(f"edition {edition!r}: expected one of {', '.join(EDITIONS)}")
    with _report_data(ws, _quarter(ws, quarter), fmt, edition, latest, facade) as data:
        return _content(data, fmt, stamp)


def _report_data(
    ws: Workspace,
    q: Quarter,
    fmt: Format,
    edition: Edition,
    latest: bool = False,
    facade: WorkspaceData | None = None,
) -> AbstractContextManager[ReportData]:
    names = [*ws.config.settings.headline_categories, *annual.CATEGORIES]
    return load_report_data(
        ws,
        q,
        list(dict.fromkeys(names)),
        edition=edition,
        year_returns=fmt == "annual",
        latest=latest,
        facade=facade,
    )


def _content(data: ReportData, fmt: Format, stamp: str | None) -> Report:
    ws, q = data.ws, data.quarter
    stamp = stamp or default_stamp(data)
    if fmt == "current":
        sections = current.sections(data)
        subtitle = q.label
    elif fmt == "objectives":
        sections = objectives.sections(data)
        subtitle = q.label
    else:
        sections = annual.sections(data)
        subtitle = annual.period_label(data)
    sections = with_commentary(sections, data)
    publisher = data.definition.publisher
    return Report(
        title=TITLES[fmt],
        subtitle=subtitle,
        organisation=ws.config.force,
        publisher=publisher.name,
        logo=logo_uri(ws, publisher.logo),
        primary=publisher.colours.primary,
        accent=publisher.colours.accent,
        quarter=str(q),
        format=fmt,
        stamp=stamp,
        version=__version__,
        sections=sections,
        edition=data.edition,
        vintage=f"{data.data_end:%B %Y}" if data.data_end else "",
    )


def report_basename(ws: Workspace, report: Report) -> str:
    base = f"{ws.config.force_code}-{report.quarter}-{report.format}"
    return base if report.edition == "public" else f"{base}-{report.edition}"


def build_report(
    ws: Workspace,
    quarter: str | Quarter | None = None,
    fmt: Format = "current",
    out: Path | str | None = None,
    stamp: str | None = None,
    *,
    pdf: bool = True,
    force: bool = False,
    edition: Edition = "public",
    latest: bool = False,
) -> ReportPaths:
    """Build one report and write ``<force>-<quarter>-<format>.html`` (and ``.pdf``) in ``out``
    (default ``./out``). Returns the paths written.

    ``out`` must be new, empty or a folder scrutiny wrote (:mod:`scrutiny.outputs`); ``force``
    allows a folder holding other files, and still replaces only scrutiny's own."""
    import threading

    from scrutiny.report.charts import prerender, warm_up
    from scrutiny.report.html import render_html
    from scrutiny.report.pdf import write_pdf

    engine = threading.Thread(target=warm_up, daemon=True)
    engine.start()  # the chart engine starts while the data load
    report = build_content(ws, quarter, fmt, stamp, edition=edition, latest=latest)
    engine.join()
    prerender(list(report.charts()))
    folder = Path(out) if out is not None else Path("out")
    base = report_basename(ws, report)
    names = [f"{base}.html", *([f"{base}.pdf"] if pdf else [])]
    target = OutputFolder.prepare(folder, names, force=force, protected=protected_paths(ws))
    html_path = target.path(f"{base}.html")
    html_path.write_text(render_html(report, interactive=True), encoding="utf-8")
    pdf_path = None
    if pdf:
        pdf_path = target.path(f"{base}.pdf")
        write_pdf(report, pdf_path)
    target.finish()
    return ReportPaths(html_path, pdf_path)


def commentary_places(ws: Workspace, quarter: str | Quarter | None = None) -> list[dict[str, str]]:
    """Every section of the quarter's report (current format) with the state of its
    commentary: ``empty``, ``draft`` or ``approved``; then any block naming no section."""
    q = _quarter(ws, quarter)
    with _report_data(ws, q, "current", "internal") as data:
        report = _content(data, "current", "-")
        blocks = {c.place: c for c in map(Commentary.from_row, data.rows("commentary"))}
    out = []
    seen = set()
    for section in report.walk():
        if section.id in ("checks", "overrides", "commentary-unplaced"):
            continue  # internal-only parts
        seen.add(section.id)
        found = blocks.get(section.id)
        out.append(
            {
                "place": section.id,
                "title": section.title,
                "state": found.status if found else "empty",
                "author": found.author if found else "",
            }
        )
    for place, found in blocks.items():
        if place not in seen:
            out.append(
                {
                    "place": place,
                    "title": "(no such section)",
                    "state": "unplaced",
                    "author": found.author,
                }
            )
    return out
