"""Commands for the plan, the returns and their ratings: a Typer app the main CLI mounts.

Each command calls one function of :mod:`scrutiny.returns.actions` (or the template writer) and
only formats its result. Ratings are always shown with letter and word, never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scrutiny.cli.common import (
    Format,
    FormatOpt,
    QuarterOpt,
    WorkspaceOpt,
    console,
    emit,
    err,
    fail,
    load,
    parse_quarter,
    quarter_of,
    records,
)
from scrutiny.outputs import OutputError, check_new_file

if TYPE_CHECKING:
    from scrutiny.config.plan import Plan
    from scrutiny.returns.base import ReturnError
    from scrutiny.returns.ratings import RatedRow

app = typer.Typer(help="The plan, quarterly returns and their ratings.", no_args_is_help=True)


def _print_errors(failures: list[ReturnError]) -> None:
    for failure in failures:
        for line in str(failure).splitlines():
            err.print(line, highlight=False, soft_wrap=True, markup=False)


@app.command("template")
def template(
    kind: Annotated[
        str, typer.Argument(help="e.g. services, milestones, risks (wrong: lists all)")
    ],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File or folder to write")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Write an Excel workbook")] = False,
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", "-q", help="Financial quarter in the file name, e.g. 2023-24Q1"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file")] = False,
) -> None:
    """Write a blank return of KIND: its header and one example row."""
    from scrutiny.returns.templates import write_template

    try:
        path = write_template(kind, out, xlsx, quarter, force=force)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    except OutputError as exc:
        raise fail(str(exc)) from None
    console.print(f"wrote {path}", highlight=False)


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="Return files to check (nothing is loaded)")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Check return files cell by cell without loading them."""
    from scrutiny.config.plan import PlanError
    from scrutiny.returns import actions

    try:
        plans = actions.workspace_plans(load(workspace))
    except PlanError as exc:
        raise fail(str(exc)) from None
    failures = actions.validate_returns(files, plans)
    _print_errors(failures)
    console.print(f"{len(files) - len(failures)} of {len(files)} file(s) valid")
    if failures:
        raise typer.Exit(code=1)


@app.command("load-returns")
def load_returns(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Files (default: the workspace's)")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Validate and load returns; a bad file loads nothing (the others still load)."""
    from scrutiny.config.plan import PlanError
    from scrutiny.returns import actions

    ws = load(workspace)
    try:
        report = actions.load_workspace_returns(ws, files or None)
    except PlanError as exc:
        raise fail(str(exc)) from None
    for result in report.results:
        console.print(result.describe(), highlight=False)
    _print_errors(report.failures)
    if not report.ok:
        raise typer.Exit(code=1)


RATING_COLUMNS = ("quarter", "kind", "priority", "ref", "title", "published", "rule")


def _rating_row(r: RatedRow, why: str) -> list[Any]:
    return [r.quarter, r.kind, r.priority, r.ref, r.title, r.published, r.computed, why]


def _rating_shown(row: Sequence[Any]) -> list[str]:
    from scrutiny.returns.ratings import label

    return [
        *(str(v or "") for v in row[:5]),
        label(row[5]),
        label(row[6]),
        str(row[7] or ""),
    ]


@app.command("ratings")
def ratings(
    quarter: QuarterOpt = None,
    disagreements: Annotated[
        bool, typer.Option("--disagreements", help="Only rows where the rule and the report differ")
    ] = False,
    fmt: FormatOpt = Format.table,
    workspace: WorkspaceOpt = None,
) -> None:
    """KPI and milestone ratings: published beside computed by the plan's rules."""
    from scrutiny.returns import actions
    from scrutiny.returns.ratings import agreement

    ws = load(workspace)
    rows = actions.workspace_ratings(ws, quarter_of(quarter))
    shown = [r for r in rows if r.override] if disagreements else rows
    emit(
        fmt,
        (*RATING_COLUMNS, "rule's reason"),
        [_rating_row(r, r.rule_reason or "") for r in shown],
        shown=_rating_shown,
        notes=(agreement(rows).describe(),),
    )


@app.command("overrides")
def overrides(
    quarter: QuarterOpt = None, fmt: FormatOpt = Format.table, workspace: WorkspaceOpt = None
) -> None:
    """Published ratings that differ from the rule, kept as overrides, with their reasons."""
    from scrutiny.returns import actions

    rows = [
        r for r in actions.workspace_ratings(load(workspace), quarter_of(quarter)) if r.override
    ]
    emit(
        fmt,
        (*RATING_COLUMNS, "reason given"),
        [_rating_row(r, r.override_reason or "(no reason given in the return)") for r in rows],
        shown=_rating_shown,
        notes=(f"{len(rows)} override(s)",),
    )


@app.command("risk-trends")
def risk_trends(
    quarter: QuarterOpt = None, fmt: FormatOpt = Format.table, workspace: WorkspaceOpt = None
) -> None:
    """Risk scores with the trend arrow as published and as computed from the previous quarter."""
    from scrutiny.returns import actions

    rows = [
        [t.quarter, t.priority, t.ref, t.description, t.score, t.previous, t.published, t.computed]
        for t in actions.workspace_risk_trends(load(workspace), quarter_of(quarter))
    ]

    def shown(row: Sequence[Any]) -> list[str]:
        *start, previous, published, computed = row
        return [
            *(str(v) for v in start),
            "–" if previous is None else str(previous),
            published or "–",
            computed or "(no history)",
        ]

    columns = ("quarter", "priority", "ref", "risk", "score", "previous", "published", "computed")
    emit(fmt, columns, rows, shown=shown)


def _num(x: float | None, fmt: str = "{:,.1f}") -> str:
    return "–" if x is None else fmt.format(x)


def _pounds(x: object) -> str:
    return "–" if x is None else f"£{float(str(x)):,.0f}"


@app.command("derived")
def derived(
    what: Annotated[str, typer.Argument(help="calls, finance, surveys or outcomes")],
    quarter: QuarterOpt = None,
    fmt: FormatOpt = Format.table,
    workspace: WorkspaceOpt = None,
) -> None:
    """Derived tables: call pp changes, finance variances, survey gaps, outcome changes."""
    from scrutiny.returns import actions
    from scrutiny.returns.derived import CALL_ROUNDING_PP, Gap, OutcomeChange, PointChange, Variance

    try:
        rows = actions.workspace_derived(load(workspace), what, quarter_of(quarter))
    except ValueError as exc:
        raise fail(str(exc)) from None
    if fmt != Format.table:
        emit(fmt, *records(rows))
        return
    from rich.table import Table

    table = Table()
    for r in rows:
        if isinstance(r, PointChange):
            if not table.columns:
                for c in (
                    "type",
                    "BCU",
                    "borough",
                    "now %",
                    "year ago %",
                    "change pp",
                    "published pp",
                    "within rounding",
                ):
                    table.add_column(c)
            ok = {True: "yes", False: "NO", None: "–"}[r.within_rounding]
            table.add_row(
                r.call_type,
                r.bcu or "",
                r.borough,
                _num(r.now, "{:.0f}"),
                _num(r.before, "{:.0f}"),
                _num(r.change_pp),
                _num(r.published_pp),
                ok,
            )
        elif isinstance(r, Variance):
            if not table.columns:
                for c in (
                    "statement",
                    "group",
                    "line",
                    "variance",
                    "computed",
                    "printed",
                    "status",
                ):
                    table.add_column(c)
            table.add_row(
                r.statement, r.group, r.line, r.measure, _num(r.computed), _num(r.stated), r.status
            )
        elif isinstance(r, Gap):
            if not table.columns:
                for c in (
                    "measure",
                    "dimension",
                    "group",
                    "area",
                    "value",
                    "force",
                    "gap pp",
                    "published gap",
                    "±5 flag",
                ):
                    table.add_column(c)
            table.add_row(
                r.measure,
                r.dimension,
                r.group,
                r.area or "",
                _num(r.value, "{:.0f}"),
                _num(r.force, "{:.0f}"),
                _num(r.gap_pp, "{:+.0f}"),
                _num(r.published_gap_pp, "{:+.0f}"),
                r.flag,
            )
        elif isinstance(r, OutcomeChange):
            if not table.columns:
                for c in ("category", "change", "published", "change pp", "published pp", "agree"):
                    table.add_column(c)
            table.add_row(
                r.category,
                _num(r.change_outcomes, "{:+,}"),
                _num(r.published_change_outcomes, "{:+,}"),
                _num(r.change_pp, "{:+.1f}"),
                _num(r.published_change_pp, "{:+.1f}"),
                {True: "yes", False: "NO", None: "–"}[r.rates_agree],
            )
    console.print(table)
    if what == "calls":
        console.print(
            f"Changes are computed from the percentages as printed (whole points); they agree with "
            f"the published change when within ±{CALL_ROUNDING_PP:g} pp (±0.5 for each printed "
            "percentage, ±0.05 for the published change's own rounding).",
            highlight=False,
        )


@app.command("known-issues")
def known_issues(fmt: FormatOpt = Format.table, workspace: WorkspaceOpt = None) -> None:
    """Checks that failed on rows marked as known (published) inconsistencies."""
    from scrutiny.returns import actions

    columns = ("file", "row", "column", "value", "check", "acknowledged as")
    emit(
        fmt,
        columns,
        actions.workspace_warnings(load(workspace)),
        shown=lambda row: ["" if v is None else str(v) for v in row],
    )


@app.command("decisions")
def decisions(fmt: FormatOpt = Format.table, workspace: WorkspaceOpt = None) -> None:
    """Funding decisions with the sums of their strands and funding sources."""
    from scrutiny.returns import actions

    columns = (
        "reference",
        "title",
        "date",
        "approver",
        "total",
        "strands",
        "sources",
        "delegated up to",
    )
    emit(
        fmt,
        columns,
        actions.workspace_decisions(load(workspace)),
        shown=lambda row: [*(str(v) for v in row[:4]), *(_pounds(v) for v in row[4:])],
    )


@app.command("pas")
def pas(
    file: Annotated[
        Path, typer.Argument(help="A Public Attitude Survey table with multi-row headers (CSV)")
    ],
    quarter: Annotated[str, typer.Option("--quarter", "-q", help="The quarter to file it under")],
    window: Annotated[str, typer.Option(help="The survey window, e.g. 'FY2015-16 to FY2020-21'")],
    group_dimension: Annotated[str, typer.Option(help="What the group header row holds")] = "Group",
    workspace: WorkspaceOpt = None,
) -> None:
    """Load a Public Attitude Survey table (multi-row header) as survey results."""
    from scrutiny.returns import actions
    from scrutiny.returns.base import ReturnError

    q = parse_quarter(quarter)
    try:
        result = actions.load_pas(load(workspace), file, q, window, group_dimension)
    except (ReturnError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(result.describe(), highlight=False)


@app.command("plan")
def plan(fmt: FormatOpt = Format.table, workspace: WorkspaceOpt = None) -> None:
    """The workspace's plan(s): priorities, outcome statements and measures."""
    from scrutiny.config.plan import PlanError, load_plans

    ws = load(workspace)
    if not ws.config.plan:
        raise fail(f"{ws.root / 'scrutiny.yaml'}: names no plan")
    try:
        plans = load_plans(ws.root / ws.config.plan)
    except PlanError as exc:
        raise fail(str(exc)) from None
    if fmt != Format.table:
        emit(fmt, PLAN_COLUMNS, plan_rows(plans))
        return
    for p in plans:
        console.print(f"[bold]{p.title}[/] ({p.first_year} to {p.last_year})", highlight=False)
        for pr in p.priorities:
            console.print(f"  {p.priority_word} [bold]{pr.id}[/]: {pr.title}", highlight=False)
            for o in pr.outcomes:
                console.print(f"    outcome {o.id}: {o.statement}", highlight=False)
            for m in pr.all_measures():
                target = f" target {m.target_text or m.target}" if m.target is not None else ""
                console.print(
                    f"    measure {m.id}: {m.title} [{m.unit}, {m.good_direction}]{target}",
                    highlight=False,
                )


PLAN_COLUMNS = (
    "plan",
    "first_year",
    "last_year",
    "priority",
    "priority_title",
    "item",
    "id",
    "text",
    "unit",
    "good_direction",
    "target",
)


def plan_rows(plans: list[Plan]) -> list[list[Any]]:
    """One row per outcome statement and per measure of each priority."""
    rows: list[list[Any]] = []
    for p in plans:
        for pr in p.priorities:
            head = [p.title, p.first_year, p.last_year, pr.id, pr.title]
            rows.extend(
                [*head, "outcome", o.id, o.statement, None, None, None] for o in pr.outcomes
            )
            rows.extend(
                [
                    *head,
                    "measure",
                    m.id,
                    m.title,
                    m.unit,
                    m.good_direction,
                    m.target_text or m.target,
                ]
                for m in pr.all_measures()
            )
    return rows


@app.command("plan-schema")
def plan_schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file")] = False,
) -> None:
    """The plan file's JSON Schema, for editors."""
    from scrutiny.config.plan import plan_json_schema_text

    text = plan_json_schema_text()
    if out:
        try:
            check_new_file(out, force=force)
        except OutputError as exc:
            raise fail(str(exc)) from None
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {out}", highlight=False)
    else:
        print(text)
