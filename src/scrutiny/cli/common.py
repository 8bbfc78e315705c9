"""What every command shares: the consoles, the workspace option, the one-line error, the output
formats, and the rule that outputs only read the warehouse.

Only ``scrutiny ingest`` (and ``init``) write. A read command opens the warehouse read-only;
when the sources changed since the last ingest it says so in one line and reads what is loaded.
A workspace with no warehouse at all (the demo on a fresh install) is ingested once, announced,
so the README's first command works.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from scrutiny.config.periods import Quarter
    from scrutiny.config.workspace import Workspace
    from scrutiny.sources.ingest import IngestReport


class _LazyConsole:
    """A Rich console made on first use: importing Rich costs every command's start-up, and a
    command printing CSV or JSON never needs it."""

    def __init__(self, stderr: bool = False, off_terminal_width: int | None = None):
        self._options = (stderr, off_terminal_width)
        self._console: Console | None = None

    def made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            stderr, width = self._options
            on_terminal = (sys.stderr if stderr else sys.stdout).isatty()
            self._console = Console(
                stderr=stderr, width=None if on_terminal or width is None else width
            )
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)


def real_console(console: Console) -> Console:
    """The Rich console itself, for Rich objects that take one (a progress bar)."""
    return console.made() if isinstance(console, _LazyConsole) else console


def lazy_console(stderr: bool = False, off_terminal_width: int | None = None) -> Console:
    return cast("Console", _LazyConsole(stderr, off_terminal_width))


# Off a terminal (pipes, files, CI logs) tables take the width they need: nothing is cut.
console = lazy_console(off_terminal_width=100_000)
err = lazy_console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: the shipped demo)"),
]


QuarterOpt = Annotated[
    str | None,
    typer.Option(
        "--quarter", "-q", help="Financial quarter, e.g. 2023-24Q1 (default: the workspace's)"
    ),
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
    from scrutiny.config.workspace import WorkspaceError, open_workspace

    try:
        return open_workspace(workspace)
    except WorkspaceError as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:
        # The plan's models are imported only here: defining them costs every command's start.
        from scrutiny.config.plan import PlanError

        if isinstance(exc, PlanError):
            raise fail(str(exc)) from None
        raise


def parse_quarter(text: str) -> Quarter:
    """A ``--quarter`` option as a Quarter, parsed here once for the layers below; a malformed
    one stops with its one-line error."""
    from scrutiny.config.periods import Quarter

    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise fail(str(exc)) from None


def quarter_of(text: str | None) -> Quarter | None:
    """An optional ``--quarter`` (None: the workspace's current quarter)."""
    return None if text is None else parse_quarter(text)


def run_ingest(ws: Workspace, quiet: bool = False, accept_revisions: bool = False) -> IngestReport:
    """Ingest with a progress bar; a bad file stops with its one-line error."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from scrutiny.config.workspace import WorkspaceError
    from scrutiny.sources.ingest import ingest_workspace
    from scrutiny.store.warehouse import IngestError

    with Progress(
        TextColumn("[bold]Loading[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=real_console(err),
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
    from scrutiny.store.inputs import changed_inputs

    if not ws.warehouse_path.exists():
        err.print(
            f"No warehouse yet for {ws.config.force}: running `scrutiny ingest` once first.",
            highlight=False,
        )
        run_ingest(ws, quiet)
        return
    changed = changed_inputs(ws.warehouse_path, ws.input_files(), ws.root)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        err.print(
            f"Sources changed since the last ingest ({changed[0]}{more}): "
            "run `scrutiny ingest` to load them; showing what is loaded.",
            highlight=False,
            soft_wrap=True,
        )


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO text, Decimals as floats, others as they are."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def emit(
    fmt: Format,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    shown: Callable[[Sequence[Any]], Sequence[str]] | None = None,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Print rows as a table (``shown`` formats a row for people), CSV or JSON (raw values).

    Tables wrap long cells instead of cutting them, and off a terminal they are as wide as they
    need to be, so a piped table never loses text to "…"."""
    rows = list(rows)
    if fmt == Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        return
    if fmt == Format.json:
        records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(shown(row) if shown else ["–" if v is None else str(v) for v in row]))
    console.print(table)
    for note in notes:
        console.print(note, highlight=False, soft_wrap=True)


def records(items: Iterable[Any]) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of a list of dataclass instances (all of one type), for CSV and JSON."""
    items = list(items)
    if not items:
        return [], []
    names = [f.name for f in fields(items[0])]
    return names, [[getattr(i, n) for n in names] for i in items]
