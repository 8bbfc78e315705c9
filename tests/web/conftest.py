"""Fixtures for the dashboard: the demo workspace with its returns loaded, one app per session,
and a copy that suppresses small counts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.sources.ingest import ingest_workspace
from scrutiny.web.app import create_app

SUPPRESS_BELOW = 10


def _copy(ws: Workspace, folder: Path, **settings: object) -> Workspace:
    """A copy of an ingested workspace (warehouse included), with settings changed."""
    shutil.copytree(ws.root, folder)
    if settings:
        config_file = folder / "scrutiny.yaml"
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config.setdefault("settings", {}).update(settings)
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    copy = Workspace.load(folder)
    ingest_workspace(copy)
    return copy


@pytest.fixture(scope="session")
def web_ws(demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo workspace, ingested, with its returns loaded (a copy: demo_ws stays as it is)."""
    return _copy(demo_ws, tmp_path_factory.mktemp("web") / "ws")


@pytest.fixture(scope="session")
def web_app(web_ws: Workspace) -> FastAPI:
    return create_app(web_ws)


@pytest.fixture(scope="session")
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def suppressed_ws(web_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _copy(
        web_ws, tmp_path_factory.mktemp("web-suppressed") / "ws", suppress_below=SUPPRESS_BELOW
    )


@pytest.fixture(scope="session")
def suppressed_client(suppressed_ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(suppressed_ws), raise_server_exceptions=False) as c:
        yield c
