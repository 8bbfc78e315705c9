"""Pages from the other returns: emergency response by borough, standards and workforce, and
crime outcomes; each a table with generated sentences and, where useful, a chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrutiny.config.periods import Quarter
from scrutiny.judge.narrative import format_pct_change, format_pp_change
from scrutiny.report.content import Block, Cell, Column, EmptyNotice, Note, Sentence, Table
from scrutiny.report.data import ReportData
from scrutiny.report.parts import count

CALL_NAMES = {"I": "I (immediate, 15-minute target)", "S": "S (significant, 1-hour target)"}


def _quarter_label(text: str) -> str:
    try:
        return Quarter.parse(text).label
    except ValueError:
        return text


def calls_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("calls")
    if not rows:
        return [EmptyNotice(f"No emergency response return loaded for {data.quarter.label}.")]
    blocks: list[Block] = []
    periods = sorted({str(r["period"]) for r in rows}, key=lambda p: Quarter.parse(p))
    changes = {(c.call_type, c.borough): c for c in data.calls}
    for call_type in sorted({str(r["call_type"]) for r in rows}):
        mine = [r for r in rows if r["call_type"] == call_type]
        boroughs = list(dict.fromkeys((r["bcu"], r["borough"]) for r in mine))
        value = {(r["borough"], str(r["period"])): r["within_target_pct"] for r in mine}
        out: list[tuple[Cell, ...]] = []
        for bcu, borough in boroughs:
            c = changes.get((call_type, borough))
            out.append(
                (
                    bcu or "",
                    borough,
                    *(value.get((borough, p)) for p in periods),
                    c.change_pp if c else None,
                )
            )
        ch = [c for c in data.calls if c.call_type == call_type and c.change_pp is not None]
        if ch:
            falls = [c for c in ch if c.change_pp is not None and c.change_pp < 0]
            worst = min(ch, key=lambda c: c.change_pp or 0.0)
            best = max(ch, key=lambda c: c.change_pp or 0.0)
            year_ago = Quarter.parse(periods[-1]).shift(-4).label if periods else ""
            blocks.append(
                Sentence(
                    f"{call_type} calls: {len(falls)} of {len(ch)} boroughs attended a smaller "
                    f"share within target in {data.quarter.label} than in {year_ago}; the largest "
                    f"fall was {worst.borough} ({format_pp_change(worst.change_pp or 0.0)}) and "
                    f"the largest rise {best.borough} ({format_pp_change(best.change_pp or 0.0)}).",
                    "calls.changes",
                )
            )
        mismatched = [c for c in ch if c.within_rounding is False]
        blocks.append(
            Table(
                f"{CALL_NAMES.get(call_type, call_type)} calls: % attended within target",
                (
                    Column("bcu", "BCU"),
                    Column("borough", "Borough"),
                    *(Column(p, _quarter_label(p), "number", "%", 0) for p in periods),
                    Column("change", "Change on a year earlier", "number", "pp", 1, True),
                ),
                tuple(out),
                row_headers=2,
                notes=(
                    "Changes are computed from the printed percentages; "
                    + (
                        f"{len(mismatched)} differ from the published change by more than "
                        "rounding allows."
                        if mismatched
                        else "all agree with the published changes within rounding."
                    ),
                ),
            )
        )
    return blocks


def standards_blocks(data: ReportData) -> list[Block]:
    rows = data.rows("standards")
    if not rows:
        return [EmptyNotice(f"No standards return loaded for {data.quarter.label}.")]
    periods = sorted({str(r["period"]) for r in rows}, key=lambda p: Quarter.parse(p))
    keyed: dict[tuple[str, str], dict[str, Any]] = {}
    units: dict[tuple[str, str], str] = {}
    for r in rows:
        key = (str(r["measure"]), str(r["group"] or ""))
        keyed.setdefault(key, {})[str(r["period"])] = r["value"]
        units[key] = str(r["unit"])
    blocks: list[Block] = []
    now, prev, year = str(data.quarter), str(data.quarter.shift(-1)), str(data.quarter.shift(-4))
    for (measure, group), values in keyed.items():
        if now not in values:
            continue
        unit = units[(measure, group)]
        parts = []
        for p in (prev, year):
            if p in values and values[p] is not None:
                diff = values[now] - values[p]
                parts.append(f"{diff:+g} on {_quarter_label(p)}")
        who = f" ({group})" if group else ""
        blocks.append(
            Sentence(
                f"{measure}{who}: {values[now]:g} {unit} in {data.quarter.label}"
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
                *(Column(p, _quarter_label(p), "number", decimals=1) for p in periods),
            ),
            tuple(
                (m, g or "–", units[(m, g)], *(v.get(p) for p in periods))
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
    changes = {c.category: c for c in data.outcomes}
    prev_w, cur_w = rows[0]["previous_window"], rows[0]["current_window"]
    blocks: list[Block] = []
    for r in rows[:1] if not categories else rows:
        c = changes.get(r["category"])
        if c is None or c.change_pp is None or r["previous_outcomes"] in (None, 0):
            continue
        vol = (r["current_outcomes"] - r["previous_outcomes"]) / r["previous_outcomes"] * 100
        blocks.append(
            Sentence(
                f"{r['category']}: {count(r['current_outcomes'])} positive outcomes in "
                f"{cur_w} ({format_pct_change(vol)} on {prev_w}); the outcome rate moved from "
                f"{r['previous_rate']:.1f}% to {r['current_rate']:.1f}% "
                f"({format_pp_change(c.change_pp)}).",
                "outcomes.change",
            )
        )
    if not categories:
        down = sum(1 for c in changes.values() if (c.change_outcomes or 0) < 0)
        up = [c.category for c in changes.values() if (c.change_outcomes or 0) > 0]
        blocks.append(
            Sentence(
                f"Outcome volumes fell in {down} of {len(changes)} categories"
                + (f"; they rose for {', '.join(up)}" if up else "")
                + ".",
                "outcomes.summary",
            )
        )
    disagree = [c.category for c in data.outcomes if c.rates_agree is False]
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
                    changes[r["category"]].change_outcomes if r["category"] in changes else None,
                    changes[r["category"]].change_pp if r["category"] in changes else None,
                )
                for r in rows
            ),
            row_headers=2,
            notes=(
                "Outcome rate = positive outcomes ÷ offences in the same window. Changes are "
                "recomputed from the printed figures"
                + (
                    f"; rates disagree with the published change for {', '.join(disagree)}."
                    if disagree
                    else " and agree with the published changes within rounding."
                ),
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
