"""Statistical disclosure control: which cells of a table of counts may not be published.

*Primary* suppression hides every count below the threshold. That alone does not hold: where a
total is published with its parts (wards within a borough, boroughs within the force,
categories within their group), a single hidden part is the total minus the published others.
*Secondary* suppression therefore hides more cells until every such sum (an *equation*: a total
and its parts) has either no hidden cell or at least two unknown cells, so no hidden count
follows from differencing, even after other hidden cells were worked out (a derivation has to
start from an equation with one unknown, and none is left).

The cells are rows of a matrix whose columns are independent windows (a quarter, twelve months,
each month): each window is a table of its own. A missing value (NaN: a window the data do not
cover) is unknown to a reader but needs no protection.

Examples
--------
A total of 25 with parts 4, 9 and 12, threshold 10: the 4 is hidden (primary) and the smallest
published part, 9, with it (secondary), so 25 − 12 gives only their sum.

>>> import numpy as np
>>> values = np.array([[25.0], [4.0], [9.0], [12.0]])
>>> suppress(values, [np.array([0, 1, 2, 3])], 10)[:, 0].tolist()
[False, True, True, False]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def primary(values: np.ndarray, threshold: int) -> np.ndarray:
    """Cells below the threshold (a NaN is never hidden: there is nothing to hide)."""
    if not threshold:
        return np.zeros(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(values) & (values < threshold)


def _next_to_hide(values: np.ndarray, unknown: np.ndarray, equation: np.ndarray, w: int) -> int:
    """The cell to hide beside a lone hidden one: the smallest published part, else the total."""
    parts = [int(c) for i, c in enumerate(equation) if i > 0 and not unknown[i, w]]
    if parts:
        return min(parts, key=lambda c: (values[c, w], c))
    return int(equation[0])


def suppress(values: np.ndarray, equations: Sequence[np.ndarray], threshold: int) -> np.ndarray:
    """Hidden cells (primary and secondary) of ``values`` (cells × windows).

    Each equation is an array of cell indices, the total first and its parts after it: the
    total equals the sum of the parts (or a reader may take it so). The result hides, per
    window, at least two unknown cells in every equation that has a hidden one.
    """
    hidden = primary(values, threshold)
    if not hidden.any():
        return hidden
    missing = np.isnan(values)
    changed = True
    while changed:
        changed = False
        for equation in equations:
            unknown = hidden[equation] | missing[equation]
            lone = (unknown.sum(axis=0) == 1) & hidden[equation].any(axis=0)
            for w in np.flatnonzero(lone):
                hidden[_next_to_hide(values, unknown, equation, int(w)), w] = True
                changed = True
    return hidden
