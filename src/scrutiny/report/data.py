"""Everything a report needs from a workspace, read once through the one read facade
(:class:`scrutiny.analysis.data.WorkspaceData`): crime measures and monthly series, the plan, the
quarter's returns with their ratings and derived tables, and the loaded sources.

The sections (:mod:`scrutiny.report.current` and the other formats) only arrange what is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from scrutiny.analysis.crime import spc_window
from scrutiny.analysis.data import LoadedSource, WorkspaceData
from scrutiny.analysis.disclosure import Disclosure, withheld
from scrutiny.analysis.series import SeriesAnalysis
from scrutiny.analysis.stop_search import StopSearchSummary
from scrutiny.config.periods import Quarter, add_months
from scrutiny.config.plan import Plan, load_plans, plan_for
from scrutiny.config.report import ReportDefinition, load_definition
from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Source
from scrutiny.measures.categories import Selection, resolve
from scrutiny.measures.summary import clean
from scrutiny.returns.actions import workspace_plans
from scrutiny.returns.derived import Gap, OutcomeChange, PointChange, Variance
from scrutiny.returns.ratings import RatedRow, TrendRow
from scrutiny.store.crime import POSITIVE_OUTCOMES
from scrutiny.store.frozen import Freeze


@dataclass
class ReportData:
    """The inputs of one quarter's report."""

    ws: Workspace
    quarter: Quarter
    plans: list[Plan]
    plan: Plan | None
    selections: dict[str, Selection]
    crime: dict[str, dict[str, Any]]
    monthly: pd.DataFrame
    #: Monthly positive outcomes of the charted categories that have them (same columns).
    monthly_outcomes: pd.DataFrame
    incomplete_windows: list[str]
    population_year: int | None
    returns: dict[str, list[dict[str, Any]]]
    rated: list[RatedRow]
    risk_trends: list[TrendRow]
    variances: list[Variance]
    gaps: list[Gap]
    calls: list[PointChange]
    outcomes: list[OutcomeChange]
    sources: list[Source]
    last_load: datetime | None
    #: Acknowledged known issues of the quarter's returns: (file, row, column, check, reason).
    known_issues: list[tuple[str, int | None, str, str, str]]
    data_end: date | None = None
    definition: ReportDefinition = field(default_factory=ReportDefinition)
    #: "public" or "internal": the internal edition adds checks, known issues and file hashes.
    edition: str = "public"
    notes: list[str] = field(default_factory=list)
    #: The indicator-series return's measures with a figure for the quarter, judged.
    indicators: list[SeriesAnalysis] = field(default_factory=list)
    #: Stop and search of the quarter (or the latest months loaded), None without records.
    stop_search: StopSearchSummary | None = None
    #: The freeze the crime figures were read as of (``scrutiny freeze``), or None: newest data.
    freeze: Freeze | None = None
    #: Results computed once per report (SPC of a category, which charts are drawn).
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: What disclosure control withholds of the quarter (``settings.suppress_below``, public
    #: edition), decided exactly as the dashboard decides it: one page set, one decision.
    disclosure: Disclosure | None = None
    #: The force's area code (the level the report's crime figures are of).
    force_code: str = ""

    @property
    def internal(self) -> bool:
        return self.edition == "internal"

    @property
    def force_short(self) -> str:
        """The force's short name in headings: the report definition's, else its code when that
        is an abbreviation ("ESX"), else its name (a code such as "essex" is an id)."""
        code = self.ws.config.force_code
        abbreviation = code.isupper() and " " not in code
        return self.definition.wording.force_short or (
            code if abbreviation else self.ws.config.force
        )

    # --- crime ---------------------------------------------------------------------------
    def has_category(self, name: str) -> bool:
        return name.strip().lower() in self.selections

    def raw_category(self, name: str) -> dict[str, Any] | None:
        """The force-level measures of one category before disclosure control (for judgments,
        never for printing); None when the data has no such category."""
        sel = self.selections.get(name.strip().lower())
        return self.crime.get(sel.name) if sel else None

    def category(self, name: str) -> dict[str, Any] | None:
        """The force-level measures of one category as published: a withheld count is a
        :class:`~scrutiny.analysis.disclosure.Withheld` mark (it prints ``<N`` or ``[c]``), and
        every change, rate and outcome figure worked out from it is None."""
        row = self.raw_category(name)
        if row is None or self.disclosure is None:
            return row
        key = ("published", str(row["category"]))
        if key not in self.cache:
            shown = withheld(pd.DataFrame([row]), self.disclosure, str(row["category"]), "force")
            self.cache[key] = {k: clean(v) for k, v in shown.iloc[0].to_dict().items()}
        found: dict[str, Any] = self.cache[key]
        return found

    def withheld_windows(self, name: str) -> set[str]:
        """The windows (``quarter``, ``r12``, comparators) whose force count is withheld."""
        row = self.category(name)
        return {k for k, v in (row or {}).items() if getattr(v, "withheld", False)}

    def withheld_months(self, name: str) -> set[date]:
        """The months of a category's force series that are not published: those the decision
        withholds and, before its window, any below the threshold."""
        sel = self.selections.get(name.strip().lower())
        if sel is None or self.disclosure is None:
            return set()
        found = self.disclosure.hidden_months(sel.name, "force", self.force_code)
        first, _ = spc_window(self.quarter)
        raw = self.series(name, raw=True)
        early = raw[[m < first for m in raw.index]]
        return found | {m for m, v in early.items() if v < self.disclosure.threshold}

    def series_withheld(self, name: str) -> bool:
        """Whether a category's SPC statistics are withheld: the mean, limits and readings of a
        series with a withheld month would give that month back."""
        first, end = spc_window(self.quarter)
        return any(first <= m < end for m in self.withheld_months(name))

    def series(
        self, name: str, first: date | None = None, last: date | None = None, *, raw: bool = False
    ) -> pd.Series:
        """Monthly force-level counts of a category, indexed by month (first of the month);
        withheld months are left out unless ``raw`` (for judgments, never for printing)."""
        sel = self.selections.get(name.strip().lower())
        if sel is None:
            return pd.Series(dtype="float64")
        df = self.monthly[self.monthly["category"] == sel.name]
        s = pd.Series(df["count"].to_numpy(dtype="float64"), index=list(df["month"]))
        if first is not None:
            s = s[[m >= first for m in s.index]]
        if last is not None:
            s = s[[m <= last for m in s.index]]
        if not raw and self.disclosure is not None:
            hidden = self.withheld_months(name)
            s = s[[m not in hidden for m in s.index]]
        return s

    def outcome_series(self, name: str) -> pd.Series:
        """Monthly force-level positive outcomes of a category (empty without any)."""
        sel = self.selections.get(name.strip().lower())
        if sel is None or self.monthly_outcomes.empty:
            return pd.Series(dtype="float64")
        df = self.monthly_outcomes[self.monthly_outcomes["category"] == sel.name]
        return pd.Series(df["count"].to_numpy(dtype="float64"), index=list(df["month"]))

    def window_total(self, name: str, first: date, months: int) -> int | None:
        """Offences of a category in ``months`` months from ``first``; None unless every month
        is in the data."""
        s = self.series(name)
        wanted = [add_months(first, i) for i in range(months)]
        if not all(m in s.index for m in wanted):
            return None
        return int(sum(s[m] for m in wanted))

    # --- returns -------------------------------------------------------------------------
    def rows(self, kind: str, priority: str | None = None) -> list[dict[str, Any]]:
        """The quarter's rows of one kind of return (optionally of one priority)."""
        rows = self.returns.get(kind, [])
        if priority is not None:
            rows = [r for r in rows if r.get("priority") == priority]
        return rows

    def ratings(self, kind: str, priority: str | None = None) -> list[RatedRow]:
        return [
            r for r in self.rated if r.kind == kind and (priority is None or r.priority == priority)
        ]


def source_of(loaded: LoadedSource) -> Source:
    """A loaded file as the report's sources table lists it."""
    return Source(
        name=loaded.name,
        kind=loaded.kind,
        sha256=loaded.sha256,
        rows=loaded.rows,
        vintage=loaded.vintage,
        loaded_at=loaded.loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
    )


def workspace_definition(ws: Workspace, plans: Sequence[Plan] = ()) -> ReportDefinition:
    """The workspace's report definition, checked against its plans."""
    path = ws.report_path
    definition = load_definition(path)
    if path is not None and plans:
        definition.check_plan(
            {p.id for plan in plans for p in plan.priorities},
            {m.id for plan in plans for p in plan.priorities for m in p.all_measures()},
            path.name,
        )
    return definition


def load_report_data(
    ws: Workspace,
    quarter: Quarter,
    chart_categories: Sequence[str] = (),
    *,
    edition: str = "public",
    year_returns: bool = False,
    latest: bool = False,
) -> ReportData:
    """Read everything for ``quarter`` through one read facade (the warehouse must be loaded).

    ``year_returns``: the returns read are the latest of the quarter's financial year (the
    annual format). A frozen quarter (``scrutiny freeze``) reads crime as of its frozen sources
    unless ``latest``."""
    plans = workspace_plans(ws) if ws.config.plan else []
    definition = workspace_definition(ws, plans)
    data = WorkspaceData(ws, frozen=None if latest else quarter)
    try:
        available = data.selections
        frame = data.force_measures(quarter)
        crime = {
            str(r["category"]): {k: clean(v) for k, v in r.items()}
            for r in frame.to_dict("records")
        }
        # The public edition withholds what the dashboard withholds: one decision.
        found = data.disclosure(quarter) if edition == "public" else None
        names = dict.fromkeys([*definition.chart_categories(), *chart_categories])
        wanted = [c for c in names if c.strip().lower() in available]
        chosen = resolve(available, wanted) if wanted else []
        end = add_months(quarter.last_month, 1)
        monthly = (
            data.monthly(chosen, "force", date(2000, 1, 1), end)
            if chosen
            else pd.DataFrame(columns=["category", "area_code", "area_name", "month", "count"])
        )
        # Only what some theme shows is read (each read costs the build time).
        parts = {
            part
            for pages in definition.priorities.values()
            for t in pages.themes
            for part in t.parts
        }
        with_outcomes = [
            s
            for s in chosen
            if "outcome_trend" in parts
            and (crime.get(s.name) or {}).get("positive_outcomes_r12") is not None
        ]
        monthly_outcomes = (
            data.monthly(with_outcomes, "force", date(2000, 1, 1), end, POSITIVE_OUTCOMES)
            if with_outcomes
            else monthly.iloc[0:0]
        )
        last_month = max(data.months_covered("borough"), default=None)  # recorded crime
        # The returns read: the quarter's, or (annual format) the latest of its year.
        rq = data.latest_returns_quarter(quarter) if year_returns else quarter
        returns = data.quarter_returns(plans, rq)
        loaded = data.loaded_sources()
        stop_search = data.stop_search_summary(quarter) if "stop_search" in parts else None
    finally:
        data.close()
    return ReportData(
        ws=ws,
        quarter=quarter,
        plans=plans,
        plan=plan_for(plans, quarter),
        selections=available,
        crime=crime,
        monthly=monthly,
        monthly_outcomes=monthly_outcomes,
        incomplete_windows=list(frame.attrs.get("incomplete_windows", [])),
        population_year=frame.attrs.get("population_year"),
        returns=returns.rows,
        rated=returns.rated,
        risk_trends=returns.risk_trends,
        variances=returns.variances,
        gaps=returns.gaps,
        calls=returns.calls,
        outcomes=returns.outcomes,
        sources=[source_of(s) for s in loaded],
        last_load=max((s.loaded_at for s in loaded), default=None),
        known_issues=returns.known_issues,
        data_end=last_month,
        definition=definition,
        edition=edition,
        freeze=data.freeze,
        stop_search=stop_search,
        indicators=returns.indicators,
        disclosure=found,
        force_code=next(iter(data.areas["force"]), ""),
    )


__all__ = ["ReportData", "load_plans", "load_report_data"]
