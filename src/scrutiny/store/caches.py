"""Scrutiny's caches on disk kept bounded: ``$SCRUTINY_HOME/cache`` holds one folder per cache
(recorded pages, chart SVGs, compiled SQL, parsed workspace files) and the Vega runtime, each
entry keyed by what it was made from, so a new warehouse, workspace or code version writes new
entries and the old ones are never read again. :func:`prune_caches` drops the least recently
written entries of each cache above its bound. Everything there is a cache: a dropped entry
only costs recomputing it. Entries written in the last :data:`MIN_AGE_S` seconds and the newest
:data:`KEEP` of each cache are never dropped (another process may be about to read them), nor
any file a cache does not write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scrutiny.config.workspace import data_home

MIN_AGE_S = 3600.0
KEEP = 2
MB = 1024 * 1024


@dataclass(frozen=True)
class Bound:
    """A cache: its folder under ``cache/``, the names of its entries, its size bound."""

    folder: str
    pattern: str
    max_bytes: int


BOUNDS = (
    Bound("pages", "*.json", 64 * MB),
    Bound("charts", "*.svg", 64 * MB),
    Bound("sql", "*.json", 16 * MB),
    Bound("workspace", "*.json", 16 * MB),
    Bound(".", "vega-bundle-*.js", 4 * MB),
)
#: Half-written files a crashed process left (a write goes to a temporary file, then renames).
LEFT_OVER = "*.tmp"


def _entries(folder: Path, pattern: str) -> list[tuple[float, int, Path]]:
    """(modification time, size, path) of each entry, newest first."""
    found = []
    for path in folder.glob(pattern):
        try:
            st = path.stat()
        except OSError:  # dropped meanwhile by another process
            continue
        if path.is_file():
            found.append((st.st_mtime, st.st_size, path))
    return sorted(found, reverse=True)


def prune(folder: Path, pattern: str, max_bytes: int, *, now: float | None = None) -> list[Path]:
    """Drop the oldest entries matching ``pattern`` until the rest fit in ``max_bytes``
    (never the newest :data:`KEEP`, nor any written in the last :data:`MIN_AGE_S`), and
    temporary files older than that. The paths dropped."""
    now = time.time() if now is None else now
    dropped: list[Path] = []
    total = 0
    for i, (mtime, size, path) in enumerate(_entries(folder, pattern)):
        total += size
        if i < KEEP or total <= max_bytes or now - mtime < MIN_AGE_S:
            continue
        if _unlink(path):
            dropped.append(path)
            total -= size
    for mtime, _, path in _entries(folder, LEFT_OVER):
        if now - mtime >= MIN_AGE_S and _unlink(path):
            dropped.append(path)
    return dropped


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:  # gone already, or not ours to remove: a cache only grows
        return False
    return True


def prune_caches(home: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Keep every cache of scrutiny's data folder within its bound; the paths dropped."""
    root = (home or data_home()) / "cache"
    dropped: list[Path] = []
    for bound in BOUNDS:
        folder = root / bound.folder
        if folder.is_dir():
            dropped += prune(folder, bound.pattern, bound.max_bytes, now=now)
    return dropped


__all__ = ["BOUNDS", "KEEP", "MIN_AGE_S", "prune", "prune_caches"]
