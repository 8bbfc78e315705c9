"""One statistical vocabulary: on the demo's quarter, for every borough × headline measure, no
output says "significant" where the Poisson test is not, nor "increased"/"decreased" (or
"above"/"below" pre-pandemic) for a change that is not significant; the dashboard, the report
and ``scrutiny explain`` print the same sentences.

Significance is re-derived here independently of the code path: given the total of two equal
windows, the count of the current one is Binomial(n, ½) when nothing changed (an exact test,
scipy's ``binomtest``). Where that test is clear (p < 0.01 or p > 0.2) it must agree with the
words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from scipy.stats import binomtest
from typer.testing import CliRunner

from scrutiny.analysis.crime import Comparison, CrimeAnalysis
from scrutiny.analysis.data import WorkspaceData
from scrutiny.cli import app
from scrutiny.config.periods import Comparator, Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.report.data import load_report_data
from scrutiny.report.parts import crime_sentences, crime_table
from scrutiny.web import views

QUARTER = "2023-24Q1"
MOVES = {"increased", "decreased"}
SIDES = {"above", "below"}


@pytest.fixture(scope="module")
def explorers(demo_ws: Workspace) -> Iterator[list[views.Explorer]]:
    data = WorkspaceData(demo_ws)
    q = Quarter.parse(QUARTER)
    try:
        yield [
            views.explorer(
                data, sel, "borough", area, q, Comparator.SAME_QUARTER_LAST_YEAR, with_chart=False
            )
            for sel in data.headline
            for area in data.areas["borough"].values()
        ]
    finally:
        data.close()


def exact_p(c: Comparison) -> float:
    assert c.current is not None and c.previous is not None
    n = c.current + c.previous
    return 1.0 if n == 0 else float(binomtest(c.current, n, 0.5).pvalue)


def words(a: CrimeAnalysis) -> dict[Comparator, str]:
    """The word each sentence uses for each comparator."""
    found: dict[Comparator, str] = {}
    q_text, r_text = a.sentences
    for c in a.comparisons:
        if c.comparator in (Comparator.PREVIOUS_QUARTER, Comparator.SAME_QUARTER_LAST_YEAR):
            m = re.search(
                rf"(increased|decreased|remained stable) on {re.escape(c.label)} \(", q_text
            )
        elif c.comparator is Comparator.SAME_QUARTER_BASELINE:
            m = re.search(r"levels are (above|below|similar to) pre-pandemic volumes", q_text)
        elif c.comparator is Comparator.PREVIOUS_R12:
            m = re.search(r"(increased|decreased|remained stable) in the 12 months to", r_text)
        else:
            m = re.search(r"(above|below|similar to) pre-pandemic levels", r_text)
        if m:
            found[c.comparator] = m.group(1)
    return found


def test_every_borough_and_headline_measure_is_covered(
    demo_ws: Workspace, explorers: list[views.Explorer]
) -> None:
    headline = demo_ws.config.settings.headline_categories
    boroughs = {e.area.code for e in explorers}
    assert len(boroughs) >= 32  # London's 32 boroughs (and the City where the data has it)
    assert len(explorers) == len(headline) * len(boroughs)
    assert {e.category.name for e in explorers} == set(headline)


def test_words_follow_the_significance_test(explorers: list[views.Explorer]) -> None:
    clear = named = 0
    stable_beyond_band = 0
    for ex in explorers:
        a = ex.analysis
        for text in (*a.sentences, *ex.sentences):
            assert "significan" not in text.lower(), text
        found = words(a)
        assert len(found) == 5, (a.sentences, found)
        for c in a.comparisons:
            word = found[c.comparator]
            if word in MOVES | SIDES:
                named += 1
                assert c.significant is True, (a.category, a.area_name, c.describe(), word)
            if c.current == 0 and c.previous == 0:
                assert c.significant is None and word in ("remained stable", "similar to")
                continue
            p = exact_p(c)
            if p < 0.01 or p > 0.2:
                clear += 1
                assert c.significant is bool(p < 0.01), (a.category, a.area_name, c.describe(), p)
            if word in ("remained stable", "similar to") and abs(c.pct_change or 0) >= 5:
                stable_beyond_band += 1
                assert c.significant is False, (a.category, a.area_name, c.describe(), word)
    # Not vacuous: the tests are mostly clear-cut, some changes are named, and the rule that
    # calls a large but non-significant change stable is exercised.
    total = sum(len(ex.analysis.comparisons) for ex in explorers)
    assert clear > total / 2
    assert named > 0
    assert stable_beyond_band > 0


def test_dashboard_comparison_table_says_what_the_test_says(
    explorers: list[views.Explorer],
) -> None:
    for ex in explorers:
        for row, c in zip(ex.comparisons, ex.analysis.comparisons, strict=True):
            assert row.comparator is c.comparator
            if row.now.suppressed or row.then.suppressed:
                assert row.significant == "–"
            else:
                assert row.significant == c.significant_text
        assert ex.spc_summary.startswith("Monthly pattern: ")
        assert "significan" not in ex.spc_summary.lower()
        assert "significan" not in ex.spc_icon_text.lower()


def test_describe_names_change_and_significance(explorers: list[views.Explorer]) -> None:
    c = explorers[0].analysis.comparison(Comparator.SAME_QUARTER_LAST_YEAR)
    text = c.describe()
    assert text.startswith(f"change vs {c.label}: ")
    assert text.endswith("significant at 95%")
    assert ("not significant" in text) is (c.significant is False)


def test_explain_prints_the_dashboards_words(
    demo_ws: Workspace, explorers: list[views.Explorer]
) -> None:
    runner = CliRunner()
    seen = set()
    for ex in explorers:
        if ex.category.name in seen:
            continue
        seen.add(ex.category.name)
        args = ["explain", "-w", str(demo_ws.root), "--quarter", QUARTER, "-m", ex.category.name]
        args += ["--area", ex.area.name, "--format", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["sentences"] == ex.sentences
        assert [c["significance"] for c in record["comparisons"]] == [
            c.significance_text for c in ex.analysis.comparisons
        ]
        table = runner.invoke(app, args[:-2])
        assert table.exit_code == 0, table.output
        assert "Monthly pattern: " in table.stdout
        assert ex.analysis.quarter_sentence in " ".join(table.stdout.split())


def test_report_uses_the_same_analysis(demo_ws: Workspace) -> None:
    names = list(demo_ws.config.settings.headline_categories)
    q = Quarter.parse(QUARTER)
    with load_report_data(demo_ws, q, names) as data:
        table = crime_table(data, names, "Headline measures")
        assert table is not None
        by_name = {row[0]: row for row in table.rows}
        facade = data.facade
        for name in names:
            a = data.judgment(name)
            assert a is not None
            # The report's judgment is the facade's, computed once: the very object the
            # dashboard reads for the force.
            sel = facade.category(name)
            assert a is facade.judgment(sel, "force", facade.force, q, published=False)
            assert [s.text for s in crime_sentences(data, name)] == list(a.sentences)
            found = words(a)
            for c in a.comparisons:
                if found.get(c.comparator) in MOVES | SIDES:
                    assert c.significant is True, (name, c.describe())
            significant = by_name[a.category][7]
            assert significant == a.comparison(Comparator.PREVIOUS_R12).significant_text
