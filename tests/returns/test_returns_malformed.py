"""Bad returns: one clear line per bad cell, naming file, row and column; nothing is loaded."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from scrutiny.config.plan import Plan
from scrutiny.config.workspace import demo_root
from scrutiny.returns.base import ReturnError
from scrutiny.returns.kinds import KINDS
from scrutiny.returns.load import load_file, read_return
from scrutiny.returns.templates import write_template
from scrutiny.store.warehouse import Warehouse
from warehouse_state import every_row

RETURNS = demo_root() / "returns"

QUARTER = {
    "indicators": "2021-22Q1",
    "objectives": "2021-22Q1",
    "risks": "2021-22Q1",
    "issues": "2021-22Q1",
}
NUMERIC = ("number", "integer", "money")


def name_for(kind: str) -> str:
    if KINDS[kind].key == "reference":
        return f"PCD000-{kind}.csv"
    return f"{QUARTER.get(kind, '2023-24Q1')}-{kind}.csv"


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def template_rows(tmp_path: Path, kind: str) -> list[list[str]]:
    path = write_template(kind, tmp_path / f"t-{kind}.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


def assert_rejected(wh: Warehouse, path: Path, plans: list[Plan] | None, *expect: str) -> list[str]:
    """Loading fails, every line names the file (and a row), the warehouse is unchanged."""
    before = every_row(wh)
    with pytest.raises(ReturnError) as info:
        load_file(wh, path, plans)
    assert every_row(wh) == before
    lines = str(info.value).splitlines()
    assert lines and all(line.startswith(path.name) for line in lines)
    text = str(info.value)
    for e in expect:
        assert e in text, text
    return lines


@pytest.fixture()
def seeded(warehouse: Warehouse, plans: list[Plan]) -> Warehouse:
    """A warehouse already holding a good return, so 'unchanged' means something."""
    load_file(warehouse, RETURNS / "2023-24Q1-milestones.csv", plans)
    return warehouse


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_template_is_a_valid_return(tmp_path: Path, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    parsed = read_return(write_rows(tmp_path / name_for(kind), rows))
    assert len(parsed[0].rows) == len(rows) - 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_missing_column(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    col = next(c.name for c in KINDS[kind].columns if c.required)
    i = rows[0].index(col)
    rows = [r[:i] + r[i + 1 :] for r in rows]
    assert_rejected(
        seeded,
        write_rows(tmp_path / name_for(kind), rows),
        None,
        f"row 1, column '{col}'",
        "missing column",
    )


@pytest.mark.parametrize(
    "kind", sorted(k for k, v in KINDS.items() if any(c.type in NUMERIC for c in v.columns))
)
def test_text_in_a_number(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    col = next(c.name for c in KINDS[kind].columns if c.type in NUMERIC)
    rows[1][rows[0].index(col)] = "twelve"
    lines = assert_rejected(
        seeded,
        write_rows(tmp_path / name_for(kind), rows),
        None,
        f"row 2, column '{col}': 'twelve'",
    )
    assert any(re.search(r"expected (a number|a whole number|an amount)", line) for line in lines)


@pytest.mark.parametrize(
    "kind", sorted(k for k, v in KINDS.items() if any("rating" in c.type for c in v.columns))
)
def test_illegal_rating(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    col = next(c.name for c in KINDS[kind].columns if "rating" in c.type)
    rows[1][rows[0].index(col)] = "Y"
    assert_rejected(
        seeded,
        write_rows(tmp_path / name_for(kind), rows),
        None,
        f"row 2, column '{col}': 'Y': expected a rating letter",
    )


@pytest.mark.parametrize("kind", sorted(k for k, v in KINDS.items() if v.key == "quarter"))
def test_quarter_in_the_file_name_must_exist(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    path = write_rows(tmp_path / f"2023-24Q5-{kind}.csv", rows)
    assert_rejected(seeded, path, None, "2023-24Q5", "not a quarter that exists")
    path = write_rows(tmp_path / f"2023-25Q1-{kind}.csv", rows)
    assert_rejected(seeded, path, None, "not a quarter that exists")


@pytest.mark.parametrize(
    "kind", sorted(k for k, v in KINDS.items() if any(c.type == "quarter" for c in v.columns))
)
def test_quarter_in_a_cell_must_exist(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    rows = template_rows(tmp_path, kind)
    col = next(c.name for c in KINDS[kind].columns if c.type == "quarter")
    rows[1][rows[0].index(col)] = "Q5 23/24"
    assert_rejected(
        seeded,
        write_rows(tmp_path / name_for(kind), rows),
        None,
        f"row 2, column '{col}': 'Q5 23/24': there is no quarter Q5",
    )


TOTALS = {
    "revenue": [
        ["line", "total_of", "ytd_budget"],
        ["Pay", "", "1.0"],
        ["Overtime", "", "2.0"],
        ["Total", "Pay; Overtime", "3.5"],
    ],
    "capital": [
        ["financial_year", "line", "total_of", "original_budget"],
        ["2023/24", "Fleet", "", "1.0"],
        ["2023/24", "Estate", "", "2.0"],
        ["2023/24", "Total", "Fleet; Estate", "3.2"],
    ],
    "office_finance": [
        ["body", "line", "total_of", "revised_budget"],
        ["VRU", "Violence", "", "1.0"],
        ["VRU", "Trust", "", "2.0"],
        ["VRU", "Total", "Violence; Trust", "2.0"],
    ],
    "reserves": [
        ["line", "total_of", "opening_balance"],
        ["A", "", "1.0"],
        ["B", "", "2.0"],
        ["Total", "A; B", "9.9"],
    ],
    "decisions": [
        ["reference", "title", "date", "approver", "total", "line_type", "name", "amount"],
        ["PCD 1", "T", "2017-04-07", "DMPC", "100", "strand", "S1", "60"],
        ["PCD 1", "T", "2017-04-07", "DMPC", "100", "strand", "S2", "30"],
        ["PCD 1", "T", "2017-04-07", "DMPC", "100", "source", "MoJ", "100"],
    ],
}


@pytest.mark.parametrize("kind", sorted(TOTALS))
def test_totals_must_add_up(tmp_path: Path, seeded: Warehouse, kind: str) -> None:
    row = "row 2" if kind == "decisions" else "row 4"  # a decision's total is on its first row
    lines = assert_rejected(seeded, write_rows(tmp_path / name_for(kind), TOTALS[kind]), None, row)
    assert len(lines) == 1 or kind == "decisions"
    assert re.search(r"sum of|add up to", lines[0])


def test_reserves_opening_plus_transfers_is_closing(tmp_path: Path, seeded: Warehouse) -> None:
    rows = [
        ["line", "opening_balance", "forecast_transfers", "forecast_closing_balance"],
        ["A", "10.0", "(2.0)", "7.0"],
    ]
    assert_rejected(
        seeded,
        write_rows(tmp_path / "2023-24Q1-reserves.csv", rows),
        None,
        "row 2, column 'forecast_closing_balance'",
        "opening_balance + forecast_transfers = 8.0",
    )


def test_known_issue_turns_a_failed_check_into_a_warning(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    rows = [*TOTALS["reserves"]]
    rows = [[*rows[0], "known_issue"], [*rows[1], ""], [*rows[2], ""], [*rows[3], "as published"]]
    result = load_file(warehouse, write_rows(tmp_path / "2023-24Q1-reserves.csv", rows))
    assert len(result.warnings) == 1 and result.warnings[0].row == 4
    assert warehouse.con.execute("SELECT known_issue FROM ret_warnings").fetchall() == [
        ("as published",)
    ]


def test_wrong_header(tmp_path: Path, seeded: Warehouse, plans: list[Plan]) -> None:
    rows = template_rows(tmp_path, "services")
    rows[0][rows[0].index("ytd_value")] = "ytd value £"
    assert_rejected(
        seeded,
        write_rows(tmp_path / "2023-24Q1-services.csv", rows),
        plans,
        "row 1, column 'ytd value £': unexpected column for a services return",
    )


def test_unknown_priority(tmp_path: Path, seeded: Warehouse, plans: list[Plan]) -> None:
    rows = template_rows(tmp_path, "services")
    rows[1][0] = "policing"  # an objective of the 2017-21 plan, not a priority of 2022-25
    assert_rejected(
        seeded,
        write_rows(tmp_path / "2023-24Q1-services.csv", rows),
        plans,
        "row 2, column 'priority': 'policing': "
        "not a priority of 'Police and Crime Plan for London 2022-25'",
    )


def test_one_line_per_bad_cell(tmp_path: Path, seeded: Warehouse, plans: list[Plan]) -> None:
    rows = [
        line for line in csv.reader((RETURNS / "2023-24Q1-services.csv").open(encoding="utf-8"))
    ]
    h = rows[0]
    rows[3][h.index("ytd_value")] = "lots"
    rows[5][h.index("published_rating")] = "Amber-ish"
    rows[7][h.index("unit")] = "pounds"
    lines = assert_rejected(seeded, write_rows(tmp_path / "2023-24Q1-services.csv", rows), plans)
    name = "2023-24Q1-services.csv"
    assert lines == [
        f"{name}: row 4, column 'ytd_value': 'lots': "
        "expected a number such as 1,234.5, 87% or (27.7)",
        f"{name}: row 6, column 'published_rating': 'Amber-ish': expected a rating letter: G/A/R",
        f"{name}: row 8, column 'unit': 'pounds': expected one of: %, count, days, gap",
    ]


def test_file_name_must_name_a_kind(tmp_path: Path, seeded: Warehouse) -> None:
    rows = template_rows(tmp_path, "services")
    assert_rejected(
        seeded, write_rows(tmp_path / "2023-24Q1-stuff.csv", rows), None, "names no kind of return"
    )


def test_decision_yaml_errors_name_the_line(tmp_path: Path, seeded: Warehouse) -> None:
    text = (RETURNS / "decisions" / "PCD174.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "PCD174.yaml"
    bad.write_text(text.replace("amount: 775,000", "amount: seven hundred"), encoding="utf-8")
    lines = assert_rejected(seeded, bad, None, "column 'amount': 'seven hundred'")
    assert lines[0].startswith("PCD174.yaml: row 17,")  # the YAML line of that strand
    bad.write_text(text.replace("amount: 1,120,000", "amount: 1,120,001"), encoding="utf-8")
    assert_rejected(seeded, bad, None, "the strands add up to £47,110,919, not the total")
