"""Stop and search for one quarter's report: volumes, reasons, positive outcomes, the rate per
1,000 residents and disproportionality by ethnic group, computed once from the loaded records.

The window is the quarter. When no record falls in it, the summary is of the latest three
months loaded up to the quarter's end, and says so: the figures are never passed off as the
quarter's. The previous window (same length, just before) is compared only when records cover
it. Disproportionality divides searches by officer-defined ethnicity by the census residents of
the same top-level group; officer-defined ethnicity has no Mixed group, so Mixed residents
enter no rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
from ibis.common.exceptions import TableNotFound

from scrutiny.config.periods import Quarter, Window, add_months
from scrutiny.measures import stop_search as ss

#: The reference group of the ratios (searches of a group per resident ÷ White searches per
#: resident), as national statistics and seed 001 compare.
REFERENCE = "White"
#: Officer-defined ethnicity's groups; Mixed is not one of them.
OFFICER_GROUPS = ("White", "Black", "Asian", "Other")


@dataclass(frozen=True)
class StopSearchSummary:
    window: Window
    #: Whether the window is the report's quarter (else: the latest months loaded before it).
    in_quarter: bool
    searches: int
    previous: Window
    previous_searches: int | None  # None when records do not cover the previous window
    positive: int
    reasons: tuple[tuple[str, int], ...]
    population: int | None
    population_year: int | None
    groups: tuple[ss.GroupRate, ...]
    census_year: int | None
    not_recorded: int  # searches with no officer-defined ethnicity

    @property
    def positive_share(self) -> float | None:
        return ss.share(self.positive, self.searches)

    @property
    def rate_per_1000(self) -> float | None:
        return ss.rate_per_1000(self.searches, self.population)

    @property
    def change(self) -> float | None:
        if not self.previous_searches:
            return None
        return (self.searches - self.previous_searches) / self.previous_searches * 100

    def ratio(self, group: str) -> float | None:
        return next((g.ratio for g in self.groups if g.group == group), None)


def _window(months: list[date], quarter: Quarter) -> tuple[Window, bool]:
    q = quarter.window()
    if any(q.start <= m < q.end for m in months):
        return q, True
    before = [m for m in months if m < q.end]
    last = max(before) if before else max(months)
    first = max(add_months(last, -2), min(m for m in months if m <= last))
    length = (last.year - first.year) * 12 + last.month - first.month + 1
    return Window(first, length), False


def summarise(
    con: ibis.BaseBackend, quarter: Quarter, area_codes: list[str], population_year: int | None
) -> StopSearchSummary | None:
    """The quarter's stop and search (None when no record is loaded)."""
    months = [r["month"] for r in ss.months_loaded(con).to_pyarrow().to_pylist()]
    if not months:
        return None
    window, in_quarter = _window(months, quarter)
    previous = Window(add_months(window.start, -window.months), window.months)
    covered = all(m in months for m in previous.month_list())
    share = ss.positive_share(con, window).to_pyarrow().to_pylist()[0]
    reasons = ss.counts(ss.searches_by(con, window, "object_of_search"), "object_of_search")
    by_group = ss.counts(
        ss.searches_by(con, window, "officer_defined_ethnicity"), "officer_defined_ethnicity"
    )
    try:
        pop_rows = ss.ethnic_population(con, area_codes).to_pyarrow().to_pylist()
    except TableNotFound:  # a warehouse written before the census table existed
        pop_rows = []
    census = {r["ethnic_group"]: float(r["population"]) for r in pop_rows}
    census = {g: n for g, n in census.items() if g in OFFICER_GROUPS}
    groups = (
        tuple(ss.disproportionality(by_group, census, REFERENCE)) if REFERENCE in census else ()
    )
    prev_n = None
    if covered:
        prev_share = ss.positive_share(con, previous).to_pyarrow().to_pylist()[0]
        prev_n = int(prev_share["searches"])
    residents, year = _residents(con, area_codes, population_year or window.start.year)
    return StopSearchSummary(
        window=window,
        in_quarter=in_quarter,
        searches=int(share["searches"]),
        previous=previous,
        previous_searches=prev_n,
        positive=int(share["positive"]),
        reasons=tuple(
            sorted(((k or "Not recorded", v) for k, v in reasons.items()), key=lambda x: -x[1])
        ),
        population=residents,
        population_year=year,
        groups=groups,
        census_year=int(pop_rows[0]["year"]) if pop_rows else None,
        not_recorded=int(by_group.get(None, 0)),
    )


def _residents(
    con: ibis.BaseBackend, area_codes: list[str], year: int
) -> tuple[int | None, int | None]:
    """Mid-year residents of the areas in ``year`` (or the nearest earlier year loaded)."""
    t = con.table("population")
    t = t.filter(t.area_code.isin(area_codes), t.year <= year)
    rows = t.group_by("year").agg(n=t.population.sum()).order_by(ibis.desc("year")).limit(1)
    found = rows.to_pyarrow().to_pylist()
    return (int(found[0]["n"]), int(found[0]["year"])) if found else (None, None)
