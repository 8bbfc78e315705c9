"""The warehouse: one DuckDB file per workspace, canonical long tables, provenance of every load.

Every ingest runs in one transaction: readers parse and validate a whole file into memory first,
then :meth:`Warehouse.ingest` writes it, so a bad file never leaves a half-written warehouse.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from scrutiny.store import plausibility
from scrutiny.store.crime import (
    CrimeBatchError,
    CrimeLoad,
    CrimeSource,
    check_crime_batch,
    check_crime_relation,
    forget_crime_sources,
    load_crime_facts,
)
from scrutiny.store.superseded import retire

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
-- The canonical crime fact table: every figure every crime source published, superseded ones
-- included (is_current = false), so reads "as of" an earlier set of sources stay possible.
CREATE TABLE IF NOT EXISTS crime_facts (
    month          DATE NOT NULL,
    geo_level      VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    area_name      VARCHAR NOT NULL,
    scheme         VARCHAR NOT NULL,
    category_group VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    count          BIGINT NOT NULL,
    source_id      INTEGER NOT NULL,
    vintage        VARCHAR NOT NULL,
    is_current     BOOLEAN NOT NULL
);
-- Which (scheme, measure, category, month) each crime source publishes: a published month with
-- no row is a zero; a month no current source publishes is missing.
CREATE TABLE IF NOT EXISTS crime_published (
    source_id      INTEGER NOT NULL,
    scheme         VARCHAR NOT NULL,
    geo_level      VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    category_group VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    month          DATE NOT NULL,
    is_current     BOOLEAN NOT NULL
);
-- Which areas each crime source publishes in each (scheme, level, measure, month): a category
-- published that month is a figure (perhaps zero) for these areas and missing for the others.
CREATE TABLE IF NOT EXISTS crime_published_areas (
    source_id      INTEGER NOT NULL,
    scheme         VARCHAR NOT NULL,
    geo_level      VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    month          DATE NOT NULL,
    is_current     BOOLEAN NOT NULL
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
-- Census usual residents by top-level ethnic group (the denominator of stop-and-search rates).
CREATE TABLE IF NOT EXISTS population_ethnic_group (
    area_code    VARCHAR NOT NULL,
    area_name    VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    ethnic_group VARCHAR NOT NULL,
    population   BIGINT NOT NULL,
    source_id    INTEGER NOT NULL,
    PRIMARY KEY (area_code, year, ethnic_group)
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
    "areas": ("geo_level", "area_code"),
    "population": ("area_code", "year"),
    "population_ethnic_group": ("area_code", "year", "ethnic_group"),
    # Street-level and stop-and-search records have no natural key: a force-month is the unit.
    "street_crimes": ("force", "month"),
    "stop_searches": ("force", "month"),
}


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
    #: For ``crime_facts`` batches: the category scheme and, optionally, what the file publishes
    #: (see :class:`scrutiny.store.crime.CrimeSource`).
    scheme: str = ""
    published: pa.Table | None = None
    #: What the reader left out or could not map, for ingest to report (one line each).
    notes: tuple[str, ...] = ()


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
            self._forget_older_crime_layout()
            self.con.execute(SCHEMA)
            # The older layout's view over crime_facts; every reader uses crime_facts now.
            self.con.execute("DROP VIEW IF EXISTS crime_counts")

    def _forget_older_crime_layout(self) -> None:
        """A warehouse written before ``crime_facts`` holds crime in a ``crime_counts`` table: drop
        it and forget its crime sources, so the next ingest loads them into the new table."""
        found = self.con.execute(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_name = 'crime_counts' AND table_type = 'BASE TABLE'"
        ).fetchone()
        if found:
            with self.transaction() as con:
                con.execute("DROP TABLE crime_counts")
                con.execute("DELETE FROM sources WHERE kind = 'datastore'")
        # Crime loaded before coverage was recorded per area: load the crime sources again.
        per_area = self.con.execute(
            "SELECT (SELECT count(*) FROM information_schema.tables "
            "        WHERE table_name = 'crime_facts') > 0 AND "
            "       (SELECT count(*) FROM information_schema.tables "
            "        WHERE table_name = 'crime_published_areas') = 0"
        ).fetchone()
        if per_area and per_area[0]:
            with self.transaction() as con:
                con.execute(
                    "DELETE FROM sources WHERE source_id IN "
                    "(SELECT DISTINCT source_id FROM crime_facts)"
                )
                con.execute("DROP TABLE IF EXISTS crime_published")
                con.execute("DROP TABLE crime_facts")
        # crime_published before it recorded geography levels: load the crime sources again.
        old = self.con.execute(
            "SELECT 1 FROM information_schema.tables t WHERE t.table_name = 'crime_published' "
            "AND NOT EXISTS (SELECT 1 FROM information_schema.columns c "
            "WHERE c.table_name = 'crime_published' AND c.column_name = 'geo_level')"
        ).fetchall()
        if old:
            with self.transaction() as con:
                con.execute(
                    "DELETE FROM sources WHERE source_id IN "
                    "(SELECT DISTINCT source_id FROM crime_published)"
                )
                con.execute("DROP TABLE crime_published")
                con.execute("DROP TABLE crime_facts")

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

    def drop_scratch_table(self, name: str) -> None:
        """Drop a temporary table a reader made on this connection (if it is there)."""
        self.con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')

    def is_loaded(self, sha256: str) -> bool:
        found = self.con.execute("SELECT 1 FROM sources WHERE sha256 = ?", [sha256]).fetchone()
        return found is not None

    def ingest_crime(
        self,
        batch: Batch,
        sha256: str | None = None,
        *,
        accept_revisions: bool = False,
        max_drop: float = plausibility.MAX_DROP,
    ) -> CrimeLoad:
        """Load a reader's ``crime_facts`` Batch (see :meth:`load_crime_batch`)."""
        if batch.table != "crime_facts":
            raise ValueError(f"{batch.path}: a {batch.table} batch; use Warehouse.ingest")
        sha256 = sha256 or file_sha256(batch.path)
        source = CrimeSource(
            batch.path, sha256, batch.vintage, batch.scheme, batch.kind, batch.published
        )
        load = self.load_crime_batch(
            batch.rows, source, batch.also, accept_revisions=accept_revisions, max_drop=max_drop
        )
        return dataclasses.replace(load, notes=batch.notes) if batch.notes else load

    def ingest(self, batch: Batch, sha256: str | None = None) -> IngestResult:
        """Write one file's rows in one transaction; a file already loaded changes nothing."""
        if batch.table == "crime_facts":
            raise ValueError(f"{batch.path}: a crime_facts batch; use Warehouse.ingest_crime")
        sha256 = sha256 or file_sha256(batch.path)
        if self.is_loaded(sha256):
            return IngestResult(batch.path, batch.table, 0, skipped=True)
        with self.transaction() as con:
            source_id = self._record_source(con, batch, sha256)
            replaced, changed = self._merge(con, batch.table, batch.rows, batch.vintage, source_id)
            for table, rows in batch.also:
                self._merge(con, table, rows, batch.vintage, source_id)
        return IngestResult(batch.path, batch.table, batch.rows.num_rows, False, replaced, changed)

    def load_crime_batch(
        self,
        rows: pa.Table | pd.DataFrame | str,
        source: CrimeSource,
        also: Sequence[tuple[str, pa.Table]] = (),
        replaces_kind: str | None = None,
        *,
        accept_revisions: bool = False,
        max_drop: float = plausibility.MAX_DROP,
    ) -> CrimeLoad:
        """Load one source's crime figures into ``crime_facts`` in one transaction.

        ``rows`` has the columns of :data:`scrutiny.store.crime.CRIME_COLUMNS` (``scheme`` and
        ``category_group`` may be left out: they default to the source's scheme and ''), one row
        per (month, geo_level, area_code, category_group, category, measure); rows with no place
        go to area ``UNALLOCATED``. ``source`` names the file, its sha256, its vintage (YYYYMM)
        and its scheme. ``also`` carries rows for other tables the same file yields (e.g. the
        wards it names; street records), written in the same transaction.

        ``replaces_kind`` is for figures derived from other tables (e.g. street records summed):
        the earlier loads of that kind are removed first, since derived figures are a function of
        their records rather than a publication of their own.

        A source whose sha256 is already loaded changes nothing. The batch passes
        :func:`scrutiny.store.crime.check_crime_batch` before anything is written; a bad batch
        raises IngestError and leaves the warehouse as it was. In every unit the batch touches
        the newest vintage's figures become current whatever the load order; nothing is deleted.

        A publication must be plausible (:mod:`scrutiny.store.plausibility`): rows, no control
        characters, months its name and vintage allow; and unless ``accept_revisions`` it may
        not cut a month-area total it replaces by more than ``max_drop``.
        """
        if self.is_loaded(source.sha256):
            return CrimeLoad(Path(source.path), 0, skipped=True)
        if isinstance(rows, str):
            return self._load_crime_relation(rows, source, replaces_kind)
        try:
            table = check_crime_batch(rows, source)
            if not replaces_kind:  # derived figures are a function of records already checked
                plausibility.check_batch(table, source.path, source.vintage)
        except (CrimeBatchError, plausibility.ImplausibleError) as exc:
            raise IngestError(str(exc)) from None
        totals = (0, 0)
        with self.transaction() as con:
            if not replaces_kind:
                totals = self._check_revisions(con, table, source, accept_revisions, max_drop)
            source_id = self._insert_source(
                con, source.path, source.sha256, source.kind, table.num_rows, source.vintage
            )
            if replaces_kind:
                forget_crime_sources(con, replaces_kind, source_id)
            result = load_crime_facts(con, table, source, source_id)
            if not replaces_kind and result.replaced:
                result = dataclasses.replace(result, totals_replaced=totals)
            for other, other_rows in also:
                self._merge(con, other, other_rows, source.vintage, source_id)
        return result

    def _load_crime_relation(
        self, name: str, source: CrimeSource, replaces_kind: str | None
    ) -> CrimeLoad:
        """Figures derived by a query into the table ``name`` of this connection (e.g. street
        records summed): checked and loaded without leaving the engine. Derived figures replace
        their kind's earlier derivation whole, so they are not a revision to check."""
        with self.transaction() as con:
            try:
                n = check_crime_relation(con, name, source)
            except CrimeBatchError as exc:
                raise IngestError(str(exc)) from None
            source_id = self._insert_source(
                con, source.path, source.sha256, source.kind, n, source.vintage
            )
            if replaces_kind:
                forget_crime_sources(con, replaces_kind, source_id)
            return load_crime_facts(con, name, source, source_id)

    def _check_revisions(
        self,
        con: duckdb.DuckDBPyConnection,
        table: pa.Table,
        source: CrimeSource,
        accept: bool,
        max_drop: float,
    ) -> tuple[int, int]:
        """Refuse a batch that cuts a unit's total by more than ``max_drop`` (unless ``accept``);
        the totals before and after of every unit it replaces, for the report."""
        con.register("plausible_incoming", table)
        try:
            if not accept:
                drops = plausibility.revision_drops(
                    con, "plausible_incoming", source.vintage, max_drop
                )
                try:
                    plausibility.refuse_drops(drops, source.path, max_drop)
                except plausibility.ImplausibleError as exc:
                    raise IngestError(str(exc)) from None
            return plausibility.replaced_totals(con, "plausible_incoming", source.vintage)
        finally:
            _unregister(con, "plausible_incoming")

    def _record_source(self, con: duckdb.DuckDBPyConnection, batch: Batch, sha256: str) -> int:
        return self._insert_source(
            con, batch.path, sha256, batch.kind, batch.rows.num_rows, batch.vintage
        )

    def _insert_source(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path | str,
        sha256: str,
        kind: str,
        rows: int,
        vintage: str,
    ) -> int:
        row = con.execute(
            "INSERT INTO sources VALUES (nextval('source_ids'), ?, ?, ?, ?, ?, ?) "
            "RETURNING source_id",
            [str(path), sha256, kind, rows, vintage, datetime.now(UTC).replace(tzinfo=None)],
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
        con.register("incoming", incoming)
        try:
            on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
            existing_vintage = "(SELECT vintage FROM sources s WHERE s.source_id = t.source_id)"
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
            if replaced:  # kept as superseded rows, for reads as of an earlier freeze
                stale_on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
                retire(
                    con,
                    table,
                    f"EXISTS (SELECT 1 FROM stale s WHERE {stale_on})",
                    by=str(int(source_id)),
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


def _unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    # Inside an aborted transaction unregistering fails too; the rollback that follows cleans up,
    # and the first error is the one worth reporting.
    with suppress(duckdb.Error):
        con.unregister(name)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
