"""Street-level records summed into canonical counts, checked against the csv module's count."""

from __future__ import annotations

import ibis
import pytest

from scrutiny.config.workspace import Workspace
from scrutiny.sources.police_uk_counts import (
    ANTI_SOCIAL_BEHAVIOUR,
    CRIME_TYPES,
    OTHER_OUTCOMES,
    POSITIVE_OUTCOMES,
    SCHEME,
    published_cells,
    street_counts,
)

from .independent import count_rows, lsoa_to_la

CITY = "E09000001"


@pytest.fixture(scope="module")
def expected(realdata):
    return count_rows(
        realdata / "police_uk" / "city-of-london",
        {CITY},
        lsoa_to_la(realdata),
        set(POSITIVE_OUTCOMES),
    )


@pytest.fixture(scope="module")
def counts(city_ws: Workspace):
    con = ibis.duckdb.connect(str(city_ws.warehouse_path), read_only=True)
    try:
        return street_counts(con, [], [CITY]).counts.to_pandas()
    finally:
        con.disconnect()


def test_every_record_counts_once_by_month_area_and_type(counts, expected) -> None:
    offences, positives = expected
    la = counts[counts.geo_level == "borough"]
    for measure, want in (("offences", offences), ("positive_outcomes", positives)):
        got = la[la.measure == measure]
        got = {
            (m.strftime("%Y-%m"), a, c): n
            for m, a, c, n in got[["month", "area_code", "category", "count"]].itertuples(
                index=False
            )
        }
        want = {k: v for k, v in want.items() if v}
        if measure == "positive_outcomes":
            want = {k: v for k, v in want.items() if k[2] != ANTI_SOCIAL_BEHAVIOUR}
        assert got == want, measure
    assert sum(offences.values()) == 38_215  # every row of the 60 files


def test_outside_and_unallocated_are_their_own_areas(counts, expected) -> None:
    offences, _ = expected
    la = counts[(counts.geo_level == "borough") & (counts.measure == "offences")]
    by_area = la.groupby("area_code")["count"].sum().to_dict()
    assert set(by_area) == {CITY, "outside", "unallocated"}
    assert by_area["outside"] == sum(v for k, v in offences.items() if k[1] == "outside") > 0
    assert by_area["unallocated"] == sum(v for k, v in offences.items() if k[1] == "unallocated")
    names = dict(zip(la.area_code, la.area_name, strict=False))
    assert names["outside"] == "Outside the force area"


def test_wards_sum_to_their_local_authority(counts) -> None:
    offences = counts[counts.measure == "offences"]
    wards = offences[offences.geo_level == "ward"]["count"].sum()
    city = offences[(offences.geo_level == "borough") & (offences.area_code == CITY)]
    assert wards == city["count"].sum()
    assert (counts["count"] > 0).all()  # zeros are implied by the published months, not stored
    assert set(counts.scheme) == {SCHEME}


def test_every_outcome_in_the_real_files_is_classified(realdata) -> None:
    import csv

    seen = set()
    for path in (realdata / "police_uk" / "city-of-london").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            seen |= {r["Last outcome category"] for r in csv.DictReader(fh)}
    seen.discard("")  # anti-social behaviour has no outcome
    assert seen <= set(POSITIVE_OUTCOMES) | set(OTHER_OUTCOMES)
    assert not set(POSITIVE_OUTCOMES) & set(OTHER_OUTCOMES)


@pytest.mark.parametrize(
    ("outcome", "positive"),
    [
        ("Offender given a caution", True),
        ("Local resolution", True),  # community resolution
        ("Offender given penalty notice", True),
        ("Awaiting court outcome", True),  # charged
        ("Defendant found not guilty", True),  # charged: the outcome is the charge
        ("Investigation complete; no suspect identified", False),
        ("Unable to prosecute suspect", False),
        ("Under investigation", False),
        ("Status update unavailable", False),
    ],
)
def test_positive_outcomes_follow_the_home_office_groups(outcome: str, positive: bool) -> None:
    assert (outcome in POSITIVE_OUTCOMES) is positive
    assert (outcome in OTHER_OUTCOMES) is not positive


def test_a_published_month_speaks_for_every_type_and_asb_has_no_outcomes() -> None:
    from datetime import date

    cells = published_cells([date(2020, 1, 1), date(2020, 1, 1), date(2020, 2, 1)]).to_pylist()
    assert len(cells) == 2 * (len(CRIME_TYPES) * 2 - 1)
    assert {
        "scheme": SCHEME,
        "measure": "positive_outcomes",
        "category_group": ANTI_SOCIAL_BEHAVIOUR,
        "category": ANTI_SOCIAL_BEHAVIOUR,
        "month": date(2020, 1, 1),
    } not in cells
