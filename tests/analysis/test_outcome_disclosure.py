"""Positive outcomes under disclosure control: an outcome count, or a rate worked out from it,
is published only where neither the outcomes nor the offences of that window are withheld
(outcomes ÷ offences would give a withheld offence count back), and small outcome counts are
withheld and closed over the same sums as offences (no borough's outcomes as the force's minus
the others')."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.analysis.disclosure import Disclosure, withheld
from scrutiny.judge.disclosure import suppress

WINDOWS = ("quarter", "r12", "previous_quarter")
CELLS = {("force", "F", "All"): 0, ("borough", "A", "All"): 1, ("borough", "B", "All"): 2}
EQUATIONS = (np.array([0, 1, 2]),)


def _decided(offences: list[list[float]], outcomes: list[list[float]]) -> Disclosure:
    values, po = np.array(offences), np.array(outcomes)
    hidden = suppress(values, EQUATIONS, 10)
    po_hidden = suppress(po, EQUATIONS, 10, start=hidden)
    return Disclosure(10, WINDOWS, CELLS, values, hidden, EQUATIONS, po, po_hidden)


def _frame(offences: list[list[float]], outcomes: list[list[float]]) -> pd.DataFrame:
    rows = []
    for (_, code, _), i in list(CELLS.items())[1:]:
        q, r12, prev = offences[i]
        po_q, po_r12, po_prev = outcomes[i]
        rows.append(
            {
                "area_code": code,
                "quarter": q,
                "r12": r12,
                "previous_quarter": prev,
                "positive_outcomes_quarter": po_q,
                "positive_outcomes_r12": po_r12,
                "outcome_rate_quarter": 100 * po_q / q,
                "outcome_rate_r12": 100 * po_r12 / r12,
                "outcome_rate_change_previous_quarter": 100 * (po_q / q - po_prev / prev),
            }
        )
    return pd.DataFrame(rows)


def _published(offences: list[list[float]], outcomes: list[list[float]]) -> pd.DataFrame:
    return withheld(_frame(offences, outcomes), _decided(offences, outcomes), "All", "borough")


def test_small_outcomes_are_withheld_with_a_partner_and_their_rates() -> None:
    """Borough A's 4 outcomes of 40 offences: withheld, and B's 30 with them (else the
    force's 34 minus B's 30 gives A's 4); the offences stay published."""
    offences = [[100.0, 400.0, 100.0], [40.0, 160.0, 50.0], [60.0, 240.0, 50.0]]
    outcomes = [[34.0, 134.0, 30.0], [4.0, 54.0, 15.0], [30.0, 80.0, 15.0]]
    out = _published(offences, outcomes).set_index("area_code")
    for code in ("A", "B"):
        assert out.at[code, "quarter"] in (40.0, 60.0)
        assert out.at[code, "positive_outcomes_quarter"] is None
        assert out.at[code, "outcome_rate_quarter"] is None
        assert out.at[code, "outcome_rate_change_previous_quarter"] is None
        assert out.at[code, "positive_outcomes_r12"] is not None  # 54 and 80: published


def test_outcomes_of_withheld_offences_are_withheld() -> None:
    """Borough A's 9 offences are withheld (and B's with them): their outcomes, however
    many, and every outcome rate go too, so outcomes ÷ rate cannot give the 9 back."""
    offences = [[70.0, 400.0, 100.0], [9.0, 160.0, 50.0], [61.0, 240.0, 50.0]]
    outcomes = [[40.0, 134.0, 30.0], [0.0, 54.0, 15.0], [40.0, 80.0, 15.0]]
    out = _published(offences, outcomes).set_index("area_code")
    for code in ("A", "B"):
        assert out.at[code, "positive_outcomes_quarter"] is None, code
        assert out.at[code, "outcome_rate_quarter"] is None, code
    assert out.at["B", "positive_outcomes_r12"] == 80.0


def test_outcomes_exactly_at_the_threshold_are_published() -> None:
    offences = [[100.0, 400.0, 100.0], [40.0, 160.0, 50.0], [60.0, 240.0, 50.0]]
    outcomes = [[30.0, 134.0, 30.0], [10.0, 54.0, 15.0], [20.0, 80.0, 15.0]]
    out = _published(offences, outcomes).set_index("area_code")
    assert out.at["A", "positive_outcomes_quarter"] == 10.0
    assert out.at["A", "outcome_rate_quarter"] == 25.0
    outcomes[1][0], outcomes[0][0] = 9.0, 29.0
    out = _published(offences, outcomes).set_index("area_code")
    assert out.at["A", "positive_outcomes_quarter"] is None
