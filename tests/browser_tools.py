"""Where the browser tests find their tools, and the one failure when a tool is missing.

The browser tests never skip for a missing tool: a suite that shrinks without a word hides
regressions. ``scripts/test`` installs both tools (Debian's chromium, axe-core from npm);
deselect the browser tests deliberately with ``-m "not browser"``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require(path: Path, what: str) -> Path:
    """``path`` if it exists; otherwise fail the test with the step that installs it."""
    if not path.exists():
        pytest.fail(
            f"{what} not found at {path}: run `scripts/test` (it installs the Debian packages in "
            ".ci/apt-packages and axe-core from .ci/package-lock.json), or deselect the browser "
            'tests with -m "not browser"',
            pytrace=False,
        )
    return path


def chromium() -> Path:
    return require(CHROMIUM, "Debian's chromium")


def axe_script() -> Path:
    return require(AXE, "axe-core")
