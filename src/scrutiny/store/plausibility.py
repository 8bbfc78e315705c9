"""A publication must be plausible before it may replace data.

Damaged files used to replace good months: a file with NUL bytes cut a borough's month from
2,002 offences to 391 and created a category named ``\\x00\\x00\\x00miscellaneous…``; a file
named for one month held another's rows. Two kinds of check, both before anything is written:

* the batch alone (:func:`check_text`, :func:`check_not_empty`, :func:`check_months`): no
  control characters in any text field, at least one row, every month inside the months the
  file's name promises and none after its vintage;
* the batch against the store (:func:`revision_drops`): a replacement may not make a unit's
  total (a month-area-measure) fall by more than a set share (default 50%) unless the
  operator accepts the revisions (``scrutiny ingest --accept-revisions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

#: C0 control characters and DEL: never part of an area, category or measure name.
_CONTROL = r"[\x00-\x1f\x7f]"
#: ``202202-202401`` (a range of months) in a file name.
_RANGE_IN_NAME = re.compile(r"(?<!\d)(\d{4})(\d{2})-(\d{4})(\d{2})(?!\d)")
#: ``2019-06`` (one month) in a file name, as data.police.uk names its files.
_MONTH_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?![\d])")
#: The default largest share of a unit's total a replacement may remove.
MAX_DROP = 0.5
#: Units smaller than this are not judged (a ward month of 3 offences revised to 1 is normal).
MIN_TOTAL = 20


class ImplausibleError(ValueError):
    """A batch that is not a plausible publication; one line naming the file and the fault."""


def check_text(rows: pa.Table, name: str) -> None:
    """No control character (NUL, escape, …) in any text field."""
    for column in rows.column_names:
        values = rows.column(column)
        if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
            continue
        bad = pc.match_substring_regex(values, _CONTROL)
        if pc.any(bad).as_py():
            index = pc.index(bad, True).as_py()
            value = values[index].as_py()
            raise ImplausibleError(
                f"{name}: a control character in {column} {value!r} (the file is damaged or "
                "not text); nothing was loaded"
            )


def check_not_empty(rows: pa.Table, name: str) -> None:
    """A publication with no data rows (a header alone, or nothing) replaces nothing."""
    if rows.num_rows == 0:
        raise ImplausibleError(f"{name}: no data rows (a header alone or an empty file)")


def months_in_name(name: str) -> tuple[date, date] | None:
    """The first and last month a file's name promises, if it names any."""
    if found := _RANGE_IN_NAME.search(name):
        y1, m1, y2, m2 = (int(g) for g in found.groups())
        if 1 <= m1 <= 12 and 1 <= m2 <= 12:
            return date(y1, m1, 1), date(y2, m2, 1)
    if found := _MONTH_IN_NAME.search(name):
        y, m = int(found[1]), int(found[2])
        if 1 <= m <= 12:
            return date(y, m, 1), date(y, m, 1)
    return None


def check_months(rows: pa.Table, name: str, vintage: str) -> None:
    """Every month inside the months the name promises, and none after the vintage."""
    if rows.num_rows == 0 or "month" not in rows.column_names:
        return
    first, last = pc.min(rows.column("month")).as_py(), pc.max(rows.column("month")).as_py()
    promised = months_in_name(name)
    if promised and (first < promised[0] or last > promised[1]):
        span = f"{promised[0]:%Y-%m}" + (
            f" to {promised[1]:%Y-%m}" if promised[1] != promised[0] else ""
        )
        outside = first if first < promised[0] else last
        raise ImplausibleError(
            f"{name}: rows for {outside:%Y-%m}, but the file's name says {span}; nothing was loaded"
        )
    if re.fullmatch(r"\d{6}", vintage):
        end = date(int(vintage[:4]), int(vintage[4:]), 1)
        if last > end:
            raise ImplausibleError(
                f"{name}: rows for {last:%Y-%m}, after the publication's vintage "
                f"{end:%Y-%m}; nothing was loaded"
            )


def check_batch(rows: pa.Table, path: Path | str, vintage: str) -> None:
    """Every check on the batch alone."""
    name = Path(path).name
    check_not_empty(rows, name)
    check_text(rows, name)
    check_months(rows, name, vintage)


@dataclass(frozen=True)
class Drop:
    """A unit whose total a replacement would cut by more than allowed."""

    month: date
    geo_level: str
    area_code: str
    area_name: str
    measure: str
    before: int
    after: int

    def describe(self) -> str:
        share = 100 * (self.before - self.after) / self.before
        return (
            f"{self.area_name} ({self.geo_level}) {self.month:%Y-%m} {self.measure}: "
            f"{self.before:,} → {self.after:,} (−{share:.0f}%)"
        )


def revision_drops(
    con: duckdb.DuckDBPyConnection,
    incoming: str,
    vintage: str,
    max_drop: float = MAX_DROP,
) -> list[Drop]:
    """Units where the incoming rows (a registered table of crime rows) would replace current
    figures of the same or an older vintage with a total lower by more than ``max_drop``."""
    rows = con.execute(
        f"""WITH new AS (
            SELECT month, geo_level, area_code, scheme, measure,
                   any_value(area_name) AS area_name, sum(count) AS after
            FROM {incoming} GROUP BY ALL),
        old AS (
            SELECT f.month, f.geo_level, f.area_code, f.scheme, f.measure, sum(f.count) AS before
            FROM crime_facts f JOIN sources s ON s.source_id = f.source_id
            WHERE f.is_current AND s.vintage <= ?
            GROUP BY ALL)
        SELECT new.month, new.geo_level, new.area_code, new.area_name, new.measure,
               old.before, new.after
        FROM new JOIN old USING (month, geo_level, area_code, scheme, measure)
        WHERE old.before >= ? AND new.after < old.before * (1 - ?)
        ORDER BY old.before - new.after DESC""",
        [vintage, MIN_TOTAL, max_drop],
    ).fetchall()
    return [Drop(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6])) for r in rows]


def refuse_drops(drops: list[Drop], path: Path | str, max_drop: float) -> None:
    if drops:
        more = f" and {len(drops) - 1} more" if len(drops) > 1 else ""
        raise ImplausibleError(
            f"{Path(path).name}: would cut {drops[0].describe()}{more} — more than "
            f"{max_drop:.0%} of a month-area total; check the file, or load it with "
            "`scrutiny ingest --accept-revisions` if the publication really revised it"
        )


def replaced_totals(con: duckdb.DuckDBPyConnection, incoming: str, vintage: str) -> tuple[int, int]:
    """The current total of the units the incoming rows replace, before and after."""
    row = con.execute(
        f"""WITH new AS (
            SELECT month, geo_level, area_code, scheme, measure, sum(count) AS after
            FROM {incoming} GROUP BY ALL),
        old AS (
            SELECT f.month, f.geo_level, f.area_code, f.scheme, f.measure, sum(f.count) AS before
            FROM crime_facts f JOIN sources s ON s.source_id = f.source_id
            WHERE f.is_current AND s.vintage <= ?
            GROUP BY ALL)
        SELECT coalesce(sum(old.before), 0), coalesce(sum(new.after), 0)
        FROM new JOIN old USING (month, geo_level, area_code, scheme, measure)""",
        [vintage],
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
