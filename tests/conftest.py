"""Shared fixtures: the real data beside the project, and the demo workspace ingested once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest

from realdata import REALDATA
from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.sources.national import write_police_uk_workspace
from workspaces import copy_demo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _scrutiny_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the demo's warehouse out of the user's home."""
    old = os.environ.get("SCRUTINY_HOME")
    os.environ["SCRUTINY_HOME"] = str(tmp_path_factory.mktemp("scrutiny-home"))
    yield
    if old is None:
        os.environ.pop("SCRUTINY_HOME", None)
    else:
        os.environ["SCRUTINY_HOME"] = old


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.exists():
        pytest.skip(f"real data not found at {REALDATA}")
    return REALDATA


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the shipped demo workspace, ingested once for the session."""
    return copy_demo(tmp_path_factory.mktemp("demo") / "ws", ingest=True)


def _read_only(ws: Workspace) -> Iterator[ibis.BaseBackend]:
    con = ibis.duckdb.connect(str(ws.warehouse_path), read_only=True)
    yield con
    con.disconnect()


@pytest.fixture()
def demo_con(demo_ws: Workspace) -> Iterator[ibis.BaseBackend]:
    yield from _read_only(demo_ws)


@pytest.fixture(scope="session")
def city_ws(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A second workspace beside the demo: the City of London Police on data.police.uk street
    files only (2017-01 … 2021-12), made by ``scrutiny init --police-uk``, ingested once."""
    root = tmp_path_factory.mktemp("city") / "ws"
    write_police_uk_workspace(root, "city-of-london", realdata / "police_uk" / "city-of-london")
    ws = Workspace.load(root)
    ingest_workspace(ws)
    return ws


@pytest.fixture()
def city_con(city_ws: Workspace) -> Iterator[ibis.BaseBackend]:
    yield from _read_only(city_ws)


#: The tables the crime measures read, copied into a second Ibis backend.
MEASURE_TABLES = ("crime_facts", "crime_published", "crime_published_areas", "areas", "population")


@pytest.fixture(scope="session")
def spark_con(demo_ws: Workspace) -> Iterator[ibis.BaseBackend]:
    """The demo's measure tables in PySpark (local mode, Java from the system): the Ibis
    expressions run unchanged on a backend that scales beyond one machine."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("scrutiny-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    source = ibis.duckdb.connect(str(demo_ws.warehouse_path), read_only=True)
    try:
        for name in MEASURE_TABLES:
            table = source.table(name).to_pyarrow()
            spark.createDataFrame(table).coalesce(1).cache().createOrReplaceTempView(name)
    finally:
        source.disconnect()
    yield ibis.pyspark.connect(spark)
    spark.stop()
