"""The objectives report format (seed 000): the objectives ratings grid (overall, Time, Spend,
Capability, Risk), then per objective its ratings, performance indicators (target, year to date,
rating), top risks and issues, and goals (baseline, forecast, rating); then the annex."""

from __future__ import annotations

import re

from scrutiny.config.plan import Priority
from scrutiny.content.format import grouped
from scrutiny.content.model import (
    Block,
    Cell,
    Column,
    EmptyNotice,
    Section,
    Sentence,
    Table,
)
from scrutiny.report.annex import annex
from scrutiny.report.data import ReportData
from scrutiny.report.parts import crime_sentences, milestones_table, risks_and_issues

GRID = ("overall", "time", "spend", "capability", "risk")
GRID_COLUMNS = tuple(Column(k, k.capitalize(), "rating") for k in GRID)


def _priorities(data: ReportData) -> list[Priority]:
    return list(data.plan.priorities) if data.plan else []


def sections(data: ReportData) -> tuple[Section, ...]:
    chapters: list[Section] = []
    for name in data.definition.formats.objectives:
        if name == "summary":
            chapters.append(summary(data))
        elif name == "objectives":
            chapters.extend(objective_chapter(data, p) for p in _priorities(data))
        elif name == "annex":
            chapters.append(annex(data))
        else:
            raise ValueError(
                f"report.yaml: formats.objectives: {name!r} is not an objectives section"
            )
    return tuple(chapters)


def summary(data: ReportData) -> Section:
    grid = data.rows("objectives")
    word = data.plan.priority_word if data.plan else "objective"
    plural = data.plan.priority_plural if data.plan else "objectives"
    blocks: list[Block] = []
    if not grid:
        blocks.append(EmptyNotice(f"No {word} ratings returned for {data.quarter.label}."))
    else:
        titles = {p.id: p.title for p in _priorities(data)}
        blocks.append(
            Table(
                f"{plural.capitalize()}: ratings for {data.quarter.label}",
                (Column("objective", word.capitalize()), *GRID_COLUMNS),
                tuple(
                    (titles.get(r["priority"], r["priority"]), *(r[k] for k in GRID)) for r in grid
                ),
                notes=(
                    "Each objective is rated overall and on Time, Spend, Capability and Risk: "
                    "G Green, A Amber, R Red.",
                ),
            )
        )
        ambers = [titles.get(r["priority"], r["priority"]) for r in grid if r["overall"] != "G"]
        blocks.append(
            Sentence(
                f"{len(grid) - len(ambers)} of {len(grid)} {plural} are rated Green overall"
                + (f"; not Green: {', '.join(ambers)}" if ambers else "")
                + ".",
                "objectives.summary",
            )
        )
    indicators = data.ratings("indicators")
    if indicators:
        letters = [r.final for r in indicators if r.final]
        blocks.append(
            Sentence(
                f"Performance indicators: {letters.count('G')} Green, {letters.count('A')} Amber, "
                f"{letters.count('R')} Red of {len(letters)} rated.",
                "objectives.indicators",
            )
        )
    tno = crime_sentences(data, "Total Notifiable Offences")
    blocks.extend(tno[1:])
    return Section("objectives-summary", f"{plural.capitalize()} ratings", 1, tuple(blocks))


def objective_chapter(data: ReportData, p: Priority) -> Section:
    grid = next((r for r in data.rows("objectives") if r["priority"] == p.id), None)
    ratings: tuple[Block, ...] = (
        (
            Table(
                f"{p.title}: ratings",
                GRID_COLUMNS,
                (tuple(grid[k] for k in GRID),),
                row_headers=0,
            ),
        )
        if grid
        else (EmptyNotice("No ratings returned for this objective."),)
    )
    goal_blocks = tuple(goals(data, p))
    # No goals: say so under the ratings, not in a section of its own (a heading and one line
    # alone at the top of a page otherwise)
    none = all(isinstance(b, EmptyNotice) for b in goal_blocks)
    children: tuple[Section, ...] = (
        Section(f"{p.id}-indicators", "Performance indicators", 2, tuple(indicators(data, p))),
        Section(
            f"{p.id}-risks",
            "Top risks and issues",
            2,
            tuple(risks_and_issues(data, p.id, f"{p.title}: ")),
        ),
    )
    if not none:
        children += (Section(f"{p.id}-goals", "Goals", 2, goal_blocks),)
    return Section(
        p.id,
        p.title,
        1,
        ratings + (goal_blocks if none else ()),
        children=children,
        page_break=True,
    )


def ref_order(ref: str | None) -> tuple[int, str]:
    """Natural order of references: 1, 1a, 2, …, 10 (not 1, 10, 2)."""
    m = re.match(r"(\d+)(.*)", ref or "")
    return (int(m.group(1)), m.group(2)) if m else (10**6, ref or "")


def indicators(data: ReportData, p: Priority) -> list[Block]:
    rated = data.ratings("indicators", p.id)
    rows = {r["row_number"]: r for r in data.rows("indicators", p.id)}
    if not rated:
        return [EmptyNotice(f"No performance indicators returned for {data.quarter.label}.")]
    out: list[tuple[Cell, ...]] = []
    for r in sorted(rated, key=lambda r: ref_order(r.ref)):
        raw = rows.get(r.row_number, {})
        unit = raw.get("unit")
        value = raw.get("ytd_value")
        ytd = (
            "–"
            if value is None
            else f"{value:g}%"
            if unit in ("%", "gap")
            else f"{value:g} days"
            if unit == "days"
            else f"{value:,.0f}"
        )
        out.append(
            (
                r.ref or "",
                # The indicator as returned: its group is in the target text already ("(O)").
                raw.get("indicator") or r.title,
                grouped(r.detail) if r.detail else "–",
                ytd,
                r.published,
                r.computed,
                r.rule_reason or "",
            )
        )
    return [
        Table(
            f"{p.title}: performance indicators, {data.quarter.label}",
            (
                Column("ref", "No."),
                Column("indicator", "Indicator"),
                Column("target", "Target"),
                Column("ytd", "Year to date", "number"),
                Column("rating", "Rating", "rating"),
                Column("rule", "Rule's rating", "rating"),
                Column("reason", "Rule's reason"),
            ),
            tuple(out),
            notes=(
                "Rating as published; the rule's rating by the plan's rules beside it "
                "(differences are listed in the annex as overrides).",
            ),
        )
    ]


def goals(data: ReportData, p: Priority) -> list[Block]:
    rated = data.ratings("milestones", p.id)
    if not rated:
        return [EmptyNotice(f"No goals returned for {data.quarter.label}.")]
    done = sum(1 for r in rated if r.final in ("CG", "CA"))
    late = sum(1 for r in rated if r.final in ("A", "R"))
    return [
        Sentence(
            f"{len(rated)} goals: {done} complete and {late} forecast to be late (Amber or Red).",
            "objectives.goals",
        ),
        milestones_table(
            rated,
            f"{p.title}: goals",
            ("Baseline: the quarter the goal was due; forecast: the quarter now forecast.",),
            internal=data.internal,
        ),
    ]
