"""Every fault the command can meet ends as one line on stderr, no traceback, and a documented
exit code (1 bad input, 3 environment), with the warehouse unchanged. Each case runs the real
command in a subprocess, the way a person meets it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace
from warehouse_state import copy_of, fingerprint

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
}


@pytest.mark.parametrize("name", list(INPUT_CASES))
def test_bad_input_is_one_line_and_changes_nothing(
    name: str, ws: Workspace, tmp_path: Path
) -> None:
    case = INPUT_CASES[name]
    before = fingerprint(ws)
    args = case.make(ws)
    result = scrutiny(*args, home=tmp_path / "home")
    line = one_line(result)
    assert result.returncode == case.code, line
    assert case.says in line, line
    assert fingerprint(ws) == before


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
