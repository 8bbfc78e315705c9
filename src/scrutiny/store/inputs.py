"""What the warehouse was built from: each input file's size and modification time at the last
ingest, kept beside the warehouse so a read command can tell, cheaply (one ``stat`` per file, no
hashing), that sources changed since and ``scrutiny ingest`` is due.

Paths are stored relative to the workspace folder, so a copied workspace with its warehouse
reads as unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

Fingerprint = dict[str, tuple[int, int]]


def inputs_path(warehouse: Path) -> Path:
    """``warehouse.duckdb`` → ``warehouse.inputs.json`` beside it."""
    return warehouse.with_name(warehouse.stem + ".inputs.json")


def _key(path: Path, resolved_root: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(resolved_root).as_posix()
    except ValueError:
        return resolved.as_posix()


def fingerprint(files: Sequence[Path], root: Path) -> Fingerprint:
    """Size and modification time (ns) of each file that exists, by its workspace path."""
    found: Fingerprint = {}
    resolved_root = root.resolve()
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        found[_key(path, resolved_root)] = (st.st_size, st.st_mtime_ns)
    return found


def record_inputs(warehouse: Path, files: Sequence[Path], root: Path) -> None:
    """Remember ``files`` as the warehouse's inputs (written atomically after an ingest)."""
    target = inputs_path(warehouse)
    tmp = target.with_name(target.name + ".tmp")
    data = {k: list(v) for k, v in sorted(fingerprint(files, root).items())}
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def changed_inputs(warehouse: Path, files: Sequence[Path], root: Path) -> list[str]:
    """Workspace paths of ``files`` that are new or differ in size or time from the last ingest,
    and of recorded inputs that are gone; every file when nothing was recorded."""
    try:
        raw = json.loads(inputs_path(warehouse).read_text(encoding="utf-8"))
        recorded = {str(k): (int(v[0]), int(v[1])) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        recorded = {}
    now = fingerprint(files, root)
    changed = [k for k, v in now.items() if recorded.get(k) != v]
    gone = [k for k in recorded if k not in now]
    return sorted(changed + gone)
