"""Statistical disclosure control, applied to the content model before anything is drawn.

A workspace's ``settings.suppress_below`` hides every count below it as ``<N`` on public pages
and in public CSVs (``null`` plus a ``suppressed`` list in JSON); a change or rate worked out
from a hidden count is hidden too. :func:`suppress_report` applies it to a whole report, chart
data included, so no rendering can show what a table hides. Secondary suppression
(:mod:`scrutiny.analysis.disclosure`) marks further counts :class:`Withheld` in the dashboard's
measures before any page is built; they read ``[c]`` (withheld so that a small count cannot be
worked out from a total minus its published parts).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from scrutiny.analysis.disclosure import SECONDARY_MARK, Withheld
from scrutiny.content.format import DASH, is_missing
from scrutiny.content.model import Cell, Chart, Column, Report, Section, Table

#: Columns of report tables that hold counts of offences or outcomes (suppressed when small).
COUNT_COLUMNS = frozenset(
    {"quarter", "r12", "previous_outcomes", "current_outcomes", "offences", "volume"}
)
COUNT_LABELS = frozenset({"Offences"})
#: Fields of a chart spec's inline data that hold counts (the SPC chart's monthly counts).
SPEC_COUNT_FIELDS = frozenset({"count"})
#: How a count withheld by secondary suppression reads (the statistical offices' mark).
WITHHELD = SECONDARY_MARK


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
        if isinstance(value, Withheld):
            text = WITHHELD if value.secondary else f"<{self.threshold}"
            return Count(None, text, True)
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


def suppress_report(report: Report, hide: Suppressor) -> Report:
    """The report with small counts hidden (a no-op when the workspace publishes everything)."""
    if not hide.threshold:
        return report
    return replace(report, sections=tuple(_section(s, hide) for s in report.sections))


def _section(section: Section, hide: Suppressor) -> Section:
    blocks: list[Any] = []
    for b in section.blocks:
        if isinstance(b, Table):
            blocks.append(suppress_table(b, hide))
        elif isinstance(b, Chart):
            blocks.append(suppress_chart(b, hide))
        else:
            blocks.append(b)
    children = tuple(_section(c, hide) for c in section.children)
    return replace(section, blocks=tuple(blocks), children=children)


def suppress_chart(chart: Chart, hide: Suppressor) -> Chart:
    """The chart with small counts hidden in its data table and in the data its spec draws
    (a hidden month is a gap in the line)."""
    data = chart.spec.get("data")
    spec = chart.spec
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        values = [
            {k: (None if k in SPEC_COUNT_FIELDS and hide.hides(v) else v) for k, v in row.items()}
            if isinstance(row, dict)
            else row
            for row in data["values"]
        ]
        spec = {**chart.spec, "data": {**data, "values": values}}
    return replace(chart, spec=spec, data=suppress_table(chart.data, hide))


def _is_count(column: Column) -> bool:
    return column.kind == "number" and (column.key in COUNT_COLUMNS or column.label in COUNT_LABELS)


def suppress_table(table: Table, hide: Suppressor) -> Table:
    """The table with its small counts replaced by ``<N``."""
    counts = [i for i, c in enumerate(table.columns) if _is_count(c)]
    if not counts:
        return table
    rows = []
    for row in table.rows:
        cells: list[Cell] = list(row)
        for i in counts:
            if hide.hides(cells[i]):
                cells[i] = hide.count(cells[i]).text
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))
