"""Disclosure control acts on the content model: a hidden count is hidden in a chart's data
table and in the data its spec draws, so no rendering of the chart can show it."""

from __future__ import annotations

from datetime import date

from scrutiny.content.disclosure import Suppressor, suppress_report
from scrutiny.content.model import Chart, Report, Section
from scrutiny.judge.spc import xmr
from scrutiny.report.charts import spc_chart


def test_small_counts_are_hidden_in_the_spec_and_the_table_of_an_spc_chart() -> None:
    counts = [40.0, 3.0, 52.0, 47.0, 8.0, 44.0, 41.0, 39.0, 45.0, 50.0, 43.0, 46.0]
    months = [date(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]
    chart = spc_chart("c", "Burglary", months, xmr(counts), "Offences")
    section = Section("s", "S", 1, (chart,))
    report = Report("R", "", "Org", "2023-24Q1", "current", "", "", (section,))

    shown = suppress_report(report, Suppressor(10)).sections[0].blocks[0]
    assert isinstance(shown, Chart)

    drawn = [row["count"] for row in shown.spec["data"]["values"]]
    assert drawn == [None if c < 10 else c for c in counts]
    assert [row[1] for row in shown.data.rows] == ["<10" if c < 10 else c for c in counts]
    # the unsuppressed chart still draws every count
    assert [row["count"] for row in chart.spec["data"]["values"]] == counts
    assert suppress_report(report, Suppressor(0)) is report
