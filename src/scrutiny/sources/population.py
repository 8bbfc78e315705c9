"""ONS mid-year population estimates by local authority (one column per year).

Spreadsheet exports often leave a title row above the real header: the header is the first row
that names an ``LA code`` column.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from scrutiny.sources.text import csv_rows, decode
from scrutiny.store.warehouse import Batch, IngestError

KIND = "population"
_HEADER_SCAN = 5


def read_population(path: Path) -> Batch:
    rows = csv_rows(path, decode(path, path.read_bytes()))
    header: list[str] | None = None
    for line, fields in rows:
        if "LA code" in [f.strip() for f in fields]:
            header = [f.strip() for f in fields]
            break
        if line >= _HEADER_SCAN:
            break
    if header is None:
        raise IngestError(
            f"{path.name}: line 1: expected a header row with 'LA code' and 'LA name' columns "
            f"within the first {_HEADER_SCAN} lines"
        )
    code_col, name_col = header.index("LA code"), header.index("LA name")
    region_col = next((i for i, h in enumerate(header) if "region" in h.lower()), None)
    year_cols = [(i, int(h)) for i, h in enumerate(header) if h.isdigit() and len(h) == 4]
    if not year_cols:
        raise IngestError(
            f"{path.name}: line {line}: expected year columns (e.g. 2022), found none"
        )
    codes, names, regions, years, pops = [], [], [], [], []
    for line, fields in rows:
        if len(fields) != len(header):
            raise IngestError(
                f"{path.name}: line {line}: expected {len(header)} fields, got {len(fields)}"
            )
        for col, year in year_cols:
            value = fields[col].strip().replace(",", "")
            if not value.isdigit():
                raise IngestError(
                    f"{path.name}: line {line}, column '{header[col]}': "
                    f"expected a whole number of residents, got '{fields[col]}'"
                )
            codes.append(fields[code_col].strip())
            names.append(fields[name_col].strip())
            regions.append(fields[region_col].strip() if region_col is not None else None)
            years.append(year)
            pops.append(int(value))
    table = pa.table(
        {
            "area_code": codes,
            "area_name": names,
            "region": pa.array(regions, pa.string()),
            "year": pa.array(years, pa.int32()),
            "population": pa.array(pops, pa.int64()),
        }
    )
    return Batch(path, KIND, "population", table, f"{max(y for _, y in year_cols)}12")
