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
from typing import Any

import numpy as np


def primary(values: np.ndarray, threshold: int) -> np.ndarray:
    """Cells below the threshold (a NaN is never hidden: there is nothing to hide)."""
    if not threshold:
        return np.zeros(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(values) & (values < threshold)


class _Sums:
    """Sums along the first axis of a table (each an array of row indices, the total first),
    judged in every column at once. What a sum needs to be judged (its hidden parts, their
    total, its missing parts) is kept per (sum, column) and updated as counts are hidden, so
    only the sums a newly hidden count lies in are judged again."""

    def __init__(
        self, sums: Sequence[np.ndarray], shown: np.ndarray, missing: np.ndarray, fixed: np.ndarray
    ):
        from scipy.sparse import csr_matrix

        size = shown.shape[0]
        self.shown, self.missing, self.fixed = shown, missing, fixed
        self.total = np.array([int(s[0]) for s in sums], dtype=np.int64)
        lengths = [len(s) - 1 for s in sums]
        rows = np.repeat(np.arange(len(sums)), lengths)
        parts = [np.asarray(s[1:], dtype=np.int64) for s in sums]
        cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        ones = np.ones(len(rows), dtype=np.float32)
        self.parts = csr_matrix((ones, (rows, cols.astype(np.int64))), shape=(len(sums), size))
        self.parts.sum_duplicates()
        self.of_part = self.parts.T.tocsr()  # count → the sums it is a part of
        at = np.arange(len(sums))
        self.of_total = csr_matrix(
            (np.ones(len(sums), dtype=np.float32), (self.total, at)), shape=(size, len(sums))
        )
        if not len(sums):
            return
        self.missing_parts = self.parts @ np.ascontiguousarray(missing, dtype=np.float32)
        # The total less every part shown (a missing part reads 0): with the hidden parts'
        # sum added back, what a reader can tell the hidden parts sum to.
        self.rest = shown[self.total] - self.parts @ np.ascontiguousarray(shown)

    def hide_all(self, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The counts hidden at the start: every sum (and column) with one, to be judged."""
        if not len(self.total):
            return _NONE
        self.hidden_parts = self.parts @ np.ascontiguousarray(hidden, dtype=np.float32)
        self.hidden_sum = self.parts @ np.ascontiguousarray(np.where(hidden, self.shown, 0.0))
        sums, cols = np.nonzero((self.hidden_parts > 0) | hidden[self.total])
        return sums.astype(np.int64), cols.astype(np.int64)

    def hide(self, cells: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Counts newly hidden: the sums (and columns) they lie in, to be judged again."""
        if not len(self.total) or not len(cells):
            return _NONE
        sums, at = _expand(self.of_part, cells)
        col = cols[at]
        np.add.at(self.hidden_parts, (sums, col), 1.0)
        np.add.at(self.hidden_sum, (sums, col), self.shown[cells[at], col])
        totals, total_at = _expand(self.of_total, cells)
        width = self.rest.shape[1]
        flat = np.concatenate([sums * width + col, totals * width + cols[total_at]])
        flat = np.unique(flat)
        return flat // width, flat % width

    def close(
        self, sums: np.ndarray, cols: np.ndarray, hidden: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Counts to hide so that none of the given sums gives a hidden count away: one with
        hidden counts and either one unknown only, or a published total whose hidden parts a
        reader can tell are all 0 (the total less the published parts is 0 and no part is
        missing). The count hidden is the smallest published positive part, else the total.
        Every sum is closed at once (a count may be hidden for two sums where one would do:
        never less safe)."""
        if not len(sums):
            return sums, cols
        total = self.total[sums]
        total_hidden = hidden[total, cols]
        total_unknown = total_hidden | self.missing[total, cols]
        n_hidden = self.hidden_parts[sums, cols]
        missing_parts = self.missing_parts[sums, cols]
        n_unknown = total_unknown + n_hidden + missing_parts
        rest = self.rest[sums, cols] + self.hidden_sum[sums, cols]
        zero = ~total_unknown & (missing_parts == 0) & (rest == 0)
        open_ = (total_hidden | (n_hidden > 0)) & ((n_unknown == 1) | zero)
        sums, cols = sums[open_], cols[open_]
        return self._next_to_hide(sums, cols, hidden), cols

    def _next_to_hide(self, sums: np.ndarray, cols: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """For each (sum, column): the smallest published positive part, else the total."""
        chosen = self.total[sums].copy()
        if not len(sums):
            return chosen
        indptr, indices = self.parts.indptr, self.parts.indices
        starts, lengths = indptr[sums], indptr[sums + 1] - indptr[sums]
        pair = np.repeat(np.arange(len(sums)), lengths)
        offset = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        cell = indices[np.repeat(starts, lengths) + offset]
        col = cols[pair]
        value = self.shown[cell, col]
        published = ~hidden[cell, col] & ~self.missing[cell, col] & ~self.fixed[cell, col]
        key = np.where(published & (value > 0), value, np.inf)
        order = np.lexsort((cell, key, pair))
        has_part = lengths > 0
        first = order[np.searchsorted(pair[order], np.flatnonzero(has_part))]
        chosen[has_part] = np.where(np.isfinite(key[first]), cell[first], chosen[has_part])
        return chosen


_NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _expand(incidence: Any, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every entry of the given rows of a CSR ``incidence``: (its column, its row's position
    in ``cells``)."""
    indptr = incidence.indptr
    lengths = indptr[cells + 1] - indptr[cells]
    offset = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    found = incidence.indices[np.repeat(indptr[cells], lengths) + offset]
    return found.astype(np.int64), np.repeat(np.arange(len(cells)), lengths)


def suppress(
    values: np.ndarray,
    equations: Sequence[np.ndarray],
    threshold: int,
    window_sums: Sequence[np.ndarray] = (),
    start: np.ndarray | None = None,
    unshown: np.ndarray | None = None,
) -> np.ndarray:
    """Hidden cells (primary and secondary) of ``values`` (cells × windows), beyond ``start``
    (cells already withheld) when given. ``unshown``: counts no page shows that a reader knows
    all the same (a category the data do not hold in a month adds 0 to its group): known,
    never hidden. A NaN is a count no page shows and a reader cannot know.

    Each equation is an array of cell indices, the total first and its parts after it: the
    total equals the sum of the parts (or a reader may take it so), in every window. Each
    window sum is an array of window indices, the total window first: for every cell, its
    count in the total window is the sum of its counts in the others. The result leaves no sum
    with a lone unknown hidden cell, nor with hidden parts a reader can tell are zero.
    """
    hidden = primary(values, threshold)
    if start is not None:
        hidden = hidden | start
    missing = np.isnan(values)
    fixed = np.zeros_like(missing) if unshown is None else unshown & ~missing
    hidden &= ~missing & ~fixed
    if not hidden.any():
        return hidden
    shown = np.where(missing, 0.0, values)
    # Both ways round: sums of cells in every window, sums of windows for every cell.
    sides = (
        (_Sums(equations, shown, missing, fixed), hidden),
        (_Sums(window_sums, shown.T, missing.T, fixed.T), hidden.T),
    )
    todo = [side.hide_all(view) for side, view in sides]
    while any(len(t[0]) for t in todo):
        for k, (side, view) in enumerate(sides):
            cells, cols = side.close(*todo[k], view)
            todo[k] = _NONE
            flat = np.unique(cells * view.shape[1] + cols)
            cells, cols = flat // view.shape[1], flat % view.shape[1]
            fresh = ~view[cells, cols] & ~side.fixed[cells, cols] & ~side.missing[cells, cols]
            cells, cols = cells[fresh], cols[fresh]
            if not len(cells):
                continue
            view[cells, cols] = True
            if k:
                cells, cols = cols, cells  # back to (cell, window)
            for j, (other, _) in enumerate(sides):
                more = other.hide(cells, cols) if j == 0 else other.hide(cols, cells)
                todo[j] = tuple(np.concatenate([a, b]) for a, b in zip(todo[j], more, strict=True))  # type: ignore[assignment]
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
