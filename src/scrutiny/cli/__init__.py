"""The ``scrutiny`` command: thin Typer commands, one module per area."""

from scrutiny.cli.main import app

__all__ = ["app"]
