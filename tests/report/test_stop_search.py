"""The stop-and-search page against an independent count of the demo's files with the csv
module: the data.police.uk records (June 2016) and the census residents by ethnic group."""

from __future__ import annotations

import csv
import re
from collections import Counter

from scrutiny.config.workspace import Workspace
from scrutiny.content.model import Report, Sentence, Table

NFA = {"A no further action disposal", "Nothing found - no further action"}


def _independent(ws: Workspace) -> dict[str, float]:
    (records,) = (ws.root / "data" / "stop_search").glob("*.csv")
    with records.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    by_group = Counter(r["Officer-defined ethnicity"] for r in rows)
    positive = sum(1 for r in rows if r["Outcome"] and r["Outcome"] not in NFA)
    (census,) = (ws.root / "data" / "population_ethnicity").glob("*.csv")
    with census.open(newline="", encoding="utf-8-sig") as f:
        people = list(csv.DictReader(f))

    def residents(group: str) -> int:
        return sum(int(p[f"Ethnic Group: {group}; measures: Value"]) for p in people)

    black = by_group["Black"] / residents("Black")
    white = by_group["White"] / residents("White")
    return {
        "searches": len(rows),
        "positive_pct": 100 * positive / len(rows),
        "ratio": black / white,
        "black_rate": 1000 * black,
        "white_rate": 1000 * white,
        "drugs_pct": 100
        * sum(r["Object of search"] == "Controlled drugs" for r in rows)
        / len(rows),
    }


def _theme(report: Report) -> list:
    (section,) = [s for s in report.walk() if s.title.endswith("Stop and search")]
    return list(section.blocks)


def test_disproportionality_matches_an_independent_count(
    demo_ws: Workspace, current_report: Report
) -> None:
    want = _independent(demo_ws)
    blocks = _theme(current_report)
    text = " ".join(b.text for b in blocks if isinstance(b, Sentence))
    m = re.search(
        r"Black Londoners were (\d+\.\d) times more likely to be stopped and searched "
        r"than White Londoners \((\d+\.\d\d) and (\d+\.\d\d)",
        text,
    )
    assert m, text
    assert float(m.group(1)) == round(want["ratio"], 1)
    assert float(m.group(2)) == round(want["black_rate"], 2)
    assert float(m.group(3)) == round(want["white_rate"], 2)
    assert f"{want['searches']:,} stop and searches in Jun 2016" in text
    assert f"followed {want['positive_pct']:.0f}% of searches" in text
    assert f"Controlled drugs accounted for {want['drugs_pct']:.0f}% of searches" in text
    (table,) = [b for b in blocks if isinstance(b, Table) and "ethnic group" in b.caption]
    ratios = {row[0]: row[4] for row in table.rows}
    assert abs(ratios["Black"] - want["ratio"]) < 1e-9 and ratios["White"] == 1.0
    assert "Mixed" not in ratios  # officer-defined ethnicity has no Mixed group


def test_the_page_says_the_records_are_not_the_quarters(current_report: Report) -> None:
    notes = [getattr(b, "text", "") for b in _theme(current_report)]
    assert any("No stop and search records are loaded for Q1 2023-24" in n for n in notes), notes
