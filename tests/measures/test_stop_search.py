"""Stop-and-search measures against direct counts of the raw CSV (csv module); the arithmetic."""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterator
from datetime import date

import ibis
import pytest

from realdata import REALDATA
from scrutiny.config.periods import Quarter, Window
from scrutiny.measures.stop_search import (
    BREAKDOWNS,
    NO_FURTHER_ACTION,
    counts,
    disproportionality,
    disproportionality_in,
    positive_share,
    rate_per_1000,
    ratio,
    searches_by,
    share,
)
from scrutiny.sources.police_uk import read_stop_search
from scrutiny.store.warehouse import Warehouse

FILE = REALDATA / "police_uk" / "stop-and-search" / "2016-06-metropolitan-stop-and-search.csv"
Q1 = Quarter.parse("2016-17Q1").window()  # April-June 2016

#: Every outcome in the real June 2016 Metropolitan file, and whether it is positive.
REAL_OUTCOMES = {
    "Nothing found - no further action": False,
    "Suspect arrested": True,
    "Offender given drugs possession warning": True,
    "Offender given penalty notice": True,
    "Local resolution": True,
    "Suspect summonsed to court": True,
    "Offender cautioned": True,
}
COLUMN = {
    "object_of_search": "Object of search",
    "outcome": "Outcome",
    "officer_defined_ethnicity": "Officer-defined ethnicity",
}


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    if not FILE.exists():
        pytest.skip(f"real data not found at {FILE}")
    with FILE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def con(
    tmp_path_factory: pytest.TempPathFactory, raw: list[dict[str, str]]
) -> Iterator[ibis.BaseBackend]:
    wh = Warehouse(tmp_path_factory.mktemp("ss") / "w.duckdb")
    wh.ingest(read_stop_search(FILE))
    backend = ibis.duckdb.from_connection(wh.con)
    yield backend
    wh.close()


def direct(raw: list[dict[str, str]], by: str) -> Counter[str | None]:
    return Counter(r[COLUMN[by]] or None for r in raw)


def test_real_outcomes_are_the_known_ones(raw: list[dict[str, str]]) -> None:
    assert set(direct(raw, "outcome")) == set(REAL_OUTCOMES)
    negative = [o for o, positive in REAL_OUTCOMES.items() if not positive]
    assert negative == ["Nothing found - no further action"]
    assert set(negative) <= set(NO_FURTHER_ACTION)


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_searches_by_equal_direct_counts(
    con: ibis.BaseBackend, raw: list[dict[str, str]], by: str
) -> None:
    assert counts(searches_by(con, Q1, by), by) == direct(raw, by)
    assert sum(counts(searches_by(con, Q1, by), by).values()) == len(raw) == 10_490


def test_positive_outcomes(con: ibis.BaseBackend, raw: list[dict[str, str]]) -> None:
    positive = sum(1 for r in raw if REAL_OUTCOMES[r["Outcome"]])
    assert positive == 3_386
    [row] = positive_share(con, Q1).to_pyarrow().to_pylist()
    assert row["searches"] == len(raw)
    assert row["positive"] == positive
    assert row["share"] == pytest.approx(positive / len(raw))  # 32.3 %
    by_outcome = counts(searches_by(con, Q1, "outcome"), "outcome", "positive")
    assert by_outcome == {
        o: (n if REAL_OUTCOMES[str(o)] else 0) for o, n in direct(raw, "outcome").items()
    }
    by_object = counts(searches_by(con, Q1, "object_of_search"), "object_of_search", "positive")
    expected = Counter(r["Object of search"] for r in raw if REAL_OUTCOMES[r["Outcome"]])
    assert by_object == {k: expected[str(k)] for k in direct(raw, "object_of_search")}


def test_window_and_force_filter(con: ibis.BaseBackend, raw: list[dict[str, str]]) -> None:
    june = Window(date(2016, 6, 1), 1)
    may = Window(date(2016, 5, 1), 1)
    assert sum(counts(searches_by(con, june, "outcome"), "outcome").values()) == len(raw)
    # 31 May 23:xx UTC searches are 1 June in London: none fall in May.
    assert counts(searches_by(con, may, "outcome"), "outcome") == {}
    [row] = positive_share(con, may).to_pyarrow().to_pylist()
    assert row == {"searches": 0, "positive": 0, "share": None}
    assert counts(searches_by(con, Q1, "outcome", force="kent"), "outcome") == {}
    metropolitan = counts(searches_by(con, Q1, "outcome", force="metropolitan"), "outcome")
    assert metropolitan == direct(raw, "outcome")
    with pytest.raises(ValueError, match="cannot break"):
        searches_by(con, Q1, "latitude")


def test_disproportionality_end_to_end(con: ibis.BaseBackend, raw: list[dict[str, str]]) -> None:
    # Illustrative populations (not official figures): the arithmetic is what is under test.
    population = {"White": 4_900_000.0, "Black": 1_090_000.0, "Asian": 1_510_000.0}
    found = {g.group: g for g in disproportionality_in(con, Q1, population, "White")}
    n = direct(raw, "officer_defined_ethnicity")
    white = 1000 * n["White"] / population["White"]
    black = 1000 * n["Black"] / population["Black"]
    assert list(found) == ["White", "Asian", "Black"]  # reference first
    assert found["White"].ratio == 1.0
    assert found["Black"].searches == n["Black"] == 4_205
    assert found["Black"].rate == pytest.approx(black)
    assert found["Black"].ratio == pytest.approx(black / white)
    assert "Other" not in found  # no population given: no rate, not spread over anyone


@pytest.mark.parametrize(
    ("count", "population", "expected"),
    [(10, 1000, 10.0), (0, 500, 0.0), (3, 1_500_000, 0.002), (5, 0, None), (5, None, None)],
)
def test_rate_per_1000(count: int, population: float | None, expected: float | None) -> None:
    got = rate_per_1000(count, population)
    assert got == expected if expected is None else math.isclose(got or 0, expected)


@pytest.mark.parametrize(
    ("rate", "reference", "expected"),
    [(3.2, 1.0, 3.2), (1.0, 2.0, 0.5), (0.0, 2.0, 0.0), (1.0, 0.0, None), (None, 1.0, None),
     (1.0, None, None)],
)  # fmt: skip
def test_ratio(rate: float | None, reference: float | None, expected: float | None) -> None:
    assert ratio(rate, reference) == expected


def test_share() -> None:
    assert share(1, 4) == 0.25
    assert share(0, 0) is None


def test_disproportionality_table() -> None:
    # Black 64 searches / 20,000 = 3.2 per 1,000; White 100 / 100,000 = 1.0: ratio 3.2.
    rows = disproportionality(
        {"White": 100, "Black": 64, "Asian": 0, None: 7},
        {"White": 100_000, "Black": 20_000, "Asian": 30_000, "Mixed": 0},
        reference="White",
    )
    got = {r.group: (r.searches, r.rate, r.ratio) for r in rows}
    assert got == {
        "White": (100, 1.0, 1.0),
        "Asian": (0, 0.0, 0.0),
        "Black": (64, 3.2, pytest.approx(3.2)),
        "Mixed": (0, None, None),
    }
    with pytest.raises(ValueError, match="reference group"):
        disproportionality({"White": 1}, {"Black": 10}, reference="White")
