"""One crime model: category schemes, honest coverage, joined series, outcome rates, and a generic
long-table source — on the demo (Datastore files plus the Met's knife-crime dashboard data)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scrutiny.config.geography import AreaNames
from scrutiny.config.workspace import Source, Workspace
from scrutiny.measures.summary import crime_summary
from scrutiny.sources.long_table import read_long_table
from scrutiny.store.warehouse import IngestError

KNIFE = Path("data") / "knife_crime" / "monthly-crime-dashboard.parquet"


def knife_sums(ws: Workspace) -> dict[tuple[str, date], int]:
    """Borough rows of the dashboard's 'Knife Crime' subtype, summed by (measure, month),
    read straight from the Parquet file."""
    table = pq.read_table(ws.root / KNIFE)
    found: dict[tuple[str, date], int] = {}
    for r in table.to_pylist():
        if r["area_type"] == "Borough" and r["crime_subtype"] == "Knife Crime":
            key = (r["measure"], r["month_year"].date())
            found[key] = found.get(key, 0) + r["count"]
    return found


def months(first: date, n: int) -> list[date]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_knife_crime_2023_24_q1_matches_the_data_and_seed_001(demo_ws: Workspace) -> None:
    row = crime_summary(demo_ws, "2023-24Q1", ["Knife Crime"]).records()[0]
    raw = knife_sums(demo_ws)

    def total(measure: str, first: date, n: int) -> int:
        return sum(raw.get((measure, m), 0) for m in months(first, n))

    offences = total("Offences", date(2023, 4, 1), 3)
    previous = total("Offences", date(2023, 1, 1), 3)
    last_year = total("Offences", date(2022, 4, 1), 3)
    r12 = total("Offences", date(2022, 7, 1), 12)
    r12_outcomes = total("Positive Outcomes", date(2022, 7, 1), 12)
    assert (row["quarter"], row["previous_quarter"], row["same_quarter_last_year"]) == (
        offences,
        previous,
        last_year,
    )
    assert (row["r12"], row["positive_outcomes_r12"]) == (r12, r12_outcomes)
    # The README's sanity figures and the acceptance figures.
    assert (offences, r12, r12_outcomes) == (3553, 13797, 1893)
    assert round(row["change_previous_quarter"], 1) == 1.7
    assert round(row["change_same_quarter_last_year"], 1) == 22.9
    assert round(row["outcome_rate_r12"], 1) == 13.7
    # Seed 001 (an earlier vintage) published +2%, +20% and 13.8%.
    assert abs(row["change_previous_quarter"] - 2) <= 1
    assert abs(row["change_same_quarter_last_year"] - 20) <= 3
    assert abs(row["outcome_rate_r12"] - 13.8) <= 0.2
    # The data start in March 2022: windows before that are blank, with the reason.
    assert row["previous_r12"] is None and row["change_previous_r12"] is None
    assert "not published for Mar 2019 to Feb 2022" in row["coverage_note"]


def test_outcome_rate_change_is_in_percentage_points(demo_ws: Workspace) -> None:
    row = crime_summary(demo_ws, "2023-24Q1", ["Knife Crime"]).records()[0]
    raw = knife_sums(demo_ws)

    def rate(first: date) -> float:
        ms = months(first, 3)
        po = sum(raw.get(("Positive Outcomes", m), 0) for m in ms)
        return 100 * po / sum(raw.get(("Offences", m), 0) for m in ms)

    assert row["outcome_rate_quarter"] == pytest.approx(rate(date(2023, 4, 1)))
    expected = rate(date(2023, 4, 1)) - rate(date(2022, 4, 1))
    assert row["outcome_rate_change_same_quarter_last_year"] == pytest.approx(expected)


def test_loading_knife_crime_never_replaces_recorded_crime(demo_ws: Workspace, realdata) -> None:
    """Total recorded crime over 2025 (the ward file's months) equals the ward file's own sum,
    though the knife-crime table (a newer vintage) covers the same months and boroughs."""
    path = (
        realdata
        / "london_datastore"
        / "MPS Ward Level Crime (most recent 24 months) 202401-202512.csv"
    )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        cols = [i for i, h in enumerate(header) if h.startswith("2025")]
        expected = sum(int(r[i]) for r in rows if r[0] != "NFIB FRAUD" for i in cols)
    row = crime_summary(demo_ws, "2025-26Q3", ["Total Notifiable Offences"]).records()[0]
    assert row["r12"] == expected


def test_a_renamed_category_is_blank_not_minus_100_and_the_joined_series_carries_a_break(
    demo_ws: Workspace,
) -> None:
    quarters = ["2023-24Q3", "2023-24Q4", "2024-25Q1", "2024-25Q4", "2025-26Q3"]
    for quarter in quarters:
        summary = crime_summary(
            demo_ws, quarter, ["Domestic Burglary", "Domestic/Residential Burglary"]
        )
        old, joined = summary.records()
        changes = [v for k, v in old.items() if k.startswith("change_") and v is not None]
        assert all(v > -100 for v in changes), (quarter, old)
        assert joined["quarter"] and joined["quarter"] > 0
        assert any("Series break — Domestic/Residential Burglary" in n for n in summary.notes)
        assert joined["series_break"]
    q = crime_summary(demo_ws, "2024-25Q1", ["Domestic Burglary"])
    row = q.records()[0]
    assert row["quarter"] is None and row["change_previous_quarter"] is None
    assert "Domestic Burglary: not published for Jan 2024" in row["coverage_note"]
    assert any("not published" in n for n in q.notes)


def test_a_zero_in_a_published_month_is_a_zero_and_an_unpublished_month_is_missing(
    tmp_path: Path,
) -> None:
    """A long table that leaves zero rows out: February has no row (a zero), the file ends in
    March (April is not published)."""
    f = tmp_path / "extract.csv"
    f.write_text(
        "Month,Borough,Type,Count\n"
        "2023-01,Camden,Offences,5\n"
        "2023-03,Camden,Offences,7\n"
        "2023-03,Camden,Outcomes,2\n",
        encoding="utf-8",
    )
    source = Source(
        kind="long_table",
        path="extract.csv",
        scheme="extract",
        columns={"month": "Month", "area_name": "Borough", "measure": "Type", "count": "Count"},
        constants={"category": "Thing", "area_level": "borough"},
        values={"measure": {"Offences": "offences", "Outcomes": "positive_outcomes"}},
    )
    batch = read_long_table(f, source, AreaNames({"Camden": "E09000007"}))
    assert batch.rows.column("area_code").to_pylist() == ["E09000007"] * 3
    assert batch.vintage == "202303"
    from scrutiny.store.warehouse import Warehouse

    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest_crime(batch)
        published = wh.con.execute(
            "SELECT measure, strftime(month, '%Y%m') FROM crime_published ORDER BY ALL"
        ).fetchall()
    assert published == [
        ("offences", "202301"),
        ("offences", "202302"),
        ("offences", "202303"),
        ("positive_outcomes", "202303"),
    ]


@pytest.mark.parametrize(
    ("text", "columns", "message"),
    [
        ("Month,Area,Count\n2023-13,Camden,5\n", {}, r"line 2, column 'Month': expected a month"),
        ("Month,Area,Count\n2023-01,Camden,-5\n", {}, r"line 2, column 'Count': expected a whole"),
        (
            "Month,Area,Count\n2023-01,Camden,5\n",
            {"count": "N"},
            r"no column 'N' \(mapped to count",
        ),
        (
            "Month,Area,Count\n2023-01,Camden,5\n2023-01,Camden,6\n",
            {},
            r"line 3: a second row for Thing",
        ),
    ],
)
def test_a_bad_long_table_is_refused_in_one_line(
    tmp_path: Path, text: str, columns: dict[str, str], message: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    mapping = {"month": "Month", "area_name": "Area", "count": "Count"} | columns
    source = Source(
        kind="long_table",
        path="bad.csv",
        scheme="extract",
        columns=mapping,
        constants={"category": "Thing", "area_level": "borough", "measure": "offences"},
    )
    with pytest.raises(IngestError, match=message) as err:
        read_long_table(f, source, AreaNames({"Camden": "E09000007"}))
    assert "\n" not in str(err.value) and str(err.value).startswith("bad.csv: ")


def test_a_long_table_source_must_map_what_it_needs() -> None:
    with pytest.raises(ValueError, match="needs area_level, category"):
        Source(
            kind="long_table",
            path="x.csv",
            scheme="s",
            columns={"month": "M", "area_code": "A", "measure": "X", "count": "N"},
        )


def test_knife_crime_by_safer_neighbourhood_team_equals_the_snt_rows(demo_ws: Workspace) -> None:
    """`--by snt`: each team's 2023-24 Q1 knife crime equals its rows of the Parquet file (teams
    sharing a ward code summed, as the workspace's ``duplicates: sum`` says)."""
    table = pq.read_table(demo_ws.root / KNIFE)
    quarter = {date(2023, 4, 1), date(2023, 5, 1), date(2023, 6, 1)}
    expected: dict[str, int] = {}
    for r in table.to_pylist():
        if (
            r["area_type"] == "Safer Neighbourhood Teams"
            and r["crime_subtype"] == "Knife Crime"
            and r["measure"] == "Offences"
            and r["month_year"].date() in quarter
        ):
            code = r["area_code"].strip()
            expected[code] = expected.get(code, 0) + r["count"]
    rows = crime_summary(demo_ws, "2023-24Q1", ["Knife Crime"], "snt").records()
    got = {r["area_code"]: r["quarter"] for r in rows if r["quarter"]}
    assert got == {c: n for c, n in expected.items() if n}
    assert len(got) > 500
    named = {r["area_code"]: r["area_name"] for r in rows}
    assert named["E05014054"] == "Alibon"  # named by the data (no area table row for teams)
