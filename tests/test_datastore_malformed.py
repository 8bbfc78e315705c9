"""Bad inputs give one clear line, a non-zero exit, and leave the warehouse exactly as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.store.warehouse import Warehouse
from warehouse_state import every_row

GOOD = (
    "MajorText,MinorText,LookUp_BoroughName,202301,202302\n"
    "Robbery,Robbery of Personal Property,Camden,10,12\n"
    "Robbery,Robbery of Personal Property,Islington,7,9\n"
)

# name → (file bytes, what the one-line error must say)
MALFORMED: dict[str, tuple[bytes, str]] = {
    "truncated": (
        (GOOD + "Robbery,Robbery of Business Property,Camd").encode(),
        r"line 4: expected 5 fields, got 3",
    ),
    "wrong-header": (
        GOOD.replace("MajorText,MinorText", "Major,Minor").encode(),
        r"line 1, column 1: expected the header to start 'MajorText,MinorText'",
    ),
    "text-in-count": (
        GOOD.replace("Camden,10,12", "Camden,10,ten").encode(),
        r"line 2, column '202302': expected a whole number of offences \(0 or more\), got 'ten'",
    ),
    "negative-count": (
        GOOD.replace("Islington,7,9", "Islington,-7,9").encode(),
        r"line 3, column '202301': expected a whole number .* got a negative number",
    ),
    "month-not-a-month": (
        GOOD.replace("202302", "2023-2").encode(),
        r"line 1, column 5 '2023-2': expected a month as YYYYMM",
    ),
    "empty": (b"", r"line 1: the file is empty"),
    "wrong-encoding": (
        GOOD.replace("Islington", "Isl\xefngton").encode("latin-1"),
        r"line 3: byte 0xef is not UTF-8",
    ),
    "unknown-borough": (
        GOOD.replace("Islington", "Atlantis").encode(),
        r"line 3, column 'LookUp_BoroughName': expected a borough of the force, got 'Atlantis'",
    ),
}


@pytest.fixture()
def small_ws(tmp_path: Path, realdata: Path) -> Workspace:
    """A workspace with population and one good crime file loaded."""
    (tmp_path / "pop").mkdir()
    (tmp_path / "crime").mkdir()
    shutil.copy(
        realdata / "population" / "ONS_LA_total_resident_population_1998-2022 (Table6).csv",
        tmp_path / "pop",
    )
    (tmp_path / "crime" / "good.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "scrutiny.yaml").write_text(
        "force: Metropolitan Police Service\nforce_code: MPS\ncurrent_quarter: 2022-23Q4\n"
        "sources:\n  - {kind: population, path: pop}\n  - {kind: datastore, path: crime}\n",
        encoding="utf-8",
    )
    ws = Workspace.load(tmp_path)
    ingest_workspace(ws)
    return ws


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_refused_and_changes_nothing(small_ws: Workspace, case: str) -> None:
    content, message = MALFORMED[case]
    with Warehouse(small_ws.warehouse_path) as wh:
        before = every_row(wh)
    (small_ws.root / "crime" / f"{case}.csv").write_bytes(content)

    result = CliRunner().invoke(app, ["ingest", "--workspace", str(small_ws.root)])

    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{case}.csv" in lines[0]
    assert re.search(message, lines[0]), lines[0]
    with Warehouse(small_ws.warehouse_path) as wh:
        assert every_row(wh) == before
