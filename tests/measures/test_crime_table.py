"""The compiled crime table (what `scrutiny crime` prints without Ibis or pandas) gives the same
table as the Ibis measures, cell for cell: every category × every area of each level, a quarter
with unpublished months, an area filter, and the City of London workspace (down to
wards, with positive outcomes)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace, data_home
from scrutiny.content.safe_csv import safe_cell
from scrutiny.measures.crime_table import crime_table, is_fractional
from scrutiny.measures.summary import crime_summary


def ibis_csv(ws: Workspace, *args: object) -> str:
    """The CSV `scrutiny crime` printed from the Ibis measures (pandas' writer)."""
    frame = crime_summary(ws, *args).frame.map(safe_cell)  # type: ignore[arg-type]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format="%.2f")
    return buffer.getvalue()


def same(ws: Workspace, quarter: str, categories: list[str], level: str, areas: list[str]) -> None:
    ibis_path = crime_summary(ws, quarter, categories, level, areas)
    compiled = crime_table(ws, quarter, categories, level, areas)
    assert compiled.columns == list(ibis_path.frame.columns)
    assert compiled.notes == ibis_path.notes
    want, got = ibis_path.records(), compiled.records()
    assert len(got) == len(want) > 0
    for w, g in zip(want, got, strict=True):
        assert g.keys() == w.keys()
        for column, value in w.items():
            if is_fractional(column) and value is not None:
                assert math.isclose(g[column], value, rel_tol=1e-12), (column, w, g)
            else:
                assert g[column] == value, (column, w["category"], w["area_name"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(compiled.columns)
    writer.writerows([[safe_cell(v) for v in row] for row in compiled.csv_rows()])
    assert buffer.getvalue() == ibis_csv(ws, quarter, categories, level, areas)


@pytest.mark.parametrize("level", ["borough", "force", "bcu"])
def test_every_category_and_area_as_the_ibis_measures(demo_ws: Workspace, level: str) -> None:
    same(demo_ws, "2023-24Q1", ["all"], level, [])


def test_the_default_categories_and_an_area_filter(demo_ws: Workspace) -> None:
    same(demo_ws, "2023-24Q1", [], "borough", [])
    same(demo_ws, "2023-24Q1", ["Knife Crime", "Theft"], "borough", ["Camden", "E09000033"])


def test_a_quarter_with_unpublished_months_is_blanked_alike(demo_ws: Workspace) -> None:
    compiled = crime_table(demo_ws, "2025-26Q3", ["all"], "force", [])
    assert any(row["coverage_note"] for row in compiled.rows)  # the case this test is for
    same(demo_ws, "2025-26Q3", ["all"], "force", [])
    same(demo_ws, "2024-25Q1", ["Domestic Burglary"], "borough", [])


@pytest.mark.parametrize("level", ["borough", "ward", "force"])
def test_another_force(city_ws: Workspace, level: str) -> None:
    """data.police.uk counts, with positive outcomes, down to wards."""
    same(city_ws, "2019-20Q3", ["all"], level, [])


def test_unknown_names_fail_alike(demo_ws: Workspace) -> None:
    for args in ((["No such crime"], "borough", []), (["Theft"], "borough", ["Atlantis"])):
        with pytest.raises(ValueError) as ibis_error:
            crime_summary(demo_ws, "2023-24Q1", *args)
        with pytest.raises(ValueError) as compiled_error:
            crime_table(demo_ws, "2023-24Q1", *args)
        assert str(compiled_error.value) == str(ibis_error.value)


def test_the_compilation_is_cached_and_a_damaged_entry_is_recompiled(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path))
    folder = data_home() / "cache" / "sql"
    first = crime_table(demo_ws, "2022-23Q4", ["Theft"], "bcu", [])
    entries = sorted(folder.glob("*.json"))
    assert len(entries) == 2  # the small reads and the measures
    assert crime_table(demo_ws, "2022-23Q4", ["Theft"], "bcu", []).rows == first.rows
    assert sorted(folder.glob("*.json")) == entries  # read from the cache, nothing new
    for entry in entries:
        entry.write_text("{not json", encoding="utf-8")
    assert crime_table(demo_ws, "2022-23Q4", ["Theft"], "bcu", []).rows == first.rows
    assert all('"sql"' in e.read_text(encoding="utf-8") for e in entries)
