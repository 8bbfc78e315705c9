"""The validated ``scrutiny.yaml`` kept between runs (config/parsed.py): a read gives what
validation gives, and any change to the file is read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scrutiny.config import parsed, workspace
from scrutiny.config.workspace import (
    Workspace,
    WorkspaceConfig,
    WorkspaceError,
    _validated,
    demo_root,
)

BASE = (
    "force: Test Police\nforce_code: TP\ncurrent_quarter: 2023-24Q1\n"
    "sources:\n  - {kind: datastore, path: data}\n"
)


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("SCRUTINY_HOME", str(folder))
    return folder


@pytest.fixture()
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each file validated (not taken from the cache), in order."""
    seen: list[Path] = []

    def counted(file: Path) -> WorkspaceConfig:
        seen.append(file)
        return _validated(file)

    monkeypatch.setattr(workspace, "_validated", counted)
    return seen


def _entries(home: Path) -> list[Path]:
    return sorted((home / "cache" / "workspace").glob("*.json"))


def test_a_cached_workspace_equals_the_validated_one(
    home: Path, validations: list[Path], tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_root(), root, ignore=shutil.ignore_patterns("*.duckdb*"))
    first = Workspace.load(root)
    second = Workspace.load(root)
    assert validations == [root / "scrutiny.yaml"]  # the second came from the cache
    assert len(_entries(home)) == 1
    assert second.config == first.config
    assert repr(second.config) == repr(first.config)
    assert second.config.model_fields_set == first.config.model_fields_set
    assert second.config.settings.model_fields_set == first.config.settings.model_fields_set
    assert type(second.config.sources[0]) is type(first.config.sources[0])
    assert second.config.baseline == first.config.baseline  # a default, not in the file
    assert second.quarter == first.quarter and second.baseline == first.baseline
    assert second.input_files() == first.input_files()


def test_an_edit_of_the_same_size_and_time_is_read_again(
    home: Path, validations: list[Path], tmp_path: Path
) -> None:
    file = tmp_path / "scrutiny.yaml"
    file.write_text(BASE, encoding="utf-8")
    assert str(Workspace.load(tmp_path).quarter) == "2023-24Q1"
    assert str(Workspace.load(tmp_path).quarter) == "2023-24Q1"
    assert len(validations) == 1
    before = file.stat()
    file.write_text(BASE.replace("2023-24Q1", "2022-23Q4"), encoding="utf-8")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # an edit within one tick
    assert file.stat().st_size == before.st_size
    assert str(Workspace.load(tmp_path).quarter) == "2022-23Q4"
    assert len(validations) == 2
    assert len(_entries(home)) == 1  # the new version replaced the old entry


def test_a_file_made_invalid_after_caching_reports_its_error(
    home: Path, validations: list[Path], tmp_path: Path
) -> None:
    file = tmp_path / "scrutiny.yaml"
    file.write_text(BASE, encoding="utf-8")
    Workspace.load(tmp_path)
    file.write_text(BASE.replace("force_code: TP\n", ""), encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"force_code: Field required"):
        Workspace.load(tmp_path)
    with pytest.raises(WorkspaceError, match=r"force_code: Field required"):
        Workspace.load(tmp_path)  # an invalid file is never cached
    file.write_text(BASE + "colour: blue\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"colour: Extra inputs are not permitted"):
        Workspace.load(tmp_path)


def test_a_change_to_the_model_code_is_a_new_key(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "scrutiny.yaml"
    file.write_text(BASE, encoding="utf-8")
    before = parsed.key(file)
    code = tmp_path / "code"
    code.mkdir()
    for name in parsed._CODE:
        shutil.copy(Path(parsed.__file__).with_name(name), code / name)
    monkeypatch.setattr(parsed, "__file__", str(code / "parsed.py"))
    assert parsed.key(file) == before
    with (code / "workspace.py").open("a", encoding="utf-8") as f:
        f.write("\n# a new default\n")
    assert parsed.key(file) != before


def test_a_damaged_or_unwritable_cache_only_costs_the_validation(
    home: Path, validations: list[Path], tmp_path: Path
) -> None:
    file = tmp_path / "scrutiny.yaml"
    file.write_text(BASE, encoding="utf-8")
    Workspace.load(tmp_path)
    (entry,) = _entries(home)
    found = parsed.key(file)
    entry.write_text(f'{{"key": "{found}", "data": {{"force": "Other"}}}}', encoding="utf-8")
    assert Workspace.load(tmp_path).config.force == "Test Police"
    entry.write_text("{not json", encoding="utf-8")
    assert Workspace.load(tmp_path).config.force == "Test Police"
    assert len(validations) == 3
    shutil.rmtree(home / "cache" / "workspace")
    (home / "cache" / "workspace").write_text("a file where the folder goes", encoding="utf-8")
    assert Workspace.load(tmp_path).config.force_code == "TP"
