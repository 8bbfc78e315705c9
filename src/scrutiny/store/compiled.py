"""Compiled queries: SQL text compiled once from the Ibis measures, kept on disk, and run on a
read-only DuckDB connection without loading Ibis or pandas.

A read command such as ``scrutiny crime --format csv`` spends most of its time importing the
dataframe stack, not computing. The measures stay Ibis expressions (the one definition); their
SQL is cached under a key made of what the SQL depends on: the query's parameters, the source of
the modules that build it and the warehouse's schema. A change to any of them is a new key, so a
stale compilation is never read. The cache is scrutiny's own (in its data folder), never the
warehouse, which output commands only read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrutiny.store.engine import Connection, engine


def connect_read_only(path: Path) -> Connection:
    """A read-only connection that runs SQL: the engine alone, not duckdb's Python layer."""
    return engine.connect(str(path), read_only=True)


def schema_version(con: Connection) -> str:
    """A short digest of the warehouse's tables and columns with their types."""
    # duckdb_columns() directly: information_schema.columns is a view over it that costs a
    # read command four times as much.
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY table_name, column_index"
    ).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def fingerprint(files: Sequence[Path]) -> str:
    """A short digest of the files' contents (the code a compilation came from)."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class SqlCache:
    """SQL texts by key, one file each, written atomically; an unwritable folder only costs a
    recompilation next time."""

    def __init__(self, folder: Path):
        self.folder = folder

    @staticmethod
    def key(parts: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:32]}.json"

    def get(self, key: str) -> dict[str, str] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data["sql"] if isinstance(data, dict) and data.get("key") == key else None

    def put(self, key: str, sql: dict[str, str]) -> None:
        target = self._path(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": key, "sql": sql}), encoding="utf-8")
            os.replace(tmp, target)
        except OSError:
            pass


def fetch(
    con: Connection, sql: str, params: Sequence[Any] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one query."""
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall()


def temp_table(
    con: Connection,
    name: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
) -> None:
    """A temporary text table on the connection (read-only connections allow these)."""
    quoted = ", ".join(f'"{c}" VARCHAR' for c in columns)
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" ({quoted})')
    if rows:
        one = "(" + ", ".join("?" for _ in columns) + ")"
        values = ", ".join(one for _ in rows)
        con.execute(f'INSERT INTO "{name}" VALUES {values}', [v for row in rows for v in row])
