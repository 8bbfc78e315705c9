"""Everything a report needs from a workspace, read through the one read facade
(:class:`scrutiny.analysis.data.WorkspaceData`), kept open while the report is built: crime
measures and monthly series, each category's judgment (the facade's, computed once and read
alike by the dashboard), the plan, the quarter's returns as the facade read and judged them, and
the loaded sources.

The sections (:mod:`scrutiny.report.current` and the other formats) only arrange what is here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from scrutiny.analysis.crime import CrimeAnalysis, spc_window
from scrutiny.analysis.data import LoadedSource, QuarterReturns, WorkspaceData
from scrutiny.analysis.disclosure import Disclosure, withheld
from scrutiny.analysis.stop_search import StopSearchSummary
from scrutiny.config.periods import Quarter, add_months
from scrutiny.config.plan import Plan, load_plans, plan_for
from scrutiny.config.report import ReportDefinition, load_definition
from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Source
from scrutiny.measures.categories import Selection, resolve
from scrutiny.measures.summary import clean
from scrutiny.returns.actions import workspace_plans
from scrutiny.returns.ratings import RatedRow
from scrutiny.store.crime import POSITIVE_OUTCOMES
from scrutiny.store.frozen import Freeze


@dataclass
class ReportData:
    """The inputs of one quarter's report: the facade it reads (open while the sections are
    built), the quarter's returns as the facade judged them, and the crime figures it prints."""

    ws: Workspace
    quarter: Quarter
    plans: list[Plan]
    plan: Plan | None
    #: The one read facade; every judgment of a category is the facade's (computed once).
    facade: WorkspaceData
    #: The quarter's returns (or, annual format, the latest of its year), rated and derived.
    returns: QuarterReturns
    crime: dict[str, dict[str, Any]]
    monthly: pd.DataFrame
    #: Monthly positive outcomes of the charted categories that have them (same columns).
    monthly_outcomes: pd.DataFrame
    incomplete_windows: list[str]
    population_year: int | None
    sources: list[Source]
    last_load: datetime | None
    data_end: date | None = None
    definition: ReportDefinition = field(default_factory=ReportDefinition)
    #: "public" or "internal": the internal edition adds checks, known issues and file hashes.
    edition: str = "public"
    notes: list[str] = field(default_factory=list)
    #: Stop and search of the quarter (or the latest months loaded), None without records.
    stop_search: StopSearchSummary | None = None
    #: Results computed once per report (which charts are drawn, published rows).
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: What disclosure control withholds of the quarter (``settings.suppress_below``, public
    #: edition), decided exactly as the dashboard decides it: one page set, one decision.
    disclosure: Disclosure | None = None

    @property
    def selections(self) -> dict[str, Selection]:
        """Every selection of categories the data cover, by lower-case name."""
        return self.facade.selections

    @property
    def freeze(self) -> Freeze | None:
        """The freeze the crime figures were read as of (``scrutiny freeze``), or None."""
        return self.facade.freeze

    @property
    def force_code(self) -> str:
        """The force's area code (the level the report's crime figures are of)."""
        return next(iter(self.facade.areas["force"]), "")

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

    def judgment(self, name: str) -> CrimeAnalysis | None:
        """The force-level judgment of one category (figures, tests, SPC, sentences) as the
        dashboard and ``scrutiny explain`` read it: the facade's, of the counts before
        disclosure control; None when the data have no such category."""
        sel = self.selections.get(name.strip().lower())
        if sel is None or sel.name not in self.crime:
            return None
        force = self.facade.force
        return self.facade.judgment(sel, "force", force, self.quarter, published=False)

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
        rows = self.returns.rows.get(kind, [])
        if priority is not None:
            rows = [r for r in rows if r.get("priority") == priority]
        return rows

    def ratings(self, kind: str, priority: str | None = None) -> list[RatedRow]:
        return [
            r
            for r in self.returns.rated
            if r.kind == kind and (priority is None or r.priority == priority)
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


@contextmanager
def load_report_data(
    ws: Workspace,
    quarter: Quarter,
    chart_categories: Sequence[str] = (),
    *,
    edition: str = "public",
    year_returns: bool = False,
    latest: bool = False,
    facade: WorkspaceData | None = None,
) -> Iterator[ReportData]:
    """Everything for ``quarter``, read through one read facade (the warehouse must be
    loaded), open while the report is built: ``facade`` (the dashboard's own, as it is) or one
    opened here and closed after.

    ``year_returns``: the returns read are the latest of the quarter's financial year (the
    annual format). A facade opened here reads crime of a frozen quarter (``scrutiny freeze``)
    as of its frozen sources unless ``latest``."""
    plans = workspace_plans(ws) if ws.config.plan else []
    definition = workspace_definition(ws, plans)
    data = facade or WorkspaceData(ws, frozen=None if latest else quarter)
    try:
        yield _read(data, quarter, plans, definition, chart_categories, edition, year_returns)
    finally:
        if facade is None:
            data.close()


def _read(
    data: WorkspaceData,
    quarter: Quarter,
    plans: list[Plan],
    definition: ReportDefinition,
    chart_categories: Sequence[str],
    edition: str,
    year_returns: bool,
) -> ReportData:
    available = data.selections
    frame = data.force_measures(quarter)
    crime = {
        str(r["category"]): {k: clean(v) for k, v in r.items()} for r in frame.to_dict("records")
    }
    names = dict.fromkeys([*definition.chart_categories(), *chart_categories])
    wanted = [c for c in names if c.strip().lower() in available]
    chosen = resolve(available, wanted) if wanted else []
    # The judgments' SPC series of every charted category in one query, not one each.
    data.prefetch(chosen, "force", quarter)
    end = add_months(quarter.last_month, 1)
    monthly = (
        data.monthly(chosen, "force", date(2000, 1, 1), end)
        if chosen
        else pd.DataFrame(columns=["category", "area_code", "area_name", "month", "count"])
    )
    # Only what some theme shows is read (each read costs the build time).
    parts = {
        part for pages in definition.priorities.values() for t in pages.themes for part in t.parts
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
    # The returns read: the quarter's, or (annual format) the latest of its year.
    rq = data.latest_returns_quarter(quarter) if year_returns else quarter
    loaded = data.loaded_sources()
    return ReportData(
        ws=data.ws,
        quarter=quarter,
        plans=plans,
        plan=plan_for(plans, quarter),
        facade=data,
        returns=data.quarter_returns(plans, rq),
        crime=crime,
        monthly=monthly,
        monthly_outcomes=monthly_outcomes,
        incomplete_windows=list(frame.attrs.get("incomplete_windows", [])),
        population_year=frame.attrs.get("population_year"),
        sources=[source_of(s) for s in loaded],
        last_load=max((s.loaded_at for s in loaded), default=None),
        data_end=max(data.months_covered("borough"), default=None),  # recorded crime
        definition=definition,
        edition=edition,
        stop_search=data.stop_search_summary(quarter) if "stop_search" in parts else None,
        # The public edition withholds what the dashboard withholds: one decision.
        disclosure=data.disclosure(quarter) if edition == "public" else None,
    )


__all__ = ["ReportData", "load_plans", "load_report_data"]
