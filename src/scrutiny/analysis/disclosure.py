"""Disclosure control for a quarter's crime figures, decided once before anything is rendered.

The public outputs (dashboard pages, CSV/JSON, the static site) publish, for every category and
every area of every level, the counts of the quarter, of the twelve months (R12), of each
comparator window and of each month of the SPC chart. :func:`disclosure` builds that whole table
for one quarter from the warehouse, with the sums a reader could difference:

* areas: a ward's borough is the sum of its wards, a BCU of its boroughs, the force of its
  BCUs (with force-only areas) and of its boroughs;
* categories: a group, a total or a joined series is the sum of its single categories, and of
  its major groups where they make it up exactly;

* time: a quarter or twelve months is the sum of their months where the chart shows each;

and hides, by :func:`scrutiny.judge.disclosure.suppress`, every count below the threshold plus
enough others that none of them follows from a published total minus its published parts. A
monthly series with any hidden month publishes no statistic (mean, limits, SPC reading): the
mean times the months minus the published months would give the hidden one.

Positive outcomes get the same control over the same sums, starting from every outcome count
that is small *or* whose offence count is withheld (outcomes ÷ the outcome rate would give
the offences back): :meth:`Disclosure.outcome_hidden`, and :func:`withheld` blanks the count
and every outcome rate and change worked out from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

import ibis
import numpy as np
import pandas as pd

from scrutiny.config.geography import GEO_LEVELS, Area
from scrutiny.config.periods import QUARTER_COMPARATORS, Baseline, Quarter, add_months
from scrutiny.judge.disclosure import primary, suppress
from scrutiny.measures.categories import Member, Selection
from scrutiny.measures.crime import CrimeQuery, member_months
from scrutiny.store.crime_names import OFFENCES, POSITIVE_OUTCOMES

#: Months of the SPC chart (as :mod:`scrutiny.analysis.crime` draws it).
SPC_MONTHS = 36

Window = str | date
Cell = tuple[str, str, str]  # (level, area code, selection name)
QUARTER_WINDOWS = frozenset(c.value for c in QUARTER_COMPARATORS)


@dataclass(frozen=True)
class Disclosure:
    """Which published counts of one quarter are hidden (primary or secondary)."""

    threshold: int
    windows: tuple[Window, ...]
    cells: Mapping[Cell, int]
    values: np.ndarray  # cells × windows
    hidden_cells: np.ndarray  # cells × windows
    equations: tuple[np.ndarray, ...]
    outcomes: np.ndarray | None = None  # positive outcomes, cells × windows (NaN: none)
    outcomes_hidden: np.ndarray | None = None

    def _at(self, sel: str, level: str, area_code: str, window: Window) -> tuple[int, int] | None:
        cell = self.cells.get((level, area_code, sel))
        if cell is None or window not in self._window_index:
            return None
        return cell, self._window_index[window]

    @cached_property
    def _window_index(self) -> dict[Window, int]:
        return {w: i for i, w in enumerate(self.windows)}

    def hidden(self, sel: str, level: str, area_code: str, window: Window) -> bool:
        """Whether the count of ``window`` (a window name or a month) is withheld."""
        at = self._at(sel, level, area_code, window)
        return at is not None and bool(self.hidden_cells[at])

    def outcome_hidden(self, sel: str, level: str, area_code: str, window: Window) -> bool:
        """Whether the positive outcomes of ``window`` (and every rate worked out from them)
        are withheld: small, beside a withheld offence count, or to protect either."""
        at = self._at(sel, level, area_code, window)
        if at is None or self.outcomes_hidden is None:
            return self.hidden(sel, level, area_code, window)
        return bool(self.outcomes_hidden[at] or self.hidden_cells[at])

    def secondary(self, sel: str, level: str, area_code: str, window: Window) -> bool:
        """Hidden although not small: withheld so that a small count cannot be worked out."""
        at = self._at(sel, level, area_code, window)
        if at is None or not self.hidden_cells[at]:
            return False
        return not bool(primary(self.values[at].reshape(1), self.threshold)[0])

    def hidden_months(self, sel: str, level: str, area_code: str) -> set[date]:
        """The months of the SPC chart whose counts are withheld."""
        cell = self.cells.get((level, area_code, sel))
        if cell is None:
            return set()
        return {
            w
            for i, w in enumerate(self.windows)
            if isinstance(w, date) and self.hidden_cells[cell, i]
        }


def load_areas(con: ibis.BaseBackend) -> dict[str, dict[str, Area]]:
    """Every area of the warehouse by level and code, with its parent (as the public outputs
    publish them: the disclosure decision sums over exactly these)."""
    rows = con.table("areas").to_pandas().sort_values(["geo_level", "area_name"])
    found: dict[str, dict[str, Area]] = {level: {} for level in GEO_LEVELS}
    for r in rows.itertuples(index=False):
        parent = None if pd.isna(r.parent_code) else str(r.parent_code)
        if r.geo_level in found:
            found[r.geo_level][r.area_code] = Area(r.geo_level, r.area_code, r.area_name, parent)
    return found


def _span(window: Window, named: Mapping[str, Any]) -> list[date]:
    return [window] if isinstance(window, date) else named[window].month_list()


def _month_span(windows: Mapping[str, object], quarter: Quarter) -> tuple[date, date]:
    spc_first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
    starts = [w.start for w in windows.values()]  # type: ignore[attr-defined]
    ends = [w.end for w in windows.values()]  # type: ignore[attr-defined]
    return min([spc_first, *starts]), max([add_months(quarter.last_month, 1), *ends])


def _partitions(sel: Selection, selections: Sequence[Selection]) -> list[list[Selection]]:
    """The sets of single categories, and of major groups, that make ``sel`` up exactly."""
    found = []
    for kind in ("minor", "major"):
        parts = [
            s for s in selections if s.kind == kind and s is not sel and s.members <= sel.members
        ]
        covered = [m for s in parts for m in s.members]
        if parts and len(covered) == len(set(covered)) and set(covered) == set(sel.members):
            found.append(parts)
    return found


def _area_sums(areas: Mapping[str, Mapping[str, Area]]) -> list[tuple[Area, list[Area]]]:
    """(total, parts) over areas: each area with its children at each level below it, and the
    force with all its boroughs, and with its BCUs plus the boroughs outside any BCU."""
    by_code = {a.code: a for level in areas.values() for a in level.values()}
    sums: dict[tuple[str, str], list[Area]] = {}
    for level in areas.values():
        for a in level.values():
            if a.parent_code and a.parent_code in by_code:
                sums.setdefault((a.parent_code, a.level), []).append(a)
    found = [(by_code[code], parts) for (code, _), parts in sums.items()]
    for force in areas.get("force", {}).values():
        boroughs = list(areas.get("borough", {}).values())
        bcus = list(areas.get("bcu", {}).values())
        found.append((force, boroughs))
        outside = [b for b in boroughs if b.parent_code not in areas.get("bcu", {})]
        if bcus:
            found.append((force, bcus + outside))
    return [(total, parts) for total, parts in found if parts]


def disclosure(
    con: ibis.BaseBackend,
    quarter: Quarter,
    baseline: Baseline,
    selections: Sequence[Selection],
    areas: Mapping[str, Mapping[str, Area]],
    threshold: int,
) -> Disclosure:
    """Decide what of ``quarter``'s crime figures may be published at ``threshold``."""
    named = CrimeQuery(quarter, baseline).windows()
    first, end = _month_span(named, quarter)
    months = [
        add_months(first, i) for i in range((end.year - first.year) * 12 + end.month - first.month)
    ]
    month_at = {m: i for i, m in enumerate(months)}
    spc_first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
    spc = [add_months(spc_first, i) for i in range(SPC_MONTHS)]
    windows: tuple[Window, ...] = (*named, *spc)
    members: list[Member] = sorted({m for s in selections for m in s.members})
    member_at = {m: i for i, m in enumerate(members)}
    belongs = np.zeros((len(selections), len(members)))
    for i, s in enumerate(selections):
        for m in s.members:
            belongs[i, member_at[m]] = 1.0

    def table(measure: str) -> tuple[dict[Cell, int], np.ndarray]:
        """Cells × windows of one measure; NaN at a level without any row of it."""
        cells: dict[Cell, int] = {}
        blocks = []
        for level in GEO_LEVELS:
            codes = list(areas.get(level, {}))
            if not codes:
                continue
            area_at = {c: i for i, c in enumerate(codes)}
            counts = np.zeros((len(members), len(codes), len(months)))
            frame = member_months(con, members, level, first, end, measure)
            for m, code, month, n in frame.itertuples(index=False, name=None):
                if code in area_at and month in month_at:
                    counts[m, area_at[code], month_at[month]] += n
            by_sel = np.tensordot(belongs, counts, axes=(1, 0))  # selections × areas × months
            # Plain sums, zero where no row: a window the pages leave blank for want of data
            # is judged as if published, which can only hide more, never less.
            block = np.stack(
                [
                    by_sel[:, :, [month_at[m] for m in _span(window, named)]].sum(axis=2)
                    for window in windows
                ],
                axis=2,
            )
            if frame.empty and measure != OFFENCES:
                block[:] = np.nan
            for a, code in enumerate(codes):
                for i, s in enumerate(selections):
                    cells[(level, code, s.name)] = len(cells)
                    blocks.append(block[i, a])
        return cells, (np.array(blocks) if blocks else np.zeros((0, len(windows))))

    cells, values = table(OFFENCES)

    equations: list[np.ndarray] = []
    for total, parts in _area_sums(areas):
        for s in selections:
            ids = [cells.get((total.level, total.code, s.name))]
            ids += [cells.get((p.level, p.code, s.name)) for p in parts]
            if all(i is not None for i in ids):
                equations.append(np.array(ids))
    for s in selections:
        for split in _partitions(s, selections):
            for level in GEO_LEVELS:
                for code in areas.get(level, {}):
                    ids = [
                        cells[(level, code, s.name)],
                        *(cells[(level, code, p.name)] for p in split),
                    ]
                    equations.append(np.array(ids))
    window_sums = _window_sums(windows, named)
    hidden = suppress(values, equations, threshold, window_sums)
    # Positive outcomes: withheld where small, and wherever the offences are (outcomes ÷
    # offences would give a withheld count back), then closed over the same sums.
    _, outcomes = table(POSITIVE_OUTCOMES)
    start = hidden & ~np.isnan(outcomes)
    outcomes_hidden = suppress(outcomes, equations, threshold, window_sums, start=start)
    outcomes_hidden &= ~np.isnan(outcomes)
    return Disclosure(
        threshold, windows, cells, values, hidden, tuple(equations), outcomes, outcomes_hidden
    )


def _window_sums(windows: Sequence[Window], named: Mapping[str, Any]) -> list[np.ndarray]:
    """Each named window whose months are all published as months of the SPC chart, with
    those months: a quarter is its three months, twelve months are theirs."""
    at = {w: i for i, w in enumerate(windows)}
    sums = []
    for w in windows:
        if isinstance(w, str):
            months = _span(w, named)
            if months and all(m in at for m in months):
                sums.append(np.array([at[w], *(at[m] for m in months)]))
    return sums


#: How a count withheld by secondary suppression reads (the statistical offices' mark).
SECONDARY_MARK = "[c]"


@dataclass(frozen=True)
class Withheld:
    """A count withheld by disclosure control; ``secondary`` when it is not small itself. It
    reads ``<N`` (below the threshold N) or ``[c]`` wherever it is printed."""

    secondary: bool = False
    threshold: int = 0
    withheld: ClassVar[bool] = True  # read by ``content.format.number`` without importing this

    def __str__(self) -> str:
        return SECONDARY_MARK if self.secondary or not self.threshold else f"<{self.threshold}"


#: Counts of a measures frame (by window) and the figures worked out from each.
_DERIVED = {
    "quarter": ("outcome_rate_quarter",),
    "r12": ("r12_rate_per_1000", "outcome_rate_r12"),
}


def withheld(frame: pd.DataFrame, found: Disclosure, sel: str, level: str) -> pd.DataFrame:
    """A measures frame as published: withheld counts replaced by :class:`Withheld`, and every
    change, rate and outcome figure that uses a withheld count blanked."""
    out = frame.copy()
    windows = [w for w in found.windows if isinstance(w, str) and w in out.columns]
    for w in windows:
        out[w] = out[w].astype(object)
    for col in out.columns:
        if col.startswith(("change_", "outcome_rate", "positive_outcomes", "r12_rate")):
            out[col] = out[col].astype(object)
    for i, code in zip(out.index, out["area_code"], strict=True):
        _blank_outcomes(out, i, found, sel, level, str(code))
        # A window the data do not cover stays blank (not published), never "withheld".
        hidden = {
            w
            for w in windows
            if not pd.isna(out.at[i, w]) and found.hidden(sel, level, str(code), w)
        }
        if not hidden:
            continue
        for w in hidden:
            out.at[i, w] = Withheld(found.secondary(sel, level, str(code), w), found.threshold)
            for col in _DERIVED.get(w, ()):
                if col in out.columns:
                    out.at[i, col] = None
        for col in out.columns:
            if col.startswith("change_") or col.startswith("outcome_rate_change_"):
                comparator = col.removeprefix("outcome_rate_").removeprefix("change_")
                base = "quarter" if comparator in QUARTER_WINDOWS else "r12"
                if comparator in hidden or base in hidden:
                    out.at[i, col] = None
    return out


def _blank_outcomes(
    out: pd.DataFrame, i: Any, found: Disclosure, sel: str, level: str, code: str
) -> None:
    """Positive outcomes and the rates worked out from them, blanked where withheld."""
    gone = {
        w for w in found.windows if isinstance(w, str) and found.outcome_hidden(sel, level, code, w)
    }
    for w in gone & {"quarter", "r12"}:
        for col in (f"positive_outcomes_{w}", f"outcome_rate_{w}"):
            if col in out.columns:
                out.at[i, col] = None
    for col in out.columns:
        if col.startswith("outcome_rate_change_"):
            comparator = col.removeprefix("outcome_rate_change_")
            base = "quarter" if comparator in QUARTER_WINDOWS else "r12"
            if comparator in gone or base in gone:
                out.at[i, col] = None
