"""What every command shares: the consoles, the workspace option, the one-line error, the output
formats, and the rule that outputs only read the warehouse.

Only ``scrutiny ingest`` (and ``init``) write. A read command opens the warehouse read-only;
when the sources changed since the last ingest it says so in one line and reads what is loaded.
A workspace with no warehouse at all (the demo on a fresh install) is ingested once, announced,
so the README's first command works.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from scrutiny.config.workspace import Workspace, WorkspaceError, open_workspace

if TYPE_CHECKING:
    from scrutiny.sources.ingest import IngestReport

# Pipes and CI logs get a wide table rather than Rich's 80-column default.
console = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: the shipped demo)"),
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format")]


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def load(workspace: Path | None) -> Workspace:
    try:
        return open_workspace(workspace)
    except WorkspaceError as exc:
        raise fail(str(exc)) from None


def run_ingest(ws: Workspace, quiet: bool = False, accept_revisions: bool = False) -> IngestReport:
    """Ingest with a progress bar; a bad file stops with its one-line error."""
    from scrutiny.sources.ingest import ingest_workspace
    from scrutiny.store.warehouse import IngestError

    with Progress(
        TextColumn("[bold]Loading[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    ) as bar:
        task = bar.add_task("sources", total=None)

        def progress(path: Path, done: int, total: int) -> None:
            bar.update(task, description=path.name, completed=done, total=total)

        try:
            return ingest_workspace(ws, progress, accept_revisions=accept_revisions)
        except (IngestError, WorkspaceError, ValueError) as exc:
            raise fail(str(exc)) from None


def ready_to_read(ws: Workspace, quiet: bool = False) -> None:
    """Make sure there is a warehouse to read, and warn (one line) when it is out of date."""
    from scrutiny.sources.ingest import changed_sources

    if not ws.warehouse_path.exists():
        err.print(
            f"No warehouse yet for {ws.config.force}: running `scrutiny ingest` once first.",
            highlight=False,
        )
        run_ingest(ws, quiet)
        return
    changed = changed_sources(ws)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        err.print(
            f"Sources changed since the last ingest ({changed[0]}{more}): "
            "run `scrutiny ingest` to load them; showing what is loaded.",
            highlight=False,
            soft_wrap=True,
        )
