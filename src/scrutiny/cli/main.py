"""The ``scrutiny`` command: thin Typer commands, each calling one library function."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scrutiny import __version__
from scrutiny.cli.common import (
    Format,
    QuarterOpt,
    WorkspaceOpt,
    console,
    err,
    fail,
    load,
    quarter_of,
    ready_to_read,
    run_ingest,
)
from scrutiny.cli.errors import GuardedTyper
from scrutiny.cli.report import commentary, freeze, report
from scrutiny.cli.returns import app as returns_app
from scrutiny.cli.web import serve, site
from scrutiny.config.geography import QueryLevel

if TYPE_CHECKING:
    from rich.table import Table

    from scrutiny.analysis.crime import CrimeAnalysis
    from scrutiny.measures.crime_table import CrimeTable

app = GuardedTyper(
    help="Hold a police force to account: numbers, judgments and reports from raw data.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(returns_app)  # template, validate, load-returns, ratings, overrides, …
app.command()(report)
app.command()(commentary)
app.command()(freeze)
app.command()(serve)
app.command()(site)


@app.command()
def ingest(
    workspace: WorkspaceOpt = None,
    accept_revisions: Annotated[
        bool,
        typer.Option(
            "--accept-revisions",
            help="Load a publication even when it cuts a month-area total by more than "
            "settings.max_revision_drop_pct (default 50%)",
        ),
    ] = False,
) -> None:
    """Load the workspace's sources into its warehouse (files already loaded are skipped)."""
    ws = load(workspace)
    report = run_ingest(ws, accept_revisions=accept_revisions)
    for result in report.results:
        console.print(result.describe(), highlight=False)
    console.print(f"Warehouse: {ws.warehouse_path}", highlight=False)
    # The dashboard's first pages, recorded now so `scrutiny serve` answers them at once.
    from scrutiny.web.snapshot import warm

    try:
        warm(ws)
    except Exception as exc:  # the data are loaded; only the next serve start is slower
        err.print(f"note: the dashboard's first pages were not recorded ({exc})", highlight=False)


@app.command()
def crime(
    quarter: QuarterOpt = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help="Category or named group; repeat for more; 'all'"),
    ] = None,
    by: Annotated[QueryLevel, typer.Option("--by", help="Geography level")] = "force",
    area: Annotated[
        list[str] | None, typer.Option("--area", "-a", help="Area name or code; repeat for more")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.table,
    workspace: WorkspaceOpt = None,
) -> None:
    """Recorded-crime volumes and changes for a quarter: discrete quarter and rolling 12 months."""
    # Compiled SQL on a read-only connection: the same figures as the Ibis measures without
    # importing Ibis or pandas (measures/crime_table.py).
    from scrutiny.content.safe_csv import safe_cell
    from scrutiny.measures.crime_table import OUTCOME_COLUMNS
    from scrutiny.measures.crime_table import crime_table as compute_table

    ws = load(workspace)
    ready_to_read(ws, quiet=fmt != Format.table)
    try:
        result = compute_table(ws, quarter, category or [], by, area or [])
    except ValueError as exc:
        raise fail(str(exc)) from None
    if fmt == Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.csv_rows():  # names from the data may start with "=" or "@"
            writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    elif fmt == Format.json:
        typer.echo(json.dumps(result.records(), indent=2))
    else:
        console.print(crime_table(result))
        if any(c in result.columns for c in OUTCOME_COLUMNS):
            console.print(outcome_table(result))
        for note in result.notes:
            console.print(f"[dim]{note}[/]", highlight=False)


def crime_table(result: CrimeTable) -> Table:
    from rich.table import Table

    from scrutiny.measures.crime_table import COLUMNS

    q = result.query
    table = Table(title=f"Recorded crime, {q.quarter.label} ({q.level})", title_justify="left")
    for key, heading in COLUMNS.items():
        table.add_column(heading, justify="left" if key in ("category", "area_name") else "right")
    for row in result.records():
        table.add_row(*(_cell(key, row[key]) for key in COLUMNS))
    return table


def outcome_table(result: CrimeTable) -> Table:
    """Positive outcomes and the positive-outcome rate, beside the volumes table."""
    from rich.table import Table

    from scrutiny.measures.crime_table import OUTCOME_COLUMNS

    q = result.query
    columns = {"category": "Category", "area_name": "Area", **OUTCOME_COLUMNS}
    table = Table(title=f"Positive outcomes, {q.quarter.label} ({q.level})", title_justify="left")
    for key, heading in columns.items():
        table.add_column(heading, justify="left" if key in ("category", "area_name") else "right")
    for row in result.records():
        if (
            row.get("positive_outcomes_r12") is None
            and row.get("positive_outcomes_quarter") is None
        ):
            continue
        table.add_row(*(_cell(key, row.get(key)) for key in columns))
    return table


def _cell(key: str, value: object) -> str:
    from scrutiny.content.format import measure_cell

    return measure_cell(key, value)


@app.command()
def schema(
    report: Annotated[
        bool, typer.Option("--report", help="The schema of report.yaml instead")
    ] = False,
) -> None:
    """Print the JSON Schema of scrutiny.yaml, or of report.yaml (for editors)."""
    if report:
        from scrutiny.config.report import json_schema_text as report_schema

        typer.echo(report_schema())
        return
    from scrutiny.config.workspace import json_schema_text

    typer.echo(json_schema_text())


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="New workspace folder (must not exist)")],
    police_uk: Annotated[
        str | None,
        typer.Option(
            "--police-uk",
            help="A force's data.police.uk id (e.g. essex, city-of-london): a workspace for it "
            "on data.police.uk files instead of a copy of the demo",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="With --police-uk: a folder of data.police.uk files to read"),
    ] = None,
) -> None:
    """Start a workspace of your own: a copy of the demo, or any force on data.police.uk files."""
    from scrutiny.config.workspace import demo_root
    from scrutiny.sources.national import write_police_uk_workspace

    if folder.exists():
        raise fail(f"{folder}: already exists; choose a new folder")
    if police_uk is None:
        if data is not None:
            raise fail("--data goes with --police-uk FORCE")
        shutil.copytree(
            demo_root(), folder, ignore=shutil.ignore_patterns("*.duckdb*", "__pycache__")
        )
        console.print(f"Created {folder}: edit {folder / 'scrutiny.yaml'}", highlight=False)
        return
    if data is not None and not data.is_dir():
        raise fail(f"{data}: expected a folder of data.police.uk files")
    try:
        file = write_police_uk_workspace(folder, police_uk, data)
    except ValueError as exc:
        raise fail(str(exc)) from None
    where = data or folder / "data" / "police_uk"
    console.print(
        f"Created {folder} for the force '{police_uk}': street files are read from {where}; "
        f"edit {file}",
        highlight=False,
    )


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def explain(
    measure: Annotated[
        str | None,
        typer.Option("--measure", "-m", help="Category or named group (default: the headline)"),
    ] = None,
    quarter: QuarterOpt = None,
    area: Annotated[
        str | None, typer.Option("--area", "-a", help="Borough (default: force)")
    ] = None,
    by: Annotated[QueryLevel, typer.Option("--by", help="Level of --area")] = "borough",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format")] = Format.table,
    workspace: WorkspaceOpt = None,
) -> None:
    """Numbers, the significance of each change, the SPC verdict of the monthly pattern and the
    generated sentences for one measure."""
    from scrutiny.analysis.crime import CONFIDENCE_TEXT
    from scrutiny.analysis.explain import explain as explain_measure

    ws = load(workspace)
    ready_to_read(ws, quiet=fmt != Format.table)
    try:
        ex = explain_measure(ws, measure, quarter_of(quarter), area, by if area else "force")
    except ValueError as exc:
        raise fail(str(exc)) from None
    if fmt == Format.json:
        typer.echo(json.dumps(explanation_record(ex), indent=2, ensure_ascii=False))
        return
    if fmt == Format.csv:
        rows = explanation_record(ex)["comparisons"]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    console.print(f"[bold]{ex.category}[/] — {ex.area_name}, {ex.quarter.label}", highlight=False)
    console.print(
        f"Quarter: {_cell('quarter', ex.quarter_volume)} offences; {ex.r12_label}: "
        f"{_cell('r12', ex.r12_volume)}; rate {_cell('r12_rate_per_1000', ex.rate_per_1000)} "
        "per 1,000 residents",
        highlight=False,
    )
    from rich.table import Table

    table = Table(title="Changes (Poisson rate-ratio test)", title_justify="left")
    headings = ("against", "now", "then", "change %", "95% interval %", "p")
    for heading in (*headings, f"significant at {CONFIDENCE_TEXT}"):
        table.add_column(heading, justify="left" if heading == "against" else "right")
    for c in ex.comparisons:
        t = c.test
        interval = t.pct_change_interval if t else None
        table.add_row(
            c.label,
            _cell("quarter", c.current),
            _cell("quarter", c.previous),
            _cell("change_", c.pct_change),
            f"{interval.low:+.1f} to {interval.high:+.1f}" if interval else "–",
            f"{t.p_value:.3g}" if t and t.p_value is not None else "–",
            c.significant_text,
        )
    console.print(table)
    if ex.comparisons and ex.comparisons[0].test:
        console.print(f"[dim]{ex.comparisons[0].test.caveat}[/]", highlight=False)
    if ex.pattern is not None:
        console.print(
            f"{ex.pattern.text} ({len(ex.pattern.months)} months; fewer offences is better.)",
            highlight=False,
        )
    console.print(ex.quarter_sentence, highlight=False)
    console.print(ex.r12_sentence, highlight=False)
    if ex.outcomes:
        o = ex.outcomes
        console.print(
            f"Positive outcomes: quarter {_cell('quarter', o.quarter)} "
            f"({_cell('outcome_rate_quarter', o.rate_quarter)} of offences); "
            f"{ex.r12_label} {_cell('r12', o.r12)} ({_cell('outcome_rate_r12', o.rate_r12)}).",
            highlight=False,
        )
        for c in ex.comparisons:
            change = o.change_pp.get(c.comparator)
            if change is not None:
                console.print(
                    f"  Outcome rate vs {c.label}: {_cell('outcome_rate_change_', change)}",
                    highlight=False,
                )
        console.print(o.sentence, highlight=False)
    for note in (ex.coverage_note, ex.series_break):
        if note:
            console.print(f"[dim]{note}[/]", highlight=False)


def explanation_record(ex: CrimeAnalysis) -> dict[str, Any]:
    """An explanation as plain JSON-ready values."""
    pattern = ex.pattern
    return {
        "category": ex.category,
        "area_code": ex.area_code,
        "area_name": ex.area_name,
        "quarter": str(ex.quarter),
        "quarter_volume": ex.quarter_volume,
        "r12_volume": ex.r12_volume,
        "r12_rate_per_1000": ex.rate_per_1000,
        "comparisons": [
            {
                "comparator": c.comparator.value,
                "against": c.label,
                "now": c.current,
                "then": c.previous,
                "change_pct": c.pct_change,
                "p_value": c.test.p_value if c.test else None,
                "significance": c.significance_text,
            }
            for c in ex.comparisons
        ],
        "monthly_pattern": pattern.verdict if pattern else None,
        "monthly_pattern_text": pattern.text if pattern else None,
        "sentences": list(ex.sentences),
        "positive_outcomes_quarter": ex.outcomes.quarter if ex.outcomes else None,
        "positive_outcomes_r12": ex.outcomes.r12 if ex.outcomes else None,
        "outcome_rate_quarter": ex.outcomes.rate_quarter if ex.outcomes else None,
        "outcome_rate_r12": ex.outcomes.rate_r12 if ex.outcomes else None,
        "outcome_rate_changes_pp": (
            {c.value: v for c, v in ex.outcomes.change_pp.items()} if ex.outcomes else None
        ),
        "outcome_sentence": ex.outcomes.sentence if ex.outcomes else None,
        "coverage_note": ex.coverage_note,
        "series_break": ex.series_break,
    }
