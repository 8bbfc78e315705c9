"""A publication must be plausible before it may replace data: damaged copies of the demo's
real files are refused with one line and leave every table as it was; the real revisions between
the demo's publications still load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.text import MAX_LINE_BYTES, LineLengths
from scrutiny.store.crime import CrimeLoad
from scrutiny.store.warehouse import IngestError, Warehouse
from warehouse_state import changes, copy_of, take

RECENT = "MPS Borough Level Crime (most recent 24 months) 202202-202401.csv"


@pytest.fixture()
def ws(demo_ws: Workspace, tmp_path: Path) -> Workspace:
    return copy_of(demo_ws, tmp_path)


def lines_of(ws: Workspace) -> list[str]:
    return (ws.root / "data" / "crime" / RECENT).read_text(encoding="utf-8").splitlines(True)


def nul_bytes(ws: Workspace) -> tuple[str, str]:
    """30 lines of the real file, one category name prefixed with NUL bytes (the issue's case)."""
    lines = lines_of(ws)[:30]
    lines[-1] = lines[-1].replace("Miscellaneous", "\x00\x00\x00miscellaneous", 1)
    if "\x00" not in lines[-1]:
        major, rest = lines[-1].split(",", 1)
        lines[-1] = "\x00\x00\x00" + major + "," + rest
    return "MPS Borough Level Crime (copy) 202202-202401.csv", "".join(lines)


def truncated(ws: Workspace) -> tuple[str, str]:
    """A clean file of the same vintage holding 10 of Barking and Dagenham's categories only."""
    return "MPS Borough Level Crime (short) 202202-202401.csv", "".join(lines_of(ws)[:11])


def wrong_months(ws: Workspace) -> tuple[str, str]:
    """The real file under a name that promises other months."""
    return "MPS Borough Level Crime (most recent 24 months) 202203-202401.csv", "".join(
        lines_of(ws)
    )


def header_only(ws: Workspace) -> tuple[str, str]:
    return "MPS Borough Level Crime (empty) 202202-202401.csv", lines_of(ws)[0]


def long_line(ws: Workspace) -> tuple[str, str]:
    """The real file with one line of 2 MiB (over the bound): refused before it is parsed."""
    lines = lines_of(ws)[:30]
    lines[12] = lines[12].rstrip("\n") + "x" * (MAX_LINE_BYTES + 1) + "\n"
    return "MPS Borough Level Crime (long line) 202202-202401.csv", "".join(lines)


def long_last_line(ws: Workspace) -> tuple[str, str]:
    """A last line over the bound with no newline: never dropped silently."""
    lines = lines_of(ws)[:30]
    return "MPS Borough Level Crime (long end) 202202-202401.csv", "".join(lines) + "y" * (
        MAX_LINE_BYTES + 1
    )


CASES: dict[str, tuple[Callable[[Workspace], tuple[str, str]], str]] = {
    "NUL bytes": (nul_bytes, "a control character in category"),
    "a month-area total cut by over half": (truncated, "more than 50% of a month-area total"),
    "months that disagree with the name": (
        wrong_months,
        "rows for 2022-02, but the file's name says 2022-03 to 2024-01",
    ),
    "header only": (header_only, "no data rows"),
    "a line over the bound": (long_line, f"line 13: longer than {MAX_LINE_BYTES:,} bytes"),
    "a last line over the bound": (long_last_line, f"line 31: longer than {MAX_LINE_BYTES:,}"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_implausible_publications_are_refused(case: str, ws: Workspace, tmp_path: Path) -> None:
    make, says = CASES[case]
    name, text = make(ws)
    before = take(ws.warehouse_path, tmp_path / "before")
    (ws.root / "data" / "crime" / name).write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_workspace(ws)
    message = str(info.value)
    assert "\n" not in message and message.startswith(name), message
    assert says in message, message
    assert changes(before, ws.warehouse_path) == {}


def test_a_revision_can_be_accepted_and_is_reported(ws: Workspace) -> None:
    name, text = truncated(ws)
    (ws.root / "data" / "crime" / name).write_text(text, encoding="utf-8")
    report = ingest_workspace(ws, accept_revisions=True)
    (load,) = [r for r in report.results if isinstance(r, CrimeLoad) and r.path.name == name]
    assert load.replaced and load.totals_replaced is not None
    before, after = load.totals_replaced
    assert after < before / 2
    assert f"their units' total {before:,} → {after:,}" in load.describe()


def test_the_threshold_is_the_workspaces(ws: Workspace) -> None:
    """At 95% the same cut (about 80% of Barking and Dagenham's months) is allowed."""
    config = ws.root / "scrutiny.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "settings:\n", "settings:\n  max_revision_drop_pct: 95\n", 1
        ),
        encoding="utf-8",
    )
    ws = Workspace.load(ws.root)
    name, text = truncated(ws)
    (ws.root / "data" / "crime" / name).write_text(text, encoding="utf-8")
    report = ingest_workspace(ws)
    assert any(isinstance(r, CrimeLoad) and r.path.name == name for r in report.results)


def test_the_real_revisions_between_the_demos_publications_load(demo_ws: Workspace) -> None:
    """The demo's three Datastore files overlap (the ward file revises the borough file's last
    month); every one loads and the overlap was replaced, not refused."""
    with Warehouse(demo_ws.warehouse_path, read_only=True) as wh:
        loaded = {
            Path(p).name
            for (p,) in wh.con.execute(
                "SELECT path FROM sources WHERE kind = 'datastore'"
            ).fetchall()
        }
        superseded = wh.con.execute(
            "SELECT count(*) FROM crime_facts WHERE NOT is_current"
        ).fetchone()
    assert loaded == {p.name for p in (demo_ws.root / "data" / "crime").iterdir()}
    assert superseded and superseded[0] > 0


@pytest.mark.parametrize("block", [1, 3, 7, 64])
def test_the_line_bound_is_exact_whatever_the_blocks(block: int) -> None:
    """A line of exactly the bound passes, one byte more fails, wherever the blocks split it;
    the error names the line."""
    for extra, fails in ((0, False), (1, True)):
        data = b"ab\n" + b"x" * (10 + extra) + b"\nlast"
        lines = LineLengths("f.csv", limit=10)
        try:
            for i in range(0, len(data), block):
                lines.feed(data[i : i + block])
            lines.end()
        except IngestError as exc:
            assert fails and str(exc).startswith("f.csv: line 2: longer than 10 bytes")
        else:
            assert not fails
