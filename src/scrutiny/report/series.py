"""A theme's indicator series (the ``series`` return): per measure, the sentence of its judgment
and its figures by quarter (with the SPC verdict when the series is long enough)."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.analysis.series import SeriesAnalysis
from scrutiny.content.model import Block, Column, EmptyNotice, Sentence, Table
from scrutiny.report.data import ReportData


def _table(a: SeriesAnalysis) -> Table:
    unit = "%" if a.unit == "%" else ""
    tested = any(p.denominator for p in a.points)
    columns = [
        Column("period", "Quarter"),
        Column("value", a.measure if not a.area else f"{a.measure} ({a.area})", "number", unit),
    ]
    if tested:
        columns += [
            Column("numerator", "Numerator", "number", decimals=0),
            Column("denominator", "Base", "number", decimals=0),
        ]
    if any(p.target is not None for p in a.points):
        columns.append(Column("target", "Target", "number", unit))
    rows = []
    for p in a.points:
        row: list[str | float | None] = [p.period.label, p.value]
        if tested:
            row += [p.numerator, p.denominator]
        if any(q.target is not None for q in a.points):
            row.append(p.target)
        rows.append(tuple(row))
    notes: tuple[str, ...] = ()
    if a.spc is not None and a.spc.latest is not None:
        notes = (f"Pattern over {len(a.points)} quarters (SPC): {a.spc.latest.verdict.value}.",)
    return Table(f"{a.measure}: by quarter", tuple(columns), tuple(rows), notes=notes)


def series_blocks(data: ReportData, names: Sequence[str]) -> list[Block]:
    wanted = {n.casefold() for n in names}
    found = [a for a in data.indicators if a.measure.casefold() in wanted]
    if not found:
        return [EmptyNotice(f"No indicator series figures for {data.quarter.label}.")]
    blocks: list[Block] = []
    for a in found:
        blocks.append(Sentence(a.sentence, "series.sentence"))
    blocks.extend(_table(a) for a in found)
    return blocks
