"""The content model: plain data, JSON-serialisable, with tables that check their shape; and
the cell formats the renderers share."""

from __future__ import annotations

import json

import pytest

from scrutiny.content.format import format_cell, slug
from scrutiny.content.model import (
    Chart,
    Column,
    EmptyNotice,
    Paragraph,
    Report,
    Section,
    Sentence,
    Source,
    SourceList,
    Table,
    to_dict,
)
from scrutiny.report.html import col_widths, render_html


def small_report() -> Report:
    table = Table(
        "KPIs",
        (
            Column("kpi", "KPI"),
            Column("target", "Target", "number", "%", 0),
            Column("rating", "Rating", "rating"),
        ),
        (("Witnesses supported", 65, "G"), ("Advocates", 70, "R")),
    )
    chart = Chart(
        "c1",
        "A chart",
        {
            "mark": "bar",
            "data": {"values": [{"x": "a", "y": 1}]},
            "encoding": {
                "x": {"field": "x", "type": "nominal"},
                "y": {"field": "y", "type": "quantitative"},
            },
        },
        "One bar of height 1.",
        Table("Data", (Column("x", "x"), Column("y", "y", "number")), (("a", 1),)),
    )
    inner = Section("inner", "Inner", 2, (Sentence("Crime fell (−3%).", "narrative"),))
    return Report(
        "Title",
        "Q1 2023-24",
        "A Force",
        "2023-24Q1",
        "current",
        "2026-11-23",
        "0.1.0",
        (
            Section("one", "One", 1, (Paragraph("Hello"), table, chart), (inner,)),
            Section("two", "Two", 1, (EmptyNotice("No returns loaded for this quarter."),)),
            Section(
                "three",
                "Three",
                1,
                (SourceList((Source("f.csv", "datastore", "ab" * 32, 10, "202306", "x"),)),),
            ),
        ),
    )


def test_to_dict_is_json_and_tags_every_object() -> None:
    data = to_dict(small_report())
    text = json.dumps(data)
    assert data["type"] == "report"
    assert [s["type"] for s in data["sections"]] == ["section"] * 3
    blocks = data["sections"][0]["blocks"]
    assert [b["type"] for b in blocks] == ["paragraph", "table", "chart"]
    assert blocks[1]["columns"][2]["kind"] == "rating"
    assert blocks[2]["data"]["rows"] == [["a", 1]]
    assert "Crime fell" in text


def test_walk_visits_sections_in_reading_order() -> None:
    report = small_report()
    assert [s.id for s in report.walk()] == ["one", "inner", "two", "three"]
    assert [c.id for c in report.charts()] == ["c1"]


def test_table_rejects_rows_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="row 0 has 1 cells for 2 columns"):
        Table("t", (Column("a", "A"), Column("b", "B")), (("x",),))


def test_slug() -> None:
    assert slug("Theft from the Person") == "theft-from-the-person"
    assert slug("  ") == "x"  # never empty (ids and file names)


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [
        (None, Column("x", "X", "number"), "–"),
        (1234.5, Column("x", "X", "number", decimals=0), "1,234"),
        (-0.9, Column("x", "X", "number", "£m", 1), "(0.9)"),
        (-0.04, Column("x", "X", "number", "£m", 1), "0.0"),
        (4.8, Column("x", "X", "number", "%", 1, True), "+4.8%"),
        (-3.2, Column("x", "X", "number", "%", 1, True), "\u22123.2%"),
        (0.0, Column("x", "X", "number", "pp", 1, True), "0.0"),
        (-15, Column("x", "X", "flag", "pp", 0, True), "\u221215*"),
        (4, Column("x", "X", "flag", "pp", 0, True), "+4"),
        ("£7.86m", Column("x", "X", "number"), "£7.86m"),
    ],
)
def test_format_cell(value: object, column: Column, text: str) -> None:
    assert format_cell(value, column) == text


def test_column_widths() -> None:
    """Per cent, adding up to 100: short columns as wide as their text, long text the rest."""
    table = Table(
        "t",
        (
            Column("kpi", "KPI"),
            Column("target", "Target", "number", "%", 0),
            Column("rating", "Rating", "rating"),
        ),
        (("A long description of a key performance indicator", 65, "CA"),),
    )
    widths = [float(w.rstrip("%")) for w in col_widths(table)]
    assert sum(widths) == pytest.approx(100, abs=0.5)
    assert widths[0] > widths[2] > widths[1]  # "CA Complete late" is wider than "65%"


def test_html_fragments() -> None:
    """Ratings print letter and word; tables have header cells; empty sections say so."""
    html = render_html(small_report(), interactive=False)
    assert '<span class="rag rag-G"><b>G</b> <span class="rag-word">Green</span></span>' in html
    assert '<th scope="col" class="text">KPI</th>' in html
    assert '<th scope="row" class="text">Witnesses supported</th>' in html
    assert '<p class="empty" role="note">No returns loaded for this quarter.</p>' in html
    assert '<h3 id="inner-h">Inner</h3>' in html
    assert "<script" not in html
    # The chart's text alternative is the image's alt text, not a visible paragraph.
    assert 'class="chart-img" alt="One bar' in html
    assert "Text alternative" not in html
    interactive = render_html(small_report(), interactive=True)
    assert '<p class="chart-alt visually-hidden">One bar' in interactive


def test_interactive_html_embeds_specs_safely() -> None:
    html = render_html(small_report(), interactive=True)
    assert '<script type="application/json" id="spec-c1">' in html
    assert html.count("vegaEmbed") >= 2  # the bundle defines it once, the embed script uses it
    assert "<summary>Data for this chart</summary>" in html
