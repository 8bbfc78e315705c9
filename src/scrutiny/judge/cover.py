"""Withheld counts that no combination of published sums gives away, by construction.

A withheld count follows from the published sums exactly when every way of changing the
unknown counts that keeps every sum true leaves it alone (its unit vector lies in the row space
of the sums over the unknowns). So a count is safe when some such change moves it: a *null
vector* of the sums whose every non-zero position is unknown. :func:`cover` makes sure every
withheld count lies on one, withholding the cheapest published counts it takes.

The table is areas × categories × windows and each sum runs along one axis (wards in their
borough, categories in their group, months in their quarter). A product ``u ⊗ c ⊗ t`` of a null
vector of each axis's sums is a null vector of the whole table. Along one axis the null vectors
used are built from its *leaves* (an index never a total): ``up(l)``, the leaf with every total
above it (a ward, its borough, its BCU and the force), and the difference of two leaves' ``up``
(two wards of one borough: just the two). Each is checked against the axis's sums; a structure
where one is not a null vector simply offers fewer.

Examples
--------
A 2 × 2 × 2 table with no sums: every single cell is a null vector, nothing more is withheld.

>>> import numpy as np
>>> values = np.full((2, 2, 2), 20.0)
>>> values[0, 0, 0] = 3
>>> cover(values, values < 10, ((), (), ())).sum()
np.int64(1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

Sums = Sequence[np.ndarray]  # each: indices along one axis, the total first


@dataclass(frozen=True)
class Family:
    """Null vectors of one axis's sums: ``support[k]`` holds the positions of vector k."""

    support: tuple[np.ndarray, ...]
    through: tuple[np.ndarray, ...]  # for each index: the vectors it lies on
    padded: np.ndarray  # vectors × longest support, padded with ``size`` (a slot costing 0)
    small: tuple[int, ...]  # vectors tried for every cell at once (support ≤ 2, or 4 areas)


def _equations(size: int, sums: Sums) -> np.ndarray:
    matrix = np.zeros((len(sums), size))
    for r, s in enumerate(sums):
        matrix[r, s[1:]] -= 1.0
        matrix[r, s[0]] += 1.0
    return matrix


def family(size: int, sums: Sums, small_size: int = 2) -> Family:
    """The null vectors :func:`cover` tries along one axis of ``size`` positions."""
    matrix = _equations(size, sums)
    totals = {int(s[0]) for s in sums}
    parents: dict[int, set[int]] = {}
    for s in sums:
        for p in s[1:]:
            parents.setdefault(int(p), set()).add(int(s[0]))
    ups: dict[int, np.ndarray] = {}
    for leaf in (i for i in range(size) if i not in totals):
        found, todo = {leaf}, [leaf]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in found:
                    found.add(p)
                    todo.append(p)
        v = np.zeros(size)
        v[sorted(found)] = 1.0
        if not np.abs(matrix @ v).any():
            ups[leaf] = v
    vectors: dict[tuple[int, ...], None] = {}
    for v in ups.values():
        vectors[tuple(np.flatnonzero(v))] = None
    leaves = sorted(ups)
    for i, a in enumerate(leaves):
        for b in leaves[i + 1 :]:
            vectors[tuple(np.flatnonzero(ups[a] - ups[b]))] = None
    support = tuple(np.array(k, dtype=np.int64) for k in vectors if k)
    through: list[list[int]] = [[] for _ in range(size)]
    for k, positions in enumerate(support):
        for p in positions:
            through[p].append(k)
    small = tuple(k for k, positions in enumerate(support) if len(positions) <= small_size)
    padded = np.full((len(support), max((len(p) for p in support), default=0)), size)
    for k, positions in enumerate(support):
        padded[k, : len(positions)] = positions
    return Family(support, tuple(np.array(t, dtype=np.int64) for t in through), padded, small)


def _best(fam: Family, index: int, slab: np.ndarray) -> np.ndarray | None:
    """The vector through ``index`` whose positions cost least (ties: the first)."""
    candidates = fam.through[index]
    if not len(candidates):
        return None
    costs = np.append(slab, 0.0)[fam.padded[candidates]].sum(axis=1)
    return fam.support[int(candidates[int(np.argmin(costs))])]


def _cheapest(
    cost: np.ndarray, families: tuple[Family, Family, Family], at: tuple[int, int, int]
) -> tuple[np.ndarray, ...] | None:
    """Supports (one per axis) of a product null vector through cell ``at`` with little cost:
    each axis's vector chosen in turn as the cheapest given the other two, twice round."""
    chosen: list[np.ndarray] = []
    for axis, fam in enumerate(families):
        candidates = fam.through[at[axis]]
        if not len(candidates):
            return None
        chosen.append(fam.support[int(min(candidates, key=lambda k: len(fam.support[k])))])
    for _ in range(2):
        for axis in range(3):
            index = [np.arange(cost.shape[i]) if i == axis else chosen[i] for i in range(3)]
            block = cost[np.ix_(*index)]
            slab = block.sum(axis=tuple(i for i in range(3) if i != axis))
            best = _best(families[axis], at[axis], slab)
            if best is not None:
                chosen[axis] = best
    return tuple(chosen)


def _incidence(fam: Family, size: int, keep: Sequence[int]) -> csr_matrix:
    rows = [np.full(len(fam.support[k]), r) for r, k in enumerate(keep)]
    cols = [fam.support[k] for k in keep]
    data = np.ones(sum(len(r) for r in rows))
    shape = (len(keep), size)
    if not keep:
        return csr_matrix(shape)
    return csr_matrix((data, (np.concatenate(rows), np.concatenate(cols))), shape=shape)


def _bulk(unknown: np.ndarray, families: tuple[Family, Family, Family]) -> np.ndarray:
    """Cells on a product of small null vectors that is unknown throughout (vectorised: one
    category vector at a time, every window vector and area vector at once)."""
    n_area, _, n_window = unknown.shape
    covered = np.zeros(unknown.shape, dtype=bool)
    fa, fc, ft = families
    areas = _incidence(fa, n_area, fa.small)  # area vectors × areas
    windows = _incidence(ft, n_window, ft.small).T.tocsr()  # windows × window vectors
    for kc in fc.small:
        c = fc.support[kc]
        known = (~unknown[:, c, :].all(axis=1)).astype(float)  # areas × windows
        ok_at = (windows.T @ known.T).T == 0  # areas × window vectors: unknown throughout
        ok = (areas @ (~ok_at).astype(float)) == 0  # area vectors × window vectors
        hit = (areas.T @ ok.astype(float)) > 0  # areas × window vectors
        for j in np.flatnonzero(hit.any(axis=0)):
            covered[np.ix_(np.flatnonzero(hit[:, j]), c, ft.support[ft.small[j]])] = True
    return covered


def cover(
    values: np.ndarray,
    hidden: np.ndarray,
    sums: tuple[Sums, Sums, Sums],
    families: tuple[Family, Family, Family] | None = None,
    only: np.ndarray | None = None,
) -> np.ndarray:
    """``hidden`` (areas × categories × windows) with more counts withheld until every
    withheld count lies on a null vector of the sums that is unknown throughout, so none
    follows from any combination of the published sums. The counts added are the cheapest
    found (cost 1 + the count: small counts first). A NaN is unknown and costs nothing."""
    if families is None:
        families = (
            family(values.shape[0], sums[0], small_size=4),
            family(values.shape[1], sums[1]),
            family(values.shape[2], sums[2]),
        )
    assert families is not None
    missing = np.isnan(values)
    hidden = hidden.copy()
    unknown = hidden | missing
    covered = _bulk(unknown, families) if only is None else ~only
    cost = np.where(unknown, 0.0, 1.0 + np.nan_to_num(values))
    for flat in np.flatnonzero((hidden & ~covered).ravel()):
        at = np.unravel_index(flat, values.shape)
        if covered[at]:
            continue
        found = _cheapest(cost, families, tuple(int(i) for i in at))  # type: ignore[arg-type]
        if found is None:
            continue  # no null vector through it along some axis: left for the audit to report
        block = np.ix_(*found)
        hidden[block] |= ~missing[block]
        covered[block] = True
        cost[block] = 0.0
    return hidden
