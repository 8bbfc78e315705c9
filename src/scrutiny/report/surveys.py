"""Survey pages: the force's results and each group's gap to them, flagged at ±5 points only as
far as the data allow (a gap is significant only if the survey gives its respondent bases)."""

from __future__ import annotations

from scrutiny.content.format import slug
from scrutiny.content.model import Block, Cell, Column, EmptyNotice, Note, Sentence, Table
from scrutiny.judge.narrative import format_pp_change
from scrutiny.judge.significance import GapStatus, survey_gap
from scrutiny.report.charts import bar_chart
from scrutiny.report.data import ReportData
from scrutiny.returns.derived import GAP_FLAG_PP, Gap


def survey_value(data: ReportData, survey: str, measure: str) -> tuple[float, str] | None:
    """The force result of a survey measure and its window, e.g. (70.0, 'R12 to June 2023')."""
    for r in data.rows("surveys"):
        if (
            r["survey"] == survey
            and r["measure"] == measure
            and r["dimension"] == "All"
            and r["value"] is not None
            and not r["area"]
        ):
            return float(r["value"]), str(r["window"] or "")
    return None


def _heading(measure: str, force: tuple[float, str] | None) -> str:
    return f"{measure} (force {force[0]:.0f}%)" if force else measure


def gap_size(g: Gap) -> float | None:
    """The published gap stands; the recomputed one fills in where none was printed."""
    return g.published_gap_pp if g.published_gap_pp is not None else g.gap_pp


def gap_blocks(data: ReportData) -> list[Block]:
    """The gaps table (groups × measures), generated sentences and a chart of the largest
    measure's gaps."""
    gaps = [g for g in data.returns.gaps if gap_size(g) is not None and not g.area]
    if not gaps:
        return [EmptyNotice(f"No survey results returned for {data.quarter.label}.")]
    survey = gaps[0].survey
    window = gaps[0].window or ""
    measures = list(dict.fromkeys(g.measure for g in gaps))
    groups = list(dict.fromkeys((g.dimension, g.group) for g in gaps))
    by = {(g.dimension, g.group, g.measure): g for g in gaps}
    force = {m: survey_value(data, survey, m) for m in measures}
    rows: list[tuple[Cell, ...]] = []
    for dim, group in groups:
        cells: list[Cell] = [dim, group]
        for m in measures:
            g = by.get((dim, group, m))
            cells.append(gap_size(g) if g else None)
        rows.append(tuple(cells))
    table = Table(
        f"{survey} {window}: gaps between groups and the force result (percentage points)",
        (
            Column("dimension", "Dimension"),
            Column("group", "Group"),
            *(Column(slug(m), _heading(m, force[m]), "flag", "pp", 0, True) for m in measures),
        ),
        tuple(rows),
        row_headers=2,
        notes=(
            "Each cell is the group's result minus the force result (in the column heading). "
            f"Gaps of {GAP_FLAG_PP:g} pp or more either way are "
            "marked * and shaded.",
        ),
    )
    blocks: list[Block] = [*gap_sentences(gaps, measures), table]
    statuses = {
        survey_gap(g.value, g.force).status
        if g.value is not None and g.force is not None
        else GapStatus.NOT_TESTABLE
        for g in gaps
    }
    if statuses == {GapStatus.NOT_TESTABLE}:
        blocks.append(
            Note(
                "The return gives no respondent bases, so no gap can be tested for "
                f"significance: gaps are flagged on size alone (±{GAP_FLAG_PP:g} pp), as the "
                "published reports do.",
                "caveat",
            )
        )
    widest = max(measures, key=lambda m: max(abs(gap_size(by[k]) or 0) for k in by if k[2] == m))
    labels = [f"{d}: {g}" for d, g in groups if (d, g, widest) in by]
    values = [gap_size(by[(d, g, widest)]) for d, g in groups if (d, g, widest) in by]
    low = min(zip(values, labels, strict=True), key=lambda t: t[0] or 0)
    blocks.append(
        bar_chart(
            f"survey-gaps-{slug(widest)}",
            f"{widest}: gap to the force result by group ({window}, pp)",
            labels,
            values,
            "Gap (pp)",
            f"Horizontal bar chart of each group's gap to the force result for '{widest}'. "
            f"The widest negative gap is {low[1]} at {format_pp_change(low[0] or 0, 0)}. "
            "The figures are in the table of gaps.",
            fmt=".0f",
            diverging=True,
        )
    )
    return blocks


def gap_sentences(gaps: list[Gap], measures: list[str]) -> list[Sentence]:
    """Which groups sit 5 points or more below (or above) the force result, on how many
    measures."""
    below: dict[str, list[float]] = {}
    above: dict[str, list[float]] = {}
    for g in gaps:
        size = gap_size(g)
        if size is None:
            continue
        name = (
            g.group
            if g.dimension in ("Ethnicity", "Age", "Sex", "Disability")
            else (f"{g.dimension} {g.group}")
        )
        if size <= -GAP_FLAG_PP:
            below.setdefault(name, []).append(size)
        elif size >= GAP_FLAG_PP:
            above.setdefault(name, []).append(size)
    out = []
    n = len(measures)
    if below:
        parts = [
            f"{name} ({len(v)} of {n}; widest {format_pp_change(min(v), 0)})"
            for name, v in sorted(below.items(), key=lambda t: min(t[1]))
        ]
        out.append(
            Sentence(
                f"Groups with gaps of {GAP_FLAG_PP:g} pp or more below the force result: "
                + "; ".join(parts)
                + ".",
                "gaps.below",
            )
        )
    if above:
        parts = [
            f"{name} ({len(v)} of {n})"
            for name, v in sorted(above.items(), key=lambda t: -max(t[1]))
        ]
        out.append(
            Sentence(
                f"Groups {GAP_FLAG_PP:g} pp or more above the force result: "
                + "; ".join(parts)
                + ".",
                "gaps.above",
            )
        )
    if not out:
        out.append(Sentence(f"No group's gap reaches ±{GAP_FLAG_PP:g} pp.", "gaps.none"))
    return out
