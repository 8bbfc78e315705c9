"""Disclosure control for the crime figures, decided once before anything is rendered.

The public outputs (dashboard pages, CSV/JSON, the static site and its archive of every
quarter) publish, for every category and every area of every level, the counts of a quarter, of
twelve months (R12), of each comparator window and of each month of the SPC chart.
:func:`decide` builds one table of every month and every window any quarter's pages show, with
the sums a reader could difference:

* areas: a ward's borough is the sum of its wards, a BCU of its boroughs, the force of its
  BCUs (with force-only areas) and of its boroughs;
* categories: a group, a total or a joined series is the sum of its single categories, and of
  its major groups where they make it up exactly;
* time: a quarter or twelve months is the sum of their months, twelve months of their quarters;

and hides, by :func:`scrutiny.judge.disclosure.suppress`, every count below the threshold plus
enough others that none of them follows from a published total minus its published parts.
One decision for every quarter, so a count is withheld on every page that shows it or on none
(:meth:`Decision.for_quarter` is what one quarter's pages read). A count no page shows is
unknown to a reader (NaN: an area the data do not cover that month), except that a category the
data hold nowhere in a month adds 0 to its group, which a reader knows. A monthly series with
any hidden month publishes no statistic (mean, limits, SPC reading): the mean times the months
minus the published months would give the hidden one.

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
from scrutiny.measures.crime import CrimeQuery, area_months, member_months, published_months
from scrutiny.measures.query import in_area, scheme_months
from scrutiny.store.crime_names import OFFENCES, POSITIVE_OUTCOMES

#: Months of the SPC chart (as :mod:`scrutiny.analysis.crime` draws it).
SPC_MONTHS = 36

Window = str | date
Cell = tuple[str, str, str]  # (level, area code, selection name)
Span = tuple[date, int]  # a window as its first month and its number of months
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
    unshown: np.ndarray | None = None  # counts no page shows (NaN, or 0 known to a reader)

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


def _months_between(first: date, end: date) -> list[date]:
    return [
        add_months(first, i) for i in range((end.year - first.year) * 12 + end.month - first.month)
    ]


def _quarter_spans(quarter: Quarter, baseline: Baseline) -> dict[Window, Span]:
    """Each window a page of ``quarter`` publishes (the named windows and the SPC chart's
    months) with its span."""
    named = CrimeQuery(quarter, baseline).windows()
    spans: dict[Window, Span] = {k: (w.start, w.months) for k, w in named.items()}
    first = add_months(quarter.last_month, -(SPC_MONTHS - 1))
    for i in range(SPC_MONTHS):
        spans[add_months(first, i)] = (add_months(first, i), 1)
    return spans


def _published(
    con: ibis.BaseBackend,
    selections: Sequence[Selection],
    level: str,
    codes: Sequence[str],
    months: Sequence[date],
    measure: str,
) -> np.ndarray:
    """Selections × areas × months: whether the pages publish the count (every month the
    measures publish for the selection in the area, as its series and windows have them)."""
    published = published_months(con, level)
    by_area = area_months(con, level)
    with_areas = {(s, m) for s, m, _ in by_area}
    at = {m: i for i, m in enumerate(months)}
    found = np.zeros((len(selections), len(codes), len(months)), dtype=bool)
    for i, sel in enumerate(selections):
        by_scheme = scheme_months(sel, published, measure)
        for a, code in enumerate(codes):
            shown = in_area(by_scheme, by_area, code, measure, with_areas)
            found[i, a, [at[m] for m in shown if m in at]] = True
    return found


def _held(
    con: ibis.BaseBackend, selections: Sequence[Selection], months: Sequence[date], measure: str
) -> np.ndarray:
    """Selections × months: whether the data hold any category of the selection that month at
    any level (else the selection adds 0 to every sum, and a reader knows it)."""
    at = {m: i for i, m in enumerate(months)}
    found = np.zeros((len(selections), len(months)), dtype=bool)
    for level in GEO_LEVELS:
        published = published_months(con, level)
        for i, sel in enumerate(selections):
            for held in scheme_months(sel, published, measure).values():
                found[i, [at[m] for m in held if m in at]] = True
    return found


def decide(
    con: ibis.BaseBackend,
    quarters: Sequence[Quarter],
    baseline: Baseline,
    selections: Sequence[Selection],
    areas: Mapping[str, Mapping[str, Area]],
    threshold: int,
) -> Decision:
    """Decide once, for every page of every one of ``quarters``, what of the crime figures may be
    published at ``threshold``: one table of every month and every window any of them shows."""
    spans: dict[Span, None] = {}
    for q in quarters:
        spans.update(dict.fromkeys(_quarter_spans(q, baseline).values()))
    first = min(s for s, _ in spans)
    end = max(add_months(s, n) for s, n in spans)
    months = _months_between(first, end)
    month_at = {m: i for i, m in enumerate(months)}
    # Months first (each its own span), then every longer span, oldest first.
    longer = sorted(s for s in spans if s[1] > 1)
    windows: tuple[Span, ...] = (*((m, 1) for m in months), *longer)
    members: list[Member] = sorted({m for s in selections for m in s.members})
    member_at = {m: i for i, m in enumerate(members)}
    belongs = np.zeros((len(selections), len(members)))
    for i, s in enumerate(selections):
        for m in s.members:
            belongs[i, member_at[m]] = 1.0
    # A span's count is the sum of its months' (a difference of cumulative sums), and it is
    # published only when every one of its months is.
    starts = np.array([month_at[start] for start, _ in windows])
    lengths = np.array([n for _, n in windows])

    def spans_of(by_month: np.ndarray) -> np.ndarray:
        """(…, months) → (…, windows), months laid out first so each window is two rows."""
        flat = np.ascontiguousarray(by_month.reshape(-1, by_month.shape[-1]).T)
        cum = np.concatenate([np.zeros((1, flat.shape[1])), np.cumsum(flat, axis=0)])
        found = (cum[starts + lengths] - cum[starts]).T
        return found.reshape(*by_month.shape[:-1], len(windows))

    def table(measure: str) -> tuple[dict[Cell, int], np.ndarray, np.ndarray]:
        """Cells × windows of one measure (NaN: a count no page shows and a reader cannot
        know), and where no page shows the count."""
        cells: dict[Cell, int] = {}
        blocks = []
        unshown: list[np.ndarray] = []
        held = _held(con, selections, months, measure)
        for level in GEO_LEVELS:
            codes = list(areas.get(level, {}))
            if not codes:
                continue
            area_at = {c: i for i, c in enumerate(codes)}
            counts = np.zeros((len(members), len(codes), len(months)))
            frame = member_months(con, members, level, first, end, measure)
            area = frame["area_code"].map(area_at)
            month = frame["month"].map(month_at)
            ok = (area.notna() & month.notna()).to_numpy()
            np.add.at(
                counts,
                (
                    frame["member"].to_numpy()[ok],
                    area.to_numpy()[ok].astype(np.int64),
                    month.to_numpy()[ok].astype(np.int64),
                ),
                frame["count"].to_numpy()[ok],
            )
            by_sel = np.tensordot(belongs, counts, axes=(1, 0))  # selections × areas × months
            block = spans_of(by_sel)
            # A month the pages show is published; one of a category the data hold nowhere
            # that month is 0 to a reader (it adds nothing to its group); any other month
            # (an area the data do not cover) is unknown. A window is as its months.
            shown = _published(con, selections, level, codes, months, measure)
            known = shown | ~held[:, None, :]
            block[spans_of(known.astype(float)) != lengths] = np.nan
            unshown.append(
                (spans_of(shown.astype(float)) != lengths)
                .transpose(1, 0, 2)
                .reshape(-1, len(windows))
            )
            for code in codes:
                for s in selections:
                    cells[(level, code, s.name)] = len(cells)
            blocks.append(block.transpose(1, 0, 2).reshape(-1, len(windows)))
        if not blocks:
            return cells, np.zeros((0, len(windows))), np.zeros((0, len(windows)), dtype=bool)
        return cells, np.concatenate(blocks), np.concatenate(unshown)

    cells, values, unshown = table(OFFENCES)
    equations = _equations(cells, selections, areas)
    window_sums = _span_sums(windows)
    hidden = suppress(values, equations, threshold, window_sums, unshown=unshown)
    # Positive outcomes: withheld where small, and wherever the offences are (outcomes ÷
    # offences would give a withheld count back), then closed over the same sums.
    _, outcomes, outcomes_unshown = table(POSITIVE_OUTCOMES)
    start = hidden & ~np.isnan(outcomes)
    outcomes_hidden = suppress(
        outcomes, equations, threshold, window_sums, start=start, unshown=outcomes_unshown
    )
    outcomes_hidden &= ~np.isnan(outcomes)
    return Decision(
        threshold,
        windows,
        cells,
        values,
        hidden,
        tuple(equations),
        outcomes,
        outcomes_hidden,
        unshown | np.isnan(values),
    )


def _equations(
    cells: Mapping[Cell, int],
    selections: Sequence[Selection],
    areas: Mapping[str, Mapping[str, Area]],
) -> list[np.ndarray]:
    """Every sum a reader could difference, as cell indices (the total first): areas in their
    parents, categories in their groups."""
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
    return equations


def _span_sums(windows: Sequence[Span]) -> list[np.ndarray]:
    """Each longer window as the sum of its months, and twelve months as the sum of their four
    quarters where those are windows too."""
    at = {w: i for i, w in enumerate(windows)}
    sums = []
    for w, (start, n) in enumerate(windows):
        if n > 1:
            sums.append(np.array([w, *(at[(add_months(start, i), 1)] for i in range(n))]))
        if n == 12:
            quarters = [(add_months(start, 3 * i), 3) for i in range(4)]
            if all(q in at for q in quarters):
                sums.append(np.array([w, *(at[q] for q in quarters)]))
    return sums


@dataclass(frozen=True)
class Decision:
    """Which counts are withheld, decided once over every month and window any page shows
    (windows as spans: first month, number of months), so a count reads the same on every
    page. :meth:`for_quarter` is the part one quarter's pages show."""

    threshold: int
    windows: tuple[Span, ...]
    cells: Mapping[Cell, int]
    values: np.ndarray  # cells × windows
    hidden: np.ndarray
    equations: tuple[np.ndarray, ...]
    outcomes: np.ndarray
    outcomes_hidden: np.ndarray
    unshown: np.ndarray

    def for_quarter(self, quarter: Quarter, baseline: Baseline) -> Disclosure | None:
        """``quarter``'s windows and SPC months (None when the decision does not hold them)."""
        at = {w: i for i, w in enumerate(self.windows)}
        spans = _quarter_spans(quarter, baseline)
        if any(s not in at for s in spans.values()):
            return None
        cols = [at[s] for s in spans.values()]
        return Disclosure(
            self.threshold,
            tuple(spans),
            self.cells,
            self.values[:, cols],
            self.hidden[:, cols],
            self.equations,
            self.outcomes[:, cols],
            self.outcomes_hidden[:, cols],
            self.unshown[:, cols],
        )


def disclosure(
    con: ibis.BaseBackend,
    quarter: Quarter,
    baseline: Baseline,
    selections: Sequence[Selection],
    areas: Mapping[str, Mapping[str, Area]],
    threshold: int,
) -> Disclosure:
    """What of ``quarter``'s crime figures may be published at ``threshold``, decided over that
    quarter's pages alone (a quarter the data's decision does not hold: :func:`decide`)."""
    found = decide(con, [quarter], baseline, selections, areas, threshold)
    result = found.for_quarter(quarter, baseline)
    assert result is not None
    return result


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

    def __format__(self, spec: str) -> str:
        return str(self)  # a page formatting counts (``f"{n:,}"``) prints the mark


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


def withheld_rows(
    rows: Sequence[dict[str, Any]], found: Disclosure, level: str, withheld_reading: str
) -> list[dict[str, Any]]:
    """Rows of the static site's archive (:func:`scrutiny.analysis.history.history`: one per
    category and area of ``level``) as published under ``found``, the same decision every page
    of the quarter reads: a withheld count becomes :class:`Withheld`; the changes, their
    significance and the rate worked out from it are blanked; an area whose 36 months have a
    withheld month gets ``withheld_reading`` for its SPC verdict (as the open data have it)."""
    names = [w for w in found.windows if isinstance(w, str)]
    cols = [found.windows.index(w) for w in names]
    months = [i for i, w in enumerate(found.windows) if isinstance(w, date)]
    out = []
    for r in rows:
        cell = found.cells.get((level, str(r["area_code"]), str(r["category"])))
        if cell is None:
            out.append(r)
            continue
        row = found.hidden_cells[cell]
        hidden = {w for w, c in zip(names, cols, strict=True) if row[c] and r.get(w) is not None}
        if not hidden and not row[months].any():
            out.append(r)
            continue
        r = dict(r)
        for w in hidden:
            secondary = found.secondary(str(r["category"]), level, str(r["area_code"]), w)
            r[w] = Withheld(secondary, found.threshold)
        for key in [k for k in r if k.startswith(("change_", "significant_"))]:
            comparator = key.removeprefix("change_").removeprefix("significant_")
            base = "quarter" if comparator in QUARTER_WINDOWS else "r12"
            if comparator in hidden or base in hidden:
                r[key] = None
        if "r12" in hidden and "r12_rate_per_1000" in r:
            r["r12_rate_per_1000"] = None
        if row[months].any() and "spc_verdict" in r:
            r["spc_verdict"] = withheld_reading
        out.append(r)
    return out
