from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrutiny.config.workspace import Workspace, WorkspaceError, demo_root, json_schema_text

BASE = (
    "force: Test Police\nforce_code: TP\ncurrent_quarter: 2023-24Q1\n"
    "sources:\n  - {kind: datastore, path: data}\n"
)


def load(tmp_path: Path, text: str) -> Workspace:
    (tmp_path / "scrutiny.yaml").write_text(text, encoding="utf-8")
    return Workspace.load(tmp_path)


def test_the_demo_workspace_is_valid() -> None:
    ws = Workspace.load(demo_root())
    assert ws.config.force_code == "MPS"
    assert str(ws.quarter) == "2023-24Q1"
    assert len(ws.config.bcus) == 12
    assert sum(len(b) for b in ws.config.bcus.values()) == 32
    assert len(ws.sources_of("datastore")) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace("2023-24Q1", "2023-25Q1"), r"current_quarter: .*2023 is not followed by 25"),
        (BASE.replace("kind: datastore", "kind: excel"), r"sources\.0\.kind: Input should be"),
        (BASE.replace("force_code: TP\n", ""), r"force_code: Field required"),
        (BASE + "colour: blue\n", r"colour: Extra inputs are not permitted"),
        (BASE + "baseline: {r12_last_month: Feb 2020}\n", r"r12_last_month: .*YYYY-MM"),
        ("force: [unclosed\n", r"not valid YAML"),
        ("- a list\n", r"expected a mapping"),
    ],
    ids=[
        "quarter",
        "source-kind",
        "missing-key",
        "unknown-key",
        "baseline-month",
        "yaml",
        "not-a-map",
    ],
)
def test_invalid_workspaces_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(WorkspaceError, match=message) as info:
        load(tmp_path, text)
    assert "scrutiny.yaml" in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_workspace_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace file"):
        Workspace.load(tmp_path)


def test_sources_resolve_files_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    for name in ("data/a.csv", "data/sub/b.csv", "c.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    ws = load(tmp_path, BASE)
    assert [p.name for p in ws.resolve("data")] == ["a.csv", "b.csv"]
    assert [p.name for p in ws.resolve("*.csv")] == ["c.csv"]
    assert [p.name for p in ws.resolve("c.csv")] == ["c.csv"]


def test_json_schema_describes_the_workspace_file() -> None:
    schema = json.loads(json_schema_text())
    assert {"force", "force_code", "current_quarter", "sources"} <= set(schema["required"])
