"""The current quarterly report format (seed 001): introduction, the plan's objectives, a summary
dashboard, a chapter per priority, crime outcomes, finances, risks and issues, and the annex."""

from __future__ import annotations

from typing import Any

from scrutiny.analysis.series import SeriesAnalysis
from scrutiny.config.plan import Measure, Priority
from scrutiny.content.format import count, money, pct, slug
from scrutiny.content.model import (
    Block,
    BulletList,
    Cell,
    Column,
    EmptyNotice,
    Metric,
    Metrics,
    Note,
    Paragraph,
    Prose,
    Section,
    Sentence,
    Table,
)
from scrutiny.judge.narrative import format_pct_change, format_pp_change
from scrutiny.judge.rag import rate_band
from scrutiny.report import finances
from scrutiny.report.annex import annex
from scrutiny.report.charts import bar_chart
from scrutiny.report.data import ReportData
from scrutiny.report.outcome_trend import outcome_trend_blocks
from scrutiny.report.parts import (
    crime_blocks,
    crime_sentences,
    crime_spc,
    crime_spc_chart,
    milestones_table,
    missing_notice,
    risks_and_issues,
)
from scrutiny.report.series import series_blocks, series_of
from scrutiny.report.stop_search import stop_search_blocks
from scrutiny.report.surveys import gap_blocks, gap_size, survey_value
from scrutiny.report.topics import calls_blocks, outcomes_blocks, standards_blocks, workforce_blocks


def sections(data: ReportData) -> tuple[Section, ...]:
    """Every chapter of the current format, in the workspace's order."""
    builders = {
        "introduction": introduction,
        "plan-objectives": plan_objectives,
        "summary-dashboard": summary_dashboard,
        "crime-outcomes": crime_outcomes,
        "finances": finance_chapter,
        "risks": risks_chapter,
        "annex": annex,
    }
    chapters: list[Section] = []
    for name in data.definition.formats.current:
        if name == "priorities":
            if data.plan is not None:
                chapters.extend(priority_chapter(data, p) for p in data.plan.priorities)
        elif name in builders:
            chapters.append(builders[name](data))
        else:
            raise ValueError(f"report.yaml: formats.current: {name!r} is not a current section")
    return tuple(chapters)


# --- introduction ----------------------------------------------------------------------------


def introduction(data: ReportData) -> Section:
    ws, q = data.ws, data.quarter
    publisher = data.definition.publisher
    about: list[Block] = []
    if publisher.about.strip():
        about.append(Prose(publisher.about.strip(), source="report.yaml: publisher.about"))
    about.append(
        Paragraph(
            f"This report sets out the performance of the {ws.config.force} against the Police "
            f"and Crime Plan in {q.label} ({q.window().describe()}), from recorded crime, "
            "survey results, commissioned services' and project returns, and finance returns."
        )
    )
    about.extend(workforce_blocks(data, headline=True))
    glance: list[Block] = []
    tiles = headline_metrics(data)
    if tiles:
        glance.append(Metrics(tuple(tiles)))
    glance.extend(b for b in finances.revenue_blocks(data) if isinstance(b, Sentence))
    glance.extend(b for b in finances.capital_blocks(data)[:1] if isinstance(b, Sentence))
    glance.extend(b for b in finances.reserves_blocks(data)[:1] if isinstance(b, Sentence))
    if not glance:
        glance.append(EmptyNotice(f"No finance returns loaded for {q.label}."))
    outcomes: list[Block] = []
    for name in ("Total Notifiable Offences", "Neighbourhood Crime", "Violence Against the Person"):
        outcomes.extend(crime_sentences(data, name)[1:])
    if not outcomes:
        outcomes.append(EmptyNotice("No recorded crime in the data for this quarter."))
    return Section(
        "introduction",
        "Introduction",
        1,
        children=(
            Section("about", about_title(data), 2, tuple(about)),
            Section("budget-at-a-glance", "Budget and key figures at a glance", 2, tuple(glance)),
            Section("outcomes-summary", f"Outcomes summary, {q.label}", 2, tuple(outcomes)),
        ),
    )


def about_title(data: ReportData) -> str:
    """ "About <publisher's short name> and the <force>", or "About the <force>"."""
    publisher = data.definition.publisher
    force = data.ws.config.force
    who = publisher.short_name or publisher.name
    return f"About {who} and the {force}" if who else f"About the {force}"


def headline_metrics(data: ReportData) -> list[Metric]:
    tiles = []
    tno = data.category("Total Notifiable Offences")
    if tno and tno.get("r12") is not None:
        change = tno.get("change_previous_r12")
        tiles.append(
            Metric(
                "Recorded crime, rolling 12 months",
                count(tno["r12"]),
                f"{change:+.0f}% on the previous 12 months" if change is not None else "",
            )
        )
    for row in data.rows("workforce"):
        if row["group"] == "Officers" and row["dimension"] == "All" and row["headcount"]:
            tiles.append(Metric("Police officers", count(row["headcount"]), "headcount"))
    gross_line = data.definition.finance.gross_expenditure
    gross = next((r for r in data.rows("revenue") if r["line"] == gross_line), None)
    if gross and gross["original_budget"] is not None:
        tiles.append(
            Metric(
                f"{data.force_short} gross expenditure budget",
                money(gross["original_budget"]),
                "",
            )
        )
    return tiles


def plan_objectives(data: ReportData) -> Section:
    plan = data.plan
    if plan is None:
        blocks: tuple[Block, ...] = (
            EmptyNotice(f"No Police and Crime Plan in the workspace covers {data.quarter.label}."),
        )
        return Section("plan-objectives", "The Police and Crime Plan objectives", 1, blocks)
    items = tuple(f"{p.title}" for p in plan.priorities)
    blocks = (
        Paragraph(
            f"{plan.title} ({plan.first_year} to {plan.last_year}) sets out "
            f"{len(plan.priorities)} "
            f"{plan.priority_word if len(plan.priorities) == 1 else plan.priority_plural}:"
        ),
        BulletList(items),
        Paragraph(
            "Each chapter below sets out a priority's outcome statements and key measures, "
            "its data dashboard, key themes, project activity, commissioned services and budget."
        ),
    )
    return Section("plan-objectives", "The Police and Crime Plan objectives", 1, blocks)


# --- summary dashboard -----------------------------------------------------------------------


def measure_row(data: ReportData, measure: Measure) -> tuple[Cell, ...]:
    """(measure, latest, change, rating, SPC variation, note) for one plan measure."""
    source = data.definition.measures.get(measure.id)
    if source is not None and source.category and data.has_category(source.category):
        row = data.category(source.category)
        assert row is not None
        spc, _ = crime_spc(data, str(row["category"]))
        change = row.get("change_previous_r12")
        return (
            measure.title,
            f"{count(row.get('r12'))} (R12)",
            f"{format_pct_change(change)} on previous R12" if change is not None else "–",
            None,
            spc.variation_icon.value
            if spc.variation_icon and not data.series_withheld(source.category)
            else None,
            "No target set",
        )
    if source is not None and source.survey and source.survey_measure:
        found = survey_value(data, source.survey, source.survey_measure)
        if found is not None:
            value, window = found
            return (measure.title, f"{pct(value)} ({window})", "–", None, None, "No target set")
    if source is not None and source.series and (a := series_of(data, source.series)):
        return series_measure_row(measure.title, a)
    if source is not None and source.outcomes:
        outcome = outcome_row(data, source.outcomes)
        if outcome is not None:
            return outcome_measure_row(measure.title, outcome)
    if source is not None and source.survey_gaps and measure.target is not None:
        gaps = [g for g in data.returns.gaps if gap_size(g) is not None]
        if gaps:
            size = [gap_size(g) or 0.0 for g in gaps]
            outside = sum(1 for s in size if abs(s) > measure.target + 1e-9)
            worst = max(zip(size, gaps, strict=True), key=lambda t: abs(t[0]))
            rating = rate_band(worst[0], measure.target)
            return (
                measure.title,
                f"{outside} of {len(gaps)} gaps outside ±{measure.target:g} pp",
                f"largest {format_pp_change(worst[0], 0)} "
                f"({worst[1].dimension} {worst[1].group}, {worst[1].measure})",
                rating.letter,
                None,
                rating.reason,
            )
    note = "In development" if measure.in_development else "Not in the workspace's data"
    return (measure.title, "–", "–", None, None, note)


def series_measure_row(title: str, a: SeriesAnalysis) -> tuple[Cell, ...]:
    """A plan measure read from the indicator-series return: the latest value as returned, the
    change on the previous quarter (pp for a %), the SPC icon when the series is long enough,
    and the target."""
    latest = a.points[-1]
    decimals = 0 if all(float(p.value).is_integer() for p in a.points) else 1
    unit = "%" if a.unit == "%" else ""
    value = f"{latest.value:,.{decimals}f}{unit} ({latest.period.label})"
    change = a.changes[0] if a.changes else None
    moved = (
        f"{change.value:+.{change.decimals}f}".replace("-", "−")
        + f"{' pp' if unit else '%'} on {change.label}"
        if change is not None
        else "–"
    )
    icon = a.spc.variation_icon if a.spc is not None else None
    target = f"Target {latest.target:g}{unit}" if latest.target is not None else "No target set"
    return (title, value, moved, None, icon.value if icon else None, target)


def outcome_row(data: ReportData, category: str) -> dict[str, Any] | None:
    """The outcomes return's row of one category."""
    return next(
        (r for r in data.rows("outcomes") if str(r["category"]).casefold() == category.casefold()),
        None,
    )


def outcome_measure_row(title: str, row: dict[str, Any]) -> tuple[Cell, ...]:
    """A plan measure read from the outcomes return: positive outcomes in the latest window and
    the published change in volume (printed as returned)."""
    change = row.get("published_change_outcomes")
    if change is None and row.get("previous_outcomes") is not None:
        change = row["current_outcomes"] - row["previous_outcomes"]
    return (
        title,
        f"{count(row['current_outcomes'])} ({row['current_window']})",
        f"{change:+,.0f}".replace("-", "−") + f" on {row['previous_window']}"
        if change is not None
        else "–",
        None,
        None,
        "No target set",
    )


SUMMARY_COLUMNS = (
    Column("measure", "Measure"),
    Column("latest", "Latest"),
    Column("change", "Change"),
    Column("rating", "Rating", "rating"),
    Column("variation", "SPC", "variation"),
    Column("note", "Note"),
)


def summary_dashboard(data: ReportData) -> Section:
    plan = data.plan
    if plan is None:
        return Section(
            "summary-dashboard",
            "Summary dashboard",
            1,
            (EmptyNotice("No plan: no headline measures to summarise."),),
        )
    blocks: list[Block] = [
        Paragraph(
            "Every priority's headline measures with the latest figure, its change, a rating "
            "where the plan sets a target, and the statistical process control (SPC) reading "
            "of the monthly series. Ratings are shown as letter and word."
        )
    ]
    for p in plan.priorities:
        measures = list(p.all_measures())
        if not measures:
            blocks.append(
                Table(
                    f"{p.title}: headline measures",
                    SUMMARY_COLUMNS,
                    (
                        (
                            "No quantitative measures in the plan",
                            "–",
                            "–",
                            None,
                            None,
                            "Qualitative",
                        ),
                    ),
                )
            )
            continue
        blocks.append(
            Table(
                f"{p.title}: headline measures",
                SUMMARY_COLUMNS,
                tuple(measure_row(data, m) for m in measures),
            )
        )
    blocks.append(ratings_summary(data))
    return Section("summary-dashboard", "Summary dashboard", 1, tuple(blocks), page_break=True)


def ratings_summary(data: ReportData) -> Table | EmptyNotice:
    assert data.plan is not None
    letters = ("G", "A", "R")
    milestone_letters = ("CG", "CA", "G", "A", "R")
    rows: list[tuple[Cell, ...]] = []
    for p in data.plan.priorities:
        services = [r.final for r in data.ratings("services", p.id)]
        milestones = [r.final for r in data.ratings("milestones", p.id)]
        rows.append(
            (
                p.title,
                *(services.count(x) for x in letters),
                *(milestones.count(x) for x in milestone_letters),
            )
        )
    if not any(any(c for c in r[1:]) for r in rows):
        return EmptyNotice(f"No rated returns loaded for {data.quarter.label}.")
    return Table(
        f"Ratings of commissioned services' KPIs and key project milestones, {data.quarter.label}",
        (
            Column("priority", "Priority"),
            *(Column(f"kpi_{x}", f"KPIs {x}", "number", decimals=0) for x in letters),
            *(
                Column(f"ms_{x}", f"Milestones {x}", "number", decimals=0)
                for x in milestone_letters
            ),
        ),
        tuple(rows),
        notes=(
            "Counts of the ratings as published (the rule's rating where none was published). "
            "G Green, A Amber, R Red, CG complete on time, CA complete late.",
        ),
    )


# --- a priority's chapter --------------------------------------------------------------------


def priority_chapter(data: ReportData, p: Priority) -> Section:
    pid = p.id
    outcomes: tuple[Block, ...] = (
        (BulletList(tuple(o.statement for o in p.outcomes), ordered=True),)
        if p.outcomes
        else (EmptyNotice("The plan sets no outcome statements for this priority."),)
    )
    measures = list(p.all_measures())
    key_measures: list[Block] = []
    if measures:
        key_measures.append(
            Table(
                f"{p.title}: key measures",
                (
                    Column("measure", "Measure"),
                    Column("source", "Source"),
                    Column("status", "Status"),
                ),
                tuple(
                    (
                        m.title,
                        m.source or "–",
                        "In development" if m.in_development else (m.target_text or "Tracked"),
                    )
                    for m in measures
                ),
            )
        )
    else:
        key_measures.append(
            EmptyNotice("The plan takes a qualitative approach: no quantitative measures.")
        )
    children = [
        Section(f"{pid}-outcomes", "Outcome statements", 2, outcomes),
        Section(f"{pid}-measures", "Key measures", 2, tuple(key_measures)),
        Section(f"{pid}-dashboard", "Data dashboard", 2, tuple(dashboard(data, p))),
        key_themes(data, p),
        Section(
            f"{pid}-activity",
            "Key project activity",
            2,
            (
                milestones_table(
                    data.ratings("milestones", pid),
                    f"{p.title}: key project activity",
                    internal=data.internal,
                ),
            )
            if data.ratings("milestones", pid)
            else (EmptyNotice(f"No project milestones returned for {data.quarter.label}."),),
        ),
        Section(f"{pid}-services", "Commissioned services", 2, tuple(services(data, p))),
        Section(
            f"{pid}-finance",
            "Financial overview",
            2,
            tuple(finances.priority_finance(data, pid, p.title)),
        ),
    ]
    return Section(pid, p.title, 1, children=tuple(children), page_break=True)


def dashboard(data: ReportData, p: Priority) -> list[Block]:
    blocks: list[Block] = []
    measures = data.definition.measures
    for m in p.all_measures():
        name = measures[m.id].category if m.id in measures else None
        if name and data.has_category(name):
            chart = crime_spc_chart(data, name, f"{p.id}-dashboard")
            if chart is not None:
                blocks.append(chart)
    surveys = [
        (src.survey, src.survey_measure, found)
        for m in p.all_measures()
        if (src := measures.get(m.id)) is not None
        and src.survey
        and src.survey_measure
        and (found := survey_value(data, src.survey, src.survey_measure))
    ]
    if surveys:
        survey, _, (_, window) = surveys[0]
        residents = data.definition.wording.residents
        blocks.append(
            bar_chart(
                f"{p.id}-dashboard-survey",
                f"{survey}, {window}: % agreeing",
                [str(name) for _, name, _ in surveys],
                [v for _, _, (v, _) in surveys],
                f"% of {residents}",
                f"Bar chart of the share of {residents} agreeing with each survey measure: "
                + "; ".join(f"{name} {v:.0f}%" for _, name, (v, _) in surveys)
                + ".",
                fmt=".0f",
                unit="%",
            )
        )
    for m in p.all_measures():
        src = measures.get(m.id)
        if src is not None and src.series and (a := series_of(data, src.series)):
            blocks.append(Sentence(a.sentence, "series.sentence"))
            unit = "%" if a.unit == "%" else ""
            whole = all(float(x.value).is_integer() for x in a.points)
            blocks.append(
                bar_chart(
                    f"{p.id}-dashboard-series-{slug(a.measure)}",
                    f"{a.measure} by quarter",
                    [x.period.label for x in a.points],
                    [x.value for x in a.points],
                    f"{a.measure} ({unit})" if unit else a.measure,
                    f"Bar chart of {a.measure} by quarter: "
                    + "; ".join(
                        f"{x.period.label} {x.value:,.{0 if whole else 1}f}{unit}" for x in a.points
                    )
                    + ".",
                    fmt=".0f" if whole else ".1f",
                    decimals=0 if whole else 1,
                    unit=unit,
                )
            )
    if not blocks:
        blocks.append(EmptyNotice("None of this priority's measures is in the workspace's data."))
    return blocks


def key_themes(data: ReportData, p: Priority) -> Section:
    themes = data.definition.themes_for(p.id)
    if not themes:
        return Section(
            f"{p.id}-themes",
            "Key themes",
            2,
            (EmptyNotice("No key themes with data for this priority."),),
        )
    children = []
    for i, theme in enumerate(themes, start=1):
        blocks: list[Block] = []
        if theme.categories:
            blocks.extend(
                crime_blocks(
                    data,
                    theme.categories,
                    f"{p.id}-theme{i}",
                    f"{theme.title}: recorded offences, {data.quarter.label}",
                )
            )
        for part in theme.parts:
            names = tuple(theme.outcome_categories)
            if part == "outcome_trend":
                names = names or tuple(theme.categories)
            blocks.extend(topic_blocks(data, part, names))
        if theme.series:
            blocks.extend(series_blocks(data, theme.series))
        if theme.not_in_data:
            blocks.append(missing_notice(theme.not_in_data))
        if not blocks:
            blocks.append(EmptyNotice("No data for this theme."))
        children.append(
            Section(f"{p.id}-theme-{i}", f"Key theme {i}: {theme.title}", 3, tuple(blocks))
        )
    return Section(f"{p.id}-themes", "Key themes", 2, children=tuple(children))


def topic_blocks(data: ReportData, part: str, categories: tuple[str, ...]) -> list[Block]:
    match part:
        case "surveys":
            return gap_blocks(data)
        case "calls":
            return calls_blocks(data)
        case "standards":
            return standards_blocks(data)
        case "workforce":
            return workforce_blocks(data, headline=False)
        case "outcomes":
            return outcomes_blocks(data, categories)
        case "stop_search":
            return stop_search_blocks(data)
        case "outcome_trend":
            return outcome_trend_blocks(data, categories)
    raise ValueError(f"unknown theme part {part!r}")


def _budget(value: Any) -> str:
    if value is None:
        return "–"
    v = float(value)
    if v >= 1e6:
        return f"£{v / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    return f"£{v / 1e3:,.0f}k"


def _figure(unit: str, value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:g}%" if unit == "%" else f"{value:,.0f}"


def services(data: ReportData, p: Priority) -> list[Block]:
    rows = data.rows("services", p.id)
    if not rows:
        return [EmptyNotice(f"No commissioned services returned for {data.quarter.label}.")]
    rated = {r.row_number: r for r in data.ratings("services", p.id)}
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        rr = rated.get(r["row_number"])
        # The published rating stands; the rule's rating fills in where none was published
        # (the internal edition shows both).
        rating = r["published_rating"] or (rr.computed if rr else None)
        row: tuple[Cell, ...] = (
            r["service"],
            _budget(r["budget"]),
            r["kpi"],
            _figure(r["unit"], r["annual_target"]),
            _figure(r["unit"], r["ytd_value"]),
            rating,
        )
        out.append((*row, rr.computed if rr else None) if data.internal else row)
    columns: tuple[Column, ...] = (
        Column("service", "Service"),
        Column("budget", "Budget", "number"),
        Column("kpi", "KPI"),
        Column("target", "Annual target", "number"),
        Column("ytd", "Year to date", "number"),
        Column("rating", "Rating", "rating"),
    )
    if data.internal:
        columns = (*columns, Column("rule", "Rule's rating", "rating"))
    return [
        Table(
            f"{p.title}: commissioned services, {data.quarter.label}",
            columns,
            tuple(out),
            notes=(
                "Count KPIs are rated against the target pro rata to the quarter; % KPIs by "
                "percentage points short of target. This table does not show all expenditure.",
            ),
        )
    ]


# --- crime outcomes, finances, risks ---------------------------------------------------------


def crime_outcomes(data: ReportData) -> Section:
    blocks = outcomes_blocks(data, ())
    return Section("crime-outcomes", "Crime outcomes", 1, tuple(blocks), page_break=True)


def _lower_first(name: str) -> str:
    """ "The commissioner's office" inside a sentence; an acronym stays as written."""
    first = name.split(" ", 1)[0]
    return name[0].lower() + name[1:] if first.istitle() and first.lower() == "the" else name


def finance_chapter(data: ReportData) -> Section:
    return Section(
        "finances",
        "Finances",
        1,
        (
            Paragraph(
                "Revenue and capital of the force, the budget of "
                f"{_lower_first(data.definition.wording.office)} by plan outcome, and reserves."
            ),
        ),
        children=(
            Section(
                "finance-revenue",
                f"{data.force_short} revenue",
                2,
                tuple(finances.revenue_blocks(data)),
            ),
            Section("finance-capital", "Capital", 2, tuple(finances.capital_blocks(data))),
            Section(
                "finance-office",
                data.definition.wording.office,
                2,
                tuple(finances.office_blocks(data)),
            ),
            Section("finance-reserves", "Reserves", 2, tuple(finances.reserves_blocks(data))),
        ),
        page_break=True,
    )


def risks_chapter(data: ReportData) -> Section:
    blocks: list[Block] = []
    plan = data.plan
    if plan is not None and (data.rows("risks") or data.rows("issues")):
        children = tuple(
            Section(
                f"risks-{p.id}", p.title, 2, tuple(risks_and_issues(data, p.id, f"{p.title}: "))
            )
            for p in plan.priorities
            if data.rows("risks", p.id) or data.rows("issues", p.id)
        )
        return Section("risks", "Risks and issues", 1, children=children, page_break=True)
    blocks.extend(risks_and_issues(data, None, ""))
    blocks.append(Note("Risk and issue registers are returned by priority each quarter."))
    # A chapter that only says it has no data does not start a page of its own.
    return Section("risks", "Risks and issues", 1, tuple(blocks))
