"""Statistical disclosure control: which cells of a table of counts may not be published.

*Primary* suppression hides every count below the threshold. That alone does not hold: where a
total is published with its parts (wards within a borough, boroughs within the force,
categories within their group), a single hidden part is the total minus the published others.
*Secondary* suppression therefore hides more cells until every such sum (an *equation*: a total
and its parts) has either no hidden cell or at least two unknown cells, so no hidden count
follows from differencing, even after other hidden cells were worked out (a derivation has to
start from an equation with one unknown, and none is left).

The cells are rows of a matrix whose columns are windows (a quarter, twelve months, each month).
The equations over cells hold in every window; a window may also be the sum of others (a quarter
of its three months, twelve months of theirs) for every cell alike: *window sums*, so that a
hidden month does not follow from a published quarter minus its published months. A missing
value (NaN: a window the data do not cover) is unknown to a reader but needs no protection.

Counts are never negative, so hidden parts whose sum a reader knows to be zero are each zero:
such a sum is opened by hiding one more (positive) published cell.

Known limits: a derivation through several equations at once (each with two or more unknowns
on its own, solved together) is not searched for here; ``tests/web/test_disclosure_attack.py``
checks the published tables against it by linear algebra. Bounds (a hidden count lies between 0
and what the others leave) are not widened beyond the threshold itself.

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


def _next_to_hide(values: np.ndarray, unknown: np.ndarray) -> int:
    """The position in a sum (total first) to hide beside its hidden ones: the smallest
    published positive part, else the total."""
    parts = [i for i in range(1, len(values)) if not unknown[i] and values[i] > 0]
    if parts:
        return min(parts, key=lambda i: (values[i], i))
    return 0


def _open(values: np.ndarray, hidden: np.ndarray, missing: np.ndarray) -> bool:
    """Whether one sum (total first) gives a hidden count away: it has hidden cells and either
    one unknown only, or a published total whose hidden parts a reader can tell are all 0."""
    if not hidden.any():
        return False
    unknown = hidden | missing
    if unknown.sum() == 1:
        return True
    # What a reader can tell the hidden parts sum to is the total less the published parts,
    # not their true sum: the two differ where a level's data do not cover a month (its parts
    # read 0 under a published total), and there the parts are not known to be 0.
    known = values[0] - values[1:][~unknown[1:]].sum()
    return bool(not unknown[0] and not missing.any() and known == 0)


def _close(values: np.ndarray, hidden: np.ndarray, missing: np.ndarray) -> int | None:
    """The position to hide so that this sum gives nothing away (None when it gives nothing)."""
    if not _open(values, hidden, missing):
        return None
    return _next_to_hide(values, hidden | missing)


def _candidates(hidden: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Rows (windows or cells) of a sum's block worth a closer look: any hidden cell and at most
    one unknown, or a published total (the zero rule). Cheap, vectorised; :func:`_close` decides."""
    unknown = hidden | missing
    return np.flatnonzero(hidden.any(axis=1) & ((unknown.sum(axis=1) == 1) | ~unknown[:, 0]))


def suppress(
    values: np.ndarray,
    equations: Sequence[np.ndarray],
    threshold: int,
    window_sums: Sequence[np.ndarray] = (),
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Hidden cells (primary and secondary) of ``values`` (cells × windows), beyond ``start``
    (cells already withheld) when given.

    Each equation is an array of cell indices, the total first and its parts after it: the
    total equals the sum of the parts (or a reader may take it so), in every window. Each
    window sum is an array of window indices, the total window first: for every cell, its
    count in the total window is the sum of its counts in the others. The result leaves no sum
    with a lone unknown hidden cell, nor with hidden parts a reader can tell are zero.
    """
    hidden = primary(values, threshold)
    if start is not None:
        hidden = hidden | start
    if not hidden.any():
        return hidden
    missing = np.isnan(values)
    changed = True
    while changed:
        changed = False
        for equation in equations:
            block = (hidden[equation].T, missing[equation].T)  # windows × positions
            for w in _candidates(*block):
                at = _close(values[equation, w], block[0][w], block[1][w])
                if at is not None:
                    hidden[equation[at], w] = True
                    changed = True
        for window_sum in window_sums:
            block = (hidden[:, window_sum], missing[:, window_sum])  # cells × positions
            for c in _candidates(*block):
                at = _close(values[c, window_sum], block[0][c], block[1][c])
                if at is not None:
                    hidden[c, window_sum[at]] = True
                    changed = True
    return hidden


def derivable(
    values: np.ndarray,
    hidden: np.ndarray,
    equations: Sequence[np.ndarray],
    window_sums: Sequence[np.ndarray] = (),
    *,
    trials: int = 2,
    seed: int = 0,
) -> np.ndarray:
    """Hidden cells that follow from *any* linear combination of the published sums (an audit
    of :func:`suppress`, which closes each sum on its own): a cell is determined exactly when
    its unit vector lies in the row space of the sums restricted to the unknown cells, that is
    when every vector of their null space is 0 there. The null space is sampled by projecting
    random vectors onto it (least squares, sparse), so a determined cell shows as 0 in every
    sample and any other cell, with probability 1, does not."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import lsqr

    cells, windows = values.shape
    unknown = hidden | np.isnan(values)
    flat = np.flatnonzero(unknown.ravel())
    index = np.full(cells * windows, -1, dtype=np.int64)
    index[flat] = np.arange(len(flat))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    signs: list[np.ndarray] = []
    n = 0
    # One row per sum and window (or cell): +1 for the total, −1 for each part, unknowns only.
    blocks = [(np.asarray(e)[:, None] * windows + np.arange(windows)[None, :]) for e in equations]
    blocks += [np.arange(cells)[None, :] * windows + np.asarray(s)[:, None] for s in window_sums]
    for block in blocks:  # positions × rows
        ids = index[block]
        sign = np.where(np.arange(block.shape[0]) == 0, 1.0, -1.0)[:, None] * np.ones_like(ids)
        keep = ids >= 0
        used = keep.any(axis=0)
        row_no = np.cumsum(used) - 1 + n
        pos, col = np.nonzero(keep)
        rows.append(row_no[col])
        cols.append(ids[pos, col])
        signs.append(sign[pos, col])
        n += int(used.sum())
    found = np.zeros(values.shape, dtype=bool)
    if not len(flat) or not n:
        return found
    a = coo_matrix(
        (np.concatenate(signs), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, len(flat)),
    ).tocsr()
    free = np.zeros(len(flat), dtype=bool)
    rng = np.random.default_rng(seed)
    for _ in range(trials):
        r = rng.standard_normal(len(flat))
        y = lsqr(a.T, r, atol=1e-12, btol=1e-12, iter_lim=20 * n)[0]
        free |= np.abs(r - a.T @ y) > 1e-6
    found.ravel()[flat[~free]] = True
    return found & hidden
