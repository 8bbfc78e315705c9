"""Fixtures for the returns tests: the demo's plans and returns, loaded into a fresh warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scrutiny.config.plan import Plan, load_plans
from scrutiny.config.workspace import demo_root
from scrutiny.returns.load import LoadReport, load_files
from scrutiny.store.warehouse import Warehouse

DEMO = demo_root()
RETURNS = DEMO / "returns"


@pytest.fixture(scope="session")
def plans() -> list[Plan]:
    return load_plans(DEMO / "plan.yaml")


def demo_files() -> list[Path]:
    return sorted(p for p in RETURNS.rglob("*") if p.suffix in {".csv", ".xlsx", ".yaml"})


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory, plans: list[Plan]
) -> Iterator[tuple[Warehouse, LoadReport]]:
    """Every demo return loaded once per test module."""
    wh = Warehouse(tmp_path_factory.mktemp("returns") / "w.duckdb")
    report = load_files(wh, demo_files(), plans)
    yield wh, report
    wh.close()


@pytest.fixture()
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    wh = Warehouse(tmp_path / "w.duckdb")
    yield wh
    wh.close()
