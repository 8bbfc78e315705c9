"""Stop-and-search measures: Ibis expressions over ``stop_searches``, pure arithmetic for rates.

Volumes in a window by object of search, outcome or officer-defined ethnicity; the share of
searches with a positive outcome; rates per 1,000 residents and the disproportionality ratio
(rate of a group / rate of the reference group, e.g. Black vs White searches: 3.2x).

The expressions use only portable Ibis operations; the ratio arithmetic is plain Python so that
it can be tested table-driven, and so that a missing or zero population gives None, never a
division error or an infinite ratio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir

from scrutiny.config.periods import Window

#: Outcomes that are *not* positive. data.police.uk has used two wordings: "Nothing found - no
#: further action" (the one in a June 2016 force file) and "A no further action
#: disposal" (later files). Every other recorded outcome is positive; in the 2016 file: suspect
#: arrested, summonsed to court, offender cautioned, given a penalty notice or a drugs possession
#: warning, local resolution. A blank outcome is not counted as positive.
NO_FURTHER_ACTION = ("A no further action disposal", "Nothing found - no further action")

#: The breakdowns the report shows, by canonical column.
BREAKDOWNS = ("object_of_search", "outcome", "officer_defined_ethnicity")


def connect(warehouse_path: Path | str) -> ibis.BaseBackend:
    """A read-only Ibis connection to a warehouse file."""
    return ibis.duckdb.connect(str(warehouse_path), read_only=True)


def searches(con: ibis.BaseBackend, window: Window, force: str | None = None) -> ir.Table:
    """The searches in ``window`` (all forces, or one force by its data.police.uk name)."""
    t = con.table("stop_searches")
    t = t.filter(t.month >= window.start, t.month < window.end)
    if force is not None:
        t = t.filter(t.force == force)
    return t


def _is_positive(t: ir.Table) -> ir.BooleanColumn:
    # A blank outcome is not known to be positive: it counts as a search, not as a positive one.
    return t.outcome.notnull() & t.outcome.notin(NO_FURTHER_ACTION)


def searches_by(
    con: ibis.BaseBackend, window: Window, by: str, force: str | None = None
) -> ir.Table:
    """Searches and positive outcomes per value of ``by`` (a column, e.g. 'object_of_search').

    Columns: ``by``, ``searches``, ``positive``; a blank value is its own (NULL) group.
    """
    if by not in BREAKDOWNS and by not in ("gender", "age_range", "type", "legislation", "force"):
        raise ValueError(f"cannot break stop and search down by {by!r}")
    t = searches(con, window, force)
    return (
        t.group_by(by)
        .agg(searches=t.count(), positive=t.count(where=_is_positive(t)))
        .order_by([ibis.desc("searches"), by])
    )


def positive_share(con: ibis.BaseBackend, window: Window, force: str | None = None) -> ir.Table:
    """One row: searches, positive outcomes, and their share (0-1; NULL with no searches)."""
    t = searches(con, window, force)
    agg = t.agg(searches=t.count(), positive=t.count(where=_is_positive(t)))
    return agg.mutate(share=agg.positive / agg.searches.nullif(0))


def counts(expr: ir.Table, by: str, value: str = "searches") -> dict[str | None, int]:
    """Run a ``searches_by`` expression: {group: count}."""
    return {row[by]: int(row[value]) for row in expr.to_pyarrow().to_pylist()}


# -- pure arithmetic -------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to share."""
    return part / whole if whole else None


def rate_per_1000(count: int, population: float | None) -> float | None:
    """Searches per 1,000 residents; None without a (positive) population."""
    if population is None or population <= 0:
        return None
    return 1000 * count / population


def ratio(rate: float | None, reference_rate: float | None) -> float | None:
    """rate / reference rate; None when either is unknown or the reference is zero."""
    if rate is None or reference_rate is None or reference_rate == 0:
        return None
    return rate / reference_rate


@dataclass(frozen=True)
class GroupRate:
    """One group's searches, rate per 1,000 residents and ratio to the reference group."""

    group: str
    searches: int
    population: float | None
    rate: float | None
    ratio: float | None  # rate / the reference group's rate; 1.0 for the reference itself


def disproportionality(
    searches_by_group: Mapping[str | None, int],
    population: Mapping[str, float],
    reference: str,
) -> list[GroupRate]:
    """Rate per 1,000 and ratio to ``reference`` for every group with a population figure.

    Groups without a population (e.g. 'Other', or searches with no ethnicity recorded) have no
    rate and are left out: their searches are not spread over anyone else's population.
    """
    if reference not in population:
        raise ValueError(f"no population given for the reference group {reference!r}")
    ref_rate = rate_per_1000(searches_by_group.get(reference, 0), population[reference])
    found = []
    for group in sorted(population, key=lambda g: (g != reference, g)):
        n = searches_by_group.get(group, 0)
        rate = rate_per_1000(n, population[group])
        found.append(GroupRate(group, n, population[group], rate, ratio(rate, ref_rate)))
    return found


def disproportionality_in(
    con: ibis.BaseBackend,
    window: Window,
    population: Mapping[str, float],
    reference: str = "White",
    force: str | None = None,
    by: str = "officer_defined_ethnicity",
) -> list[GroupRate]:
    """Searches in ``window`` by ethnicity (officer-defined by default) against population."""
    return disproportionality(
        counts(searches_by(con, window, by, force), by), population, reference
    )


def months_loaded(con: ibis.BaseBackend, force: str | None = None) -> ir.Table:
    """The months with stop-and-search records, one row each (column ``month``), in order."""
    t = con.table("stop_searches")
    if force is not None:
        t = t.filter(t.force == force)
    return t.select("month").distinct().order_by("month")


def ethnic_population(con: ibis.BaseBackend, area_codes: list[str]) -> ir.Table:
    """Census residents of ``area_codes`` by top-level ethnic group, latest census year:
    columns ``year``, ``ethnic_group``, ``population``."""
    t = con.table("population_ethnic_group")
    t = t.filter(t.area_code.isin(area_codes))
    latest = t.year.max()
    t = t.filter(t.year == latest.as_scalar())
    return t.group_by(["year", "ethnic_group"]).agg(population=t.population.sum())
