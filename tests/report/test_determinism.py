"""Two builds of the same workspace give byte-identical HTML, and the HTML needs nothing from the
network (one file, works offline)."""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.config.workspace import Workspace
from scrutiny.report.build import ReportPaths, build_report

from .conftest import STAMP


def test_two_builds_are_byte_identical(
    demo_ws: Workspace, built_current: ReportPaths, tmp_path: Path
) -> None:
    again = build_report(demo_ws, "2023-24Q1", "current", tmp_path, STAMP, pdf=False)
    assert again.html.read_bytes() == built_current.html.read_bytes()


def test_default_stamp_is_stable_too(demo_ws: Workspace, tmp_path: Path) -> None:
    a = build_report(demo_ws, "2023-24Q1", "current", tmp_path / "a", pdf=False)
    b = build_report(demo_ws, "2023-24Q1", "current", tmp_path / "b", pdf=False)
    assert a.html.read_bytes() == b.html.read_bytes()


def test_html_is_self_contained(built_current: ReportPaths) -> None:
    html = built_current.html.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|img|link|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "<link" not in html
    assert html.count("<script>") == 2  # the Vega runtime once, then the embedding script
    assert "vegaEmbed" in html
