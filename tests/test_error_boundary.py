"""Every fault the command can meet ends as one line on stderr, no traceback, and a documented
exit code (1 bad input, 3 environment), with the warehouse unchanged (every row of every table,
:mod:`warehouse_state`). Each case runs the real command in a subprocess, the way a person meets it.

The acceptance corpus of malformed sources, returns and configs lives here: configs and returns
(:data:`INPUT_CASES`), and damaged publications generated from the real files — the demo's
London Datastore files and the City of London's data.police.uk street and the Met's
stop-and-search files (:data:`SOURCE_CASES`, :data:`POLICE_CASES`), each ingested with
``scrutiny ingest``. The readers' own tests (``tests/sources``, ``tests/test_plausibility.py``,
``tests/returns``) pin the exact line and column of many more cases in-process."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from realdata import REALDATA
from scrutiny.config.workspace import Workspace
from scrutiny.sources.text import MAX_LINE_BYTES
from warehouse_state import changes, copy_of, take

SRC = Path(__file__).resolve().parents[1] / "src"


def scrutiny(
    *args: str, home: Path, wrap: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "SCRUTINY_HOME": str(home), "COLUMNS": "80"}
    env.pop("SCRUTINY_DEBUG", None)
    command = [*(wrap or []), sys.executable, "-m", "scrutiny", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def shared(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A private copy of the ingested demo, warehouse included."""
    root = tmp_path_factory.mktemp("faults") / "ws"
    shutil.copytree(demo_ws.root, root)
    return Workspace.load(root)


@pytest.fixture()
def ws(shared: Workspace, demo_ws: Workspace) -> Iterator[Workspace]:
    """The shared copy; the files a case edits are put back after it."""
    yield shared
    for name in ("scrutiny.yaml", "plan.yaml"):
        shutil.copyfile(demo_ws.root / name, shared.root / name)
    shutil.rmtree(shared.root / "incoming", ignore_errors=True)


@pytest.fixture()
def own(demo_ws: Workspace, tmp_path: Path) -> Workspace:
    """A copy of the ingested demo for one case that damages or locks its warehouse."""
    return copy_of(demo_ws, tmp_path)


@dataclass(frozen=True)
class Case:
    """A fault: how to make it in a workspace, the command that meets it, what it must say."""

    make: Callable[[Workspace], list[str]]
    says: str
    code: int = 1


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _config_bytes(ws: Workspace, data: bytes) -> list[str]:
    _write(ws.root / "scrutiny.yaml", data)
    return ["crime", "-w", str(ws.root)]


def _return(ws: Workspace, name: str, data: bytes, command: str = "load-returns") -> list[str]:
    path = ws.root / "incoming" / name
    _write(path, data)
    return [command, str(path), "-w", str(ws.root)]


def _workforce_with(value: str) -> Callable[[Workspace], list[str]]:
    def make(ws: Workspace) -> list[str]:
        text = (ws.root / "returns" / "2023-24Q1-workforce.csv").read_text(encoding="utf-8")
        return _return(ws, "2023-24Q1-workforce.csv", text.replace('"34,411"', value, 1).encode())

    return make


DEEP = b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"

SERVICES = "2023-24Q1-services.xlsx"


def _services_xlsx(
    edit: Callable[[Any, int], None], *, dimension: str | None = None, padding: int = 0
) -> Callable[[Workspace], list[str]]:
    """The demo's services return (real rows) as a workbook, ``edit(sheet, ytd_column)`` applied;
    optionally with a false declared dimension, or its sheet padded with ``padding`` bytes of
    blank space (compressing about 1,000:1, as a zip bomb does)."""

    def make(ws: Workspace) -> list[str]:
        from openpyxl import Workbook

        text = (ws.root / "returns" / "2023-24Q1-services.csv").read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        edit(sheet, rows[0].index("ytd_value") + 1)
        buffer = io.BytesIO()
        book.save(buffer)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    if dimension is not None:
                        data = re.sub(rb'<dimension ref="[^"]+"', dimension.encode(), data)
                    if padding:
                        head, _, rest = data.partition(b"?>")
                        data = head + b"?>" + b" " * padding + rest
                dst.writestr(item, data)
        return _return(ws, SERVICES, out.getvalue())

    return make


def _cell(row: int, value: object, number_format: str | None = None) -> Callable[[Any, int], None]:
    def edit(sheet: Any, column: int) -> None:
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text, even when it begins with "=" as a formula would
        if number_format:
            cell.number_format = number_format

    return edit


INPUT_CASES: dict[str, Case] = {
    "missing return (validate)": Case(
        lambda ws: ["validate", str(ws.root / "nope.csv"), "-w", str(ws.root)], "nope.csv"
    ),
    "missing return (load-returns)": Case(
        lambda ws: ["load-returns", str(ws.root / "nope.csv"), "-w", str(ws.root)], "nope.csv"
    ),
    "missing workspace": Case(
        lambda ws: ["crime", "-w", str(ws.root / "elsewhere")], "no workspace file"
    ),
    "non-UTF-8 scrutiny.yaml": Case(
        lambda ws: _config_bytes(
            ws,
            (ws.root / "scrutiny.yaml")
            .read_bytes()
            .replace(b"force: Metropolitan", b"force: M\xe9tropolitan"),
        ),
        "scrutiny.yaml: line 3: not UTF-8",
    ),
    "non-UTF-8 plan.yaml": Case(
        lambda ws: (
            _write(
                ws.root / "plan.yaml", b"title: Plan \xff\n" + (ws.root / "plan.yaml").read_bytes()
            ),
            ["validate", str(ws.root / "returns" / "2023-24Q1-services.csv"), "-w", str(ws.root)],
        )[1],
        "plan.yaml: line 1: not UTF-8",
    ),
    "scrutiny.yaml nested 50,000 levels": Case(
        lambda ws: _config_bytes(ws, DEEP), "scrutiny.yaml: line 1, column 103: nested more than"
    ),
    "decision YAML nested 50,000 levels": Case(
        lambda ws: _return(ws, "PCD999.yaml", DEEP), "PCD999.yaml: row 1: nested more than"
    ),
    "binary decision YAML": Case(
        lambda ws: _return(ws, "PCD998.yaml", bytes(range(256)) * 4), "PCD998.yaml: row 1: a binary"
    ),
    "duplicate sources: key": Case(
        lambda ws: _config_bytes(
            ws,
            (ws.root / "scrutiny.yaml").read_bytes()
            + b"sources:\n  - kind: datastore\n    path: data/krime\n",
        ),
        "key 'sources' appears twice",
    ),
    "a count of 99999999999999999999999": Case(
        _workforce_with("99999999999999999999999"),
        "2023-24Q1-workforce.csv: row 2, column 'headcount'",
    ),
    "a count of 5,000 digits": Case(
        _workforce_with("9" * 5000), "2023-24Q1-workforce.csv: row 2, column 'headcount'"
    ),
    "a NUL byte in a service's name": Case(
        lambda ws: _return(
            ws,
            "2023-24Q1-services.csv",
            (ws.root / "returns" / "2023-24Q1-services.csv")
            .read_bytes()
            .replace(b"London Victim and", b"London Victim\x00 and", 1),
        ),
        "2023-24Q1-services.csv: row 2, column 'service'",
    ),
    # Excel returns, made from the demo's services return.
    "XLSX: a bad row beyond the declared dimension A1:J5": Case(
        _services_xlsx(_cell(30, "lots"), dimension='<dimension ref="A1:J5"'),
        f"{SERVICES} [Sheet]: row 30, column 'ytd_value': 'lots': expected a number",
    ),
    "XLSX: formula text in a number column": Case(
        _services_xlsx(_cell(3, '=HYPERLINK("http://x","1")')),
        f"{SERVICES} [Sheet]: row 3, column 'ytd_value'",
    ),
    "XLSX: a percentage cell of 150%": Case(
        _services_xlsx(_cell(3, 1.5, "0%")),
        f"{SERVICES} [Sheet]: row 3, column 'ytd_value': '150': a % must be from 0 to 100",
    ),
    "XLSX: a number of 1e300": Case(
        _services_xlsx(_cell(3, 1e300)),
        f"{SERVICES} [Sheet]: row 3, column 'ytd_value'",
    ),
    "XLSX: an integer of 31 digits": Case(
        _services_xlsx(_cell(3, 10**30)), "a figure of at most 1,000,000,000,000"
    ),
    "XLSX: a sheet expanding 1,000 times (zip bomb)": Case(
        _services_xlsx(lambda sheet, column: None, padding=40 << 20),
        "xl/worksheets/sheet1.xml' expands from",
    ),
}


@pytest.mark.parametrize("name", list(INPUT_CASES))
def test_bad_input_is_one_line_and_changes_nothing(
    name: str, ws: Workspace, tmp_path: Path
) -> None:
    run_case(INPUT_CASES[name], ws, tmp_path)


def run_case(case: Case, ws: Workspace, tmp_path: Path) -> None:
    """Make the fault, run the command: one line that names it, the exit code, no change."""
    before = take(ws.warehouse_path, tmp_path / "before")
    args = case.make(ws)
    result = scrutiny(*args, home=tmp_path / "home")
    line = one_line(result)
    assert result.returncode == case.code, line
    assert case.says in line, line
    assert changes(before, ws.warehouse_path) == {}


# --- damaged publications, generated from the real files -------------------------------------

RECENT = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"


def _crime_file(
    name: str, edit: Callable[[list[str]], list[str]]
) -> Callable[[Workspace], list[str]]:
    """A new Datastore file in the demo's crime folder: the real recent file, edited."""

    def make(ws: Workspace) -> list[str]:
        lines = (ws.root / "data" / "crime" / RECENT).read_text(encoding="utf-8").splitlines(True)
        data = "".join(edit(lines)).encode("utf-8", errors="surrogateescape")
        _write(ws.root / "data" / "crime" / name, data)
        return ["ingest", "-w", str(ws.root)]

    return make


def _with_nul(lines: list[str]) -> list[str]:
    out = lines[:30]
    major, rest = out[-1].split(",", 1)
    out[-1] = "\x00\x00\x00" + major + "," + rest
    return out


def _with_byte(lines: list[str]) -> list[str]:
    out = lines[:30]
    out[7] = out[7].replace(",", ",\udce9", 1)  # a lone 0xe9 byte (Latin-1 é) in a field
    return out


def _with_long_line(lines: list[str]) -> list[str]:
    out = lines[:30]
    out[12] = out[12].rstrip("\n") + "9" * (MAX_LINE_BYTES + 1) + "\n"
    return out


def _absolute_typo(ws: Workspace) -> list[str]:
    config = ws.root / "scrutiny.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("path: data/crime", f"path: {ws.root}/data/krime"), "utf-8")
    return ["ingest", "-w", str(ws.root)]


SOURCE_CASES: dict[str, Case] = {
    "Datastore file with NUL bytes": Case(
        _crime_file("MPS Borough Level Crime (copy) 202202-202401.csv", _with_nul),
        "(copy) 202202-202401.csv: a control character in",
    ),
    "Datastore file whose months disagree with its name": Case(
        _crime_file("MPS Borough Level Crime (renamed) 202203-202401.csv", list),
        "rows for 2022-02, but the file's name says 2022-03 to 2024-01",
    ),
    "Datastore file with a header only": Case(
        _crime_file("MPS Borough Level Crime (empty) 202202-202401.csv", lambda ls: ls[:1]),
        "(empty) 202202-202401.csv: no data rows",
    ),
    "Datastore file cutting a month-area total by half": Case(
        _crime_file("MPS Borough Level Crime (short) 202202-202401.csv", lambda ls: ls[:11]),
        "more than 50% of a month-area total",
    ),
    "Datastore file with a line of over 1 MiB": Case(
        _crime_file("MPS Borough Level Crime (long) 202202-202401.csv", _with_long_line),
        f"(long) 202202-202401.csv: line 13: longer than {MAX_LINE_BYTES:,} bytes",
    ),
    "Datastore file with a byte that is not UTF-8": Case(
        _crime_file("MPS Borough Level Crime (latin) 202202-202401.csv", _with_byte),
        "(latin) 202202-202401.csv: line 8: byte 0xe9 is not UTF-8",
    ),
    "a mistyped absolute source path": Case(_absolute_typo, "data/krime' matches no file"),
}


@pytest.fixture()
def crime_ws(ws: Workspace) -> Iterator[Workspace]:
    """The shared copy; files a case adds to its crime folder are taken away after it."""
    before = set((ws.root / "data" / "crime").iterdir())
    yield ws
    for path in set((ws.root / "data" / "crime").iterdir()) - before:
        path.unlink()


@pytest.mark.parametrize("name", list(SOURCE_CASES))
def test_a_damaged_publication_is_one_line_and_changes_nothing(
    name: str, crime_ws: Workspace, tmp_path: Path
) -> None:
    run_case(SOURCE_CASES[name], crime_ws, tmp_path)


CITY = REALDATA / "police_uk" / "city-of-london"
STOP_SEARCH = (
    REALDATA / "police_uk" / "stop-and-search" / "2016-06-metropolitan-stop-and-search.csv"
)


def _police_file(
    real: Callable[[], Path], name: str | None, edit: Callable[[list[bytes]], list[bytes]]
) -> Callable[[Workspace], list[str]]:
    """A damaged copy of a real data.police.uk file in the workspace's incoming folder."""

    def make(ws: Workspace) -> list[str]:
        source = real()
        data = b"".join(edit(source.read_bytes().splitlines(True)))
        _write(ws.root / "incoming" / (name or source.name), data)
        return ["ingest", "-w", str(ws.root)]

    return make


def _street(n: int) -> Callable[[], Path]:
    return lambda: sorted(CITY.glob("*-street.csv"))[n]


def _nul_in_line(n: int) -> Callable[[list[bytes]], list[bytes]]:
    """30 lines of the real file, NUL bytes before the first field of line ``n + 1``."""

    def edit(lines: list[bytes]) -> list[bytes]:
        out = lines[:30]
        out[n] = b"\x00\x00" + out[n]
        return out

    return edit


def _long_last_line(lines: list[bytes]) -> list[bytes]:
    return [*lines[:20], b"z" * (MAX_LINE_BYTES + 1)]


POLICE_CASES: dict[str, Case] = {
    "street file with NUL bytes": Case(
        _police_file(_street(5), None, _nul_in_line(5)), "line 6, column 'Crime ID': expected text"
    ),
    "street file whose rows are another month": Case(
        _police_file(_street(4), "2017-06-city-of-london-street.csv", lambda ls: ls[:41]),
        "line 2, column 'Month': expected a row of 2017-06",
    ),
    "street file with a header only": Case(
        _police_file(_street(5), None, lambda ls: ls[:1]), "line 2: expected the month's records"
    ),
    "street file with a last line of over 1 MiB": Case(
        _police_file(_street(5), None, _long_last_line), "line 21: longer than"
    ),
    "stop-and-search file with NUL bytes": Case(
        _police_file(lambda: STOP_SEARCH, None, _nul_in_line(3)),
        "line 4, column 'Type': expected text",
    ),
    "stop-and-search file whose rows are another month": Case(
        _police_file(lambda: STOP_SEARCH, "2016-05-metropolitan-stop-and-search.csv", list),
        "line 2, column 'Date': expected a row of 2016-05",
    ),
    "stop-and-search file with a header only": Case(
        _police_file(lambda: STOP_SEARCH, None, lambda ls: ls[:1]), "a header alone"
    ),
}


@pytest.fixture(scope="module")
def city_shared(city_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the ingested City of London workspace that also reads an ``incoming`` folder
    of data.police.uk files (street and stop and search)."""
    root = tmp_path_factory.mktemp("city-faults") / "ws"
    shutil.copytree(city_ws.root, root)
    (root / "incoming").mkdir()
    config = root / "scrutiny.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "sources:\n", "sources:\n- kind: police_uk_street\n  path: incoming\n", 1
    )
    config.write_text(text, encoding="utf-8")
    return Workspace.load(root)


@pytest.fixture()
def city(city_shared: Workspace) -> Iterator[Workspace]:
    yield city_shared
    for path in (city_shared.root / "incoming").iterdir():
        path.unlink()


@pytest.mark.parametrize("name", list(POLICE_CASES))
def test_a_damaged_police_uk_file_is_one_line_and_changes_nothing(
    name: str, city: Workspace, tmp_path: Path
) -> None:
    if not CITY.is_dir() or not STOP_SEARCH.is_file():
        pytest.skip(f"real data not found at {REALDATA}")
    run_case(POLICE_CASES[name], city, tmp_path)


@pytest.fixture()
def holder(own: Workspace) -> Iterator[int]:
    """Another process holding the warehouse open for writing, as `serve` or an ingest does."""
    code = (
        f"import duckdb, time; c = duckdb.connect({str(own.warehouse_path)!r}); "
        "print(1, flush=True); time.sleep(300)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "1"
    yield proc.pid
    proc.kill()
    proc.wait()


def test_locked_warehouse(own: Workspace, holder: int, tmp_path: Path) -> None:
    result = scrutiny("crime", "-w", str(own.root), home=tmp_path)
    line = one_line(result)
    assert result.returncode == 3
    assert f"is in use by PID {holder} — stop it or use a read-only command" in line


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garble_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:4096] = os.urandom(4096)
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "garbled": _garble_header,
    "empty": lambda path: path.write_bytes(b""),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_warehouse_says_how_to_rebuild(damage: str, own: Workspace, tmp_path: Path) -> None:
    DAMAGE[damage](own.warehouse_path)
    for command in ("crime", "ingest"):
        result = scrutiny(command, "-w", str(own.root), home=tmp_path)
        line = one_line(result)
        assert result.returncode == 3, line
        assert "the warehouse is damaged" in line and "scrutiny ingest" in line, line


def test_read_only_workspace(own: Workspace, tmp_path: Path) -> None:
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a read-only mount here (needs unshare --mount)")
    own.warehouse_path.unlink()  # a fresh workspace on a read-only disk
    root = str(own.root)
    result = scrutiny(
        "ingest", "-w", root, home=tmp_path,
        wrap=["unshare", "--mount", "sh", "-c",
              f'mount --bind -o ro {root} {root} && exec "$@"', "sh"],
    )  # fmt: skip
    line = one_line(result)
    assert result.returncode == 3, line
    assert "read-only" in line


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = scrutiny("crime", "--by", "galaxy", home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(own: Workspace, tmp_path: Path) -> None:
    own.warehouse_path.write_bytes(b"")
    env = {**os.environ, "SCRUTINY_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "scrutiny", "crime", "-w", str(own.root)],
        capture_output=True, text=True, timeout=600,
        env={**env, "PYTHONPATH": str(SRC), "SCRUTINY_HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode != 0 and "Traceback" in result.stderr
