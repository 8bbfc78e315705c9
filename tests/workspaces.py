"""Copies of the shipped demo workspace for tests that need one of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.sources.ingest import ingest_workspace


def copy_demo(root: Path, *, ingest: bool = False) -> Workspace:
    """The demo workspace copied to ``root`` without any warehouse or its record of inputs;
    ``ingest``: loaded too."""
    shutil.copytree(demo_root(), root, ignore=shutil.ignore_patterns("*.duckdb*", "*.inputs.json"))
    ws = Workspace.load(root)
    if ingest:
        ingest_workspace(ws)
    return ws
