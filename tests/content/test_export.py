"""Report tables as open data: number columns hold numbers, what was printed instead is a note."""

from __future__ import annotations

from scrutiny.content.export import figure_of, numeric_table
from scrutiny.content.model import Column, Table


def test_printed_figures_read_back_as_numbers() -> None:
    assert figure_of("£760k").value == 760_000  # type: ignore[union-attr]
    assert figure_of("£1.97m").value == 1_970_000  # type: ignore[union-attr]
    found = figure_of("48% (R12 to June 2023)")
    assert found is not None and (found.value, found.unit, found.note) == (
        48,
        "%",
        "R12 to June 2023",
    )
    assert figure_of("60,246 (July 2022-June 2023)").value == 60_246  # type: ignore[union-attr]
    assert figure_of("−3.5%").value == -3.5  # type: ignore[union-attr]
    for text in ("17 of 72 gaps outside ±5 pp", "% of victims referred", "Tracked", "–"):
        assert figure_of(text) is None, text


def test_number_columns_hold_numbers_with_units_and_notes_beside() -> None:
    table = Table(
        "Services",
        (
            Column("service", "Service"),
            Column("budget", "Budget"),
            Column("target", "Target"),
            Column("ytd", "Year to date"),
            Column("latest", "Latest"),
            Column("spend", "Spend", "number", "£m"),
        ),
        (
            ("Victims", "£7.86m", "25%", "28%", "48% (R12 to June 2023)", 1.5),
            ("Witnesses", "£375k", "1,470", "–", "17 of 72 gaps outside ±5 pp", None),
            ("Advocacy", "£1m", "65%", "85%", "237,450 (R12)", 2.0),
        ),
    )
    columns, rows = numeric_table(table)
    assert columns == [
        "service",
        "budget_gbp",
        "target",
        "target_unit",
        "ytd_pct",
        "ytd_note",
        "latest",
        "latest_unit",
        "latest_note",
        "spend",
    ]
    assert [r["budget_gbp"] for r in rows] == [7_860_000, 375_000, 1_000_000]
    assert [(r["target"], r["target_unit"]) for r in rows] == [
        (25, "%"),
        (1470, "count"),
        (65, "%"),
    ]
    assert [(r["ytd_pct"], r["ytd_note"]) for r in rows] == [
        (28, None),
        (None, "not published"),
        (85, None),
    ]
    assert rows[1]["latest"] is None and rows[1]["latest_note"] == "17 of 72 gaps outside ±5 pp"
    assert rows[0]["latest_note"] == "R12 to June 2023" and rows[2]["latest"] == 237_450
    assert [r["spend"] for r in rows] == [1.5, None, 2.0]


def test_a_column_of_labels_stays_text() -> None:
    table = Table(
        "Measures",
        (Column("measure", "Measure"), Column("status", "Status")),
        (("Trust in the police", "Tracked"), ("Fair treatment", "within ±5%"), ("Stops", "–")),
    )
    columns, rows = numeric_table(table)
    assert columns == ["measure", "status"]
    assert rows[1]["status"] == "within ±5%"
    assert rows[2]["status"] is None  # a printed dash is an empty cell
