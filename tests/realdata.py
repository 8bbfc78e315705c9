"""Where the tests find the real open data: ``$SCRUTINY_REALDATA``, or ``shared/realdata`` beside
the project (or beside any folder above it, so a git worktree finds it too)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _find() -> Path:
    if env := os.environ.get("SCRUTINY_REALDATA"):
        return Path(env)
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "shared" / "realdata").is_dir():
            return folder / "shared" / "realdata"
    return here.parents[1].parent / "shared" / "realdata"


REALDATA = _find()


def real_file(*parts: str) -> Path:
    """A file of the real data, or skip the test that needs it (named, so the skip is visible)."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not found: {path}")
    return path
