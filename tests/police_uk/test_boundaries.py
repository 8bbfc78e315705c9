"""The local-authority outlines shipped for ``scrutiny init --police-uk``: every authority of
every force has one, neighbours come out as they are on the ground, and a new workspace gets its
own authorities' outlines (and nothing else) for the map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrutiny.sources.national import boundaries_topojson, forces, write_police_uk_workspace
from scrutiny.web import geo

SOUTHEND, CASTLE_POINT, ROCHFORD = "E06000033", "E07000069", "E07000075"
CITY = "E09000001"
#: The City of London's neighbours on the north bank (the Thames separates it from Southwark).
CITY_NEIGHBOURS = ["E09000007", "E09000012", "E09000019", "E09000030", "E09000033"]


def test_every_local_authority_of_every_force_has_an_outline() -> None:
    codes = {c for f in forces().values() for c in f.local_authorities}
    shapes = geo.decode(boundaries_topojson(codes)).shapes
    assert {s.key for s in shapes} == codes
    for s in shapes:
        assert s.polygons and all(len(r) >= 4 for p in s.polygons for r in p), s.key


def test_neighbours_are_those_on_the_ground() -> None:
    essex = forces()["essex"].local_authorities
    shapes = {s.key: s for s in geo.decode(boundaries_topojson(set(essex))).shapes}
    assert len(shapes) == len(essex) == 14
    assert geo.neighbours(shapes)[SOUTHEND] == [CASTLE_POINT, ROCHFORD]
    london = forces()["metropolitan"].local_authorities.keys() | {CITY}
    shapes = {s.key: s for s in geo.decode(boundaries_topojson(set(london))).shapes}
    assert geo.neighbours(shapes)[CITY] == CITY_NEIGHBOURS


def test_the_outlines_lie_where_the_authorities_are() -> None:
    (city,) = geo.decode(boundaries_topojson({CITY})).shapes
    lons = [p[0] for poly in city.polygons for r in poly for p in r]
    lats = [p[1] for poly in city.polygons for r in poly for p in r]
    # The City runs from Temple (about -0.114) to Aldgate (about -0.072), 51.507 to 51.522.
    assert -0.118 < min(lons) < -0.108 and -0.078 < max(lons) < -0.070
    assert 51.504 < min(lats) < 51.511 and 51.518 < max(lats) < 51.525


def test_unknown_authority_is_named() -> None:
    with pytest.raises(ValueError, match="no outline for E09999999"):
        boundaries_topojson({CITY, "E09999999"})


def test_a_new_workspace_ships_its_own_authorities_outlines(tmp_path: Path) -> None:
    write_police_uk_workspace(tmp_path / "ws", "essex")
    topo = json.loads((tmp_path / "ws" / "boundaries" / "borough.topojson").read_text())
    keys = {s.key for s in geo.decode(topo).shapes}
    assert keys == set(forces()["essex"].local_authorities)
    assert "Contains OS data" in geo.decode(topo).attribution.replace("contains", "Contains")
    licence = (tmp_path / "ws" / "LICENCE-DATA.md").read_text()
    assert "boundaries/borough.topojson" in licence and "Contains OS data" in licence
