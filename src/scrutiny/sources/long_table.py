"""Any long table of crime counts (CSV or Parquet), read through a column mapping.

A force's own indicator extracts come as long tables — one row per (month, area, category,
measure) — with their own column names. The workspace maps them onto the canonical crime columns
(``sources: - kind: long_table``): each canonical field is read from a column (``columns``) or is
one value for every row (``constants``), and ``values`` maps the file's values onto canonical ones
(e.g. ``measure: {Offences: offences, Positive Outcomes: positive_outcomes}``; rows whose value is
not listed are left out, and ingest says how many). No code is needed for a new extract.

Places: an area code is used as given (trimmed); a row with no code is placed by its area name
(ONS local-authority names and the workspace's force-only areas); a row with neither, or a name
no area has (e.g. 'N/K', 'Non MET police force'), counts in the force's ``unallocated`` area.

Rows for the same cell are refused unless the source says ``duplicates: sum`` (e.g. two
neighbourhood teams published under one ward code).

Months: every category of the file is published in every month from its first to its last, so a
month without a row is a zero (long extracts leave zero rows out).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scrutiny.config.geography import AreaNames
from scrutiny.config.workspace import Source
from scrutiny.sources.text import check_line_lengths
from scrutiny.store.crime import UNALLOCATED, UNALLOCATED_NAME
from scrutiny.store.warehouse import Batch, IngestError

KIND = "long_table"


def read_table(path: Path) -> pa.Table:
    """The file as an Arrow table: Parquet by its extension, else CSV (UTF-8, header row)."""
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pq.read_table(path)
        check_line_lengths(path)  # Arrow would buffer a huge line whole
        options = pacsv.ConvertOptions(strings_can_be_null=True)
        return pacsv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, OSError) as exc:
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(f"{path.name}: not a readable table: {what}") from None


def read_long_table(path: Path, source: Source, names: AreaNames) -> Batch:
    """Map one long file onto ``crime_facts`` rows; raise IngestError on the first bad value."""
    table = read_table(path)
    n = table.num_rows
    offset = 2 if path.suffix.lower() not in (".parquet", ".pq") else 1  # line or row numbers
    where = "line" if offset == 2 else "row"

    def field(name: str) -> list[Any] | None:
        if name in source.columns:
            column = source.columns[name]
            if column not in table.column_names:
                raise IngestError(
                    f"{path.name}: no column '{column}' (mapped to {name}); "
                    f"the file has {', '.join(table.column_names)}"
                )
            return table.column(column).to_pylist()
        if name in source.constants:
            return [source.constants[name]] * n
        return None

    raw = {f: field(f) for f in ("month", "area_code", "area_name", "area_level")}
    raw |= {f: field(f) for f in ("category_group", "category", "measure", "count")}
    kept = [True] * n
    unmapped: dict[tuple[str, str], int] = defaultdict(int)  # (field, value) → rows left out
    for name, mapping in source.values.items():
        column = raw.get(name)
        if column is None:
            continue
        mapped: list[Any] = []
        for i, v in enumerate(column):
            text = "" if v is None else str(v).strip()
            if text in mapping:
                mapped.append(mapping[text])
            else:
                mapped.append(None)
                if kept[i]:  # a row counts once, under the first field that drops it
                    unmapped[(name, text)] += 1
                kept[i] = False
        raw[name] = mapped

    cells: dict[tuple[date, str, str, str, str, str], int] = defaultdict(int)
    area_names: dict[tuple[str, str], str] = {}
    unallocated = 0
    for i in range(n):
        if not kept[i]:
            continue
        at = f"{path.name}: {where} {i + offset}"
        month = _month(raw["month"][i] if raw["month"] else None, at, source.columns.get("month"))
        level = _text(raw["area_level"][i] if raw["area_level"] else None)
        category = _text(raw["category"][i] if raw["category"] else None)
        measure = _text(raw["measure"][i] if raw["measure"] else None)
        if not level or not category or not measure:
            missing = "area_level" if not level else "category" if not category else "measure"
            raise IngestError(
                f"{at}, column '{source.columns.get(missing, missing)}': expected a value, got ''"
            )
        group = _text(raw["category_group"][i]) if raw["category_group"] else ""
        code = _text(raw["area_code"][i]) if raw["area_code"] else ""
        name = _text(raw["area_name"][i]) if raw["area_name"] else ""
        if not code and name:
            code = names.code(name) or ""
            name = names.name(code) if code else name
        if not code:
            code, name = UNALLOCATED, UNALLOCATED_NAME
        count = _count(raw["count"][i] if raw["count"] else None, at, source.columns.get("count"))
        key = (month, level, code, group, category, measure)
        if key in cells and code != UNALLOCATED and source.duplicates == "refuse":
            raise IngestError(
                f"{at}: a second row for {category} ({measure}) in {name or code}, "
                f"{month:%Y-%m}; expected one row per month, area, category and measure"
            )
        cells[key] += count
        area_names[(level, code)] = name or code
        if code == UNALLOCATED:
            unallocated += count
    if not cells:
        raise IngestError(f"{path.name}: no rows left after the column and value mapping")

    keys = sorted(cells)
    rows = pa.table(
        {
            "month": pa.array([k[0] for k in keys], pa.date32()),
            "geo_level": [k[1] for k in keys],
            "area_code": [k[2] for k in keys],
            "area_name": [area_names[(k[1], k[2])] for k in keys],
            "scheme": [source.scheme or ""] * len(keys),
            "category_group": [k[3] for k in keys],
            "category": [k[4] for k in keys],
            "measure": [k[5] for k in keys],
            "count": pa.array([cells[k] for k in keys], pa.int64()),
        }
    )
    vintage = source.vintage or _vintage_of(table, source, path, max(k[0] for k in keys))
    notes = (unmapped_note(unmapped),) if unmapped else ()
    return Batch(path, KIND, "crime_facts", rows, vintage, (), source.scheme or "", None, notes)


def unmapped_note(unmapped: dict[tuple[str, str], int]) -> str:
    """'N rows left out, their value not in the mapping: measure 'X' (n), ...'."""
    listed = ", ".join(
        f"{name} '{value}' ({count:,})" for (name, value), count in sorted(unmapped.items())
    )
    return (
        f"{sum(unmapped.values()):,} rows left out, their value not in the workspace's "
        f"values mapping: {listed}"
    )


def _vintage_of(table: pa.Table, source: Source, path: Path, last_month: date) -> str:
    """The latest date in the vintage column, else the last month the file covers."""
    if source.vintage_column:
        if source.vintage_column not in table.column_names:
            raise IngestError(f"{path.name}: no column '{source.vintage_column}' (vintage_column)")
        found = [
            _month(v, f"{path.name}: vintage", source.vintage_column)
            for v in table.column(source.vintage_column).to_pylist()
            if v is not None
        ]
        if found:
            return max(found).strftime("%Y%m")
    return last_month.strftime("%Y%m")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _month(value: Any, at: str, column: str | None) -> date:
    if isinstance(value, datetime):
        return date(value.year, value.month, 1)
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    text = _text(value)
    digits = text.replace("-", "").replace("/", "")
    if len(digits) >= 6 and digits[:6].isdigit():
        year, month = int(digits[:4]), int(digits[4:6])
        if 1 <= month <= 12:
            return date(year, month, 1)
    raise IngestError(
        f"{at}, column '{column or 'month'}': expected a month (YYYY-MM, YYYYMM or a date), "
        f"got '{text}'"
    )


def _count(value: Any, at: str, column: str | None) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    text = _text(value)
    if text.isdigit():
        return int(text)
    raise IngestError(
        f"{at}, column '{column or 'count'}': expected a whole number (0 or more), got '{text}'"
    )
