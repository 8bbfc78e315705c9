"""Financial-year quarters, rolling 12 months and the comparators the reports use.

Policing reports run on the financial year (April–March): ``2023-24Q1`` is April–June 2023.
A *window* is a half-open run of whole months; every measure is a sum over one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_QUARTER_RE = re.compile(r"^\s*(\d{4})[-/](\d{2})\s*Q([1-4])\s*$", re.IGNORECASE)


def month_index(d: date) -> int:
    """Months since year 0, so month arithmetic is integer arithmetic."""
    return d.year * 12 + d.month - 1


def month_from_index(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


def add_months(d: date, n: int) -> date:
    return month_from_index(month_index(d) + n)


@dataclass(frozen=True, order=True)
class Window:
    """Whole months from ``start`` (first day of a month) for ``months`` months."""

    start: date
    months: int
    label: str = ""

    @property
    def end(self) -> date:
        """First day of the month after the window (exclusive bound)."""
        return add_months(self.start, self.months)

    @property
    def last_month(self) -> date:
        return add_months(self.start, self.months - 1)

    def month_list(self) -> list[date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def describe(self) -> str:
        first, last = self.start, self.last_month
        if self.months == 1:
            return first.strftime("%b %Y")
        return f"{first.strftime('%b %Y')}–{last.strftime('%b %Y')}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: ``fy_start`` is the calendar year the financial year begins."""

    fy_start: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse ``2023-24Q1`` (also ``2023/24 Q1``); the two years must be consecutive."""
        m = _QUARTER_RE.match(text)
        if not m:
            raise ValueError(
                f"quarter {text!r}: expected the form 2023-24Q1 (financial year, Q1-Q4)"
            )
        start, end2, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if (start + 1) % 100 != end2:
            raise ValueError(f"quarter {text!r}: {start} is not followed by {end2:02d}")
        return cls(start, q)

    @classmethod
    def containing(cls, d: date) -> Quarter:
        fy = d.year if d.month >= 4 else d.year - 1
        q = ((d.month - 4) % 12) // 3 + 1
        return cls(fy, q)

    def __str__(self) -> str:
        return f"{self.fy_start}-{(self.fy_start + 1) % 100:02d}Q{self.q}"

    @property
    def label(self) -> str:
        """The reports' own wording: ``Q1 2023-24``."""
        return f"Q{self.q} {self.fy_start}-{(self.fy_start + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return add_months(date(self.fy_start, 4, 1), 3 * (self.q - 1))

    @property
    def last_month(self) -> date:
        return add_months(self.start, 2)

    def shift(self, quarters: int) -> Quarter:
        i = self.fy_start * 4 + self.q - 1 + quarters
        return Quarter(i // 4, i % 4 + 1)

    def window(self) -> Window:
        return Window(self.start, 3, self.label)

    def rolling_12_months(self) -> Window:
        """The 12 months ending with this quarter's last month."""
        return Window(add_months(self.start, -9), 12, f"12 months to {self.last_month:%B %Y}")

    @property
    def fraction_of_year(self) -> float:
        """How much of the financial year has passed at the end of this quarter (Q1 = 0.25)."""
        return self.q / 4


class Comparator(StrEnum):
    PREVIOUS_QUARTER = "previous_quarter"
    SAME_QUARTER_LAST_YEAR = "same_quarter_last_year"
    SAME_QUARTER_BASELINE = "same_quarter_baseline"
    PREVIOUS_R12 = "previous_r12"
    BASELINE_R12 = "baseline_r12"


QUARTER_COMPARATORS = (
    Comparator.PREVIOUS_QUARTER,
    Comparator.SAME_QUARTER_LAST_YEAR,
    Comparator.SAME_QUARTER_BASELINE,
)
R12_COMPARATORS = (Comparator.PREVIOUS_R12, Comparator.BASELINE_R12)
#: A quarter's windows as the measures name them: the quarter and its comparators, then the 12
#: months and theirs.
WINDOWS = (
    "quarter",
    *(c.value for c in QUARTER_COMPARATORS),
    "r12",
    *(c.value for c in R12_COMPARATORS),
)


@dataclass(frozen=True)
class Baseline:
    """The pre-pandemic reference: a financial year for quarters, a 12-month window for R12."""

    fy_start: int = 2019
    r12_last_month: date = date(2020, 2, 1)

    def r12(self) -> Window:
        return Window(
            add_months(self.r12_last_month, -11), 12, f"12 months to {self.r12_last_month:%B %Y}"
        )


def comparator_window(quarter: Quarter, comparator: Comparator, baseline: Baseline) -> Window:
    """The window a comparator sets beside ``quarter`` (a quarter, or an R12 for the R12 ones)."""
    match comparator:
        case Comparator.PREVIOUS_QUARTER:
            return quarter.shift(-1).window()
        case Comparator.SAME_QUARTER_LAST_YEAR:
            return quarter.shift(-4).window()
        case Comparator.SAME_QUARTER_BASELINE:
            return Quarter(baseline.fy_start, quarter.q).window()
        case Comparator.PREVIOUS_R12:
            return quarter.shift(-4).rolling_12_months()
        case Comparator.BASELINE_R12:
            return baseline.r12()
    raise ValueError(comparator)


def parse_month_column(text: str) -> date | None:
    """``202304`` → 2023-04-01; anything else → None."""
    s = text.strip()
    if len(s) != 6 or not s.isdigit():
        return None
    year, month = int(s[:4]), int(s[4:])
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return date(year, month, 1)
