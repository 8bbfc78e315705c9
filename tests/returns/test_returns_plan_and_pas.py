"""The plan model (both seeds' plans) and the real PAS tables with multi-row headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import PlanError, load_plan, load_plans, plan_for, plan_json_schema
from scrutiny.config.workspace import demo_root
from scrutiny.returns.base import ReturnError
from scrutiny.returns.load import write_parsed
from scrutiny.returns.surveys import parse_pas, read_pas
from scrutiny.store.warehouse import Warehouse, file_sha256

DEMO = demo_root()


def test_both_seed_plans_are_expressible() -> None:
    new, old = load_plans(DEMO / "plan.yaml")
    assert [p.id for p in new.priorities] == ["victims", "trust", "violence", "exploitation"]
    assert [len(p.outcomes) for p in new.priorities] == [3, 4, 5, 4]
    assert [len(list(p.all_measures())) for p in new.priorities] == [3, 8, 10, 0]
    assert old.priority_word == "objective"
    assert [p.title for p in old.priorities] == [
        "A Better Policing Service",
        "A Better Criminal Justice System",
        "Tackling Violence Against Women and Girls",
        "Keeping Children and Young People Safe",
        "Standing Together Against Hatred, Intolerance and Extremism",
    ]
    assert old.priority("Keeping Children & Young People Safe") is old.priorities[3]
    assert plan_for([new, old], Quarter.parse("2021-22Q1")) is old
    assert plan_for([new, old], Quarter.parse("2023-24Q1")) is new
    assert plan_for([new, old], Quarter.parse("2030-31Q1")) is None
    assert new.rules.pct_amber_pp == 5.0


def test_plan_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_text(
        "title: P\nfirst_year: 2022-24\nlast_year: 2024-25\n"
        "priorities:\n  - id: v\n    title: V\n"
        "    measures:\n      - {id: m, title: M, unit: furlongs}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as info:
        load_plan(bad)
    message = str(info.value)
    assert "\n" not in message and message.startswith("plan.yaml: ")
    assert "first_year" in message and "priorities.0.measures.0.unit" in message


def test_plan_json_schema_for_editors() -> None:
    schema = plan_json_schema()
    assert {"title", "priorities", "rules"} <= set(schema["properties"])
    assert "Measure" in json.dumps(schema)


def test_pas_tables_with_multi_row_headers(realdata: Path) -> None:
    folder = realdata / "mopac_pas"
    ethnic = read_pas(
        folder / "2015-16 _to_2020-21_inclusive_neighbourhood_indicators_final_221221.csv"
    )
    assert len(ethnic) == 1176
    first = ethnic[0]
    assert (first.area, first.group, first.definition, first.value) == (
        "Barking and Dagenham - Barking",
        "White British",
        "% Strongly agree/Tend to agree",
        84.0,
    )
    assert first.question.startswith("The police in your area treat everyone fairly")
    assert {c.group for c in ethnic} == {"White British", "Asian", "Black"}
    perceptions = read_pas(folder / "2016-police-perceptions.csv")
    assert len(perceptions) == 1908  # 'N/A' cells (the whole crime-rate column) have no figure
    assert perceptions[0].details == "Code KG-KB; Group Group 7" and perceptions[0].group is None


def test_pas_table_loads_as_survey_results(realdata: Path, warehouse: Warehouse) -> None:
    path = (
        realdata
        / "mopac_pas"
        / "2015-16 _to_2020-21_inclusive_neighbourhood_indicators_final_221221.csv"
    )
    parsed = parse_pas(path, Quarter.parse("2020-21Q4"), "FY2015-16 to FY2020-21", "Ethnicity")
    write_parsed(warehouse, path, [parsed], file_sha256(path))
    row = warehouse.con.execute(
        """SELECT value FROM ret_surveys WHERE area = 'Westminster - South' AND "group" = 'Black'
           AND measure LIKE 'How confident%'"""
    ).fetchone()
    assert row == (48.0,)


def test_pas_bad_cell_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "pas.csv"
    bad.write_text("area,Q1,Q2\n,% yes,% yes\nA - B,12,lots\n", encoding="utf-8")
    with pytest.raises(
        ReturnError, match=r"pas.csv: row 3, column 'Q2': 'lots': expected a number"
    ):
        read_pas(bad)
    bad.write_text(",Q1\n,% yes\n", encoding="utf-8")
    with pytest.raises(ReturnError, match="name the area column"):
        read_pas(bad)
