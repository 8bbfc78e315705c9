"""Build the national reference files that ``scrutiny init --police-uk FORCE`` ships from.

Reads three ONS publications (a copy of each is in ``../shared/realdata``) and writes, into
``src/scrutiny/sources/national/``:

* ``lsoa_ward_la.csv.gz``: every 2011 LSOA of England and Wales with its 2019 ward and local
  authority, in the ONS lookup's own columns (so the ``lsoa_lookup`` reader reads it as is), with
  one change: districts abolished since 2019 (merged into Buckinghamshire, North and West
  Northamptonshire, Cumberland, Westmorland and Furness, North Yorkshire and Somerset) carry the
  code and name of the unitary authority that absorbed them whole, because the ONS population
  estimates (and so every rate per 1,000 residents) exist only for today's authorities;
* ``force_areas.csv``: each police force (data.police.uk id and name) and its local authorities,
  from the ONS LAD → CSP → PFA lookup of December 2016, carried through the 2019 and later merges;
* ``population.csv.gz``: the ONS mid-year estimates by local authority, 1998-2022, unchanged.

    python scripts/build_national_lookups.py ../shared/realdata
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "scrutiny" / "sources" / "national"
LSOA = "lookups/LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"
PFA = (
    "lookups/Local_Authority_District_to_Community_Safety_Partnerships_to_Police_Force_Areas__"
    "December_2016__Lookup_in_England_and_Wales.csv"
)
POPULATION = "population/ONS_LA_total_resident_population_1998-2022 (Table6).csv"

#: data.police.uk force id → (the force's name as its files spell it, ONS PFA16NM).
FORCES = {
    "avon-and-somerset": ("Avon and Somerset Constabulary", "Avon and Somerset"),
    "bedfordshire": ("Bedfordshire Police", "Bedfordshire"),
    "cambridgeshire": ("Cambridgeshire Constabulary", "Cambridgeshire"),
    "cheshire": ("Cheshire Constabulary", "Cheshire"),
    "city-of-london": ("City of London Police", "London, City of"),
    "cleveland": ("Cleveland Police", "Cleveland"),
    "cumbria": ("Cumbria Constabulary", "Cumbria"),
    "derbyshire": ("Derbyshire Constabulary", "Derbyshire"),
    "devon-and-cornwall": ("Devon & Cornwall Police", "Devon & Cornwall"),
    "dorset": ("Dorset Police", "Dorset"),
    "durham": ("Durham Constabulary", "Durham"),
    "dyfed-powys": ("Dyfed-Powys Police", "Dyfed-Powys"),
    "essex": ("Essex Police", "Essex"),
    "gloucestershire": ("Gloucestershire Constabulary", "Gloucestershire"),
    "greater-manchester": ("Greater Manchester Police", "Greater Manchester"),
    "gwent": ("Gwent Police", "Gwent"),
    "hampshire": ("Hampshire Constabulary", "Hampshire"),
    "hertfordshire": ("Hertfordshire Constabulary", "Hertfordshire"),
    "humberside": ("Humberside Police", "Humberside"),
    "kent": ("Kent Police", "Kent"),
    "lancashire": ("Lancashire Constabulary", "Lancashire"),
    "leicestershire": ("Leicestershire Police", "Leicestershire"),
    "lincolnshire": ("Lincolnshire Police", "Lincolnshire"),
    "merseyside": ("Merseyside Police", "Merseyside"),
    "metropolitan": ("Metropolitan Police Service", "Metropolitan Police"),
    "norfolk": ("Norfolk Constabulary", "Norfolk"),
    "north-wales": ("North Wales Police", "North Wales"),
    "north-yorkshire": ("North Yorkshire Police", "North Yorkshire"),
    "northamptonshire": ("Northamptonshire Police", "Northamptonshire"),
    "northumbria": ("Northumbria Police", "Northumbria"),
    "nottinghamshire": ("Nottinghamshire Police", "Nottinghamshire"),
    "south-wales": ("South Wales Police", "South Wales"),
    "south-yorkshire": ("South Yorkshire Police", "South Yorkshire"),
    "staffordshire": ("Staffordshire Police", "Staffordshire"),
    "suffolk": ("Suffolk Constabulary", "Suffolk"),
    "surrey": ("Surrey Police", "Surrey"),
    "sussex": ("Sussex Police", "Sussex"),
    "thames-valley": ("Thames Valley Police", "Thames Valley"),
    "warwickshire": ("Warwickshire Police", "Warwickshire"),
    "west-mercia": ("West Mercia Police", "West Mercia"),
    "west-midlands": ("West Midlands Police", "West Midlands"),
    "west-yorkshire": ("West Yorkshire Police", "West Yorkshire"),
    "wiltshire": ("Wiltshire Police", "Wiltshire"),
}

#: Districts created in 2019 (they are in the 2019 LSOA lookup but not the 2016 PFA lookup) and
#: one of the 2016 districts each absorbed, whose force they inherit.
MERGED_2019 = {
    "E06000058": "E06000028",  # Bournemouth, Christchurch and Poole <- Bournemouth (Dorset)
    "E06000059": "E07000049",  # Dorset <- East Dorset (Dorset)
    "E07000244": "E07000205",  # East Suffolk <- Suffolk Coastal (Suffolk)
    "E07000245": "E07000204",  # West Suffolk <- St Edmundsbury (Suffolk)
    "E07000246": "E07000190",  # Somerset West and Taunton <- Taunton Deane (Avon and Somerset)
}

#: 2019 districts abolished since, → the unitary authority that absorbed each whole (2020-2023).
MERGED_SINCE = {
    **dict.fromkeys(["E07000004", "E07000005", "E07000006", "E07000007"], "E06000060"),
    **dict.fromkeys(["E07000150", "E07000152", "E07000153", "E07000156"], "E06000061"),
    **dict.fromkeys(["E07000151", "E07000154", "E07000155"], "E06000062"),
    **dict.fromkeys(["E07000026", "E07000028", "E07000029"], "E06000063"),
    **dict.fromkeys(["E07000027", "E07000030", "E07000031"], "E06000064"),
    **dict.fromkeys([f"E0700016{i}" for i in range(3, 10)], "E06000065"),
    **dict.fromkeys(["E07000187", "E07000188", "E07000189", "E07000246"], "E06000066"),
}


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if lines and lines[0].startswith('"Table'):  # the population file's title row
        text = "\n".join(lines[1:])
    return list(csv.DictReader(io.StringIO(text)))


def _write_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(gzip.compress(buf.getvalue().encode(), compresslevel=9, mtime=0))


def main(realdata: Path) -> None:
    population = _rows(realdata / POPULATION)
    la_name = {r["LA code"]: r["LA name"] for r in population}
    lsoa = _rows(realdata / LSOA)
    rows = []
    for r in lsoa:
        la = MERGED_SINCE.get(r["LAD19CD"], r["LAD19CD"])
        name = la_name[la] if la != r["LAD19CD"] else r["LAD19NM"]
        rows.append([r["FID"], r["LSOA11CD"], r["LSOA11NM"], r["WD19CD"], r["WD19NM"], la, name])
    OUT.mkdir(parents=True, exist_ok=True)
    _write_gz(OUT / "lsoa_ward_la.csv.gz", list(lsoa[0].keys()), rows)

    force_of_lad16 = {r["LAD16CD"]: r["PFA16NM"] for r in _rows(realdata / PFA)}
    force_id = {pfa: fid for fid, (_, pfa) in FORCES.items()}
    areas: dict[tuple[str, str], str] = {}
    for r in lsoa:
        lad = r["LAD19CD"]
        pfa = force_of_lad16.get(lad) or force_of_lad16[MERGED_2019[lad]]
        la = MERGED_SINCE.get(lad, lad)
        areas[(force_id[pfa], la)] = la_name.get(la, r["LAD19NM"])
    missing = sorted({la for _, la in areas} - set(la_name))
    if missing:
        raise SystemExit(f"local authorities without a population estimate: {missing}")
    with (OUT / "force_areas.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["force_id", "force_name", "la_code", "la_name"])
        for (fid, la), name in sorted(areas.items()):
            writer.writerow([fid, FORCES[fid][0], la, name])
    pop_text = (realdata / POPULATION).read_bytes()
    (OUT / "population.csv.gz").write_bytes(gzip.compress(pop_text, compresslevel=9, mtime=0))


if __name__ == "__main__":
    default = next(p / "shared" / "realdata" for p in ROOT.parents if (p / "shared").is_dir())
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
