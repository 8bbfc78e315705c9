"""The crime-trend figures of seed 001 (MOPAC Q1 2023-24 report), reproduced from the real data.

Published figures are whole per cent; the data are a later vintage than the report used, so
R12 changes must agree within 1 point and discrete-quarter changes within 2 points.

Every figure is computed on two Ibis backends: DuckDB (the default) and PySpark in local mode
(slow: it starts a JVM), the backend that scales beyond one machine. The measures are the same
expressions on both.
"""

from __future__ import annotations

from collections.abc import Iterator

import ibis
import pytest

from scrutiny.config.periods import Baseline, Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import resolve
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures

# (category, comparator column, published % change) — seed 001 lines 202, 704-712, 953, 1057.
R12_PUBLISHED = [
    ("Total Notifiable Offences", "change_previous_r12", 5),
    ("Robbery of Personal Property", "change_previous_r12", 18),
    ("Robbery of Personal Property", "change_baseline_r12", -26),
    ("Domestic Burglary", "change_previous_r12", -6),
    ("Domestic Burglary", "change_baseline_r12", -37),
    ("Theft or Taking of a Motor Vehicle", "change_previous_r12", 10),
    ("Theft or Taking of a Motor Vehicle", "change_baseline_r12", 8),
    ("Theft from the Person", "change_previous_r12", 25),
    ("Theft from the Person", "change_baseline_r12", 16),
    ("Violence Against the Person", "change_previous_r12", 1),
    ("Violence Against the Person", "change_baseline_r12", 10),
    ("Rape", "change_baseline_r12", 13),
    ("Other Sexual Offences", "change_baseline_r12", 27),
]

# Seed 001 lines 684-700 and the violence charts: Q1 2023-24 on Q4 2022-23 and on Q1 2022-23.
QUARTER_PUBLISHED = [
    ("Theft from the Person", "change_previous_quarter", -1),
    ("Theft from the Person", "change_same_quarter_last_year", 22),
    ("Robbery of Personal Property", "change_previous_quarter", 2),
    ("Robbery of Personal Property", "change_same_quarter_last_year", 19),
    ("Theft or Taking of a Motor Vehicle", "change_previous_quarter", -1),
    ("Theft or Taking of a Motor Vehicle", "change_same_quarter_last_year", 5),
    ("Violence Against the Person", "change_previous_quarter", 11),
    ("Violence Against the Person", "change_same_quarter_last_year", 6),
    ("Violence with Injury", "change_previous_quarter", 17),
    ("Violence with Injury", "change_same_quarter_last_year", 5),
]


BACKENDS = ["duckdb", pytest.param("pyspark", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, demo_ws: Workspace) -> Iterator[ibis.BaseBackend]:
    if request.param == "pyspark":
        yield request.getfixturevalue("spark_con")
        return
    con = ibis.duckdb.connect(str(demo_ws.warehouse_path), read_only=True)
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def force_measures(backend: ibis.BaseBackend):
    categories = sorted({c for c, _, _ in R12_PUBLISHED + QUARTER_PUBLISHED})
    chosen = resolve(available_selections(backend), categories)
    query = CrimeQuery(Quarter.parse("2023-24Q1"), Baseline(), "force")
    return crime_measures(backend, query, chosen).set_index("category")


@pytest.mark.parametrize(("category", "column", "published"), R12_PUBLISHED)
def test_r12_changes_match_seed_001(force_measures, category, column, published) -> None:
    computed = force_measures.loc[category, column]
    assert abs(computed - published) <= 1, f"{category} {column}: {computed:.1f} vs {published}"


@pytest.mark.parametrize(("category", "column", "published"), QUARTER_PUBLISHED)
def test_quarter_changes_match_seed_001(force_measures, category, column, published) -> None:
    computed = force_measures.loc[category, column]
    assert abs(computed - published) <= 2, f"{category} {column}: {computed:.1f} vs {published}"


def test_total_against_pre_pandemic_is_what_the_data_gives(force_measures) -> None:
    """Published as −4%; the London Datastore files give 896,653 vs 926,699 = −3.2%."""
    row = force_measures.loc["Total Notifiable Offences"]
    assert (row["r12"], row["baseline_r12"]) == (896_653, 926_699)
    assert row["change_baseline_r12"] == pytest.approx(-3.24, abs=0.01)
