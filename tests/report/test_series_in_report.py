"""The demo's satisfaction figures (seed 001) reach the report through the series return."""

from __future__ import annotations

from scrutiny.content.model import Report, Sentence, Table


def test_the_demo_report_shows_the_satisfaction_series(current_report: Report) -> None:
    (section,) = [s for s in current_report.walk() if s.title.endswith("User satisfaction")]
    text = " ".join(b.text for b in section.blocks if isinstance(b, Sentence))
    # seed 001: TDIU phone 36% (Q1 22-23, Q4 22-23) → 38% (Q1 23-24)
    assert "TDIU satisfaction: phone: 38% in Q1 2023-24; +2 pp on Q4 2022-23" in text
    assert "Victim satisfaction (USS): 64% in Q1 2023-24; −2 pp on Q4 2022-23" in text
    tables = [b for b in section.blocks if isinstance(b, Table)]
    (table,) = tables
    assert [r[0] for r in table.rows][::4] == ["Q1 2022-23", "Q1 2023-24"]
    assert table.rows[-1][1:] == (64.0, 38.0, 34.0)


def test_the_plan_measure_reads_its_series(current_report: Report) -> None:
    """The plan's victim-satisfaction measure is linked to its series (``report.yaml``): the
    summary dashboard shows the returned 64% and the change on Q4 (seed 001: "64% in Q1, down
    2% on the previous quarter"), and the priority's data dashboard its sentence and chart."""
    rows = [
        r
        for s in current_report.walk()
        for b in s.blocks
        if isinstance(b, Table)
        for r in b.rows
        if str(r[0]).startswith("Victim satisfaction for face-to-face")
    ]
    assert rows, "the plan measure is not in the summary dashboard"
    assert rows[0][1:3] == ("64% (Q1 2023-24)", "−2 pp on Q4 2022-23")
    (dash,) = [
        s
        for s in current_report.walk()
        if s.title.lower().endswith("data dashboard") and s.id.startswith("victims")
    ]
    said = [b.text for b in dash.blocks if isinstance(b, Sentence)]
    assert any(t.startswith("Victim satisfaction (USS): 64% in Q1 2023-24") for t in said)
    assert any(
        getattr(b, "id", "").endswith("dashboard-series-victim-satisfaction-uss")
        for b in dash.blocks
    )


def test_hate_crime_domestic_abuse_and_999_reach_their_themes(current_report: Report) -> None:
    """Seed 001's figures for these themes, transcribed into the series return with their page
    cited: each theme prints its series' sentences; the changes equal the seed's printed ones
    (Crime Outcomes table: domestic abuse −1.6 pp, racist hate crime −2.4 pp)."""

    def said(theme: str) -> str:
        (section,) = [s for s in current_report.walk() if s.title.endswith(theme)]
        return " ".join(b.text for b in section.blocks if isinstance(b, Sentence))

    assert "999 calls answered within 10 seconds (June): 65% in Q1 2023-24." in said(
        "Police response"
    )
    hate = said("Hate crime")
    assert "Hate crime offences (12 months): 19,877 in Q1 2023-24." in hate
    assert "12.7% in Q1 2023-24; −2.4 pp on Q1 2022-23" in hate
    vawg = said("Violence against women and girls")
    assert "Domestic abuse offences (12 months): 96,868 in Q1 2023-24." in vawg
    assert "9.5% in Q1 2023-24; −1.6 pp on Q1 2022-23" in vawg
