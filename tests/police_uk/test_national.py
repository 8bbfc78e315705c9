"""The national reference data shipped for ``scrutiny init --police-uk``, and workspaces from it."""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace, WorkspaceError
from scrutiny.sources.national import force, forces, latest_quarter, population_csv

runner = CliRunner()


def test_43_forces_cover_every_local_authority_once() -> None:
    found = forces()
    assert len(found) == 43
    assert found["metropolitan"].name == "Metropolitan Police Service"
    assert list(found["city-of-london"].local_authorities) == ["E09000001"]
    assert len(found["metropolitan"].local_authorities) == 32
    owners: dict[str, str] = {}
    for f in found.values():
        for code in f.local_authorities:
            assert code not in owners, f"{code} in {owners.get(code)} and {f.id}"
            owners[code] = f.id
    packed = resources.files("scrutiny.sources.national") / "lsoa_ward_la.csv.gz"
    lookup = gzip.decompress(packed.read_bytes()).decode()
    las = {row["LAD19CD"] for row in csv.DictReader(io.StringIO(lookup))}
    assert las == set(owners)  # every LSOA's authority belongs to exactly one force


def test_every_force_has_residents() -> None:
    for f in forces().values():
        rows = list(csv.DictReader(io.StringIO(population_csv(set(f.local_authorities)))))
        assert {r["LA code"] for r in rows} == set(f.local_authorities), f.id


def test_unknown_force_lists_the_ids() -> None:
    with pytest.raises(ValueError, match=r"unknown police force 'atlantis'.*city-of-london"):
        force("atlantis")


@pytest.mark.parametrize("code", ["MPS", "city-of-london", "essex", "metropolitan"])
def test_force_code_takes_short_codes_and_police_uk_ids(tmp_path: Path, code: str) -> None:
    (tmp_path / "scrutiny.yaml").write_text(
        f"force: Test\nforce_code: {code}\ncurrent_quarter: 2023-24Q1\n"
        "sources: [{kind: population, path: p.csv}]\n"
    )
    assert Workspace.load(tmp_path).config.force_code == code


@pytest.mark.parametrize("code", ["City Of London", "-essex", "essex-", "a--b", "Essex_Police"])
def test_force_code_refuses_anything_else(tmp_path: Path, code: str) -> None:
    (tmp_path / "scrutiny.yaml").write_text(
        f"force: Test\nforce_code: '{code}'\ncurrent_quarter: 2023-24Q1\n"
        "sources: [{kind: population, path: p.csv}]\n"
    )
    with pytest.raises(WorkspaceError, match="force_code"):
        Workspace.load(tmp_path)


def test_init_for_any_force_without_data(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "essex"), "--police-uk", "essex"])
    assert result.exit_code == 0, result.output
    ws = Workspace.load(tmp_path / "essex")
    assert ws.config.force == "Essex Police"
    assert len(ws.config.local_authorities) == 14  # 12 districts and 2 unitary authorities
    assert (tmp_path / "essex" / "data" / "police_uk").is_dir()
    assert ws.sources_of("police_uk_street") == []


def test_init_refuses_unknown_force_and_existing_folder(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["init", str(tmp_path / "w"), "--police-uk", "atlantis"])
    assert bad.exit_code == 1 and "unknown police force 'atlantis'" in bad.stderr
    assert not (tmp_path / "w").exists()
    taken = runner.invoke(app, ["init", str(tmp_path), "--police-uk", "essex"])
    assert taken.exit_code == 1 and "already exists" in taken.stderr


def test_latest_quarter_is_the_last_full_one(tmp_path: Path) -> None:
    for month in ("2021-10", "2021-11", "2021-12", "2022-01"):
        (tmp_path / f"{month}-kent-street.csv").write_text("")
    assert str(latest_quarter(tmp_path)) == "2021-22Q3"
