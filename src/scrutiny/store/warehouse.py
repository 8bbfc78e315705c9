"""The warehouse: one DuckDB file per workspace, canonical long tables, provenance of every load.

Every ingest runs in one transaction: readers parse and validate a whole file into memory first,
then :meth:`Warehouse.ingest` writes it, so a bad file never leaves a half-written warehouse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS source_ids START 1;
CREATE TABLE IF NOT EXISTS sources (
    source_id   INTEGER PRIMARY KEY,
    path        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL UNIQUE,
    kind        VARCHAR NOT NULL,
    row_count   BIGINT NOT NULL,
    vintage     VARCHAR NOT NULL,
    loaded_at   TIMESTAMP NOT NULL
);
-- One figure per cell: (month, geography, category, measure). The newest vintage wins.
CREATE TABLE IF NOT EXISTS crime_counts (
    month          DATE NOT NULL,
    geo_level      VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    area_name      VARCHAR NOT NULL,
    major_category VARCHAR NOT NULL,
    minor_category VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    count          BIGINT NOT NULL,
    source_id      INTEGER NOT NULL,
    vintage        VARCHAR NOT NULL,
    PRIMARY KEY (month, geo_level, area_code, major_category, minor_category, measure)
);
-- The area hierarchy: wards come from the files that name them; the rest from the workspace.
CREATE TABLE IF NOT EXISTS areas (
    geo_level   VARCHAR NOT NULL,
    area_code   VARCHAR NOT NULL,
    area_name   VARCHAR NOT NULL,
    parent_code VARCHAR,
    source_id   INTEGER NOT NULL,
    PRIMARY KEY (geo_level, area_code)
);
CREATE TABLE IF NOT EXISTS population (
    area_code   VARCHAR NOT NULL,
    area_name   VARCHAR NOT NULL,
    region      VARCHAR,
    year        INTEGER NOT NULL,
    population  BIGINT NOT NULL,
    source_id   INTEGER NOT NULL,
    PRIMARY KEY (area_code, year)
);
CREATE TABLE IF NOT EXISTS street_crimes (
    crime_id       VARCHAR,
    month          DATE NOT NULL,
    reported_by    VARCHAR,
    falls_within   VARCHAR,
    longitude      DOUBLE,
    latitude       DOUBLE,
    location       VARCHAR,
    lsoa_code      VARCHAR,
    lsoa_name      VARCHAR,
    crime_type     VARCHAR NOT NULL,
    last_outcome   VARCHAR,
    context        VARCHAR,
    ward_code      VARCHAR,
    borough_code   VARCHAR,
    force          VARCHAR NOT NULL,
    source_id      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stop_searches (
    type                      VARCHAR,
    datetime                  TIMESTAMP,
    month                     DATE NOT NULL,
    part_of_operation         BOOLEAN,
    policing_operation        VARCHAR,
    latitude                  DOUBLE,
    longitude                 DOUBLE,
    gender                    VARCHAR,
    age_range                 VARCHAR,
    self_defined_ethnicity    VARCHAR,
    officer_defined_ethnicity VARCHAR,
    legislation               VARCHAR,
    object_of_search          VARCHAR,
    outcome                   VARCHAR,
    outcome_linked_to_object  BOOLEAN,
    removal_of_clothing       BOOLEAN,
    force                     VARCHAR NOT NULL,
    source_id                 INTEGER NOT NULL
);
"""

#: The tables readers may write, with the columns that make one publication's unit of figures.
#: A publication speaks for a whole unit: a newer vintage replaces every row an older one holds
#: for the units it covers (so a change of category scheme between vintages never mixes two
#: schemes in one month), and an older vintage adds only units no newer one covers.
REPLACE_KEYS: dict[str, tuple[str, ...]] = {
    "crime_counts": ("month", "geo_level", "area_code", "measure"),
    "areas": ("geo_level", "area_code"),
    "population": ("area_code", "year"),
    # Street-level and stop-and-search records have no natural key: a force-month is the unit.
    "street_crimes": ("force", "month"),
    "stop_searches": ("force", "month"),
}
#: One figure: for counting how many figures a newer publication revised.
CELL_KEY = ("month", "geo_level", "area_code", "major_category", "minor_category", "measure")


class IngestError(ValueError):
    """A file that cannot be loaded; the message is one line naming file, line and column."""


@dataclass(frozen=True)
class Batch:
    """What a reader hands the warehouse: rows for one canonical table from one file."""

    path: Path
    kind: str
    table: str
    rows: pa.Table
    vintage: str
    #: Rows for other tables that the same file yields (e.g. the wards a ward-level file names).
    also: tuple[tuple[str, pa.Table], ...] = ()


@dataclass(frozen=True)
class IngestResult:
    path: Path
    table: str
    rows: int
    skipped: bool = False
    replaced: int = 0
    changed: int = 0

    def describe(self) -> str:
        if self.skipped:
            return f"{self.path.name}: already loaded, nothing changed"
        text = f"{self.path.name}: {self.rows:,} rows into {self.table}"
        if self.replaced:
            text += f"; replaced {self.replaced:,} cells from older publications"
            text += f" ({self.changed:,} revised or no longer published)"
        return text


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Warehouse:
    """A DuckDB file holding the canonical tables of one workspace."""

    def __init__(self, path: Path | str, read_only: bool = False):
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"{self.path}: no warehouse yet; run `scrutiny ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: anything raised inside rolls every write back."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def is_loaded(self, sha256: str) -> bool:
        found = self.con.execute("SELECT 1 FROM sources WHERE sha256 = ?", [sha256]).fetchone()
        return found is not None

    def ingest(self, batch: Batch, sha256: str | None = None) -> IngestResult:
        """Write one file's rows in one transaction; a file already loaded changes nothing."""
        sha256 = sha256 or file_sha256(batch.path)
        if self.is_loaded(sha256):
            return IngestResult(batch.path, batch.table, 0, skipped=True)
        with self.transaction() as con:
            source_id = self._record_source(con, batch, sha256)
            replaced, changed = self._merge(con, batch.table, batch.rows, batch.vintage, source_id)
            for table, rows in batch.also:
                self._merge(con, table, rows, batch.vintage, source_id)
        return IngestResult(batch.path, batch.table, batch.rows.num_rows, False, replaced, changed)

    def _record_source(self, con: duckdb.DuckDBPyConnection, batch: Batch, sha256: str) -> int:
        row = con.execute(
            "INSERT INTO sources VALUES (nextval('source_ids'), ?, ?, ?, ?, ?, ?) "
            "RETURNING source_id",
            [
                str(batch.path),
                sha256,
                batch.kind,
                batch.rows.num_rows,
                batch.vintage,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _merge(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        rows: pa.Table,
        vintage: str,
        source_id: int,
    ) -> tuple[int, int]:
        """Insert ``rows`` so each cell keeps the newest vintage's figure.

        Returns (cells replaced, of which with a different figure). Vintages compare as text, so
        they are written ``YYYYMM`` (the last month a publication covers).
        """
        keys = REPLACE_KEYS[table]
        incoming = rows.append_column(
            "source_id", pa.array([source_id] * rows.num_rows, pa.int32())
        )
        if table == "crime_counts":
            incoming = incoming.append_column(
                "vintage", pa.array([vintage] * rows.num_rows, pa.string())
            )
        con.register("incoming", incoming)
        try:
            on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
            existing_vintage = (
                "t.vintage"
                if table == "crime_counts"
                else "(SELECT vintage FROM sources s WHERE s.source_id = t.source_id)"
            )
            # Rows of the units the incoming file covers that an older publication holds.
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE stale AS
                SELECT t.*
                FROM {table} t JOIN (SELECT DISTINCT {", ".join(keys)} FROM incoming) i ON {on}
                WHERE {existing_vintage} <= ?""",
                [vintage],
            )
            replaced = _scalar(con, "SELECT count(*) FROM stale")
            changed = 0
            if table == "crime_counts" and replaced:
                cell = " AND ".join(f"s.{k} = i.{k}" for k in CELL_KEY)
                changed = _scalar(
                    con,
                    f"""SELECT count(*) FROM stale s LEFT JOIN incoming i ON {cell}
                    WHERE i.count IS DISTINCT FROM s.count""",
                )
            if replaced:
                stale_on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
                con.execute(
                    f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM stale s WHERE {stale_on})"
                )
            # Whatever units are still held now belong to a newer publication: keep them whole.
            columns = ", ".join(incoming.column_names)
            con.execute(
                f"""INSERT INTO {table} ({columns})
                SELECT {columns} FROM incoming i
                WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"""
            )
            con.execute("DROP TABLE stale")
        finally:
            _unregister(con, "incoming")
        return replaced, changed

    def set_derived_areas(self, rows: pa.Table) -> None:
        """Replace the areas the workspace defines (force, BCUs, boroughs); wards stay as loaded."""
        rows = rows.append_column("source_id", pa.array([0] * rows.num_rows, pa.int32()))
        with self.transaction() as con:
            con.register("derived", rows)
            try:
                con.execute("DELETE FROM areas WHERE source_id = 0")
                con.execute(
                    f"INSERT INTO areas ({', '.join(rows.column_names)}) SELECT * FROM derived"
                )
            finally:
                _unregister(con, "derived")

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table, in order: for tests that a failed ingest changed nothing."""
        tables = [r[0] for r in self.con.execute("SHOW TABLES").fetchall()]
        return {t: self.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def _unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    # Inside an aborted transaction unregistering fails too; the rollback that follows cleans up,
    # and the first error is the one worth reporting.
    with suppress(duckdb.Error):
        con.unregister(name)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
