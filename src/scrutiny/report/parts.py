"""Building blocks every report format shares: crime themes (sentences, SPC charts, tables),
rating tables, risks and issues, and small number formats for generated sentences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scrutiny.analysis.crime import CONFIDENCE_TEXT, comparator_labels
from scrutiny.config.periods import QUARTER_COMPARATORS, R12_COMPARATORS, Comparator
from scrutiny.content.format import slug
from scrutiny.content.model import (
    Block,
    Cell,
    Chart,
    Column,
    EmptyNotice,
    Note,
    Sentence,
    Table,
)
from scrutiny.judge.spc import SpcResult
from scrutiny.report.charts import spc_chart
from scrutiny.report.data import ReportData
from scrutiny.returns.ratings import RatedRow

# --- crime ----------------------------------------------------------------------------------


def crime_sentences(data: ReportData, name: str) -> list[Sentence]:
    """The discrete-quarter and R12 sentences for one category."""
    a = data.judgment(name)
    if a is None:
        return []
    if figures_withheld(data, name):
        return [withheld_sentence(data, name)]
    return [
        Sentence(a.quarter_sentence, "narrative.quarter_sentence"),
        Sentence(a.r12_sentence, "narrative.r12_sentence"),
    ]


def crime_spc(data: ReportData, name: str) -> tuple[SpcResult, tuple[date, ...]]:
    """XmR chart of the 36 months to the quarter's end, rebased at the workspace's change points;
    fewer offences is the good direction: the judgment's monthly pattern."""
    a = data.judgment(name)
    if a is None or a.pattern is None:
        raise KeyError(f"no category {name!r} in the data")
    return a.pattern.spc, a.pattern.months


def figures_withheld(data: ReportData, name: str) -> bool:
    """Whether disclosure control withholds any count of a category the report speaks of (its
    windows or a month of its SPC chart)."""
    return bool(data.withheld_windows(name)) or data.series_withheld(name)


def withheld_sentence(data: ReportData, name: str) -> Sentence:
    row = data.category(name) or {}
    threshold = data.disclosure.threshold if data.disclosure else 0
    return Sentence(
        f"{row.get('category', name)}: some figures are below {threshold} (or would reveal one) "
        "and are not published.",
        "disclosure.withheld",
    )


#: Marks a category whose SPC chart disclosure control withholds whole (no month to draw).
WITHHELD_CHART = "withheld"


def crime_spc_chart(data: ReportData, name: str, prefix: str) -> Chart | Note | None:
    """The SPC chart of a category; None if the report has drawn it already (each chart is
    drawn once per report) or the data have no such category; a note instead of a chart with
    no month to draw (every month withheld by disclosure control)."""
    row = data.category(name)
    if row is None or ("chart", name.strip().lower()) in data.cache:
        return None
    data.cache[("chart", name.strip().lower())] = prefix
    category = str(row["category"])
    result, months = crime_spc(data, category)
    if not months:
        return None
    title = f"{category}: offences per month, {months[0]:%b %Y} to {months[-1]:%b %Y}"
    if data.series_withheld(category):
        hidden = data.withheld_months(category)
        threshold = data.disclosure.threshold if data.disclosure else 0
        if set(months) <= hidden:
            data.cache[("chart", name.strip().lower())] = WITHHELD_CHART
            return Note(
                f"{category}: the monthly counts are below {threshold} (or would reveal one) "
                "and are not published, so there is no SPC chart."
            )
        alt = (
            f"Line chart of {category.lower()} offences per month from {months[0]:%B %Y} to "
            f"{months[-1]:%B %Y}. Months below {threshold} (or that would reveal one) are "
            "gaps, and the mean and process limits are not published."
        )
        return spc_chart(
            f"{prefix}-{slug(category)}-spc", title, months, result, "Offences", alt, hidden
        )
    latest = result.latest
    alt = (
        f"Line chart of {category.lower()} offences per month from {months[0]:%B %Y} to "
        f"{months[-1]:%B %Y} with the mean and process limits. "
        + (
            f"The latest month had {latest.value:,.0f} offences. "
            if latest and latest.value
            else ""
        )
        + result.summary_text()
    )
    return spc_chart(f"{prefix}-{slug(category)}-spc", title, months, result, "Offences", alt)


CRIME_COLUMNS = (
    Column("category", "Category"),
    Column("quarter", "Quarter", "number", decimals=0),
    Column("change_previous_quarter", "vs previous quarter", "number", "%", 1, True),
    Column("change_same_quarter_last_year", "vs same quarter last year", "number", "%", 1, True),
    Column("r12", "Rolling 12 months", "number", decimals=0),
    Column("change_previous_r12", "vs previous 12 months", "number", "%", 1, True),
    Column("change_baseline_r12", "vs pre-pandemic 12 months", "number", "%", 1, True),
    Column("significant", f"Change vs previous 12 months significant at {CONFIDENCE_TEXT}?"),
    Column("variation", "Monthly pattern (SPC)", "variation"),
)


def crime_table(data: ReportData, names: Sequence[str], caption: str) -> Table | None:
    """Volumes, % changes, a significance screen of the R12 change and the SPC icon."""
    rows: list[tuple[Cell, ...]] = []
    for name in names:
        a = data.judgment(name)
        if a is None:
            continue
        row = data.category(name) or {}
        spc = a.pattern.spc if a.pattern else None
        icon = spc.variation_icon.value if spc and spc.variation_icon else None
        significant = a.comparison(Comparator.PREVIOUS_R12).significant_text
        if data.series_withheld(name):
            icon = None
        if data.withheld_windows(name) & {"r12", "previous_r12"}:
            significant = "–"
        rows.append(
            (
                a.category,
                row.get("quarter"),
                row.get("change_previous_quarter"),
                row.get("change_same_quarter_last_year"),
                row.get("r12"),
                row.get("change_previous_r12"),
                row.get("change_baseline_r12"),
                significant,
                icon,
            )
        )
    if not rows:
        return None
    q = data.quarter
    return Table(
        caption,
        CRIME_COLUMNS,
        tuple(rows),
        notes=(
            f"Quarter: {q.label}. Rolling 12 months: {q.rolling_12_months().label}; "
            f"pre-pandemic: {data.ws.baseline.r12().label}.",
            f"Significance: Poisson rate-ratio test at {CONFIDENCE_TEXT}; recorded crime is "
            "overdispersed, so read it as a screen, not proof.",
        ),
    )


def missing_notice(items: Sequence[str]) -> EmptyNotice:
    listed = "; ".join(items)
    return EmptyNotice(f"Not in the workspace's data, so not shown: {listed}.")


def crime_blocks(data: ReportData, names: Sequence[str], prefix: str, caption: str) -> list[Block]:
    """A theme's crime part: its table, then per category the sentences and SPC chart."""
    found = [n for n in names if data.has_category(n)]
    blocks: list[Block] = []
    absent = [n for n in names if not data.has_category(n)]
    table = crime_table(data, found, caption)
    if table is not None:
        blocks.append(table)
    for name in found:
        blocks.extend(crime_sentences(data, name))
        chart = crime_spc_chart(data, name, prefix)
        if chart is not None:
            blocks.append(chart)
        elif data.cache.get(("chart", name.strip().lower()), WITHHELD_CHART) != WITHHELD_CHART:
            blocks.append(Note(f"The SPC chart of {name} is in the data dashboard above."))
    if absent:
        blocks.append(missing_notice(absent))
    return blocks


# --- ratings --------------------------------------------------------------------------------


def milestones_table(
    rows: Sequence[RatedRow], caption: str, extra: tuple[str, ...] = (), *, internal: bool = True
) -> Table:
    """Key project activity: baseline, forecast and the rating (as published; the rule's where
    none was). The internal edition adds the rule's rating beside the published one."""
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        base, fc = (q.label if q else None for q in (r.baseline, r.forecast))
        row: tuple[Cell, ...] = (r.ref or "", r.title, base, fc, r.final)
        out.append((*row, r.computed) if internal else row)
    columns: tuple[Column, ...] = (
        Column("ref", "No."),
        Column("activity", "Activity"),
        Column("baseline", "Baseline"),
        Column("forecast", "Forecast"),
        Column("published", "Rating", "rating"),
    )
    if internal:
        columns = (*columns, Column("computed", "Rule's rating", "rating"))
    return Table(
        caption,
        columns,
        tuple(out),
        notes=(
            *extra,
            "Ratings: G on time; A slipped 1–2 quarters; R slipped 3 or more; "
            "CG / CA completed on time / late.",
        ),
    )


def overrides_table(rows: Sequence[RatedRow], caption: str) -> Table:
    out = [
        (
            r.quarter,
            r.kind,
            r.priority,
            r.ref or "",
            r.title,
            r.published,
            r.computed,
            r.override_reason or "No reason given in the return",
        )
        for r in rows
    ]
    return Table(
        caption,
        (
            Column("quarter", "Quarter"),
            Column("kind", "Kind"),
            Column("priority", "Priority"),
            Column("ref", "No."),
            Column("title", "Line"),
            Column("published", "Published", "rating"),
            Column("computed", "Rule", "rating"),
            Column("reason", "Reason"),
        ),
        tuple(out),
        row_headers=0,
    )


def risks_and_issues(data: ReportData, priority: str | None, caption_prefix: str) -> list[Block]:
    """The top risks (score, trend as published and as computed) and issues (H/M/L)."""
    blocks: list[Block] = []
    trends = {(t.priority, t.ref): t for t in data.returns.risk_trends}
    risks = data.rows("risks", priority)
    if risks:
        computed = {
            (r["priority"], r["ref"]): t.computed
            for r in risks
            if (t := trends.get((r["priority"], r["ref"]))) is not None and t.computed
        }
        # The trend from last quarter's scores is shown only where some risk has a history.
        with_history = bool(computed)
        rows: list[tuple[Cell, ...]] = []
        for r in risks:
            trend = computed.get((r["priority"], r["ref"]), "no history")
            row: tuple[Cell, ...] = (r["ref"], r["description"], r["score"], r["trend"])
            rows.append(
                (*row, trend, r["explanation"]) if with_history else (*row, r["explanation"])
            )
        columns: tuple[Column, ...] = (
            Column("ref", "No."),
            Column("risk", "There is a risk…"),
            Column("score", "Score", "number", decimals=0),
            Column("trend", "Trend"),
            *((Column("computed", "Trend from scores"),) if with_history else ()),
            Column("explanation", "Explanation for trend"),
        )
        blocks.append(
            Table(
                f"{caption_prefix}top risks",
                columns,
                tuple(rows),
                notes=(
                    "Score = likelihood × impact (1–25). Trend: ↑ increasing, → stable, "
                    "↓ decreasing.",
                ),
            )
        )
    issues = data.rows("issues", priority)
    if issues:
        blocks.append(
            Table(
                f"{caption_prefix}top issues",
                (
                    Column("ref", "No."),
                    Column("issue", "Issue"),
                    Column("rating", "Rating", "rating"),
                    Column("trend", "Trend"),
                    Column("explanation", "Explanation for trend"),
                ),
                tuple(
                    (i["ref"], i["description"], i["rating"], i["trend"], i["explanation"])
                    for i in issues
                ),
                notes=("Issue ratings: H high, M medium, L low.",),
            )
        )
    if not blocks:
        blocks.append(EmptyNotice(f"No risks or issues returned for {data.quarter.label}."))
    return blocks


def comparator_words(data: ReportData) -> dict[str, str]:
    """Column names of the comparators as read in sentences."""
    labels = comparator_labels(data.ws, data.quarter)
    return {c.value: labels[c] for c in (*QUARTER_COMPARATORS, *R12_COMPARATORS)}
