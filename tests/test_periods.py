from datetime import date

import pytest

from scrutiny.config.periods import (
    Baseline,
    Comparator,
    Quarter,
    comparator_window,
    parse_month_column,
)


@pytest.mark.parametrize(
    ("text", "start", "last"),
    [
        ("2023-24Q1", date(2023, 4, 1), date(2023, 6, 1)),
        ("2023-24Q2", date(2023, 7, 1), date(2023, 9, 1)),
        ("2023-24Q3", date(2023, 10, 1), date(2023, 12, 1)),
        ("2023-24Q4", date(2024, 1, 1), date(2024, 3, 1)),
        ("1999-00Q4", date(2000, 1, 1), date(2000, 3, 1)),
        ("2023/24 Q1", date(2023, 4, 1), date(2023, 6, 1)),
    ],
    ids=["q1", "q2", "q3", "q4-next-calendar-year", "century", "slash-and-space"],
)
def test_quarter_months(text: str, start: date, last: date) -> None:
    q = Quarter.parse(text)
    assert (q.start, q.last_month) == (start, last)
    assert Quarter.containing(start) == q == Quarter.containing(last)


@pytest.mark.parametrize("text", ["2023-25Q1", "2023-24Q5", "2023Q1", "Q1 2023", ""])
def test_bad_quarters_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(text)


def test_quarter_round_trips_and_labels() -> None:
    q = Quarter.parse("2023-24Q1")
    assert str(q) == "2023-24Q1"
    assert q.label == "Q1 2023-24"
    assert str(q.shift(-1)) == "2022-23Q4"
    assert str(q.shift(5)) == "2024-25Q2"


@pytest.mark.parametrize(
    ("comparator", "start", "months"),
    [
        (Comparator.PREVIOUS_QUARTER, date(2023, 1, 1), 3),
        (Comparator.SAME_QUARTER_LAST_YEAR, date(2022, 4, 1), 3),
        (Comparator.SAME_QUARTER_BASELINE, date(2019, 4, 1), 3),
        (Comparator.PREVIOUS_R12, date(2021, 7, 1), 12),
        (Comparator.BASELINE_R12, date(2019, 3, 1), 12),
    ],
)
def test_comparators_of_2023_24_q1(comparator: Comparator, start: date, months: int) -> None:
    w = comparator_window(Quarter.parse("2023-24Q1"), comparator, Baseline())
    assert (w.start, w.months) == (start, months)


def test_rolling_12_months_ends_with_the_quarter() -> None:
    w = Quarter.parse("2023-24Q1").rolling_12_months()
    assert (w.start, w.last_month, w.end) == (date(2022, 7, 1), date(2023, 6, 1), date(2023, 7, 1))
    assert w.label == "12 months to June 2023"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("202304", date(2023, 4, 1)), ("202313", None), ("2023-04", None), ("abcdef", None)],
)
def test_month_columns(text: str, expected: date | None) -> None:
    assert parse_month_column(text) == expected
