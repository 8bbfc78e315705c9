"""Cells that are safe to open in a spreadsheet: every CSV (and XLSX) export goes through here.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``,
``@SUM(…)``): a milestone or service name from a return could run on a reader's machine. Such a
cell is written with a leading apostrophe (``'=1+2``), which every spreadsheet shows as the text.
Numbers stay numbers: an ``int`` or ``float`` is never touched, and neither is text that is
just a number (``-5``, ``+3.2``, ``-12%``), so genuine negative figures stay numeric.
"""

from __future__ import annotations

import re
from typing import Any

#: What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$")


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV or XLSX cell."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value) and any(ch.isdigit() for ch in value):
        return value
    return "'" + value


def safe_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [safe_cell(v) for v in values]
