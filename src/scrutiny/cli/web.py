"""``scrutiny serve`` and ``scrutiny site``: thin Typer commands over the web package.

The main CLI mounts them with ``app.command()(serve)`` and ``app.command()(site)``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scrutiny.cli.common import err, load, ready_to_read, real_console

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from scrutiny.config.workspace import Workspace

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: the shipped demo)"),
]


def _prepared(workspace: Path | None) -> Workspace:
    """The workspace, ready to be read (the server opens the warehouse read-only)."""
    ws = load(workspace)
    ready_to_read(ws)
    return ws


def serve(
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on")] = 8000,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (127.0.0.1: this machine only)")
    ] = "127.0.0.1",
    workspace: WorkspaceOpt = None,
) -> None:
    """Serve the public dashboard and its open-data API (read-only) at http://HOST:PORT/."""
    import uvicorn

    from scrutiny.web.server import server_options
    from scrutiny.web.starting import StartingApp

    ws = _prepared(workspace)

    def build() -> ASGIApp:
        from scrutiny.analysis.data import freeze_cached
        from scrutiny.web.app import create_app

        freeze_cached()  # a long-lived process: short garbage-collector pauses
        return create_app(ws, warm=True)

    # Listens at once; the dashboard is built in the background (web/starting.py).
    app = StartingApp(ws, build)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **server_options()))

    def stop() -> None:
        server.should_exit = True

    app.on_failure = stop
    err.print(f"Serving {ws.config.force} on http://{host}:{port}/ (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    app.raise_failure()
    if not server.started:  # the address is taken (uvicorn has said so): as uvicorn.run exits
        raise typer.Exit(code=3)


def site(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into")] = Path(
        "site"
    ),
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help="Crime category to give pages (default: headline)"),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a folder holding other files (never touched)"),
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the dashboard as a static site (pages, CSV and JSON) for any static host."""
    from rich.progress import BarColumn, Progress, TextColumn

    from scrutiny.outputs import OutputError
    from scrutiny.web.site import build_site

    ws = _prepared(workspace)
    with Progress(
        TextColumn("[bold]Writing[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=real_console(err),
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("site", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=name, completed=done, total=total)

        try:
            report = build_site(ws, out, category or [], progress, force=force)
        except (OutputError, LookupError) as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None
    typer.echo(report.describe())
