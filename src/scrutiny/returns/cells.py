"""Parsing one cell of a return: numbers as reports print them, money, quarters, ratings, dates.

Each parser takes the raw cell and returns a Python value or raises ``ValueError`` whose text
says what was expected; the caller turns that into a :class:`~scrutiny.returns.base.CellError`.
"""

from __future__ import annotations

import math
import re
from datetime import date

from scrutiny.config.periods import Quarter
from scrutiny.judge.rag import Rag, parse_rag, parse_trend
from scrutiny.returns.base import Raw

#: Cells that mean "no figure" in the seed reports (not available, not applicable, dash).
MISSING = {"", "-", "–", "—", "n/a", "na", "n.a.", "not available"}

#: Larger than any figure a return holds (£ included): beyond it is a slip or an attack.
MAX_FIGURE = 1e12
_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def is_missing(raw: Raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip().casefold() in MISSING)


#: C0 control characters but tab and line ends, and DEL: a NUL byte in a cell means a damaged
#: file, never a service's or milestone's name.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(raw: Raw) -> str:
    found = "" if raw is None else str(raw).strip()
    if _CONTROL.search(found):
        raise ValueError("text without control characters (a NUL byte…: is the file damaged?)")
    return found


def number(raw: Raw) -> float:
    """``1,234.5``, ``87%``, ``-2%``, ``(27.7)`` (accounts' negative), ``£3.2``, ``−4``."""
    return _bounded(_number(raw))


def _bounded(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_FIGURE:
        raise ValueError(f"a figure of at most {MAX_FIGURE:,.0f} in size was expected")
    return value


def _number(raw: Raw) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    s = text(raw).replace("\u2212", "-").replace("£", "").replace(" ", "")
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    s = s.removesuffix("%")
    if not s or not _NUMBER_RE.match(s) or s in {"+", "-", "."}:
        raise ValueError("expected a number such as 1,234.5, 87% or (27.7)")
    if len(s) > 40:
        raise ValueError(f"a number of {len(s)} characters; a figure has at most 40")
    value = float(s.replace(",", ""))
    return -value if negative else value


def integer(raw: Raw) -> int:
    value = number(raw)
    if not value.is_integer():
        raise ValueError("expected a whole number")
    return int(value)


_MONEY_RE = re.compile(r"^£?\s*([\d,]*\.?\d+)\s*(m|bn|k)?$", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "bn": 1e9, None: 1.0}


def money(raw: Raw) -> float:
    """Pounds: ``£7.86m``, ``£700k``, ``£47,110,918`` or a plain number of pounds."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _bounded(float(raw))
    m = _MONEY_RE.match(text(raw).replace(", ", ","))
    if not m:
        raise ValueError("expected an amount of money such as £7.86m, £700k or 47,110,918")
    scale = _SCALE[m.group(2).lower() if m.group(2) else None]
    return round(_bounded(float(m.group(1).replace(",", "")) * scale), 2)


def rating(raw: Raw, allowed: tuple[Rag, ...]) -> str:
    try:
        rag = parse_rag(text(raw))
    except ValueError:
        rag = None
    if rag is None or rag not in allowed:
        letters = "/".join(r.value for r in allowed)
        raise ValueError(f"expected a rating letter: {letters}")
    return rag.value


def trend(raw: Raw) -> str:
    try:
        return parse_trend(text(raw)).value
    except ValueError:
        raise ValueError("expected a trend arrow ↑ → ↓ (or up/same/down)") from None


_REPORT_Q_RE = re.compile(r"^Q\s*(\d)\s*(?:(\d{4}|\d{2})\s*/\s*(\d{2}))?$", re.IGNORECASE)


def quarter(raw: Raw, context: Quarter | None = None) -> str:
    """A quarter as ``2023-24Q1``, or as the reports write it (``Q4 22/23``, ``Q4 2022/23``,
    or ``Q2`` meaning that quarter of the return's own financial year). Returns ``2023-24Q1``."""
    s = text(raw)
    expected = "expected a quarter such as 2023-24Q1, Q4 22/23, or Q2 (of the return's year)"
    m = _REPORT_Q_RE.match(s)
    if m is None:
        try:
            return str(Quarter.parse(s))
        except ValueError:
            raise ValueError(expected) from None
    q = int(m.group(1))
    if not 1 <= q <= 4:
        raise ValueError(f"there is no quarter Q{q}; {expected}")
    if m.group(2) is None:
        if context is None:
            raise ValueError(f"a bare Q{q} needs the return's quarter; {expected}")
        return str(Quarter(context.fy_start, q))
    first = int(m.group(2))
    if first < 100:
        first += 2000
    if (first + 1) % 100 != int(m.group(3)):
        raise ValueError(f"{first} is not followed by {m.group(3)}: {expected}")
    return str(Quarter(first, q))


_UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def day(raw: Raw) -> str:
    """A date as ISO ``2017-04-07`` or as UK reports write it (``7/4/17``, ``07/04/2017``)."""
    s = text(raw)
    try:
        m = _UK_DATE_RE.match(s)
        if m:
            year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
            return date(year, int(m.group(2)), int(m.group(1))).isoformat()
        return date.fromisoformat(s).isoformat()
    except ValueError:
        raise ValueError(
            "expected a date such as 2017-04-07 or 7/4/2017 (day/month/year)"
        ) from None


def choice(raw: Raw, choices: tuple[str, ...]) -> str:
    s = text(raw)
    for c in choices:
        if s.casefold() == c.casefold():
            return c
    raise ValueError("expected one of: " + ", ".join(choices))


def names(raw: Raw) -> str:
    """A ``;``-separated list of line names (for ``total_of``), normalised to ``a; b``."""
    parts = [p.strip() for p in text(raw).split(";")]
    if any(not p for p in parts):
        raise ValueError("expected line names separated by ';'")
    return "; ".join(parts)
