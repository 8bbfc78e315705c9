"""Withholding by construction (:func:`scrutiny.judge.cover.cover`), checked against the exact
linear-algebra audit (:func:`scrutiny.judge.disclosure.derivable`) on small hand-made tables."""

from __future__ import annotations

import numpy as np
import pytest

from scrutiny.judge.cover import cover, family
from scrutiny.judge.disclosure import derivable, primary


def _flat_equations(shape: tuple[int, int, int], sums: tuple) -> tuple[list, list]:
    """The same sums as :func:`derivable` takes them: cells (area, category) × windows."""
    n_area, n_cat, _ = shape
    equations = []
    for s in sums[0]:
        equations += [np.array([a * n_cat + c for a in s]) for c in range(n_cat)]
    for s in sums[1]:
        equations += [np.array([a * n_cat + c for c in s]) for a in range(n_area)]
    return equations, [np.array(s) for s in sums[2]]


def _audit(values: np.ndarray, hidden: np.ndarray, sums: tuple) -> np.ndarray:
    equations, windows = _flat_equations(values.shape, sums)
    flat = values.reshape(-1, values.shape[2])
    return derivable(flat, hidden.reshape(flat.shape), equations, windows, trials=3)


def test_a_part_and_its_total_hide_the_cheaper_sibling() -> None:
    """Total 25 = 4 + 21 at threshold 10: the 4 lies on (part a − part b), which costs 21, not
    on (part a + total), which costs 25: the 21 is withheld, the total stays published."""
    values = np.array([25.0, 4.0, 21.0]).reshape(3, 1, 1)
    sums = ((np.array([0, 1, 2]),), (), ())
    hidden = cover(values, primary(values, 10), sums)[0]
    assert hidden[:, 0, 0].tolist() == [False, True, True]


def test_a_cell_only_several_sums_give_away_is_covered() -> None:
    """a + b, b + c and a + c published with a = 4 withheld: each sum has one unknown; the
    cheapest cover withholds both totals a is in (a + b = 19, a + c = 16: 37 in all, against
    61 for either difference), after which no combination of the sums gives a."""
    # positions: a, b, c, ab, bc, ac
    values = np.array([4.0, 15.0, 12.0, 19.0, 27.0, 16.0]).reshape(6, 1, 1)
    sums = ((np.array([3, 0, 1]), np.array([4, 1, 2]), np.array([5, 0, 2])), (), ())
    hidden = primary(values, 10)
    assert _audit(values, hidden, sums)[0, 0]
    hidden = cover(values, hidden, sums)[0]
    assert hidden[:, 0, 0].tolist() == [True, False, False, True, False, True]
    assert not _audit(values, hidden, sums).any()


def test_a_family_holds_only_null_vectors() -> None:
    """Every vector offered along an axis keeps every sum of that axis true."""
    sums = (np.array([0, 1, 2]), np.array([1, 3, 4]), np.array([2, 5, 6]))
    fam = family(7, sums)
    assert fam.support
    for positions in fam.support:
        # rebuild the signs: leaves' up-sets, as the family builds them
        ok = False
        for signs in _sign_choices(len(positions)):
            v = np.zeros(7)
            v[positions] = signs
            if all(v[s[0]] == v[s[1:]].sum() for s in sums):
                ok = True
                break
        assert ok, positions


def _sign_choices(n: int) -> list[np.ndarray]:
    return [np.array([1.0 if (k >> i) & 1 else -1.0 for i in range(n)]) for k in range(2**n)]


@pytest.mark.parametrize("seed", range(6))
def test_nothing_withheld_follows_from_the_sums(seed: int) -> None:
    """A force of two boroughs of two wards each, a total of two categories, a quarter of
    three months, random small counts: after :func:`cover` the audit derives nothing."""
    rng = np.random.default_rng(seed)
    wards = rng.poisson(3.0, size=(4, 2, 3)).astype(float)  # wards × categories × months
    values = np.zeros((7, 3, 4))
    values[3:, 1:, 1:] = wards
    values[1, 1:, 1:] = wards[:2].sum(axis=0)
    values[2, 1:, 1:] = wards[2:].sum(axis=0)
    values[0] = values[1] + values[2]
    values[:, 0] = values[:, 1] + values[:, 2]
    values[:, :, 0] = values[:, :, 1:].sum(axis=2)
    sums = (
        (np.array([0, 1, 2]), np.array([1, 3, 4]), np.array([2, 5, 6])),
        (np.array([0, 1, 2]),),
        (np.array([0, 1, 2, 3]),),
    )
    hidden = cover(values, primary(values, 10), sums)[0]
    assert (hidden | ~primary(values, 10)).all()
    assert not _audit(values, hidden, sums).any()


def test_primary_suppression_alone_gives_counts_away() -> None:
    """The same tables with only the small counts withheld: the audit derives some (so the
    test above can fail)."""
    values = np.array([25.0, 4.0, 21.0]).reshape(3, 1, 1)
    sums = ((np.array([0, 1, 2]),), (), ())
    assert _audit(values, primary(values, 10), sums).reshape(-1)[1]
