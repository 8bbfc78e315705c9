"""What a crime query asks for (a quarter, its comparators, a geography level, some areas), and
the rules for blanking what the data do not cover. Plain Python (no Ibis, no pandas), shared by
the Ibis measures (``measures.crime``) and the compiled-SQL crime table (``measures.crime_table``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from scrutiny.config.periods import (
    QUARTER_COMPARATORS,
    R12_COMPARATORS,
    Baseline,
    Comparator,
    Quarter,
    Window,
    comparator_window,
)
from scrutiny.measures.categories import Member, Selection
from scrutiny.store.crime_names import OFFENCES

LEVELS = ("force", "bcu", "borough", "ward")
COMPARATORS = (*QUARTER_COMPARATORS, *R12_COMPARATORS)
#: Prefix of the positive-outcome sums of each window.
PO = "po_"
#: The chosen categories as a table: one row per (selection, member category).
MEMBER_COLUMNS = ("category", "category_kind", "scheme", "category_group", "member")
#: The table the compiled measures read them from, filled on the connection at run time.
MEMBERS_TABLE = "scrutiny_selection_members"


@dataclass(frozen=True)
class CrimeQuery:
    quarter: Quarter
    baseline: Baseline
    level: str = "force"
    areas: tuple[str, ...] = ()  # area codes or names; empty = every area of the level
    population_year: int | None = None

    def windows(self) -> dict[str, Window]:
        """The windows one query sums, by column name."""
        q = self.quarter
        found = {"quarter": q.window(), "r12": q.rolling_12_months()}
        for c in COMPARATORS:
            found[c.value] = comparator_window(q, c, self.baseline)
        return found


def base_of(c: Comparator) -> str:
    """The window a comparator is compared with: the quarter or the rolling 12 months."""
    return "r12" if c in R12_COMPARATORS else "quarter"


Published = dict[tuple[str, Member], set[date]]


def selection_months(sel: Selection, published: Published, measure: str = OFFENCES) -> set[date]:
    """Months any of the selection's categories is published for ``measure``."""
    months: set[date] = set()
    for member in sel.members:
        months |= published.get((measure, member), set())
    return months


def describe_months(months: Sequence[date]) -> str:
    months = sorted(months)
    if len(months) == 1:
        return months[0].strftime("%b %Y")
    return f"{months[0].strftime('%b %Y')} to {months[-1].strftime('%b %Y')}"


def population_year(years: Sequence[int], quarter: Quarter) -> int | None:
    """The newest mid-year estimate not after the quarter's start; else the oldest there is."""
    years = sorted(years)
    if not years:
        return None
    usable = [y for y in years if date(y, 6, 30) <= quarter.start]
    return usable[-1] if usable else years[0]


@dataclass(frozen=True)
class Coverage:
    """What one selection's data cover in a query's windows, and so what must stay blank."""

    gaps: frozenset[str]  # windows with a month no publication covers for offences
    no_outcomes: frozenset[str]  # windows without positive outcomes for every month
    blank: frozenset[str]  # the output columns to blank for this selection
    note: str  # why, in one sentence ('' when nothing is blank)


def coverage_of(
    chosen: Sequence[Selection], published: Published, windows: dict[str, Window]
) -> dict[str, Coverage]:
    """Per selection name: the windows it lacks and the columns that must be blank."""
    from scrutiny.store.crime_names import POSITIVE_OUTCOMES

    found: dict[str, Coverage] = {}
    for sel in chosen:
        offences = selection_months(sel, published, OFFENCES)
        outcomes = selection_months(sel, published, POSITIVE_OUTCOMES)
        missing = {n: [m for m in w.month_list() if m not in offences] for n, w in windows.items()}
        gaps = {n for n, months in missing.items() if months}
        no_outcomes = {
            n
            for n, w in windows.items()
            if n in gaps or any(m not in outcomes for m in w.month_list())
        }
        note = ""
        if gaps:
            months = sorted({m for n in gaps for m in missing[n]})
            note = (
                f"{sel.name}: not published for {describe_months(months)}; "
                f"not shown: {', '.join(n.replace('_', ' ') for n in sorted(gaps))}"
            )
        found[sel.name] = Coverage(
            frozenset(gaps), frozenset(no_outcomes), _blanked(gaps, no_outcomes), note
        )
    return found


def _blanked(gaps: set[str], no_outcomes: set[str]) -> frozenset[str]:
    """A window's volume, its outcomes and every change that reads it; rates of such windows."""
    blank: set[str] = set()
    for w in gaps:
        blank |= {w, PO + w}
        blank |= {f"change_{c.value}" for c in COMPARATORS if w in (c.value, base_of(c))}
    if "r12" in gaps:
        blank.add("r12_rate_per_1000")
    blank |= {PO + w for w in no_outcomes}
    if "quarter" in no_outcomes:
        blank |= {"positive_outcomes_quarter", "outcome_rate_quarter"}
    if "r12" in no_outcomes:
        blank |= {"positive_outcomes_r12", "outcome_rate_r12"}
    blank |= {
        f"outcome_rate_change_{c.value}"
        for c in COMPARATORS
        if c.value in no_outcomes or base_of(c) in no_outcomes
    }
    return frozenset(blank)
