"""Acceptance on real data: a City of London Police workspace made by ``scrutiny init
--police-uk city-of-london`` on the force's data.police.uk street files (2017-01 … 2021-12).

Every figure is checked against a direct count of the CSV rows with the csv module.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scrutiny.analysis.explain import explain
from scrutiny.cli import app
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.summary import crime_summary
from scrutiny.sources.police_uk_counts import ANTI_SOCIAL_BEHAVIOUR, CRIME_TYPES, POSITIVE_OUTCOMES

from .independent import count_rows, lsoa_to_la, months_of

CITY = "E09000001"
QUARTERS = {"2019-20Q1": "2019-04", "2021-22Q3": "2021-10"}  # quarter → its first month
runner = CliRunner()


@pytest.fixture(scope="module")
def offences(realdata):
    counted, _ = count_rows(
        realdata / "police_uk" / "city-of-london",
        {CITY},
        lsoa_to_la(realdata),
        set(POSITIVE_OUTCOMES),
    )
    return counted


def _sum(offences, months, area=None, crime_type=None) -> int:
    return sum(
        n
        for (m, a, t), n in offences.items()
        if m in months and (area is None or a == area) and (crime_type is None or t == crime_type)
    )


def test_init_writes_a_police_uk_workspace_without_met_data(city_ws: Workspace) -> None:
    config = city_ws.config
    assert (config.force, config.force_code) == ("City of London Police", "city-of-london")
    assert config.local_authorities == [CITY]
    assert {s.kind for s in config.sources} == {"population", "lsoa_lookup", "police_uk_street"}
    assert config.current_quarter == "2021-22Q3"  # the last full quarter of the files
    assert not config.bcus
    text = (city_ws.root / "scrutiny.yaml").read_text()
    assert "Metropolitan" not in text and "MOPAC" not in text
    assert "Open Government Licence" in (city_ws.root / "LICENCE-DATA.md").read_text()


@pytest.mark.parametrize("quarter", list(QUARTERS))
def test_quarter_and_r12_per_crime_type_equal_the_csv_rows(
    city_ws: Workspace, offences, quarter: str
) -> None:
    q_months = months_of(QUARTERS[quarter], 3)
    y, m = int(q_months[-1][:4]), int(q_months[-1][5:])
    r12_months = months_of(f"{y - 1:04d}-{m + 1:02d}" if m < 12 else f"{y:04d}-01", 12)
    assert r12_months[-1] == q_months[-1]
    crime_types = [t for t in CRIME_TYPES if t != ANTI_SOCIAL_BEHAVIOUR]
    frame = crime_summary(city_ws, quarter, crime_types, "force").frame.set_index("category")
    for crime_type in crime_types:
        row = frame.loc[crime_type]
        assert row["quarter"] == _sum(offences, q_months, crime_type=crime_type), crime_type
        assert row["r12"] == _sum(offences, r12_months, crime_type=crime_type), crime_type
    boroughs = crime_summary(city_ws, quarter, ["Robbery"], "borough").frame
    by_area = dict(zip(boroughs.area_name, boroughs.quarter, strict=True))
    assert by_area["City of London"] == _sum(offences, q_months, CITY, "Robbery")
    assert by_area["Outside the force area"] == _sum(offences, q_months, "outside", "Robbery")
    assert sum(by_area.values()) == frame.loc["Robbery", "quarter"]


def test_headline_is_all_crime_without_anti_social_behaviour(city_ws: Workspace, offences):
    frame = crime_summary(city_ws, "2021-22Q3").frame
    assert list(frame.category) == ["All crime"]
    months = months_of("2021-10", 3)
    everything = _sum(offences, months)
    asb = _sum(offences, months, crime_type=ANTI_SOCIAL_BEHAVIOUR)
    assert frame.loc[0, "quarter"] == everything - asb


@pytest.mark.parametrize("quarter", list(QUARTERS))
def test_crime_command_works_with_no_category_and_with_all(city_ws: Workspace, quarter) -> None:
    root = str(city_ws.root)
    plain = runner.invoke(app, ["crime", "-w", root, "--quarter", quarter])
    assert plain.exit_code == 0, plain.output
    assert "All crime" in plain.stdout
    every = runner.invoke(
        app, ["crime", "-w", root, "--quarter", quarter, "-c", "all", "-f", "csv"]
    )
    assert every.exit_code == 0, every.output
    assert "Traceback" not in every.output
    assert "Violence and sexual offences" in every.stdout


@pytest.mark.parametrize("quarter", list(QUARTERS))
def test_explain_works(city_ws: Workspace, offences, quarter: str) -> None:
    ex = explain(city_ws, "All crime", Quarter.parse(quarter))
    months = months_of(QUARTERS[quarter], 3)
    assert ex.quarter_volume == _sum(offences, months) - _sum(
        offences, months, crime_type=ANTI_SOCIAL_BEHAVIOUR
    )
    assert ex.quarter_sentence and ex.r12_sentence
    result = runner.invoke(
        app, ["explain", "-w", str(city_ws.root), "--quarter", quarter, "-m", "Robbery"]
    )
    assert result.exit_code == 0, result.output
    assert "per 1,000 residents" in result.stdout


def test_anti_social_behaviour_is_outside_the_notifiable_total(city_ws: Workspace) -> None:
    frame = crime_summary(city_ws, "2021-22Q3", ["Total Notifiable Offences", "All crime"]).frame
    assert frame.loc[0, "quarter"] == frame.loc[1, "quarter"] > 0
    assert frame.loc[0, "r12"] == frame.loc[1, "r12"]
