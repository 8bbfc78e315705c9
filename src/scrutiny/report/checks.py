"""The internal edition's checks: every figure a return printed beside its recomputation from
the return's own inputs, where the two differ. The public edition prints the published figures
and none of this."""

from __future__ import annotations

from scrutiny.content.model import Block, Cell, Column, EmptyNotice, Paragraph, Table
from scrutiny.report.data import ReportData

_EPS = 1e-9


def _differs(published: float | None, computed: float | None) -> bool:
    return published is not None and computed is not None and abs(published - computed) > _EPS


def call_checks(data: ReportData) -> list[Block]:
    rows: list[tuple[Cell, ...]] = [
        (
            c.call_type,
            c.borough,
            c.published_pp,
            c.change_pp,
            c.difference,
            "yes" if c.within_rounding else "no",
        )
        for c in data.returns.calls
        if _differs(c.published_pp, c.change_pp)
    ]
    if not rows:
        return []
    return [
        Table(
            "Emergency response: published changes that differ from the recomputation (pp)",
            (
                Column("type", "Call type"),
                Column("borough", "Borough"),
                Column("published", "Published", "number", "pp", 1, True),
                # Recomputed from whole-point percentages: whole points.
                Column("computed", "Recomputed", "number", "pp", 0, True),
                Column("difference", "Difference", "number", "pp", 1, True),
                Column("rounding", "Within rounding"),
            ),
            tuple(rows),
            row_headers=2,
            notes=(
                "Recomputed from the whole-point percentages the return prints; the published "
                "changes come from unrounded figures, so differences up to 1 pp are rounding.",
            ),
        )
    ]


def outcome_checks(data: ReportData) -> list[Block]:
    rows: list[tuple[Cell, ...]] = [
        (
            c.category,
            c.published_change_outcomes,
            c.change_outcomes,
            c.published_change_pp,
            c.change_pp,
        )
        for c in data.returns.outcomes
        if _differs(c.published_change_outcomes, c.change_outcomes)
        or _differs(c.published_change_pp, c.change_pp)
    ]
    if not rows:
        return []
    return [
        Table(
            "Crime outcomes: published changes that differ from the recomputation",
            (
                Column("category", "Category"),
                Column("published_n", "Published change", "number", decimals=0, signed=True),
                Column("computed_n", "Recomputed change", "number", decimals=0, signed=True),
                Column("published_pp", "Published rate change", "number", "pp", 1, True),
                Column("computed_pp", "Recomputed rate change", "number", "pp", 1, True),
            ),
            tuple(rows),
            notes=("Recomputed from the outcomes and rates the return prints.",),
        )
    ]


def gap_checks(data: ReportData) -> list[Block]:
    rows: list[tuple[Cell, ...]] = [
        (g.measure, f"{g.dimension}: {g.group}", g.published_gap_pp, g.gap_pp)
        for g in data.returns.gaps
        if _differs(g.published_gap_pp, g.gap_pp)
    ]
    if not rows:
        return []
    return [
        Table(
            "Survey gaps: published gaps that differ from the recomputation (pp)",
            (
                Column("measure", "Measure"),
                Column("group", "Group"),
                Column("published", "Published", "number", "pp", 0, True),
                Column("computed", "Recomputed", "number", "pp", 0, True),
            ),
            tuple(rows),
            row_headers=2,
        )
    ]


def variance_checks(data: ReportData) -> list[Block]:
    rows: list[tuple[Cell, ...]] = [
        (
            v.statement.replace("_", " "),
            v.line if not v.group else f"{v.group}: {v.line}",
            v.measure.replace("_", " "),
            v.stated,
            v.computed,
        )
        for v in data.returns.variances
        if _differs(v.stated, v.computed)
    ]
    if not rows:
        return []
    return [
        Table(
            "Finance: printed variances that differ from forecast (or actual) less budget (£m)",
            (
                Column("statement", "Statement"),
                Column("line", "Line"),
                Column("measure", "Figure"),
                Column("printed", "Printed", "number", "£m", 1),
                Column("computed", "Recomputed", "number", "£m", 1),
            ),
            tuple(rows),
            notes=("Differences up to 0.1 £m are rounding of the printed figures.",),
        )
    ]


def checks(data: ReportData) -> list[Block]:
    """Every published figure that differs from its recomputation, kind by kind."""
    blocks: list[Block] = [
        Paragraph(
            "Internal edition: the report prints each return's published figures; these tables "
            "list every one that differs from the figure recomputed from the return's inputs."
        )
    ]
    found = [*call_checks(data), *outcome_checks(data), *gap_checks(data), *variance_checks(data)]
    blocks.extend(found or [EmptyNotice("Every published figure agrees with its recomputation.")])
    return blocks
