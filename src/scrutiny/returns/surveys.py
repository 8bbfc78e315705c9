"""Public Attitude Survey (PAS) tables with multi-row headers, read into survey rows.

The published PAS CSVs stack their header over several rows: the question on the first, then
(optionally) the group the column is for, then what the figure is ("% Strongly agree/Tend to
agree"). The first column names the area ("Northtown - Central"); leading columns
with nothing under their first header (a code, a cluster) describe the area. Every following
header row starts with an empty cell, which is how the header's depth is found. Cells that are
blank or 'N/A' have no figure. The rows come out in the shape of the ``surveys`` return, so they
validate and load the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrutiny.config.periods import Quarter
from scrutiny.returns import cells
from scrutiny.returns.base import CellError, ReturnError, Sheet, read_csv
from scrutiny.returns.kinds import KINDS
from scrutiny.returns.spec import Parsed, parse_sheet


@dataclass(frozen=True)
class PasCell:
    row: int
    column: int
    area: str
    details: str  # the descriptive columns, e.g. "Code KG-KB; Group Group 7"
    question: str
    group: str | None
    definition: str
    value: float


def read_pas(path: Path) -> list[PasCell]:
    """Every figure of a PAS table, with its question, group and definition."""
    sheet = read_csv(path)
    lines = [sheet.header, *(list(map(str, c)) for _, c in sheet.rows)]
    numbers = [1, *(n for n, _ in sheet.rows)]
    if not sheet.header or not sheet.header[0].strip():
        raise ReturnError(
            [
                CellError(
                    path.name,
                    1,
                    "#1",
                    None,
                    "expected the first header row to name the area column",
                )
            ]
        )
    depth = 1
    while depth < len(lines) and not lines[depth][0].strip():
        depth += 1
    header, data = lines[:depth], list(zip(numbers[depth:], lines[depth:], strict=True))
    width = len(header[0])

    def under(i: int) -> list[str]:
        return [h[i].strip() if i < len(h) else "" for h in header[1:]]

    described = 1
    while described < width and not any(under(described)) and depth > 1:
        described += 1
    out: list[PasCell] = []
    errors: list[CellError] = []
    for number, fields in data:
        area = fields[0].strip()
        details = "; ".join(
            f"{header[0][j].strip()} {fields[j].strip()}"
            for j in range(1, described)
            if j < len(fields)
        )
        for i in range(described, width):
            raw = fields[i] if i < len(fields) else ""
            if cells.is_missing(raw):
                continue
            below = under(i)
            try:
                value = cells.number(raw)
            except ValueError as exc:
                errors.append(
                    CellError(path.name, number, header[0][i].strip()[:60], raw, str(exc))
                )
                continue
            group = " / ".join(b for b in below[:-1] if b) or None
            definition = below[-1] if below else ""
            out.append(
                PasCell(number, i, area, details, header[0][i].strip(), group, definition, value)
            )
    if errors:
        raise ReturnError(errors)
    return out


def pas_sheet(path: Path, window: str, group_dimension: str = "Group") -> Sheet:
    """The PAS table as a ``surveys`` return (one row per figure), keeping source row numbers."""
    kind = KINDS["surveys"]
    sheet = Sheet(path, None, [c.name for c in kind.columns])
    for c in read_pas(path):
        measure = f"{c.question} ({c.definition})" if c.definition else c.question
        dimension, group = (group_dimension, c.group) if c.group else ("All", "All")
        note = c.details
        sheet.rows.append(
            (c.row, ["PAS", window, measure, dimension, group, c.area, c.value, None, None, note])
        )
    return sheet


def parse_pas(path: Path, quarter: Quarter, window: str, group_dimension: str = "Group") -> Parsed:
    """Read, reshape and validate a PAS table as the ``surveys`` return of ``quarter``."""
    return parse_sheet(pas_sheet(path, window, group_dimension), KINDS["surveys"], quarter, None)
