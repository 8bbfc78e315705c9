"""Print details found by looking at every page of the built PDFs: a minus sign never ends a
line apart from its amount, bar labels have room beyond the longest bar, a zero gap is unsigned,
and a table header's longest word fits its column."""

from __future__ import annotations

from scrutiny.content.model import Column, Table
from scrutiny.report.charts import bar_chart
from scrutiny.report.html import col_widths, environment


def test_a_minus_sign_stays_with_its_amount() -> None:
    html = environment().from_string("<p>{{ x }}</p>").render(x="a net transfer of −£182.3m")
    assert "−\u2060£182.3m" in html  # a word joiner: no line break after the sign
    assert "£182.3m" in html.replace("\u2060", "")


def test_diverging_bars_leave_room_for_their_labels() -> None:
    chart = bar_chart("g", "Gaps", ["a", "b", "c"], [-24.0, 0.0, 9.0], "pp", "alt", diverging=True)
    spec = chart.spec
    text = str(spec)
    lo, hi = (float(v) for v in _domain(spec))
    assert lo < -24 - 2 and hi > 9 + 2  # labels sit outside both ends
    assert "datum.value == 0" in text  # a zero gets its own, unsigned, label


def _domain(spec: dict[str, object]) -> list[float]:
    found: list[list[float]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            encoding = node.get("encoding")
            x = encoding.get("x") if isinstance(encoding, dict) else None
            if isinstance(x, dict) and "scale" in x and "domain" in x["scale"]:
                found.append(x["scale"]["domain"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    assert found, "no x scale domain in the chart"
    return found[0]


def test_a_short_header_gets_the_width_of_its_bold_word() -> None:
    table = Table(
        "Known issues",
        (Column("file", "File"), Column("row", "Row", "number", decimals=0), Column("m", "Check")),
        (("2023-24Q1-reserves.csv", 2, "x " * 200),),
    )
    widths = [float(w.rstrip("%")) for w in col_widths(table)]
    # at 7.4 pt in a text width of 68 em the "Row" column must hold 3 bold letters and padding
    assert widths[1] / 100 * 68 >= 3 * 0.78 + 0.9 - 1e-6


def test_annual_indicator_sentence_prints_a_count_alone_and_no_missing_target() -> None:
    from scrutiny.report.annual import indicator_sentence

    row = {"indicator": "No. of referrals", "ytd_value": 99.0, "unit": "count", "target": None}
    sentence = indicator_sentence({**row, "target_text": "-", "published_rating": None})
    assert sentence is not None and sentence.text == "No. of referrals: 99 in the year to date."
    rated = indicator_sentence({**row, "target_text": "220", "published_rating": "G"})
    assert rated is not None
    assert rated.text == "No. of referrals: 99 in the year to date against a target of 220 (Green)."
