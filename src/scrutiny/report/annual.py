"""The annual report format (seeds 003 and 004): the year's figures and multi-year changes
("between … and … burglary fell by 22%"), delivery against each priority, and the finance
outturn table (annual budget, full-year outturn, variance by cost category and income line).

The year is the financial year of the quarter asked for. Before its fourth quarter the year is
not over: figures are the 12 months to the end of that quarter and the finance table shows the
latest full-year forecast, and the report says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scrutiny.config.periods import Quarter, add_months
from scrutiny.config.plan import Priority
from scrutiny.content.format import count, grouped, money
from scrutiny.content.model import (
    RATING_WORDS,
    Block,
    BulletList,
    Cell,
    Column,
    EmptyNotice,
    Note,
    Paragraph,
    Section,
    Sentence,
    Table,
)
from scrutiny.report.annex import annex
from scrutiny.report.charts import line_chart
from scrutiny.report.data import ReportData
from scrutiny.report.finances import PRINTED, M

#: Categories the year's overview reports, besides the workspace's headline ones.
CATEGORIES: tuple[str, ...] = (
    "Total Notifiable Offences",
    "Burglary",
    "Robbery",
    "Violence with Injury",
    "Homicide",
    "Sexual Offences",
    "Possession of Weapons",
)

#: Changes within this many per cent are written as "stayed about the same".
SAME_PCT = 1.0


def fy_label(fy_start: int) -> str:
    return f"{fy_start}-{(fy_start + 1) % 100:02d}"


def complete(data: ReportData) -> bool:
    return data.quarter.q == 4


def period_label(data: ReportData) -> str:
    label = fy_label(data.quarter.fy_start)
    return label if complete(data) else f"{label} (to the end of {data.quarter.label})"


def r12_end(data: ReportData, years_back: int) -> date:
    return add_months(data.quarter.last_month, -12 * years_back)


def r12(data: ReportData, name: str, years_back: int) -> int | None:
    last = r12_end(data, years_back)
    return data.window_total(name, add_months(last, -11), 12)


def anchor_years(data: ReportData) -> int:
    """Years back the annual report compares with: the workspace's setting (report.yaml,
    ``annual_compare_years``), else back to the first year of the earliest plan."""
    if data.definition.annual_compare_years is not None:
        return data.definition.annual_compare_years
    if not data.plans:
        return 5
    first = min(int(p.first_year[:4]) for p in data.plans)
    return max(1, data.quarter.fy_start - first)


def _change_words(pct: float) -> str:
    if abs(pct) < SAME_PCT:
        return "stayed about the same"
    return f"{'rose' if pct > 0 else 'fell'} by {abs(pct):.0f}%"


def multi_year_sentence(data: ReportData, name: str, years: int) -> Sentence | None:
    now, then = r12(data, name, 0), r12(data, name, years)
    if now is None or then is None or then == 0:
        return None
    pct = (now - then) / then * 100
    return Sentence(
        f"{data.selections[name.lower()].name} {_change_words(pct)} over {years} "
        f"year{'s' if years != 1 else ''} ({count(then)} offences in the 12 months to "
        f"{r12_end(data, years):%B %Y}, {count(now)} in the 12 months to "
        f"{r12_end(data, 0):%B %Y}).",
        "annual.multi_year",
    )


def overview_sentence(data: ReportData, names: list[str], years: int) -> Sentence | None:
    """One sentence for the year's categories: how many fell and rose over the comparison
    period, the largest fall and rise (the table gives every figure)."""
    changes: list[tuple[str, float]] = []
    for n in names:
        now, then = r12(data, n, 0), r12(data, n, years)
        if now is not None and then:
            changes.append((data.selections[n.lower()].name, (now - then) / then * 100))
    if not changes:
        return None
    fell = [c for c in changes if c[1] <= -SAME_PCT]
    rose = [c for c in changes if c[1] >= SAME_PCT]
    text = (
        f"Between the 12 months to {r12_end(data, years):%B %Y} and the 12 months to "
        f"{r12_end(data, 0):%B %Y}, recorded offences fell in {len(fell)} of {len(changes)} "
        f"categories and rose in {len(rose)}"
    )
    if fell:
        name, pct = min(fell, key=lambda c: c[1])
        text += f"; the largest fall was {name} ({pct:+.0f}%)".replace("-", "−")
    if rose:
        name, pct = max(rose, key=lambda c: c[1])
        text += f", the largest rise {name} ({pct:+.0f}%)"
    return Sentence(text + ".", "annual.overview")


def indicator_sentence(row: dict[str, Any]) -> Sentence | None:
    """A returned indicator's year-to-date figure against its target, with its rating."""
    if row.get("ytd_value") is None:
        return None
    unit = str(row.get("unit") or "")
    # a count reads as the number alone ("99", not "99 count"); other units are named ("158 days")
    named = "" if unit in ("count", "number") else unit
    value = f"{row['ytd_value']:g}%" if unit == "%" else f"{row['ytd_value']:,.0f} {named}".strip()
    text_target = grouped(str(row.get("target_text") or "").strip())
    target = (text_target if text_target not in ("", "-", "–", "—") else None) or (
        f"{row['target']:g}%" if unit == "%" and row.get("target") is not None else None
    )
    rating = RATING_WORDS.get(str(row.get("published_rating") or ""), "")
    text = f"{row['indicator'].rstrip('.')}: {value} in the year to date"
    if target:
        text += f" against a target of {target}"
    if rating:
        text += f" ({rating})"
    return Sentence(text + ".", "annual.indicator")


def _names(data: ReportData) -> list[str]:
    wanted = [*CATEGORIES, *data.ws.config.settings.headline_categories]
    return [n for n in dict.fromkeys(wanted) if data.has_category(n)]


def year_figures(data: ReportData) -> Section:
    years = anchor_years(data)
    names = _names(data)
    blocks: list[Block] = []
    if not complete(data):
        blocks.append(
            Note(
                f"The financial year {fy_label(data.quarter.fy_start)} is not over: figures are "
                f"for the 12 months to {r12_end(data, 0):%B %Y}, the latest the report covers.",
                "caveat",
            )
        )
    overview = overview_sentence(data, names, years)
    blocks.append(overview or EmptyNotice("Not enough years of recorded crime to compare."))
    rows: list[tuple[Cell, ...]] = []
    for n in names:
        now, last, then = r12(data, n, 0), r12(data, n, 1), r12(data, n, years)
        rows.append(
            (
                data.selections[n.lower()].name,
                now,
                last,
                None if now is None or not last else (now - last) / last * 100,
                then,
                None if now is None or not then else (now - then) / then * 100,
            )
        )
    if rows:
        blocks.append(
            Table(
                f"Recorded offences: the 12 months to {r12_end(data, 0):%B %Y} against one and "
                f"{years} years before",
                (
                    Column("category", "Category"),
                    Column("now", f"12 months to {r12_end(data, 0):%b %Y}", "number", decimals=0),
                    Column("last", f"12 months to {r12_end(data, 1):%b %Y}", "number", decimals=0),
                    Column("change1", "Change on a year before", "number", "%", 0, True),
                    Column(
                        "then", f"12 months to {r12_end(data, years):%b %Y}", "number", decimals=0
                    ),
                    Column("change", f"Change over {years} years", "number", "%", 0, True),
                ),
                tuple(rows),
            )
        )
        charted = [n for n in CATEGORIES if data.has_category(n)][:6]
        blocks.append(trend_chart(data, charted, years))
    return Section("year-figures", "The year in figures", 1, tuple(blocks))


def trend_chart(data: ReportData, names: list[str], years: int) -> Block:
    points: list[tuple[str, str, float | None]] = []
    for n in names:
        base = r12(data, n, years)
        if not base:
            continue
        for k in range(years, -1, -1):
            v = r12(data, n, k)
            label = f"to {r12_end(data, k):%b %Y}"
            points.append(
                (label, data.selections[n.lower()].name, None if v is None else v / base * 100)
            )
    if not points:
        return EmptyNotice("Not enough years of recorded crime to chart.")
    return line_chart(
        "annual-trend",
        f"Recorded offences, rolling 12 months, indexed ({r12_end(data, years):%b %Y} = 100)",
        points,
        "Index",
        "Line chart of each category's rolling 12-month offences at the same point of each year, "
        f"indexed to 100 in the 12 months to {r12_end(data, years):%B %Y}; the multi-year "
        "changes are stated in the sentences and table above.",
        fmt=".0f",
        series_title="Category",
    )


def delivery(data: ReportData) -> Section:
    plan = data.plan
    if plan is None:
        return Section(
            "delivery",
            "Delivery against the plan",
            1,
            (EmptyNotice(f"No plan in the workspace covers {data.quarter.label}."),),
        )
    intro = Paragraph(
        f"{plan.title}: the year's delivery against each {plan.priority_word}, from the project "
        "milestones, commissioned services and recorded crime."
    )
    children = tuple(priority_delivery(data, p) for p in plan.priorities)
    return Section("delivery", "Delivery against the plan", 1, (intro,), children, page_break=True)


def priority_delivery(data: ReportData, p: Priority) -> Section:
    blocks: list[Block] = []
    milestones = data.ratings("milestones", p.id)
    if milestones:
        finals = [r.final for r in milestones]
        blocks.append(
            Sentence(
                f"Key project activity: {finals.count('CG') + finals.count('CA')} of "
                f"{len(milestones)} milestones complete ({finals.count('CG')} on time); "
                f"{finals.count('G')} on track, {finals.count('A')} slipped 1–2 quarters, "
                f"{finals.count('R')} slipped further.",
                "annual.milestones",
            )
        )
        done = [r.title for r in milestones if r.final in ("CG", "CA")]
        if done:
            blocks.append(BulletList(tuple(done)))
    services = data.ratings("services", p.id)
    if services:
        finals = [r.final for r in services]
        blocks.append(
            Sentence(
                f"Commissioned services: {finals.count('G')} of {len(services)} KPIs rated Green, "
                f"{finals.count('A')} Amber and {finals.count('R')} Red at {data.quarter.label}.",
                "annual.services",
            )
        )
    for row in data.rows("indicators", p.id):
        if (found := indicator_sentence(row)) is not None:
            blocks.append(found)
    definition = data.definition
    names = [c for t in definition.themes_for(p.id) for c in t.categories]
    names += [
        src.category
        for m in p.all_measures()
        if (src := definition.measures.get(m.id)) is not None and src.category
    ]
    years = anchor_years(data)
    for n in dict.fromkeys(names):
        if data.has_category(n) and (s := multi_year_sentence(data, n, years)):
            blocks.append(s)
    series = {m.casefold() for t in definition.themes_for(p.id) for m in t.series}
    blocks += [
        Sentence(a.sentence, "series.sentence")
        for a in data.returns.indicators
        if a.measure.casefold() in series
    ]
    if not blocks:
        blocks.append(EmptyNotice("No returns or measures with data for this priority."))
    return Section(f"delivery-{p.id}", p.title, 2, tuple(blocks))


def outturn_rows(
    rows: list[dict], budget: str, outturn: str
) -> tuple[list[tuple[Cell, ...]], list[int]]:
    out: list[tuple[Cell, ...]] = []
    emphasis = []
    for r in rows:
        b, o = r.get(budget), r.get(outturn)
        out.append((r["line"], b, o, None if b is None or o is None else round(o - b, 10)))
        if r.get("total_of"):
            emphasis.append(len(out) - 1)
    return out, emphasis


def finance(data: ReportData) -> Section:
    q = data.quarter
    label = "Full-year outturn" if complete(data) else f"Full-year forecast at {q.label}"
    lower = label[0].lower() + label[1:]
    blocks: list[Block] = []
    if not complete(data):
        blocks.append(
            Note(
                f"The year is not over: the outturn column is the full-year forecast at {q.label}.",
                "caveat",
            )
        )
    revenue = data.rows("revenue")
    columns = (
        Column("line", "Cost category or income line"),
        Column("budget", "Annual budget", "number", M, 1),
        Column("outturn", label, "number", M, 1),
        Column("variance", "Variance", "number", M, 1),
    )
    if revenue:
        rows, emphasis = outturn_rows(revenue, "original_budget", "full_year_forecast")
        gross_line = data.definition.finance.gross_expenditure
        gross = next((r for r in revenue if r["line"] == gross_line), None)
        if gross and gross["full_year_forecast"] is not None:
            blocks.append(
                Sentence(
                    f"{data.force_short} gross expenditure: {lower} "
                    f"{money(gross['full_year_forecast'])} "
                    f"against an annual budget of {money(gross['original_budget'])}.",
                    "annual.revenue",
                )
            )
        blocks.append(
            Table(
                f"{data.force_short}: annual budget, {lower} and variance (£m)",
                columns,
                tuple(rows),
                emphasis=tuple(emphasis),
                notes=(PRINTED,),
            )
        )
    office = data.rows("office_finance")
    if office:
        body = list(dict.fromkeys(str(r["body"]) for r in office))[-1]
        part = [r for r in office if r["body"] == body]
        rows, emphasis = outturn_rows(part, "revised_budget", "full_year_forecast")
        blocks.append(
            Table(
                f"{body}: annual budget (revised), {lower} and variance (£m)",
                columns,
                tuple(rows),
                emphasis=tuple(emphasis),
                notes=(PRINTED,),
            )
        )
    if not revenue and not office:  # one line: no page of its own
        blocks.append(EmptyNotice(f"No finance returns loaded for {fy_label(q.fy_start)}."))
    return Section(
        "annual-finances", "Finances", 1, tuple(blocks), page_break=bool(revenue or office)
    )


def sections(data: ReportData) -> tuple[Section, ...]:
    builders = {
        "year-figures": year_figures,
        "delivery": delivery,
        "finances": finance,
        "annex": annex,
    }
    for name in data.definition.formats.annual:
        if name not in builders:
            raise ValueError(f"report.yaml: formats.annual: {name!r} is not an annual section")
    return tuple(builders[name](data) for name in data.definition.formats.annual)


__all__ = ["CATEGORIES", "Quarter", "period_label", "sections"]
