"""Tables sorted on the server (``?sort=rate&order=desc``), so they sort without JavaScript.

A page names its sortable columns (:class:`SortColumn`); :func:`resolve_sort` checks the request's
``sort`` and ``order`` against them (an unknown column is a 404 like any unknown parameter);
:func:`sort_rows` orders the rows with missing values always last; :func:`headers` gives each
column header its link (the opposite order when the table is already sorted by it) and its
``aria-sort``. With JavaScript, ``app.js`` turns the same headers into buttons that sort in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from scrutiny.analysis.data import NotFound
from scrutiny.web.links import Links

T = TypeVar("T")
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    numeric: bool = False
    #: What a first click sorts by: the highest figure first, names A to Z.
    first_order: str = ""

    @property
    def default_order(self) -> str:
        return self.first_order or ("desc" if self.numeric else "asc")


@dataclass(frozen=True)
class Sort:
    key: str
    order: str

    @property
    def descending(self) -> bool:
        return self.order == "desc"


@dataclass(frozen=True)
class Header:
    label: str
    numeric: bool
    href: str | None
    aria_sort: str  # "ascending", "descending" or "none"


def resolve_sort(sort: str | None, order: str | None, columns: Sequence[SortColumn]) -> Sort | None:
    """The sort asked for, or None (the page's own order)."""
    if not sort:
        return None
    found = next((c for c in columns if c.key == sort), None)
    if found is None:
        keys = ", ".join(c.key for c in columns)
        raise NotFound(f"cannot sort by {sort[:40]!r}; expected one of {keys}")
    if order and order not in ORDERS:
        raise NotFound(f"unknown order {order[:10]!r}; expected asc or desc")
    return Sort(found.key, order or found.default_order)


def sort_rows(rows: Sequence[T], sort: Sort | None, value: Callable[[T, str], Any]) -> list[T]:
    """``rows`` ordered by ``value(row, sort.key)``; rows without a value stay last (in their
    own order) whichever way the table is sorted. Stable, so ties keep the page's order."""
    if sort is None:
        return list(rows)
    known = [r for r in rows if value(r, sort.key) is not None]
    missing = [r for r in rows if value(r, sort.key) is None]
    known.sort(key=lambda r: _key(value(r, sort.key)), reverse=sort.descending)
    return known + missing


def _key(x: Any) -> Any:
    return x.lower() if isinstance(x, str) else x


def headers(
    links: Links, url: str, columns: Sequence[SortColumn], sort: Sort | None
) -> list[Header]:
    """The column headers of a sortable table: links that sort by each column."""
    found = []
    for c in columns:
        current = sort is not None and sort.key == c.key
        if current and sort is not None:
            aria = "descending" if sort.descending else "ascending"
            next_order = "asc" if sort.descending else "desc"
        else:
            aria, next_order = "none", c.default_order
        found.append(Header(c.label, c.numeric, links.sorted(url, c.key, next_order), aria))
    return found
