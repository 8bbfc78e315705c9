"""A report table as open data: number columns hold numbers only.

The report prints some figures as text ("£760k", "90%", "60,246 (July 2022-June 2023)", "–").
In a CSV that makes a column a spreadsheet cannot sum or sort. Here every column whose cells
are figures becomes numeric: the figure as a number (money in pounds, a percentage as its
number), empty where there is none, and beside it, only where needed, ``<column>_unit`` (when
a column mixes units) and ``<column>_note`` (what the report printed instead of or after the
figure: "not published", "R12 to June 2023"). A column of money is named ``<column>_gbp``, of
percentages ``<column>_pct``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrutiny.content.model import Cell, Table

#: What the report prints where there is no figure.
NO_FIGURE = {"", "–", "-", "—", "n/a", "N/A"}
NOT_PUBLISHED = "not published"

_FIGURE = re.compile(
    r"^\s*(?P<sign>[−\-+])?\s*(?P<money>£)?(?P<digits>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<scale>k|m|bn)?\s*(?P<unit>%|pp)?\s*(?:\((?P<note>[^()]*)\))?\s*$"
)
_SCALE = {None: 1.0, "k": 1e3, "m": 1e6, "bn": 1e9}


@dataclass(frozen=True)
class Figure:
    value: float | int
    unit: str  # "£", "%", "pp" or "" (a count)
    note: str = ""


def figure_of(cell: Cell) -> Figure | None:
    """The figure a printed cell holds ("£1.97m" → 1,970,000 £; "48% (R12 to June 2023)" → 48 %
    with its note), or None for text that is not one figure."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        return Figure(cell, "")
    m = _FIGURE.match(cell)
    if m is None:
        return None
    number = float(m["digits"].replace(",", "")) * _SCALE[m["scale"]]
    if m["sign"] in ("−", "-"):
        number = -number
    unit = "£" if m["money"] else (m["unit"] or "")
    value: float | int = int(number) if number.is_integer() else round(number, 6)
    return Figure(value, unit, (m["note"] or "").strip())


@dataclass(frozen=True)
class _Plan:
    key: str
    numeric: bool
    name: str = ""
    unit_column: bool = False
    note_column: bool = False


def _plan(key: str, kind: str, cells: Sequence[Cell]) -> _Plan:
    given = [c for c in cells if not (c is None or (isinstance(c, str) and c.strip() in NO_FIGURE))]
    figures = [figure_of(c) for c in given]
    found = [f for f in figures if f is not None]
    dashes = any(isinstance(c, str) and c.strip() in NO_FIGURE - {""} for c in cells)
    if not given and dashes:  # nothing but "–": a column of figures none of which is published
        return _Plan(key, True, key, False, True)
    # A text column of labels stays text; a column mostly of figures becomes numeric.
    if kind != "number" and (not found or len(found) * 2 < len(given)):
        return _Plan(key, False)
    units = {f.unit for f in found}
    name = key
    if units == {"£"}:
        name = f"{key}_gbp"
    elif units == {"%"}:
        name = f"{key}_pct"
    has_text = any(f is None for f in figures) or any(f.note for f in found)
    has_blank = len(given) < len(cells)
    return _Plan(key, True, name, len(units) > 1, has_text or (has_blank and kind != "number"))


def numeric_table(table: Table) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of ``table`` for CSV/JSON, number columns as numbers."""
    plans = [
        _plan(c.key, c.kind, [row[i] for row in table.rows]) for i, c in enumerate(table.columns)
    ]
    columns: list[str] = []
    for p in plans:
        if not p.numeric:
            columns.append(p.key)
            continue
        columns.append(p.name)
        if p.unit_column:
            columns.append(f"{p.key}_unit")
        if p.note_column:
            columns.append(f"{p.key}_note")
    rows = []
    for row in table.rows:
        out: dict[str, Any] = {}
        for p, cell in zip(plans, row, strict=True):
            if not p.numeric:
                # "–" is how the report prints a missing value; in a file it is empty.
                blank = isinstance(cell, str) and cell.strip() in NO_FIGURE
                out[p.key] = None if blank else cell
                continue
            fig = figure_of(cell)
            out[p.name] = None if fig is None else fig.value
            if p.unit_column:
                out[f"{p.key}_unit"] = None if fig is None else (fig.unit or "count")
            if p.note_column:
                if fig is not None:
                    note = fig.note
                elif cell is None or (isinstance(cell, str) and cell.strip() in NO_FIGURE):
                    note = NOT_PUBLISHED
                else:
                    note = str(cell)
                out[f"{p.key}_note"] = note or None
        rows.append(out)
    return columns, rows
