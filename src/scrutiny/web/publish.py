"""Numbers as the public sees them: formatted, and small counts suppressed when asked.

A workspace's ``settings.suppress_below`` (statistical disclosure control) hides every count
below it as ``<N`` on public pages and in public CSVs (``null`` plus a ``suppressed`` list in JSON);
a change or rate worked out from a hidden count is hidden too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scrutiny.judge.narrative import format_pct_change

DASH = "–"


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Count:
    """A count as published: its value (None when missing or suppressed) and its text."""

    value: int | None
    text: str
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Suppressor:
    """Hides counts below ``threshold`` (0 = publish everything)."""

    threshold: int = 0

    def count(self, value: Any) -> Count:
        if is_missing(value):
            return Count(None, DASH)
        n = int(value)
        if self.threshold and n < self.threshold:
            return Count(None, f"<{self.threshold}", True)
        return Count(n, f"{n:,}")

    def hides(self, value: Any) -> bool:
        return self.count(value).suppressed

    def csv_value(self, value: Any) -> Any:
        """The value a public CSV cell carries: the count, ``<N`` or blank."""
        c = self.count(value)
        if c.suppressed:
            return c.text
        return "" if c.value is None else c.value


def number(value: Any) -> float | None:
    """A plain float, or None for missing and non-finite values."""
    if is_missing(value):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def pct_text(value: float | None) -> str:
    return DASH if value is None else format_pct_change(value)


def rate_text(value: float | None) -> str:
    return DASH if value is None else f"{value:,.2f}"


def money_text(value: Any) -> str:
    x = number(value)
    return DASH if x is None else f"£{x:,.1f}m"


def cell_text(value: Any) -> str:
    """Any table cell as text: integers with separators, floats to one decimal, blanks dashed."""
    if is_missing(value):
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:,.1f}"
    return str(value)
