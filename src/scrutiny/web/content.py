"""The quarter's report content (:mod:`scrutiny.report`), built once and shared by the pages.

The home page, the priority pages, the registers, finance and the annex render sections of the
same content model the quarterly report renders; nothing here recomputes a figure. When the
workspace has no returns loaded (or the report cannot be built) the pages say so instead.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from scrutiny.analysis.data import NotFound, WorkspaceData
from scrutiny.config.periods import Quarter
from scrutiny.content.disclosure import Suppressor, suppress_report
from scrutiny.content.model import Chart, Report, Section, Table

log = logging.getLogger(__name__)

#: Where each part of the report appears on the dashboard.
HOME_SECTIONS = ("introduction", "plan-objectives", "summary-dashboard")
REGISTER_SUFFIXES = ("-services", "-activity")
FINANCE_SECTIONS = ("finances",)
RISK_SECTIONS = ("risks",)
OUTCOME_SECTIONS = ("crime-outcomes",)
ANNEX_SECTIONS = ("annex",)


@dataclass(frozen=True)
class Download:
    """A table of a section, as published: its index within the section and its caption."""

    section_id: str
    index: int
    caption: str
    table: Table


def build_report(data: WorkspaceData, quarter: Quarter) -> Report:
    """The quarter's report content, as :mod:`scrutiny.report` builds it, read through the
    dashboard's own facade (no loading here: the server opens the warehouse read-only)."""
    from scrutiny.report.build import build_content

    return build_content(data.ws, quarter, "current", facade=data)


class ReportContent:
    """The report of one quarter, built on first use; ``None`` sections when it cannot be."""

    def __init__(self, data: WorkspaceData, quarter: Quarter, suppress_below: int = 0):
        self.data = data
        self.ws = data.ws
        self.quarter = quarter
        self.hide = Suppressor(suppress_below)
        self._report: Report | None = None
        self._error: str | None = None
        self._built = False
        self._lock = threading.Lock()

    def report(self) -> Report | None:
        with self._lock:
            if not self._built:
                try:
                    self._report = suppress_report(build_report(self.data, self.quarter), self.hide)
                except Exception as exc:  # the dashboard's crime pages still work
                    log.warning("report content unavailable: %s", exc)
                    self._error = "No returns are loaded, so the plan's ratings cannot be shown."
                self._built = True
            return self._report

    @property
    def unavailable(self) -> str | None:
        """Why there is no report content (None when there is)."""
        return self._error if self.report() is None else None

    def sections(self) -> dict[str, Section]:
        report = self.report()
        if report is None:
            return {}
        return {s.id: s for s in report.walk()}

    def top(self) -> tuple[Section, ...]:
        report = self.report()
        return report.sections if report else ()

    def section(self, section_id: str) -> Section:
        found = self.sections().get(section_id)
        if found is None:
            raise NotFound(f"no report section {section_id[:60]!r}")
        return found

    def priorities(self) -> list[Section]:
        """Top-level sections that are priorities of the plan (in the plan's order)."""
        from scrutiny.returns.actions import workspace_plans

        try:
            plans = workspace_plans(self.ws)
        except Exception:
            return []
        from scrutiny.config.plan import plan_for

        plan = plan_for(plans, self.quarter)
        if plan is None:
            return []
        ids = {p.id for p in plan.priorities}
        return [s for s in self.top() if s.id in ids]

    def downloads(self, section: Section) -> list[Download]:
        """Every table (and chart's data) of a section and its subsections, numbered."""
        found = []
        for s in section.walk():
            n = 0
            for block in s.blocks:
                table = block.data if isinstance(block, Chart) else block
                if isinstance(table, Table):
                    n += 1
                    found.append(Download(s.id, n, table.caption, table))
        return found

    def download(self, section_id: str, index: int) -> Download:
        section = self.section(section_id)
        for d in self.downloads(section):
            if d.section_id == section_id and d.index == index:
                return d
        raise NotFound(f"section {section_id[:60]!r} has no table {index}")

    def all_downloads(self) -> list[Download]:
        return [d for s in self.top() for d in self.downloads(s)]
