"""Coverage is judged per (scheme, category, area): an area a publication leaves out is missing
for its months, not zero, even where the category is published for every other area."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace
from scrutiny.measures.summary import crime_summary
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.national import write_police_uk_workspace
from workspaces import copy_demo

RECENT = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"
WARD = "MPS Ward Level Crime (most recent 24 months) 202401-202512.csv"
LEFT_OUT = "Camden"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        return next(reader), list(reader)


@pytest.fixture(scope="module")
def camden_left_out(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo's borough files, with every Camden row removed from the 2022-02 … 2024-01
    publication (the ward file is left out, so Camden is unpublished from 2022-02 on)."""
    root = copy_demo(tmp_path_factory.mktemp("coverage") / "ws").root
    (root / "data" / "crime" / WARD).unlink()
    path = root / "data" / "crime" / RECENT
    header, rows = _rows(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(r for r in rows if r[2] != LEFT_OUT)
    ws = Workspace.load(root)
    ingest_workspace(ws)
    return ws


def _direct(path: Path, borough: str, months: list[str]) -> int:
    header, rows = _rows(path)
    cols = [header.index(m) for m in months]
    return sum(int(r[i]) for r in rows if r[2] == borough for i in cols)


def test_an_area_a_publication_leaves_out_is_blank_with_its_reason(
    camden_left_out: Workspace, realdata: Path
) -> None:
    summary = crime_summary(camden_left_out, "2023-24Q1", ["Total Notifiable Offences"], "borough")
    rows = {r["area_name"]: r for r in summary.records()}
    camden = rows[LEFT_OUT]
    # Before: Camden's quarter read 0 and "−100%" on the year before, as the category is
    # published for every other borough.
    assert camden["quarter"] is None and camden["r12"] is None
    assert camden["change_same_quarter_last_year"] is None
    assert camden["change_same_quarter_baseline"] is None
    assert "in Camden: not published for Feb 2022 to" in camden["coverage_note"]
    assert any("in Camden: not published" in n for n in summary.notes)
    # Every other borough is shown, and equals a direct sum of the real file.
    recent = realdata / "london_datastore" / RECENT
    for name in ("Islington", "Westminster", "Croydon"):
        assert rows[name]["quarter"] == _direct(recent, name, ["202304", "202305", "202306"])
        assert rows[name]["change_same_quarter_last_year"] is not None
        assert rows[name]["coverage_note"] == ""


def test_a_force_or_bcu_missing_one_of_its_areas_is_blank_and_the_rest_are_shown(
    camden_left_out: Workspace,
) -> None:
    force = crime_summary(camden_left_out, "2023-24Q1", ["Total Notifiable Offences"])
    row = force.records()[0]
    assert row["quarter"] is None and row["change_previous_quarter"] is None
    bcus = {
        r["area_name"]: r
        for r in crime_summary(
            camden_left_out, "2023-24Q1", ["Total Notifiable Offences"], "bcu"
        ).records()
    }
    assert bcus["Central North"]["quarter"] is None  # Camden and Islington
    assert "in Central North: not published" in bcus["Central North"]["coverage_note"]
    assert bcus["Central East"]["quarter"] and bcus["Central East"]["quarter"] > 0
    # Before Camden's gap every window is published: 2019-20 Q1 is shown.
    before = crime_summary(camden_left_out, "2019-20Q1", ["Total Notifiable Offences"])
    assert before.records()[0]["quarter"] > 0


def test_a_force_month_without_a_street_file_is_missing_and_a_month_without_the_crime_is_zero(
    realdata: Path, tmp_path: Path
) -> None:
    """City of London: no file for 2021-09; 2021-11 published without a robbery (a zero).

    A header-only file is refused as damaged (issue 14), so the published zero is a month whose
    file holds one record of another crime type.
    """
    city = realdata / "police_uk" / "city-of-london"
    data = tmp_path / "police"
    data.mkdir()
    for month in ("2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-10", "2021-12"):
        shutil.copy(city / f"{month}-city-of-london-street.csv", data)
    with (city / "2021-11-city-of-london-street.csv").open(newline="") as fh:
        lines = fh.read().splitlines()
    other = next(line for line in lines[1:] if ",Robbery," not in line)
    (data / "2021-11-city-of-london-street.csv").write_text(f"{lines[0]}\n{other}\n")
    write_police_uk_workspace(tmp_path / "ws", "city-of-london", data)
    ws = Workspace.load(tmp_path / "ws")
    ingest_workspace(ws)

    def direct(months: list[str], prefix: str = "") -> int:
        """Robberies in the files (at LSOAs named with ``prefix``: the City's own)."""
        n = 0
        for m in months:
            with (data / f"{m}-city-of-london-street.csv").open(newline="") as fh:
                n += sum(
                    1
                    for r in csv.DictReader(fh)
                    if r["Crime type"] == "Robbery" and r["LSOA name"].startswith(prefix)
                )
        return n

    q3 = crime_summary(ws, "2021-22Q3", ["Robbery"], "borough").records()
    by_area = {r["area_code"]: r for r in q3}
    # The City's own local authority: October to December published, November a zero.
    assert by_area["E09000001"]["quarter"] == direct(
        ["2021-10", "2021-11", "2021-12"], "City of London "
    )
    assert by_area["E09000001"]["change_previous_quarter"] is None  # Q2 lacks September
    assert "to Sep 2021; not shown" in by_area["E09000001"]["coverage_note"]
    q2 = crime_summary(ws, "2021-22Q2", ["Robbery"], "borough").records()
    assert all(r["quarter"] is None for r in q2)
    q1 = crime_summary(ws, "2021-22Q1", ["Robbery"]).records()[0]
    assert q1["quarter"] == direct(["2021-04", "2021-05", "2021-06"])


def test_the_compiled_crime_table_blanks_the_same_area(camden_left_out: Workspace) -> None:
    """What `scrutiny crime` prints (SQL compiled from the measures) agrees with the measures."""
    from scrutiny.measures.crime_table import crime_table

    for level in ("borough", "bcu", "force"):
        args = (camden_left_out, "2023-24Q1", ["Total Notifiable Offences"], level)
        compiled = crime_table(*args)
        summary = crime_summary(*args)
        assert compiled.records() == summary.records()
        assert compiled.notes == summary.notes
    rows = {r["area_name"]: r for r in crime_table(*args[:3], "borough").records()}
    assert rows[LEFT_OUT]["quarter"] is None and rows["Islington"]["quarter"]
