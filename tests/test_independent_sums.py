"""Measures equal direct sums over the raw CSV files, computed here without the package's code."""

from __future__ import annotations

import csv
from pathlib import Path

import ibis
import pytest

from scrutiny.config.periods import Baseline, Quarter
from scrutiny.measures.categories import resolve
from scrutiny.measures.crime import CrimeQuery, available_selections, crime_measures

HIST = "MPS Borough Level Crime (Historical) 201004-202201.csv"
RECENT = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"


def raw_sum(folder: Path, minor: str | None, borough: str | None, months: list[str]) -> int:
    """Sum the wide CSVs directly; for each month use the newer file when both have it."""
    total = 0
    seen: set[str] = set()
    for name in (RECENT, HIST):
        with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        cols = [m for m in months if m in rows[0] and m not in seen]
        for row in rows:
            if minor and row["MinorText"] != minor:
                continue
            if borough and row["LookUp_BoroughName"] != borough:
                continue
            total += sum(int(row[m]) for m in cols)
        seen.update(cols)
    assert seen == set(months), f"months not in the files: {set(months) - seen}"
    return total


def months(first: str, count: int) -> list[str]:
    y, m = int(first[:4]), int(first[4:])
    out = []
    for _ in range(count):
        out.append(f"{y}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


CASES = [
    # (category as the package names it, minor as the file spells it, borough, quarter)
    ("Theft from the Person", "Theft from Person", "Westminster", "2023-24Q1"),
    ("Robbery of Personal Property", "Robbery of Personal Property", "Lambeth", "2022-23Q3"),
    ("Domestic Burglary", "Domestic Burglary", "Barnet", "2019-20Q4"),
    ("Violence with Injury", "Violence with Injury", "Croydon", "2021-22Q2"),
    ("Total Notifiable Offences", None, "Hackney", "2023-24Q1"),
]


@pytest.mark.parametrize(("category", "minor", "borough", "quarter"), CASES)
def test_borough_measures_equal_raw_sums(
    demo_con: ibis.BaseBackend, realdata: Path, category, minor, borough, quarter
) -> None:
    folder = realdata / "london_datastore"
    q = Quarter.parse(quarter)
    query = CrimeQuery(q, Baseline(), "borough", (borough,))
    row = crime_measures(demo_con, query, resolve(available_selections(demo_con), [category]))
    assert len(row) == 1
    got = row.iloc[0]
    q_months = months(q.start.strftime("%Y%m"), 3)
    r12_months = months(q.rolling_12_months().start.strftime("%Y%m"), 12)
    assert got["quarter"] == raw_sum(folder, minor, borough, q_months)
    assert got["r12"] == raw_sum(folder, minor, borough, r12_months)
    assert got["baseline_r12"] == raw_sum(folder, minor, borough, months("201903", 12))


def test_force_total_equals_raw_sum_of_every_row(demo_con: ibis.BaseBackend, realdata: Path):
    folder = realdata / "london_datastore"
    query = CrimeQuery(Quarter.parse("2022-23Q2"), Baseline(), "force")
    got = crime_measures(demo_con, query, resolve(available_selections(demo_con), ["Theft"]))
    wanted = sum(
        raw_sum(folder, minor, None, months("202207", 3))
        for minor in ("Bicycle Theft", "Other Theft", "Shoplifting", "Theft from Person")
    )
    assert got.iloc[0]["quarter"] == wanted


def test_bcu_is_the_sum_of_its_boroughs(demo_con: ibis.BaseBackend) -> None:
    chosen = resolve(available_selections(demo_con), ["Total Notifiable Offences"])
    q = Quarter.parse("2023-24Q1")
    bcu = crime_measures(demo_con, CrimeQuery(q, Baseline(), "bcu", ("South West",)), chosen)
    members = ("Kingston upon Thames", "Merton", "Richmond upon Thames", "Wandsworth")
    boroughs = crime_measures(demo_con, CrimeQuery(q, Baseline(), "borough", members), chosen)
    assert len(boroughs) == 4
    assert bcu.iloc[0]["r12"] == boroughs["r12"].sum()
    assert bcu.iloc[0]["population"] == boroughs["population"].sum()


def test_rate_per_1000_uses_ons_population(demo_con: ibis.BaseBackend, realdata: Path) -> None:
    pop_file = realdata / "population" / "ONS_LA_total_resident_population_1998-2022 (Table6).csv"
    with pop_file.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[2:]
    camden = next(int(r[-1]) for r in rows if r[2] == "Camden")
    chosen = resolve(available_selections(demo_con), ["Total Notifiable Offences"])
    q = Quarter.parse("2023-24Q1")
    got = crime_measures(demo_con, CrimeQuery(q, Baseline(), "borough", ("Camden",)), chosen)
    assert got.iloc[0]["r12_rate_per_1000"] == pytest.approx(got.iloc[0]["r12"] * 1000 / camden)
