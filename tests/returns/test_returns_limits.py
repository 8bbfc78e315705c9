"""Returns that used to load wrongly without a word: rows past an Excel sheet's declared
dimension, percentages below 0 or astronomically large, negative counts, duplicate YAML keys."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from scrutiny.config.plan import Plan, PlanError, load_plan
from scrutiny.config.workspace import Workspace, WorkspaceError, demo_root
from scrutiny.returns.base import ReturnError, read_xlsx
from scrutiny.returns.load import load_file, read_return
from scrutiny.store.warehouse import Warehouse
from warehouse_state import every_row
from workspaces import copy_demo

RETURNS = demo_root() / "returns"
SERVICES = RETURNS / "2023-24Q1-services.csv"


def assert_rejected(wh: Warehouse, path: Path, plans: list[Plan] | None, *expect: str) -> list[str]:
    """Loading fails naming the file on every line, and the warehouse is unchanged."""
    before = every_row(wh)
    with pytest.raises(ReturnError) as info:
        load_file(wh, path, plans)
    assert every_row(wh) == before
    lines = str(info.value).splitlines()
    assert lines and all(line.startswith(path.name) for line in lines)
    for e in expect:
        assert e in str(info.value), str(info.value)
    return lines


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def with_dimension(path: Path, ref: str) -> None:
    """Rewrite the workbook's declared dimension, as a stale or hostile file would have it."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(
                    rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), data
                )
                assert n == 1
            dst.writestr(item, data)
    shutil.move(tmp, path)


def test_every_row_is_read_whatever_the_declared_dimension(
    tmp_path: Path, plans: list[Plan]
) -> None:
    rows = csv_rows(SERVICES)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "2023-24Q1-services.xlsx"
    book.save(path)
    with_dimension(path, "A1:J5")
    (read,) = read_xlsx(path)
    assert len(read.rows) == len(rows) - 1 == 39
    parsed = read_return(path, plans)
    assert len(parsed[0].rows) == 39


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("-5%", "a % must be from 0 to 100"),
        ("1e38", "expected a number"),
        ("99999999999999999999999", "at most 1,000,000,000,000"),
    ],
)
def test_a_percentage_kpi_out_of_range_is_refused(
    tmp_path: Path, warehouse: Warehouse, plans: list[Plan], value: str, says: str
) -> None:
    rows = csv_rows(SERVICES)
    column = rows[0].index("ytd_value")
    assert rows[1][rows[0].index("unit")] == "%"
    rows[1][column] = value
    path = tmp_path / SERVICES.name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    lines = assert_rejected(warehouse, path, plans, "row 2, column 'ytd_value'", says)
    assert len(lines) == 1


@pytest.mark.parametrize("column", ["headcount", "fte"])
def test_a_negative_count_is_refused(tmp_path: Path, warehouse: Warehouse, column: str) -> None:
    source = RETURNS / "2023-24Q1-workforce.csv"
    rows = csv_rows(source)
    rows[1][rows[0].index(column)] = "-3"
    path = tmp_path / source.name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert_rejected(warehouse, path, None, f"row 2, column '{column}'", "from 0 to 100,000,000")


def test_duplicate_keys_in_a_plan_are_refused(tmp_path: Path) -> None:
    text = (demo_root() / "plan.yaml").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    path = tmp_path / "plan.yaml"
    path.write_text(text + "\n" + first + "\n", encoding="utf-8")
    with pytest.raises(
        PlanError,
        match=r"plan\.yaml: line \d+, column 1: key 'title' appears twice \(first on line \d+\)",
    ):
        load_plan(path)


def test_duplicate_keys_in_a_decision_are_refused(tmp_path: Path, warehouse: Warehouse) -> None:
    source = RETURNS / "decisions" / "PCD174.yaml"
    text = source.read_text(encoding="utf-8")
    path = tmp_path / source.name
    key = next(line for line in text.splitlines() if line.startswith("total:"))
    path.write_text(text + key.replace(":", ": 1 #", 1) + "\n", encoding="utf-8")
    assert_rejected(warehouse, path, None, "key 'total' appears twice")


def test_a_duplicate_sources_key_is_refused(demo_ws: Workspace, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    text = (demo_root() / "scrutiny.yaml").read_text(encoding="utf-8")
    (root / "scrutiny.yaml").write_text(
        text + "sources:\n  - kind: datastore\n    path: data/crime\n", encoding="utf-8"
    )
    with pytest.raises(WorkspaceError, match="key 'sources' appears twice"):
        Workspace.load(root)


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_a_mistyped_source_path_is_an_error(tmp_path: Path, absolute: bool) -> None:
    """Relative to the workspace or absolute (a shared data folder), with or without a glob."""
    root = copy_demo(tmp_path / "ws").root
    config = root / "scrutiny.yaml"
    typo = f"{root}/data/krime" if absolute else "data/krime"
    config.write_text(
        config.read_text(encoding="utf-8").replace("path: data/crime", f"path: {typo}"),
        encoding="utf-8",
    )
    ws = Workspace.load(root)
    with pytest.raises(WorkspaceError, match=rf"sources\.1\.path: '{typo}' matches no file"):
        ws.check_sources()
    config.write_text(
        config.read_text(encoding="utf-8").replace(f"path: {typo}", f"path: {typo}/*.csv"),
        encoding="utf-8",
    )
    with pytest.raises(WorkspaceError, match=r"matches no file"):
        Workspace.load(root).check_sources()


def test_an_xlsx_template_holds_text_never_a_formula(tmp_path: Path) -> None:
    """openpyxl stores a text beginning with "=" as a formula: the template writer stores it as
    text, so the spreadsheet shows it and runs nothing (an example row, a future kind)."""
    from scrutiny.returns.kinds import kind
    from scrutiny.returns.templates import _write_xlsx

    services = kind("services")
    header = [c.name for c in services.columns]
    row = ['=HYPERLINK("http://example.org","x")', *("" for _ in header[1:])]
    out = tmp_path / "template.xlsx"
    _write_xlsx(out, services, header, [row])
    with zipfile.ZipFile(out) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "HYPERLINK" in sheet + _shared_strings(out)
    (read,) = read_xlsx(out)
    assert read.rows[0][1][0] == row[0]


def _shared_strings(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        return book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""


def test_a_zip_bomb_workbook_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b"])
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"?>")
                data = head + b"?>" + b" " * (20 << 20) + rest
            dst.writestr(item, data)
    with pytest.raises(ReturnError, match=r"padded.xlsx: part 'xl/worksheets/sheet1.xml' expands"):
        read_xlsx(padded)
