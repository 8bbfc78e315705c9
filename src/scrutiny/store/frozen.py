"""Frozen quarters: which publication of every source a quarter's report used.

``scrutiny freeze QUARTER`` writes the sources loaded at that moment (name, kind, vintage,
sha256) to ``frozen/QUARTER.json`` in the workspace. A later build of that quarter reads the crime
figures *as of* those sources (:func:`use_frozen`), so a newer publication that revises months
inside the quarter's windows does not change what was published: the warehouse keeps superseded
crime cells, and the as-of read picks, in every unit, the newest of the frozen sources only.

Only crime facts are versioned in the store; the other tables (population, returns, stop and
search) hold one version, so :func:`unversioned_changes` names a frozen source of theirs that is
no longer loaded, for the report to say so rather than pretend.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from scrutiny.store.crime import PUBLISHED_AREA_UNIT, PUBLISHED_UNIT, UNIT


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


def _source_ids(con: duckdb.DuckDBPyConnection, freeze: Freeze, path: Path) -> list[int]:
    """The warehouse's ids of the frozen crime sources; each must still be loaded."""
    loaded = dict(con.execute("SELECT sha256, source_id FROM sources").fetchall())
    ids = []
    for s in freeze.sources:
        if not s.crime:
            continue
        sid = loaded.get(s.sha256)
        if sid is None:
            raise FreezeError(
                f"{path.name}: {s.name} (vintage {s.vintage}, sha256 {s.sha256[:12]}…) is no "
                "longer in the warehouse; ingest that file again to rebuild the frozen quarter"
            )
        ids.append(int(sid))
    return ids


def unversioned_changes(con: duckdb.DuckDBPyConnection, freeze: Freeze) -> list[str]:
    """Frozen sources holding no crime figures that are no longer loaded: their tables keep one
    version, so the build reads what is loaded now and says so."""
    loaded = {r[0] for r in con.execute("SELECT sha256 FROM sources").fetchall()}
    return [s.name for s in freeze.sources if not s.crime and s.sha256 not in loaded]


def use_frozen(con: duckdb.DuckDBPyConnection, freeze: Freeze, path: Path) -> None:
    """Make this (read-only) connection read crime as of the frozen sources.

    Temporary tables named ``crime_facts``, ``crime_published`` and ``crime_published_areas``
    shadow the stored ones for every later query of this connection: in each unit, the rows of
    the newest frozen source, marked current."""
    ids = _source_ids(con, freeze, path)
    catalog = con.execute("SELECT current_database()").fetchone()
    assert catalog is not None
    marks = ", ".join("?" * len(ids)) or "NULL"
    for table, unit in (
        ("crime_facts", UNIT),
        ("crime_published", PUBLISHED_UNIT),
        ("crime_published_areas", PUBLISHED_AREA_UNIT),
    ):
        stored = f'"{catalog[0]}".main.{table}'
        cols = [r[0] for r in con.execute(f"DESCRIBE {stored}").fetchall()]
        keep = ", ".join("true AS is_current" if c == "is_current" else f"f.{c}" for c in cols)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT {keep} FROM (
                SELECT f.*, s.vintage || ' ' || s.sha256 AS rank_,
                       max(s.vintage || ' ' || s.sha256)
                           OVER (PARTITION BY {", ".join(f"f.{c}" for c in unit)}) AS best_
                FROM {stored} f JOIN "{catalog[0]}".main.sources s USING (source_id)
                WHERE f.source_id IN ({marks})
            ) f WHERE rank_ = best_""",
            ids,
        )


__all__ = [
    "Freeze",
    "FreezeError",
    "FrozenSource",
    "freeze_of",
    "freeze_warehouse",
    "read_freeze",
    "unversioned_changes",
    "use_frozen",
]
