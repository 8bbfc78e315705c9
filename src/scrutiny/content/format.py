"""Every number as a reader sees it, formatted in one place for the report, the dashboard, the
open data and the command line: a dash for no figure, thousands separators, true minus signs.

>>> money(-12.46), count(1234.0), pct(12.34, 1), rate_text(3.14159)
('−£12.5m', '1,234', '12.3%', '3.14')
>>> slug("Theft from the Person"), slug("!!")
('theft-from-the-person', 'x')
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

from scrutiny.config.names import slug as slug  # the one rule, defined below every layer
from scrutiny.judge.narrative import format_pct_change

if TYPE_CHECKING:
    from scrutiny.content.model import Column

DASH = "–"
MINUS = "\u2212"
#: Survey gaps at least this large (either way) are flagged in "flag" columns (the rule itself
#: is ``returns.derived.GAP_FLAG_PP``; kept here so formatting imports no statistics).
FLAG_PP = 5.0


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pd = sys.modules.get("pandas")  # only pandas' values can be its NA; never import it here
    if pd is None:
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: Any) -> float | None:
    """A plain float, or None for missing, withheld (disclosure control) and non-finite values."""
    if getattr(value, "withheld", False) or is_missing(value):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def money(x: float | None, decimals: int = 1) -> str:
    """``£12.5m``; negative amounts as ``−£12.5m``; a dash for none."""
    if x is None:
        return DASH
    sign = MINUS if x < 0 else ""
    return f"{sign}£{abs(x):,.{decimals}f}m"


def count(x: float | None) -> str:
    """``12,345``; a count withheld by disclosure control reads its mark (``<10``, ``[c]``)."""
    if getattr(x, "withheld", False):
        return str(x)
    return DASH if x is None else f"{x:,.0f}"


def pct(x: float | None, decimals: int = 0) -> str:
    return DASH if x is None else f"{x:.{decimals}f}%"


def pct_text(value: float | None) -> str:
    """A percentage change (``+8%``, ``−3.5%``)."""
    return DASH if value is None else format_pct_change(value)


def rate_text(value: float | None) -> str:
    return DASH if value is None else f"{value:,.2f}"


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


def _signed(text: str, negative: bool, positive: bool) -> str:
    if negative:
        return MINUS + text
    return ("+" + text) if positive else text


def format_cell(value: Any, col: Column) -> str:
    """A report cell as printed: numbers by the column's decimals and unit, true minus signs,
    £m negatives in brackets; a dash for no figure."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = col.decimals if col.decimals is not None else (0 if isinstance(value, int) else 1)
    magnitude = f"{abs(value):,.{decimals}f}"
    zero = float(magnitude.replace(",", "")) == 0
    if col.unit == "£m":
        return f"({magnitude})" if value < 0 and not zero else magnitude
    text = _signed(magnitude, value < 0 and not zero, col.signed and value > 0 and not zero)
    if is_flagged(value, col):
        text += "*"
    return text + ("%" if col.unit == "%" else "")


def grouped(text: str) -> str:
    """A whole number a return gives as text (an annual count target, "2000") with thousands
    separators ("2,000"), as the figures beside it are printed; other text unchanged."""
    bare = text.strip()
    return f"{int(bare):,}" if bare.isascii() and bare.isdigit() and len(bare) > 3 else text


def is_flagged(value: Any, col: Column) -> bool:
    """A survey gap in a "flag" column that reaches the flag threshold."""
    return col.kind == "flag" and isinstance(value, int | float) and abs(value) >= FLAG_PP - 1e-9


def measure_cell(key: str, value: object) -> str:
    """A cell of the crime measures' table (keys of ``measures.summary.COLUMNS``) as text."""
    if value is None:
        return DASH
    if key.startswith("outcome_rate_change_"):
        return f"{value:+.1f} pp"
    if key.startswith("outcome_rate_"):
        return f"{value:.1f}%"
    if key.startswith("change_"):
        return f"{value:+.1f}"
    if key == "r12_rate_per_1000":
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
