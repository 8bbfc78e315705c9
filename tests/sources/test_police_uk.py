"""data.police.uk readers on the real City of London and Metropolitan files.

Expected figures are counted independently here with the ``csv`` module, never with the code
under test.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from realdata import REALDATA
from scrutiny.sources.ons_lookup import OnsLookup, read_ons_lookup
from scrutiny.sources.police_uk import (
    STREET_HEADER,
    LsoaResolution,
    ingest_street,
    parse_file_name,
    read_police_uk,
    read_stop_search,
    read_street,
    read_street_file,
)
from scrutiny.sources.text import MAX_LINE_BYTES
from scrutiny.store.warehouse import IngestError, Warehouse
from warehouse_state import every_row

CITY = REALDATA / "police_uk" / "city-of-london"
STOP_SEARCH = (
    REALDATA / "police_uk" / "stop-and-search" / "2016-06-metropolitan-stop-and-search.csv"
)
LOOKUP = REALDATA / "lookups" / "LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"
CITY_OF_LONDON = "E09000001"

# Every test here reads the real police.uk files.
pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not found: {REALDATA}")


@pytest.fixture(scope="module")
def lookup() -> OnsLookup:
    if not LOOKUP.exists():
        pytest.skip(f"real data not found at {REALDATA}")
    return read_ons_lookup(LOOKUP)


@pytest.fixture(scope="module")
def city_files() -> list[Path]:
    files = sorted(CITY.glob("*-street.csv"))
    if len(files) != 60:
        pytest.skip(f"real data not found at {CITY}")
    return files


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def lookup_dict(path: Path = LOOKUP) -> dict[str, tuple[str, str]]:
    """LSOA -> (ward, borough), read independently of the code under test."""
    return {r["LSOA11CD"]: (r["WD19CD"], r["LAD19CD"]) for r in csv_rows(path)}


def expected_counts(files: list[Path], force: str = "city-of-london") -> Counter[tuple]:
    """(force, month, crime type) -> rows, counted with the csv module."""
    found: Counter[tuple] = Counter()
    for f in files:
        for r in csv_rows(f):
            year, month = map(int, r["Month"].split("-"))
            found[(force, date(year, month, 1), r["Crime type"])] += 1
    return found


def warehouse_counts(wh: Warehouse) -> Counter[tuple]:
    rows = wh.con.execute(
        "SELECT force, month, crime_type, count(*) FROM street_crimes GROUP BY ALL"
    ).fetchall()
    return Counter({(f, m, c): n for f, m, c, n in rows})


# -- street-level: the real City of London files --------------------------------------------------


@pytest.fixture(scope="module")
def city_warehouse(
    tmp_path_factory: pytest.TempPathFactory, lookup: OnsLookup, city_files: list[Path]
) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("city") / "w.duckdb")
    report = ingest_street(wh, [CITY], lookup)
    assert report.files_loaded == 60
    assert report.rows_loaded == 38_215
    return wh


def test_city_counts_per_month_and_crime_type_match_the_files(
    city_warehouse: Warehouse, city_files: list[Path]
) -> None:
    assert warehouse_counts(city_warehouse) == expected_counts(city_files)
    # Provenance: one sources row per file, with its row count and its month as vintage.
    sources = city_warehouse.con.execute(
        "SELECT path, row_count, vintage, kind FROM sources ORDER BY path"
    ).fetchall()
    assert len(sources) == 60
    for (path, rows, vintage, kind), f in zip(sources, city_files, strict=True):
        assert Path(path).name == f.name
        assert rows == len(csv_rows(f))
        assert vintage == f.name[:7].replace("-", "")
        assert kind == "police_uk_street"


def test_city_rows_keep_every_field(city_warehouse: Warehouse, city_files: list[Path]) -> None:
    f = city_files[0]
    raw = csv_rows(f)
    got = city_warehouse.con.execute(
        """SELECT crime_id, reported_by, falls_within, longitude, latitude, location, lsoa_code,
                  lsoa_name, crime_type, last_outcome, context
           FROM street_crimes WHERE month = DATE '2017-01-01' ORDER BY ALL"""
    ).fetchall()

    def blank(v: str) -> str | None:
        return v or None

    want = sorted(
        (
            (
                blank(r["Crime ID"]),
                r["Reported by"],
                r["Falls within"],
                float(r["Longitude"]) if r["Longitude"] else None,
                float(r["Latitude"]) if r["Latitude"] else None,
                blank(r["Location"]),
                blank(r["LSOA code"]),
                blank(r["LSOA name"]),
                r["Crime type"],
                blank(r["Last outcome category"]),
                blank(r["Context"]),
            )
            for r in raw
        ),
        key=lambda t: tuple((v is None, v) for v in t),
    )
    assert sorted(got, key=lambda t: tuple((v is None, v) for v in t)) == want


def test_city_lsoas_resolve_to_boroughs(
    city_warehouse: Warehouse, city_files: list[Path], lookup: OnsLookup
) -> None:
    """Findings: every LSOA in the 60 files is in the ONS lookup (none unknown); the City's own
    six LSOAs map to E09000001 (33,466 rows); 2,701 rows have no location; 2,048 fall in 21 other
    local authorities, mostly the neighbouring boroughs (Tower Hamlets, Islington, Camden, ...)
    and a handful far outside London (Rochford, North Hertfordshire, Derbyshire Dales, ...)."""
    places = lookup_dict()
    blank, by_borough, unknown = 0, Counter[str](), Counter[str]()
    for f in city_files:
        for r in csv_rows(f):
            code = r["LSOA code"]
            if not code:
                blank += 1
            elif code in places:
                by_borough[places[code][1]] += 1
            else:
                unknown[code] += 1
    assert unknown == Counter()
    assert blank == 2_701
    assert by_borough[CITY_OF_LONDON] == 33_466
    assert len(by_borough) == 22
    assert {"E09000030", "E09000019", "E09000007", "E09000033"} < set(by_borough)

    rows = city_warehouse.con.execute(
        """SELECT lsoa_code, ward_code, borough_code, count(*) FROM street_crimes
           GROUP BY ALL"""
    ).fetchall()
    got_borough: Counter[str] = Counter()
    for lsoa, ward, borough, n in rows:
        if lsoa is None:
            assert (ward, borough) == (None, None)
            assert n == blank
        else:
            assert (ward, borough) == places[lsoa]
            got_borough[borough] += n
    assert got_borough == by_borough
    # The City's own LSOAs are the six of E09000001, in its wards.
    city_lsoas = {c for c, (_, lad) in places.items() if lad == CITY_OF_LONDON}
    assert len(city_lsoas) == 6
    assert {r[0] for r in rows if r[2] == CITY_OF_LONDON} == city_lsoas


def test_resolution_report(lookup: OnsLookup, city_files: list[Path]) -> None:
    batches = [read_street_file(f, lookup) for f in city_files[:12]]
    report = LsoaResolution()
    for b in batches:
        report.add(LsoaResolution.of(b.rows))
    rows = [r for f in city_files[:12] for r in csv_rows(f)]
    assert report.rows == len(rows)
    assert report.blank == sum(1 for r in rows if not r["LSOA code"])
    assert report.unknown_rows == 0
    assert sum(report.by_borough.values()) + report.blank == report.rows
    assert "with no location" in report.describe()


def test_unknown_lsoa_is_kept_and_reported(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    lines = city_files[0].read_text(encoding="utf-8").splitlines(keepends=True)
    # Two made-up codes (well formed, absent from the lookup), and a Scottish data zone.
    fake = [lines[1].replace(",E01000914,", f",{code},", 1) for code in ("E01999999", "S01012345")]
    fake.append(fake[0])
    assert all(",E01000914," in lines[1] for _ in fake)
    path = tmp_path / "2017-01-city-of-london-street.csv"
    path.write_text("".join([*lines, *fake]), encoding="utf-8")
    for fast in (True, False):
        wh = Warehouse(tmp_path / f"w{fast}.duckdb")
        other = tmp_path / f"o{fast}" / "2017-02-city-of-london-street.csv"
        other.parent.mkdir()
        shutil.copy(city_files[1], other)  # two files, so the fast path is the one taken
        report = ingest_street(wh, [path, other], lookup, fast=fast)
        assert report.resolution.unknown == Counter({"E01999999": 2, "S01012345": 1})
        assert report.resolution.sample(1) == ["E01999999"]
        assert "LSOA codes the lookup lacks (e.g. E01999999, S01012345)" in report.describe()
        kept = wh.con.execute(
            "SELECT lsoa_code, ward_code, borough_code FROM street_crimes "
            "WHERE lsoa_code IN ('E01999999', 'S01012345') ORDER BY 1"
        ).fetchall()
        assert kept == [("E01999999", None, None)] * 2 + [("S01012345", None, None)]
        wh.close()


def test_fast_and_per_file_paths_load_the_same_rows(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    tables = []
    for fast in (True, False):
        wh = Warehouse(tmp_path / f"w{fast}.duckdb")
        ingest_street(wh, city_files[:6], lookup, fast=fast)
        tables.append(every_row(wh)["street_crimes"])
        wh.close()
    assert tables[0] == tables[1]
    assert len(tables[0]) == sum(len(csv_rows(f)) for f in city_files[:6])


def test_read_street_folder(lookup: OnsLookup, city_files: list[Path]) -> None:
    batches = read_street(CITY, lookup)
    assert [b.path.name for b in batches] == [f.name for f in city_files]
    assert sum(b.rows.num_rows for b in batches) == 38_215
    assert {b.table for b in batches} == {"street_crimes"}
    assert batches[0].rows.column_names == [
        "crime_id", "month", "reported_by", "falls_within", "longitude", "latitude", "location",
        "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context", "ward_code",
        "borough_code", "force",
    ]  # fmt: skip


def test_file_names() -> None:
    assert parse_file_name("2017-01-city-of-london-street.csv") == (
        "2017-01",
        "city-of-london",
        "street",
    )
    assert parse_file_name("2016-06-metropolitan-stop-and-search.csv") == (
        "2016-06",
        "metropolitan",
        "stop-and-search",
    )
    assert parse_file_name("2019-12-devon-and-cornwall-outcomes.csv") == (
        "2019-12",
        "devon-and-cornwall",
        "outcomes",
    )
    assert parse_file_name("street.csv") is None
    assert parse_file_name("2017-13-kent-street.csv") is None


def test_force_comes_from_the_name_or_is_given(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    renamed = tmp_path / "january.csv"
    shutil.copy(city_files[0], renamed)
    with pytest.raises(IngestError, match=r"^january\.csv: expected a data\.police\.uk file name"):
        read_street_file(renamed, lookup)
    batch = read_street_file(renamed, lookup, force="city-of-london")
    assert set(batch.rows.column("force").to_pylist()) == {"city-of-london"}


# -- the archive layout and zips ------------------------------------------------------------------


def archive_tree(root: Path, city_files: list[Path], months: int = 3) -> Path:
    """data.police.uk's monthly layout: YYYY-MM/ with street, outcomes and stop-and-search."""
    for f in city_files[:months]:
        month = f.name[:7]
        folder = root / month
        folder.mkdir(parents=True)
        shutil.copy(f, folder / f.name)
        (folder / f"{month}-city-of-london-outcomes.csv").write_text(
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            "LSOA name,Outcome type\n",
            encoding="utf-8",
        )
    folder = root / "2016-06"
    folder.mkdir()
    shutil.copy(STOP_SEARCH, folder / STOP_SEARCH.name)
    (root / "README.txt").write_text("not data\n", encoding="utf-8")
    return root


def test_archive_layout(tmp_path: Path, lookup: OnsLookup, city_files: list[Path]) -> None:
    root = archive_tree(tmp_path / "archive", city_files)
    wh = Warehouse(tmp_path / "w.duckdb")
    report = ingest_street(wh, [root], lookup)
    assert warehouse_counts(wh) == expected_counts(city_files[:3])
    searches = wh.con.execute("SELECT force, count(*) FROM stop_searches GROUP BY 1").fetchall()
    assert searches == [("metropolitan", len(csv_rows(STOP_SEARCH)))]
    ignored = {Path(name).name: why for name, why in report.ignored}
    outcomes = [f"{f.name[:7]}-city-of-london-outcomes.csv" for f in city_files[:3]]
    assert ignored == dict.fromkeys(outcomes, "outcomes file: not loaded")
    assert report.files_loaded == 4


def test_a_street_file_with_nul_bytes_never_replaces_a_good_month(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    """The issue's case: 30 lines of a real month with NUL bytes in one field, loaded after the
    good file of that month: refused with line and column, the month's rows kept."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    real = city_files[5]
    (good / real.name).write_bytes(real.read_bytes())
    lines = real.read_bytes().split(b"\n")[:30]
    lines[5] = lines[5].replace(b"On or near", b"\x00\x00\x00On or near", 1)
    assert b"\x00" in lines[5]
    (bad / real.name).write_bytes(b"\n".join(lines) + b"\n")
    wh = Warehouse(tmp_path / "w.duckdb")
    ingest_street(wh, [good], lookup)
    before = every_row(wh)
    with pytest.raises(IngestError, match=r"line 6, column 'Location': expected text without"):
        ingest_street(wh, [bad], lookup)
    assert every_row(wh) == before


def test_a_zip_bomb_is_refused_before_it_expands(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    """A real street file followed by 200 MB of one repeated line, compressed over 100:1: the
    archive is refused from its declared sizes, one line, nothing loaded."""
    header = city_files[0].read_bytes().split(b"\n", 1)[0] + b"\n"
    archive = tmp_path / "bomb.zip"
    line = b"," * 11 + b"\n"
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z,
        z.open(city_files[0].name, "w") as member,
    ):
        member.write(header)
        for _ in range(200):
            member.write(line * (1_000_000 // len(line)))
    assert archive.stat().st_size < 2_000_000
    wh = Warehouse(tmp_path / "w.duckdb")
    before = every_row(wh)
    with pytest.raises(IngestError, match=r"expands from [\d,]+ to [\d,]+ bytes, more than 100×"):
        ingest_street(wh, [archive], lookup)
    assert every_row(wh) == before


def test_zip_of_the_archive(tmp_path: Path, lookup: OnsLookup, city_files: list[Path]) -> None:
    root = archive_tree(tmp_path / "archive", city_files)
    archive = tmp_path / "police-uk-2017.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(root).as_posix())
    from_folder = Warehouse(tmp_path / "folder.duckdb")
    ingest_street(from_folder, [root], lookup)
    from_zip = Warehouse(tmp_path / "zip.duckdb")
    report = ingest_street(from_zip, [archive], lookup)
    for table in ("street_crimes", "stop_searches"):
        assert every_row(from_zip)[table] == every_row(from_folder)[table]
    paths = [r[0] for r in from_zip.con.execute("SELECT path FROM sources ORDER BY 1").fetchall()]
    assert paths[0] == str(archive / "2016-06" / STOP_SEARCH.name)
    # Loading the zip again changes nothing: every member is already loaded (by its sha256).
    before = every_row(from_zip)
    again = ingest_street(from_zip, [archive], lookup)
    assert again.files_loaded == 0 and again.files_skipped == report.files_loaded == 4
    assert every_row(from_zip) == before
    # Reading (not ingesting) a zip gives each member's sha256, since its path cannot be hashed.
    pairs = read_police_uk(archive, lookup)
    assert sorted(b.table for b, _ in pairs) == ["stop_searches"] + ["street_crimes"] * 3
    fresh = Warehouse(tmp_path / "fresh.duckdb")
    for batch, sha in pairs:
        fresh.ingest(batch, sha256=sha)
    # The same rows; only the source ids differ (files were loaded in another order).
    assert [r[:-1] for r in every_row(fresh)["street_crimes"]] == [
        r[:-1] for r in every_row(from_folder)["street_crimes"]
    ]


def test_zip_without_csv(tmp_path: Path, lookup: OnsLookup) -> None:
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("README.txt", "nothing here")
    with pytest.raises(IngestError, match=r"^empty\.zip: expected at least one \.csv file"):
        ingest_street(Warehouse(tmp_path / "w.duckdb"), [archive], lookup)


# -- malformed input: one-line errors, nothing written ---------------------------------------------

HEADER = ",".join(STREET_HEADER)
ROW = (
    "abc,2017-01,City of London Police,City of London Police,-0.111497,51.518226,"
    "On or near Old Square,E01000914,Camden 028B,Other theft,Under investigation,"
)


def good_rows(n: int = 3) -> list[str]:
    return [ROW] * n


MALFORMED: dict[str, tuple[bytes, int, str, str]] = {
    # name: (file content, line, column, words the message must hold)
    "truncated": (
        (HEADER + "\n" + "\n".join(good_rows()) + "\n" + ROW[:60]).encode(),
        5,
        "Latitude",  # the cut falls inside Longitude: the row ends before Latitude
        "expected 12 fields, got 5",
    ),
    "too many fields": (
        (HEADER + "\n" + ROW + "\n" + ROW + ",extra\n").encode(),
        3,
        "Context",
        "expected 12 fields, got 13",
    ),
    "wrong header": (
        (HEADER.replace("Crime type", "Offence") + "\n" + ROW + "\n").encode(),
        1,
        "Crime type",
        "got 'Offence'",
    ),
    "stop-and-search header": (
        b"Type,Date,Part of a policing operation\nPerson search,2016-05-31T23:01:00+00:00,False\n",
        1,
        "Crime ID",
        "got 'Type'",
    ),
    "empty": (b"", 1, "Crime ID", "got an empty file"),
    "latin-1": (
        (HEADER + "\n" + ROW + "\n" + ROW.replace("Old Square", "Caf\xe9 Row") + "\n").encode(
            "latin-1"
        ),
        3,
        "Location",
        "expected UTF-8 text, got byte '0xe9'",
    ),
    "utf-16": ((HEADER + "\n" + ROW + "\n").encode("utf-16"), 1, "Crime ID", "got UTF-16"),
    "latin-1 header": (
        (HEADER.replace("Location", "Lieu\xe9") + "\n" + ROW + "\n").encode("latin-1"),
        1,
        "Location",
        "got byte '0xe9'",
    ),
    "month 13": (
        (HEADER + "\n" + ROW + "\n" + ROW.replace("2017-01", "2017-13") + "\n").encode(),
        3,
        "Month",
        "expected a month like 2017-01, got '2017-13'",
    ),
    "month as a name": (
        (HEADER + "\n" + ROW.replace("2017-01", "January") + "\n").encode(),
        2,
        "Month",
        "got 'January'",
    ),
    "two-digit year": (
        (HEADER + "\n" + ROW + "\n" + ROW + "\n" + ROW.replace("2017-01", "17-01") + "\n").encode(),
        4,
        "Month",
        "got '17-01'",
    ),
    "blank month": (
        (HEADER + "\n" + ROW.replace("2017-01", "") + "\n").encode(),
        2,
        "Month",
        "got ''",
    ),
    "longitude": (
        (HEADER + "\n" + ROW.replace("-0.111497", "west") + "\n").encode(),
        2,
        "Longitude",
        "expected blank or a number from -180 to 180, got 'west'",
    ),
    "latitude out of range": (
        (HEADER + "\n" + ROW + "\n" + ROW.replace("51.518226", "151.5") + "\n").encode(),
        3,
        "Latitude",
        "got '151.5'",
    ),
    "no crime type": (
        (HEADER + "\n" + ROW.replace("Other theft", "") + "\n").encode(),
        2,
        "Crime type",
        "expected a value",
    ),
    "unclosed quote": (
        (HEADER + "\n" + ROW + "\n" + ROW.replace("On or near", '"On or near') + "\n").encode(),
        3,
        "Location",
        "expected a closing quote",
    ),
}


@pytest.fixture()
def loaded(tmp_path: Path, lookup: OnsLookup, city_files: list[Path]) -> Warehouse:
    """A warehouse with some real data in it, to show a failed load leaves it as it was."""
    wh = Warehouse(tmp_path / "w.duckdb")
    ingest_street(wh, city_files[:2], lookup)
    wh.ingest(read_stop_search(STOP_SEARCH))
    return wh


def check_error(err: pytest.ExceptionInfo[IngestError], name: str, case: str) -> None:
    _, line, column, words = MALFORMED[case]
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{name}: line {line}, column '{column}': expected"), message
    assert words in message, message


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("fast", [True, False], ids=["folder", "per-file"])
def test_malformed_street_file(
    tmp_path: Path, loaded: Warehouse, lookup: OnsLookup, city_files: list[Path], case: str,
    fast: bool,
) -> None:  # fmt: skip
    folder = tmp_path / "in"
    folder.mkdir()
    # A good file beside the bad one: all or nothing, the good one is not loaded either.
    shutil.copy(city_files[5], folder / city_files[5].name)
    bad = folder / "2017-09-city-of-london-street.csv"
    bad.write_bytes(MALFORMED[case][0].replace(b"2017-01", b"2017-09"))  # the name's month
    before = every_row(loaded)
    with pytest.raises(IngestError) as err:
        ingest_street(loaded, [folder], lookup, fast=fast)
    check_error(err, bad.name, case)
    if fast or "header" in case or case in {"empty", "utf-16"}:
        # Headers are checked before anything is written; the fast path is one transaction.
        assert every_row(loaded) == before
    else:
        # One transaction per file: the good file (first in order) is in, the bad one is not.
        after = every_row(loaded)
        assert after["street_crimes"] != before["street_crimes"]
        paths = [Path(str(r[1])).name for r in after["sources"]]
        assert bad.name not in paths and city_files[5].name in paths
    with pytest.raises(IngestError) as err:
        read_street_file(bad, lookup)
    check_error(err, bad.name, case)


def test_stop_and_search_malformed(tmp_path: Path, loaded: Warehouse) -> None:
    lines = STOP_SEARCH.read_text(encoding="utf-8").splitlines(keepends=True)
    cases = {
        "Date": (lines[3].replace("2016-05-31T", "2016-05-32T", 1), "a date and time"),
        "Part of a policing operation": (lines[3].replace(",False,", ",Nope,", 1), "True or False"),
        "Latitude": (lines[3].replace(",51.", ",91.", 1), "number from -90 to 90"),
    }
    before = every_row(loaded)
    for column, (bad_line, words) in cases.items():
        path = tmp_path / "2016-06-metropolitan-stop-and-search.csv"
        path.write_text("".join([*lines[:3], bad_line, *lines[4:]]), encoding="utf-8")
        with pytest.raises(IngestError) as err:
            read_stop_search(path)
        message = str(err.value)
        assert message.startswith(f"{path.name}: line 4, column '{column}': expected"), message
        assert words in message
        assert every_row(loaded) == before


# -- loading again, newer publications -----------------------------------------------------------


def test_loading_the_same_files_twice_changes_nothing(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    first = ingest_street(wh, city_files[:4], lookup)
    assert first.files_loaded == 4
    before = every_row(wh)
    for fast in (True, False):
        again = ingest_street(wh, city_files[:4], lookup, fast=fast)
        assert again.files_loaded == 0 and again.files_skipped == 4
        assert every_row(wh) == before
    # The same file under another name is the same publication: skipped by its sha256.
    copy = tmp_path / "copy" / city_files[0].name
    copy.parent.mkdir()
    shutil.copy(city_files[0], copy)
    assert ingest_street(wh, [copy], lookup).files_skipped == 1
    batch = read_street_file(city_files[0], lookup)
    assert wh.ingest(batch).skipped
    assert every_row(wh) == before


def revised(path: Path, dest: Path, drop: int, extra_months: tuple[str, ...] = ()) -> Path:
    """A re-publication of ``path``: ``drop`` rows fewer, optionally rows for later months."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    month = path.name[:7]
    more = [lines[1].replace(f",{month},", f",{m},", 1) for m in extra_months]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("".join(lines[: len(lines) - drop] + more), encoding="utf-8")
    return dest


@pytest.mark.parametrize("fast", [True, False], ids=["folder", "per-file"])
def test_newest_vintage_keeps_the_unit(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path], fast: bool
) -> None:
    jan, feb = city_files[0], city_files[1]
    n_jan, n_feb = len(csv_rows(jan)), len(csv_rows(feb))
    wh = Warehouse(tmp_path / "w.duckdb")
    ingest_street(wh, [jan, feb], lookup, fast=fast)
    # A later publication covering Jan (and a March row, so its vintage is 201703) replaces
    # the whole (force, January) unit, not row by row. A file of two months cannot carry a
    # data.police.uk month name (its rows must be that month): it is read as a named file.
    newer = revised(
        jan, tmp_path / "v2" / "city-of-london-revised.csv", drop=5, extra_months=("2017-03",)
    )
    wh.ingest(read_street_file(newer, lookup, force="city-of-london"))
    # Another force (drop one row: an identical copy would be skipped as already loaded).
    other = revised(feb, tmp_path / "v2" / "2017-02-kent-street.csv", drop=1)
    ingest_street(wh, [other], lookup, fast=fast)

    def per_month() -> dict[tuple[str, date], int]:
        rows = wh.con.execute(
            "SELECT force, month, count(*) FROM street_crimes GROUP BY ALL"
        ).fetchall()
        return {(f, m): n for f, m, n in rows}

    expected = {
        ("city-of-london", date(2017, 1, 1)): n_jan - 5,
        ("city-of-london", date(2017, 2, 1)): n_feb,
        ("city-of-london", date(2017, 3, 1)): 1,
        ("kent", date(2017, 2, 1)): n_feb - 1,
    }
    assert per_month() == expected
    # An older publication (vintage 201701) loaded afterwards adds nothing to a unit held by
    # a newer one; the unit it alone covers it would add (there is none here).
    older = revised(jan, tmp_path / "v0" / jan.name, drop=10)
    spare = revised(city_files[3], tmp_path / "v0" / city_files[3].name, drop=0)
    ingest_street(wh, [older, spare], lookup, fast=fast)
    expected[("city-of-london", date(2017, 4, 1))] = len(csv_rows(city_files[3]))
    assert per_month() == expected


def test_two_publications_in_one_folder(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path]
) -> None:
    """In one fast load, the later of two same-vintage files of one unit wins, as if one by one."""
    jan = city_files[0]
    a = revised(jan, tmp_path / "in" / "a" / jan.name, drop=3)
    b = revised(jan, tmp_path / "in" / "b" / jan.name, drop=7)
    results = {}
    for fast in (True, False):
        wh = Warehouse(tmp_path / f"w{fast}.duckdb")
        ingest_street(wh, [tmp_path / "in"], lookup, fast=fast)
        results[fast] = every_row(wh)["street_crimes"]
    assert results[True] == results[False]
    assert len(results[True]) == len(csv_rows(b))
    del a


# -- stop and search ------------------------------------------------------------------------------


def test_stop_search_reader_on_the_real_file() -> None:
    raw = csv_rows(STOP_SEARCH)
    batch = read_stop_search(STOP_SEARCH)
    t = batch.rows
    assert batch.table == "stop_searches" and batch.vintage == "201606"
    assert t.num_rows == len(raw) == 10_490
    assert set(t.column("force").to_pylist()) == {"metropolitan"}
    # Times are London wall-clock: the first search, 23:01 UTC on 31 May, is 00:01 on 1 June.
    first = datetime.fromisoformat(raw[0]["Date"])
    assert first.isoformat() == "2016-05-31T23:01:00+00:00"
    assert t.column("datetime")[0].as_py() == datetime(2016, 6, 1, 0, 1)
    assert set(t.column("month").to_pylist()) == {date(2016, 6, 1)}
    assert Counter(t.column("object_of_search").to_pylist()) == Counter(
        r["Object of search"] or None for r in raw
    )
    assert t.column("part_of_operation").to_pylist() == [
        r["Part of a policing operation"] == "True" for r in raw
    ]
    assert t.column("latitude").null_count == sum(1 for r in raw if not r["Latitude"])


@pytest.mark.parametrize("fast", [True, False])
def test_a_street_file_whose_rows_are_another_month_is_refused(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path], fast: bool
) -> None:
    """The issue's case: 40 rows of May in a file named for June must not replace May (nor June)
    — refused with the first row's line and column, every table as it was."""
    may, june = city_files[4], city_files[5]
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    for f in (may, june):
        (good / f.name).write_bytes(f.read_bytes())
    (bad / june.name).write_bytes(b"\n".join(may.read_bytes().split(b"\n")[:41]) + b"\n")
    (bad / city_files[6].name).write_bytes(city_files[6].read_bytes())  # a good file beside it
    wh = Warehouse(tmp_path / "w.duckdb")
    ingest_street(wh, [good], lookup)
    before = every_row(wh)
    with pytest.raises(IngestError) as info:
        ingest_street(wh, [bad], lookup, fast=fast)
    message = str(info.value)
    assert "\n" not in message and message.startswith(june.name)
    assert f"line 2, column 'Month': expected a row of {june.name[:7]}" in message
    assert f"got one of {may.name[:7]}" in message
    assert every_row(wh) == before


def test_a_stop_and_search_file_whose_rows_are_another_month_is_refused(tmp_path: Path) -> None:
    """The real June 2016 file under May's name: refused on its first row's Date."""
    renamed = tmp_path / "2016-05-metropolitan-stop-and-search.csv"
    renamed.write_bytes(STOP_SEARCH.read_bytes())
    with pytest.raises(IngestError) as info:
        read_stop_search(renamed)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{renamed.name}: line 2, column 'Date': expected a row of 2016-05")
    assert "got one of 2016-06" in message


@pytest.mark.parametrize("kind", ["street", "stop-and-search"])
def test_a_header_only_file_is_refused(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path], kind: str
) -> None:
    """A file with its header and no record would load as a month of nothing: refused, one
    line, every table as it was (also beside good files, in one transaction)."""
    real = city_files[5] if kind == "street" else STOP_SEARCH
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / real.name).write_bytes(real.read_bytes().split(b"\n", 1)[0] + b"\n")
    if kind == "street":
        (folder / city_files[6].name).write_bytes(city_files[6].read_bytes())
    wh = Warehouse(tmp_path / "w.duckdb")
    before = every_row(wh)
    with pytest.raises(IngestError) as info:
        ingest_street(wh, [folder], lookup)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{real.name}: line 2: expected")
    assert "a header alone" in message
    assert every_row(wh) == before


@pytest.mark.parametrize("fast", [True, False])
def test_an_over_long_last_line_is_refused_not_dropped(
    tmp_path: Path, lookup: OnsLookup, city_files: list[Path], fast: bool
) -> None:
    """A real file whose last line (no newline) is over the line bound: refused, naming the
    line, before any parser sees it (DuckDB once dropped such a line silently)."""
    folder = tmp_path / "in"
    folder.mkdir()
    real = city_files[5]
    lines = real.read_bytes().split(b"\n")[:20]
    (folder / real.name).write_bytes(b"\n".join(lines) + b"\n" + b"z" * (MAX_LINE_BYTES + 1))
    (folder / city_files[6].name).write_bytes(city_files[6].read_bytes())
    wh = Warehouse(tmp_path / "w.duckdb")
    before = every_row(wh)
    with pytest.raises(IngestError) as info:
        ingest_street(wh, [folder], lookup, fast=fast)
    assert str(info.value).startswith(f"{real.name}: line 21: longer than {MAX_LINE_BYTES:,}")
    assert every_row(wh) == before
    with pytest.raises(IngestError, match="line 21: longer than"):
        read_street_file(folder / real.name, lookup)
