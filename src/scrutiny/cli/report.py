"""``scrutiny report``: build a quarter's report as one self-contained HTML file and a PDF.

The lead mounts :func:`report` on the main app (``app.command()(report)``); it only parses
options and calls :func:`scrutiny.report.build.build_report`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scrutiny.cli.common import (
    Format,
    FormatOpt,
    QuarterOpt,
    WorkspaceOpt,
    console,
    err,
    ready_to_read,
)


class ReportEdition(StrEnum):
    public = "public"
    internal = "internal"


class ReportFormat(StrEnum):
    current = "current"
    objectives = "objectives"
    annual = "annual"


def report(
    quarter: QuarterOpt = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="current (seed 001), objectives (seed 000), annual"),
    ] = ReportFormat.current,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the HTML and PDF into")
    ] = Path("out"),
    stamp: Annotated[
        str | None,
        typer.Option(help="Date stamp printed on every page (default: when data were last loaded)"),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF")] = True,
    edition: Annotated[
        ReportEdition,
        typer.Option(
            help="public: for publication; internal: adds checks, known issues, file hashes and "
            "every published figure that differs from its recomputation"
        ),
    ] = ReportEdition.public,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a folder holding other files (never touched)"),
    ] = False,
    latest: Annotated[
        bool,
        typer.Option(
            "--latest",
            help="For a frozen quarter (`scrutiny freeze`), read the newest data instead of the "
            "frozen publications",
        ),
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Build the quarter's report: one self-contained HTML file (works offline) and a PDF."""
    from scrutiny.config.plan import PlanError
    from scrutiny.config.workspace import WorkspaceError, open_workspace
    from scrutiny.report.build import build_report
    from scrutiny.store.frozen import FreezeError
    from scrutiny.store.warehouse import IngestError

    try:
        ws = open_workspace(workspace)
        ready_to_read(ws)
        with err.status("Building the report…", spinner="dots") if err.is_terminal else _quiet():
            paths = build_report(
                ws,
                quarter,
                fmt.value,
                out,
                stamp,
                pdf=pdf,
                force=force,
                edition=edition.value,
                latest=latest,
            )
    except (WorkspaceError, PlanError, IngestError, FreezeError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(f"HTML: {paths.html}", highlight=False)
    if paths.pdf is not None:
        console.print(f"PDF:  {paths.pdf}", highlight=False)


def freeze(
    quarter: Annotated[str, typer.Argument(help="Financial quarter to freeze, e.g. 2023-24Q1")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an existing freeze of the quarter")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Record which publication of every source the quarter's report uses (frozen/QUARTER.json
    in the workspace): later builds of the quarter read crime as those publications gave it,
    whatever is published since (`scrutiny report --latest` reads the newest)."""
    from scrutiny.config.periods import Quarter
    from scrutiny.config.workspace import WorkspaceError, open_workspace
    from scrutiny.store.frozen import FreezeError, freeze_warehouse

    try:
        ws = open_workspace(workspace)
        q = Quarter.parse(quarter)
        ready_to_read(ws)
        path = ws.frozen_path(q)
        if path.exists() and not replace:
            raise FreezeError(
                f"{path.name}: {q} is frozen already (use --replace to freeze it again)"
            )
        record = freeze_warehouse(ws.warehouse_path, str(q))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record.to_json(), encoding="utf-8")
    except (WorkspaceError, FreezeError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    crime = [s for s in record.sources if s.crime]
    console.print(
        f"Froze {q}: {len(record.sources)} sources ({len(crime)} with crime figures, newest "
        f"vintage {max((s.vintage for s in crime), default='none')}) in {path}",
        highlight=False,
    )


def commentary(
    quarter: QuarterOpt = None,
    empty: Annotated[
        bool, typer.Option("--empty/--all", help="Only the sections with no commentary yet")
    ] = True,
    fmt: FormatOpt = Format.table,
    workspace: WorkspaceOpt = None,
) -> None:
    """The report's sections and their commentary (the commentary return): empty, draft or
    approved. A `place` here is what a commentary row names."""
    import csv
    import json

    from scrutiny.config.plan import PlanError
    from scrutiny.config.workspace import WorkspaceError, open_workspace
    from scrutiny.report.build import commentary_places
    from scrutiny.store.warehouse import IngestError

    try:
        ws = open_workspace(workspace)
        rows = commentary_places(ws, quarter)
    except (WorkspaceError, PlanError, IngestError, ValueError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    if empty:
        rows = [r for r in rows if r["state"] in ("empty", "unplaced")]
    if fmt == Format.json:
        typer.echo(json.dumps(rows, indent=2))
    elif fmt == Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=["place", "title", "state", "author"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.table import Table

        table = Table(title="Commentary by report section", title_justify="left")
        for name in ("place", "title", "state", "author"):
            table.add_column(name.capitalize())
        for r in rows:
            table.add_row(r["place"], r["title"], r["state"], r["author"])
        console.print(table)


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


#: A stand-alone app for running the command on its own (``python -m scrutiny.cli.report``).
app = typer.Typer(add_completion=False)
app.command()(report)

if __name__ == "__main__":
    app()
