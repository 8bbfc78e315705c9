"""The commentary return: the office's words placed in the report. Approved blocks precede or
replace the generated sentences; drafts show only in the internal edition; the internal edition
marks written and generated text; `scrutiny commentary` lists the sections still empty."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli.main import app
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.content.model import Prose, Report, Section, Sentence
from scrutiny.report.build import build_content
from scrutiny.report.html import render_html
from scrutiny.returns.base import ReturnError
from scrutiny.returns.load import read_return

from .conftest import STAMP

COMMENTARY = demo_root() / "returns" / "2023-24Q1-commentary.csv"


def demo_blocks() -> list[dict[str, str]]:
    with COMMENTARY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def section(report: Report, place: str) -> Section:
    return next(s for s in report.walk() if s.id == place)


def test_approved_blocks_precede_the_generated_sentences(current_report: Report) -> None:
    approved = [b for b in demo_blocks() if b["status"] == "approved"]
    assert len(approved) >= 5
    for block in approved:
        first = section(current_report, block["place"]).blocks[0]
        assert isinstance(first, Prose) and first.markdown == block["text"]
        assert "seed 001" in first.source
    summary = section(current_report, "outcomes-summary")
    assert any(isinstance(b, Sentence) for b in summary.blocks)  # "before": both stay


def test_a_draft_is_internal_only(current_report: Report, demo_ws: Workspace) -> None:
    draft = next(b for b in demo_blocks() if b["status"] == "draft")
    assert not any(isinstance(b, Prose) for b in section(current_report, draft["place"]).blocks)
    internal = build_content(demo_ws, "2023-24Q1", "current", STAMP, edition="internal")
    block = section(internal, draft["place"]).blocks[0]
    assert isinstance(block, Prose) and block.status == "draft"
    html = render_html(internal, interactive=False)
    assert "Written by Performance team (draft)" in html
    assert '<span class="provenance">Generated (' in html
    public = render_html(current_report, interactive=False)
    assert "Written by" not in public and "Generated (" not in public


@pytest.fixture(scope="module")
def replacing_ws(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("commentary") / "ws"
    shutil.copytree(demo_ws.root, root)
    rows = [
        {
            "place": "outcomes-summary",
            "position": "replace",
            "author": "Analyst",
            "status": "approved",
            "text": "Crime **rose** this year.",
            "source": "",
        },
        {
            "place": "no-such-section",
            "position": "before",
            "author": "Analyst",
            "status": "approved",
            "text": "Lost words.",
            "source": "",
        },
    ]
    path = root / "returns" / "2023-24Q1-commentary.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    ws = Workspace.load(root)
    from scrutiny.returns.actions import load_workspace_returns

    load_workspace_returns(ws)
    return ws


def test_replace_stands_instead_of_the_sentences(replacing_ws: Workspace) -> None:
    report = build_content(replacing_ws, "2023-24Q1", "current", STAMP)
    summary = section(report, "outcomes-summary")
    assert [type(b).__name__ for b in summary.blocks] == ["Prose"]
    assert "<strong>rose</strong>" in render_html(report, interactive=False)
    internal = build_content(replacing_ws, "2023-24Q1", "current", STAMP, edition="internal")
    unplaced = section(internal, "commentary-unplaced")
    # Row 3 of the file: the header is row 1.
    assert unplaced.blocks[0].rows == (("no-such-section", "Analyst", "3"),)  # type: ignore[union-attr]


def test_commentary_command_lists_the_empty_sections(replacing_ws: Workspace) -> None:
    result = CliRunner().invoke(
        app, ["commentary", "--quarter", "2023-24Q1", "-f", "json", "-w", str(replacing_ws.root)]
    )
    assert result.exit_code == 0, result.output
    rows = {r["place"]: r["state"] for r in json.loads(result.output)}
    assert "outcomes-summary" not in rows  # written
    assert rows["victims-activity"] == "empty"
    assert rows["no-such-section"] == "unplaced"


def test_a_bad_commentary_row_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "2023-24Q1-commentary.csv"
    path.write_text(
        "place,position,author,status,text,source\n"
        'victims-activity,before,Analyst,final,"Some words.",\n',
        encoding="utf-8",
    )
    with pytest.raises(ReturnError) as info:
        read_return(path)
    text = str(info.value)
    assert "2023-24Q1-commentary.csv" in text and "row 2" in text and "'status'" in text
