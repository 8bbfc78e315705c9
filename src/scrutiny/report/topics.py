"""Pages from the other returns: emergency response by borough, standards and workforce, and
crime outcomes; each a table with generated sentences and, where useful, a chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrutiny.config.periods import Quarter
from scrutiny.content.format import count
from scrutiny.content.model import Block, Cell, Column, EmptyNotice, Note, Sentence, Table
from scrutiny.judge.narrative import format_pct_change, format_pp_change
from scrutiny.report.data import ReportData
from scrutiny.returns.derived import OutcomeChange, PointChange

CALL_NAMES = {"I": "I (immediate, 15-minute target)", "S": "S (significant, 1-hour target)"}


def call_change(c: PointChange) -> float | None:
    """The published change stands; the recomputation fills in where none was printed (and is
    compared with the published one in the internal edition's checks)."""
    return c.published_pp if c.published_pp is not None else c.change_pp


def outcome_change(c: OutcomeChange | None) -> tuple[int | None, float | None]:
    """(change in outcomes, change in rate in pp): published where printed, else recomputed."""
    if c is None:
        return None, None
    volume = c.published_change_outcomes
    rate = c.published_change_pp
    return (
        volume if volume is not None else c.change_outcomes,
        rate if rate is not None else c.change_pp,
    )


def calls_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("calls")
    if not rows:
        return [EmptyNotice(f"No emergency response return loaded for {data.quarter.label}.")]
    blocks: list[Block] = []
    periods: list[Quarter] = sorted({r["period"] for r in rows})
    changes = {(c.call_type, c.borough): c for c in data.returns.calls}
    for call_type in sorted({str(r["call_type"]) for r in rows}):
        mine = [r for r in rows if r["call_type"] == call_type]
        boroughs = list(dict.fromkeys((r["bcu"], r["borough"]) for r in mine))
        value = {(r["borough"], r["period"]): r["within_target_pct"] for r in mine}
        out: list[tuple[Cell, ...]] = []
        for bcu, borough in boroughs:
            c = changes.get((call_type, borough))
            out.append(
                (
                    bcu or "",
                    borough,
                    *(value.get((borough, p)) for p in periods),
                    call_change(c) if c else None,
                )
            )
        ch = [
            c for c in data.returns.calls if c.call_type == call_type and call_change(c) is not None
        ]
        if ch:
            falls = [c for c in ch if (call_change(c) or 0.0) < 0]
            worst = min(ch, key=lambda c: call_change(c) or 0.0)
            best = max(ch, key=lambda c: call_change(c) or 0.0)
            year_ago = periods[-1].shift(-4).label if periods else ""
            blocks.append(
                Sentence(
                    f"{call_type} calls: {len(falls)} of {len(ch)} boroughs attended a smaller "
                    f"share within target in {data.quarter.label} than in {year_ago}; the largest "
                    f"fall was {worst.borough} ({format_pp_change(call_change(worst) or 0.0)}) "
                    f"and the largest rise {best.borough} "
                    f"({format_pp_change(call_change(best) or 0.0)}).",
                    "calls.changes",
                )
            )
        published = sum(1 for c in ch if c.published_pp is not None)
        blocks.append(
            Table(
                f"{CALL_NAMES.get(call_type, call_type)} calls: % attended within target",
                (
                    Column("bcu", "BCU"),
                    Column("borough", "Borough"),
                    *(Column(str(p), p.label, "number", "%", 0) for p in periods),
                    Column("change", "Change on a year earlier", "number", "pp", 1, True),
                ),
                tuple(out),
                row_headers=2,
                notes=(
                    "Changes on a year earlier as published (in percentage points)"
                    + (
                        "."
                        if published == len(ch)
                        else f"; {len(ch) - published} not published are computed from the "
                        "printed percentages."
                    ),
                ),
            )
        )
    return blocks


#: Units whose figures are whole numbers (days, counts): printed without decimals.
WHOLE_UNITS = ("day", "count", "number", "people", "officers")


def by_unit(value: float | None, unit: str, *, signed: bool = False) -> str:
    """A figure printed as its kind reads: days and counts as integers, other figures (ratios)
    with one decimal; a true minus sign; a dash for no figure."""
    if value is None:
        return "–"
    whole = any(w in unit.lower() for w in WHOLE_UNITS)
    text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.1f}"
    zero = float(text.replace(",", "")) == 0
    sign = "−" if value < 0 and not zero else ("+" if signed and not zero else "")
    return sign + text


def standards_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("standards")
    if not rows:
        return [EmptyNotice(f"No standards return loaded for {data.quarter.label}.")]
    periods: list[Quarter] = sorted({r["period"] for r in rows})
    keyed: dict[tuple[str, str], dict[Quarter, Any]] = {}
    units: dict[tuple[str, str], str] = {}
    for r in rows:
        key = (str(r["measure"]), str(r["group"] or ""))
        keyed.setdefault(key, {})[r["period"]] = r["value"]
        units[key] = str(r["unit"])
    blocks: list[Block] = []
    now, prev, year = data.quarter, data.quarter.shift(-1), data.quarter.shift(-4)
    for (measure, group), values in keyed.items():
        if now not in values:
            continue
        unit = units[(measure, group)]
        parts = []
        for p in (prev, year):
            if p in values and values[p] is not None:
                diff = values[now] - values[p]
                parts.append(f"{by_unit(diff, unit, signed=True)} on {p.label}")
        who = f" ({group})" if group else ""
        blocks.append(
            Sentence(
                f"{measure}{who}: {by_unit(values[now], unit)} {unit} in {data.quarter.label}"
                + (f" ({'; '.join(parts)})" if parts else "")
                + ".",
                "standards.change",
            )
        )
    blocks.append(
        Table(
            "Standards: complaint and conduct timeliness and misconduct disproportionality",
            (
                Column("measure", "Measure"),
                Column("group", "Group"),
                Column("unit", "Unit"),
                *(Column(str(p), p.label, "number") for p in periods),
            ),
            tuple(
                (
                    m,
                    g or "–",
                    units[(m, g)],
                    *(by_unit(v.get(p), units[(m, g)]) for p in periods),
                )
                for (m, g), v in keyed.items()
            ),
        )
    )
    return blocks


def workforce_blocks(data: ReportData, headline: bool) -> list[Block]:
    rows = data.rows("workforce")
    if not rows:
        return [EmptyNotice(f"No workforce return loaded for {data.quarter.label}.")]
    chosen = [r for r in rows if (r["dimension"] == "All") == headline]
    if not chosen:
        return []
    caption = (
        f"Workforce at the end of {data.quarter.label}"
        if headline
        else f"Workforce diversity at the end of {data.quarter.label}"
    )
    return [
        Table(
            caption,
            (
                Column("group", "Group"),
                Column("category", "Category"),
                Column("headcount", "Headcount", "number", decimals=0),
                Column("fte", "FTE", "number", decimals=0),
                Column("share", "Share", "number", "%", 1),
            ),
            tuple(
                (r["group"], r["category"], r["headcount"], r["fte"], r["share_pct"])
                for r in chosen
            ),
            notes=(
                "Share of the total workforce (headline rows) or of the group (diversity rows).",
            ),
        )
    ]


def outcomes_blocks(data: ReportData, categories: Sequence[str]) -> list[Block]:
    rows = data.rows("outcomes")
    if categories:
        wanted = {c.casefold() for c in categories}
        rows = [r for r in rows if str(r["category"]).casefold() in wanted]
    if not rows:
        return [EmptyNotice(f"No crime outcomes return loaded for {data.quarter.label}.")]
    changes = {c.category: c for c in data.returns.outcomes}
    prev_w, cur_w = rows[0]["previous_window"], rows[0]["current_window"]
    blocks: list[Block] = []
    for r in rows[:1] if not categories else rows:
        c = changes.get(r["category"])
        _, rate_change = outcome_change(c)
        if rate_change is None or r["previous_outcomes"] in (None, 0):
            continue
        vol = (r["current_outcomes"] - r["previous_outcomes"]) / r["previous_outcomes"] * 100
        blocks.append(
            Sentence(
                f"{r['category']}: {count(r['current_outcomes'])} positive outcomes in "
                f"{cur_w} ({format_pct_change(vol)} on {prev_w}); the outcome rate moved from "
                f"{r['previous_rate']:.1f}% to {r['current_rate']:.1f}% "
                f"({format_pp_change(rate_change)}).",
                "outcomes.change",
            )
        )
    if not categories:
        down = sum(1 for c in changes.values() if (outcome_change(c)[0] or 0) < 0)
        up = [c.category for c in changes.values() if (outcome_change(c)[0] or 0) > 0]
        blocks.append(
            Sentence(
                f"Outcome volumes fell in {down} of {len(changes)} categories"
                + (f"; they rose for {', '.join(up)}" if up else "")
                + ".",
                "outcomes.summary",
            )
        )
    blocks.append(
        Table(
            f"Crime outcomes, {prev_w} and {cur_w}",
            (
                Column("outcome", "Plan outcome"),
                Column("category", "Crime category"),
                Column("previous_outcomes", f"Outcomes {prev_w}", "number", decimals=0),
                Column("current_outcomes", f"Outcomes {cur_w}", "number", decimals=0),
                Column("previous_rate", f"Rate {prev_w}", "number", "%", 1),
                Column("current_rate", f"Rate {cur_w}", "number", "%", 1),
                Column("change_outcomes", "Change in outcomes", "number", decimals=0, signed=True),
                Column("change_pp", "Change in rate", "number", "pp", 1, True),
            ),
            tuple(
                (
                    r["pcp_outcome"] or "",
                    r["category"],
                    r["previous_outcomes"],
                    r["current_outcomes"],
                    r["previous_rate"],
                    r["current_rate"],
                    *outcome_change(changes.get(r["category"])),
                )
                for r in rows
            ),
            row_headers=2,
            notes=(
                "Outcome rate = positive outcomes ÷ offences in the same window. Changes as "
                "published; where none was published, computed from the printed figures.",
            ),
        )
    )
    if not categories:
        blocks.append(
            Note(
                "Since April 2014 forces report the full set of outcomes (charge, caution, "
                "community resolution, evidential difficulties…) rather than detections alone.",
            )
        )
    return blocks
