"""Search by postcode, where a workspace supplies ``lookups/postcodes.csv``.

The lookups written here are test fixtures: the postcodes are shaped like real ones but their
pairing with LSOAs is made up for the test. The LSOAs, wards and local authorities are real
(from the workspace's ONS lookup), so the test checks how a postcode is placed, not where a
real postcode lies.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.web.app import create_app
from scrutiny.web.postcodes import PostcodeFileError, normalise, read_postcodes


def _city_lsoas(ws: Workspace) -> dict[str, tuple[str, str]]:
    """LSOA → (ward, ward name) of the City, read from the workspace's ONS lookup file."""
    path = ws.sources_of("lsoa_lookup")[0]
    text = gzip.decompress(Path(path).read_bytes()).decode("utf-8-sig")
    return {
        r["LSOA11CD"]: (r["WD19CD"], r["WD19NM"])
        for r in csv.DictReader(io.StringIO(text))
        if r["LAD19CD"] == "E09000001"
    }


@pytest.fixture(scope="module")
def city_with_postcodes(
    city_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Workspace, dict[str, tuple[str, str]]]:
    root = tmp_path_factory.mktemp("postcodes") / "ws"
    shutil.copytree(city_ws.root, root)
    ws = Workspace.load(root)
    lsoas = _city_lsoas(ws)
    first, second = sorted(lsoas)[:2]
    (root / "lookups").mkdir()
    (root / "lookups" / "postcodes.csv").write_text(
        f"pcds,lsoa11\nEC9Z 1AA,{first}\nec9z1ab,{second}\nEC9Y 2AA,{second}\nXX1 1XX,\n",
        encoding="utf-8",
    )
    return ws, {"EC9Z 1AA": lsoas[first], "EC9Z 1AB": lsoas[second]}


def test_normalise_postcodes() -> None:
    assert normalise("ec2v7hh") == "EC2V 7HH"
    assert normalise(" SW1A  1AA ") == "SW1A 1AA"
    assert normalise("ec2v") == "EC2V"
    assert normalise("Belmont") is None


def test_a_postcode_finds_its_ward_and_borough(
    city_with_postcodes: tuple[Workspace, dict[str, tuple[str, str]]],
) -> None:
    ws, expected = city_with_postcodes
    with TestClient(create_app(ws)) as c:
        html = c.get("/search?q=ec9z1aa").text
        ward, name = expected["EC9Z 1AA"]
        assert f'area={ward}"' in html and f">{name}</a> – Ward" in html
        assert "(postcode EC9Z 1AA)" in html
        assert 'area=E09000001"' in html  # and its local authority
        assert "Postcode or area name" in html
        outward = c.get("/search?q=EC9Z").text  # both postcodes of the outward code
        for ward, _ in expected.values():
            assert f'area={ward}"' in outward
        assert "0 areas match" in c.get("/search?q=ZZ9 9ZZ").text


def test_a_lookup_with_ward_and_authority_columns_needs_no_lsoa_lookup(
    demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """An ONSPD-style extract (pcds, lsoa11, osward, oslaua) places postcodes by itself."""
    root = tmp_path_factory.mktemp("onspd")
    (root / "lookups").mkdir()
    (root / "lookups" / "postcodes.csv").write_text(
        "pcd,pcds,lsoa11,osward,oslaua\nNW1 0AA,NW1 0AA,E01000001,E05013652,E09000007\n",
        encoding="utf-8",
    )
    ws = Workspace(root, demo_ws.config)
    found = read_postcodes(ws)
    assert found["NW1 0AA"].ward == "E05013652" and found["NW1 0AA"].borough == "E09000007"


def test_a_lookup_without_a_postcode_column_is_a_one_line_error(
    demo_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("bad")
    (root / "lookups").mkdir()
    (root / "lookups" / "postcodes.csv").write_text("code,lsoa\nA,B\n", encoding="utf-8")
    with pytest.raises(PostcodeFileError, match=r"postcodes.csv: line 1: expected a postcode"):
        read_postcodes(Workspace(root, demo_ws.config))


def test_workspaces_without_a_lookup_search_names_only(client: TestClient) -> None:
    html = client.get("/search?q=EC2V 7HH").text
    assert "0 areas match" in html and "Postcode or area name" not in html
