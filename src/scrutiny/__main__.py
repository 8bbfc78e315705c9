"""``python -m scrutiny``: the same command as ``scrutiny``."""

from scrutiny.cli import app

app(prog_name="scrutiny")
