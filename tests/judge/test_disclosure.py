"""Secondary suppression as a pure function: table-driven cases and its edge at the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from scrutiny.judge.disclosure import derivable, primary, suppress

NAN = float("nan")


def _hidden(values: list[float], equations: list[list[int]], threshold: int = 10) -> list[bool]:
    column = np.array([[v] for v in values])
    found = suppress(column, [np.array(e) for e in equations], threshold)
    return [bool(h) for h in found[:, 0]]


@pytest.mark.parametrize(
    ("values", "equations", "expected"),
    [
        # Nothing small: nothing hidden.
        ([30, 10, 20], [[0, 1, 2]], [False, False, False]),
        # One small part: the smallest other part goes with it (not the total).
        ([45, 4, 12, 29], [[0, 1, 2, 3]], [False, True, True, False]),
        # Two small parts already protect each other.
        ([30, 4, 5, 21], [[0, 1, 2, 3]], [False, True, True, False]),
        # A part equal to the total: the total is hidden with it.
        ([4, 4], [[0, 1]], [True, True]),
        # The second hidden part opens another sum: hidden there too (1 is in both).
        ([40, 5, 35, 60, 35, 25], [[0, 1, 2], [3, 2, 4], [5, 1]], None),
        # A part not covered by the data (NaN) is unknown already: nothing more to hide.
        ([30, 4, NAN, 20], [[0, 1, 2, 3]], [False, True, False, False]),
        # The threshold itself is published, one below it is not.
        ([25, 10, 15], [[0, 1, 2]], [False, False, False]),
        ([24, 9, 15], [[0, 1, 2]], [False, True, True]),
        # Two hidden zeros beside a published total: 15 - 15 tells each is 0, so 15 goes too.
        ([15, 15, 0, 0], [[0, 1, 2, 3]], [False, True, True, True]),
        ([27, 15, 12, 0, 0], [[0, 1, 2, 3, 4]], [False, False, True, True, True]),
    ],
)
def test_every_sum_has_no_or_at_least_two_unknowns(
    values: list[float], equations: list[list[int]], expected: list[bool] | None
) -> None:
    hidden = _hidden(values, equations)
    if expected is not None:
        assert hidden == expected
    for eq in equations:
        unknown = [hidden[c] or np.isnan(values[c]) for c in eq]
        assert sum(unknown) != 1 or not any(hidden[c] for c in eq), (eq, hidden)


def test_threshold_zero_hides_nothing() -> None:
    assert not primary(np.array([[0.0, 1.0]]), 0).any()


def test_the_boundary_is_strict() -> None:
    """``count < threshold``: a count equal to the threshold is published (so ``<=`` fails)."""
    assert primary(np.array([[10.0, 9.0, 11.0, NAN]]), 10).tolist() == [[False, True, False, False]]


def test_windows_are_independent() -> None:
    values = np.array([[20.0, 20.0], [4.0, 10.0], [16.0, 10.0]])
    hidden = suppress(values, [np.array([0, 1, 2])], 10)
    assert hidden[:, 0].tolist() == [False, True, True]
    assert hidden[:, 1].tolist() == [False, False, False]


def test_a_window_sum_hides_a_second_month() -> None:
    """A quarter of 31 published with its months 4, 12 and 15: 31 − 12 − 15 would give the 4,
    so the smallest other month (12) is hidden with it; the quarter stays published."""
    values = np.array([[31.0, 4.0, 12.0, 15.0]])
    hidden = suppress(values, [], 10, [np.array([0, 1, 2, 3])])
    assert hidden.tolist() == [[False, True, True, False]]


def test_window_sums_and_cell_sums_close_each_other() -> None:
    """A month hidden for a window sum opens the area sum of that month: closed there too."""
    # cells: total, part a, part b; windows: quarter, month 1, month 2
    values = np.array([[60.0, 30.0, 30.0], [24.0, 4.0, 20.0], [36.0, 26.0, 10.0]])
    hidden = suppress(values, [np.array([0, 1, 2])], 10, [np.array([0, 1, 2])])
    for w in range(3):
        unknown = hidden[:, w].sum()
        assert unknown != 1, hidden
    for c in range(3):
        assert hidden[c].sum() != 1, hidden
    assert hidden[1, 1]


def test_derivable_finds_a_cell_only_several_sums_give_away() -> None:
    """a + b, b + c and a + c all published: each sum has two unknowns, yet a = (ab − bc + ac)/2.
    A rectangle of four hidden cells in a two-way table gives nothing away."""
    # cells: ab, a, b, c, bc, ac
    hidden = np.array([[False], [True], [True], [True], [False], [False]])
    values = np.array([[9.0], [4.0], [5.0], [3.0], [8.0], [7.0]])
    equations = [np.array([0, 1, 2]), np.array([4, 2, 3]), np.array([5, 1, 3])]
    found = derivable(values, hidden, equations)
    assert found[:, 0].tolist() == [False, True, True, True, False, False]
    # Two rows of two hidden cells with their row and column totals: no cell follows.
    #   cells 0..3 = x11 x12 x21 x22; 4, 5 = row totals; 6, 7 = column totals
    values = np.array([[2.0], [3.0], [4.0], [1.0], [5.0], [5.0], [6.0], [4.0]])
    hidden = np.array([[True]] * 4 + [[False]] * 4)
    rect = [np.array([4, 0, 1]), np.array([5, 2, 3]), np.array([6, 0, 2]), np.array([7, 1, 3])]
    assert not derivable(values, hidden, rect).any()


def test_hidden_zeros_under_a_published_total_are_opened_only_when_a_reader_sees_zero() -> None:
    # 12 = 0 + 0 + 12: a reader sees the hidden parts sum to 0, so each is 0; one more part
    # is hidden to open the sum.
    hidden = suppress(np.array([[12.0], [0.0], [0.0], [12.0]]), [np.array([0, 1, 2, 3])], 10)
    assert hidden[:, 0].tolist() == [False, True, True, True]
    # 5094 over parts that read 0 (a level whose data do not cover the month): a reader sees
    # the hidden parts sum to 5094, not 0, so the total stays published.
    hidden = suppress(np.array([[5094.0], [0.0], [0.0]]), [np.array([0, 1, 2])], 10)
    assert hidden[:, 0].tolist() == [False, True, True]
