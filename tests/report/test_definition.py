"""The report is defined in the workspace (report.yaml): publisher, wording, section order, key
themes and measure sources come from there; a bad definition is a one-line error naming the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scrutiny.config.report import DefinitionError, ReportDefinition, load_definition
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.content.model import Chart, Report, Sentence
from scrutiny.report.build import build_content
from scrutiny.report.data import workspace_definition
from scrutiny.report.html import render_html
from scrutiny.report.pdf import page_css

STAMP = "2026-11-23"


def demo_definition() -> dict:
    return yaml.safe_load((demo_root() / "report.yaml").read_text(encoding="utf-8"))


def test_the_demo_definition_matches_its_plan(demo_ws: Workspace) -> None:
    from scrutiny.returns.actions import workspace_plans

    definition = workspace_definition(demo_ws, workspace_plans(demo_ws))
    assert definition.publisher.short_name == demo_definition()["publisher"]["short_name"]
    assert [t.title for t in definition.themes_for("violence")][:1] == [
        "Violence against the person"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"priorities": {"no-such": {"themes": []}}}, "priorities.no-such: no such priority"),
        ({"measures": {"no-such": {"category": "Rape"}}}, "measures.no-such: no such measure"),
        ({"publisher": {"colours": {"primary": "navy"}}}, "publisher.colours.primary"),
        ({"formats": {"current": ["introduction", "chapter-9"]}}, "formats.current.1"),
        ({"publisher": {"name": "X", "motto": "Y"}}, "publisher.motto"),
    ],
)
def test_a_bad_definition_names_the_key(
    demo_ws: Workspace, tmp_path: Path, change: dict, message: str
) -> None:
    from scrutiny.returns.actions import workspace_plans

    ws = Workspace.load(demo_ws.root)
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(change), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        definition = load_definition(path)
        plans = workspace_plans(ws)
        definition.check_plan(
            {p.id for plan in plans for p in plan.priorities},
            {m.id for plan in plans for p in plan.priorities for m in p.all_measures()},
            path.name,
        )
    text = str(caught.value)
    assert text.startswith("report.yaml: ") and message in text and "\n" not in text


def test_no_definition_gives_a_neutral_report() -> None:
    definition = load_definition(None)
    assert definition == ReportDefinition()
    assert definition.publisher.name == "" and definition.priorities == {}


def test_the_demo_report_is_published_by_the_office(current_report: Report) -> None:
    publisher = demo_definition()["publisher"]["name"]
    assert current_report.by == publisher != current_report.organisation
    assert current_report.logo.startswith("data:image/svg+xml;base64,")
    html = render_html(current_report, interactive=False)
    assert f'<meta name="author" content="{publisher}">'.replace("'", "&#39;") in html
    assert publisher in page_css(current_report)


@pytest.fixture(scope="module")
def edited_ws(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the loaded demo whose report.yaml names another publisher, other words, fewer
    themes and another section order."""
    root = tmp_path_factory.mktemp("edited") / "ws"
    shutil.copytree(demo_ws.root, root)
    definition = demo_definition()
    definition["publisher"] = {"name": "Office of the Test Commissioner", "short_name": "OTC"}
    definition["wording"] = {
        "residents": "Testshire residents",
        "force_short": "TP",
        "office": "OTC",
    }
    definition["formats"] = {"current": ["finances", "introduction", "priorities"]}
    definition["priorities"] = {
        "violence": {"themes": [{"title": "Sexual offences only", "categories": ["Rape"]}]}
    }
    (root / "report.yaml").write_text(yaml.safe_dump(definition), encoding="utf-8")
    return Workspace.load(root)


def test_the_report_follows_an_edited_definition(edited_ws: Workspace) -> None:
    report = build_content(edited_ws, "2023-24Q1", "current", STAMP)
    assert report.by == "Office of the Test Commissioner" and report.logo == ""
    assert [s.id for s in report.sections][:2] == ["finances", "introduction"]
    assert "annex" not in [s.id for s in report.sections]
    by_id = {s.id: s for s in report.walk()}
    assert by_id["finance-revenue"].title == "TP revenue"
    assert by_id["finance-office"].title == "OTC"
    assert [c.title for c in by_id["violence-themes"].children] == [
        "Key theme 1: Sexual offences only"
    ]
    assert [c.title for c in by_id["trust-themes"].children] == []  # no themes: said so
    assert "No key themes" in render_html(report, interactive=False)
    charts = [b for b in report.blocks() if isinstance(b, Chart)]
    assert any("% of Testshire residents" in str(c.spec) for c in charts)
    sentences = " ".join(b.text for b in report.blocks() if isinstance(b, Sentence))
    assert "The overall TP forecast revenue outturn" in sentences
