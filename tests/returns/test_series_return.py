"""The generic indicator-series return: its checks (one line per bad cell), and its judgment
(significance, SPC, sentences) against independent calculations."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import binomtest
from statsmodels.stats.proportion import confint_proportions_2indep

from scrutiny.analysis.series import analyse_series, latest_rows
from scrutiny.config.periods import Quarter
from scrutiny.returns.base import ReturnError
from scrutiny.returns.load import read_return

HEADER = "measure,area,period,value,numerator,denominator,target,unit,polarity,note\n"
Q = Quarter.parse("2023-24Q1")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "2023-24Q1-series.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Sat,,2023-24Q1,120,,,,%,up,", "row 2, column 'value': '120': a % must be from 0 to 100"),
        ("Sat,,2023-24Q1,64,640,,,%,up,", "column 'denominator'"),
        ("Sat,,2023-24Q1,64,500,1000,,%,up,", "numerator ÷ denominator is 50.0%, not 64%"),
        ("Sat,,2023-24Q1,64,1200,1000,,%,up,", "expected from 0 to the denominator 1000"),
        ("Sat,,2023-24Q1,64,,,,percent,up,", "column 'unit'"),
        ("Sat,,2023-24Q5,64,,,,%,up,", "column 'period'"),
    ],
)
def test_bad_cells_are_named(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(ReturnError) as err:
        read_return(_write(tmp_path, row + "\n"))
    text = str(err.value)
    assert "2023-24Q1-series.csv: row 2" in text and message in text, text


def test_a_repeated_row_is_refused(tmp_path: Path) -> None:
    row = "Sat,,2023-24Q1,64,,,,%,up,\n"
    with pytest.raises(ReturnError, match=r"row 3.*repeats row 2"):
        read_return(_write(tmp_path, row + row))


def _row(measure: str, period: str, value: float, num=None, den=None, unit="%", filed="2023-24Q1"):
    return {
        "quarter": Quarter.parse(filed), "measure": measure, "area": "",
        "period": Quarter.parse(period), "value": value,
        "numerator": num, "denominator": den, "target": None, "unit": unit, "polarity": "up",
    }  # fmt: skip


def test_percentages_with_bases_are_tested_like_newcombe() -> None:
    rows = [
        _row("A", "2022-23Q4", 66.0, 660, 1000),
        _row("A", "2023-24Q1", 62.0, 620, 1000),
        _row("B", "2022-23Q4", 66.0, 66, 100),
        _row("B", "2023-24Q1", 62.0, 62, 100),
    ]
    found = {a.measure: a for a in analyse_series(rows, Q)}
    for name, n in (("A", 1000), ("B", 100)):
        low, high = confint_proportions_2indep(
            0.62 * n, n, 0.66 * n, n, method="newcomb", compare="diff"
        )
        (change,) = found[name].changes
        assert change.significant == (low > 0 or high < 0)
        assert change.value == pytest.approx(-4.0)
    assert found["A"].changes[0].significant is False  # the interval (−8.2, 0.2) holds zero
    assert "remained stable on Q4 2022-23 (−4 pp, not significant at 95%)" in found["A"].sentence


def test_counts_are_tested_like_an_exact_poisson_comparison() -> None:
    rows = [_row("Hate crime", "2022-23Q1", 4000, unit="count")]
    rows += [_row("Hate crime", "2023-24Q1", 4400, unit="count")]
    (a,) = analyse_series(rows, Q)
    (change,) = a.changes
    # conditional on the total, the quarter's share is binomial(0.5) under no change
    exact = binomtest(4400, 8400, 0.5).pvalue
    assert bool(exact < 0.05) is change.significant is True
    assert change.value == pytest.approx(10.0)
    assert "increased on Q1 2022-23 (+10%, significant at 95%)" in a.sentence


def test_spc_once_the_series_is_long_enough_and_revisions_win() -> None:
    periods = [Q.shift(-i) for i in range(13, -1, -1)]
    filed = str(Q.shift(-1))
    rows = [_row("C", str(p), 50.0 + (i % 3), filed=filed) for i, p in enumerate(periods[:-1])]
    rows.append(_row("C", str(Q), 51.0))
    rows.append(_row("C", filed, 40.0))  # the quarter's return revises last quarter's figure
    kept = [r["value"] for r in latest_rows(rows, Q) if str(r["period"]) == filed]
    assert kept == [40.0]
    (a,) = analyse_series(rows, Q)
    assert a.spc is not None and len(a.points) == 14
    early = [r | {"quarter": periods[2]} for r in rows[:3]]
    (short,) = analyse_series(early, periods[2])
    assert short.spc is None  # three points give no SPC verdict
