"""The ONS LSOA11 -> WD19 -> LAD19 lookup: the real file, and malformed copies of it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from realdata import REALDATA
from scrutiny.sources.ons_lookup import COLUMNS, HEADER, read_ons_lookup
from scrutiny.store.warehouse import IngestError

LOOKUP = REALDATA / "lookups" / "LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"


@pytest.fixture(scope="module")
def lookup_path() -> Path:
    if not LOOKUP.exists():
        pytest.skip(f"real data not found at {LOOKUP}")
    return LOOKUP


def test_real_lookup_matches_the_csv(lookup_path: Path) -> None:
    with lookup_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lookup = read_ons_lookup(lookup_path)
    assert lookup.table.column_names == list(COLUMNS)
    assert len(lookup) == len(rows) == 34_753
    expected = {r["LSOA11CD"]: (r["WD19CD"], r["LAD19CD"]) for r in rows}
    got = dict(
        zip(
            lookup.table.column("lsoa_code").to_pylist(),
            zip(
                lookup.table.column("ward_code").to_pylist(),
                lookup.table.column("borough_code").to_pylist(),
                strict=True,
            ),
            strict=True,
        )
    )
    assert got == expected
    # The City of London is six LSOAs in one local authority; names with commas survive quoting.
    city = [r["LSOA11CD"] for r in rows if r["LAD19NM"] == "City of London"]
    assert len(city) == 6
    assert {lookup.borough_of(c) for c in city} == {"E09000001"}
    assert lookup.borough_of("E01999999") is None
    assert "Bristol, City of" in lookup.table.column("borough_name").to_pylist()


GOOD = (
    ",".join(HEADER)
    + "\n1,E01000001,City of London 001A,E05009302,Cripplegate,E09000001,City of London\n"
)


@pytest.mark.parametrize(
    ("content", "line", "column", "expected"),
    [
        (b"", 1, "FID", "expected the header row"),
        (GOOD.replace("WD19CD", "WD20CD").encode(), 1, "WD19CD", "expected header 'WD19CD'"),
        ((GOOD + "2,E0100000X,x,E05009302,w,E09000001,b\n").encode(), 3, "LSOA11CD", "LSOA code"),
        ((GOOD + "2,E01000002,x,E05009302,w,City\n").encode(), 3, "LAD19NM", "7 fields"),
        ((GOOD + "2,E01000001,x,E05009302,w,E09000001,b\n").encode(), 3, "LSOA11CD", "once"),
        ((GOOD + "2,E01000002,x,E05009302,w,X09000001,b\n").encode(), 3, "LAD19CD", "authority"),
        (
            (GOOD + "2,E01000002,Caf\xe9,E05009302,w,E09000001,b\n").encode("latin-1"),
            3,
            "LSOA11NM",
            "UTF-8",
        ),
    ],
    ids=["empty", "header", "lsoa", "ragged", "duplicate", "lad", "latin-1"],
)
def test_malformed_lookup(
    tmp_path: Path, content: bytes, line: int, column: str, expected: str
) -> None:
    path = tmp_path / "lookup.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        read_ons_lookup(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"lookup.csv: line {line}, column '{column}': expected")
    assert expected in message
