"""National reference data shipped with the package, and a workspace for any force made from it.

Three files, built from ONS publications by ``scripts/build_national_lookups.py`` (see
``ATTRIBUTION.md`` beside them):

* ``force_areas.csv``: the 43 territorial police forces of England and Wales by data.police.uk id,
  each with the local authorities it covers;
* ``lsoa_ward_la.csv.gz``: every 2011 LSOA → 2019 ward → local authority (districts merged since
  2019 under the authority that absorbed them, so population estimates exist for every one);
* ``population.csv.gz``: ONS mid-year estimates of residents by local authority, 1998-2022;
* ``la_boundaries.topojson.gz``: simplified outlines of those local authorities, dissolved from
  the ONS 2011 LSOA boundaries by ``scripts/build_boundaries.py``.

:func:`write_police_uk_workspace` writes a workspace for one force: its own local authorities as
the areas below force, their residents, the national lookup (so records a force placed outside
its area are told apart from records with no place), the outlines of its local authorities for
the map, and data.police.uk street files as the crime source. Nothing of any other force, and
nothing London-specific, goes in.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from scrutiny.config.periods import Quarter, add_months

LOOKUP_FILE = "lsoa_ward_la.csv.gz"
BOUNDARIES_FILE = "la_boundaries.topojson.gz"
#: What the outlines' licence asks every map that shows them to say (OGL v3.0, OS data).
BOUNDARIES_CREDIT = (
    "Office for National Statistics, licensed under the Open Government Licence v3.0; "
    "contains OS data © Crown copyright and database right"
)
_STREET_FILE = re.compile(r"([0-9]{4}-[0-9]{2})-[a-z0-9-]+-street\.csv$")


@dataclass(frozen=True)
class Force:
    id: str  # data.police.uk's id, e.g. essex
    name: str  # as its files spell it, e.g. Essex Police
    local_authorities: dict[str, str]  # ONS code → name


def _data(name: str) -> bytes:
    return (resources.files(__package__) / name).read_bytes()


def forces() -> dict[str, Force]:
    """Every territorial force of England and Wales, by data.police.uk id."""
    found: dict[str, Force] = {}
    for row in csv.DictReader(io.StringIO(_data("force_areas.csv").decode())):
        force = found.setdefault(row["force_id"], Force(row["force_id"], row["force_name"], {}))
        force.local_authorities[row["la_code"]] = row["la_name"]
    return found


def force(force_id: str) -> Force:
    """One force by data.police.uk id; ValueError lists the ids when it is not one."""
    known = forces()
    if force_id not in known:
        raise ValueError(
            f"unknown police force {force_id!r}; expected a data.police.uk id: "
            + ", ".join(sorted(known))
        )
    return known[force_id]


def population_csv(codes: set[str]) -> str:
    """The ONS population table (real header row first) for the given local authorities."""
    text = gzip.decompress(_data("population.csv.gz")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    start = next(i for i, r in enumerate(rows) if "LA code" in r)
    code_col = rows[start].index("LA code")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[start])
    writer.writerows(r for r in rows[start + 1 :] if r and r[code_col] in codes)
    return out.getvalue()


def boundaries_topojson(codes: set[str]) -> dict[str, object]:
    """The shipped TopoJSON cut down to the given local authorities (their arcs only, renumbered;
    the quantisation is kept). Raises ValueError naming any authority it has no outline for."""
    topo = json.loads(gzip.decompress(_data(BOUNDARIES_FILE)))
    (name, collection), *_ = topo["objects"].items()
    kept = [g for g in collection["geometries"] if g["id"] in codes]
    missing = codes - {g["id"] for g in kept}
    if missing:
        raise ValueError(f"{BOUNDARIES_FILE}: no outline for {', '.join(sorted(missing))}")
    renumber: dict[int, int] = {}
    arcs: list[object] = []

    def ref(i: int) -> int:
        j = i if i >= 0 else ~i
        if j not in renumber:
            renumber[j] = len(arcs)
            arcs.append(topo["arcs"][j])
        return renumber[j] if i >= 0 else ~renumber[j]

    for g in kept:
        g["arcs"] = [[[ref(i) for i in ring] for ring in poly] for poly in g["arcs"]]
    collection = {"type": "GeometryCollection", "geometries": kept}
    return {"type": "Topology", "transform": topo["transform"], "objects": {name: collection},
            "arcs": arcs, "attribution": BOUNDARIES_CREDIT}  # fmt: skip


def latest_quarter(data: Path | None, today: date | None = None) -> Quarter:
    """The last financial quarter the street files under ``data`` cover in full; without files,
    the last quarter ended two months before ``today`` (data.police.uk's usual lag)."""
    months = sorted(
        m[1] for p in (data.rglob("*.csv") if data and data.is_dir() else [])
        if (m := _STREET_FILE.search(p.name))
    )  # fmt: skip
    if months:
        last = date.fromisoformat(months[-1] + "-01")
    else:
        last = add_months((today or date.today()).replace(day=1), -3)
    q = Quarter.containing(last)
    return q if q.last_month == last else q.shift(-1)


ATTRIBUTION = """# Data in this workspace

- `data/population/population.csv` — Office for National Statistics, mid-year population
  estimates, total residents by local authority (the force's own local authorities).
- `data/lookups/lsoa_ward_la.csv.gz` — Office for National Statistics, LSOA (2011) to ward (2019)
  to local authority lookup, England and Wales; districts merged since 2019 carry the code of
  the unitary authority that absorbed them.
- `boundaries/borough.topojson` — the force's local authorities' outlines, dissolved and
  simplified from Office for National Statistics, LSOA (December 2011) Boundaries Super
  Generalised Clipped (BSC) EW V3. Contains OS data © Crown copyright and database right.
- The force's local authorities come from the ONS Local Authority District to Community Safety
  Partnership to Police Force Area lookup (December 2016), carried through later mergers.
- Crime: data.police.uk street-level crime files (Home Office).

Contains public sector information licensed under the Open Government Licence v3.0
(Office for National Statistics; Home Office, data.police.uk).
Open Government Licence v3.0: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/
"""


def workspace_config(f: Force, data: str, quarter: Quarter) -> dict[str, object]:
    """The ``scrutiny.yaml`` of a police.uk-only workspace for force ``f``."""
    from scrutiny.sources.police_uk_counts import ANTI_SOCIAL_BEHAVIOUR, CRIME_TYPES

    crime = [t for t in CRIME_TYPES if t != ANTI_SOCIAL_BEHAVIOUR]
    return {
        "force": f.name,
        "force_code": f.id,
        "current_quarter": str(quarter),
        "sources": [
            {
                "kind": "population",
                "path": "data/population",
                "description": "ONS mid-year estimates, residents by local authority",
            },
            {
                "kind": "lsoa_lookup",
                "path": f"data/lookups/{LOOKUP_FILE}",
                "description": "ONS LSOA (2011) -> ward (2019) -> local authority",
            },
            {
                "kind": "police_uk_street",
                "path": data,
                "description": "data.police.uk street-level crime, one file per month",
            },
        ],
        "local_authorities": sorted(f.local_authorities),
        "category_groups": [{"name": "All crime", "major": crime}],
        "change_points": [
            {"month": "2020-04", "reason": "First full month of the first national lockdown"},
            {
                "month": "2021-08",
                "reason": "First full month after the end of legal Covid-19 restrictions "
                "in England (19 July 2021)",
            },
        ],
        "settings": {"headline_categories": ["All crime"]},
    }


def _relative_to(path: Path, folder: Path) -> str:
    """``path`` as the workspace's configuration spells it: relative to ``folder`` (so the two
    can move together), or absolute where no relative path exists (another drive)."""
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:
        return str(path)


def write_police_uk_workspace(folder: Path, force_id: str, data: Path | None = None) -> Path:
    """Write a new workspace for one force; ``data``: a folder of data.police.uk files (default:
    ``data/police_uk`` inside the workspace, created empty). Returns the ``scrutiny.yaml``."""
    f = force(force_id)
    if folder.exists():
        raise ValueError(f"{folder}: already exists; choose a new folder")
    (folder / "data" / "lookups").mkdir(parents=True)
    (folder / "data" / "population").mkdir()
    if data is None:
        (folder / "data" / "police_uk").mkdir()
        data_path = "data/police_uk"
    else:
        data_path = _relative_to(data.resolve(), folder.resolve())
    (folder / "data" / "lookups" / LOOKUP_FILE).write_bytes(_data(LOOKUP_FILE))
    (folder / "data" / "population" / "population.csv").write_text(
        population_csv(set(f.local_authorities)), encoding="utf-8"
    )
    (folder / "boundaries").mkdir()
    (folder / "boundaries" / "borough.topojson").write_text(
        json.dumps(boundaries_topojson(set(f.local_authorities)), separators=(",", ":")),
        encoding="utf-8",
    )
    (folder / "LICENCE-DATA.md").write_text(ATTRIBUTION, encoding="utf-8")
    config = workspace_config(f, data_path, latest_quarter(data))
    file = folder / "scrutiny.yaml"
    header = (
        f"# {f.name}: a workspace on data.police.uk street-level crime files, written by\n"
        f"# `scrutiny init --police-uk {f.id}`. Rates per 1,000 are per resident (ONS).\n"
    )
    file.write_text(
        header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return file
