"""Reports of the demo workspace, built once for the session (each build takes seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Report
from scrutiny.report.build import ReportPaths, build_content, build_report

STAMP = "2026-11-23"


@pytest.fixture(scope="session")
def current_report(demo_ws: Workspace) -> Report:
    """The content model of the demo's 2023-24 Q1 report in the current format."""
    return build_content(demo_ws, "2023-24Q1", "current", STAMP)


@pytest.fixture(scope="session")
def built_current(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> ReportPaths:
    """The demo's 2023-24 Q1 report written as HTML and PDF."""
    out = tmp_path_factory.mktemp("report")
    return build_report(demo_ws, "2023-24Q1", "current", out, STAMP)


@pytest.fixture(scope="session")
def report_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")
