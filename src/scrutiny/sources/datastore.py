"""London Datastore borough-level and ward-level crime: wide monthly CSVs.

One row per (major category, minor category, area), one column per month (``YYYYMM``). Both
vintages are read: Title Case with ``LookUp_BoroughName``, and UPPER CASE with ``BoroughName``
(or ``LookUp_BoroughName``) and ward columns. Ward files also yield borough totals (the sum of
their wards) so a borough series runs on past the end of the borough files.

Rows whose borough is published as 'Unknown' have no place: they load into the force's
``unallocated`` area (counted in the force total, in no borough), and ingest reports them.
Every category a file names is published in every month column of the file: a 0 is a zero.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pyarrow as pa

from scrutiny.config.geography import AreaNames, name_key
from scrutiny.config.periods import parse_month_column
from scrutiny.sources.categories import canonical_category
from scrutiny.sources.text import check_line_lengths, csv_rows, decode
from scrutiny.store.crime import OFFENCES, UNALLOCATED, UNALLOCATED_NAME
from scrutiny.store.warehouse import Batch, IngestError

KIND = "datastore"
#: The category scheme of the Datastore files: major and minor categories (Home Office
#: offence groups as the force publishes them).
SCHEME = "datastore"
MEASURE = OFFENCES
#: Borough names that mean "no place": their rows go to the unallocated area.
_NO_PLACE = {"unknown", "not known", "unknown borough"}
_BOROUGH_COLUMNS = ("LookUp_BoroughName", "BoroughName")
_WARD_COLUMNS = ("WardName", "WardCode")


def read_datastore(path: Path, names: AreaNames, vintage: str | None = None) -> Batch:
    """Parse one file into ``crime_facts`` rows; raise IngestError on the first bad cell.

    The vintage is the last month the file covers unless ``vintage`` (YYYYMM) overrides it."""
    check_line_lengths(path)  # before reading it whole: a damaged file may be one huge line
    text = decode(path, path.read_bytes())
    rows = csv_rows(path, text)
    try:
        _, header = next(rows)
    except StopIteration:
        raise IngestError(f"{path.name}: line 1: the file is empty, expected a header") from None
    layout = _Layout.from_header(path, header)

    cells: dict[tuple[date, str, str, str, str], int] = {}
    borough_sums: dict[tuple[date, str, str, str], int] = defaultdict(int)
    ward_names: dict[str, str] = {}
    ward_parent: dict[str, str] = {}
    for line, fields in rows:
        if len(fields) != len(header):
            raise IngestError(
                f"{path.name}: line {line}: expected {len(header)} fields, got {len(fields)} "
                "(truncated or damaged row)"
            )
        major = canonical_category(fields[0])
        minor = canonical_category(fields[1])
        if not major or not minor:
            column = header[0] if not major else header[1]
            raise IngestError(f"{path.name}: line {line}, column '{column}': expected a category")
        borough_name = fields[layout.borough_col]
        no_place = name_key(borough_name) in _NO_PLACE
        borough = UNALLOCATED if no_place else names.code(borough_name)
        if borough is None:
            raise IngestError(
                f"{path.name}: line {line}, column '{header[layout.borough_col]}': "
                f"expected a borough of the force, got '{borough_name}'"
            )
        ward = fields[layout.ward_code_col].strip() if layout.ward_code_col is not None else None
        if no_place:
            ward = None  # a row with no borough has no ward either: it counts for the force only
        elif layout.ward_code_col is not None and not ward:
            raise IngestError(
                f"{path.name}: line {line}, column 'WardCode': expected a ward code, got ''"
            )
        if ward:
            ward_parent[ward] = borough
            if layout.ward_name_col is not None:
                ward_names[ward] = fields[layout.ward_name_col].strip()
        for col, month in layout.months:
            count = _count(path, line, header[col], fields[col])
            if ward:
                key = (month, "ward", ward, major, minor)
                borough_sums[(month, borough, major, minor)] += count
            else:
                key = (month, "borough", borough, major, minor)
            if no_place:  # rows without a place may come split (e.g. by ward name): add them up
                cells[key] = cells.get(key, 0) + count
                continue
            if key in cells:
                raise IngestError(
                    f"{path.name}: line {line}: a second row for {minor} in "
                    f"{ward or borough_name} ({header[col]}); "
                    "expected one row per category and area"
                )
            cells[key] = count
    for (month, borough, major, minor), count in borough_sums.items():
        cells[(month, "borough", borough, major, minor)] = count

    def area_name(level: str, code: str) -> str:
        if code == UNALLOCATED:
            return UNALLOCATED_NAME
        return ward_names.get(code, code) if level == "ward" else names.name(code)

    keys = sorted(cells)
    table = pa.table(
        {
            "month": pa.array([k[0] for k in keys], pa.date32()),
            "geo_level": [k[1] for k in keys],
            "area_code": [k[2] for k in keys],
            "area_name": [area_name(k[1], k[2]) for k in keys],
            "scheme": [SCHEME] * len(keys),
            "category_group": [k[3] for k in keys],
            "category": [k[4] for k in keys],
            "measure": [MEASURE] * len(keys),
            "count": pa.array([cells[k] for k in keys], pa.int64()),
        }
    )
    vintage = vintage or max(m for _, m in layout.months).strftime("%Y%m")
    categories = sorted({(k[3], k[4]) for k in keys})
    months = sorted({m for _, m in layout.months})
    levels = ["borough", "ward"] if layout.ward_code_col is not None else ["borough"]
    cells_published = [(lv, c, m) for lv in levels for c in categories for m in months]
    published = pa.table(
        {
            "geo_level": [lv for lv, _, _ in cells_published],
            "measure": [MEASURE] * len(cells_published),
            "category_group": [c[0] for _, c, _ in cells_published],
            "category": [c[1] for _, c, _ in cells_published],
            "month": pa.array([m for _, _, m in cells_published], pa.date32()),
        }
    )
    wards = sorted(ward_parent.items())
    ward_areas = pa.table(
        {
            "geo_level": ["ward"] * len(wards),
            "area_code": [w for w, _ in wards],
            "area_name": [ward_names.get(w, w) for w, _ in wards],
            "parent_code": [b for _, b in wards],
        }
    )
    also = (("areas", ward_areas),) if wards else ()
    return Batch(path, KIND, "crime_facts", table, vintage, also, SCHEME, published)


class _Layout:
    """Where the columns are in one file's header."""

    def __init__(
        self,
        borough_col: int,
        ward_code_col: int | None,
        ward_name_col: int | None,
        months: list[tuple[int, date]],
    ):
        self.borough_col = borough_col
        self.ward_code_col = ward_code_col
        self.ward_name_col = ward_name_col
        self.months = months

    @classmethod
    def from_header(cls, path: Path, header: list[str]) -> _Layout:
        header = [h.strip() for h in header]
        if header[:2] != ["MajorText", "MinorText"]:
            got = ",".join(header[:2])
            raise IngestError(
                f"{path.name}: line 1, column 1: expected the header to start "
                f"'MajorText,MinorText', got '{got}'"
            )
        borough_col = next((header.index(c) for c in _BOROUGH_COLUMNS if c in header), None)
        if borough_col is None:
            raise IngestError(
                f"{path.name}: line 1: expected a borough column "
                f"({' or '.join(_BOROUGH_COLUMNS)}), got '{','.join(header[:5])}'"
            )
        ward_code = header.index("WardCode") if "WardCode" in header else None
        ward_name = header.index("WardName") if "WardName" in header else None
        fixed = {0, 1, borough_col, ward_code, ward_name}
        months = []
        for col, name in enumerate(header):
            if col in fixed:
                continue
            month = parse_month_column(name)
            if month is None:
                raise IngestError(
                    f"{path.name}: line 1, column {col + 1} '{name}': expected a month as YYYYMM"
                )
            months.append((col, month))
        if not months:
            raise IngestError(f"{path.name}: line 1: expected month columns (YYYYMM), found none")
        return cls(borough_col, ward_code, ward_name, months)


def _count(path: Path, line: int, column: str, value: str) -> int:
    text = value.strip()
    if text.isdigit():
        return int(text)
    what = "a negative number" if text.startswith("-") and text[1:].isdigit() else f"'{value}'"
    raise IngestError(
        f"{path.name}: line {line}, column '{column}': expected a whole number of offences "
        f"(0 or more), got {what}"
    )
