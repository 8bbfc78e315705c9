"""Census usual residents by ethnic group and local authority (Nomis table QS201EW or TS021).

The header names each column ``Ethnic Group: <name>; measures: Value``; the five top-level groups
(White, Mixed, Asian, Black, Other) are the columns whose name has no ``:`` after the prefix, and
are what stop-and-search disproportionality divides by (officer-defined ethnicity uses the same
five groups). The census year is the ``date`` column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from scrutiny.sources.text import csv_rows, decode
from scrutiny.store.warehouse import Batch, IngestError

KIND = "population_by_ethnic_group"
TABLE = "population_ethnic_group"
#: The top-level groups, as officer-defined ethnicity names them.
GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
_COLUMN = re.compile(r"^Ethnic Group: ([^:;]+); measures: Value$")


def read_ethnic_population(path: Path) -> Batch:
    rows = csv_rows(path, decode(path, path.read_bytes()))
    header_line, header = next(iter(rows), (1, []))
    header = [h.strip() for h in header]
    wanted = {"date", "geography", "geography code"}
    if not wanted <= set(header):
        raise IngestError(
            f"{path.name}: line {header_line}: expected columns 'date', 'geography' and "
            "'geography code' (a Nomis census table by local authority)"
        )
    groups = {
        m.group(1): i
        for i, h in enumerate(header)
        if (m := _COLUMN.match(h)) and m.group(1) in GROUPS
    }
    missing = [g for g in GROUPS if g not in groups]
    if missing:
        raise IngestError(
            f"{path.name}: line {header_line}: no column 'Ethnic Group: {missing[0]}; measures: "
            "Value' (the five top-level groups are needed)"
        )
    year_col, name_col, code_col = (
        header.index(c) for c in ("date", "geography", "geography code")
    )
    out: dict[str, list] = {
        k: [] for k in ("area_code", "area_name", "year", "ethnic_group", "population")
    }
    years = set()
    for line, fields in rows:
        if len(fields) != len(header):
            raise IngestError(
                f"{path.name}: line {line}: expected {len(header)} fields, got {len(fields)}"
            )
        year = fields[year_col].strip()
        if not (year.isdigit() and len(year) == 4):
            raise IngestError(
                f"{path.name}: line {line}, column 'date': expected a census year, got '{year}'"
            )
        years.add(year)
        for group, col in groups.items():
            value = fields[col].strip().replace(",", "")
            if not value.isdigit():
                raise IngestError(
                    f"{path.name}: line {line}, column '{header[col]}': expected a whole number "
                    f"of residents, got '{fields[col]}'"
                )
            out["area_code"].append(fields[code_col].strip())
            out["area_name"].append(fields[name_col].strip())
            out["year"].append(int(year))
            out["ethnic_group"].append(group)
            out["population"].append(int(value))
    if not out["area_code"]:
        raise IngestError(f"{path.name}: no rows below the header")
    table = pa.table(
        {
            "area_code": pa.array(out["area_code"], pa.string()),
            "area_name": pa.array(out["area_name"], pa.string()),
            "year": pa.array(out["year"], pa.int32()),
            "ethnic_group": pa.array(out["ethnic_group"], pa.string()),
            "population": pa.array(out["population"], pa.int64()),
        }
    )
    return Batch(path, KIND, TABLE, table, f"{max(years)}03")
