"""A theme's indicator series (the ``series`` return): per measure, the sentence of its judgment
and its figures by quarter (with the SPC verdict when the series is long enough)."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.analysis.series import SeriesAnalysis
from scrutiny.content.model import Block, Column, EmptyNotice, Sentence, Table
from scrutiny.report.data import ReportData


def _table(found: Sequence[SeriesAnalysis]) -> Table:
    """One row per quarter, one column per measure (with its numerator and base when given)."""
    periods = sorted({p.period for a in found for p in a.points})
    columns = [Column("period", "Quarter")]
    for a in found:
        name = a.measure if not a.area else f"{a.measure} ({a.area})"
        whole = all(float(p.value).is_integer() for p in a.points)  # the published precision
        unit = "%" if a.unit == "%" else ""
        columns.append(Column(f"v{len(columns)}", name, "number", unit, 0 if whole else 1))
        if any(p.denominator for p in a.points):
            columns.append(Column(f"b{len(columns)}", "Base", "number", decimals=0))
    rows = []
    for period in periods:
        row: list[str | float | None] = [period.label]
        for a in found:
            point = next((p for p in a.points if p.period == period), None)
            row.append(point.value if point else None)
            if any(p.denominator for p in a.points):
                row.append(point.denominator if point else None)
        rows.append(tuple(row))
    notes = tuple(
        f"{a.measure}: pattern over {len(a.points)} quarters (SPC): {a.spc.latest.verdict.value}."
        for a in found
        if a.spc is not None and a.spc.latest is not None
    )
    targets = [f"{a.measure} {p.target:g}" for a in found if (p := a.points[-1]).target is not None]
    if targets:
        notes += (f"Targets: {'; '.join(targets)}.",)
    return Table("Indicator series by quarter", tuple(columns), tuple(rows), notes=notes)


def series_of(data: ReportData, measure: str) -> SeriesAnalysis | None:
    """The analysis of one measure of the series return (force-wide when it has areas)."""
    found = [a for a in data.returns.indicators if a.measure.casefold() == measure.casefold()]
    return next((a for a in found if not a.area), found[0] if found else None)


def series_blocks(data: ReportData, names: Sequence[str]) -> list[Block]:
    wanted = {n.casefold() for n in names}
    found = [a for a in data.returns.indicators if a.measure.casefold() in wanted]
    if not found:
        return [EmptyNotice(f"No indicator series figures for {data.quarter.label}.")]
    blocks: list[Block] = []
    for a in found:
        blocks.append(Sentence(a.sentence, "series.sentence"))
    blocks.append(_table(found))
    return blocks
