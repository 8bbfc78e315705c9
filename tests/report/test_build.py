"""The content of the demo's reports: every section of the issue is there, sections without data
say so, charts carry a text alternative and their data, figures agree with the measures."""

from __future__ import annotations

import re

import pytest

from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Chart, EmptyNotice, Report, Sentence, Table
from scrutiny.report.build import build_content

#: The current format's headings (issue 5), level by level.
CURRENT_CHAPTERS = [
    "Introduction",
    "The Police and Crime Plan objectives",
    "Summary dashboard",
    "Victims are better supported",
    "Trust and confidence increases",
    "Violence is prevented and reduced",
    "People are protected from exploitation and harm",
    "Crime outcomes",
    "Finances",
    "Risks and issues",
    "Annex",
]
PRIORITY_PARTS = [
    "Outcome statements",
    "Key measures",
    "Data dashboard",
    "Key themes",
    "Key project activity",
    "Commissioned services",
    "Financial overview",
]
FINANCE_PARTS = ["MPS revenue", "Capital", "MOPAC and VRU", "Reserves"]
ANNEX_PARTS = [
    "Definitions",
    "Data sources",
    "Methods",
    "Recorded crime caveat",
]
#: The internal edition's annex adds these.
INTERNAL_ANNEX_PARTS = ["Rating overrides", "Checks"]


def titles(report: Report, level: int) -> list[str]:
    return [s.title for s in report.walk() if s.level == level]


def test_current_format_has_every_section(current_report: Report) -> None:
    assert titles(current_report, 1) == CURRENT_CHAPTERS
    by_id = {s.id: s for s in current_report.walk()}
    for pid in ("victims", "trust", "violence", "exploitation"):
        assert [c.title for c in by_id[pid].children] == PRIORITY_PARTS
    assert [c.title for c in by_id["finances"].children] == FINANCE_PARTS
    assert [c.title for c in by_id["annex"].children] == ANNEX_PARTS


def test_sections_without_data_say_so(current_report: Report) -> None:
    by_id = {s.id: s for s in current_report.walk()}
    risks = by_id["risks"].blocks
    assert any(isinstance(b, EmptyNotice) and "No risks or issues" in b.text for b in risks)
    knife = next(s for s in current_report.walk() if s.title.endswith("Knife crime"))
    assert any(isinstance(b, EmptyNotice) and "knife crime" in b.text for b in knife.blocks)
    for section in current_report.walk():
        assert section.blocks or section.children, f"{section.title} is empty"


def test_charts_have_text_alternative_and_data(current_report: Report) -> None:
    charts = list(current_report.charts())
    assert len(charts) >= 10
    ids = [c.id for c in charts]
    assert len(ids) == len(set(ids)), "chart ids must be unique in a report"
    for chart in charts:
        assert len(chart.alt) > 40, chart.id
        assert chart.data.rows, chart.id
        assert "http" not in str(chart.spec.get("data", "")), "data must be inline"


def test_neighbourhood_crime_sentences_follow_the_measures(current_report: Report) -> None:
    """Seed 001: theft from the person +25% on the previous R12 and above pre-pandemic."""
    text = " ".join(b.text for b in current_report.blocks() if isinstance(b, Sentence))
    assert re.search(
        r"Theft from the Person increased in the 12 months to June 2023 compared "
        r"with the previous 12 months \(\+25%\)",
        text,
    )
    assert "Robbery of Personal Property increased in the 12 months to June 2023" in text
    assert "(+18%)" in text


def test_ratings_are_letters_with_a_rating_column(current_report: Report) -> None:
    services = next(
        b
        for b in current_report.blocks()
        if isinstance(b, Table) and b.caption.startswith("Victims are better supported: comm")
    )
    assert [c.kind for c in services.columns].count("rating") == 1  # the rule's: internal only
    assert set(services.column("rating")) <= {"G", "A", "R", None}
    assert "£7.86m" in services.column("budget")


def test_a_quarter_without_returns_says_so(demo_ws: Workspace) -> None:
    report = build_content(demo_ws, "2022-23Q1", "current", "2026-11-23")
    notices = [b.text for b in report.blocks() if isinstance(b, EmptyNotice)]
    assert any("No revenue return loaded for Q1 2022-23" in n for n in notices)
    assert any("No commissioned services returned" in n for n in notices)
    assert titles(report, 1) == CURRENT_CHAPTERS


def test_objectives_format(demo_ws: Workspace) -> None:
    report = build_content(demo_ws, "2021-22Q1", "objectives", "2026-11-23")
    assert titles(report, 1)[:2] == ["Objectives ratings", "A Better Policing Service"]
    grid = next(b for b in report.blocks() if isinstance(b, Table))
    assert [c.label for c in grid.columns] == [
        "Objective",
        "Overall",
        "Time",
        "Spend",
        "Capability",
        "Risk",
    ]
    assert grid.rows[0] == ("A Better Policing Service", "A", "G", "G", "G", "A")
    policing = {s.title: s for s in report.walk() if s.id.startswith("policing")}
    assert set(policing) >= {"Performance indicators", "Top risks and issues", "Goals"}
    indicators = policing["Performance indicators"].blocks[0]
    assert isinstance(indicators, Table)
    assert indicators.rows[0][:4] == ("1", "Overall victim satisfaction (USS)", "69%", "66%")
    assert indicators.rows[0][4] == "A"
    # an objective with no goals says so under its ratings, with no "Goals" heading of its own
    (hatred,) = [s for s in report.walk() if s.level == 1 and s.title.startswith("Standing")]
    assert "Goals" not in [c.title for c in hatred.children]
    notices = [b.text for b in hatred.blocks if isinstance(b, EmptyNotice)]
    assert notices == ["No goals returned for Q1 2021-22."]


def test_annual_format(demo_ws: Workspace) -> None:
    report = build_content(demo_ws, "2023-24Q1", "annual", "2026-11-23")
    assert titles(report, 1) == [
        "The year in figures",
        "Delivery against the plan",
        "Finances",
        "Annex",
    ]
    text = " ".join(b.text for b in report.blocks() if isinstance(b, Sentence))
    figures = next(b for b in report.blocks() if isinstance(b, Table))
    fell = sum(1 for r in figures.rows if r[-1] is not None and r[-1] <= -1)  # type: ignore[operator]
    found = re.search(
        r"Between the 12 months to June 2017 and the 12 months to June 2023, recorded offences "
        r"fell in (\d+) of (\d+) categories",
        text,
    )
    assert found and (int(found[1]), int(found[2])) == (fell, len(figures.rows))
    assert text.count("Between the 12 months") == 1  # one overview, not one per category
    assert "at Q1 2023-24" in text and "at q1" not in text
    outturn = next(
        b for b in report.blocks() if isinstance(b, Table) and b.caption.startswith("MPS: annual")
    )
    assert [c.label for c in outturn.columns] == [
        "Cost category or income line",
        "Annual budget",
        "Full-year forecast at Q1 2023-24",
        "Variance",
    ]
    gross = next(r for r in outturn.rows if r[0] == "Total Gross Expenditure")
    assert gross[1:] == (4391.7, 4392.0, pytest.approx(0.3))


def test_annual_format_reads_the_years_returns(demo_ws: Workspace) -> None:
    """2021-22: the Q1 returns are the year's latest; every objective with returns says
    something, one sentence per returned indicator."""
    import csv

    report = build_content(demo_ws, "2021-22Q4", "annual", "2026-11-23")
    with (demo_ws.root / "returns" / "2021-22Q1-indicators.csv").open(encoding="utf-8") as f:
        # "-" is printed where there is no figure.
        indicators = [r for r in csv.DictReader(f) if r["ytd_value"] not in ("", "-")]
    sentences = [b for b in report.blocks() if isinstance(b, Sentence)]
    assert sum(1 for s in sentences if s.rule == "annual.indicator") == len(indicators)
    delivery = next(s for s in report.walk() if s.id == "delivery")
    for child in delivery.children:
        assert not any(isinstance(b, EmptyNotice) for b in child.blocks), child.title


def test_unknown_format_is_refused(demo_ws: Workspace) -> None:
    with pytest.raises(ValueError, match="format 'weekly'"):
        build_content(demo_ws, None, "weekly")  # type: ignore[arg-type]


def test_stamp_defaults_to_the_last_load_not_the_clock(demo_ws: Workspace) -> None:
    report = build_content(demo_ws, "2023-24Q1", "current", edition="internal")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", report.stamp)
    sources = next(b for b in report.blocks() if type(b).__name__ == "SourceList")
    assert report.stamp == max(s.loaded_at for s in sources.sources)[:10]  # type: ignore[attr-defined]


def test_every_chart_is_a_chart(current_report: Report) -> None:
    assert all(isinstance(c, Chart) for c in current_report.charts())
