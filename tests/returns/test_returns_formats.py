"""CSV and Excel returns load identically; re-loading replaces a quarter's rows of a kind."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from openpyxl import Workbook

from scrutiny.config.plan import Plan
from scrutiny.config.workspace import demo_root
from scrutiny.returns.cells import number
from scrutiny.returns.load import load_file
from scrutiny.returns.templates import write_template
from scrutiny.store.warehouse import Warehouse

RETURNS = demo_root() / "returns"


def table(wh: Warehouse, name: str) -> list[tuple[object, ...]]:
    """A return table without its provenance columns (file, sheet, source)."""
    cols = [
        r[0]
        for r in wh.con.execute(f"DESCRIBE {name}").fetchall()
        if r[0] not in {"sheet", "source_id"}
    ]
    return wh.con.execute(
        f"SELECT {', '.join(map(repr, cols)).replace(chr(39), chr(34))} FROM {name} ORDER BY ALL"
    ).fetchall()


def csv_to_xlsx(src: Path, dest: Path, typed: bool) -> Path:
    """The same return as a workbook: cells as text, or (``typed``) as Excel numbers with the
    percentages stored as fractions in %-formatted cells, the way Excel keeps them."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with src.open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            sheet.append(row)
            if not typed or i == 0:
                continue
            for cell in sheet[sheet.max_row]:
                text = str(cell.value or "")
                if text.endswith("%") and text[:-1].replace(".", "", 1).isdigit():
                    cell.value = number(text) / 100
                    cell.number_format = "0%"
                elif text and text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit():
                    cell.value = number(text)
    book.save(dest)
    return dest


def test_csv_and_xlsx_load_identically(tmp_path: Path, plans: list[Plan]) -> None:
    src = RETURNS / "2023-24Q1-services.csv"
    results = []
    for fmt in ("csv", "xlsx-text", "xlsx-typed"):
        wh = Warehouse(tmp_path / f"{fmt}.duckdb")
        if fmt == "csv":
            path = src
        else:
            path = csv_to_xlsx(src, tmp_path / "2023-24Q1-services.xlsx", typed=fmt == "xlsx-typed")
        result = load_file(wh, path, plans)
        assert result.rows == 39
        results.append(table(wh, "ret_services"))
        wh.close()
    assert results[0] == results[1] == results[2]


def test_xlsx_workbook_with_a_sheet_per_kind(
    tmp_path: Path, plans: list[Plan], warehouse: Warehouse
) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    for i, kind in enumerate(("milestones", "services")):
        sheet = first if i == 0 else book.create_sheet()
        sheet.title = kind
        with (RETURNS / f"2023-24Q1-{kind}.csv").open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                sheet.append(row)
    book.save(tmp_path / "2023-24Q1.xlsx")
    result = load_file(warehouse, tmp_path / "2023-24Q1.xlsx", plans)
    assert result.kinds == ("milestones", "services") and result.rows == 45 + 39
    assert warehouse.con.execute("SELECT DISTINCT sheet FROM ret_services").fetchall() == [
        ("services",)
    ]


def test_xlsx_template_round_trips(tmp_path: Path, warehouse: Warehouse) -> None:
    path = write_template("calls", tmp_path, xlsx=True, quarter="2023-24Q1")
    assert path.name == "2023-24Q1-calls.xlsx"
    assert load_file(warehouse, path).rows == 1


def test_reload_replaces_the_quarter_of_that_kind(
    tmp_path: Path, plans: list[Plan], warehouse: Warehouse
) -> None:
    first = RETURNS / "2023-24Q1-services.csv"
    assert load_file(warehouse, first, plans).rows == 39
    load_file(warehouse, RETURNS / "2023-24Q1-milestones.csv", plans)
    assert load_file(warehouse, first, plans).skipped  # same bytes: nothing to do

    lines = first.read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "2023-24Q1-services.csv"
    changed.write_text("\n".join(lines[:11]) + "\n", encoding="utf-8")  # a shorter, revised return
    result = load_file(warehouse, changed, plans)
    assert (result.rows, result.replaced) == (10, 39)
    assert warehouse.con.execute("SELECT count(*) FROM ret_services").fetchone() == (10,)
    assert warehouse.con.execute("SELECT count(*) FROM ret_milestones").fetchone() == (45,)
    kinds = [
        r[0]
        for r in warehouse.con.execute("SELECT kind FROM sources ORDER BY source_id").fetchall()
    ]
    assert kinds == ["return:milestones", "return:services"]  # the replaced file is forgotten

    again = load_file(warehouse, first, plans)  # so the original can be loaded back
    assert (again.rows, again.replaced) == (39, 10)


def test_other_quarters_are_kept(tmp_path: Path, plans: list[Plan], warehouse: Warehouse) -> None:
    load_file(warehouse, RETURNS / "2023-24Q1-milestones.csv", plans)
    shutil.copy(RETURNS / "2021-22Q1-milestones.csv", tmp_path / "2021-22Q1-milestones.csv")
    load_file(warehouse, tmp_path / "2021-22Q1-milestones.csv", plans)
    counts = dict(
        warehouse.con.execute(
            "SELECT quarter, count(*) FROM ret_milestones GROUP BY ALL"
        ).fetchall()
    )
    assert counts == {"2023-24Q1": 45, "2021-22Q1": 40}


def test_risk_trend_from_previous_quarter(
    tmp_path: Path, plans: list[Plan], warehouse: Warehouse
) -> None:
    from scrutiny.returns.ratings import risk_trends

    load_file(warehouse, RETURNS / "2021-22Q1-risks.csv", plans)
    lines = (RETURNS / "2021-22Q1-risks.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    assert ",12,↑," in first and ",6,↑," in second
    later = tmp_path / "2021-22Q2-risks.csv"
    # Next quarter: the first risk falls to 8 (published still ↑), the second stays at 6.
    later.write_text("\n".join([header, first.replace(",12,↑,", ",8,↑,"), second]) + "\n", "utf-8")
    load_file(warehouse, later, plans)
    trends = {
        (t.ref, t.previous, t.published, t.computed)
        for t in risk_trends(warehouse.con, "2021-22Q2")
    }
    assert trends == {("1", 12, "↑", "↓"), ("2", 6, "↑", "→")}
