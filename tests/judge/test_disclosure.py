"""Secondary suppression as a pure function: table-driven cases and its edge at the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from scrutiny.judge.disclosure import primary, suppress

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
