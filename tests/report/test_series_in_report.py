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
