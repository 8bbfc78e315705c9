"""What a crime query asks for (a quarter, its comparators, a geography level, some areas), and
the rules for blanking what the data do not cover. Plain Python (no Ibis, no pandas), shared by
the Ibis measures (``measures.crime``) and the compiled-SQL crime table (``measures.crime_table``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

#: Levels whose figures are stored as such; the others are sums of local authorities.
STORED_LEVELS = ("borough", "ward", "snt")
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


def source_level(level: str) -> str:
    """The stored level a level's figures are summed from."""
    return level if level in STORED_LEVELS else "borough"


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


#: (scheme, measure, area key) → months the area is published; schemes without any area rows at
#: the level are absent (their areas are taken as published whenever the category is).
AreaMonths = dict[tuple[str, str, str], frozenset[date]]


def area_months_of(
    rows: Iterable[tuple[str, str, str, date]],
    level: str,
    boroughs: Iterable[tuple[str, str | None]] = (),
    force_code: str = "",
) -> AreaMonths:
    """The months each area of ``level`` is published, per scheme and measure, from the current
    published areas ``rows`` (scheme, measure, area_code, month) at the level's stored level.

    A stored level's areas are as published. A BCU or force is published in a month when every
    one of its local authorities (``boroughs``: area_code, parent BCU) that the scheme publishes
    at all is: with BCUs a force is its BCUs' authorities; the unallocated and outside
    pseudo-areas count for the force but are never required."""
    by_area: dict[tuple[str, str, str], set[date]] = {}
    for scheme, measure, area, month in rows:
        by_area.setdefault((scheme, measure, area), set()).add(month)
    return area_months_by(by_area, level, boroughs, force_code)


def area_months_by(
    by_area: dict[tuple[str, str, str], set[date]],
    level: str,
    boroughs: Iterable[tuple[str, str | None]] = (),
    force_code: str = "",
) -> AreaMonths:
    """:func:`area_months_of` from the months of each (scheme, measure, area_code)."""
    if level in STORED_LEVELS:
        return {k: frozenset(v) for k, v in by_area.items()}
    from scrutiny.store.crime_names import FORCE_ONLY_PSEUDO_AREAS

    members = [(a, p) for a, p in boroughs if a not in FORCE_ONLY_PSEUDO_AREAS]
    if level == "bcu":
        keyed = [(a, p) for a, p in members if p]
    else:
        with_bcu = [(a, p) for a, p in members if p]
        keyed = [(a, force_code) for a, _ in (with_bcu or members)]
    keys: dict[str, list[str]] = {}
    for area, key in keyed:
        keys.setdefault(str(key), []).append(area)
    found: AreaMonths = {}
    for scheme, measure in {(s, m) for s, m, _ in by_area}:
        for key, areas in keys.items():
            required = [
                by_area[(scheme, measure, a)] for a in areas if (scheme, measure, a) in by_area
            ]
            if required:
                found[(scheme, measure, key)] = frozenset(set.intersection(*required))
    return found


def scheme_months(sel: Selection, published: Published, measure: str) -> dict[str, set[date]]:
    """Months the selection's categories are published, per scheme of its members (the same for
    every area)."""
    by_scheme: dict[str, set[date]] = {}
    for member in sel.members:
        by_scheme.setdefault(member[0], set()).update(published.get((measure, member), set()))
    return by_scheme


def cell_months(
    sel: Selection,
    published: Published,
    areas: AreaMonths,
    area: str,
    measure: str = OFFENCES,
    with_areas: set[tuple[str, str]] | None = None,
) -> set[date]:
    """Months the selection is published in ``area``: for each scheme of its members, the months
    its categories are published and the area is too. ``with_areas``: the (scheme, measure)
    pairs ``areas`` has rows for (computed when not given)."""
    if with_areas is None:
        with_areas = {(s, m) for s, m, _ in areas}
    return in_area(scheme_months(sel, published, measure), areas, area, measure, with_areas)


def in_area(
    by_scheme: dict[str, set[date]],
    areas: AreaMonths,
    area: str,
    measure: str,
    with_areas: set[tuple[str, str]],
) -> set[date]:
    """:func:`cell_months` from the selection's :func:`scheme_months`."""
    months: set[date] = set()
    for scheme, cat in by_scheme.items():
        if (scheme, measure) in with_areas:
            months |= cat & areas.get((scheme, measure, area), frozenset())
        else:
            months |= cat
    return months


class AreaCoverage:
    """Coverage per (selection, area): a selection's category-wide coverage, narrowed where the
    area itself is not published for some month of a window."""

    def __init__(
        self,
        chosen: Sequence[Selection],
        published: Published,
        areas: AreaMonths,
        windows: dict[str, Window],
    ):
        self.by_name = {s.name: s for s in chosen}
        self.category = coverage_of(chosen, published, windows)
        self.published, self.areas, self.windows = published, areas, windows
        self.with_areas = {(s, m) for s, m, _ in areas}
        self._seen: dict[tuple[str, frozenset[date], frozenset[date]], Coverage] = {}
        self._schemes: dict[tuple[str, str], dict[str, set[date]]] = {}
        self.area_notes: list[str] = []

    def of(self, name: str, code: str, area_name: str) -> Coverage:
        from scrutiny.store.crime_names import POSITIVE_OUTCOMES

        sel = self.by_name[name]
        offences = frozenset(self.months(sel, code, OFFENCES))
        outcomes = frozenset(self.months(sel, code, POSITIVE_OUTCOMES))
        key = (name, offences, outcomes)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._coverage(name, offences, outcomes)
        if found.note == "\0area":  # the area's own gap: name it
            months = sorted(
                {m for w in found.gaps for m in self.windows[w].month_list() if m not in offences}
            )
            note = (
                f"{name} in {area_name}: not published for {describe_months(months)}; "
                f"not shown: {', '.join(n.replace('_', ' ') for n in sorted(found.gaps))}"
            )
            self.area_notes.append(note)
            return Coverage(found.gaps, found.no_outcomes, found.blank, note)
        return found

    def months(self, sel: Selection, code: str, measure: str = OFFENCES) -> set[date]:
        by_scheme = self._schemes.get((sel.name, measure))
        if by_scheme is None:  # the same for every area: once per selection
            by_scheme = scheme_months(sel, self.published, measure)
            self._schemes[(sel.name, measure)] = by_scheme
        return in_area(by_scheme, self.areas, code, measure, self.with_areas)

    def _coverage(
        self, name: str, offences: frozenset[date], outcomes: frozenset[date]
    ) -> Coverage:
        category = self.category[name]
        windows = self.windows.items()
        gaps = {n for n, w in windows if any(m not in offences for m in w.month_list())}
        no_outcomes = gaps | {
            n for n, w in self.windows.items() if any(m not in outcomes for m in w.month_list())
        }
        if gaps == category.gaps and no_outcomes == category.no_outcomes:
            return category
        note = "\0area" if gaps - category.gaps else category.note
        return Coverage(frozenset(gaps), frozenset(no_outcomes), _blanked(gaps, no_outcomes), note)

    def notes(self) -> list[str]:
        """The category-wide notes, then each area's own, once each."""
        chosen = [c.note for c in self.category.values() if c.note]
        return chosen + list(dict.fromkeys(self.area_notes))


def empty_level_error(level: str, has_bcus: bool, names: Sequence[str], quarter: Quarter) -> str:
    """Why a query at ``level`` found no rows, in one line (instead of an empty table)."""
    if level == "bcu" and not has_bcus:
        return (
            "this workspace defines no basic command units (BCUs): add `bcus:` to scrutiny.yaml, "
            "or use --by force or --by borough"
        )
    return (
        f"no {level}-level figures for {', '.join(names)} in {quarter.label}'s windows; "
        "the data loaded do not publish them at that level"
    )
