"""The database engine behind the store, named in one place: the connection type other layers
annotate with, the engine's error class, a scratch connection for readers and the one sentence
that says what an engine failure means for the warehouse.

Only ``store`` imports duckdb (``tests/test_layers.py``); the returns' SQL and the street-file
reader reach the engine through these names.
"""

from __future__ import annotations

import re
import threading

# The engine itself, without the Python layer `import duckdb` adds over it (the relational API:
# read_csv, from_arrow, …), which costs a read command about 80 ms of its start. Code using
# that API imports `duckdb`, which completes the connection class in place.
try:
    import _duckdb as engine  # duckdb ≥ 1.4 ships its extension as a module of its own
except ImportError:  # pragma: no cover - older duckdb
    import duckdb as engine  # type: ignore[no-redef]

#: A connection to the warehouse (or a scratch database).
Connection = engine.DuckDBPyConnection
#: Any error the engine raises (a locked or damaged file, bad SQL, a file it cannot read).
DatabaseError = engine.Error

_scratch = threading.local()


def scratch_connection() -> Connection:
    """An in-memory DuckDB for reading single files; one per thread, as opening one costs
    ~25 ms (more than reading a typical monthly file) and connections are not thread-safe."""
    con: Connection | None = getattr(_scratch, "con", None)
    if con is None:
        import duckdb  # readers use the relational API (read_csv)

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")  # offsets in the data decide, never this machine
        _scratch.con = con
    return con


_LOCK = re.compile(r'Could not set lock on file "(?P<path>[^"]+)".*?\(PID (?P<pid>\d+)\)', re.S)
_QUOTED_PATH = re.compile(r'file "(?P<path>[^"]+)"')
_DAMAGED = (
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "Corrupt database file",
    "checksum",
    "database file is corrupt",
    "Failed to read database header",
)


def describe_error(exc: BaseException) -> str | None:
    """What an engine error means for the warehouse, in one line; None for other errors."""
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc)
    if found := _LOCK.search(text):
        return (
            f"the warehouse {found['path']} is in use by PID {found['pid']} — "
            "stop it or use a read-only command"
        )
    if "Could not set lock" in text:
        return "the warehouse is in use by another process — stop it or wait"
    path = found["path"] if (found := _QUOTED_PATH.search(text)) else "the warehouse"
    if any(sign in text for sign in _DAMAGED):
        return (
            f"{path}: the warehouse is damaged ({_first_line(text)}); delete it and run "
            "`scrutiny ingest` to rebuild it from the sources"
        )
    if "Permission denied" in text or "Read-only file system" in text:
        return f"{path}: cannot write the warehouse (read-only or not permitted)"
    if "No space left" in text:
        return f"{path}: the disk is full"
    return f"the warehouse failed: {_first_line(text)}"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line.removeprefix("IO Error: ").split(" See also ")[0].rstrip(".")
