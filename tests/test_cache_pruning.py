"""The caches in scrutiny's data folder stay within their bounds: the least recently written
entries go first, never the newest ones, nor any written in the last hour, nor a file no cache
writes; half-written temporary files left by a crash go once they are old."""

from __future__ import annotations

import os
from pathlib import Path

from scrutiny.store.caches import KEEP, MIN_AGE_S, prune, prune_caches

NOW = 2_000_000_000.0
DAY = 86_400.0


def _entry(folder: Path, name: str, size: int, age: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"x" * size)
    os.utime(path, (NOW - age, NOW - age))
    return path


def test_the_oldest_entries_go_until_the_rest_fit(tmp_path: Path) -> None:
    entries = [_entry(tmp_path, f"{i}.json", 100, age=(i + 1) * DAY) for i in range(6)]
    dropped = prune(tmp_path, "*.json", 350, now=NOW)
    assert sorted(dropped) == sorted(entries[3:])  # the three newest fit in 350 bytes
    assert [p.exists() for p in entries] == [True] * 3 + [False] * 3
    assert prune(tmp_path, "*.json", 350, now=NOW) == []  # within its bound: nothing more


def test_the_newest_and_recent_entries_stay_whatever_their_size(tmp_path: Path) -> None:
    newest = [_entry(tmp_path / "a", f"{i}.json", 1000, age=(i + 1) * DAY) for i in range(KEEP)]
    older = _entry(tmp_path / "a", "older.json", 10, age=30 * DAY)
    assert prune(tmp_path / "a", "*.json", 100, now=NOW) == [older]
    assert all(p.exists() for p in newest)
    recent = [_entry(tmp_path / "b", f"{i}.json", 1000, age=MIN_AGE_S / 2) for i in range(5)]
    assert prune(tmp_path / "b", "*.json", 100, now=NOW) == []
    assert all(p.exists() for p in recent)


def test_only_the_caches_files_are_touched(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pages = home / "cache" / "pages"
    mine = _entry(pages, "notes.txt", 10**8, age=90 * DAY)  # not an entry of the cache
    elsewhere = _entry(home / "demo", "warehouse.duckdb", 10**8, age=90 * DAY)
    crashed = _entry(pages, "ab.json.123.tmp", 10, age=2 * MIN_AGE_S)
    writing = _entry(pages, "cd.json.456.tmp", 10, age=1)
    snapshots = [_entry(pages, f"{i:032x}.json", 30 * 2**20, age=(i + 1) * DAY) for i in range(4)]
    bundle = [
        _entry(home / "cache", f"vega-bundle-{i}.js", 3 * 2**20, age=i * DAY) for i in range(3)
    ]
    dropped = set(prune_caches(home, now=NOW))
    assert dropped == {crashed, *snapshots[2:], bundle[2]}
    assert mine.exists() and elsewhere.exists() and writing.exists()
    assert all(p.exists() for p in [*snapshots[:2], *bundle[:2]])


def test_a_missing_cache_folder_is_nothing_to_prune(tmp_path: Path) -> None:
    assert prune_caches(tmp_path / "nowhere", now=NOW) == []
