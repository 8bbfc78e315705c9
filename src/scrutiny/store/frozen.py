"""Frozen quarters: which publication of every source a quarter's report used.

``scrutiny freeze QUARTER`` writes the sources loaded at that moment (name, kind, vintage,
sha256) to ``frozen/QUARTER.json`` in the workspace. A later build of that quarter reads every
table *as of* those sources (:func:`use_frozen`), so a newer publication of any source —
crime, population, police.uk street or stop-and-search files, a return filed again — does not
change what was published:

* crime keeps superseded cells in place, and the as-of read picks, in every unit, the newest of
  the frozen sources only (the vintage rule of :mod:`scrutiny.store.crime`);
* every other table keeps the rows a later load replaced in ``superseded_<table>``, and the
  as-of read takes the rows of the frozen sources that no frozen source replaced
  (:mod:`scrutiny.store.superseded`); derived street counts replaced whole are kept so too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from scrutiny.store.crime import PUBLISHED_AREA_UNIT, PUBLISHED_UNIT, UNIT
from scrutiny.store.superseded import PREFIX, as_of, stored_with_superseded, versioned_tables


class FreezeError(ValueError):
    """A freeze file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class FrozenSource:
    name: str
    kind: str
    vintage: str
    sha256: str
    rows: int
    #: Whether it holds crime figures (kept per vintage, so read as of the freeze).
    crime: bool


@dataclass(frozen=True)
class Freeze:
    """What a quarter's report used: its sources and when they were last loaded."""

    quarter: str
    loaded_at: str  # the last load before the freeze, 'YYYY-MM-DD HH:MM:SS' (UTC)
    sources: tuple[FrozenSource, ...]

    def to_json(self) -> str:
        body = {
            "quarter": self.quarter,
            "loaded_at": self.loaded_at,
            "sources": [asdict(s) for s in self.sources],
        }
        return json.dumps(body, indent=2) + "\n"

    @property
    def last_load(self) -> datetime:
        return datetime.strptime(self.loaded_at, "%Y-%m-%d %H:%M:%S")


def freeze_of(con: duckdb.DuckDBPyConnection, quarter: str) -> Freeze:
    """The freeze of ``quarter``: every source loaded now."""
    rows = con.execute(
        "SELECT source_id, path, kind, vintage, sha256, row_count, loaded_at FROM sources "
        "ORDER BY source_id"
    ).fetchall()
    if not rows:
        raise FreezeError("nothing is loaded: run `scrutiny ingest` before freezing a quarter")
    crime = _crime_source_ids(con)
    sources = tuple(
        FrozenSource(
            Path(str(p).replace("\\", "/")).name, str(k), str(v), str(h), int(n), i in crime
        )
        for i, p, k, v, h, n, _ in rows
    )
    last = max(r[6] for r in rows)
    return Freeze(quarter, last.strftime("%Y-%m-%d %H:%M:%S"), sources)


def freeze_warehouse(warehouse: Path, quarter: str) -> Freeze:
    """:func:`freeze_of` on a warehouse file, opened read-only."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return freeze_of(con, quarter)
    finally:
        con.close()


def read_freeze(path: Path) -> Freeze:
    """A freeze file, checked: one-line errors name the file and what was expected."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        sources = tuple(
            FrozenSource(
                str(s["name"]),
                str(s["kind"]),
                str(s["vintage"]),
                str(s["sha256"]),
                int(s["rows"]),
                bool(s["crime"]),
            )
            for s in body["sources"]
        )
        freeze = Freeze(str(body["quarter"]), str(body["loaded_at"]), sources)
        freeze.last_load  # noqa: B018 -- checks the timestamp's format
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FreezeError(
            f"{path.name}: not a freeze file (expected quarter, loaded_at and sources with "
            f"name, kind, vintage, sha256, rows, crime): {exc}"
        ) from None
    return freeze


def _crime_source_ids(con: duckdb.DuckDBPyConnection) -> set[int]:
    rows = con.execute(
        "SELECT DISTINCT source_id FROM crime_facts UNION SELECT source_id FROM crime_published"
    ).fetchall()
    return {int(r[0]) for r in rows}


def _source_ids(con: duckdb.DuckDBPyConnection, freeze: Freeze, path: Path) -> dict[str, list[int]]:
    """The warehouse's ids of every frozen source (current or superseded since), by sha256.

    A file loaded again after the freeze has a second id: the ids loaded by the freeze's time
    are the frozen ones (all of them when the warehouse was rebuilt after the freeze)."""
    loaded: dict[str, list[tuple[int, datetime]]] = {}
    rows = con.execute(f"SELECT sha256, source_id, loaded_at FROM ({_all_sources(con)})")
    for sha, sid, at in rows.fetchall():
        loaded.setdefault(str(sha), []).append((int(sid), at))
    ids: dict[str, list[int]] = {}
    for s in freeze.sources:
        found = loaded.get(s.sha256)
        if not found:
            raise FreezeError(
                f"{path.name}: {s.name} (vintage {s.vintage}, sha256 {s.sha256[:12]}…) is no "
                "longer in the warehouse; ingest that file again to rebuild the frozen quarter"
            )
        before = [i for i, at in found if at <= freeze.last_load]
        ids[s.sha256] = sorted(set(before or [i for i, _ in found]))
    return ids


#: Every source ever loaded: those loaded now and those whose rows were all replaced since.
_ALL_SOURCES = "SELECT source_id, path, sha256, kind, row_count, vintage, loaded_at FROM sources"


def _all_sources(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'superseded_sources' "
        "AND table_schema = 'main' AND table_catalog = current_database()"
    ).fetchone()
    if not found:
        return _ALL_SOURCES
    return (
        f"{_ALL_SOURCES} UNION ALL SELECT source_id, path, sha256, kind, row_count, vintage, "
        "loaded_at FROM superseded_sources"
    )


#: A ``sources`` row as read: path, kind, sha256, row_count, vintage, loaded_at.
SourceRow = tuple[Any, Any, Any, Any, Any, datetime]


def frozen_sources(con: duckdb.DuckDBPyConnection, freeze: Freeze) -> list[SourceRow]:
    """The frozen sources as ``sources`` rows (path, kind, sha256, row_count, vintage,
    loaded_at), in load order, each loaded at the freeze's last load (a rebuilt warehouse gives
    the same listing); the connection must have had :func:`use_frozen`."""
    rows = con.execute(
        "SELECT DISTINCT s.source_id, path, kind, sha256, row_count, vintage "
        f"FROM ({_all_sources(con)}) s JOIN frozen_source_ids f USING (source_id) "
        "ORDER BY s.source_id"
    ).fetchall()
    seen: set[str] = set()
    out: list[SourceRow] = []
    for _, path, kind, sha, n, vintage in rows:
        if sha not in seen:
            seen.add(str(sha))
            out.append((path, kind, sha, n, vintage, freeze.last_load))
    return out


def use_frozen(con: duckdb.DuckDBPyConnection, freeze: Freeze, path: Path) -> None:
    """Make this (read-only) connection read every table as of the frozen sources.

    Temporary tables and views named as the stored tables shadow them for every later query of
    this connection: crime's (``crime_facts``, ``crime_published``, ``crime_published_areas``)
    hold, in each unit, the rows of the newest frozen source, marked current; every other
    versioned table its rows as of the freeze (:func:`scrutiny.store.superseded.as_of`).
    ``frozen_source_ids`` lists the frozen sources' ids."""
    by_sha = _source_ids(con, freeze, path)
    ids = sorted({i for found in by_sha.values() for i in found})
    _check_not_pruned(con, ids, path)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE frozen_source_ids AS "
        "SELECT unnest(?::INTEGER[]) AS source_id",
        [ids],
    )
    crime = sorted({i for s in freeze.sources if s.crime for i in by_sha[s.sha256]})
    catalog = con.execute("SELECT current_database()").fetchone()
    assert catalog is not None
    marks = ", ".join("?" * len(crime)) or "NULL"
    for table, unit in (
        ("crime_facts", UNIT),
        ("crime_published", PUBLISHED_UNIT),
        ("crime_published_areas", PUBLISHED_AREA_UNIT),
    ):
        everything = stored_with_superseded(con, table)
        cols = [r[0] for r in con.execute(f'DESCRIBE "{catalog[0]}".main.{table}').fetchall()]
        keep = ", ".join("true AS is_current" if c == "is_current" else f"f.{c}" for c in cols)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT {keep} FROM (
                SELECT f.*, s.vintage || ' ' || s.sha256 AS rank_,
                       max(s.vintage || ' ' || s.sha256)
                           OVER (PARTITION BY {", ".join(f"f.{c}" for c in unit)}) AS best_
                FROM ({everything}) f
                JOIN (SELECT DISTINCT source_id, vintage, sha256 FROM ({_all_sources(con)}))
                    s USING (source_id)
                WHERE f.source_id IN ({marks})
            ) f WHERE rank_ = best_""",
            crime,
        )
    for table in versioned_tables(con):
        frozen = as_of(con, table, "frozen_source_ids")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {frozen}")


#: The (source, replaced by) pairs whose superseded rows :func:`prune_superseded` dropped.
PRUNED = "pruned_superseded"


def prune_superseded(con: duckdb.DuckDBPyConnection, freezes: list[Path]) -> int:
    """Drop the superseded rows no freeze in ``freezes`` reads, and the replaced sources no
    freeze uses; the number of rows dropped. The caller holds the transaction.

    Current reads never see a superseded row; a frozen read sees one when its source is frozen
    and the source that replaced it is not. A freeze made later lists the sources loaded then,
    the replacing one among them, so only the freezes there are can read a superseded row.
    What is dropped is recorded (:data:`PRUNED`): a freeze file restored afterwards that would
    read such rows is refused in one line (:func:`use_frozen`), never read short. Nothing is
    dropped when a freeze cannot be read; a source some stored row still names is kept."""
    have = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database()"
        ).fetchall()
    }
    if f"{PREFIX}sources" not in have:
        return 0
    pairs: list[tuple[int, int]] = []
    try:
        for n, path in enumerate(freezes):
            found = _source_ids(con, read_freeze(path), path)
            pairs += [(n, i) for ids in found.values() for i in ids]
    except FreezeError:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE freeze_ids (freeze_no INTEGER, source_id INTEGER)")
    if pairs:
        con.executemany("INSERT INTO freeze_ids VALUES (?, ?)", pairs)
    con.execute(f"CREATE TABLE IF NOT EXISTS {PRUNED} (source INTEGER, replaced_by INTEGER)")
    read = (
        "EXISTS (SELECT 1 FROM freeze_ids f WHERE f.source_id = t.source_id AND NOT EXISTS "
        "(SELECT 1 FROM freeze_ids g "
        "WHERE g.freeze_no = f.freeze_no AND g.source_id = t.superseded_by))"
    )
    named = con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE column_name = 'source_id' AND table_schema = 'main' "
        "AND table_catalog = current_database()"
    ).fetchall()
    tables = sorted(str(r[0]) for r in named)
    dropped = 0
    for table in (t for t in tables if t.startswith(PREFIX) and t != f"{PREFIX}sources"):
        con.execute(
            f"INSERT INTO {PRUNED} SELECT DISTINCT t.source_id, t.superseded_by FROM {table} t "
            f"WHERE NOT {read} EXCEPT SELECT source, replaced_by FROM {PRUNED}"
        )
        gone = con.execute(f"DELETE FROM {table} t WHERE NOT {read}").fetchone()
        dropped += int(gone[0]) if gone else 0
    stored = [t for t in tables if not t.startswith(PREFIX) and t != "sources"]
    used = " UNION ".join(f"SELECT source_id FROM {t}" for t in stored) or "SELECT NULL"
    con.execute(
        f"DELETE FROM {PREFIX}sources WHERE source_id NOT IN ({used}) "
        "AND source_id NOT IN (SELECT source_id FROM freeze_ids)"
    )
    con.execute("DROP TABLE freeze_ids")
    return dropped


def _check_not_pruned(con: duckdb.DuckDBPyConnection, ids: list[int], path: Path) -> None:
    """Refuse a freeze that would read superseded rows :func:`prune_superseded` dropped."""
    found = con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main' "
        "AND table_catalog = current_database()",
        [PRUNED],
    ).fetchone()
    if not found or not ids:
        return
    marks = ", ".join("?" * len(ids))
    lost = con.execute(
        f"SELECT 1 FROM {PRUNED} WHERE source IN ({marks}) AND replaced_by NOT IN ({marks}) "
        "LIMIT 1",
        [*ids, *ids],
    ).fetchone()
    if lost:
        raise FreezeError(
            f"{path.name}: rows this frozen quarter reads were dropped from the warehouse while "
            "no freeze file used them; rebuild the warehouse from the sources to read it"
        )


__all__ = [
    "Freeze",
    "FreezeError",
    "FrozenSource",
    "freeze_of",
    "freeze_warehouse",
    "frozen_sources",
    "prune_superseded",
    "read_freeze",
    "use_frozen",
]
